"""Many writers on PostgreSQL: two ingest processes into one database, on overlapping and disjoint inputs, take
turns per batch (the advisory write lock); both finish, each article is stored once, in one story."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from crash_corpus import write_wire
from test_crash import _env

from babelwire.store import PostgresStore


def _ingest(db: str, *paths: Path) -> list[str]:
    return [sys.executable, "-m", "babelwire.cli", "ingest", *map(str, paths), "--db", db, "-q"]


def test_two_ingests_into_one_postgres_database_store_each_article_once(tmp_path, pg_server):
    wire = tmp_path / "wire"
    write_wire(wire, seed=11, events=40, files=6)
    parts = {"shared": [0, 1], "a": [2, 3], "b": [4, 5]}
    for name, files in parts.items():
        (tmp_path / name).mkdir()
        for f in files:
            shutil.copy(wire / f"wire-{f:02d}.jsonl", tmp_path / name)
    shared, a, b = (tmp_path / n for n in parts)
    serial, many = pg_server.create(), pg_server.create()
    try:
        done = subprocess.run(_ingest(pg_server.url(serial), shared, a, b), env=_env(), capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        with PostgresStore(pg_server.url(serial)) as s:
            want = sorted(r[0] for r in s._q("SELECT content_hash FROM articles"))

        db = pg_server.url(many)  # new: the two also race to migrate it
        first = subprocess.Popen(_ingest(db, shared, a), env=_env(), stderr=subprocess.PIPE, text=True)
        second = subprocess.Popen(_ingest(db, b, shared), env=_env(), stderr=subprocess.PIPE, text=True)
        for proc in (first, second):
            _, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err
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
    finally:
        pg_server.drop(serial)
        pg_server.drop(many)
