"""What the read endpoints keep between requests: values computed from the store, until it changes.

The store's change counter is SQLite's ``PRAGMA data_version`` read on a connection of its own:
it moves whenever any other connection, in this process or another, commits. Reading it costs
microseconds, so every request checks it; nothing is ever served from before the last commit the
request could see. On PostgreSQL it is the store's ``data_version()``, a counter row each write
transaction moves in its own commit.

When the counter moves, most values are dropped (lists, search results, explanations: anything a new
article can change). A value computed from a few stories only (a story, its page, one row of the
story list) is *tagged* with their ids and kept: the changes feed, written in the same transaction as
every change of a story (see ``docs/changes.md``), says which stories the commits since the last check
touched, and only the values tagged with one of those are dropped. An entry of a kind the cache does
not know, a coarse one (a correction, a recluster) or a long run of them drops everything, as before.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

import numpy as np

from ..model import Change
from ..pipeline._changes import STORY_FIELDS
from ..store import Store, is_postgres, open_store

__all__ = ["StoreCache", "VectorIndex", "stories_changed"]

T = TypeVar("T")
_MISSING = object()
MAX_CHANGES = 1000  # more changes than this between two checks: drop everything rather than read them all

def stories_changed(changes: Iterable[Change]) -> set[str] | None:
    """Return the ids of the stories ``changes`` touched, or None when one of them may have touched any."""
    out: set[str] = set()
    for ch in changes:
        fields = STORY_FIELDS.get(ch.kind)
        if fields is None:
            return None
        out.update(str(ch.data[f]) for f in fields if ch.data.get(f))
    return out


class StoreCache:
    """An LRU of values computed from the store, kept until a commit may have changed them.

    Untagged values live until the store's change counter moves; tagged ones (:meth:`get` with
    ``tagged=True``, :meth:`put` with ``tags``) until a change touches one of their stories.
    Concurrent misses on one key compute it once (the others wait for that value).
    """

    def __init__(self, store_path: str, *, size: int = 4096) -> None:
        self.size = size
        self._watch: Store = open_store(store_path, check_same_thread=False)
        self._sqlite = not is_postgres(store_path)
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._cursor = 0  # the changes feed read up to here (set at the first check)
        # key -> (generation it was computed in, the stories it depends on or None for "everything", value)
        self._values: OrderedDict[Hashable, tuple[int, frozenset[str] | None, Any]] = OrderedDict()
        self._flights: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def generation(self) -> int:
        """Return the store's change counter now (and forget every value a commit since may have changed)."""
        with self._lock:
            return self._check()

    def _check(self) -> int:
        if self._generation is None:  # the feed's head before the counter: a commit between is read again later
            self._cursor = self._watch.changes_head()
        if self._sqlite:
            (value,) = self._watch.db.execute("PRAGMA data_version").fetchone()  # type: ignore[attr-defined]
        else:
            value = self._watch.data_version()  # type: ignore[attr-defined]
        if value != self._generation:
            first = self._generation is None
            self._generation = value
            if not first:
                self._forget(self._changed())
        return int(value)

    def _changed(self) -> set[str] | None:
        changes = self._watch.changes_after(self._cursor, limit=MAX_CHANGES + 1)
        if changes:
            self._cursor = changes[-1].cursor
        if len(changes) > MAX_CHANGES:
            self._cursor = self._watch.changes_head()
            return None
        return stories_changed(changes)

    def _forget(self, stories: set[str] | None) -> None:
        if stories is None:
            self._values.clear()
            return
        for key in [k for k, (_, tags, _) in self._values.items() if tags is None or tags & stories]:
            del self._values[key]

    def _valid(self, found: tuple[int, frozenset[str] | None, Any] | None, generation: int) -> bool:
        return found is not None and (found[1] is not None or found[0] == generation)

    def peek(self, key: Hashable) -> Any:
        """Return the value cached for ``key`` (still valid now), or ``MISSING``."""
        with self._lock:
            generation = self._check()
            found = self._values.get(key)
            if self._valid(found, generation):
                self._values.move_to_end(key)
                self.hits += 1
                return found[2]  # type: ignore[index]
            return _MISSING

    def put(self, key: Hashable, value: Any, *, generation: int, tags: Iterable[str] | None = None) -> bool:
        """Keep ``value`` for ``key`` if no commit came since ``generation`` (when it was computed); return
        whether it was kept. With ``tags`` (story ids) it outlives changes that touch none of them."""
        with self._lock:
            if self._check() != generation:
                return False
            self._values[key] = (generation, None if tags is None else frozenset(tags), value)
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
            return True

    def get(self, key: Hashable, compute: Callable[[], Any], *, tagged: bool = False) -> Any:
        """Return the value for ``key``, computing it (once, however many threads ask) on a miss.

        With ``tagged``, ``compute`` returns ``(value, story_ids)``: the value depends on those stories only.
        """
        with self._lock:  # one look at the change counter for the look-up and the flight
            generation = self._check()
            found = self._values.get(key)
            if self._valid(found, generation):
                self._values.move_to_end(key)
                self.hits += 1
                return found[2]  # type: ignore[index]
            flight = self._flights.setdefault(key, threading.Lock())
        with flight:
            with self._lock:  # another thread may have computed it meanwhile: valid as of our generation
                found = self._values.get(key)
                if self._valid(found, generation):
                    return found[2]  # type: ignore[index]
            try:
                result = compute()
                value, tags = result if tagged else (result, None)
                with self._lock:
                    self.misses += 1
                # A commit while computing may have made the value stale: it is kept only if none came.
                self.put(key, value, generation=generation, tags=tags)
            finally:
                with self._lock:
                    self._flights.pop(key, None)
        return value

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
