"""Language-centred vectors: each language's mean embedding taken out before comparing.

Multilingual encoders place every text of one language a little to the same
side: two unrelated Chinese articles are closer than a Chinese and an English
report of the same event. Subtracting each language's mean vector (and
re-normalising) takes that offset out, so cosines across languages become
comparable with cosines within one — for finding candidates and for scoring.

A language's mean is a running mean shrunk toward the mean of all languages
with ``strength`` pseudo-articles, so a language seen once is centred by the
overall mean, and one seen often by its own. The overall mean is likewise
shrunk toward a ``prior``: the encoder's mean news vector shipped with the
pair scorer's parameters, so even the first article is centred sensibly (or
the zero vector, which leaves the first articles nearly as they are).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

__all__ = ["LanguageMeans", "centred"]


def centred(v: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Return ``v - mean`` scaled to unit length (``v`` itself when they coincide)."""
    w = v - mean
    n = float(np.linalg.norm(w))
    return (w / n).astype(np.float32) if n > 1e-9 else np.asarray(v, np.float32)


class LanguageMeans:
    """Running mean vector per language, shrunk toward the overall mean (see the module docstring)."""

    def __init__(self, dim: int, *, prior: Iterable[float] | None = None, strength: float = 20.0) -> None:
        self.dim = dim
        self.strength = strength
        self.prior = np.zeros(dim) if prior is None else np.asarray(list(prior), np.float64)
        if self.prior.shape != (dim,):
            raise ValueError(f"prior mean has {self.prior.shape[0]} dimensions, vectors have {dim}")
        self.total = np.zeros(dim)
        self.count = 0
        self.by_lang: dict[str, tuple[np.ndarray, int]] = {}

    @classmethod
    def fit(cls, vectors: Iterable[tuple[str | None, np.ndarray]], dim: int, **kw) -> LanguageMeans:
        """Return the means of a whole corpus of (language, vector) pairs."""
        m = cls(dim, **kw)
        for lang, v in vectors:
            m.add(lang, v)
        return m

    def add(self, lang: str | None, v: np.ndarray) -> None:
        """Count one more vector of language ``lang`` (None: only the overall mean)."""
        self.total += v
        self.count += 1
        if lang:
            total, n = self.by_lang.get(lang, (np.zeros(self.dim), 0))
            self.by_lang[lang] = (total + v, n + 1)

    def overall(self) -> np.ndarray:
        """Return the overall mean, shrunk toward the prior."""
        return (self.total + self.strength * self.prior) / (self.count + self.strength)

    def mean(self, lang: str | None) -> np.ndarray:
        """Return the mean vector of ``lang``, shrunk toward the overall mean."""
        g = self.overall()
        if not lang or lang not in self.by_lang:
            return g
        total, n = self.by_lang[lang]
        return (total + self.strength * g) / (n + self.strength)

    def centred(self, v: np.ndarray, lang: str | None) -> np.ndarray:
        """Return ``v`` with its language's mean taken out, unit length."""
        return centred(np.asarray(v, np.float64), self.mean(lang))
