"""Ingesting the bad-input corpus through the CLI: exit 0, no traceback, every input accounted for,
good records next to bad ones always stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bad_corpus import LIMIT_MB, REJECTED, SKIPPED, STORED
from click.testing import CliRunner

import babelwire
from babelwire.cli import cli
from babelwire.model import valid_text
from babelwire.store import Store


def _belongs(origin: str, path: Path) -> bool:
    p = valid_text(str(path))  # a file name that is not UTF-8 is shown with U+FFFD
    return origin == p or origin.startswith((p + ":", p + "#"))


def _check(report: dict, kinds, db: str, *, unreadable_checked: bool = True) -> None:
    results = report["results"]
    assert len(results) == report["read"] + len(report["skipped"])  # one result per input, none twice
    assert all(r["status"] in {"stored", "known", "rejected", "skipped"} for r in results)
    for r in results:
        if r["status"] in (REJECTED, SKIPPED):
            assert r["reason"], r
    assert len(kinds) >= 40
    stored_ids = {r["id"] for r in results if r["status"] == STORED}
    problems = []
    for k in kinds:
        if k.name == "unreadable folder" and not unreadable_checked:
            continue
        mine = [r for r in results if _belongs(r["origin"], k.path)]
        if not mine:
            problems.append(f"{k.name}: not accounted for ({k.path})")
            continue
        bad = [r for r in mine if r["status"] not in k.outcomes]
        if bad:
            problems.append(f"{k.name}: unexpected {[(r['status'], r['reason']) for r in bad]}")
        missing = [i for i in k.must_store if i not in stored_ids]
        if missing:
            problems.append(f"{k.name}: good records not stored {missing}: {[(r['id'], r['reason']) for r in mine]}")
        if k.reason:
            reasons = [r["reason"] or "" for r in mine if r["status"] in (REJECTED, SKIPPED)]
            if not any(k.reason.lower() in x.lower() for x in reasons):
                problems.append(f"{k.name}: no reason mentioning {k.reason!r} in {reasons}")
    with Store(db) as store:
        for k in kinds:
            for aid, want in k.expect.items():
                if aid not in stored_ids:
                    continue  # already a problem above
                a = store.get_article(aid)
                for name, value in want.items():
                    if getattr(a, name) != value:
                        problems.append(f"{k.name}: {aid}.{name} is {getattr(a, name)!r}, not {value!r}")
        # new_stories agrees with the stories that exist
        assert report["new_stories"] == len(store.story_ids())
    assert not problems, "\n".join(problems)
    assert report["stored"] == len(stored_ids)
    assert len(report["rejected"]) == sum(r["status"] == REJECTED for r in results)
    assert len(report["skipped"]) == sum(r["status"] == SKIPPED for r in results)


@pytest.fixture
def unreadable(corpus, monkeypatch):
    """Make the locked folder unreadable even for root (who reads any folder)."""
    root, _ = corpus
    if os.geteuid() != 0:
        return
    real = os.scandir
    locked = str(root / "locked")

    def scandir(path="."):
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_corpus_through_cli_runner(corpus, unreadable, db_path):
    root, kinds = corpus
    runner = CliRunner()
    args = ["ingest", str(root), "--db", db_path, "--format", "json", "--max-article-mb", str(LIMIT_MB), "-q"]
    res = runner.invoke(cli, args, catch_exceptions=True)
    assert res.exit_code == 0, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert "Traceback" not in res.output
    report = json.loads(res.stdout)
    _check(report, kinds, db_path)

    # A rerun stores nothing new, says every stored input is known, and records no rejection twice.
    def counts():
        with Store(db_path) as store:
            return [store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("rejected", "duplicates")]

    before = counts()
    again = json.loads(runner.invoke(cli, args).stdout)
    assert again["stored"] == 0 and again["new_stories"] == 0
    assert again["already_known"] >= report["stored"]
    assert counts() == before


def test_corpus_through_a_real_cli_process(corpus, tmp_path):
    root, kinds = corpus
    db = str(tmp_path / "sub.db")
    src = str(Path(babelwire.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "BABELWIRE_ENCODER": "fake"}
    proc = subprocess.run(
        [sys.executable, "-m", "babelwire.cli", "ingest", str(root), "--db", db, "--format", "json",
         "--max-article-mb", str(LIMIT_MB)],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    assert "rejected" in proc.stderr  # the summary names what was turned away
    _check(json.loads(proc.stdout), kinds, db, unreadable_checked=os.geteuid() != 0)
