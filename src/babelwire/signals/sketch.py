"""Near-duplicate sketches: MinHash signatures of word shingles."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = ["minhash", "jaccard_estimate", "NUM_PERM"]

NUM_PERM = 64
_WORD = re.compile(r"\w+", re.UNICODE)


def _shingles(text: str, k: int) -> set[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) < k:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)}


@lru_cache(maxsize=8)
def _empty(num_perm: int, seed: int) -> Any:
    """Return an empty MinHash: its permutations are drawn from ``seed`` once (a third of the cost of
    sketching a news article), and each copy shares them."""
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=seed)


def minhash(text: str, *, k: int = 4, num_perm: int = NUM_PERM, seed: int = 1) -> np.ndarray:
    """Return the MinHash signature (uint64, ``num_perm`` values) of the text's word ``k``-shingles."""
    m = _empty(num_perm, seed).copy()
    m.update_batch(sorted(_shingles(text, k)))
    return m.hashvalues.copy()


def jaccard_estimate(a: np.ndarray, b: np.ndarray) -> float:
    """Return the estimated Jaccard similarity of two signatures."""
    return float(np.mean(a == b))
