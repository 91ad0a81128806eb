"""The web app's writers: in this process (LocalWriter) or in a writer process of its own (RemoteWriter),
answering every batch the same way; a writer process that dies is restarted and no batch is half-stored."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from babelwire.errors import StoreUnavailable
from babelwire.signals import get_encoder
from babelwire.store import Store
from babelwire.web import create_app
from babelwire.web._ingest import batch_from_records
from babelwire.web._writer import LocalWriter, RemoteWriter, Writer, WriterProcess

from .conftest import CORPUS, TOKEN, ASGIClient, auth

# Batches as the API would receive them: good records, one a copy of an earlier id, one with bad fields.
BATCHES = [
    CORPUS[:4],
    [*CORPUS[4:], {"id": "call-bg", "text": "already stored under this id"}, {"id": "bad", "url": 7, "text": "x"}],
    [{"id": "extra", "lang": "en", "title": "Lagarde keeps rates at zero in Frankfurt",
      "text": "Christine Lagarde of the ECB kept interest rates at zero in Frankfurt; inflation stays high."}],
]


@pytest.fixture
def writer_process(tmp_path: Path) -> Iterator[WriterProcess]:
    db = str(tmp_path / "remote.db")
    Store(db).close()
    proc = WriterProcess(db, encoder="fake", threads=1)
    proc.start()
    yield proc
    proc.stop()


def _remote(proc: WriterProcess, wait: float = 60.0) -> RemoteWriter:
    return RemoteWriter(proc.address, proc.key, wait=wait)


def _answers(writer: Writer) -> list[tuple[int, dict]]:
    out = []
    for records in BATCHES:
        status, body = writer.ingest(batch_from_records(records, origin="web:json"))
        out.append((status, body))
    return out


def test_local_and_remote_writers_answer_alike(tmp_path, writer_process):
    db = str(tmp_path / "local.db")
    with Store(db) as store:
        local = _answers(LocalWriter(store, lambda: get_encoder("fake")))
    remote_writer = _remote(writer_process)
    try:
        remote = _answers(remote_writer)
    finally:
        remote_writer.close()
    assert [s for s, _ in local] == [s for s, _ in remote] == [201, 207, 201]
    assert [b["results"] for _, b in local] == [b["results"] for _, b in remote]
    assert [b["report"] for _, b in local] == [b["report"] for _, b in remote]
    with Store(db) as a, Store(writer_process.store_path) as b:
        assert a.stories() == b.stories()


def test_a_killed_writer_is_restarted_and_the_next_batch_is_stored(writer_process):
    writer = _remote(writer_process)
    try:
        assert writer.ingest(batch_from_records(CORPUS[:2], origin="web:json"))[0] == 201
        os.kill(writer_process.pid, signal.SIGKILL)
        time.sleep(0.3)  # gone, not yet restarted
        status, body = writer.ingest(batch_from_records(CORPUS[2:4], origin="web:json"))  # waits for the restart
        assert status == 201 and [r["status"] for r in body["results"]] == ["stored", "stored"]
        assert writer_process.restarts == 1
    finally:
        writer.close()
    with Store(writer_process.store_path) as store:
        assert sorted(r["id"] for r in store.article_rows()) == sorted(r["id"] for r in CORPUS[:4])


def test_no_writer_is_a_named_error_not_a_hang(tmp_path):
    writer = RemoteWriter(str(tmp_path / "nobody.sock"), b"k" * 32, wait=0.3)
    t = time.monotonic()
    with pytest.raises(StoreUnavailable, match="does not answer"):
        writer.ingest(batch_from_records(CORPUS[:1], origin="web:json"))
    assert time.monotonic() - t < 30


def test_a_wrong_key_is_refused(writer_process):
    writer = RemoteWriter(writer_process.address, b"x" * 32, wait=5)
    with pytest.raises(StoreUnavailable, match="refused"):
        writer.ingest(batch_from_records(CORPUS[:1], origin="web:json"))
    with Store(writer_process.store_path) as store:
        assert store.article_count() == 0


def test_the_api_posts_through_the_writer_process_and_reads_what_it_wrote(writer_process, monkeypatch):
    monkeypatch.setenv("BABELWIRE_WRITER_KEY", writer_process.key.hex())
    app = create_app(writer_process.store_path, encoder="fake", token=TOKEN, writer_address=writer_process.address)
    try:
        assert isinstance(app.state.babelwire.ingester, RemoteWriter)
        c = ASGIClient(app)
        assert c.get("/api/stories").json() == []
        r = c.post("/api/articles", json=CORPUS, headers=auth())
        assert r.status_code == 201, r.text
        listed = c.get("/api/stories").json()  # written by the other process, seen at once
        assert sum(s["article_count"] for s in listed) == len(CORPUS)
        os.kill(writer_process.pid, signal.SIGKILL)
        time.sleep(0.3)
        r = c.post("/api/articles", json=BATCHES[2], headers=auth())
        assert r.status_code == 201 and r.json()["results"][0]["status"] == "stored"
        assert c.get("/api/articles/extra").status_code == 200
    finally:
        app.state.babelwire.close()
