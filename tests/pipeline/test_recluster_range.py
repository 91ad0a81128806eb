"""A recluster of a date range: the whole stories touching it rebuilt from persisted signals, the rest untouched."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from babelwire.cli import cli
from babelwire.cluster._base import story_id_for
from babelwire.cluster.factory import build_clusterer, build_passes
from babelwire.errors import InvalidArgument
from babelwire.pipeline import Pipeline
from babelwire.pipeline._pipeline import _final_ids
from babelwire.signals import get_encoder
from babelwire.store import Store

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "articles"
SINCE, UNTIL = "2024-01-01", "2024-06-30"
LO, HI = float(date(2024, 1, 1).toordinal()), float(date(2024, 6, 30).toordinal() + 1)


def _no_extract(*a, **kw):
    raise AssertionError("signals were recomputed")


def _memberships(store: Store) -> dict[str, tuple]:
    return {r[0]: tuple(r[1:]) for r in store.db.execute(
        "SELECT article_id, story_id, score, evidence, copy_of, copy_kind, copy_similarity FROM memberships")}


def _stories(store: Store) -> list[tuple]:
    return sorted(store.db.execute("SELECT id, headline, created_at, updated_at FROM stories"))


def _partition(store: Store, ids: set[str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for aid, (sid, *_) in _memberships(store).items():
        if aid in ids:
            groups.setdefault(sid, set()).add(aid)
    return {frozenset(g) for g in groups.values()}


@pytest.fixture(params=["ingested", "singletons"])
def store_path(request, tmp_path) -> Path:
    """A store of the examples as ingested, or with every article alone in its story (as a threshold
    nothing reaches leaves them), for a recluster to rebuild."""
    db = tmp_path / "a.db"
    with Store(db) as store:
        if request.param == "ingested":
            Pipeline(store, encoder="fake", batch_size=4).ingest([EXAMPLES])
        else:
            enc = get_encoder("fake")
            p = Pipeline(store, encoder=enc, clusterer=build_clusterer(enc, {"threshold": 1.1, "copies": False}))
            p.merger = build_passes({"merge_at": 1.1})
            p.ingest([EXAMPLES])
    return db


def test_range_rebuilds_whole_stories_and_leaves_the_rest_alone(store_path, monkeypatch):
    with Store(store_path) as store:
        before, stories_before = _memberships(store), _stories(store)
        inside = {r["id"] for r in store.range_rows(LO, HI)}
        dated = {a for (a,) in store.db.execute(
            "SELECT article_id FROM article_signals WHERE window_day >= ? AND window_day < ?", (LO, HI))}
        assert dated and dated <= inside and set(before) - inside  # something in it, something outside
        old_inside = {before[a][0] for a in inside}
        assert {before[a][0] for a in set(before) - inside}.isdisjoint(old_inside)  # whole stories
        p = Pipeline(store, encoder="fake")
        monkeypatch.setattr(p.extractor, "extract", _no_extract)
        result = p.recluster_range(SINCE, UNTIL)
        after = _memberships(store)
        assert result["articles"] == len(inside) and (result["since"], result["until"]) == (SINCE, UNTIL)
        assert {a: v for a, v in after.items() if a not in inside} == {a: v for a, v in before.items()
                                                                       if a not in inside}
        outside_stories = {v[0] for a, v in before.items() if a not in inside}
        assert [s for s in _stories(store) if s[0] in outside_stories] == [
            s for s in stories_before if s[0] in outside_stories]
        new_inside = {after[a][0] for a in inside}
        assert new_inside.isdisjoint(outside_stories)  # no id of a story outside is reused
        entry = store.audit_log(limit=1)[0]
        assert entry["action"] == "recluster" and entry["details"]["since"] == SINCE
        assert entry["details"]["articles"] == len(inside)


def test_range_gives_the_stories_a_full_recluster_of_its_articles_gives(store_path, tmp_path, monkeypatch):
    only = tmp_path / "only.db"
    shutil.copy(store_path, only)
    with Store(store_path) as store:
        inside = {r["id"] for r in store.range_rows(LO, HI)}
        p = Pipeline(store, encoder="fake")
        monkeypatch.setattr(p.extractor, "extract", _no_extract)
        p.recluster_range(SINCE, UNTIL)
        got = _partition(store, inside)
    with Store(only) as store:  # the same articles and nothing else
        keep = json.dumps(sorted(inside))
        with store.transaction():
            for table, col in (("article_signals", "article_id"), ("memberships", "article_id"), ("articles", "id")):
                store.db.execute(f"DELETE FROM {table} WHERE {col} NOT IN (SELECT value FROM json_each(?))", (keep,))
            store.drop_empty_stories()
        q = Pipeline(store, encoder="fake")
        monkeypatch.setattr(q.extractor, "extract", _no_extract)
        q.recluster()
        want = _partition(store, inside)
    assert got == want


def test_a_story_straddling_the_edge_is_rebuilt_whole_and_keeps_its_links(tmp_path):
    db = tmp_path / "a.db"
    with Store(db) as store:
        Pipeline(store, encoder="fake").ingest([EXAMPLES])
        dated = dict(store.db.execute("SELECT article_id, window_day FROM article_signals WHERE window_day IS NOT NULL"))
        a = min(x for x, d in dated.items() if LO <= d < HI)
        b = min(x for x, d in dated.items() if d < LO)
        p = Pipeline(store, encoder="fake")
        p.link(a, b)
        assert b in {r["id"] for r in store.range_rows(LO, HI)}
        p.recluster_range(SINCE, UNTIL)
        assert store.membership(a)["story_id"] == store.membership(b)["story_id"]


def test_undated_stories_only_with_undated(tmp_path):
    db = tmp_path / "a.db"
    with Store(db) as store:
        enc = get_encoder("fake")
        p = Pipeline(store, encoder=enc, clusterer=build_clusterer(enc, {"threshold": 1.1, "copies": False}))
        p.merger = build_passes({"merge_at": 1.1})
        p.ingest([EXAMPLES])
        undated = {a for (a,) in store.db.execute("SELECT article_id FROM article_signals WHERE window_day IS NULL")}
        assert undated
        assert not undated & {r["id"] for r in store.range_rows(LO, HI)}
        assert undated <= {r["id"] for r in store.range_rows(LO, HI, undated=True)}
        before = {a: store.membership(a) for a in undated}
        Pipeline(store, encoder="fake").recluster_range(SINCE, UNTIL)
        assert {a: store.membership(a) for a in undated} == before
        result = Pipeline(store, encoder="fake").recluster_range(SINCE, UNTIL, undated=True)
        assert result["undated"] and result["articles"] >= len(undated)


def test_a_new_story_never_takes_the_id_of_a_story_outside():
    a = story_id_for("a")
    final, rename = _final_ids({"a": a, "b": a}, {"a": None, "b": None}, taken={a}.__contains__)
    assert rename == {} and final["a"] == final["b"] == story_id_for("a\x001")
    assert _final_ids({"a": a}, {"a": None})[0] == {"a": a}  # a whole-store recluster: nothing outside


def test_bad_ranges_are_refused(tmp_path):
    with Store(tmp_path / "a.db") as store:
        p = Pipeline(store, encoder="fake")
        with pytest.raises(InvalidArgument, match="YYYY-MM-DD"):
            p.recluster_range("March", None)
        with pytest.raises(InvalidArgument, match="before"):
            p.recluster_range("2024-02-01", "2024-01-01")
        assert p.recluster_range(None, "2024-01-01")["articles"] == 0


def test_cli_recluster_range(tmp_path):
    db = str(tmp_path / "a.db")
    run = CliRunner()
    assert run.invoke(cli, ["ingest", str(EXAMPLES), "--db", db, "-q"]).exit_code == 0
    r = run.invoke(cli, ["recluster", "--since", SINCE, "--until", UNTIL, "--db", db, "--format", "json", "-q"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["since"] == SINCE and out["until"] == UNTIL and out["articles"] > 0
    r = run.invoke(cli, ["recluster", "--undated", "--db", db, "-q"])
    assert r.exit_code == 2 and "--undated needs" in r.output
    r = run.invoke(cli, ["recluster", "--since", "soon", "--db", db, "-q"])
    assert r.exit_code == 1 and "YYYY-MM-DD" in r.output
    assert "--since" in run.invoke(cli, ["recluster", "--help"]).output
