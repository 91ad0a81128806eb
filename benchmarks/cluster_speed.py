#!/usr/bin/env python
"""Clustering step alone, on synthetic vectors: articles/s with N articles already stored, and memory.

    python benchmarks/cluster_speed.py --stored 100000 --measure 5000 --batch 32

Articles arrive in batches (``learn_many``, as the pipeline ingests them); the
same number one at a time (``learn_one``) is timed after for comparison.
Synthetic events: each a random direction; its reports are that direction plus
noise (cosines like real same-story pairs), with names and numbers drawn from
the event's own pool, and — where the clusterer reads them — the event's
occurrence (its day, kind, place and a measured quantity), so that the conflict
checks run as on real news. Embeddings are "cached" (made up front), so this times the
online clusterer only: nearest neighbours, pair scoring, copies, bookkeeping.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import time
from collections import Counter

import numpy as np

from babelwire.cluster.merge import MergeSplit
from babelwire.cluster.online import StoryClusterer
from babelwire.signals.profile import ArticleSignals

try:  # what the event reports, where this version of the clusterer reads it
    from babelwire.signals.occurrence import Occurrence
except ImportError:
    Occurrence = None  # type: ignore[assignment,misc]

_KINDS = ("call", "meeting", "vote", "quake", "attack", "match")


def occurrence(e: int, rng: np.random.Generator):
    """The occurrence of event ``e`` as one report gives it: each facet present in about half the reports
    (drawn either way, so the vectors are the same whether this version reads occurrences or not)."""
    present = rng.random(4) < 0.5
    if Occurrence is None:
        return {}
    return {"occurrence": Occurrence(
        days=frozenset({e % 366 + 1}) if present[0] else frozenset(),
        weekdays=frozenset({e % 7}) if present[0] else frozenset(),
        quantities=frozenset({("minute", float(10 + e % 50))}) if present[1] else frozenset(),
        places=frozenset({f"p{e % 97}"}) if present[2] else frozenset(),
        kinds=frozenset({_KINDS[e % len(_KINDS)]}) if present[3] else frozenset(),
    )}


def rss_mib() -> float:
    with open(f"/proc/{os.getpid()}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic(n: int, *, dim: int = 384, per_event: int = 5, seed: int = 0) -> list[ArticleSignals]:
    rng = np.random.default_rng(seed)
    n_events = max(1, n // per_event)
    centres = rng.normal(size=(n_events, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    shared = rng.normal(size=dim).astype(np.float32)  # e5-like: every text leans one way
    shared /= np.linalg.norm(shared)
    out = []
    for i in range(n):
        e = int(rng.integers(n_events))
        v = 0.85 * shared + 0.45 * centres[e] + 0.2 * rng.normal(size=dim).astype(np.float32) / np.sqrt(dim)
        v /= np.linalg.norm(v)
        ents = Counter({f"e{e}n{k}": 1 for k in rng.choice(8, 3, replace=False)})
        day = 738000.0 + e * 0.02 + float(rng.random())
        out.append(ArticleSignals(id=f"a{i}", lang=("en", "de", "bg")[i % 3], source=f"s{i % 50}", day=day,
                                  full=v, lead=v, passages=v[None, :], entities=ents,
                                  numbers={str(e), str(e * 7)}, minhash=rng.integers(0, 2**32, 64, dtype=np.uint64),
                                  **occurrence(e, rng)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stored", type=int, default=100_000, help="articles learned before timing")
    ap.add_argument("--measure", type=int, default=5_000, help="articles timed after that")
    ap.add_argument("--batch", type=int, default=32, help="articles per learn_many call (the pipeline's batch)")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores")
    data = synthetic(args.stored + 2 * args.measure)
    xs = [{"id": s.id, "signals": s} for s in data]
    gc.collect()
    base = rss_mib()
    c = StoryClusterer()
    t0 = time.perf_counter()
    for i in range(0, args.stored, 256):
        c.learn_many(xs[i : min(i + 256, args.stored)])
    fill = time.perf_counter() - t0
    gc.collect()
    mem = rss_mib() - base
    measured = xs[args.stored : args.stored + args.measure]
    t0 = time.perf_counter()
    touched: set[str] = set()
    for i in range(0, len(measured), args.batch):
        touched |= {a.story_id for a in c.learn_many(measured[i : i + args.batch])}
    dt = time.perf_counter() - t0
    t0 = time.perf_counter()
    changes = MergeSplit().run(c, touched)
    dt_merge = time.perf_counter() - t0
    one_by_one = xs[args.stored + args.measure :]
    t0 = time.perf_counter()
    for x in one_by_one:
        c.learn_one(x)
    dt_one = time.perf_counter() - t0
    print(f"filled {args.stored} articles in {fill:.1f}s ({args.stored / fill:.0f} articles/s on the way)")
    print(f"clustering step at {args.stored} stored, batches of {args.batch}: {args.measure / dt:.0f} articles/s "
          f"({1000 * dt / args.measure:.2f} ms each)")
    print(f"  one at a time (learn_one): {len(one_by_one) / dt_one:.0f} articles/s; {c.n_stories} stories in all")
    print(f"merge/split/reassign pass over the {len(touched)} stories the batched articles touched: {dt_merge:.1f}s "
          f"({len(changes)} merges, splits and moves)")
    print(f"clusterer memory: {mem:.0f} MiB for {args.stored} articles "
          f"({mem / args.stored * 100_000:.0f} MiB per 100k; signals with 1 passage each)")


if __name__ == "__main__":
    main()
