"""Loading rated pair datasets: DIR/articles.jsonl and DIR/pairs.jsonl."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReadError

__all__ = ["RatedPair", "PairDataset", "load_pairs"]


@dataclass(slots=True)
class RatedPair:
    """A labelled pair: a 1–4 similarity rating (1 = same) and/or a same-story flag."""

    id1: str
    id2: str
    overall: float | None
    same_story: bool | None
    group: str

    @property
    def label(self) -> bool | None:
        """Return True/False for same/different story, None for the ambiguous middle (1.5 < overall < 3)."""
        if self.same_story is not None:
            return self.same_story
        if self.overall is None:
            return None
        if self.overall <= 1.5:
            return True
        if self.overall >= 3.0:
            return False
        return None


@dataclass(slots=True)
class PairDataset:
    """The files of a pair dataset and its parsed pairs."""

    articles_path: Path
    pairs: list[RatedPair]


_LANG_SUFFIX = re.compile(r"[a-z]{2}$")


def load_pairs(directory: str | Path) -> PairDataset:
    """Return the dataset in ``directory``; raises ReadError when a file is missing or malformed."""
    d = Path(directory)
    arts, pairs_path = d / "articles.jsonl", d / "pairs.jsonl"
    for p in (arts, pairs_path):
        if not p.is_file():
            raise ReadError(f"{p} not found: a pair dataset needs articles.jsonl and pairs.jsonl")
    pairs: list[RatedPair] = []
    for n, line in enumerate(pairs_path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            id1, id2 = str(rec["id1"]), str(rec["id2"])
        except (json.JSONDecodeError, KeyError) as exc:
            raise ReadError(f"{pairs_path}:{n}: not a pair record ({exc})") from exc
        overall = rec.get("overall")
        same = rec.get("same_story")
        # Machine-translated variants of one original pair share its rating: keep them in one fold;
        # a set that names its groups (the pairs of one event and its look-alike) keeps those together.
        group = str(rec.get("group") or "_".join(sorted(_LANG_SUFFIX.sub("", i) for i in (id1, id2))))
        pairs.append(
            RatedPair(id1, id2, float(overall) if overall is not None else None,
                      bool(same) if same is not None else None, group)
        )
    return PairDataset(arts, pairs)
