"""Persisted signals: restore reads them, restarts change nothing, older stores migrate and keep their stories."""

from __future__ import annotations

import gzip
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from babelwire.pipeline import Pipeline
from babelwire.signals.record import SIGNALS_VERSION, decode_signals, encode_signals
from babelwire.store import MIGRATIONS, Store, open_store

from .stories_reference import assert_stats_right, old_story_rows, old_value_counts

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


@pytest.fixture(params=["sqlite", "postgres"])
def spec(request, tmp_path) -> str:
    """A store spec of each backend, to open (and reopen) with ``open_store``."""
    return str(tmp_path / "s.db") if request.param == "sqlite" else request.getfixturevalue("pg_url")


def test_restore_reads_and_never_recomputes(spec, monkeypatch):
    with open_store(spec) as store:
        p = Pipeline(store, encoder="fake", batch_size=8)
        p.ingest([EXAMPLES])
        learned = p.clusterer.assignments()
        totals = p.clusterer.totals()
        buckets = p.clusterer.copy_detector_._buckets()
    with open_store(spec) as store:
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
    columns = {t: ", ".join(r[1] for r in old.execute(f"PRAGMA table_info({t})")) for t in tables}  # as they were
    before = {t: sorted(old.execute(f"SELECT {columns[t]} FROM {t}")) for t in tables}
    members = sorted(old.execute("SELECT article_id, story_id, score, evidence FROM memberships"))
    old.close()
    assert before["story_redirects"] and before["constraints"]
    with Store(path) as store:
        names = [name for name, _ in MIGRATIONS]  # the previous release had applied up to m003
        assert store.migrations_applied == names[names.index("m004_signals_and_columns"):]
        from babelwire.tracking.changes import replay  # the changes feed starts with the stories it had

        assert replay(store.changes_after(0, 100_000)) == {a: s for a, s, *_ in members}
        for t in tables:
            assert sorted(store.db.execute(f"SELECT {columns[t]} FROM {t}")) == before[t]
        assert_stats_right(store)  # the story summaries m012 filled in
        assert store.story_rows() == old_story_rows(store) and len(store.story_rows()) > 1
        assert store.value_counts("source") == old_value_counts(store, "source")
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


def test_a_store_written_before_the_story_summaries_migrates_and_lists_as_it_did(spec, monkeypatch):
    names = [name for name, _ in MIGRATIONS]
    before = MIGRATIONS[:names.index("m012_story_stats")]
    with monkeypatch.context() as m:  # a store written by a release before m012_story_stats
        m.setattr("babelwire.store._migrations.MIGRATIONS", before)
        m.setattr("babelwire.store.postgres._migrations.MIGRATIONS", before)
        with open_store(spec) as old:
            p = Pipeline(old, encoder="fake", batch_size=8)
            p.ingest([EXAMPLES])
            ids = [r["id"] for r in old.article_rows()]
            p.link(ids[0], ids[-1])
            p.unlink(ids[1])
            rows = old.article_rows()
            arts = list(old.iter_articles())
            filters = [{}, {"limit": 5}, {"limit": 4, "offset": 3}, {"article_ids": ids[::5]},
                       *({"lang": la} for la in sorted({a.lang for a in arts if a.lang})),
                       *({"source": so} for so in sorted({a.source for a in arts})[:4]),
                       *({"since": d} for d in sorted({r["published"][:10] for r in rows if r["published"]})),
                       *({"until": d} for d in sorted({r["published"][:10] for r in rows if r["published"]}))]
            listed = [old_story_rows(old, **kw) for kw in filters]
            facets = {col: old_value_counts(old, col) for col in ("lang", "source")}
    with open_store(spec) as store:
        assert store.migrations_applied == names[names.index("m012_story_stats"):]
        assert_stats_right(store)
        assert [store.story_rows(**kw) for kw in filters] == listed and len(listed[0]) > 5
        assert {col: store.value_counts(col) for col in ("lang", "source")} == facets


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
def test_recluster_reads_persisted_signals(spec, monkeypatch, kind):
    with open_store(spec) as store:
        p = Pipeline(store, encoder="fake")
        p.ingest([EXAMPLES])
        monkeypatch.setattr(p.extractor, "extract", _no_extract)
        result = p.recluster()
        assert result["articles"] == store.article_count()
