"""Copies inside stories: near-verbatim re-posts (MinHash LSH) and translated copies across languages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..signals.profile import ArticleSignals
from ..signals.sketch import jaccard_estimate

__all__ = ["CopyDetector", "CopyMatch"]


@dataclass(slots=True)
class CopyMatch:
    """``copy`` reproduces ``original``: ``kind`` is near-verbatim or translation."""

    original: str
    kind: str
    similarity: float

    def evidence(self) -> dict[str, Any]:
        return {"copy_of": self.original, "copy_kind": self.kind, "copy_similarity": round(self.similarity, 4)}


class CopyDetector:
    """Finds the earlier article an incoming one copies.

    Near-verbatim: same language and estimated word-shingle Jaccard at least
    ``jaccard``, found through LSH bands over MinHash signatures. Translation:
    another language, passages aligned one-to-one at mean cosine at least
    ``translation_alignment``, with the same numbers (when there are any).
    """

    def __init__(self, *, jaccard: float = 0.6, translation_alignment: float = 0.93, bands: int = 16) -> None:
        self.jaccard = jaccard
        self.translation_alignment = translation_alignment
        self.bands = bands

    def _buckets(self) -> dict[tuple[int, bytes], list[str]]:
        if not hasattr(self, "buckets_"):
            self.buckets_: dict[tuple[int, bytes], list[str]] = {}
            self.sketches_: dict[str, np.ndarray] = {}
        pending: list[ArticleSignals] = getattr(self, "pending_", [])
        if pending:  # indexed now, on first use, in the order they came
            self.pending_: list[ArticleSignals] = []
            self._index_many(pending)
        return self.buckets_

    def _keys(self, sig: np.ndarray) -> list[tuple[int, bytes]]:
        data = sig.tobytes()  # the signature's bands, as byte slices
        width = len(data) // self.bands
        return [(b, data[b * width : (b + 1) * width]) for b in range(self.bands)]

    def near_verbatim(self, s: ArticleSignals) -> CopyMatch | None:
        """Return the stored article ``s`` nearly copies word for word, if any."""
        if s.minhash is None:
            return None
        buckets = self._buckets()
        cands: dict[str, None] = {}
        for key in self._keys(s.minhash):
            for other in buckets.get(key, ()):
                cands[other] = None
        best: CopyMatch | None = None
        for other in cands:
            j = jaccard_estimate(s.minhash, self.sketches_[other])
            if j >= self.jaccard and (best is None or j > best.similarity):
                best = CopyMatch(other, "near-verbatim", j)
        return best

    def translation(self, s: ArticleSignals, others: Iterable[ArticleSignals]) -> CopyMatch | None:
        """Return the first of ``others`` that ``s`` renders passage by passage in another language, if any."""
        a = s.passages
        if not s.lang or len(a) < 2:  # a translation is matched passage by passage
            return None
        for other in others:
            b = other.passages
            if not other.lang or s.lang == other.lang or len(b) < 2 or abs(len(a) - len(b)) > max(1, len(a) // 3):
                continue
            sims = a @ b.T
            align = float((sims.max(axis=1).mean() + sims.max(axis=0).mean()) / 2)
            if align < self.translation_alignment:
                continue
            if s.numbers and other.numbers and len(s.numbers & other.numbers) / len(s.numbers | other.numbers) < 0.5:
                continue
            return CopyMatch(other.id, "translation", align)
        return None

    def add(self, s: ArticleSignals) -> None:
        """Index ``s`` so later articles can be found to copy it."""
        if s.minhash is None:
            return
        if getattr(self, "pending_", None):
            self.pending_.append(s)
            return
        buckets = self._buckets()
        self.sketches_[s.id] = s.minhash
        for key in self._keys(s.minhash):
            buckets.setdefault(key, []).append(s.id)

    def add_many(self, signals: Iterable[ArticleSignals]) -> None:
        """Index each of ``signals`` in order, as ``add`` would one by one, when a look-up first needs them
        (a restored clusterer that only takes corrections never builds the index)."""
        todo = [s for s in signals if s.minhash is not None]
        if todo:
            self.pending_ = [*getattr(self, "pending_", []), *todo]

    def _index_many(self, todo: list[ArticleSignals]) -> None:
        """Put ``todo`` in the LSH buckets, in order (the band keys cut at once)."""
        buckets = self.buckets_
        sigs = np.stack([np.asarray(s.minhash) for s in todo])
        width = sigs.shape[1] * sigs.dtype.itemsize // self.bands
        # each row's bands as byte strings, the keys ``_keys`` makes
        rows = np.ascontiguousarray(sigs).view(np.uint8).reshape(len(todo), -1)[:, : width * self.bands]
        bands = np.ascontiguousarray(rows).view(f"V{width}").tolist()
        for s, row in zip(todo, bands, strict=True):
            self.sketches_[s.id] = np.asarray(s.minhash)
            for b, data in enumerate(row):
                buckets.setdefault((b, data), []).append(s.id)
