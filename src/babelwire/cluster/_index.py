"""A growing nearest-neighbour index over article vectors (hnswlib, inner product)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

__all__ = ["VectorIndex"]


class VectorIndex:
    """Approximate nearest neighbours by cosine (vectors are L2-normalised).

    Built with one thread and a fixed seed, so the same insertions give the
    same answers; it grows by doubling. Pickles by its vectors and rebuilds.
    """

    def __init__(self, dim: int, *, M: int = 10, ef_construction: int = 20, ef: int = 32, seed: int = 0,
                 threads: int | None = None) -> None:
        self.dim, self.M, self.ef_construction, self.ef, self.seed = dim, M, ef_construction, ef, seed
        self.threads = threads or os.cpu_count() or 1  # for batched look-ups, which do not change the index
        self._vectors = np.zeros((0, dim), np.float32)
        self._n = 0
        self._index: Any = None

    def _new(self, capacity: int):
        import hnswlib

        idx = hnswlib.Index(space="ip", dim=self.dim)
        idx.init_index(max_elements=capacity, ef_construction=self.ef_construction, M=self.M, random_seed=self.seed)
        idx.set_ef(self.ef)
        idx.set_num_threads(1)
        return idx

    def __len__(self) -> int:
        return self._n

    def add(self, vector: np.ndarray) -> int:
        """Add one vector and return its label (0, 1, 2, …)."""
        if self._index is None:
            self._index = self._new(1024)
        if self._n == self._index.get_max_elements():
            self._index.resize_index(2 * self._n)
        if self._n == len(self._vectors):
            grown = np.zeros((max(1024, 2 * self._n), self.dim), np.float32)
            grown[: self._n] = self._vectors[: self._n]
            self._vectors = grown
        label = self._n
        self._vectors[label] = vector
        self._index.add_items(vector[None, :].astype(np.float32), [label], num_threads=1)
        self._n += 1
        return label

    def add_many(self, vectors: np.ndarray) -> np.ndarray:
        """Add several vectors in order (one thread, so the index is the same in every run); return their labels."""
        n = len(vectors)
        if self._index is None:
            self._index = self._new(max(1024, n))
        while self._n + n > self._index.get_max_elements():
            self._index.resize_index(2 * self._index.get_max_elements())
        if self._n + n > len(self._vectors):
            grown = np.zeros((max(1024, 2 * (self._n + n)), self.dim), np.float32)
            grown[: self._n] = self._vectors[: self._n]
            self._vectors = grown
        labels = np.arange(self._n, self._n + n)
        self._vectors[labels] = vectors
        self._index.add_items(np.asarray(vectors, np.float32), labels, num_threads=1)
        self._n += n
        return labels

    def query_many(self, vectors: np.ndarray, k: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Return ``query`` for each row of ``vectors``, the rows looked up at once on all cores."""
        if self._n <= 2000 or len(vectors) == 1:
            pairs = [self.query(v, k) for v in vectors]
            return [p[0] for p in pairs], [p[1] for p in pairs]
        k = min(k, self._n)
        self._index.set_ef(max(self.ef, k))
        labels, dist = self._index.knn_query(np.asarray(vectors, np.float32), k=k, num_threads=self.threads)
        return list(labels.astype(np.int64)), list((1.0 - dist).astype(np.float32))

    def query(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Return (labels, cosines) of up to ``k`` nearest stored vectors, most similar first."""
        if self._n == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        k = min(k, self._n)
        if self._n <= 2000:  # exact and cheap at this size
            sims = self._vectors[: self._n] @ vector
            top = np.argsort(-sims, kind="stable")[:k]
            return top, sims[top]
        self._index.set_ef(max(self.ef, k))
        labels, dist = self._index.knn_query(vector[None, :].astype(np.float32), k=k, num_threads=1)
        return labels[0].astype(np.int64), (1.0 - dist[0]).astype(np.float32)

    def vector(self, label: int) -> np.ndarray:
        """Return the stored vector with this label."""
        return self._vectors[label]

    def __getstate__(self):
        state = {k: v for k, v in self.__dict__.items() if k != "_index"}
        state["_vectors"] = self._vectors[: self._n].copy()
        return state

    def __setstate__(self, state):
        state.setdefault("threads", os.cpu_count() or 1)
        self.__dict__.update(state)
        vectors, self._index = self._vectors, None
        self._vectors, self._n = np.zeros((0, self.dim), np.float32), 0
        for v in vectors:
            self.add(v)
