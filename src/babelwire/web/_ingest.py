"""Posted articles -> RawDocuments -> the pipeline, and what became of each (stored, known, rejected)."""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EncoderError, EncoderMismatch, MissingDependency
from ..model import RawDocument, Rejection, content_hash
from ..pipeline import IngestReport, RecordResult
from ..sources import max_article_bytes, read_path
from ..sources._readers import record_to_document
from ..store import Store
from ..views import article_json

if TYPE_CHECKING:
    from ._writer import LocalWriter

__all__ = ["Batch", "FIELDS", "batch_from_records", "batch_from_upload", "field_problem", "json_type", "run_batch"]

log = logging.getLogger(__name__)

# The fields a posted article may carry (the JSONL record's columns).
FIELDS = ("id", "text", "html", "title", "url", "source", "lang", "published")
_SAFE_NAME = re.compile(r"[^\w.-]+", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Longest accepted value of a posted field, in characters (text and html: the article limit, in bytes).
LIMITS = {"id": 2048, "url": 8192, "title": 4096, "source": 512, "lang": 64, "published": 64}
# Failures of the whole server, not of any one posted item.
_NOT_PER_ITEM = (EncoderMismatch, EncoderError, MissingDependency)


@dataclass(slots=True)
class Batch:
    """Documents to ingest, and the inputs already rejected or skipped while reading them.

    ``order`` holds the documents and rejections in the order they were posted (results follow it).
    """

    documents: list[RawDocument] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    skipped: list[Rejection] = field(default_factory=list)
    order: list[RawDocument | Rejection] = field(default_factory=list)

    def extend(self, other: Batch) -> None:
        self.documents += other.documents
        self.rejected += other.rejected
        self.skipped += other.skipped
        self.order += other.order

    def add(self, item: RawDocument | Rejection) -> None:
        (self.documents if isinstance(item, RawDocument) else self.rejected).append(item)  # type: ignore[arg-type]
        self.order.append(item)


def json_type(value: Any) -> str:
    """Return the JSON name of a parsed value's type (object, array, string, number, boolean, null)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    return "array" if isinstance(value, list | tuple) else type(value).__name__


def field_problem(rec: Mapping[str, Any]) -> str | None:
    """Return why a posted record's fields are unusable (wrong type, empty id, too long…), or None."""
    for name in FIELDS:
        value = rec.get(name)
        if value is None or value == "":  # absent (forms send every field, empty ones blank)
            continue
        if name == "id":
            if isinstance(value, bool) or not isinstance(value, str | int):
                return f"'id' must be a string, not a JSON {json_type(value)}"
            text = str(value)
            if not text.strip():
                return "'id' is blank"
            if _CONTROL.search(text):
                return "'id' holds control characters"
        elif not isinstance(value, str):
            return f"'{name}' must be a string, not a JSON {json_type(value)}"
        else:
            text = value
        if not _is_unicode(text):
            return f"'{name}' holds a lone surrogate (\\ud800-\\udfff escapes that pair with nothing): not Unicode text"
        limit = LIMITS.get(name)
        if limit is not None and len(text) > limit:
            return f"'{name}' is longer than {limit} characters"
    return None


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def batch_from_records(records: Sequence[Any], *, origin: str, max_article_mb: float | None = None) -> Batch:
    """Return the batch for posted JSON records (or form fields); unusable ones become rejections with the reason.

    A record whose ``text`` and ``html`` together are over ``max_article_mb`` MiB (default 5) in
    UTF-8 is rejected, as ``babelwire ingest`` rejects such a JSONL line.
    """
    batch = Batch()
    max_bytes = max_article_bytes(max_article_mb)
    for n, rec in enumerate(records, 1):
        where = f"{origin}#{n}" if len(records) > 1 else origin
        if not isinstance(rec, Mapping):
            batch.add(Rejection(where, f"record is a JSON {json_type(rec)}, not an object"))
            continue
        rid = rec.get("id")
        shown_id = str(rid) if isinstance(rid, str | int) and not isinstance(rid, bool) and str(rid) else None
        problem = field_problem(rec)
        if problem:
            batch.add(Rejection(where, problem, id=None if problem.startswith("'id'") else shown_id))
            continue
        body_bytes = sum(len(rec[f].encode("utf-8")) for f in ("text", "html") if isinstance(rec.get(f), str))
        if body_bytes > max_bytes:
            batch.add(Rejection(where, f"record is over the {max_bytes / 1048576:g} MB article limit "
                                       "(--max-article-mb)", id=shown_id))
            continue
        rec = {k: v for k, v in rec.items() if v is not None and v != ""}
        try:
            body = rec.get("text") or rec.get("html") or ""
            fallback = "web-" + content_hash(str(body))[:16]
            doc = record_to_document(rec, origin=where, path=Path("web") / "post", fmt="web", fallback_id=fallback)
        except Exception as exc:  # noqa: BLE001 - whatever one record does, it is that record's rejection
            reason = str(exc) if type(exc) is ValueError else f"unreadable record ({type(exc).__name__})"
            batch.add(Rejection(where, reason, id=shown_id))
            continue
        batch.add(doc)
    return batch


def batch_from_upload(
    filename: str, data: bytes, *, source: str | None = None, max_article_mb: float | None = None
) -> Batch:
    """Return the batch read from an uploaded file, by the same readers as ``babelwire ingest``.

    The file's source is ``source`` (else ``upload``) unless its content names an outlet's URL;
    origins read ``upload:NAME``. A file (or JSONL/CSV record) over ``max_article_mb`` MiB
    (default 5) is rejected with the readers' reason, as ``babelwire ingest`` rejects it.
    """
    name = _SAFE_NAME.sub("_", Path(filename or "upload.txt").name).strip("._") or "upload.txt"
    folder = _SAFE_NAME.sub("_", source or "upload").strip("._") or "upload"
    with tempfile.TemporaryDirectory(prefix="babelwire-upload-") as tmp:
        path = Path(tmp) / folder / name
        path.parent.mkdir()
        path.write_bytes(data)
        result = read_path(path, max_article_mb=max_article_mb)
    prefix = str(path)
    batch = Batch(result.documents, result.rejected, result.skipped, [*result.documents, *result.rejected])
    items: list[RawDocument | Rejection] = [*batch.documents, *batch.rejected, *batch.skipped]
    for item in items:
        if item.origin.startswith(prefix):
            item.origin = "upload:" + name + item.origin[len(prefix):]
    return batch


def run_batch(writer: LocalWriter, batch: Batch) -> tuple[int, dict[str, Any]]:
    """Ingest ``batch`` through the pipeline; return the HTTP status and ``{"results", "report"}``.

    Each posted item has one result, in the order posted: ``{"index", "status": "stored" |
    "already_known" | "rejected", "id", "origin", "reason", "article", "story"}``. The status is
    201 when every item was stored, else 207 (multi-status). A failure while ingesting does not
    fail the request: the batch is retried item by item and each item that fails is rejected.
    (The pipeline already rejects a record that fails in cleaning, embedding or scoring on its own;
    the retry covers what fails for a whole batch, such as its store writes.)
    """
    store = writer.store
    with writer.write_lock:
        report = IngestReport()
        for r in batch.rejected:
            report.reject(r)
        for r in batch.skipped:
            report.skip(r)
        with store.transaction():
            for r in batch.rejected:
                store.add_rejection(r)
        _ingest(writer, batch.documents, report)
        report.read = len(batch.documents) + len(batch.rejected)
        results = _results(writer, batch, report)
    everything_stored = bool(results) and all(r["status"] == "stored" for r in results)
    return (201 if everything_stored else 207), {"results": results, "report": report.as_dict()}


def _ingest(writer: LocalWriter, docs: Sequence[RawDocument], report: IngestReport) -> None:
    """Ingest ``docs`` into ``report``; when the batch fails, retry one by one, rejecting each item that fails.

    Call with the write lock held. Errors of the whole server (the encoder, a missing dependency)
    are not any item's fault: they propagate.
    """
    if not docs:
        return
    store = writer.store
    before = {d.id for d in docs if store.has_article(d.id)}
    try:
        _ingest_once(writer, docs, report)
        return
    except _NOT_PER_ITEM:
        raise
    except Exception:  # noqa: BLE001 - one bad item must not cost the others
        if len(docs) == 1:
            _reject_failed(store, docs[0], report)
            return
        log.warning("ingesting %d posted documents failed; retrying them one by one", len(docs), exc_info=True)
    seen: set[str] = set()
    for doc in docs:
        if doc.id not in before and doc.id not in seen and store.has_article(doc.id):
            report.stored.append(doc.id)  # committed by the first try before it failed
            membership = store.membership(doc.id)
            report.results.append(RecordResult(doc.origin, doc.id, "stored",
                                               story_id=membership["story_id"] if membership else None))
            if membership:
                report.touched_stories.add(membership["story_id"])
        else:
            try:
                _ingest_once(writer, [doc], report)
            except _NOT_PER_ITEM:
                raise
            except Exception:  # noqa: BLE001
                _reject_failed(store, doc, report)
        seen.add(doc.id)


def _ingest_once(writer: LocalWriter, docs: Sequence[RawDocument], report: IngestReport) -> None:
    attempt = IngestReport()
    ok = False
    try:
        writer.pipeline().ingest_documents(docs, report=attempt)
        ok = True
    finally:
        writer.written(ok)  # a failed write drops the pipeline: its clusterer may hold what was rolled back
    report.stored += attempt.stored
    report.known += attempt.known
    report.rejected += attempt.rejected
    report.skipped += attempt.skipped
    report.new_stories |= attempt.new_stories
    report.touched_stories |= attempt.touched_stories
    report.embedded += attempt.embedded
    report.results += attempt.results


def _reject_failed(store: Store, doc: RawDocument, report: IngestReport) -> None:
    log.exception("ingesting posted document %r (%s) failed", doc.id, doc.origin)
    rejection = Rejection(doc.origin, "could not be stored: the pipeline failed on this item (details in the "
                                      "server log)", id=doc.id)
    report.reject(rejection)
    try:
        with store.transaction():
            store.add_rejection(rejection)
    except Exception:  # noqa: BLE001 - the answer matters more than the record of it
        log.warning("could not record the rejection of %r", doc.id, exc_info=True)


def _results(writer: LocalWriter, batch: Batch, report: IngestReport) -> list[dict[str, Any]]:
    store = writer.store
    stored = set(report.stored)
    known = {d.id: d for d in report.known}
    rejected_by_id = {r.id: r for r in report.rejected if r.id}
    out: list[dict[str, Any]] = []
    claimed: set[str] = set()
    for index, item in enumerate(batch.order):
        result: dict[str, Any] = {"index": index, "status": "rejected", "id": item.id, "origin": item.origin,
                                  "reason": None, "article": None, "story": None}
        out.append(result)
        if isinstance(item, Rejection):
            result["reason"] = item.reason
            continue
        if item.id in stored and item.id not in claimed:
            result["status"] = "stored"
            target = item.id
        elif item.id in known or item.id in claimed:
            dup = known.get(item.id)
            result["status"] = "already_known"
            result["reason"] = dup.reason if dup else "same id already stored"
            target = dup.duplicate_of if dup else item.id
        else:
            rej = rejected_by_id.get(item.id)
            result["reason"] = rej.reason if rej else "not stored"
            continue
        claimed.add(item.id)
        try:
            result["article"] = article_json(store, target)
            if result["article"]["story_id"]:
                result["story"] = store.story(result["article"]["story_id"])
        except Exception:  # noqa: BLE001 - it is stored; only its echo failed
            log.warning("could not read back posted article %r", target, exc_info=True)
    return out
