"""The ingest pipeline: sources -> clean -> signals -> cluster -> store, one batch per transaction."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..clean import Cleaner
from ..cluster._base import story_id_for
from ..cluster._state import ClusterTotals
from ..cluster.constraints import Constraints
from ..cluster.factory import build_clusterer, build_passes
from ..cluster.merge import StoryChange
from ..errors import ConstraintError, EncoderMismatch, InvalidArgument, NotFound
from ..model import RawDocument, Rejection
from ..signals import EmbeddingCache, Encoder, get_encoder
from ..signals.profile import SignalExtractor
from ..sources import ReadResult, iter_files
from ..store import Store
from . import _changes as feed
from ._steps import Batch, BatchLineMemory, Executor, LocalExecutor, batch_steps, record_steps
from ._working_set import WorkingSet

__all__ = ["Pipeline", "IngestReport", "RecordResult", "Duplicate"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Duplicate:
    """An input recognised as already stored."""

    id: str
    origin: str
    duplicate_of: str
    reason: str


@dataclass(slots=True)
class RecordResult:
    """What became of one input record: ``stored``, ``known``, ``rejected`` or ``skipped``, and why."""

    origin: str
    id: str | None
    status: str
    reason: str | None = None
    story_id: str | None = None  # for stored and known records
    duplicate_of: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data."""
        return {"origin": self.origin, "id": self.id, "status": self.status, "reason": self.reason,
                "story_id": self.story_id, "duplicate_of": self.duplicate_of}


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
    # one entry per input, in the order decided; what an edge answers per item (e.g. HTTP 207)
    results: list[RecordResult] = field(default_factory=list)

    def reject(self, rejection: Rejection) -> None:
        """Count ``rejection`` and its per-record result."""
        self.rejected.append(rejection)
        self.results.append(RecordResult(rejection.origin, rejection.id, "rejected", rejection.reason))

    def skip(self, skipped: Rejection) -> None:
        """Count an input that is not an article (or could not be walked), and its per-record result."""
        self.skipped.append(skipped)
        self.results.append(RecordResult(skipped.origin, skipped.id, "skipped", skipped.reason))

    def know(self, dup: Duplicate) -> None:
        """Count an input recognised as already stored, and its per-record result."""
        self.known.append(dup)
        self.results.append(RecordResult(dup.origin, dup.id, "known", dup.reason, duplicate_of=dup.duplicate_of))

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
        max_article_mb: float | None = None,
    ) -> None:
        self.store = store
        self.max_article_mb = max_article_mb  # None: the readers' default (5 MiB)
        self.encoder = encoder if encoder is not None and not isinstance(encoder, str) else get_encoder(encoder)
        # ours holds what a batch observes until the batch is written; a cleaner passed in keeps its own
        self.line_memory = BatchLineMemory(store) if cleaner is None else None
        self.cleaner = cleaner or Cleaner(line_memory=self.line_memory)
        self.cache = EmbeddingCache(self.encoder, store)
        self.extractor = SignalExtractor(self.cache)
        self._clusterer = clusterer
        self._own_clusterer = clusterer is None  # ours: restored from the store, holding the working set
        self._seen = -1  # the store's data version the clusterer was restored at
        self.working = WorkingSet(store)
        self.batch_size = batch_size
        self.merger = build_passes()
        self.upgrade_progress: Progress | None = None  # draws the one-off signals upgrade of an older store
        self.executor: Executor = LocalExecutor()  # or a RayExecutor (pipeline/_ray.py): same results
        self.record_steps = record_steps(self)
        self.batch_steps = batch_steps(self)

    # -- clusterer state ---------------------------------------------------------------
    def _check_encoder(self) -> None:
        fp = self.encoder.fingerprint
        used = self.store.get_setting("encoder")
        if used is None:
            self.store.set_setting("encoder", fp)
            self.store.set_setting("encoder_name", self.encoder.name)
        elif used != fp:
            raise EncoderMismatch(
                f"this store's stories were built with encoder {used!r}, not {fp!r}; "
                "use the same --encoder, or run `babelwire reembed` to switch"
            )

    @property
    def clusterer(self) -> Any:
        """Return the clusterer, restored from the stored signals, memberships and corrections on first use,
        and again when another process has written to the store since (stale state)."""
        if self._clusterer is not None and self._own_clusterer and self.store.data_version() != self._seen:
            self._clusterer = None
        if self._clusterer is None:
            if self.store.has_articles():
                self._check_encoder()
            self._clusterer = build_clusterer(self.encoder)
            self.working.window_days = self._clusterer.window_days
            self._restore(self._clusterer)
            self._seen = self.store.data_version()
        return self._clusterer

    def constraints(self) -> Constraints:
        """Return the user corrections recorded in the store."""
        c = Constraints()
        for kind, a, b in self.store.constraints():
            (c.link if kind == "link" else c.unlink)(a, b)
        return c

    def _restore(self, clusterer: Any) -> None:
        """Restore ``clusterer`` from the persisted signals and totals; nothing is recomputed.

        A store whose signals are missing or from an older ``SIGNALS_VERSION`` is upgraded first, once.
        """
        if hasattr(clusterer, "set_constraints"):
            clusterer.set_constraints(self.constraints())
        if self.store.signals_outdated():
            self.upgrade_signals()
        rows = self.working.rows()
        # only the document frequencies of names held: every name a later comparison can read
        keys = {k for r in rows for k in r["signals"].entities}
        totals = self.store.totals(keys)
        if totals is not None:
            pending = int(self.store.get_setting("index_pending") or 0)
            clusterer.restore(rows, totals=ClusterTotals(*totals), pending=pending)

    def upgrade_signals(self) -> int:
        """Compute and persist the signals of every stored article (from cached embeddings) and the clusterer
        totals, as a restart of the previous release rebuilt them; return how many articles.

        This runs once for a store written before signals were persisted, or after ``SIGNALS_VERSION``
        changed; ``upgrade_progress("read"/"done", n)`` can draw a bar. It holds the whole store in memory
        once, as a restart of the previous release did; later starts load the working set only.
        """
        clusterer = build_clusterer(self.encoder)
        rows = [r for r in self.store.article_rows() if r["story_id"]]
        progress = self.upgrade_progress
        if progress:
            progress("read", len(rows))
        log.info("computing the signals of %d stored articles once", len(rows))
        for i in range(0, len(rows), 500):
            part = rows[i : i + 500]
            articles = {a.id: a for a in self.store.iter_articles([r["id"] for r in part])}
            signals = {s.id: s for s in self.extractor.extract([articles[r["id"]] for r in part])}
            clusterer.restore([{**r, "signals": signals[r["id"]]} for r in part])  # replays the means
            if progress:
                progress("done", len(part))
        with self.store.transaction():
            t = clusterer.totals()
            self.store.put_totals(t.vectors, t.df_docs, t.df, replace=True)
            clock = None  # a new undated record's active day: the newest publication-grade day before it
            for r in rows:
                s = clusterer.signals(r["id"])
                self.store.put_signals([s], clock=clock, keep_active=True)
                if s.dated and s.day is not None:
                    clock = s.day if clock is None else max(clock, s.day)
        return len(rows)

    def _save_state(self, clusterer: Any, article_ids: Sequence[str], *, replace: bool = False) -> None:
        """Persist the learned signals of ``article_ids`` and the clusterer's totals (all with ``replace``)."""
        if not hasattr(clusterer, "totals"):
            return
        signals = [clusterer.signals(a) for a in article_ids]
        days = [s.day for s in signals if s.dated and s.day is not None]
        clock = max([*days, *(d for d in [self.store.newest_day()] if d is not None)], default=None)
        self.store.put_signals(signals, clock=clock)
        t = clusterer.totals(None if replace else article_ids)
        self.store.put_totals(t.vectors, t.df_docs, t.df, replace=replace)

    # -- ingest --------------------------------------------------------------------------
    def read(self, paths: Sequence[str | Path]) -> ReadResult:
        """Return everything the readers found under ``paths``."""
        result = ReadResult()
        files = iter_files(paths, skipped=result.skipped)
        for found in self.executor.read_files(files, max_article_mb=self.max_article_mb):
            result.extend(found)
        return result

    def ingest(self, paths: Sequence[str | Path], *, progress: Progress | None = None) -> IngestReport:
        """Read, clean, embed, cluster and store every input under ``paths``."""
        result = self.read(paths)
        report = IngestReport()
        for r in result.rejected:
            report.reject(r)
        for r in result.skipped:
            report.skip(r)
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
        # the pass this ingest's batches owe, with any a killed ingest left owed: as one uninterrupted run
        changes = self.finish_passes()
        for ch in changes:
            if ch.action == "merge":  # the merged-away story is gone
                report.touched_stories.discard(ch.other_id)
                report.new_stories.discard(ch.other_id)
            else:
                report.touched_stories.add(ch.other_id)
                if ch.action == "split":  # a split opens its other story
                    report.new_stories.add(ch.other_id)
        # The stories that exist now and did not before: opened by a batch or a split and not emptied since
        # (asked of the stories this ingest touched only, not of the whole store).
        live = set(self.store.story_members_of(sorted(report.touched_stories | report.new_stories)))
        report.new_stories &= live
        report.touched_stories = (report.touched_stories & live) | report.new_stories
        for r in report.results:
            if r.status in ("stored", "known") and r.story_id is None:
                m = self.store.membership(r.duplicate_of or r.id or "")
                r.story_id = m["story_id"] if m else None
        return report

    def finish_passes(self) -> list[StoryChange]:
        """Run the merge/split/reassign pass over the stories committed batches touched and have not had it
        yet (recorded in the store with each batch); return its changes.

        The pass and the clearing of what was owed commit together, so an ingest killed between a batch's
        commit and the pass leaves the work owed: the next ingest finishes it with its own pass, at its end,
        as an uninterrupted run of the same inputs would have; any other writer finishes it first.
        """
        if not self.store.owed_passes():
            return []
        try:
            # the store's write lock from before the clusterer catches up with other writers to the commit
            with self.store.transaction():
                owed = self.store.owed_passes()
                c = self.clusterer
                changes = self.merger.run(c, owed) if owed and hasattr(c, "story_ids") else []
                self._apply(changes)
                self.store.clear_owed_passes()
                if owed:
                    self.store.journal_append("pass", sorted(owed))
        except BaseException:
            if self._own_clusterer:
                self._clusterer = None  # it may hold changes the store never took
            raise
        return changes

    def ingest_batch(self, docs: Sequence[RawDocument], report: IngestReport | None = None) -> IngestReport:
        """Run ``docs`` through the steps as one batch (one transaction) without the pass it owes; return
        ``report`` with what it did added. ``ingest_documents`` is batches then the pass; a replay of the
        journal (``pipeline.replay``) runs them as they were committed."""
        report = report or IngestReport()
        report.read += len(docs)
        if docs:
            self._check_encoder()
        self._batch(docs, report)
        return report

    def _batch(self, docs: Sequence[RawDocument], report: IngestReport) -> None:
        """Run one batch through the steps (one transaction) and add what it did to ``report``."""
        if self.line_memory is not None:
            self.line_memory.begin()
        try:
            # One writer at a time: the store's write lock is held from before the record steps look for what
            # is stored and the clusterer catches up with what other processes committed, to the batch's commit.
            with self.store.transaction():
                b = self.executor.run(self.record_steps, self.batch_steps, Batch(docs))
        except BaseException:
            if self._own_clusterer:
                self._clusterer = None  # it may hold articles the rolled-back batch never stored
            raise
        for dup in b.known:
            report.know(dup)
        for rej in b.rejected:
            report.reject(rej)
        report.embedded += b.embedded
        for a, asg in zip(b.articles, b.assignments, strict=True):
            if asg.new_story:
                report.new_stories.add(asg.story_id)
            report.touched_stories.add(asg.story_id)
            report.stored.append(a.id)
            report.results.append(RecordResult(a.origin, a.id, "stored", None))

    def save_learned(self, assignments: Sequence[Any]) -> None:
        """Persist what the clusterer learned with ``assignments`` (signals, totals, turned copies, working-set
        pins) and refresh the headlines of their stories; inside the batch's transaction."""
        self._save_state(self.clusterer, [a.article_id for a in assignments])
        # the batch stays out of the nearest-neighbour graph until the next one; a restart does the same
        self.store.set_setting("index_pending", str(len(assignments)))
        self._record_turned_copies(assignments)
        self._cover()
        self._refresh_headlines({a.story_id for a in assignments})

    def fit_working_set(self, signals: Sequence[Any]) -> None:
        """Advance the working set's horizon and pin what late articles need, before they are learned."""
        if not self._own_clusterer:
            return
        held = self.clusterer.assignments()
        moved = self.working.advance(held)
        if self.working.late(signals) or moved:
            self._clusterer = None  # restored with the new working set on next use

    def _cover(self) -> None:
        """Pin what the clusterer holds beyond the saved working set (inside the writing transaction)."""
        if self._own_clusterer and self._clusterer is not None:
            self.working.cover(self._clusterer.assignments())

    def _ensure_held(self, article_ids: Iterable[str]) -> None:
        """Bring the stories of ``article_ids`` into the working set (a correction of an older story)."""
        if not self._own_clusterer:
            return
        held = self.clusterer.assignments()
        if any(a not in held for a in article_ids) and self.working.pin(article_ids):
            self._clusterer = None

    def _record_turned_copies(self, assignments: Iterable[Any]) -> None:
        """Mark stored articles as copies of an arrival published before them that they reproduce (an
        assignment's ``turned_copy``)."""
        turned = {a.turned_copy: a.article_id for a in assignments if getattr(a, "turned_copy", None)}
        for copy, original in turned.items():
            m = self.store.membership(copy)
            o = self.store.membership(original)
            if m is None or o is None:
                continue
            rel = {k: o["evidence"].get(k) for k in ("copy_kind", "copy_similarity")}
            self.store.assign(copy, m["story_id"], score=m["score"],
                              evidence={**m["evidence"], "reason": "copy", "copy_of": original, **rel,
                                        "original_arrived_later": True})
            self.store.record_changes([feed.copy(copy, original, m["story_id"])])

    # -- keeping the store in step with the clusterer -------------------------------------------
    def _refresh_headlines(self, story_ids: Iterable[str]) -> None:
        for sid in story_ids:
            members = self.store.story_members(sid)
            if not members:
                if self.store.story_exists(sid):
                    self.store.delete_story(sid)
                    into = self.store.resolve_story(sid)
                    self.store.record_changes([feed.removed(sid, into if into != sid else None)])
                continue
            originals = [m for m in members if not m["copy_of"]] or members
            self.store.upsert_story(sid, originals[0]["title"])

    def _apply(self, changes: Sequence[StoryChange], *, by: str = "merge pass") -> None:
        """Write merges, splits and moves made in the clusterer to the store, with redirects and audit entries."""
        if not changes:
            return
        with self.store.transaction():
            touched: set[str] = set()
            for ch in changes:
                target = ch.story_id if ch.action == "merge" else ch.other_id
                if not self.store.story_exists(target):
                    self.store.upsert_story(target, "")  # headline set below
                    first = self.store.get_article(ch.articles[0]).title if ch.articles else ""
                    self.store.record_changes([feed.created(target, first, by)])
                for aid in ch.articles:
                    m = self.store.membership(aid) or {"score": None, "evidence": {}}
                    ev = dict(m["evidence"])
                    ev["moved"] = {"by": by, "action": ch.action, "from": ch.other_id if ch.action == "merge"
                                   else ch.story_id, "set_score": ch.as_dict()["score"]}
                    self.store.assign(aid, target, score=m["score"], evidence=ev)
                touched |= {ch.story_id, ch.other_id}
                self.store.record_changes(_pass_changes(ch, by))
                if ch.action == "merge":
                    self.store.add_redirect(ch.other_id, ch.story_id)
                elif ch.action == "move" and not self.store.story_members(ch.story_id):
                    self.store.add_redirect(ch.story_id, ch.other_id)  # its only article joined another story
                self.store.audit(ch.action, ch.story_id, {**ch.as_dict(), "by": by})
            self._refresh_headlines(touched)
            self._cover()

    # -- corrections ----------------------------------------------------------------------------
    def _story_of(self, article_id: str) -> str:
        m = self.store.membership(article_id)
        if m is None:
            raise NotFound(f"no article with id {article_id!r}")
        return m["story_id"]

    def link(self, a: str, b: str) -> str:
        """Put articles ``a`` and ``b`` in one story (``b`` joins ``a``'s) and remember it; return the story id."""
        self.finish_passes()
        sa, sb = self._story_of(a), self._story_of(b)
        if a == b:
            raise ConstraintError("an article is always in its own story")
        self._ensure_held([a, b])
        c = self.clusterer
        with self.store.transaction():
            self.store.add_constraint("link", a, b)
            c.add_constraint("link", a, b)
            if sa != sb:
                c.move(b, sa)
                m = self.store.membership(b) or {"evidence": {}}
                self.store.assign(b, sa, score=1.0, evidence={**m["evidence"], "reason": "linked by a user",
                                                               "linked_to": a})
                self.store.record_changes([feed.moved(b, sb, sa, "link")])
                self._refresh_headlines({sa, sb})
            self.store.audit("link", sa, {"articles": [a, b], "from": sb})
            self.store.record_changes([feed.correction("link", sa, articles=[a, b], **{"from": sb})])
            self._cover()
        return sa

    def unlink(self, a: str) -> str:
        """Take article ``a`` out of its story into a story of its own, and keep it out; return the new id."""
        self.finish_passes()
        old = self._story_of(a)
        self._ensure_held([a])
        c = self.clusterer
        others = [m for m in c.members(old) if m != a]
        if not others:
            raise ConstraintError(f"article {a!r} is alone in its story already")
        # when ``a`` founded a live story (this one or another, held or not), that keeps its id
        new = c.free_story_id([a], taken=self.store.story_exists)
        with self.store.transaction():
            for o in others:
                self.store.add_constraint("unlink", a, o)
                c.add_constraint("unlink", a, o)
            c.move(a, new)
            title = self.store.get_article(a).title
            if not self.store.story_exists(new):
                self.store.record_changes([feed.created(new, title, "unlink")])
            self.store.upsert_story(new, title)
            m = self.store.membership(a) or {"evidence": {}}
            self.store.assign(a, new, score=None, evidence={**m["evidence"], "reason": "unlinked by a user",
                                                            "unlinked_from": old})
            self.store.record_changes([feed.moved(a, old, new, "unlink")])
            self._refresh_headlines({old, new})
            self.store.audit("unlink", old, {"article": a, "new_story": new})
            self.store.record_changes([feed.correction("unlink", old, article=a, new_story=new)])
            self._cover()
        return new

    def split(self, story_id: str) -> list[str]:
        """Split a story into its two most separate groups, kept apart from now on; return both ids."""
        self.finish_passes()
        story_id = self.store.resolve_story(story_id)
        self._ensure_held([m["id"] for m in self.store.story_members(story_id)[:1]])
        c = self.clusterer
        if not c.has_story(story_id):
            raise NotFound(f"no story with id {story_id!r}")
        if len(c.members(story_id)) < 2:
            raise ConstraintError(f"story {story_id!r} has one article; nothing to split")
        changes = self.merger.split(c, [story_id], force=True)
        with self.store.transaction():
            for ch in changes:
                for x in ch.articles:
                    for y in c.members(story_id):
                        self.store.add_constraint("unlink", x, y)
                        c.add_constraint("unlink", x, y)
            self._apply(changes, by="user split")
            self.store.record_changes([feed.correction("split", story_id,
                                                       new_stories=[ch.other_id for ch in changes])])
        return [story_id] + [ch.other_id for ch in changes]

    # -- switching encoder ----------------------------------------------------------------------
    def reembed(self, *, progress: Progress | None = None) -> dict[str, Any]:
        """Embed every stored article with this pipeline's encoder, make it the store's encoder, and recluster.

        Vectors already cached for this encoder are reused; the old encoder's vectors stay in the
        store, so switching back costs nothing.
        """
        articles = list(self.store.iter_articles())
        todo = self.extractor.pending(articles)
        if progress:
            progress("read", todo)
        before = self.cache.embedded
        signals = self.extractor.extract(articles, progress=(lambda n: progress("done", n)) if progress else None)
        previous = self.store.get_setting("encoder")
        with self.store.transaction():
            self.store.put_signals(signals)  # the new encoder's vectors; centred below
            self.store.set_setting("encoder", self.encoder.fingerprint)
            self.store.set_setting("encoder_name", self.encoder.name)
            self.store.audit("reembed", None, {"from": previous, "to": self.encoder.fingerprint,
                                               "embedded": self.cache.embedded - before})
        self._clusterer = None
        result = self.recluster()
        return {"embedded": self.cache.embedded - before, "from": previous, "to": self.encoder.fingerprint, **result}

    # -- recluster ------------------------------------------------------------------------------
    def recluster(self, *, progress: Progress | None = None) -> dict[str, Any]:
        """Rebuild every story from stored embeddings (nothing re-embedded), keeping ids where membership holds."""
        self._check_encoder()
        if self.store.signals_outdated():
            self.upgrade_signals()
        rows = self.store.article_rows()
        fresh, assignments, changes = self._cluster_afresh(rows, progress)
        old_of = {r["id"]: r["story_id"] for r in rows}
        final, rename = _final_ids(fresh.assignments(), old_of)
        fresh.relabel(final)
        moved = [aid for aid in final if final[aid] != old_of.get(aid)]
        with self.store.transaction():
            self._record_turned_copies(assignments)  # in publication order a copy seldom comes first, but it can
            self._write_moves(final, old_of, moved)
            self._save_state(fresh, list(final), replace=True)  # centred anew, in publication order
            self.store.set_setting("index_pending", "0")
            self.store.clear_owed_passes()  # the pass over every story above covers what was owed
            self.store.audit("recluster", None, {"articles": len(final), "moved": len(moved),
                                                 "stories": len(set(final.values())),
                                                 "merges_and_splits": [c.as_dict() for c in changes]})
            self.store.record_changes([feed.recluster({"articles": len(final), "moved": len(moved),
                                                       "stories": len(set(final.values()))})])
        self._clusterer = None if self._own_clusterer else fresh  # ours holds the working set only
        return {"articles": len(final), "moved": len(moved), "stories": len(set(final.values())),
                "kept_ids": len(rename)}

    def recluster_range(self, since: str | date | None = None, until: str | date | None = None, *,
                        undated: bool = False, progress: Progress | None = None) -> dict[str, Any]:
        """Rebuild only the stories of the articles published from ``since`` to ``until`` (days, both
        included; an end left out is open); return what changed, as ``recluster`` does.

        The range is widened to whole stories: every story with a member published (publication-grade date)
        in it is rebuilt with all its members, dated outside the range or undated; with ``undated``, so is
        every story with no publication-grade date at all. Those articles' persisted signals are clustered
        afresh, as ``recluster`` clusters a store of just them (same scorer, constraints and passes), and a
        story keeps its id when most of its members stay together. Every other story stays as it is, and
        an id a story outside has is never reused. The signal records and the clusterer's totals stay as
        they are: the same articles are in the store.
        """
        lo, hi = _day_range(since, until)
        self.finish_passes()
        self._check_encoder()
        if self.store.signals_outdated():
            self.upgrade_signals()
        rows = self.store.range_rows(lo, hi, undated=undated)
        fresh, assignments, changes = self._cluster_afresh(rows, progress)
        old_of = {r["id"]: r["story_id"] for r in rows}
        final, rename = _final_ids(fresh.assignments(), old_of, taken=self.store.story_exists)
        moved = [aid for aid in final if final[aid] != old_of.get(aid)]
        span = {"since": None if since is None else str(since), "until": None if until is None else str(until),
                "undated": undated}
        with self.store.transaction():
            self._record_turned_copies(assignments)
            self._write_moves(final, old_of, moved)
            self.store.audit("recluster", None, {**span, "articles": len(final), "moved": len(moved),
                                                 "stories": len(set(final.values())),
                                                 "merges_and_splits": [c.as_dict() for c in changes]})
            self.store.record_changes([feed.recluster({**span, "articles": len(final), "moved": len(moved),
                                                       "stories": len(set(final.values()))})])
        self._follow_moves(final, moved)
        return {"articles": len(final), "moved": len(moved), "stories": len(set(final.values())),
                "kept_ids": len(rename), **span}

    def _follow_moves(self, final: dict[str, str], moved: Sequence[str]) -> None:
        """Bring the clusterer in step with a range recluster's ``moved`` articles: ours is restored from the
        store on next use, one passed in moves them."""
        c = self._clusterer
        if self._own_clusterer or c is None:
            self._clusterer = None
            return
        held = c.assignments()
        for aid in moved:
            if aid in held:
                c.move(aid, final[aid])

    def _cluster_afresh(self, rows: list[dict[str, Any]], progress: Progress | None) -> tuple[Any, list[Any], list]:
        """Return a fresh clusterer that learned ``rows`` in publication order, its assignments and the changes
        of the merge/split pass after them."""
        if progress:
            progress("read", len(rows))
        signals = self.store.get_signals([r["id"] for r in rows])  # persisted at ingest: nothing recomputed
        # publication order, ingest order among equal dates (rows come in ingest order; sorted is stable)
        order = sorted(rows, key=lambda r: r["published"] or "9999")
        fresh = build_clusterer(self.encoder)
        fresh.set_constraints(self.constraints())
        assignments: list[Any] = []
        for i in range(0, len(order), self.batch_size):
            part = order[i : i + self.batch_size]
            assignments += fresh.learn_many([{"id": r["id"], "signals": signals[r["id"]]} for r in part])
            if progress:
                progress("done", len(part))
        return fresh, assignments, self.merger.run(fresh)

    def _write_moves(self, final: dict[str, str], old_of: dict[str, str | None], moved: list[str]) -> None:
        """Write the reclustered memberships of ``moved``, redirect the stories that are gone, refresh headlines."""
        for aid in moved:
            m = self.store.membership(aid) or {"score": None, "evidence": {}}
            if not self.store.story_exists(final[aid]):
                title = self.store.get_article(aid).title
                self.store.upsert_story(final[aid], title)
                self.store.record_changes([feed.created(final[aid], title, "recluster")])
            self.store.assign(aid, final[aid], score=m["score"],
                              evidence={**m["evidence"], "moved": {"by": "recluster", "from": old_of.get(aid)}})
            self.store.record_changes([feed.moved(aid, old_of.get(aid), final[aid], "recluster")])
        to_new: dict[str, Counter[str]] = {}  # old story -> where its members went
        for aid, old in old_of.items():
            if old:
                to_new.setdefault(old, Counter())[final[aid]] += 1
        gone = {s for s in old_of.values() if s} - set(final.values())
        for sid in gone:
            went = to_new[sid]
            self.store.add_redirect(sid, max(sorted(went), key=lambda k: went[k]))
        was = {o for a in moved if (o := old_of.get(a))}
        self._refresh_headlines({final[a] for a in moved} | was | gone)


