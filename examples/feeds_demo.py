"""Serve the examples/ corpus as RSS feeds on 127.0.0.1, one per language, filling up over simulated time.

    python examples/feeds_demo.py [--port 8765] [--step 2] [--burst-after 4] [--burst-at TIME]

Each feed (http://127.0.0.1:PORT/LANG.xml) starts with ``--step`` entries and reveals ``--step``
more at each request, newest first, so ``babelwire watch --config examples/watch.toml`` sees new
entries arrive poll after poll and the stories form as it goes. ``/`` lists the feeds. Every third
entry is given as a summary only, with a link to its article page (/page/ID), so the watcher
fetches and cleans the page (so the page's host, 127.0.0.1, is that entry's outlet).

A burst: http://127.0.0.1:PORT/world.xml, an aggregator's feed of many outlets, is empty until its
``--burst-after``-th request, then lists seven reports of one event (examples/burst_reports.py) from
seven outlets in six languages, published within two hours up to ``--burst-at`` (default: the moment
they appear), so ``babelwire trending`` shows the story on top. Stop it with Ctrl-C.
"""

from __future__ import annotations

import argparse
import html
import logging
import re
import sys
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from babelwire.sources import iter_files, read_path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from burst_reports import BURST  # noqa: E402 - next to this script

log = logging.getLogger("feeds_demo")


def _corpus() -> dict[str, list[dict[str, str]]]:
    """Return the corpus' articles by language (from the file names: e01_en_outlet.txt), oldest first."""
    by_lang: dict[str, list[dict[str, str]]] = {}
    for f in iter_files([HERE / "articles", HERE / "html"]):
        parts = f.stem.split("_")
        if len(parts) < 3:
            continue
        for doc in read_path(f).documents:
            # plain text stays plain (the cleaner takes the site clutter off it as from a file); no title or
            # date is declared, so the cleaner finds them in the article as it would in the file
            body = doc.html if doc.html is not None else (doc.text or "")
            m = re.search(r"<title>([^<]+)</title>", body)
            lead = m.group(1) if m else " ".join(body.split())[:160]
            by_lang.setdefault(parts[1], []).append({"id": f.stem, "lead": lead, "body": body})
    return by_lang


class Feeds:
    """The feeds and how many entries each has shown so far (each request reveals ``step`` more)."""

    def __init__(self, step: int, *, burst_after: int = 4, burst_at: datetime | None = None) -> None:
        self.by_lang = _corpus()
        self.step = step
        self.shown: dict[str, int] = {}
        self.lock = threading.Lock()
        self.burst_after, self.burst_at = burst_after, burst_at
        self.world_requests = 0

    def world(self, base: str) -> str:
        """The aggregator's feed: empty until its ``burst_after``-th request, then the burst, newest first."""
        with self.lock:
            self.world_requests += 1
            if self.world_requests < self.burst_after:
                items: list[dict] = []
            else:
                if self.burst_at is None:
                    self.burst_at = datetime.now(UTC).replace(microsecond=0)
                items = BURST
        last = max(b["minutes"] for b in BURST)
        out = []
        for b in sorted(items, key=lambda b: -b["minutes"]):
            assert self.burst_at is not None
            when = format_datetime(self.burst_at - timedelta(minutes=last - b["minutes"]))
            # one paragraph per sentence, as an article page has them
            text = "".join(f"<p>{html.escape(x)}</p>" for x in re.split(r"(?<=[.!?])\s+", b["text"]))
            out.append(f"<item><guid isPermaLink=\"false\">{b['id']}</guid>"
                       f"<link>https://{b['outlet']}/news/{b['id']}</link><title>{html.escape(b['title'])}</title>"
                       f"<pubDate>{when}</pubDate><content:encoded><![CDATA[{text}]]></content:encoded></item>")
        return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
                'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
                f"<title>babelwire demo (world)</title><link>{base}/</link>{''.join(out)}</channel></rss>")

    def feed(self, lang: str, base: str) -> str | None:
        items = self.by_lang.get(lang)
        if items is None:
            return None
        with self.lock:
            n = self.shown[lang] = min(len(items), self.shown.get(lang, 0) + self.step)
        out = []
        for i, a in enumerate(reversed(items[:n])):
            link = f"{base}/page/{a['id']}"
            if (i + n) % 3 == 0:
                body = f"<description>{html.escape(a['lead'])}</description>"
            else:
                body = f"<content:encoded><![CDATA[{a['body']}]]></content:encoded>"
            out.append(f"<item><guid isPermaLink=\"false\">{a['id']}</guid><link>{link}</link>{body}</item>")
        return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
                'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
                f"<title>babelwire demo ({lang})</title><link>{base}/</link><language>{lang}</language>"
                f"{''.join(out)}</channel></rss>")

    def page(self, article_id: str) -> str | None:
        for items in self.by_lang.values():
            for a in items:
                if a["id"] == article_id:
                    if a["body"].lstrip().lower().startswith(("<!doctype", "<html")):
                        return a["body"]
                    paras = "".join(f"<p>{html.escape(ln)}</p>" for ln in a["body"].splitlines() if ln.strip())
                    first = next((ln for ln in a["body"].splitlines() if ln.strip()), "")
                    return (f"<!doctype html><html><head><title>{html.escape(first)}</title></head><body>"
                            f"<nav><a href='/'>Home</a></nav><article>{paras}</article>"
                            "<footer>babelwire demo</footer></body></html>")
        return None


def _handler(feeds: Feeds) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            base = f"http://{self.headers.get('Host', '127.0.0.1')}"
            path = self.path.split("?")[0]
            if path == "/":
                links = "".join(f"<li><a href='/{lang}.xml'>{lang}</a></li>"
                                for lang in [*sorted(feeds.by_lang), "world"])
                return self._send(200, f"<html><body><ul>{links}</ul></body></html>", "text/html")
            if path == "/world.xml":
                return self._send(200, feeds.world(base), "application/rss+xml")
            if path.endswith(".xml"):
                body = feeds.feed(path[1:-4], base)
                if body is None:
                    return self._send(404, "no feed", "text/plain")
                return self._send(200, body, "application/rss+xml")
            if path.startswith("/page/"):
                body = feeds.page(path[len("/page/"):])
                return self._send(200, body, "text/html") if body else self._send(404, "no page", "text/plain")
            self._send(404, "not found", "text/plain")

        def _send(self, status: int, body: str, ctype: str) -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", f"{ctype}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, fmt: str, *args: object) -> None:
            log.info(fmt, *args)

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765)")
    parser.add_argument("--step", type=int, default=2, help="entries each request reveals (default 2)")
    parser.add_argument("--burst-after", type=int, default=4, metavar="N",
                        help="world.xml shows the burst from its N-th request on (default 4)")
    parser.add_argument("--burst-at", type=datetime.fromisoformat, default=None, metavar="TIME",
                        help="publication time of the burst's last report, ISO 8601 (default: when it appears)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    at = args.burst_at
    feeds = Feeds(args.step, burst_after=args.burst_after,
                  burst_at=None if at is None else (at if at.tzinfo else at.replace(tzinfo=UTC)))
    server = ThreadingHTTPServer(("127.0.0.1", args.port), _handler(feeds))
    total = sum(len(v) for v in feeds.by_lang.values())
    log.info("serving %d articles as %d feeds on http://127.0.0.1:%d/ (%s), and a burst of %d reports in world.xml "
             "from its request %d on", total, len(feeds.by_lang), args.port,
             ", ".join(f"{lang}.xml" for lang in sorted(feeds.by_lang)), len(BURST), args.burst_after)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
