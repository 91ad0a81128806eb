"""Serve the examples/ corpus as RSS feeds on 127.0.0.1, one per language, filling up over simulated time.

    python examples/feeds_demo.py [--port 8765] [--step 2]

Each feed (http://127.0.0.1:PORT/LANG.xml) starts with ``--step`` entries and reveals ``--step``
more at each request, newest first, so ``babelwire watch --config examples/watch.toml`` sees new
entries arrive poll after poll and the stories form as it goes. ``/`` lists the feeds. Every third
entry is given as a summary only, with a link to its article page (/page/ID), so the watcher
fetches and cleans the page. Stop it with Ctrl-C.
"""

from __future__ import annotations

import argparse
import html
import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from babelwire.sources import iter_files, read_path

HERE = Path(__file__).resolve().parent
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

    def __init__(self, step: int) -> None:
        self.by_lang = _corpus()
        self.step = step
        self.shown: dict[str, int] = {}
        self.lock = threading.Lock()

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
                links = "".join(f"<li><a href='/{lang}.xml'>{lang}</a></li>" for lang in sorted(feeds.by_lang))
                return self._send(200, f"<html><body><ul>{links}</ul></body></html>", "text/html")
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
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    feeds = Feeds(args.step)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), _handler(feeds))
    total = sum(len(v) for v in feeds.by_lang.values())
    log.info("serving %d articles as %d feeds on http://127.0.0.1:%d/ (%s)", total, len(feeds.by_lang), args.port,
             ", ".join(f"{lang}.xml" for lang in sorted(feeds.by_lang)))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