def _pass_changes(ch: StoryChange, by: str) -> list[Any]:
    """Return the changes-feed entries of one change of a pass (or of a user split)."""
    if ch.action == "merge":
        return [feed.merged(ch.other_id, ch.story_id, ch.articles, by, ch.score)]
    if ch.action == "split":
        return [feed.split(ch.story_id, ch.other_id, ch.articles, by, ch.score)]
    return [feed.moved(aid, ch.story_id, ch.other_id, by) for aid in ch.articles]


def _day_range(since: str | date | None, until: str | date | None) -> tuple[float | None, float | None]:
    """Return the day numbers [lo, hi) of the days from ``since`` to ``until``, both included (None: open)."""
    def day(value: str | date, name: str) -> float:
        if isinstance(value, date):
            return float(value.toordinal())
        try:
            return float(date.fromisoformat(value.strip()).toordinal())
        except ValueError:
            raise InvalidArgument(f"{name} must be a date as YYYY-MM-DD, not {value!r}") from None

    lo = None if since is None else day(since, "since")
    hi = None if until is None else day(until, "until") + 1
    if lo is not None and hi is not None and hi <= lo:
        raise InvalidArgument(f"until ({until}) is before since ({since})")
    return lo, hi


def _final_ids(new_of: dict[str, str], old_of: dict[str, str | None], *,
               taken: Callable[[str], bool] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Return article id -> final story id, and the ids kept (``_kept_ids``). A story that keeps no old id
    but whose own id ``taken`` says is in use elsewhere (a story left out of a range recluster) gets the
    next id nobody has."""
    rename = _kept_ids(new_of, old_of)
    final = {aid: rename.get(sid, sid) for aid, sid in new_of.items()}
    if taken is None:
        return final, rename
    ours = {s for s in old_of.values() if s}
    members: dict[str, list[str]] = {}
    for aid, sid in final.items():
        members.setdefault(sid, []).append(aid)
    used = set(members)
    for sid, ms in members.items():
        if sid in rename.values() or sid in ours or not taken(sid):
            continue
        n = 1
        while (new := story_id_for(f"{ms[0]}\x00{n}")) in used or taken(new):
            n += 1
        used.add(new)
        final.update(dict.fromkeys(ms, new))
    return final, rename


def _kept_ids(new_of: dict[str, str], old_of: dict[str, str | None]) -> dict[str, str]:
    """Return new story id -> the old id it keeps: an old story that gave it most of its members."""
    sizes = Counter(new_of.values())
    from_old: dict[str, Counter[str]] = {}  # new story -> how many members each old story gave it
    for aid, sid in new_of.items():
        old = old_of.get(aid)
        if old:
            from_old.setdefault(sid, Counter())[old] += 1
    rename: dict[str, str] = {}
    used: set[str] = set()
    for sid in sorted(sizes, key=lambda k: (-sizes[k], k)):
        counts = from_old.get(sid, Counter())
        best = max(sorted(counts), key=lambda k: counts[k], default=None)
        if best and best not in used and counts[best] * 2 > sizes[sid]:
            rename[sid] = best
            used.add(best)
    return rename
