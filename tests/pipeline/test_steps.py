"""The ingest steps: one transaction per batch, what a batch learns included; a step may reject a record."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from babelwire.model import RawDocument
from babelwire.pipeline import Batch, Pipeline
from babelwire.store import Store

TEXT = """Harbour workers strike for a second day

Dock workers in Varna stayed away for a second day on Tuesday, the union said.
Ships queued outside the port while talks with the operator stalled again.
Subscribe to our newsletter
"""


def _raw(i: str, text: str = TEXT, source: str = "portnews") -> RawDocument:
    return RawDocument(id=i, source=source, origin=f"/x/{i}.txt", format="text",
                       read_at=datetime(2025, 1, 1, tzinfo=UTC), text=text, published="2025-01-07")


def test_a_record_step_may_reject_with_a_reason(tmp_path):
    with Store(tmp_path / "s.db") as store:
        p = Pipeline(store, encoder="fake")

        def no_b(raw: RawDocument, batch: Batch) -> bool:
            return raw.id != "b" or batch.reject(raw, "b is not wanted")

        p.record_steps.insert(0, no_b)
        report = p.ingest_documents([_raw("a"), _raw("b", TEXT.replace("second", "third"))])
        assert report.stored == ["a"]
        assert [(r.id, r.reason) for r in report.rejected] == [("b", "b is not wanted")]
        assert [(r.id, r.reason) for r in store.rejections()] == [("b", "b is not wanted")]


def test_a_failed_batch_leaves_nothing_it_learned(tmp_path, monkeypatch):
    with Store(tmp_path / "s.db") as store:
        p = Pipeline(store, encoder="fake")
        p.ingest_documents([_raw("a")])
        docs_before = store.line_documents("portnews")

        def broken(*a, **kw):
            raise RuntimeError("disk full")

        monkeypatch.setattr(store, "add_article", broken)
        with pytest.raises(RuntimeError):
            p.ingest_documents([_raw("dup-of-a"), _raw("c", TEXT.replace("Varna", "Burgas")), _raw("d", "")])
        assert store.line_documents("portnews") == docs_before  # the line memory rolled back with the batch
        assert store.rejections() == []
        assert store.db.execute("SELECT count(*) FROM duplicates").fetchone()[0] == 0


def test_line_memory_learns_only_from_stored_articles(tmp_path):
    with Store(tmp_path / "s.db") as store:
        p = Pipeline(store, encoder="fake")
        report = p.ingest_documents([_raw("a"), _raw("a-again"), _raw("c", TEXT.replace("Varna", "Burgas"))])
        assert report.stored == ["a", "c"] and [k.id for k in report.known] == ["a-again"]
        assert store.line_documents("portnews") == 2


def test_the_pipeline_notices_another_process_writing(tmp_path):
    db = tmp_path / "s.db"
    with Store(db) as store:
        p = Pipeline(store, encoder="fake")
        p.ingest_documents([_raw("a")])
        assert set(p.clusterer.assignments()) == {"a"}
        with Store(db) as other:  # another process ingests
            Pipeline(other, encoder="fake").ingest_documents([_raw("b", TEXT.replace("Varna", "Burgas"))])
        assert set(p.clusterer.assignments()) == {"a", "b"}


def test_a_bug_in_a_dedupe_step_rejects_that_record_alone(tmp_path, monkeypatch):
    with Store(tmp_path / "s.db") as store:
        p = Pipeline(store, encoder="fake")
        real = store.find_by_content
        burgas = _raw("c", TEXT.replace("Varna", "Burgas"))
        bad_hash = p.cleaner.clean(burgas).content_hash

        def find_by_content(h):
            if h == bad_hash:
                raise KeyError("index broken")
            return real(h)

        monkeypatch.setattr(store, "find_by_content", find_by_content)
        report = p.ingest_documents([_raw("a"), burgas, _raw("d", TEXT.replace("Varna", "Ruse"))])
        assert report.stored == ["a", "d"]  # the cleaned article of "c" went with its rejection
        (rej,) = report.rejected
        assert rej.id == "c" and rej.reason.startswith("KeyError: 'index broken' (at ")
        assert "test_steps.py:" in rej.reason
        assert [(r.id, r.reason) for r in store.rejections()] == [("c", rej.reason)]
        assert {r.id: r.status for r in report.results} == {"a": "stored", "c": "rejected", "d": "stored"}


def test_an_embedding_failure_is_rejected_in_the_batch_transaction(tmp_path, monkeypatch):
    with Store(tmp_path / "s.db") as store:
        p = Pipeline(store, encoder="fake")
        real = p.extractor.extract

        def extract(articles):
            if any(a.id == "c" for a in articles):
                raise RuntimeError("no vector")
            return real(articles)

        monkeypatch.setattr(p.extractor, "extract", extract)
        report = p.ingest_documents([_raw("a"), _raw("c", TEXT.replace("Varna", "Burgas"))])
        assert report.stored == ["a"]
        assert [(r.id, r.reason.split(" (at ")[0]) for r in store.rejections()] == [
            ("c", "could not embed: RuntimeError: no vector")]
        assert store.membership("a") is not None and store.membership("c") is None
