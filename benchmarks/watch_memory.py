"""Memory of a long watch: synthetic entries replayed through the watcher from a local HTTP server.

    PYTHONPATH=src python benchmarks/watch_memory.py [--entries 50000] [--per-poll 100] [--report 1000,10000,50000]

A feed on 127.0.0.1 lists the newest ``--window`` entries and reveals ``--per-poll`` new ones at each
request; the watcher polls it (fake encoder, temp store) until ``--entries`` have been ingested, and
prints the process's resident memory (RSS) and the store's size at each reported count. Not a test:
it prints figures.

``--watcher-only`` swaps the pipeline for one that counts the documents it is given and stores
nothing, so the figures are the watcher's own (fetching, parsing, the seen keys in the store)
without the clusterer's working set, which grows with the stories by design.
"""

from __future__ import annotations

import argparse
import logging
import random
import resource
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from babelwire.pipeline import Pipeline
from babelwire.sources.feeds import Fetcher, Watcher, sources_from_args
from babelwire.store import Store

WORDS = ("port strike rail flood quake bank rate minister talks border harvest election court fire storm bridge "
         "vaccine drought tariff merger satellite festival league transfer pipeline summit census reactor").split()
CITIES = ("Burgas Baku Kars Lyon Uppsala Kiel Klaipeda Porto Izmir Tbilisi Varna Odesa Chengdu Rabat Sevilla "
          "Gdansk Tartu Brno Plovdiv Ganja").split()


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _entry(n: int) -> str:
    rng = random.Random(n)
    event = n // 4  # about four reports per event
    erng = random.Random(event)
    topic, city = erng.choice(WORDS), erng.choice(CITIES)
    figure = erng.randint(2, 900)
    sentences = [
        f"Officials in {city} said on {['Monday', 'Tuesday', 'Friday'][event % 3]} that the {topic} affected "
        f"{figure} people",
        f"Report {n} quotes {rng.choice(CITIES)} residents about the {topic} and its cost",
        f"The {topic} in {city} is the {event % 7 + 2}th this year, the ministry said",
        f"Local services in {city} expect {figure * 3} requests by the end of the week",
    ]
    # a stream: about 200 reports a day, so the clusterer's working set stays a few days' worth
    day = format_datetime(datetime(2020, 1, 1, 10, tzinfo=UTC) + timedelta(days=n // 200))
    body = "".join(f"<p>{s}.</p>" for s in sentences)
    return (f"<item><guid isPermaLink=\"false\">e{n}</guid><title>{topic.title()} in {city}: {figure} "
            f"affected</title><pubDate>{day}</pubDate>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded></item>")


class Replay:
    def __init__(self, per_poll: int, window: int, total: int) -> None:
        self.per_poll, self.window, self.total, self.shown = per_poll, window, total, 0
        self.lock = threading.Lock()

    def body(self) -> bytes:
        with self.lock:
            self.shown = min(self.total, self.shown + self.per_poll)
            lo = max(0, self.shown - self.window)
            items = "".join(_entry(n) for n in range(self.shown - 1, lo - 1, -1))
        return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
                'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>replay</title>'
                f"<link>https://replay.example.org/</link><language>en</language>{items}</channel></rss>").encode()


class CountingPipeline:
    """Takes the watcher's documents, counts them as stored, clusters nothing (``--watcher-only``)."""

    max_article_mb = None

    def __init__(self, store: Store) -> None:
        self.store = store

    def ingest_documents(self, docs, *, report=None):  # noqa: ANN001, ANN201 - Pipeline's signature
        from babelwire.pipeline import IngestReport

        report = report or IngestReport()
        report.stored.extend(d.id for d in docs)
        return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entries", type=int, default=50_000)
    ap.add_argument("--per-poll", type=int, default=100)
    ap.add_argument("--window", type=int, default=300, help="entries the feed lists at once")
    ap.add_argument("--report", default="1000,10000,50000")
    ap.add_argument("--watcher-only", action="store_true", help="count the documents instead of ingesting them")
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)
    replay = Replay(args.per_poll, args.window, args.entries)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            data = replay.body()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *a: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    marks = sorted(int(x) for x in args.report.split(",") if int(x) <= args.entries)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "watch.db"
        with Store(db) as store:
            src = sources_from_args([url], overrides={"host_delay": 0, "retry_delay": 0, "interval": 1,
                                                      "max_body_mb": 50})
            pipeline = CountingPipeline(store) if args.watcher_only else Pipeline(store, encoder="fake")
            watcher = Watcher(pipeline, src, fetcher=Fetcher(sleep=lambda s: None))  # type: ignore[arg-type]
            start = time.perf_counter()
            counted = "seen" if args.watcher_only else "stored"
            print(f"{'entries':>8} {counted:>8} {'RSS MiB':>8} {'store MiB':>9} {'seconds':>8}")
            done = 0
            while done < args.entries:
                r = watcher.poll(watcher.sources[0])
                if r.status != "ok":
                    raise SystemExit(f"poll failed: {r.error}")
                done += r.new
                while marks and done >= marks[0]:
                    marks.pop(0)
                    size = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 1048576
                    stored = store.seen_count(url) if args.watcher_only else store.article_count()
                    print(f"{done:>8} {stored:>8} {_rss_mb():>8.1f} {size:>9.1f} "
                          f"{time.perf_counter() - start:>8.1f}", flush=True)
    server.shutdown()


if __name__ == "__main__":
    main()
