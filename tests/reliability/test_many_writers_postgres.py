"""Many writers on PostgreSQL: two ingest processes into one database, on overlapping and disjoint inputs, take
turns per batch (the advisory write lock); both finish, each article is stored once, in one story; and replaying
the journal they wrote together (their batches and passes in commit order) in one process, into a fresh SQLite
store, gives the very same stories: taking turns on PostgreSQL decides nothing differently from a serial run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from crash_corpus import split_wire, write_wire
from test_crash import _env

from babelwire.pipeline import Pipeline, replay
from babelwire.pipeline._steps import journal_key
from babelwire.signals.encoders import get_encoder
from babelwire.sources import iter_files, read_path
from babelwire.store import PostgresStore, SqliteStore


def _ingest(db: str, *paths: Path) -> list[str]:
    return [sys.executable, "-m", "babelwire.cli", "ingest", *map(str, paths), "--db", db, "-q"]


@pytest.fixture(scope="module")
def raced(tmp_path_factory, pg_server):
    """One serial ingest of every input, and two ingests racing into one new database; yields
    ``(serial_url, raced_url, folders)``."""
    root = tmp_path_factory.mktemp("raced")
    wire = root / "wire"
    write_wire(wire, seed=11, events=40, files=6)
    shared, a, b = split_wire(wire, root)
    again = root / "shared-again"  # the second writer's copy of the overlap: its batches are told apart by origin
    shutil.copytree(shared, again)
    serial, many = pg_server.create(), pg_server.create()
    try:
        done = subprocess.run(_ingest(pg_server.url(serial), shared, a, b), env=_env(), capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        db = pg_server.url(many)  # new: the two also race to migrate it
        first = subprocess.Popen(_ingest(db, shared, a), env=_env(), stderr=subprocess.PIPE, text=True)
        second = subprocess.Popen(_ingest(db, b, again), env=_env(), stderr=subprocess.PIPE, text=True)
        for proc in (first, second):
            _, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err
        yield pg_server.url(serial), db, {"shared": shared, "a": a, "b": b, "shared-again": again}
    finally:
        pg_server.drop(serial)
        pg_server.drop(many)


def _memberships(store) -> dict[str, tuple[str, str]]:
    """Return each stored article's story id and headline, checking each article is in exactly one story."""
    ids = [r["id"] for r in store.article_rows()]
    rows = [(m["id"], sid, headline) for sid, headline in store.story_rows() for m in store.story_members(sid)]
    assert len(ids) == len(set(ids)) == len(rows) == len({a for a, _, _ in rows})
    return {a: (s, h) for a, s, h in rows}


def test_two_ingests_into_one_postgres_database_store_each_article_once(raced):
    serial, db, _ = raced
    with PostgresStore(serial) as s:
        want = sorted(r[0] for r in s._q("SELECT content_hash FROM articles"))
    with PostgresStore(db) as s:
        assert sorted(r[0] for r in s._q("SELECT content_hash FROM articles")) == want  # each text once
        ids = [r[0] for r in s._q("SELECT id FROM articles")]
        members = s._q("SELECT m.article_id, m.story_id FROM memberships m "
                       "JOIN stories st ON st.id = m.story_id").fetchall()
        assert len(ids) == len(set(ids)) == len(members) == len({aid for aid, _ in members})  # one story each
        assert s.owed_passes() == set()
        # no story decided twice: each story id made once, no empty story left, no id both live and redirected
        assert s.story_count() == len({sid for _, sid in members})
        live = {sid for _, sid in members}
        assert not live & {r[0] for r in s._q("SELECT old_id FROM story_redirects")}
        assert s._q("SELECT count(*) FROM _migrations").fetchone()[0] == len(s._q(
            "SELECT DISTINCT name FROM _migrations").fetchall())


def test_replaying_their_journal_in_one_process_gives_the_same_stories(raced, tmp_path):
    _, db, folders = raced
    with PostgresStore(db) as s:
        journal = s.journal()
        together = _memberships(s)
        stored = [c.data["article_id"] for c in s.changes_after(0, 100_000, ["article.stored"])]
        known = {r[0] for r in s._q("SELECT article_id FROM duplicates")}
    batches = [e for e in journal if e["kind"] == "batch"]
    assert [e["seq"] for e in journal] == sorted({e["seq"] for e in journal})
    assert any(e["kind"] == "pass" for e in journal)
    # the two writers took turns: each batch is one writer's (its inputs' origins say whose), and the journal is
    # not one writer's batches followed by the other's
    own = {"first": (folders["shared"], folders["a"]), "second": (folders["b"], folders["shared-again"])}
    keys = {w: {journal_key(d) for f in iter_files(list(dirs)) for d in read_path(f).documents}
            for w, dirs in own.items()}
    writers = [w for e in batches for w, mine in keys.items() if set(e["items"]) <= mine]
    assert len(writers) == len(batches)
    assert sum(x != y for x, y in zip(writers, writers[1:], strict=False)) >= 2
    assert sorted(stored) == sorted(together)  # the changes feed saw every stored article once

    documents = [d for f in iter_files(list(folders.values())) for d in read_path(f).documents]
    assert {journal_key(d) for d in documents} == {i for e in batches for i in e["items"]}  # all of them read
    with SqliteStore(tmp_path / "serial.db") as store:
        replay(Pipeline(store, encoder=get_encoder("fake")), journal, documents)
        assert _memberships(store) == together
        assert store.owed_passes() == set()
    assert {d.id for d in documents} == set(together) | known  # every input stored or recorded as a duplicate
