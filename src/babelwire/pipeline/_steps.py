"""The ingest steps over one batch: per record clean and dedupe, then signals, assign and write for the batch.

A record step takes one record and keeps it (True) or drops it, saying why
through ``Batch.reject`` or ``Batch.known``; a batch step works on what the
record steps kept. ``LocalExecutor`` runs them in order in this process; another
executor (Ray) can run the record steps elsewhere, since each needs only its
record and the batch's own memory of what it has kept so far.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import RejectedInput
from ..model import Article, RawDocument, Rejection, content_hash, failure
from ..sources import ReadResult, read_path
from ..store import Store
from . import _changes as feed

if TYPE_CHECKING:
    from ._pipeline import Duplicate, Pipeline

__all__ = ["Batch", "BatchLineMemory", "Executor", "LocalExecutor", "RecordStep", "BatchStep", "record_steps",
           "batch_steps", "journal_key"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Batch:
    """What one batch carries through the steps, and everything it learned, written in one transaction."""

    docs: Sequence[RawDocument]
    articles: list[Article] = field(default_factory=list)
    signals: list[Any] = field(default_factory=list)
    assignments: list[Any] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    known: list[Duplicate] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)  # the known ones the store records
    seen_ids: set[str] = field(default_factory=set)
    seen_hashes: dict[str, str] = field(default_factory=dict)
    embedded: int = 0

    def reject(self, raw: RawDocument, reason: str) -> bool:
        """Drop ``raw`` as rejected for ``reason`` (recorded with the batch); return False for a step to return."""
        self.rejected.append(Rejection(raw.origin, reason, id=raw.id))
        return False

    def drop(self, keep: Sequence[bool], reasons: dict[int, str]) -> None:
        """Keep the articles (and what was made for them) where ``keep`` is True; reject article ``i`` for
        ``reasons[i]``. Used when a batch step falls back to one article at a time."""
        for i, a in enumerate(self.articles):
            if not keep[i]:
                self.rejected.append(Rejection(a.origin, reasons[i], id=a.id))
        self.articles = [a for a, k in zip(self.articles, keep, strict=True) if k]


class RecordStep(Protocol):
    """One step for one record: return True to keep it (``article`` set once cleaned)."""

    def __call__(self, raw: RawDocument, batch: Batch) -> bool: ...


class BatchStep(Protocol):
    """One step over the records a batch kept."""

    def __call__(self, batch: Batch) -> None: ...


class BatchLineMemory:
    """The cleaner's per-source line memory, persisted in the store.

    Within a batch the cleaner sees the store's counts plus what the batch observed so
    far; the store learns, with the batch's transaction, only what the articles it
    stores showed (``write``). Outside a batch an observation is written at once.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._current: str | None = None
        self._observed: dict[str, tuple[str, frozenset[str]]] = {}
        self._docs: Counter[str] = Counter()
        self._lines: Counter[tuple[str, str]] = Counter()
        self._open = False

    def begin(self) -> None:
        """Start holding observations for a batch."""
        self._open, self._observed, self._docs, self._lines = True, {}, Counter(), Counter()

    def cleaning(self, article_id: str) -> None:
        """Say which record the next observation belongs to."""
        self._current = article_id

    def documents(self, source: str) -> int:
        return self.store.line_documents(source) + self._docs[source]

    def count(self, source: str, key: str) -> int:
        return self.store.line_count(source, key) + self._lines[(source, key)]

    def observe(self, source: str, keys: Iterable[str]) -> None:
        if not self._open or self._current is None:
            self.store.line_observe(source, keys)
            return
        ks = frozenset(keys)
        self._observed[self._current] = (source, ks)
        self._docs[source] += 1
        self._lines.update((source, k) for k in ks)

    def write(self, stored: Iterable[str]) -> None:
        """Write what the stored articles ``stored`` showed (inside the batch's transaction) and end the batch."""
        for aid in stored:
            if aid in self._observed:
                self.store.line_observe(*self._observed[aid])
        self._open, self._current, self._observed = False, None, {}


def journal_key(doc: RawDocument) -> str:
    """Return how the ingest journal names an input: its id and origin (two inputs may share an id)."""
    return f"{doc.id}\t{doc.origin}"


# -- record steps --------------------------------------------------------------------------


