#!/usr/bin/env python
"""Trending on a replayed week: how soon bursts top the list, how often steady or copied stories get in, and
what one ``rank`` costs on a big store.

    PYTHONPATH=src python benchmarks/trending_replay.py [--seed 0] [--big 200000]

A synthetic week is written through the store interface (known stories, copy marks as the clusterer
records them): 60 steady stories (one report per 1 to 12 hours each, from a pool of 30 outlets; a few of
them busy, up to 3 outlets an hour), 8 bursts (8 to 16 outlets within two hours, first report at a random
hour of days 4 to 7) and 8 wire stories (one original re-posted by 6 to 14 outlets within two hours). Then
each hour of days 4 to 7 is replayed (``Trending.rank(at=...)``) and compared with two simpler rankings of
the same window: independent outlets (no baseline), and articles (copies counted).
``--big N`` then pads the store with N more articles spread over a year before and times one ``rank``.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from babelwire.model import Article
from babelwire.store import Store
from babelwire.tracking import Trending

T0 = datetime(2024, 3, 1, tzinfo=UTC)
HOURS = 6


def _article(aid: str, source: str, at: datetime, lang: str = "en") -> Article:
    return Article(id=aid, source=source, origin=f"bench/{aid}", format="text", read_at=T0 + timedelta(days=8),
                   raw=aid, title=f"Report {aid}", text=f"Body of {aid}. " * 20, lang=lang,
                   published=at.isoformat(timespec="seconds"), meta={"source_known": True})


def build(store: Store, rng: random.Random) -> dict[str, tuple[str, datetime]]:
    """Write the week; return ``{story: (kind, first report)}`` (kind: steady, burst or wire)."""
    outlets = [f"outlet{i:02d}.example" for i in range(30)]
    kinds: dict[str, tuple[str, datetime]] = {}
    n = 0

    def put(story: str, at: datetime, source: str, copy_of: str | None = None) -> str:
        nonlocal n
        n += 1
        aid = f"a{n}"
        store.add_article(_article(aid, source, at, rng.choice(["en", "de", "fr", "es", "ru", "tr"])),
                          embed_hash=aid)
        store.assign(aid, story, score=1.0, evidence={"reason": "copy", "copy_of": copy_of} if copy_of else {})
        return aid

    with store.transaction():
        for s in range(60):
            sid = f"steady-{s}"
            store.upsert_story(sid, sid)
            busy = s < 6
            every = rng.choice([1, 2, 3, 6, 12]) if not busy else 1
            kinds[sid] = ("steady", T0)
            for h in range(0, 7 * 24, every):
                for _ in range(rng.randint(1, 3) if busy else 1):
                    put(sid, T0 + timedelta(hours=h, minutes=rng.randrange(60)), rng.choice(outlets))
        for b in range(8):
            sid, start = f"burst-{b}", T0 + timedelta(days=3, hours=rng.randrange(4 * 24 - 6))
            store.upsert_story(sid, sid)
            kinds[sid] = ("burst", start)
            for i, o in enumerate(rng.sample(outlets, rng.randint(8, 16))):
                put(sid, start + timedelta(minutes=0 if i == 0 else rng.randrange(120)), o)
        for w in range(8):
            sid, start = f"wire-{w}", T0 + timedelta(days=3, hours=rng.randrange(4 * 24 - 6))
            store.upsert_story(sid, sid)
            kinds[sid] = ("wire", start)
            chosen = rng.sample(outlets, rng.randint(7, 15))
            first = put(sid, start, chosen[0])
            for o in chosen[1:]:
                put(sid, start + timedelta(minutes=rng.randrange(1, 120)), o, copy_of=first)
    return kinds


def window_rankings(reports, end: datetime) -> tuple[list[str], list[str]]:
    """Return the window's stories by independent outlets and by articles (copies counted), most first."""
    outlets: dict[str, set[str]] = defaultdict(set)
    articles: Counter[str] = Counter()
    for r in reports:
        if end - timedelta(hours=HOURS) <= r.at < end:
            articles[r.story_id] += 1
            if not r.copy:
                outlets[r.story_id].add(r.outlet)
    by_outlets = sorted(outlets, key=lambda s: (-len(outlets[s]), s))
    return by_outlets, [s for s, _ in articles.most_common()]


def replay(store: Store, kinds: dict[str, tuple[str, datetime]]) -> None:
    trending = Trending(hours=HOURS)
    methods = ("trending", "outlets in window", "articles in window")
    top1: dict[str, dict[str, int | None]] = {m: {} for m in methods}
    top3: dict[str, dict[str, int]] = {m: {} for m in methods}
    intruders = {m: Counter() for m in methods}
    slots = 0
    for h in range(3 * 24, 7 * 24):
        end = T0 + timedelta(hours=h)
        slots += 1
        ranked = [s["story_id"] for s in trending.rank(store, at=end, limit=3)["stories"]]
        by_outlets, by_articles = window_rankings(trending.reports(store, end), end)
        for m, order in zip(methods, (ranked, by_outlets[:3], by_articles[:3]), strict=True):
            for sid in order:
                kind, start = kinds[sid]
                if kind != "burst":
                    intruders[m][kind] += 1
                elif 0 < (end - start).total_seconds() <= HOURS * 3600:
                    top3[m].setdefault(sid, int((end - start).total_seconds() // 3600))
            if order and kinds[order[0]][0] == "burst":
                sid = order[0]
                start = kinds[sid][1]
                delay = int((end - start).total_seconds() // 3600)
                if 0 < delay <= HOURS and top1[m].get(sid) is None:
                    top1[m][sid] = delay
    bursts = [s for s, (k, _) in kinds.items() if k == "burst"]
    print(f"{len(bursts)} bursts, {slots} hourly replays (days 4-7), window {HOURS} h, top 3 kept per hour\n")
    print(f"{'ranking':<20} {'bursts #1 within a window':>26} {'median hours to #1':>19} "
          f"{'in top 3 within a window':>25} {'steady in top 3':>16} {'wire in top 3':>14}")
    for m in methods:
        got = sorted(v for v in top1[m].values() if v is not None)
        med = got[len(got) // 2] if got else None
        print(f"{m:<20} {len(got):>19} of {len(bursts):<4} {med if med is not None else '-':>19} "
              f"{len(top3[m]):>18} of {len(bursts):<4} {intruders[m]['steady']:>16} {intruders[m]['wire']:>14}")


def big(store: Store, n: int, rng: random.Random) -> None:
    with store.transaction():
        for i in range(n):
            at = T0 - timedelta(minutes=rng.randrange(365 * 24 * 60))
            if i % 5 == 0:
                store.upsert_story(f"old-story-{i // 5}", "old")
            store.add_article(_article(f"old{i}", f"o{rng.randrange(500)}.example", at), embed_hash=f"old{i}")
            store.assign(f"old{i}", f"old-story-{i // 5}", score=1.0, evidence={})
    trending = Trending(hours=HOURS)
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        res = trending.rank(store, at=T0 + timedelta(days=6))
        best = min(best, time.perf_counter() - t)
    print(f"\nbig store: {store.article_count()} articles; one rank over a {res['baseline_hours'] + HOURS} h span: "
          f"{best * 1000:.0f} ms (best of 3)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--big", type=int, default=0, help="pad the store with this many older articles and time one rank")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as d, Store(Path(d) / "replay.db") as store:
        kinds = build(store, rng)
        print(f"store: {store.article_count()} articles in {len(kinds)} stories")
        replay(store, kinds)
        if args.big:
            big(store, args.big, rng)


if __name__ == "__main__":
    main()
