"""What the web app holds between requests: stores per thread, the one writer, the searcher, settings."""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio.to_thread
import numpy as np

from ..errors import StoreError
from ..search import Mode, Searcher
from ..signals import Encoder, get_encoder
from ..store import Store, open_store
from ..views import story_from_members
from ._cache import MISSING, StoreCache, VectorIndex
from ._writer import LocalWriter, RemoteWriter, Writer

__all__ = ["WebState", "WebConfig"]

log = logging.getLogger(__name__)
T = TypeVar("T")
STORY_WINDOW = 200  # the first stories of each list, kept whole: pages and API offsets slice it


@dataclass(frozen=True, slots=True)
class WebConfig:
    """The web app's settings (see ``babelwire.settings``)."""

    token: str | None
    read_token: str | None
    max_upload_bytes: int
    read_threads: int = 2
    max_article_mb: float | None = None  # None: the readers' default (5 MiB)
    writer_address: str | None = None  # a writer process's socket (see ``_writer``); None: write in this process
    writer_key: bytes | None = None


class WebState:
    """Stores and models shared by the request handlers.

    Reads borrow a pooled SQLite connection each (WAL lets them run while a
    write is in progress); writes go to ``ingester``: a :class:`LocalWriter` (one pipeline in this process,
    under a lock) or, under ``babelwire serve``, a :class:`RemoteWriter` handing them to the writer process.
    What every page reads (story lists, facets, stories, articles, search results) is kept in
    ``cache`` until the store's change counter moves; ``vectors`` holds the article vectors that
    search and explanations rank, topped up with each write's new articles.
    """

    def __init__(self, store_path: str, *, encoder: Encoder | str | None, config: WebConfig) -> None:
        if store_path == ":memory:":
            raise StoreError("the web app needs a store file (each connection would get its own :memory: store)")
        self.store_path = store_path
        self.config = config
        self._encoder_spec = encoder
        self._encoder: Encoder | None = None
        self._idle: list[Store] = []
        self._opened: list[Store] = []
        self._open_lock = threading.Lock()
        self.writer = open_store(store_path, check_same_thread=False)  # creates and migrates the store
        self._opened.append(self.writer)
        self.ingester: Writer = (
            RemoteWriter(config.writer_address, config.writer_key or b"") if config.writer_address
            else LocalWriter(self.writer, lambda: self.encoder))
        self._searcher: Searcher | None = None
        self.cache = StoreCache(store_path)
        self.vectors = VectorIndex()
        # Per event loop (tests run one loop per request): capacity limiters for the worker threads.
        self._limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[Any, Any]] = (
            weakref.WeakKeyDictionary())

    # -- models -------------------------------------------------------------------------------
    @property
    def encoder(self) -> Encoder:
        """Return the encoder (constructed on first use; models load on first encode)."""
        if self._encoder is None:
            spec = self._encoder_spec
            self._encoder = spec if spec is not None and not isinstance(spec, str) else get_encoder(spec)
        return self._encoder

    @property
    def searcher(self) -> Searcher:
        """Return the shared searcher (it caches the article vectors between queries)."""
        if self._searcher is None:
            self._searcher = Searcher(
                self.writer, self.encoder,
                vectors=lambda store, fp: self.vectors.get(store, fp, generation=self.cache.generation()))
        return self._searcher

    def article_vectors(self, store: Store) -> tuple[list[str], np.ndarray] | None:
        """Return the stored article vectors of the store's encoder (kept between requests), or None."""
        generation = self.cache.generation()  # read before the store: the index is never newer than it says
        fp = store.get_setting("encoder")
        return self.vectors.get(store, fp, generation=generation) if fp else None

    # -- stores -------------------------------------------------------------------------------
    @contextmanager
    def reading(self) -> Iterator[Store]:
        """Lend a store connection for reads, exclusively, for the block (connections are pooled)."""
        with self._open_lock:
            store = self._idle.pop() if self._idle else None
        if store is None:
            store = open_store(self.store_path, check_same_thread=False)  # lent to one thread at a time
            with self._open_lock:
                self._opened.append(store)
        try:
            yield store
        finally:
            with self._open_lock:
                if store in self._opened:
                    self._idle.append(store)

    def read(self, fn: Callable[[Store], T]) -> T:
        """Return ``fn(store)`` with a pooled read connection."""
        with self.reading() as store:
            return fn(store)

    def cached(self, key: Hashable, fn: Callable[[Store], Any], tagged: bool = False) -> Any:
        """Return ``fn(store)`` from the cache, computing it with a read connection on a miss (``tagged``:
        ``fn`` returns ``(value, story_ids)``, see :meth:`StoreCache.get`)."""
        return self.cache.get(key, lambda: self.read(fn), tagged=tagged)

    def _limiter(self, write: bool) -> Any:
        loop = asyncio.get_running_loop()
        pair = self._limiters.get(loop)
        if pair is None:
            pair = self._limiters[loop] = (anyio.CapacityLimiter(self.config.read_threads), anyio.CapacityLimiter(1))
        return pair[1] if write else pair[0]

    async def in_reader(self, fn: Callable[..., T], *args: Any) -> T:
        """Return ``fn(*args)`` run on one of a few reader threads.

        Few, because the work is Python holding the GIL: forty threads (the default pool)
        only take turns slower, and SQLite calls wait longer to get the GIL back.
        """
        return await anyio.to_thread.run_sync(fn, *args, limiter=self._limiter(write=False))

    async def in_writer(self, fn: Callable[..., T], *args: Any) -> T:
        """Return ``fn(*args)`` run on the writer thread: writes queue here, not on threads the reads need."""
        return await anyio.to_thread.run_sync(fn, *args, limiter=self._limiter(write=True))

    def stories(
        self,
        store: Store,
        *,
        limit: int,
        offset: int = 0,
        lang: str | None = None,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> list[dict[str, Any]]:
        """Return ``store.stories(...)`` for the filters, sliced from a kept window when it can.

        Every list page and API page of the first ``STORY_WINDOW`` stories shares one query for their rows;
        each story's part of the list is kept on its own (tagged with its id), so after a write only the
        stories it touched are read again.
        """
        if offset + limit > STORY_WINDOW:
            return store.stories(lang=lang, source=source, since=since, until=until, limit=limit, offset=offset)
        generation = self.cache.generation()
        rows: list[tuple[str, str]] = self.cache.get(
            ("story-rows", lang, source, since, until),
            lambda: store.story_rows(lang=lang, source=source, since=since, until=until, limit=STORY_WINDOW))
        rows = rows[offset : offset + limit]
        found = {sid: self.cache.peek(("story-dict", sid, headline)) for sid, headline in rows}
        missing = [sid for sid, value in found.items() if value is MISSING]
        if missing:
            members = store.story_members_of(missing)  # one query for all the stories not kept
            for sid, headline in rows:
                if found[sid] is MISSING:
                    found[sid] = story_from_members(sid, headline, members.get(sid, []))
                    self.cache.put(("story-dict", sid, headline), found[sid], generation=generation, tags=(sid,))
        return [found[sid] for sid, _ in rows]

    def search(self, store: Store, query: str, *, mode: Mode = "hybrid", lang: str | None = None,
               limit: int = 20) -> dict[str, Any]:
        """Return ``searcher.search(...)``'s result, kept across commits while no article they stored could
        enter it and no change touched its stories (see :class:`~babelwire.search.Reach`)."""

        def compute() -> tuple[dict[str, Any], frozenset[str] | None, Any]:
            result, reach = self.searcher.search_reach(query, limit=limit, mode=mode, lang=lang, store=store)
            return result, (reach.stories if reach is not None else None), reach

        return self.cache.get(("search", query, mode, lang, limit), compute, tagged=True)  # type: ignore[no-any-return]

    def warm(self) -> None:
        """Load what the first write and the first explanation would otherwise wait for (run in a thread)."""
        try:
            self.ingester.warm()
            self.read(self.article_vectors)
        except Exception:  # noqa: BLE001 - warming is an optimisation; the request path reports errors
            log.warning("could not warm the web app's state", exc_info=True)

    def close(self) -> None:
        """Close every connection the app opened."""
        with self._open_lock:
            for store in self._opened:
                store.close()
            self._opened.clear()
            self._idle.clear()
        self.ingester.close()
        self.cache.close()
