"""Stories end to end with the fake encoder: copies, corrections, merges, recluster."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from cluster_data import QUAKE, TWIN, write

from babelwire.cli import cli
from babelwire.cluster.constraints import Constraints
from babelwire.pipeline import Pipeline

RATE = """Central bank raises its key rate to 52.5 percent
25 April 2024
The Turkish central bank raised its policy rate from 50 to 52.5 percent on Thursday, surprising economists in Ankara.
Governor Fatih Karahan said inflation of 69 percent required a tighter stance for longer.
The lira gained 1.2 percent against the dollar after the decision was announced in Ankara.
"""
LAUNCH = """Long March rocket puts Egyptian satellite into orbit
12 June 2024
A Long March 2D rocket lifted off from the Jiuquan centre carrying the Egyptian satellite Al-Waha-1 on Wednesday.
The 310 kilogram satellite will photograph farmland along the Nile for the Egyptian space agency.
Engineers in Cairo confirmed the first signal from Al-Waha-1 forty minutes after launch.
"""


@pytest.fixture
def corpus(tmp_path) -> Path:
    d = tmp_path / "news"
    write(d, "quake_a.txt", QUAKE)
    # a near-verbatim re-post: another first line, one sentence dropped
    copy = QUAKE.replace("Earthquake of magnitude 6.1 shakes Shamakhi", "Strong quake hits Shamakhi").replace(
        "Emergency minister Kamal Huseynov said rescue teams had checked 340 houses by the evening.\n", "")
    write(tmp_path / "aggregator", "quake_copy.txt", copy)
    write(d, "rate.txt", RATE)
    write(d, "launch.txt", LAUNCH)
    return tmp_path


def _pipe(open_store, db):
    return Pipeline(open_store(db), encoder="fake")


def test_copy_joins_original_and_is_not_an_independent_source(corpus, db_path, open_store):
    p = _pipe(open_store, db_path)
    p.ingest([corpus / "news"])
    p.ingest([corpus / "aggregator"])
    m = p.store.membership("quake_copy")
    assert m["evidence"]["copy_of"] == "quake_a" and m["evidence"]["copy_kind"] == "near-verbatim"
    story = p.store.story(m["story_id"])
    assert {a["id"] for a in story["articles"]} == {"quake_a", "quake_copy"}
    assert story["sources"] == ["aggregator", "news"] and story["independent_sources"] == 1 and story["copies"] == 1
    assert len(p.store.stories()) == 3


def test_unrelated_events_stay_apart(corpus, db_path, open_store):
    p = _pipe(open_store, db_path)
    p.ingest([corpus / "news"])
    story_ids = {p.store.membership(i)["story_id"] for i in ("quake_a", "rate", "launch")}
    assert len(story_ids) == 3


def test_link_unlink_split_are_kept_and_audited(corpus, db_path, open_store):
    run = CliRunner()
    assert run.invoke(cli, ["ingest", str(corpus), "--db", db_path, "-q"]).exit_code == 0
    store = open_store(db_path)
    quake = store.membership("quake_a")["story_id"]
    r = run.invoke(cli, ["link", "quake_a", "rate", "--db", db_path])
    assert r.exit_code == 0, r.output
    assert store.membership("rate")["story_id"] == quake
    assert store.membership("rate")["evidence"]["reason"] == "linked by a user"
    r = run.invoke(cli, ["unlink", "quake_copy", "--db", db_path])
    assert r.exit_code == 0, r.output
    alone = store.membership("quake_copy")["story_id"]
    assert alone != quake and store.story(alone)["article_count"] == 1
    # the corrections survive a full rebuild
    r = run.invoke(cli, ["recluster", "--db", db_path, "--format", "json", "-q"])
    assert r.exit_code == 0, r.output
    assert store.membership("rate")["story_id"] == store.membership("quake_a")["story_id"]
    assert store.membership("quake_copy")["story_id"] != store.membership("quake_a")["story_id"]
    # split the linked story: the two groups are kept apart
    sid = store.membership("quake_a")["story_id"]
    r = run.invoke(cli, ["split", sid, "--db", db_path])
    assert r.exit_code == 0, r.output
    assert store.membership("rate")["story_id"] != store.membership("quake_a")["story_id"]
    actions = [e["action"] for e in json.loads(run.invoke(cli, ["audit", "--db", db_path, "--format", "json"]).stdout)]
    assert {"link", "unlink", "recluster", "split"} <= set(actions)


def test_corrections_refuse_nonsense(corpus, db_path):
    run = CliRunner()
    run.invoke(cli, ["ingest", str(corpus / "news"), "--db", db_path, "-q"])
    r = run.invoke(cli, ["unlink", "rate", "--db", db_path])
    assert r.exit_code == 1 and "alone in its story" in r.output
    r = run.invoke(cli, ["link", "rate", "nope", "--db", db_path])
    assert r.exit_code == 1 and "no article" in r.output


def test_recluster_reembeds_nothing_and_keeps_ids(corpus, db_path, open_store):
    p = _pipe(open_store, db_path)
    p.ingest([corpus])
    before = {r["id"]: r["story_id"] for r in p.store.article_rows()}
    q = _pipe(open_store, db_path)
    result = q.recluster()
    assert q.cache.embedded == 0
    after = {r["id"]: r["story_id"] for r in q.store.article_rows()}
    assert after == before and result["moved"] == 0


def test_merge_keeps_older_id_and_redirects(db_path, open_store):
    p = _pipe(open_store, db_path)
    store = p.store
    d = Path(db_path).parent / "m"
    write(d, "a.txt", QUAKE)
    p.ingest([d])
    c = p.clusterer
    # force a second story holding a near-twin, then let the merge pass reunite them
    write(d, "b.txt", TWIN)
    c.constraints_ = Constraints()
    c.copies = False
    c.threshold_ = 1.1  # nothing joins online
    p.merger.merge_at = 1.1  # and the merge pass after the ingest merges nothing
    p.ingest([d])
    assert store.membership("a")["story_id"] != store.membership("b")["story_id"]
    old_b = store.membership("b")["story_id"]
    c.threshold_ = 0.5
    p.merger.merge_at = 0.5
    changes = p.merger.merge(c)
    p._apply(changes)
    assert store.membership("b")["story_id"] == store.membership("a")["story_id"]
    assert store.resolve_story(old_b) == store.membership("a")["story_id"]
    assert store.story(old_b)["id"] == store.membership("a")["story_id"]
    assert store.audit_log()[0]["action"] == "merge"


def test_explain_prints_reasons(corpus, db_path):
    run = CliRunner()
    run.invoke(cli, ["ingest", str(corpus / "news"), "--db", db_path, "-q"])
    run.invoke(cli, ["ingest", str(corpus / "aggregator"), "--db", db_path, "-q"])
    out = run.invoke(cli, ["article", "quake_copy", "--explain", "--db", db_path]).stdout
    assert "near-verbatim copy of quake_a" in out
    data = json.loads(run.invoke(cli, ["article", "quake_copy", "--db", db_path, "--format", "json"]).stdout)
    assert data["evidence"]["copy_of"] == "quake_a"
    out = run.invoke(cli, ["article", "rate", "--explain", "--db", db_path]).stdout
    assert "opened a new story" in out


def _jsonl(path, records) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def test_earliest_report_is_the_original_even_when_its_copy_arrived_first(tmp_path, db_path, open_store):
    from babelwire.explain import explain_text
    from babelwire.views import article_json

    late = {"id": "late", "source": "aggregator", "published": "2023-03-15T09:00:00", "title": "Quake",
            "text": QUAKE.replace("27 people", "28 people")}
    early = {"id": "early", "source": "news", "published": "2023-03-14T08:00:00", "title": "Quake", "text": QUAKE}
    p = _pipe(open_store, db_path)
    _jsonl(tmp_path / "first" / "a.jsonl", [late])
    p.ingest([tmp_path / "first"])
    _jsonl(tmp_path / "second" / "b.jsonl", [early])
    p.ingest([tmp_path / "second"])
    e, lt = p.store.membership("early"), p.store.membership("late")
    assert e["story_id"] == lt["story_id"]
    assert "copy_of" not in e["evidence"] and e["evidence"]["original_of"] == "late"
    assert lt["evidence"]["copy_of"] == "early" and lt["evidence"]["original_arrived_later"] is True
    story = p.store.story(e["story_id"])
    assert story["copies"] == 1 and story["independent_sources"] == 1
    assert "published before late" in explain_text(article_json(p.store, "early"))
    # a restarted pipeline knows "late" is a copy (so a still earlier report would not turn it round twice)
    p2 = _pipe(open_store, db_path)
    assert p2.clusterer.copy_of_["late"]["copy_of"] == "early"
