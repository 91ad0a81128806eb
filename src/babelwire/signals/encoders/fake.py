"""A small deterministic encoder for tests: hashed character n-grams, transliterated."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np
from anyascii import anyascii

from ..entities import name_key
from .base import Kind, Mode, Span

__all__ = ["FakeEncoder"]

_WORD = re.compile(r"\w+", re.UNICODE)


class FakeEncoder:
    """Bag of hashed, transliterated character trigrams, projected to ``dim`` and L2-normalised.

    Texts sharing words (even across scripts, thanks to transliteration) get
    similar vectors, which is enough to test the pipeline without a model.
    """

    name = "fake"
    # Its cosines are not on e5's scale, so it brings its own pair-scorer calibration: whole-text
    # cosine above about 0.15 means "probably the same story"; shared names and numbers help.
    scorer_params = {
        "features": ["cos_full", "cos_centred", "cos_lead", "passage_max", "passage_mean", "cos_vs_background",
                     "lead_vs_background", "crosslingual_cos", "same_lang", "cross_script",
                     "cross_script_vs_background", "entities", "has_entities", "numbers",
                     "has_numbers", "same_source", "day_agree", "day_conflict", "has_days", "quantity_agree",
                     "quantity_conflict", "has_quantities", "place_agree", "place_conflict", "has_places",
                     "kind_agree", "kind_conflict", "has_kinds"],
        "mean": [0.15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.2, 0, 0.2, 0, 0] + [0] * 12,
        "scale": [0.05, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.2, 1, 0.2, 1, 1] + [1] * 12,
        # a different day or kind of event weighs against, as strongly as three times the cosine's scale
        "weights": [1.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.7, 0, 0.3, 0, 0, 0, -4.5, 0, 0, 0, 0, 0, 0, 0, 0, -4.5, 0],
        "time_prior": {"grace_days": 3.0, "per_day": 0.4, "max": 6.0},
        "bias": 0.0,
        "threshold": 0.5,
        "default_background": 0.1,
    }

    def __init__(self, *, dim: int = 64, late: bool = False) -> None:
        self.dim = dim
        self.late = late

    @property
    def mode(self) -> Mode:
        """``late``: lead and passage vectors come from ``encode_spans`` (for testing that path)."""
        return "late" if self.late else "separate"

    @property
    def fingerprint(self) -> str:
        return f"fake/{self.dim}" + ("/late" if self.late else "")

    def encode_spans(
        self, text: str, spans: Sequence[Span], *, kind: Kind = "passage"
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the text's vector and each span's (the vector of the span's characters; no context)."""
        out = np.empty((len(spans), self.dim), dtype=np.float32)
        full = self._vector(text)
        for j, (a, b) in enumerate(spans):
            out[j] = self._vector(text[a:b]) if b > a else full
        return full, out

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for word in _WORD.findall(text):
            key = name_key(word)
            if len(key) >= 3:  # names meet across scripts through their folded skeleton
                h = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), "little")
                v[h % self.dim] += 2.0 if h & (1 << 31) else -2.0
        for word in _WORD.findall(anyascii(text).lower()):
            if len(word) < 3:
                continue
            w = f"#{word[:7]}#"
            for i in range(len(w) - 2):
                digest = hashlib.blake2b(w[i : i + 3].encode(), digest_size=4).digest()
                h = int.from_bytes(digest, "little")
                v[h % self.dim] += 1.0 if h & (1 << 31) else -1.0
        n = float(np.linalg.norm(v))
        if n == 0.0:
            v[0] = 1.0
            return v
        return v / n

    def encode(self, texts: Sequence[str], *, kind: Kind = "passage") -> np.ndarray:
        """Return (n, dim) float32 L2-normalised vectors."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i] = self._vector(t)
        return out
