#!/usr/bin/env python
"""Time to score one pair whose embeddings are cached: signals in memory, features, model.

    python benchmarks/pair_scoring_speed.py

Builds realistic signals (4 passages, 20 names, 8 numbers per article) and
times PairScorer.score over many pairs. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import time
from collections import Counter

import numpy as np

from babelwire.cluster.scoring import PairScorer
from babelwire.signals.entities import DocumentFrequency
from babelwire.signals.profile import ArticleSignals


def main() -> None:
    rng = np.random.default_rng(0)

    def unit(*shape):
        v = rng.normal(size=shape).astype(np.float32)
        return v / np.linalg.norm(v, axis=-1, keepdims=True)

    sigs = [ArticleSignals(id=str(i), lang="en", source="s", day=738000.0 + i % 5, full=unit(384), lead=unit(384),
                           passages=unit(4, 384), entities=Counter({f"n{k}": 1 for k in rng.choice(200, 20)}),
                           numbers={str(k) for k in rng.choice(100, 8)}) for i in range(200)]
    df = DocumentFrequency()
    for s in sigs:
        df.add(s.entities)
    scorer = PairScorer()
    scorer.score(sigs[0], sigs[1], df=df)  # load parameters
    n = 20_000
    t = time.perf_counter()
    for i in range(n):
        scorer.score(sigs[i % 200], sigs[(i * 7 + 1) % 200], df=df)
    dt = time.perf_counter() - t
    print(f"machine: {os.cpu_count()} cores")
    print(f"pair scoring with cached embeddings: {1e3 * dt / n:.3f} ms per pair ({n / dt:.0f} pairs/s)")


if __name__ == "__main__":
    main()
