"""A growing nearest-neighbour index over article vectors (hnswlib, inner product)."""

from __future__ import annotations

import os
import threading
from typing import Any

import numpy as np

__all__ = ["VectorIndex"]


class VectorIndex:
    """Approximate nearest neighbours by cosine (vectors are L2-normalised).

    Vectors get labels 0, 1, 2, … in the order they are added. Below
    ``exact_below`` stored vectors every look-up is exact; above it, an HNSW
    graph answers, built with one thread and a fixed seed so the same
    insertions give the same graph. A vector added with ``defer=True`` is found
    at once — exactly, next to the graph's answer — and enters the graph at the
    next ``insert_pending``, which may run in a background thread (hnswlib
    releases the GIL) while the caller works on; every other call waits for
    that insert first, so what a look-up sees does not depend on timing.
    It grows by doubling and pickles by its vectors.
    """

    def __init__(self, dim: int, *, M: int = 10, ef_construction: int = 20, ef: int = 32, seed: int = 0,
                 threads: int | None = None, exact_below: int = 2000) -> None:
        self.dim, self.M, self.ef_construction, self.ef, self.seed = dim, M, ef_construction, ef, seed
        self.threads = threads or os.cpu_count() or 1  # for batched look-ups, which do not change the index
        self.exact_below = exact_below
        self._vectors = np.zeros((0, dim), np.float32)
        self._n = 0  # vectors stored
        self._in_graph = 0  # of which the first this many are in the graph (or being inserted)
        self._index: Any = None
        self._worker: threading.Thread | None = None

    def _new(self, capacity: int):
        import hnswlib

        idx = hnswlib.Index(space="ip", dim=self.dim)
        idx.init_index(max_elements=capacity, ef_construction=self.ef_construction, M=self.M, random_seed=self.seed)
        idx.set_ef(self.ef)
        idx.set_num_threads(1)
        return idx

    def __len__(self) -> int:
        return self._n

    def _wait(self) -> None:
        if self._worker is not None:
            self._worker.join()
            self._worker = None

    def add(self, vector: np.ndarray) -> int:
        """Add one vector (into the graph at once) and return its label."""
        return int(self.add_many(np.asarray(vector)[None, :])[0])

    def add_many(self, vectors: np.ndarray, *, defer: bool = False) -> np.ndarray:
        """Store several vectors in order and return their labels.

        They enter the graph now (one thread, so the index is the same in every
        run), or with ``defer`` at the next ``insert_pending``; look-ups find them
        either way.
        """
        n = len(vectors)
        if self._n + n > len(self._vectors):  # the worker inserts from its own copy, so growing is safe
            grown = np.zeros((max(1024, 2 * (self._n + n)), self.dim), np.float32)
            grown[: self._n] = self._vectors[: self._n]
            self._vectors = grown
        labels = np.arange(self._n, self._n + n)
        self._vectors[labels] = vectors
        self._n += n
        if not defer:
            self.insert_pending()
        return labels

    def insert_pending(self, *, background: bool = False) -> None:
        """Put every stored vector not yet in the graph into it, in order; in a worker thread with ``background``."""
        self._wait()
        start, end = self._in_graph, self._n
        if start == end:
            return
        if self._index is None:
            self._index = self._new(max(1024, end))
        capacity = self._index.get_max_elements()
        if end > capacity:
            while capacity < end:
                capacity *= 2
            self._index.resize_index(capacity)
        rows, labels = self._vectors[start:end].copy(), np.arange(start, end)
        self._in_graph = end
        if background:  # not a daemon: a process that ends while it inserts waits for it (hnswlib aborts else)
            self._worker = threading.Thread(target=self._index.add_items, args=(rows, labels),
                                            kwargs={"num_threads": 1}, name="babelwire-index")
            self._worker.start()
        else:
            self._index.add_items(rows, labels, num_threads=1)

    def query_many(self, vectors: np.ndarray, k: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Return ``query`` for each row of ``vectors``, the graph searched for all rows at once on all cores."""
        vectors = np.asarray(vectors, np.float32)
        if self._n <= self.exact_below or len(vectors) == 1:
            pairs = [self.query(v, k) for v in vectors]
            return [p[0] for p in pairs], [p[1] for p in pairs]
        labels, sims = self._search(vectors, min(k, self._n), self.threads)
        return list(labels), list(sims)

    def query(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Return (labels, cosines) of up to ``k`` nearest stored vectors, most similar first."""
        if self._n == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        k = min(k, self._n)
        if self._n <= self.exact_below:  # exact and cheap at this size
            sims = self._vectors[: self._n] @ vector
            top = np.argsort(-sims, kind="stable")[:k]
            return top, sims[top]
        labels, sims = self._search(np.asarray(vector, np.float32)[None, :], k, 1)
        return labels[0], sims[0]

    def _search(self, Q: np.ndarray, k: int, threads: int) -> tuple[np.ndarray, np.ndarray]:
        """The graph's ``k`` nearest for each row of ``Q``, merged with the exact scores of vectors not in it."""
        self._wait()
        graph_k = min(k, self._in_graph)
        if graph_k:
            self._index.set_ef(max(self.ef, graph_k))
            labels, dist = self._index.knn_query(Q, k=graph_k, num_threads=threads)
            labels, sims = labels.astype(np.int64), (1.0 - dist).astype(np.float32)
        else:
            labels, sims = np.zeros((len(Q), 0), np.int64), np.zeros((len(Q), 0), np.float32)
        if self._in_graph < self._n:
            pending = np.arange(self._in_graph, self._n)
            labels = np.concatenate([labels, np.broadcast_to(pending, (len(Q), len(pending)))], axis=1)
            sims = np.concatenate([sims, Q @ self._vectors[self._in_graph : self._n].T], axis=1)
            top = np.argsort(-sims, axis=1, kind="stable")[:, :k]
            labels, sims = np.take_along_axis(labels, top, 1), np.take_along_axis(sims, top, 1)
        return labels, sims

    def vector(self, label: int) -> np.ndarray:
        """Return the stored vector with this label."""
        return self._vectors[label]

    def __getstate__(self):
        self._wait()
        state = {k: v for k, v in self.__dict__.items() if k not in ("_index", "_worker")}
        state["_vectors"] = self._vectors[: self._n].copy()
        return state

    def __setstate__(self, state):
        state.setdefault("threads", os.cpu_count() or 1)
        state.setdefault("exact_below", 2000)
        in_graph = state.pop("_in_graph", state["_n"])
        self.__dict__.update(state)
        vectors, self._index, self._worker = self._vectors, None, None
        self._vectors, self._n, self._in_graph = np.zeros((0, self.dim), np.float32), 0, 0
        self.add_many(vectors[:in_graph])
        self.add_many(vectors[in_graph:], defer=True)
