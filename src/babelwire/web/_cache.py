"""What the read endpoints keep between requests: values computed from the store, until it changes.

The store's change counter is SQLite's ``PRAGMA data_version`` read on a connection of its own:
it moves whenever any other connection, in this process or another, commits. Reading it costs
microseconds, so every request checks it and a write empties the cache; nothing is ever served
from before the last commit the request could see. On PostgreSQL it is the store's ``data_version()``,
a counter row each write transaction moves in its own commit.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import numpy as np

from ..store import Store, is_postgres, open_store

__all__ = ["StoreCache", "VectorIndex"]

T = TypeVar("T")
_MISSING = object()


class StoreCache:
    """An LRU of values computed from the store, emptied when the store's change counter moves.

    Concurrent misses on one key compute it once (the others wait for that value).
    """

    def __init__(self, store_path: str, *, size: int = 2048) -> None:
        self.size = size
        self._watch: Any
        if is_postgres(store_path):  # its data_version() is a counter each write transaction moves
            self._watch = open_store(store_path)
        else:
            self._watch = sqlite3.connect(store_path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._values: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._flights: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def generation(self) -> int:
        """Return the store's change counter now (and forget every value from before it moved)."""
        with self._lock:
            return self._check()

    def _check(self) -> int:
        if isinstance(self._watch, sqlite3.Connection):
            (value,) = self._watch.execute("PRAGMA data_version").fetchone()
        else:
            value = self._watch.data_version()
        if value != self._generation:
            self._generation = value
            self._values.clear()
        return int(value)

    def peek(self, key: Hashable) -> Any:
        """Return the value cached for ``key`` in the current generation, or ``MISSING``."""
        with self._lock:
            generation = self._check()
            found = self._values.get(key)
            if found is not None and found[0] == generation:
                self._values.move_to_end(key)
                self.hits += 1
                return found[1]
            return _MISSING

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Return the value for ``key``, computing it (once, however many threads ask) on a miss."""
        value = self.peek(key)
        if value is not _MISSING:
            return value  # type: ignore[no-any-return]
        with self._lock:
            generation = self._check()
            flight = self._flights.setdefault(key, threading.Lock())
        with flight:
            with self._lock:
                found = self._values.get(key)
                if found is not None and found[0] == self._check():
                    return found[1]  # type: ignore[no-any-return]
            try:
                value = compute()
                with self._lock:
                    self.misses += 1
                    # A commit while computing may have made the value stale: keep it only if none came.
                    if self._check() == generation:
                        self._values[key] = (generation, value)
                        while len(self._values) > self.size:
                            self._values.popitem(last=False)
            finally:
                with self._lock:
                    self._flights.pop(key, None)
        return value  # type: ignore[no-any-return]

    def close(self) -> None:
        with self._lock:
            self._values.clear()
            self._watch.close()


MISSING = _MISSING


class VectorIndex:
    """The stored article vectors as one matrix, kept up to date by loading only the articles added since.

    Shared by search and the explanations, which rank every article by cosine. A change other
    than appended articles (a deletion, another encoder) reloads it whole.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[str, int, int] | None = None  # encoder, article count, newest seq
        self._seen: tuple[str, int] | None = None  # encoder, change counter when the index was last checked
        self.ids: list[str] = []
        self.matrix = np.zeros((0, 0), dtype=np.float32)
        self.position: dict[str, int] = {}
        self.full_loads = 0

    def get(self, store: Store, encoder: str, *, generation: int | None = None) -> tuple[list[str], np.ndarray]:
        """Return ``(ids, matrix)`` of the articles with an ``encoder`` vector, as ``store`` has them now.

        ``generation`` is the store's change counter (:meth:`StoreCache.generation`): while it stays
        the same the index is returned without asking the store anything.
        """
        with self._lock:
            if generation is not None and (encoder, generation) == self._seen:
                return self.ids, self.matrix
        count, top = store.version()
        with self._lock:
            self._seen = (encoder, generation) if generation is not None else None
            key = self._key
            if key == (encoder, count, top):
                return self.ids, self.matrix
            if key is not None and key[0] == encoder and top > key[2]:
                ids, matrix = store.article_vectors(encoder=encoder, after_seq=key[2], upto_seq=top)
                if count == key[1] + len(ids) and (not self.ids or matrix.shape[1:] == self.matrix.shape[1:]):
                    self._extend(ids, matrix)
                    self._key = (encoder, count, top)
                    return self.ids, self.matrix
            ids, matrix = store.article_vectors(encoder=encoder, upto_seq=top)
            self.ids, self.matrix, self.position = [], np.zeros((0, 0), dtype=np.float32), {}
            self._extend(ids, matrix)
            self.full_loads += 1
            self._key = (encoder, count, top)
            return self.ids, self.matrix

    def _extend(self, ids: list[str], matrix: np.ndarray) -> None:
        if not ids:
            return
        start = len(self.ids)
        # New lists and arrays: a reader holding the old ones keeps a consistent pair.
        self.ids = [*self.ids, *ids]
        self.matrix = matrix if not start else np.vstack([self.matrix, matrix])
        position = dict(self.position)
        position.update((aid, start + i) for i, aid in enumerate(ids))
        self.position = position
