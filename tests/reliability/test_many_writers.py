"""Many writers: ingests in several processes into one store, on overlapping and disjoint inputs, take turns per
batch (the store's write lock) and each article is stored once, in one story."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from crash_corpus import split_wire, write_wire
from test_crash import _env, _state

REPEATS = 3


def _ingest(db: Path, *paths: Path) -> list[str]:
    return [sys.executable, "-m", "babelwire.cli", "ingest", *map(str, paths), "--db", str(db), "-q"]


def _hashes(db: Path) -> list[str]:
    with closing(sqlite3.connect(db)) as c:
        return [r[0] for r in c.execute("SELECT content_hash FROM articles")]


def test_two_ingests_into_one_store_store_each_article_once(tmp_path):
    wire = tmp_path / "wire"
    write_wire(wire, seed=11, events=60, files=6)
    shared, a, b = split_wire(wire, tmp_path)
    serial = tmp_path / "serial.db"
    assert subprocess.run(_ingest(serial, shared, a, b), env=_env(), capture_output=True).returncode == 0
    want = sorted(_hashes(serial))

    for r in range(REPEATS):
        db = tmp_path / f"many-{r}.db"  # new each time: the two also race to create and migrate it
        first = subprocess.Popen(_ingest(db, shared, a), env=_env(), stderr=subprocess.PIPE, text=True)
        second = subprocess.Popen(_ingest(db, b, shared), env=_env(), stderr=subprocess.PIPE, text=True)
        for proc in (first, second):
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        with closing(sqlite3.connect(db)) as c:
            assert c.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert c.execute("SELECT count(*) FROM owed_passes").fetchone() == (0,)
        ids, stories = _state(db)  # every article once, each in exactly one story
        assert sorted(_hashes(db)) == want  # what a serial run stores, each text once
        assert sum(len(s) for s in stories) == len(ids)
