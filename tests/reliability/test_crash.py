"""Crash safety in the manner of SQLite's tests: ``kill -9`` a real ``babelwire ingest`` at random points, check
the file, rerun to the end, and find the stories of one uninterrupted run."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import pytest
from crash_corpus import write_wire

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 5


def _env() -> dict[str, str]:
    path = os.pathsep.join(p for p in [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")] if p)
    return {**os.environ, "PYTHONPATH": path, "BABELWIRE_ENCODER": "fake"}


def _ingest(wire: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "babelwire.cli", "ingest", str(wire), "--db", str(db), "-q"]


def _run(wire: Path, db: Path) -> None:
    """Ingest ``wire`` into ``db`` to the end."""
    done = subprocess.run(_ingest(wire, db), env=_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def _query(db: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(db)) as c:
        return c.execute(sql).fetchall()


def _state(db: Path) -> tuple[set[str], set[frozenset[str]]]:
    """Return the stored article ids and the stories as sets of members, checking each article is in one."""
    ids = [r[0] for r in _query(db, "SELECT id FROM articles")]
    rows = _query(db, "SELECT m.article_id, m.story_id FROM memberships m JOIN stories s ON s.id = m.story_id")
    assert len(ids) == len(set(ids)) == len(rows) == len({a for a, _ in rows})
    stories: dict[str, set[str]] = {}
    for aid, sid in rows:
        stories.setdefault(sid, set()).add(aid)
    return set(ids), {frozenset(m) for m in stories.values()}


def _stored(db: Path) -> int:
    try:
        return _query(db, "SELECT count(*) FROM articles")[0][0]
    except sqlite3.OperationalError:  # not created, or not migrated yet
        return 0


def _kill_at(wire: Path, db: Path, target: int) -> bool:
    """Start an ingest and ``kill -9`` it once ``target`` articles are stored (then at once: mid-batch, or between
    the last batch and the pass); return False when it finished first."""
    proc = subprocess.Popen(_ingest(wire, db), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while proc.poll() is None:
        if _stored(db) >= target or time.monotonic() > deadline:
            proc.kill()  # SIGKILL: no handler, no rollback, no close
            proc.wait()
            assert time.monotonic() <= deadline, "the ingest hung"
            return True
        time.sleep(0.01)
    assert proc.returncode == 0
    return False


def _round(wire: Path, db: Path, total: int, seed: int) -> tuple[int, int, tuple]:
    """Kill ingests of ``wire`` into ``db`` at random points (seeded: after a random number of stored articles,
    or once all are), checking the file after each kill, then rerun to the end; return the kills that landed
    mid-run, those that struck once every article was stored with the pass still owed, and the end state."""
    rng = random.Random(seed)
    mid_run = in_pass = 0
    for _ in range(rng.randint(2, 3)):
        stored = _stored(db)
        target = total if rng.random() < 0.3 or stored >= total - 1 else rng.randint(stored + 1, total - 1)
        if not _kill_at(wire, db, target):
            break
        assert _query(db, "PRAGMA integrity_check") == [("ok",)]
        stored, owed = _stored(db), _query(db, "SELECT count(*) FROM owed_passes")[0][0]
        mid_run += 0 < stored < total
        in_pass += stored == total and owed > 0
    _run(wire, db)
    assert _query(db, "PRAGMA integrity_check") == [("ok",)]
    assert _query(db, "SELECT count(*) FROM owed_passes") == [(0,)]
    return mid_run, in_pass, _state(db)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killed_ingests_rerun_to_the_stories_of_one_run(tmp_path):
    wire = tmp_path / "wire"
    n = write_wire(wire, seed=7, events=100)
    _run(wire, tmp_path / "one.db")
    ids, stories = _state(tmp_path / "one.db")
    assert len(ids) > 500 and n - len(ids) > 10  # the duplicates are recorded, not stored
    assert any(len(s) > 3 for s in stories)
    changes = "SELECT count(*) FROM audit_log WHERE action IN ('merge', 'split', 'move')"
    assert _query(tmp_path / "one.db", changes)[0][0]  # the pass had work to do

    with ThreadPoolExecutor(2) as pool:  # two rounds at a time: each is a chain of processes
        rounds = list(pool.map(lambda r: _round(wire, tmp_path / f"crash-{r}.db", len(ids), 17 + r), range(ROUNDS)))
    for r, (_, _, state) in enumerate(rounds):
        assert state == (ids, stories), f"round {r} ended with other stories"
    # the kills did strike mid-run, and between the last batch's commit and the pass
    assert sum(m for m, _, _ in rounds) >= 3 and sum(p for _, p, _ in rounds) >= 1
