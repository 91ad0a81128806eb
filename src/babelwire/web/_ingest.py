"""Posted articles -> RawDocuments -> the pipeline, and what became of each (stored, known, rejected)."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import RawDocument, Rejection, content_hash
from ..pipeline import IngestReport
from ..sources import read_path
from ..sources._readers import record_to_document
from ..views import article_json
from ._state import WebState

__all__ = ["Batch", "FIELDS", "batch_from_records", "batch_from_upload", "run_batch"]

# The fields a posted article may carry (the JSONL record's columns).
FIELDS = ("id", "text", "html", "title", "url", "source", "lang", "published")
_SAFE_NAME = re.compile(r"[^\w.-]+", re.UNICODE)


@dataclass(slots=True)
class Batch:
    """Documents to ingest, and the inputs already rejected or skipped while reading them."""

    documents: list[RawDocument] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    skipped: list[Rejection] = field(default_factory=list)

    def extend(self, other: Batch) -> None:
        self.documents += other.documents
        self.rejected += other.rejected
        self.skipped += other.skipped


def batch_from_records(records: Sequence[Any], *, origin: str) -> Batch:
    """Return the batch for posted JSON records (or form fields); unusable ones become rejections."""
    batch = Batch()
    for n, rec in enumerate(records, 1):
        where = f"{origin}#{n}" if len(records) > 1 else origin
        if not isinstance(rec, Mapping):
            batch.rejected.append(Rejection(where, f"record is a JSON {type(rec).__name__}, not an object"))
            continue
        rec = {k: v for k, v in rec.items() if v not in (None, "")}
        body = rec.get("text") or rec.get("html") or ""
        fallback = "web-" + content_hash(str(body))[:16]
        try:
            doc = record_to_document(rec, origin=where, path=Path("web") / "post", fmt="web", fallback_id=fallback)
        except ValueError as exc:
            batch.rejected.append(Rejection(where, str(exc), id=str(rec["id"]) if rec.get("id") else None))
            continue
        batch.documents.append(doc)
    return batch


def batch_from_upload(filename: str, data: bytes, *, source: str | None = None) -> Batch:
    """Return the batch read from an uploaded file, by the same readers as ``babelwire ingest``.

    The file's source is ``source`` (else ``upload``) unless its content names an outlet's URL;
    origins read ``upload:NAME``.
    """
    name = _SAFE_NAME.sub("_", Path(filename or "upload.txt").name).strip("._") or "upload.txt"
    folder = _SAFE_NAME.sub("_", source or "upload").strip("._") or "upload"
    with tempfile.TemporaryDirectory(prefix="babelwire-upload-") as tmp:
        path = Path(tmp) / folder / name
        path.parent.mkdir()
        path.write_bytes(data)
        result = read_path(path)
    prefix = str(path)
    batch = Batch(result.documents, result.rejected, result.skipped)
    items: list[RawDocument | Rejection] = [*batch.documents, *batch.rejected, *batch.skipped]
    for item in items:
        if item.origin.startswith(prefix):
            item.origin = "upload:" + name + item.origin[len(prefix):]
    return batch


def run_batch(state: WebState, batch: Batch) -> tuple[int, dict[str, Any]]:
    """Ingest ``batch`` through the pipeline; return the HTTP status and ``{"results", "report"}``.

    Each result is ``{"status": "stored" | "already_known" | "rejected", "id", "origin", "reason",
    "article", "story"}``. The status is 201 when something was stored, 200 when all was known, and
    422 when nothing could be used.
    """
    store = state.writer
    with state.write_lock:
        report = IngestReport(rejected=list(batch.rejected), skipped=list(batch.skipped))
        ok = False
        try:
            with store.transaction():
                for r in batch.rejected:
                    store.add_rejection(r)
            state.pipeline().ingest_documents(batch.documents, report=report)
            ok = True
        finally:
            state.written(ok)
        results = _results(state, batch, report)
    if report.stored:
        status = 201
    elif report.known:
        status = 200
    else:
        status = 422
    return status, {"results": results, "report": report.as_dict()}


def _results(state: WebState, batch: Batch, report: IngestReport) -> list[dict[str, Any]]:
    store = state.writer
    stored = set(report.stored)
    known = {d.id: d for d in report.known}
    rejected_by_id = {r.id: r for r in report.rejected if r.id}
    out: list[dict[str, Any]] = []
    for doc in batch.documents:
        item: dict[str, Any] = {"status": "rejected", "id": doc.id, "origin": doc.origin, "reason": None,
                                "article": None, "story": None}
        if doc.id in stored:
            item["status"] = "stored"
            target = doc.id
        elif doc.id in known:
            item["status"] = "already_known"
            item["reason"] = known[doc.id].reason
            target = known[doc.id].duplicate_of
        else:
            rej = rejected_by_id.get(doc.id)
            item["reason"] = rej.reason if rej else "not stored"
            out.append(item)
            continue
        item["article"] = article_json(store, target)
        if item["article"]["story_id"]:
            item["story"] = store.story(item["article"]["story_id"])
        out.append(item)
    for r in batch.rejected:
        out.append({"status": "rejected", "id": r.id, "origin": r.origin, "reason": r.reason,
                    "article": None, "story": None})
    return out
