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

A search result also depends on articles that are not in it yet. It is kept with its
:class:`~babelwire.search.Reach` (its stories, the query's vector and pool floor, its words): after a
commit the articles stored since (read by ingest sequence number, with their vectors) are put to it, and
it is dropped as soon as one of them could enter it. Only on SQLite, where one writer commits articles in
sequence order and keyword search matches words only.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Protocol, TypeVar

import numpy as np

from ..model import Change
from ..pipeline._changes import STORY_FIELDS
from ..store import Store, is_postgres, open_store

__all__ = ["StoreCache", "VectorIndex", "stories_changed"]

T = TypeVar("T")
_MISSING = object()
_Entry = tuple[int, "frozenset[str] | None", Any, "Reach | None"]
MAX_CHANGES = 1000  # more changes than this between two checks: drop everything rather than read them all
MAX_ARRIVALS = 200  # more new articles than this between two checks: drop every value that has a reach


class Reach(Protocol):
    """What a kept value needs to know of the articles stored after it (see ``babelwire.search.Reach``)."""

    encoder: str | None

    def admits(self, title: str, text: str, vector: np.ndarray | None) -> bool: ...


class Arrivals:
    """The articles stored between two checks of the counter (ingest sequence ``after`` < seq <= ``upto``),
    their vectors read only when a kept value asks, once per encoder."""

    def __init__(self, store: Store, rows: list[dict[str, Any]], after: int, upto: int) -> None:
        self._store = store
        self.rows = rows
        self.after, self.upto = after, upto
        self._vectors: dict[str, dict[str, np.ndarray]] = {}

    def vectors(self, encoder: str) -> dict[str, np.ndarray]:
        if encoder not in self._vectors:
            ids, matrix = self._store.article_vectors(encoder=encoder, after_seq=self.after, upto_seq=self.upto)
            self._vectors[encoder] = dict(zip(ids, matrix, strict=True))
        return self._vectors[encoder]

    def could_change(self, reach: Reach) -> bool:
        """Return whether one of the articles could enter a value of this ``reach``."""
        vectors = self.vectors(reach.encoder) if reach.encoder and self.rows else {}
        return any(reach.admits(r["title"] or "", r["text"] or "", vectors.get(r["id"])) for r in self.rows)


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
        self._seq = 0  # the articles read up to this ingest sequence number (set at the first check)
        # key -> (generation it was computed in, the stories it depends on or None for "everything", value,
        # the reach of a value later articles could change, or None)
        self._values: OrderedDict[Hashable, _Entry] = OrderedDict()
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
            self._seq = self._watch.version()[1]
        if self._sqlite:
            (value,) = self._watch.db.execute("PRAGMA data_version").fetchone()  # type: ignore[attr-defined]
        else:
            value = self._watch.data_version()  # type: ignore[attr-defined]
        if value != self._generation:
            first = self._generation is None
            self._generation = value
            if not first:
                self._forget(self._changed(), self._arrivals())
        return int(value)

    def _arrivals(self) -> Arrivals | None:
        """Return the articles stored since the last check (None: too many, or a backend without reaches).

        Read after the counter, under the lock: a value computed before one of them was committed is put
        before this check or refused (its generation is over), so every kept value is put to each article
        it may lack exactly once.
        """
        if not self._sqlite:
            return None
        rows = self._watch.export_article_page(after_seq=self._seq, limit=MAX_ARRIVALS + 1)
        after = self._seq
        if len(rows) > MAX_ARRIVALS:
            self._seq = self._watch.version()[1]
            return None
        if rows:
            self._seq = int(rows[-1]["seq"])
        return Arrivals(self._watch, rows, after, self._seq)

    def _changed(self) -> set[str] | None:
        changes = self._watch.changes_after(self._cursor, limit=MAX_CHANGES + 1)
        if changes:
            self._cursor = changes[-1].cursor
        if len(changes) > MAX_CHANGES:
            self._cursor = self._watch.changes_head()
            return None
        return stories_changed(changes)

    def _forget(self, stories: set[str] | None, arrivals: Arrivals | None) -> None:
        if stories is None:
            self._values.clear()
            return

        def stale(entry: _Entry) -> bool:
            _, tags, _, reach = entry
            if tags is None or tags & stories:
                return True
            return reach is not None and (arrivals is None or arrivals.could_change(reach))

        for key in [k for k, entry in self._values.items() if stale(entry)]:
            del self._values[key]

    def _valid(self, found: _Entry | None, generation: int) -> bool:
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

    def put(self, key: Hashable, value: Any, *, generation: int, tags: Iterable[str] | None = None,
            reach: Reach | None = None) -> bool:
        """Keep ``value`` for ``key`` if no commit came since ``generation`` (when it was computed); return
        whether it was kept. With ``tags`` (story ids) it outlives changes that touch none of them; with a
        ``reach`` as well, only while no article stored since could enter it."""
        with self._lock:
            if self._check() != generation:
                return False
            self._values[key] = (generation, None if tags is None else frozenset(tags), value, reach)
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
            return True

    def get(self, key: Hashable, compute: Callable[[], Any], *, tagged: bool = False) -> Any:
        """Return the value for ``key``, computing it (once, however many threads ask) on a miss.

        With ``tagged``, ``compute`` returns ``(value, story_ids)``: the value depends on those stories only;
        or ``(value, story_ids, reach)``: and on the articles stored later that ``reach`` admits (story_ids
        None: on everything).
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
                value, tags, reach = result, None, None
                if tagged:  # (value, story_ids) or (value, story_ids, reach)
                    value, tags, *rest = result
                    reach = rest[0] if rest else None
                with self._lock:
                    self.misses += 1
                # A commit while computing may have made the value stale: it is kept only if none came.
                self.put(key, value, generation=generation, tags=tags, reach=reach)
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
