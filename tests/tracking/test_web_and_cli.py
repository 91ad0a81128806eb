"""The changes feed and alerts at the edges: GET /api/changes, /api/alerts, /alerts/NAME.atom, and the CLI."""

from __future__ import annotations

import asyncio
import json

import feedparser
import httpx
import pytest
from click.testing import CliRunner

from babelwire.cli import cli
from babelwire.store import open_store
from babelwire.tracking.alerts import add_alert, evaluate
from babelwire.web import create_app


def _get(app, url: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.get(url)

    return asyncio.run(go())


def _is_error(r, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    assert r.json().keys() == {"error"} and r.json()["error"]["code"] == code and r.json()["error"]["message"]


@pytest.fixture
def app(wire):
    add_alert(wire.store, "volcano", "zorvatka")
    wire.add("s1", ("a1", "en", "wire-a"))
    wire.add("s2", ("b1", "de", "wire-b"), text="Der Zorvatka spuckt Lava <script>")
    evaluate(wire.store)
    wire.add("s1", ("a2", "is", "wire-c"))
    evaluate(wire.store)
    app = create_app(wire.store.path, encoder="fake", token="t")
    yield app
    app.state.babelwire.close()


def test_the_changes_feed_pages_by_cursor(app):
    got, after = [], 0
    while True:
        r = _get(app, f"/api/changes?after={after}&limit=2")
        assert r.status_code == 200
        page = r.json()
        got += page["changes"]
        if not page["more"]:
            break
        after = page["next"]
    assert [c["cursor"] for c in got] == list(range(1, page["head"] + 1))
    assert [c["kind"] for c in got][:2] == ["story.created", "article.stored"]
    only = _get(app, "/api/changes?kind=article.stored&kind=story.created").json()
    assert {c["kind"] for c in only["changes"]} == {"article.stored", "story.created"}


@pytest.mark.parametrize("query", ["after=-1", "after=abc", "after=999", "limit=0", "limit=5000",
                                   "kind=story.exploded"])
def test_bad_cursors_and_arguments_are_422_in_the_api_shape(app, query):
    _is_error(_get(app, f"/api/changes?{query}"), 422, "invalid_request")


def test_firings_are_listed_and_an_unknown_alert_is_404(app):
    rows = _get(app, "/api/alerts").json()
    assert sorted((f["story_id"], f["reason"], f["value"]) for f in rows) == [
        ("s1", "new_language", "is"), ("s1", "new_story", ""), ("s2", "new_story", "")]
    assert all(f["delivery"] == "none" for f in rows)
    assert _get(app, "/api/alerts?name=volcano&since=2000-01-01").json() == rows
    _is_error(_get(app, "/api/alerts?name=nope"), 404, "not_found")
    _is_error(_get(app, "/api/alerts?since=yesterday"), 422, "invalid_request")


def test_the_atom_feed_parses_one_entry_per_firing_with_the_story_link(app):
    r = _get(app, "/alerts/volcano.atom")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(r.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10" and "volcano" in feed.feed.title
    assert len(feed.entries) == 3 and len({e.id for e in feed.entries}) == 3
    links = sorted(e.link for e in feed.entries)
    assert links == ["http://testserver/stories/s1"] * 2 + ["http://testserver/stories/s2"]
    assert _get(app, "/alerts/nope.atom").status_code == 404


def _cli(*args: str, ok: bool = True):
    r = CliRunner().invoke(cli, list(args))
    assert (r.exit_code == 0) == ok, r.output
    return r


def test_the_cli_adds_lists_runs_and_removes_alerts(spec, seeds_dir):
    db = spec
    _cli("alert", "add", "blinken", "--query", "Blinken Lavrov", "--min-sources", "2", "--db", db)
    _cli("alert", "add", "blinken", "--query", "again", "--db", db, ok=False)
    assert "must be" in _cli("alert", "add", "x", "--query", "q", "--webhook", "nope", "--db", db, ok=False).output
    listed = json.loads(_cli("alert", "list", "--db", db, "--format", "json").stdout)
    assert [a["name"] for a in listed] == ["blinken"] and listed[0]["secret"] is False
    _cli("ingest", str(seeds_dir), "--db", db, "-q")
    _cli("ingest", str(seeds_dir), "--db", db, "-q")  # nothing new: nothing fires again
    fired = json.loads(_cli("alerts", "--db", db, "--format", "json").stdout)
    # the seeds: one story of two originals whose outlets are unknown (each counts on its own), newest first
    assert [(f["reason"], f["value"]) for f in fired] == [("min_sources", "2"), ("new_story", "")]
    assert json.loads(_cli("alerts", "--name", "blinken", "--since", "2000-01-01", "--db", db,
                           "--format", "json").stdout) == fired
    assert "no alert named" in _cli("alerts", "--name", "nope", "--db", db, ok=False).output
    assert "YYYY-MM-DD" in _cli("alerts", "--since", "soon", "--db", db, ok=False).output
    run = json.loads(_cli("alert", "run", "--db", db, "--format", "json").stdout)
    assert run["fired"] == [] and run["failed"] == 0
    page = json.loads(_cli("changes", "--db", db, "--limit", "2", "--format", "json").stdout)
    assert len(page["changes"]) == 2 and page["more"] and page["next"] == 2
    assert "not in this store" in _cli("changes", "--after", "999", "--db", db, ok=False).output
    assert "cursor" in _cli("changes", "--db", db).stdout
    _cli("alert", "remove", "blinken", "--db", db)
    assert "no alert named" in _cli("alert", "remove", "blinken", "--db", db, ok=False).output
    with open_store(db) as s:
        assert s.alerts() == [] and s.firings() == []


def test_a_made_up_secret_is_printed_once(tmp_path):
    db = str(tmp_path / "c.db")
    out = json.loads(_cli("alert", "add", "w", "--query", "q", "--webhook", "http://127.0.0.1:9/h", "--db", db,
                          "--format", "json").stdout)
    assert isinstance(out["secret"], str) and len(out["secret"]) == 32
    assert json.loads(_cli("alert", "list", "--db", db, "--format", "json").stdout)[0]["secret"] is True