@dataclass
class SkipKnownId:
    """Drop a record whose id is stored already (or kept earlier in the batch)."""

    store: Store

    def __call__(self, raw: RawDocument, batch: Batch) -> bool:
        from ._pipeline import Duplicate

        if raw.id in batch.seen_ids or self.store.has_article(raw.id):
            batch.known.append(Duplicate(raw.id, raw.origin, raw.id, "same id already stored"))
            return False
        return True


@dataclass
class Clean:
    """Clean the record into an Article; a record the cleaner refuses is rejected with its reason."""

    cleaner: Any
    memory: BatchLineMemory | None

    def __call__(self, raw: RawDocument, batch: Batch) -> bool:
        if self.memory is not None:
            self.memory.cleaning(raw.id)
        try:
            batch.articles.append(self.cleaner.clean(raw))
        except RejectedInput as exc:
            return batch.reject(raw, str(exc))
        return True


@dataclass
class SkipSameText:
    """Drop a cleaned record whose clean text is stored already (or kept earlier in the batch)."""

    store: Store

    def __call__(self, raw: RawDocument, batch: Batch) -> bool:
        from ._pipeline import Duplicate

        article = batch.articles[-1]
        h = article.content_hash
        twin = batch.seen_hashes.get(h) or self.store.find_by_content(h)
        if twin is not None:
            batch.articles.pop()
            dup = Duplicate(raw.id, raw.origin, twin, "identical clean text")
            batch.known.append(dup)
            batch.duplicates.append(dup)
            return False
        batch.seen_ids.add(raw.id)
        batch.seen_hashes[h] = raw.id
        return True


# -- batch steps ---------------------------------------------------------------------------


@dataclass
class Signals:
    """Extract the kept articles' signals (embedding what is not cached yet)."""

    pipeline: Pipeline

    def __call__(self, batch: Batch) -> None:
        if not batch.articles:
            return
        before = self.pipeline.cache.embedded
        try:
            batch.signals = list(self.pipeline.extractor.extract(batch.articles))
        except Exception as exc:  # noqa: BLE001 - find the record that fails, keep the rest
            log.warning("embedding a batch failed (%s); retrying one article at a time", failure(exc))
            batch.signals = self._one_by_one(batch)
        batch.embedded = self.pipeline.cache.embedded - before

    def _one_by_one(self, batch: Batch) -> list[Any]:
        extract = self.pipeline.extractor.extract
        signals, keep, reasons = _one_at_a_time(batch.articles, lambda a: extract([a])[0], "could not embed")
        batch.drop(keep, reasons)
        return signals


def _one_at_a_time(items: Sequence[Any], fn: Callable[[Any], Any], what: str
                   ) -> tuple[list[Any], list[bool], dict[int, str]]:
    """Return ``fn`` of each item on its own — the results of those that worked, which worked, and why each
    other one failed ("``what``: Class: message (at file:line)") — after a batch-wide failure."""
    out: list[Any] = []
    keep: list[bool] = []
    reasons: dict[int, str] = {}
    for i, item in enumerate(items):
        try:
            out.append(fn(item))
            keep.append(True)
        except Exception as exc:  # noqa: BLE001 - the failing record is rejected, the rest kept
            keep.append(False)
            reasons[i] = f"{what}: {failure(exc)}"
    return out, keep, reasons


@dataclass
class Assign:
    """Fit the working set to the batch, then let the clusterer assign each article."""

    pipeline: Pipeline

    def __call__(self, batch: Batch) -> None:
        if not batch.articles:
            return
        p = self.pipeline
        p.fit_working_set(batch.signals)
        c = p.clusterer
        if hasattr(c, "add_frequencies"):  # the names of the new articles, as stored so far
            c.add_frequencies(p.store.entity_df(c.unknown_names(batch.signals)))
        xs = [{"id": a.id, "signals": sg, "vector": sg.full, "published": a.published}
              for a, sg in zip(batch.articles, batch.signals, strict=True)]
        learn_many = getattr(c, "learn_many", None)
        try:
            batch.assignments = learn_many(xs) if learn_many else [c.learn_one(x) for x in xs]
            return
        except Exception as exc:  # noqa: BLE001 - find the record that fails, keep the rest
            log.warning("assigning a batch failed (%s); retrying one article at a time", failure(exc))
        # an article learned before the failure is predicted, not learned twice
        assignments, keep, reasons = _one_at_a_time(
            xs, lambda x: learn_many([x])[0] if learn_many else c.learn_one(x), "could not score")
        batch.signals = [sg for sg, k in zip(batch.signals, keep, strict=True) if k]
        batch.drop(keep, reasons)
        batch.assignments = assignments


