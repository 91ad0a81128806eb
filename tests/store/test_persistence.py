"""Persisted signals: restore reads them, restarts change nothing, older stores migrate and keep their stories."""

from __future__ import annotations

import gzip
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from babelwire.pipeline import Pipeline
from babelwire.signals.record import SIGNALS_VERSION, decode_signals, encode_signals
from babelwire.store import Store

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "articles"
PREVIOUS = ROOT / "tests" / "fixtures" / "previous_store" / "store.db.gz"


def _no_extract(*a, **kw):
    raise AssertionError("signals were recomputed")


def _memberships(store: Store) -> dict[str, tuple]:
    return {r[0]: tuple(r[1:]) for r in store.db.execute(
        "SELECT article_id, story_id, score, evidence, copy_of, copy_kind, copy_similarity FROM memberships")}


def _chunks(n: int) -> list[list[Path]]:
    files = sorted(EXAMPLES.iterdir())
    return [files[i : i + n] for i in range(0, len(files), n)]


def test_signals_record_round_trips(tmp_path):
    with Store(tmp_path / "s.db") as store:
        p = Pipeline(store, encoder="fake")
        p.ingest([EXAMPLES])
        for aid in p.clusterer.labels_:
            s = p.clusterer.signals(aid)
            back = decode_signals(aid, *encode_signals(s))
            for f in s.__slots__:
                a, b = getattr(s, f), getattr(back, f)
                if isinstance(a, np.ndarray):
                    assert a.dtype == b.dtype and np.array_equal(a, b), f
                else:
                    assert a == b, f


def test_restore_reads_and_never_recomputes(tmp_path, monkeypatch):
    db = tmp_path / "s.db"
    with Store(db) as store:
        p = Pipeline(store, encoder="fake", batch_size=8)
        p.ingest([EXAMPLES])
        learned = p.clusterer.assignments()
        totals = p.clusterer.totals()
        buckets = p.clusterer.copy_detector_._buckets()
    with Store(db) as store:
        p = Pipeline(store, encoder="fake")
        monkeypatch.setattr(p.extractor, "extract", _no_extract)
        c = p.clusterer
        assert c.assignments() == learned
        assert c.copy_detector_._buckets() == buckets  # indexed at once (on first use), as one by one
        again = c.totals()
        assert again.df == totals.df and again.df_docs == totals.df_docs
        for k, (n, v) in totals.vectors.items():
            assert again.vectors[k][0] == n and np.array_equal(again.vectors[k][1], v)
        ids = list(learned)
        p.link(ids[0], ids[-1])  # a correction on a restored pipeline recomputes nothing either


@pytest.mark.parametrize("exact_below", [2000, 4], ids=["exact", "graph"])
def test_restart_after_every_batch_gives_the_stories_of_one_run(tmp_path, monkeypatch, exact_below):
    from functools import partialmethod

    from babelwire.cluster._index import VectorIndex

    # "graph": look-ups go through the HNSW graph almost at once, as in a large store
    monkeypatch.setattr(VectorIndex, "__init__", partialmethod(VectorIndex.__init__, exact_below=exact_below))
    one = Store(tmp_path / "one.db")
    p = Pipeline(one, encoder="fake", batch_size=4)
    for chunk in _chunks(4):
        p.ingest(chunk)
    for chunk in _chunks(4):
        with Store(tmp_path / "many.db") as many:
            Pipeline(many, encoder="fake", batch_size=4).ingest(chunk)
    with Store(tmp_path / "many.db") as many:
        a, b = _memberships(one), _memberships(many)
        assert {k: v[0] for k, v in a.items()} == {k: v[0] for k, v in b.items()}
        assert {k: v[4:] for k, v in a.items()} == {k: v[4:] for k, v in b.items()}
        assert sorted(one.db.execute("SELECT id, headline FROM stories")) == sorted(
            many.db.execute("SELECT id, headline FROM stories"))
    one.close()


def _previous_store(path: Path) -> None:
    path.write_bytes(gzip.decompress(PREVIOUS.read_bytes()))


def test_previous_release_store_migrates_and_keeps_its_stories(tmp_path, monkeypatch):
    path = tmp_path / "prev.db"
    _previous_store(path)
    old = sqlite3.connect(path)
    tables = ("stories", "story_redirects", "constraints", "audit_log")
    before = {t: sorted(old.execute(f"SELECT * FROM {t}")) for t in tables}
    members = sorted(old.execute("SELECT article_id, story_id, score, evidence FROM memberships"))
    old.close()
    assert before["story_redirects"] and before["constraints"]
    with Store(path) as store:
        assert store.migrations_applied == ["m004_signals_and_columns", "m005_rejected_once", "m006_owed_passes",
                                          "m007_sources"]
        for t in tables:
            assert sorted(store.db.execute(f"SELECT * FROM {t}")) == before[t]
        assert sorted(store.db.execute(
            "SELECT article_id, story_id, score, evidence FROM memberships")) == members
        rows = store.article_rows()
        assert [r["id"] for r in rows] == [r[0] for r in store.db.execute("SELECT id FROM articles ORDER BY rowid")]
        copies = [r for r in rows if r["copy_of"]]
        assert copies and all(r["copy_kind"] and r["copy_similarity"] for r in copies)
        assert store.signals_outdated() > 0
        p = Pipeline(store, encoder="fake")
        seen = []
        p.upgrade_progress = lambda event, n: seen.append((event, n))
        held = p.clusterer.assignments()
        assert held and held.items() <= {m[0]: m[1] for m in members}.items()
        assert seen[0] == ("read", len(members)) and sum(n for e, n in seen if e == "done") == len(members)
        assert store.signals_outdated() == 0
    with Store(path) as store:  # upgraded once: the next start reads
        p = Pipeline(store, encoder="fake")
        monkeypatch.setattr(p.extractor, "extract", _no_extract)
        assert p.clusterer.assignments() == held
        assert sorted(store.db.execute("SELECT article_id, story_id, score, evidence FROM memberships")) == members
        sid = members[0][1]
        assert store.story(sid)["id"] == sid
        for old_id, new_id, _ in before["story_redirects"]:
            assert store.resolve_story(old_id) == store.resolve_story(new_id)


def test_outdated_signals_are_recomputed_once(tmp_path):
    db = tmp_path / "s.db"
    with Store(db) as store:
        p = Pipeline(store, encoder="fake")
        p.ingest([EXAMPLES])
        learned = p.clusterer.assignments()
        store.db.execute("UPDATE article_signals SET version = ?", (SIGNALS_VERSION - 1,))
        store.set_setting("signals_version", str(SIGNALS_VERSION - 1))  # as the release before wrote it
    with Store(db) as store:
        p = Pipeline(store, encoder="fake")
        assert store.signals_outdated() == store.article_count()
        assert p.clusterer.assignments() == learned
        assert store.signals_outdated() == 0
        assert {v for (v,) in store.db.execute("SELECT DISTINCT version FROM article_signals")} == {SIGNALS_VERSION}


@pytest.mark.parametrize("kind", ["recluster"])
def test_recluster_reads_persisted_signals(tmp_path, monkeypatch, kind):
    with Store(tmp_path / "s.db") as store:
        p = Pipeline(store, encoder="fake")
        p.ingest([EXAMPLES])
        monkeypatch.setattr(p.extractor, "extract", _no_extract)
        result = p.recluster()
        assert result["articles"] == store.article_count()
