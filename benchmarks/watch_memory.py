"""Memory of a long watch: synthetic entries replayed through the watcher from a local HTTP server.

    PYTHONPATH=src python benchmarks/watch_memory.py [--entries 50000] [--per-poll 100] [--report 1000,10000,50000]

A feed on 127.0.0.1 lists the newest ``--window`` entries and reveals ``--per-poll`` new ones at each
request; the watcher polls it (the fake encoder at 384 dimensions, a temp store) until ``--entries``
have been ingested, and
prints the process's resident memory (RSS) and the store's size at each reported count. Not a test:
it prints figures.

``--watcher-only`` swaps the pipeline for one that counts the documents it is given and stores
nothing, so the figures are the watcher's own (fetching, parsing, the seen keys in the store)
without the clusterer's working set, which grows with the stories by design. ``--ongoing K`` makes
every K-th entry a report of one long-running event, whose story keeps growing (the merge/split pass's
bound for big stories, docs/stories.md).
"""

from __future__ import annotations

import argparse
import functools
import logging
import random
import resource
import string
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

KINDS = ("strike flood quake fire storm election trial merger recall outage landslide protest summit "
         "drought heatwave derailment blackout collapse evacuation ceasefire").split()
GENERIC = ("officials residents reporters witnesses police ministry council company agency spokesman "
           "statement morning evening afternoon overnight region district capital province village harbour "
           "airport station hospital school market factory bridge road river coast valley centre north south "
           "east west damage cost delay warning inquiry investigation response support families workers "
           "engineers volunteers teams crews talks plans measures figures reports hours days week").split()
VERBS = "said confirmed reported announced told warned added estimated expected described".split()

REPORTS_PER_EVENT = (2, 6)  # a few reports each, as most news events get
SPREAD = 150  # an event's reports arrive within this many entries of its first (under a day)
PER_DAY = 200  # entries a day: the clusterer's working set stays a few days' worth


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _name(rng: random.Random, letters: int) -> str:
    """Return a made-up word of random letters: two events' words then share few letter trigrams (what
    the fake encoder hashes), as two real events' names and vocabulary mostly do."""
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(letters)).title()


def _event(e: int | str) -> dict:
    """Return event ``e``'s facts: its own place, person, body, figure and words (so events are distinct,
    as real ones are: another place, other people, other numbers, its own vocabulary)."""
    rng = random.Random(f"event-{e}")
    word = lambda: _name(rng, rng.randint(4, 8))  # noqa: E731
    return {"kind": rng.choice(KINDS), "place": word(), "person": f"{word()} {word()}",
            "org": f"{word()} {rng.choice(['Group', 'Authority', 'Union', 'Institute'])}",
            "figure": rng.randint(12, 9000), "reports": rng.randint(*REPORTS_PER_EVENT),
            "words": [word().lower() for _ in range(8)]}


@functools.lru_cache(maxsize=4)
def _schedule(total: int) -> list[tuple[int, int]]:
    """Return (event, report number) for each entry position: events start one after the other, each
    report within ``SPREAD`` entries of its event's start, so reports of many events interleave."""
    rng = random.Random(7)
    slots: list[tuple[float, int, int]] = []
    e, pos = 0, 0.0
    while pos < total:
        ev = _event(e)
        for k in range(ev["reports"]):
            slots.append((pos + (rng.random() * SPREAD if k else 0.0), e, k))
        pos += ev["reports"]  # events start at the rate their reports fill the stream
        e += 1
    slots.sort()
    return [(ev, k) for _, ev, k in slots[:total]]


def _entry(n: int, total: int, ongoing: int = 0) -> str:
    """Return entry ``n`` as an RSS item; with ``ongoing``, every ``ongoing``-th entry is a report of one
    long-running event (a war, a trial), whose story grows all through the replay."""
    e, k = _schedule(total)[n]
    ev = _event("ongoing" if ongoing and n % ongoing == ongoing - 1 else e)
    rng = random.Random(f"report-{n}")
    # each report words it its own way: some of the event's words, a few of the language's
    own = lambda m: " ".join(rng.sample(ev["words"], m))  # noqa: E731
    common = lambda m: " ".join(rng.sample(GENERIC, m))  # noqa: E731
    sentences = [
        f"{ev['place']} {ev['kind']} {own(2)} {ev['figure']} {ev['person']} {rng.choice(VERBS)}",
        f"{ev['org']} {own(3)} {common(1)} {ev['place']}",
        f"{ev['person']} {own(2)} {common(1)} {own(2)}",
        f"{ev['figure']} {own(3)} {ev['place']} {common(1)}",
    ]
    rng.shuffle(sentences)
    day = format_datetime(datetime(2020, 1, 1, 10, tzinfo=UTC) + timedelta(days=n / PER_DAY))
    body = "".join(f"<p>{s}.</p>" for s in sentences[: 3 + k % 2])
    return (f"<item><guid isPermaLink=\"false\">e{n}</guid><title>{ev['place']} {ev['kind']}: {ev['person']}, "
            f"{ev['figure']}</title><pubDate>{day}</pubDate>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded></item>")


class Replay:
    def __init__(self, per_poll: int, window: int, total: int, ongoing: int = 0) -> None:
        self.per_poll, self.window, self.total, self.shown = per_poll, window, total, 0
        self.ongoing = ongoing
        self.lock = threading.Lock()

    def body(self) -> bytes:
        with self.lock:
            self.shown = min(self.total, self.shown + self.per_poll)
            lo = max(0, self.shown - self.window)
            items = "".join(_entry(n, self.total, self.ongoing) for n in range(self.shown - 1, lo - 1, -1))
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
    ap.add_argument("--ongoing", type=int, default=0, metavar="K",
                    help="every K-th entry reports one long-running event, whose story keeps growing")
    ap.add_argument("--encoder", default="fake:384",
                    help="the fake encoder at the real model's dimension by default (see docs/watch.md)")
    ap.add_argument("--watcher-only", action="store_true", help="count the documents instead of ingesting them")
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)
    replay = Replay(args.per_poll, args.window, args.entries, args.ongoing)

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
            pipeline = CountingPipeline(store) if args.watcher_only else Pipeline(store, encoder=args.encoder)
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