@dataclass
class Write:
    """Write the batch in one transaction: rejections, duplicates, line memory, articles, stories, signals, and
    the pass it owes over the stories it touched."""

    pipeline: Pipeline

    def __call__(self, batch: Batch) -> None:
        p, store = self.pipeline, self.pipeline.store
        with store.transaction():
            for rej in batch.rejected:
                store.add_rejection(rej)
            for dup in batch.duplicates:
                store.add_duplicate(dup.id, dup.origin, dup.duplicate_of, dup.reason)
            if p.line_memory is not None:
                p.line_memory.write(a.id for a in batch.articles)
            # the commit order, for a replay: each input by id and origin (two inputs may share an id)
            store.journal_append("batch", [journal_key(raw) for raw in batch.docs])
            if not batch.articles:
                return
            changes = []
            for a, asg in zip(batch.articles, batch.assignments, strict=True):
                store.add_article(a, embed_hash=content_hash(a.embed_text))
                if asg.new_story:
                    store.upsert_story(asg.story_id, a.title)
                    changes.append(feed.created(asg.story_id, a.title, "ingest"))
                store.assign(a.id, asg.story_id, score=asg.score, evidence=asg.evidence)
                changes.append(feed.stored(a, asg.story_id, asg.evidence.get("copy_of")))
            store.record_changes(changes)  # the changes feed, in the batch's transaction
            p.save_learned(batch.assignments)
            store.owe_pass({asg.story_id for asg in batch.assignments})  # cleared by the pass (finish_passes)


def record_steps(p: Pipeline) -> list[RecordStep]:
    """Return the per-record steps of ``p``: skip known ids, clean, skip known texts."""
    return [SkipKnownId(p.store), Clean(p.cleaner, p.line_memory), SkipSameText(p.store)]


def batch_steps(p: Pipeline) -> list[BatchStep]:
    """Return the batch steps of ``p``: signals, assign, write."""
    return [Signals(p), Assign(p), Write(p)]


class Executor(Protocol):
    """Where the steps run: reads the input files and runs one batch through the steps.

    Every executor gives the same results as ``LocalExecutor`` for the same input (tests/pipeline/test_ray.py
    runs them side by side): what depends on order or on the store runs in the driver, in order.
    """

    def read_files(self, files: Iterable[Path], *, max_article_mb: float | None = None) -> Iterator[ReadResult]:
        """Yield what the readers found in each of ``files``, in the order given."""
        ...

    def run(self, records: Sequence[RecordStep], steps: Sequence[BatchStep], batch: Batch) -> Batch:
        """Return ``batch`` after every step."""
        ...


class LocalExecutor:
    """Runs the steps in this process: each record through the record steps in order, then the batch steps."""

    def read_files(self, files: Iterable[Path], *, max_article_mb: float | None = None) -> Iterator[ReadResult]:
        """Yield what the readers found in each of ``files``, in the order given (reading as they come)."""
        for f in files:
            yield read_path(f, max_article_mb=max_article_mb)

    def run(self, records: Sequence[RecordStep], steps: Sequence[BatchStep], batch: Batch) -> Batch:
        """Return ``batch`` after every step.

        One record's failure in a record step, expected (``RejectedInput``) or not, rejects that record
        alone: with the exception's message, or its class, message and place (``model.failure``).
        """
        for raw in batch.docs:
            kept = len(batch.articles)
            try:
                for step in records:
                    if not step(raw, batch):
                        break
            except RejectedInput as exc:
                del batch.articles[kept:]
                batch.reject(raw, str(exc))
            except Exception as exc:  # noqa: BLE001 - a bug met by one record must not stop the batch
                log.warning("cleaning %s failed: %s", raw.origin, failure(exc))
                log.debug("cleaning %s failed", raw.origin, exc_info=True)
                del batch.articles[kept:]
                batch.reject(raw, Rejection.from_exception(raw.origin, exc, id=raw.id).reason)
        for bstep in steps:
            bstep(batch)
        return batch
