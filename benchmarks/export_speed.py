#!/usr/bin/env python
"""Export speed and memory: rows/s and peak RSS of each table and format over a big synthetic store.

    PYTHONPATH=src python benchmarks/export_speed.py --size 100000 --dir /tmp/export-bench

Builds (once, kept in ``--dir``) a store of ``--size`` synthetic articles with ``store_scale.py``'s
builder (about five per story), plus a 384-d vector per article. Then each export runs in a fresh
process (``babelwire.export``, as ``babelwire export -o FILE`` does): stories, articles and
memberships as JSONL, CSV and Parquet, and articles with vectors as Parquet. Prints seconds,
rows/s, output bytes and the process's peak RSS (Linux VmHWM), whose flatness against ``--size`` says the
export streams. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from store_scale import DIM, build  # noqa: E402

from babelwire.store import Store  # noqa: E402

RUN = """
import io, json, resource, sys, time
from babelwire.export import Exporter, ExportRequest
from babelwire.store import Store
db, table, fmt, vectors, out = sys.argv[1:6]
t0 = time.perf_counter()
with Store(db) as store, open(out, "wb") as f:
    e = Exporter(store, ExportRequest(table=table, format=fmt, vectors=vectors == "1"))
    size = e.write_to(f)
# VmHWM is this process's own peak; ru_maxrss can carry the forking parent's over exec
hwm = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM:")]
peak = int(hwm[0].split()[1]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": time.perf_counter() - t0, "rows": e.rows, "bytes": size, "rss_mb": peak}))
"""


def ensure_store(path: Path, n: int) -> None:
    if path.exists():
        return
    build(path, n)
    rng = np.random.default_rng(1)
    with Store(path) as store:
        ids = [r["embed_hash"] for r in store.article_rows()]
        for lo in range(0, len(ids), 5000):
            v = rng.normal(size=(len(ids[lo:lo + 5000]), DIM)).astype(np.float32)
            store.put_vectors(dict(zip(ids[lo:lo + 5000], v, strict=True)), encoder=f"fake/{DIM}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/export-bench"))
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    db = args.dir / f"store-{args.size}.db"
    ensure_store(db, args.size)
    print(f"{args.size} articles in {db}")
    print(f"{'table':<12} {'format':<16} {'rows':>8} {'seconds':>8} {'rows/s':>9} {'MB out':>8} {'peak RSS MB':>12}")
    runs = [(t, f, False) for t in ("stories", "articles", "memberships") for f in ("jsonl", "csv", "parquet")]
    runs.append(("articles", "parquet", True))
    for table, fmt, vectors in runs:
        out = args.dir / f"out-{table}.{fmt}"
        r = json.loads(subprocess.run([sys.executable, "-c", RUN, str(db), table, fmt, "1" if vectors else "0",
                                       str(out)], check=True, capture_output=True, text=True).stdout)
        out.unlink()
        name = fmt + (" +vectors" if vectors else "")
        print(f"{table:<12} {name:<16} {r['rows']:>8} {r['seconds']:>8.2f} {r['rows'] / r['seconds']:>9.0f} "
              f"{r['bytes'] / 1e6:>8.1f} {r['rss_mb']:>12.0f}")


if __name__ == "__main__":
    main()
