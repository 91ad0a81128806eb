#!/usr/bin/env python
"""The story list and the facets on a store of synthetic articles: the summaries the store keeps (m012_story_stats,
m013_facet_counts) against the grouping queries they replaced, and what keeping them costs an ingest.

    PYTHONPATH=src python benchmarks/story_list.py --db /tmp/load.db           # 10,000 articles, built if missing
    PYTHONPATH=src python benchmarks/story_list.py --db /tmp/load.db --pg URL  # and copied into PostgreSQL there
    PYTHONPATH=src python benchmarks/story_list.py --ingest 10000 --rounds 2   # ingest with and without triggers

Reads: the median and best of ``--repeat`` calls of ``story_rows(limit=200)`` (what the web app lists after every
write), a few filtered lists, and ``views.facets``; then the same answers by the queries used before m012/m013
(``tests/store/stories_reference.py``, the tests' reference), on the same store in the same process, after
checking both give the same rows. With ``--pg`` the store is copied into that PostgreSQL database first (the
copy derives the summaries again) and measured there too.

Ingest: builds ``--ingest``-article stores through the pipeline (``api_load.build_store``: fake encoder, batches
of 500), alternating a store as it is and one whose summary and facet triggers were dropped when it was created,
``--rounds`` of each, after a small warm-up build; and first, the same way, the store's own writes of such an
ingest alone (article, story row, membership), which show the triggers' cost without the pipeline's noise.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests" / "store"))  # the old queries, as the tests keep them

import api_load  # noqa: E402
from stories_reference import grouped_stats, kept_stats, old_story_rows, old_value_counts  # noqa: E402

from babelwire import views  # noqa: E402
from babelwire.store import PostgresStore, Store  # noqa: E402
from babelwire.store._copy import copy_store  # noqa: E402


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Return the median and best milliseconds of ``repeat`` calls of ``fn`` (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times), min(times)


def reads(store: Any, repeat: int) -> None:
    """Print the kept and the old way of each read, side by side."""
    cutoff = max(d for _, _, d, *_ in grouped_stats(store).values() if d)[:7]  # the newest month
    source = store.value_counts("source")[0][0]
    cases: list[tuple[str, dict[str, Any]]] = [
        ("story_rows(limit=200)", {"limit": 200}),
        ("story_rows(limit=200, offset=1000)", {"limit": 200, "offset": 1000}),
        (f"story_rows(since={cutoff!r}, limit=200)", {"since": cutoff, "limit": 200}),
        (f"story_rows(source={source!r}, limit=200)", {"source": source, "limit": 200}),
        ("story_rows() (all)", {}),
    ]
    print(f"  {'read':<50} {'kept: median / best ms':>24} {'before: median / best ms':>26}")
    for name, kw in cases:
        same = store.story_rows(**kw) == old_story_rows(store, **kw)
        now, now_best = timed(lambda kw=kw: store.story_rows(**kw), repeat)
        old, old_best = timed(lambda kw=kw: old_story_rows(store, **kw), repeat)
        print(f"  {name:<50} {now:>12.3f} / {now_best:<9.3f} {old:>14.2f} / {old_best:<9.2f}"
              f"{'' if same else '  DIFFERENT ROWS'}")
    same = views.facets(store) == {c: old_value_counts(store, c) for c in ("lang", "source")}
    now, now_best = timed(lambda: views.facets(store), repeat)
    old, old_best = timed(lambda: [old_value_counts(store, c) for c in ("lang", "source")], repeat)
    print(f"  {'views.facets (languages, sources)':<50} {now:>12.3f} / {now_best:<9.3f} {old:>14.2f} / "
          f"{old_best:<9.2f}{'' if same else '  DIFFERENT ROWS'}")
    want = grouped_stats(store)
    kept = kept_stats(store)
    right = kept == {sid: want.get(sid, (0, None, None, None)) for sid in kept}
    print(f"  kept summaries equal a grouping from scratch: {right}")


def _drop_triggers(path: str) -> None:
    with Store(path) as store:
        names = [r[0] for r in store.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
            "(name LIKE 'story_stats_%' OR name LIKE 'facet_counts_%')")]
        for name in names:
            store.db.execute(f"DROP TRIGGER {name}")


def ingest(n: int, rounds: int) -> None:
    """Print the seconds of building ``n``-article stores with and without the triggers, alternating."""
    took: dict[str, list[float]] = {"with triggers": [], "without": []}
    with tempfile.TemporaryDirectory(prefix="babelwire-stats-") as tmp:
        api_load.build_store(os.path.join(tmp, "warm.db"), min(n, 500))  # imports and models loaded once, first
        for r in range(rounds):
            for kind in ("without", "with triggers") if r % 2 else ("with triggers", "without"):
                path = os.path.join(tmp, f"{kind[:4]}{r}.db")
                if kind == "without":
                    _drop_triggers(path)
                took[kind].append(api_load.build_store(path, n))
                print(f"  round {r + 1}: {kind:<14} {took[kind][-1]:7.1f} s", flush=True)
                os.remove(path)
    for kind, secs in took.items():
        print(f"  {kind:<14} mean {statistics.mean(secs):7.1f} s  ({', '.join(f'{s:.1f}' for s in secs)})")


def writes(n: int, rounds: int) -> None:
    """Print the seconds the store's own writes of an ingest take (article, story row, membership; one transaction
    per 500, no cleaning or clustering) with and without the triggers, alternating: what the triggers add."""
    from datetime import UTC, datetime

    from babelwire.model import Article

    arts = [Article(id=f"w{i:06d}", source=f"outlet{i % 40}", origin=f"synthetic:{i}", format="text",
                    read_at=datetime(2024, 1, 1, tzinfo=UTC), raw="r", title=f"T{i}", text=f"text {i}",
                    lang=("en", "de", "fr")[i % 3], published=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}")
            for i in range(n)]
    took: dict[str, list[float]] = {"with triggers": [], "without": []}
    with tempfile.TemporaryDirectory(prefix="babelwire-stats-") as tmp:
        for r in range(rounds):
            for kind in ("without", "with triggers") if r % 2 else ("with triggers", "without"):
                path = os.path.join(tmp, f"{kind[:4]}{r}.db")
                if kind == "without":
                    _drop_triggers(path)
                with Store(path) as store:
                    t = time.perf_counter()
                    for i in range(0, n, 500):
                        with store.transaction():
                            for k, a in enumerate(arts[i : i + 500], i):
                                store.add_article(a, embed_hash=a.id)
                                if k % 5 == 0:
                                    store.upsert_story(f"s{k // 5}", a.title)
                                store.assign(a.id, f"s{k // 5}", score=0.5, evidence={"reason": "scored"})
                    took[kind].append(time.perf_counter() - t)
                os.remove(path)
    for kind, secs in took.items():
        print(f"  store writes alone, {kind:<14} mean {statistics.mean(secs):6.2f} s  "
              f"({', '.join(f'{s:.2f}' for s in secs)})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", help="SQLite store to read (built with --articles synthetic articles if missing)")
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--pg", help="PostgreSQL URL to copy the store into and read too (its data is replaced)")
    ap.add_argument("--repeat", type=int, default=30, help="calls per read")
    ap.add_argument("--ingest", type=int, default=0, help="articles per store in the ingest comparison")
    ap.add_argument("--rounds", type=int, default=2, help="stores of each kind in the ingest comparison")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    if args.db:
        if not os.path.exists(args.db):
            print(f"building a store of {args.articles} synthetic articles at {args.db} …", flush=True)
            print(f"  built in {api_load.build_store(args.db, args.articles):.1f} s")
        with Store(args.db) as store:
            print(f"SQLite: {store.article_count()} articles, {store.story_count()} stories")
            reads(store, args.repeat)
            if args.pg:
                with PostgresStore(args.pg) as pg:
                    t = time.perf_counter()
                    copy_store(store, pg, overwrite=True)
                    print(f"PostgreSQL: copied in {time.perf_counter() - t:.1f} s (babelwire migrate --to)")
                    pg._q("ANALYZE")
                    reads(pg, args.repeat)
    if args.ingest:
        print(f"ingest of {args.ingest} synthetic articles (fake encoder), alternating:")
        writes(args.ingest, 2 * args.rounds)
        ingest(args.ingest, args.rounds)


if __name__ == "__main__":
    main()
