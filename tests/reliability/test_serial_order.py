"""Two ingest processes and a server taking posts write one store together (SQLite, and PostgreSQL); replaying its journal (the batches and
passes in the order they committed) in one process gives the very same stories: taking turns decides nothing
differently from a serial run of the same input in the same order."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest
from crash_corpus import split_wire, write_wire
from test_crash import _env

from babelwire.pipeline import Pipeline, replay
from babelwire.signals.encoders import get_encoder
from babelwire.sources import iter_files, read_path
from babelwire.store import Store, open_store
from babelwire.web._ingest import batch_from_records

TOKEN = "serial-order-token"
POSTS = 8  # requests, of POST_SIZE records each, while the ingests run
POST_SIZE = 12


def _free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(url: str, payload: object | None = None) -> tuple[int, dict]:
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(url, data=data, method="GET" if data is None else "POST",
                                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def _serve(db: str, port: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "babelwire.cli", "serve", "--db", db, "--port", str(port)]
    proc = subprocess.Popen(cmd, env={**_env(), "BABELWIRE_TOKEN": TOKEN}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1]
        try:
            if _request(f"http://127.0.0.1:{port}/api/stories?limit=1")[0] == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("the server did not start")


def _ingest(db: str, *paths: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "babelwire.cli", "ingest", *map(str, paths), "--db", db, "-q"]
    return subprocess.Popen(cmd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _sql(store, query: str) -> list[tuple]:
    return store.db.execute(query).fetchall() if hasattr(store, "db") else store._q(query).fetchall()


def _memberships(db: str) -> dict[str, tuple[str, str]]:
    """Return each stored article's story id and headline, checking each article is in exactly one story."""
    with open_store(db) as store:
        if hasattr(store, "db"):  # SQLite
            assert _sql(store, "PRAGMA integrity_check") == [("ok",)]
        assert store.owed_passes() == set()
        ids = [r[0] for r in _sql(store, "SELECT id FROM articles")]
        rows = _sql(store, "SELECT m.article_id, s.id, s.headline FROM memberships m JOIN stories s ON s.id = m.story_id")
    assert len(ids) == len(set(ids)) == len(rows) == len({a for a, _, _ in rows})
    return {a: (s, h) for a, s, h in rows}


def _journalled(db: str) -> bool:
    try:
        with open_store(db) as store:
            return bool(store.journal(limit=1))
    except Exception:  # noqa: BLE001 - not created, or not migrated yet
        return False


def _ids(folder: Path) -> set[str]:
    return {json.loads(line)["id"] for f in folder.iterdir() for line in f.read_text(encoding="utf-8").splitlines()}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_two_ingests_and_a_server_decide_as_a_serial_run_of_their_journal(backend, tmp_path, request):
    wire = tmp_path / "wire"
    write_wire(wire, seed=23, events=120, files=7)
    shared, a, b = split_wire(wire, tmp_path)
    posted = [json.loads(line) for line in (wire / "wire-06.jsonl").read_text(encoding="utf-8").splitlines()]
    overlap = [json.loads(line) for line in (shared / "wire-00.jsonl").read_text(encoding="utf-8").splitlines()]
    chunks = [posted[i::POSTS][:POST_SIZE - 2] + overlap[i::POSTS][:2] for i in range(POSTS)]  # some are known

    db = str(tmp_path / "together.db") if backend == "sqlite" else request.getfixturevalue("pg_url")
    port = _free_port()
    server = _serve(db, port)
    answers: list[tuple[int, dict]] = []
    try:
        ingests = [_ingest(db, shared, a), _ingest(db, b, shared)]

        def post_all() -> None:  # once the ingests are writing, between their batches
            deadline = time.monotonic() + 120
            while not _journalled(db) and time.monotonic() < deadline:
                time.sleep(0.05)
            for chunk in chunks:
                answers.append(_request(f"http://127.0.0.1:{port}/api/articles", chunk))
                time.sleep(0.2)

        poster = threading.Thread(target=post_all)
        poster.start()
        for proc in ingests:
            _, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err
        poster.join(timeout=300)
        assert not poster.is_alive()
    finally:
        server.terminate()
        _, server_log = server.communicate(timeout=60)
    assert "Traceback" not in server_log, server_log
    assert len(answers) == POSTS
    for status, body in answers:
        assert status in (201, 207), body
        assert {r["status"] for r in body["results"]} <= {"stored", "already_known"}, body
    together = _memberships(db)

    with open_store(db) as store:
        journal = store.journal()
        known = {r[0] for r in _sql(store, "SELECT article_id FROM duplicates")}
    batches = [e for e in journal if e["kind"] == "batch"]
    assert len(batches) >= 10 and any(e["kind"] == "pass" for e in journal)
    # the three writers took turns: the journal is not one writer's batches followed by another's
    own = {"a": _ids(a), "b": _ids(b), "posted": {r["id"] for r in posted}}
    writers = [w for e in batches for w, ids in own.items() if {i.split("\t")[0] for i in e["items"]} & ids]
    assert set(writers) == set(own)
    switches = sum(x != y for x, y in zip(writers, writers[1:], strict=False))
    assert switches >= 2

    # every input, as the readers and the server read it: the journal names them by id
    documents = [d for f in iter_files([shared, a, b]) for d in read_path(f).documents]
    documents += [d for chunk in chunks for d in batch_from_records(chunk, origin="web:json").documents]
    serial = tmp_path / "serial.db"
    with Store(serial) as store:
        replay(Pipeline(store, encoder=get_encoder("fake")), journal, documents)
    assert _memberships(str(serial)) == together
    assert {d.id for d in documents} == set(together) | known
