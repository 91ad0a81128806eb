"""A synthetic wire: small articles, several per made-up event, for the crash and many-writer tests.

Each event has its own place, people, number, day and words; its reports draw on
them, so the fake encoder (character trigrams) puts them together, while a share
of words every report uses makes some borderline pairs for the merge pass. A few
records repeat another's text under a new id (duplicates the store records).
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

__all__ = ["write_wire"]

_LETTERS = "bcdfghjklmnprstvz"
_VOWELS = "aeiou"
_COMMON = "the said on after in and officials reported that with from".split()
_SOURCES = ["wire-a", "wire-b", "wire-c", "wire-d", "wire-e"]


def _word(rng: random.Random, n: int = 3) -> str:
    return "".join(rng.choice(_LETTERS) + rng.choice(_VOWELS) + rng.choice(_LETTERS) for _ in range(n))


def write_wire(root: Path, *, seed: int = 0, events: int = 400, per_event: tuple[int, int] = (2, 9),
               files: int = 8, duplicates: float = 0.02) -> int:
    """Write the wire as ``files`` JSONL files under ``root``, reports of one event spread over files and
    days in a shuffled order; return how many records."""
    rng = random.Random(seed)
    records: list[dict] = []
    for e in range(events):
        place = _word(rng).capitalize()
        people = [f"{_word(rng, 2).capitalize()} {_word(rng).capitalize()}" for _ in range(2)]
        number = rng.randint(12, 9999)
        day = 1 + rng.randrange(56)  # eight weeks: the working set's horizon moves
        words = [_word(rng) for _ in range(14)]
        for j in range(rng.randint(*per_event)):
            body = []
            for _ in range(3):
                pick = [rng.choice(words) if rng.random() < 0.8 else rng.choice(_COMMON) for _ in range(9)]
                pick.insert(rng.randrange(len(pick)), rng.choice([place, *people, str(number)]))
                body.append(" ".join(pick).capitalize() + ".")
            d = day + rng.choice([0, 0, 0, 1])
            records.append({
                "id": f"ev{e:04d}-{j}",
                "title": f"{place} {rng.choice(words)} {rng.choice(words)} {number}",
                "text": "\n".join(body),
                "source": rng.choice(_SOURCES),
                "lang": "en",
                "published": f"2023-{1 + (d - 1) // 28:02d}-{1 + (d - 1) % 28:02d}",
            })
    for i in range(int(len(records) * duplicates)):
        twin = rng.choice(records)
        records.append({**twin, "id": f"dup{i:04d}", "source": rng.choice(_SOURCES)})
    rng.shuffle(records)
    root.mkdir(parents=True, exist_ok=True)
    for f in range(files):
        with (root / f"wire-{f:02d}.jsonl").open("w", encoding="utf-8") as out:
            for rec in records[f::files]:
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return len(records)


def split_wire(wire: Path, root: Path) -> tuple[Path, Path, Path]:
    """Copy ``wire``'s first six files into three folders under ``root``: ``shared`` (files 0-1, which both
    writers of a many-writers test read), ``a`` (2-3) and ``b`` (4-5); return them."""
    folders = []
    for name, files in (("shared", (0, 1)), ("a", (2, 3)), ("b", (4, 5))):
        (root / name).mkdir()
        for f in files:
            shutil.copy(wire / f"wire-{f:02d}.jsonl", root / name)
        folders.append(root / name)
    return folders[0], folders[1], folders[2]
