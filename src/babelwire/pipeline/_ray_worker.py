"""What a Ray worker does for the driver: line keys, cleaning with a frozen line memory, signals.

Plain Python, importable without Ray: ``_ray.py`` wraps ``Worker`` as an actor. Each method is a pure
function of what it is given, so a retried call (a worker that died and was restarted) gives the same
answer, and nothing here writes to the store.
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import RejectedInput
from ..model import Article, RawDocument, failure
from ..signals import EmbeddingCache
from ..signals.cache import MemoryVectorStore
from ..signals.profile import ArticleSignals, SignalExtractor
from ._steps import _one_at_a_time

__all__ = ["LineView", "FrozenLineMemory", "Cleaned", "SignalsResult", "Worker"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LineView:
    """What the line memory holds for one record's source when the record's turn comes: how many documents
    of the source it observed, and how many of them had each of the record's line keys (zeros left out)."""

    documents: int
    counts: dict[str, int] = field(default_factory=dict)


class FrozenLineMemory:
    """A LineMemory that answers from one record's ``LineView`` and learns nothing (the driver learns)."""

    def __init__(self, view: LineView) -> None:
        self.view = view

    def documents(self, source: str) -> int:
        return self.view.documents

    def count(self, source: str, key: str) -> int:
        return self.view.counts.get(key, 0)

    def observe(self, source: str, keys: Iterable[str]) -> None:
        return None


@dataclass(slots=True)
class Cleaned:
    """One record's cleaning: the article, or why it was rejected (``RejectedInput``), or how it failed."""

    article: Article | None = None
    rejected: str | None = None
    failed: str | None = None  # model.failure() of an unexpected exception, as the local executor records it


@dataclass(slots=True)
class SignalsResult:
    """One chunk's signals: one per article kept, which were kept, why the others failed, and the vectors
    embedded for it (content hash -> vector), to be cached by the driver."""

    signals: list[ArticleSignals]
    keep: list[bool]
    reasons: dict[int, str]
    vectors: dict[str, np.ndarray]


class Worker:
    """One worker: a cleaner without memory of its own, and the extractor over an encoder loaded once.

    ``threads`` caps the encoder's CPU threads (and OpenMP's), so that the workers of one node, one per
    CPU by default, do not oversubscribe its cores.
    """

    def __init__(self, cleaner: Any, extractor: SignalExtractor, encoder: Any, threads: int | None = None) -> None:
        if threads:
            os.environ["OMP_NUM_THREADS"] = str(threads)
            if hasattr(encoder, "threads"):
                encoder.threads = threads  # read when the model is loaded (onnx intra-op, torch threads)
        self.cleaner = copy.copy(cleaner)
        if self.cleaner is not None:
            self.cleaner.line_memory = None
        self.encoder = encoder
        self.extractor = extractor

    def fingerprint(self) -> str:
        """Return the fingerprint of this worker's encoder (loading the model once, here)."""
        return str(self.encoder.fingerprint)

    def line_keys(self, docs: Sequence[RawDocument]) -> list[frozenset[str] | None]:
        """Return, for each record, the line keys cleaning it reads from the line memory, or None when its
        cleaning fails before reaching the memory."""
        out: list[frozenset[str] | None] = []
        for raw in docs:
            try:
                out.append(self.cleaner.line_keys(raw))
            except Exception:  # noqa: BLE001 - the clean that follows meets the same failure and reports it
                out.append(None)
        return out

    def clean(self, items: Sequence[tuple[RawDocument, LineView | None]]) -> list[Cleaned]:
        """Return each record cleaned with the line memory its ``LineView`` gives (None: no memory)."""
        out: list[Cleaned] = []
        for raw, view in items:
            self.cleaner.line_memory = FrozenLineMemory(view) if view is not None else None
            try:
                out.append(Cleaned(article=self.cleaner.clean(raw)))
            except RejectedInput as exc:
                out.append(Cleaned(rejected=str(exc)))
            except Exception as exc:  # noqa: BLE001 - the driver rejects this record, as the local executor does
                log.debug("cleaning %s failed", raw.origin, exc_info=True)
                out.append(Cleaned(failed=failure(exc)))
            finally:
                self.cleaner.line_memory = None
        return out

    def signals(self, articles: Sequence[Article], cached: dict[str, np.ndarray], encoder: str) -> SignalsResult:
        """Return the signals of ``articles``, embedding only the texts ``cached`` lacks; an article whose
        signals fail on its own is left out with the reason the local Signals step gives."""
        store = MemoryVectorStore()
        store.put_vectors(cached, encoder=encoder)
        ex = copy.copy(self.extractor)
        ex.cache = EmbeddingCache(self.encoder, store)
        try:
            signals = list(ex.extract(articles))
            keep: list[bool] = [True] * len(articles)
            reasons: dict[int, str] = {}
        except Exception as exc:  # noqa: BLE001 - find the record that fails, keep the rest
            log.warning("embedding a chunk failed (%s); retrying one article at a time", failure(exc))
            signals, keep, reasons = _one_at_a_time(articles, lambda a: ex.extract([a])[0], "could not embed")
        new = {h: v for (h, _enc, _kind), v in store.data.items() if h not in cached}
        return SignalsResult(signals, keep, reasons, new)
