"""The ingest pipeline: sources -> clean -> signals -> cluster -> store, one batch per transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .clean import Cleaner
from .cluster import CentroidClusterer
from .errors import EncoderMismatch, RejectedInput
from .model import Article, RawDocument, Rejection, content_hash
from .signals import EmbeddingCache, Encoder, get_encoder
from .sources import ReadResult, iter_files, read_path
from .store import Store

__all__ = ["Pipeline", "IngestReport", "Duplicate", "StoreLineMemory"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Duplicate:
    """An input recognised as already stored."""

    id: str
    origin: str
    duplicate_of: str
    reason: str


@dataclass(slots=True)
class IngestReport:
    """What an ingest did with every input: stored, already known, rejected or skipped."""

    read: int = 0
    stored: list[str] = field(default_factory=list)
    known: list[Duplicate] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    skipped: list[Rejection] = field(default_factory=list)
    new_stories: set[str] = field(default_factory=set)
    touched_stories: set[str] = field(default_factory=set)
    embedded: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        return {
            "read": self.read,
            "stored": len(self.stored),
            "already_known": len(self.known),
            "rejected": [{"origin": r.origin, "id": r.id, "reason": r.reason} for r in self.rejected],
            "skipped": [{"origin": r.origin, "reason": r.reason} for r in self.skipped],
            "new_stories": len(self.new_stories),
            "stories_touched": len(self.touched_stories),
            "embedded": self.embedded,
        }


class StoreLineMemory:
    """The cleaner's per-source line memory, persisted in the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def documents(self, source: str) -> int:
        return self.store.line_documents(source)

    def count(self, source: str, key: str) -> int:
        return self.store.line_count(source, key)

    def observe(self, source: str, keys: Iterable[str]) -> None:
        self.store.line_observe(source, keys)


Progress = Callable[[str, int], None]


class Pipeline:
    """Runs inputs through every stage into ``store``.

    ``progress(event, n)`` is called with ``("read", n)`` once the inputs are
    counted and ``("done", n)`` as records finish, so an edge can draw a bar.
    """

    def __init__(
        self,
        store: Store,
        *,
        encoder: Encoder | str | None = None,
        cleaner: Cleaner | None = None,
        clusterer: Any | None = None,
        batch_size: int = 32,
    ) -> None:
        self.store = store
        self.encoder = encoder if encoder is not None and not isinstance(encoder, str) else get_encoder(encoder)
        self.cleaner = cleaner or Cleaner(line_memory=StoreLineMemory(store))
        self.cache = EmbeddingCache(self.encoder, store)
        self._clusterer = clusterer
        self.batch_size = batch_size

    # -- clusterer state ---------------------------------------------------------------
    def _check_encoder(self) -> None:
        fp = self.encoder.fingerprint
        used = self.store.get_setting("encoder")
        if used is None:
            self.store.set_setting("encoder", fp)
        elif used != fp:
            raise EncoderMismatch(
                f"this store's stories were built with encoder {used!r}, not {fp!r}; "
                "use the same --encoder, or run `babelwire reembed` to switch"
            )

    @property
    def clusterer(self) -> Any:
        """Return the clusterer, rebuilt from the stored memberships on first use."""
        if self._clusterer is None:
            threshold = getattr(self.encoder, "story_threshold", 0.86)
            self._clusterer = CentroidClusterer(threshold=threshold)
            self._restore(self._clusterer)
        return self._clusterer

    def _restore(self, clusterer: Any) -> None:
        rows = [r for r in self.store.article_rows() if r["story_id"]]
        if not rows:
            return
        vectors = self.store.get_vectors([r["embed_hash"] for r in rows], encoder=self.encoder.fingerprint)
        members = [{**r, "vector": vectors[r["embed_hash"]]} for r in rows if r["embed_hash"] in vectors]
        if len(members) < len(rows):
            log.warning("%d stored articles have no vector from this encoder", len(rows) - len(members))
        clusterer.restore(members)

    # -- ingest --------------------------------------------------------------------------
    def read(self, paths: Sequence[str | Path]) -> ReadResult:
        """Return everything the readers found under ``paths``."""
        result = ReadResult()
        for f in iter_files(paths):
            result.extend(read_path(f))
        return result

    def ingest(self, paths: Sequence[str | Path], *, progress: Progress | None = None) -> IngestReport:
        """Read, clean, embed, cluster and store every input under ``paths``."""
        result = self.read(paths)
        report = IngestReport(rejected=list(result.rejected), skipped=list(result.skipped))
        with self.store.transaction():
            for r in result.rejected:
                self.store.add_rejection(r)
        return self.ingest_documents(result.documents, report=report, progress=progress)

    def ingest_documents(
        self,
        docs: Sequence[RawDocument],
        *,
        report: IngestReport | None = None,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Run ``docs`` through clean, embed, cluster and store, one transaction per batch."""
        report = report or IngestReport()
        report.read += len(docs) + len(report.rejected)
        if progress:
            progress("read", len(docs))
        if docs:
            self._check_encoder()
        for i in range(0, len(docs), self.batch_size):
            self._batch(docs[i : i + self.batch_size], report)
            if progress:
                progress("done", len(docs[i : i + self.batch_size]))
        return report

    def _batch(self, docs: Sequence[RawDocument], report: IngestReport) -> None:
        articles: list[Article] = []
        seen_ids: dict[str, str] = {}
        seen_hashes: dict[str, str] = {}
        for raw in docs:
            if raw.id in seen_ids or self.store.has_article(raw.id):
                report.known.append(Duplicate(raw.id, raw.origin, raw.id, "same id already stored"))
                continue
            try:
                article = self.cleaner.clean(raw)
            except RejectedInput as exc:
                rej = Rejection(raw.origin, str(exc), id=raw.id)
                report.rejected.append(rej)
                self.store.add_rejection(rej)
                continue
            h = article.content_hash
            twin = seen_hashes.get(h) or self.store.find_by_content(h)
            if twin is not None:
                dup = Duplicate(raw.id, raw.origin, twin, "identical clean text")
                report.known.append(dup)
                self.store.add_duplicate(dup.id, dup.origin, dup.duplicate_of, dup.reason)
                continue
            seen_ids[raw.id] = raw.id
            seen_hashes[h] = raw.id
            articles.append(article)
        if not articles:
            return
        texts = [a.embed_text for a in articles]
        before = self.cache.embedded
        vectors = self.cache.embed(texts)
        report.embedded += self.cache.embedded - before
        assignments = [
            self.clusterer.learn_one({"id": a.id, "vector": v, "published": a.published})
            for a, v in zip(articles, vectors, strict=True)
        ]

        with self.store.transaction():
            for a, text, asg in zip(articles, texts, assignments, strict=True):
                self.store.add_article(a, embed_hash=content_hash(text))
                if asg.new_story:
                    self.store.upsert_story(asg.story_id, a.title)
                    report.new_stories.add(asg.story_id)
                self.store.assign(a.id, asg.story_id, score=asg.score, evidence=asg.evidence)
                report.touched_stories.add(asg.story_id)
                report.stored.append(a.id)
            for sid in {asg.story_id for asg in assignments}:
                members = self.store.story_members(sid)
                self.store.upsert_story(sid, members[0]["title"] if members else "")
