"""Print how many articles a second the cleaner handles on one core.

Cleans every plain-text document of the annotated corpus (and, separately, the HTML
ones) several times after a warm-up, with a fresh per-source line memory. Usage:

    PYTHONPATH=src python benchmarks/clean_speed.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from clean_quality import load, raw_document  # noqa: E402

from babelwire.clean import Cleaner, InMemoryLineMemory  # noqa: E402


def rate(raws: list, rounds: int) -> float:
    """Return articles per second over ``rounds`` passes through ``raws``."""
    cleaner = Cleaner(line_memory=InMemoryLineMemory())
    for raw in raws:  # warm-up: detectors, date tables, trafilatura
        cleaner.clean(raw)
    start = time.perf_counter()
    for _ in range(rounds):
        for raw in raws:
            cleaner.clean(raw)
    return rounds * len(raws) / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    docs = [(raw_document(i, a, c), a["format"]) for i, a, c in load() if a["template"] != "none"]
    text = [r for r, fmt in docs if fmt == "text"]
    html = [r for r, fmt in docs if fmt == "html"]
    chars = sum(len(r.raw) for r in text) / len(text)
    print(
        f"plain text: {rate(text, args.rounds):7.1f} articles/s  ({len(text)} docs, "
        f"{chars:.0f} chars on average)"
    )
    # Real pages run longer than the corpus's: join four pages into one ~2.5 KB text.
    joined = [
        replace(text[i], text=text[i].text + "\n" + "\n".join(r.text for r in text[i + 1 : i + 4]))
        for i in range(0, len(text) - 3)
    ]
    chars = sum(len(r.raw) for r in joined) / len(joined)
    print(
        f"long text:  {rate(joined, args.rounds):7.1f} articles/s  ({len(joined)} docs, "
        f"{chars:.0f} chars on average)"
    )
    print(
        f"HTML:       {rate(html, max(1, args.rounds // 2)):7.1f} articles/s  ({len(html)} docs, "
        "trafilatura included)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
