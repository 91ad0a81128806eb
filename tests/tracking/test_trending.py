"""Trending on a replayed stream: a burst across many outlets tops within one window; copies of one text,
steady trickles, an empty store, undated articles and a lone article do not trend."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from babelwire.cli import cli
from babelwire.errors import InvalidArgument
from babelwire.pipeline import Pipeline
from babelwire.signals.encoders.fake import FakeEncoder
from babelwire.store import Store, open_store
from babelwire.tracking import Trending, story_timeline
from babelwire.tracking.reports import report_time
from babelwire.tracking.trending import poisson_surprise

from .stream import BURST_AT, T0, WIRE, WIRE_AT, burst, steady, wire, write_jsonl

HOURS = 6


def _iso(dt) -> str:
    return dt.isoformat(timespec="seconds")


def ingest(db: Path, records: list[dict]) -> None:
    """Ingest ``records`` as one JSONL replay (the fake encoder, wide enough to keep the topics apart)."""
    path = write_jsonl(db.parent / f"{db.stem}.jsonl", records)
    with Store(db) as store:
        Pipeline(store, encoder=FakeEncoder(dim=1024)).ingest([path])


@pytest.fixture(scope="module")
def replay(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("trending") / "replay.db"
    ingest(db, steady() + burst() + wire())
    return db


def _story_of(store: Store, article_id: str) -> str:
    m = store.membership(article_id)
    assert m is not None
    return m["story_id"]


def test_the_stream_forms_the_stories_it_means(replay):
    with Store(replay) as store:
        quake = {_story_of(store, f"quake-{i}") for i in range(10)}
        wire_ids = {_story_of(store, f"wire-{i}") for i in range(10)}
        assert len(quake) == 1 and len(wire_ids) == 1 and quake != wire_ids
        copies = [r for r in store.story_report_rows(wire_ids.pop()) if r["copy_of"]]
        assert len(copies) == 9  # the wire text's re-posts are recognised as copies of the first


def test_a_burst_across_many_outlets_tops_within_one_window(replay):
    with Store(replay) as store:
        quake = _story_of(store, "quake-0")
        wire_story = _story_of(store, "wire-0")
        before = Trending(hours=HOURS).rank(store, at=_iso(BURST_AT))
        assert quake not in [s["story_id"] for s in before["stories"]]
        hits = []
        for h in range(1, HOURS + 1):
            res = Trending(hours=HOURS).rank(store, at=_iso(BURST_AT + timedelta(hours=h)))
            ids = [s["story_id"] for s in res["stories"]]
            assert wire_story not in ids  # ten outlets, one original: never trends
            if ids and ids[0] == quake:
                hits.append(h)
        assert hits and hits[0] <= HOURS and hits == list(range(hits[0], HOURS + 1))
        top = Trending(hours=HOURS).rank(store, at=_iso(BURST_AT + timedelta(hours=3)))["stories"][0]
        assert top["sources"] == 10 and top["expected"] < 1 and top["languages"] == ["en"]
        assert "10 independent sources in the last 6 h" in top["why"] and top["time_basis"] == {"published": 10}
        assert sum(top["hourly"][-HOURS:]) >= 10 and len(top["hourly"]) == HOURS + 72


def test_steady_stories_do_not_trend_at_any_hour(replay):
    with Store(replay) as store:
        steady_ids = {_story_of(store, f"{t}-0") for t in ("harbour", "budget", "drought")}
        for h in range(24, 96, 3):
            res = Trending(hours=HOURS).rank(store, at=_iso(T0 + timedelta(hours=h)))
            assert steady_ids.isdisjoint(s["story_id"] for s in res["stories"]), h


def test_postgresql_ranks_and_charts_as_sqlite_does(replay, pg_url):
    # the same stream ingested into PostgreSQL: the same stories, trending and timelines at every hour
    path = write_jsonl(replay.parent / "pg.jsonl", steady() + burst() + wire())
    with Store(replay) as lite, open_store(pg_url) as pg:
        Pipeline(pg, encoder=FakeEncoder(dim=1024)).ingest([path])
        assert pg.story_rows() == lite.story_rows()
        hours = [BURST_AT + timedelta(hours=h) for h in range(-3, HOURS + 2)] + [T0 + timedelta(hours=40)]
        ranked = []
        for at in hours:
            got = Trending(hours=HOURS).rank(pg, at=_iso(at))
            assert got == Trending(hours=HOURS).rank(lite, at=_iso(at)), at
            ranked += [s["story_id"] for s in got["stories"]]
        assert _story_of(pg, "quake-0") in ranked  # the burst trends, on both
        quake = _story_of(pg, "quake-0")
        assert story_timeline(pg, quake) == story_timeline(lite, quake)


def test_copies_of_one_original_do_not_trend_but_the_same_outlets_writing_their_own_would(tmp_path):
    db = tmp_path / "wire.db"
    ingest(db, steady() + wire(12))
    with Store(db) as store:
        wire_story = _story_of(store, "wire-0")
        res = Trending(hours=HOURS).rank(store, at=_iso(WIRE_AT + timedelta(hours=3)))
        assert wire_story not in [s["story_id"] for s in res["stories"]]
        # counted as one source: the same scoring, without the copy marks, would have it trend
        reports = Trending(hours=HOURS).reports(store, WIRE_AT + timedelta(hours=3))
        assert sum(1 for r in reports if r.story_id == wire_story and r.copy) == 11
        unmarked = [type(r)(r.id, r.story_id, r.outlet, r.source, r.lang, r.at, r.basis, False) for r in reports]
        ranked, _ = Trending(hours=HOURS).score(unmarked, WIRE_AT + timedelta(hours=3))
        assert ranked and ranked[0].story_id == wire_story


def test_exact_duplicates_are_not_stored_so_do_not_count(tmp_path):
    db = tmp_path / "dups.db"
    same = [{"id": f"dup-{i}", "source": f"o{i}.example", "published": _iso(WIRE_AT + timedelta(minutes=i)),
             "text": WIRE} for i in range(8)]
    ingest(db, steady() + same)
    with Store(db) as store:
        assert store.article_count() == len(steady()) + 1
        res = Trending(hours=HOURS).rank(store, at=_iso(WIRE_AT + timedelta(hours=2)))
        assert res["stories"] == []


def test_one_outlet_counts_once_per_window(tmp_path):
    db = tmp_path / "one.db"
    records = burst(10)
    for r in records:
        r["source"] = "single.example"
    ingest(db, steady() + records)
    with Store(db) as store:
        res = Trending(hours=HOURS, min_sources=1, min_surprise=0).rank(store, at=_iso(BURST_AT + timedelta(hours=4)))
        quake = _story_of(store, "quake-0")
        [row] = [s for s in res["stories"] if s["story_id"] == quake] or [None]
        assert row is None or row["sources"] == 1


def test_empty_store(tmp_path):
    with Store(tmp_path / "empty.db") as store:
        res = Trending().rank(store, at="2024-05-01T00:00:00Z")
    assert res["stories"] == [] and res["reports"] == 0 and res["at"] == "2024-05-01T00:00:00Z"


def test_one_article(tmp_path):
    db = tmp_path / "one.db"
    ingest(db, burst(1))
    with Store(db) as store:
        assert Trending().rank(store, at=_iso(BURST_AT + timedelta(hours=1)))["stories"] == []
        loose = Trending(min_sources=1, min_surprise=0).rank(store, at=_iso(BURST_AT + timedelta(hours=1)))
        assert [s["sources"] for s in loose["stories"]] == [1]
        tl = story_timeline(store, _story_of(store, "quake-0"))
        assert tl.first is not None and tl.first.id == "quake-0" and tl.unit == "hour" and len(tl.starts) == 1


def test_undated_articles_are_placed_at_their_ingest_time(tmp_path):
    db = tmp_path / "undated.db"
    records = burst(6)
    for r in records:
        del r["published"]
    ingest(db, records)
    with Store(db) as store:
        res = Trending(hours=HOURS).rank(store)  # now: they were ingested a moment ago
        assert [s["sources"] for s in res["stories"]] == [6]
        assert res["stories"][0]["time_basis"] == {"ingested": 6}
        assert Trending(hours=HOURS).rank(store, at=_iso(BURST_AT + timedelta(hours=2)))["stories"] == []


def test_report_time_reads_every_kind_of_date():
    when, basis = report_time("2024-05-01T12:00:00+02:00", "2024-05-03T00:00:00+00:00")
    assert (when.hour, basis) == (10, "published")
    assert report_time("2024-05-01T12:00:00", "2024-05-03T00:00:00+00:00")[1] == "published"
    assert report_time("2024-05-01", "2024-05-01T20:00:00+00:00")[0].hour == 20  # read live: its ingest
    late = report_time("2024-05-01", "2024-06-01T20:00:00+00:00")
    assert late[1] == "published-day" and late[0].hour == 12
    assert report_time(None, "2024-06-01T20:00:00+00:00")[1] == "ingested"
    assert report_time("not a date at all", "") is None


def test_poisson_surprise_grows_with_the_excess():
    assert poisson_surprise(0, 1.0) == 0
    assert poisson_surprise(1, 1.0) == pytest.approx(-__import__("math").log10(1 - __import__("math").exp(-1)))
    assert poisson_surprise(10, 0.2) > poisson_surprise(5, 0.2) > poisson_surprise(5, 2.0) > 0
    assert poisson_surprise(400, 1.0) > 100  # no underflow far in the tail


def test_bad_arguments_are_named_errors(tmp_path):
    with Store(tmp_path / "x.db") as store:
        with pytest.raises(InvalidArgument):
            Trending().rank(store, at="yesterday-ish")
        with pytest.raises(InvalidArgument):
            Trending(hours=0).rank(store)
        with pytest.raises(InvalidArgument):
            Trending().rank(store, limit=0)


def test_cli_trending_table_and_json(replay):
    at = _iso(BURST_AT + timedelta(hours=3))
    r = CliRunner().invoke(cli, ["trending", "--db", str(replay), "--at", at, "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["stories"][0]["sources"] == 10 and data["hours"] == 6 and "publication time" in data["time_axis"]
    r = CliRunner().invoke(cli, ["trending", "--db", str(replay), "--at", at, "--hours", "3", "--limit", "1"])
    assert r.exit_code == 0 and "Kahramanmaras" in r.output and "independent sources" in r.output
    r = CliRunner().invoke(cli, ["trending", "--db", str(replay), "--at", "soon"])
    assert r.exit_code == 1 and "not an ISO 8601 time" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(cli, ["trending", "--db", str(replay), "--at", at, "--lang", "xx", "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.output)["stories"] == []
