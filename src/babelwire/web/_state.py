"""What the web app holds between requests: stores per thread, the one writer, the searcher, settings."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request

from ..errors import StoreError
from ..search import Searcher
from ..signals import Encoder, get_encoder
from ..store import Store

if TYPE_CHECKING:
    from ..pipeline import Pipeline

__all__ = ["WebState", "WebConfig", "read_store"]


@dataclass(frozen=True, slots=True)
class WebConfig:
    """The web app's settings (see ``babelwire.settings``)."""

    token: str | None
    read_token: str | None
    max_upload_bytes: int


class WebState:
    """Stores and models shared by the request handlers.

    Reads borrow a pooled SQLite connection each (WAL lets them run while a
    write is in progress); writes go through a single :class:`Pipeline`
    under a lock, rebuilt when another process has added articles meanwhile.
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
        self.write_lock = threading.Lock()
        self.writer = Store(store_path, check_same_thread=False)  # creates and migrates the store
        self._opened.append(self.writer)
        self._pipeline: Pipeline | None = None
        self._searcher: Searcher | None = None

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
            self._searcher = Searcher(self.writer, self.encoder)
        return self._searcher

    # -- stores -------------------------------------------------------------------------------
    @contextmanager
    def reading(self) -> Iterator[Store]:
        """Lend a store connection for reads, exclusively, for the block (connections are pooled)."""
        with self._open_lock:
            store = self._idle.pop() if self._idle else None
        if store is None:
            store = Store(self.store_path, check_same_thread=False)  # lent to one thread at a time
            with self._open_lock:
                self._opened.append(store)
        try:
            yield store
        finally:
            with self._open_lock:
                if store in self._opened:
                    self._idle.append(store)

    def pipeline(self) -> Pipeline:
        """Return the writer's pipeline; call with ``write_lock`` held."""
        from ..pipeline import Pipeline

        if self._pipeline is None:  # the pipeline itself notices when another process wrote
            self._pipeline = Pipeline(self.writer, encoder=self.encoder)
        return self._pipeline

    def written(self, ok: bool) -> None:
        """Record that the pipeline's write left the store as its clusterer knows it (``ok``),
        or drop the pipeline after a failed write (its clusterer may hold articles rolled back)."""
        if not ok:
            self._pipeline = None

    def close(self) -> None:
        """Close every connection the app opened."""
        with self._open_lock:
            for store in self._opened:
                store.close()
            self._opened.clear()
            self._idle.clear()



def read_store(request: Request) -> Iterator[Store]:
    """FastAPI dependency: a store connection for the request's reads."""
    with request.app.state.babelwire.reading() as store:
        yield store
