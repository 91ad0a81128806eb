"""Store conformance: what every backend of the store interface must do, run against each backend.

A new backend adds itself to ``BACKENDS`` (a name and a function of the test's ``request``
returning a fresh, empty store); every test here then runs against it too. PostgreSQL runs on
the session's embedded server (``pg_url`` in tests/conftest.py).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from babelwire import views
from babelwire.errors import NotFound
from babelwire.model import Article, Rejection
from babelwire.pipeline import Pipeline
from babelwire.signals.profile import ArticleSignals
from babelwire.store import PostgresStore, SqliteStore, StoreInterface

from .stories_reference import assert_stats_right, old_story_rows, old_value_counts, sql

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "articles"

BACKENDS = {
    "sqlite": lambda request: SqliteStore(request.getfixturevalue("tmp_path") / "conformance.db"),
    "postgres": lambda request: PostgresStore(request.getfixturevalue("pg_url")),
}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request):
    s = BACKENDS[request.param](request)
    yield s
    s.close()


def _article(i: str, **kw) -> Article:
    base = dict(id=i, source="src", origin=f"/x/{i}.txt", format="text", read_at=datetime(2022, 2, 2, tzinfo=UTC),
                raw=f"raw {i}", title=f"Title {i}", text=f"Body {i}", lang="en", published="2022-02-01")
    base.update(kw)
    return Article(**base)


def _signals(i: str, day: float | None, seed: int = 0) -> ArticleSignals:
    rng = np.random.default_rng(seed)
    v = rng.normal(size=8).astype(np.float32)
    return ArticleSignals(id=i, lang="en", source="src", day=day, dated=day is not None, full=v, lead=v * 2,
                          passages=np.stack([v, -v]), centred=v / 2, entities=Counter({"k1": 2, "k2": 1}),
                          numbers={"42"}, minhash=rng.integers(0, 2**32, 16, dtype=np.uint32), script="Latn")


def _with_story(s: StoreInterface, ids: list[str], sid: str = "s1", **kw) -> None:
    with s.transaction():
        for i in ids:
            s.add_article(_article(i, **kw), embed_hash=f"h{i}")
        s.upsert_story(sid, "Headline")
        for i in ids:
            s.assign(i, sid, score=0.5, evidence={})


def test_implements_the_interface(backend):
    # protocols are structural: every part's method must be there
    for part in StoreInterface.__mro__:
        for name in vars(part):
            if not name.startswith("_") and callable(getattr(part, name, None)):
                assert callable(getattr(backend, name, None)), name
    for name in StoreInterface.__dict__:
        if not name.startswith("_") and callable(getattr(StoreInterface, name, None)):
            assert callable(getattr(backend, name)), name


def test_articles_keep_ingest_order_and_round_trip(backend):
    with backend.transaction():
        for i in ("b", "a", "c"):
            backend.add_article(_article(i), embed_hash=f"h{i}")
    assert [a.id for a in backend.iter_articles()] == ["b", "a", "c"]
    assert [a.id for a in backend.iter_articles(["c", "b"])] == ["b", "c"]
    assert [r["id"] for r in backend.article_rows()] == ["b", "a", "c"]
    assert backend.get_article("a").raw == "raw a" and backend.has_article("a") and backend.has_articles()
    with pytest.raises(NotFound):
        backend.get_article("nope")


def test_a_transaction_rolls_back_everything(backend):
    with pytest.raises(ValueError), backend.transaction():
        backend.add_article(_article("a"), embed_hash="h")
        backend.add_rejection(Rejection("/x", "bad"))
        backend.line_observe("src", ["k"])
        raise ValueError("interrupted")
    assert not backend.has_articles() and backend.rejections() == [] and backend.line_documents("src") == 0


def test_memberships_have_decision_columns(backend):
    _with_story(backend, ["a", "b"])
    with backend.transaction():
        backend.assign("b", "s1", score=1.0, evidence={"reason": "copy", "copy_of": "a", "copy_kind": "near-verbatim",
                                                       "copy_similarity": 0.91})
    rows = {r["id"]: r for r in backend.article_rows()}
    assert (rows["b"]["copy_of"], rows["b"]["copy_kind"], rows["b"]["copy_similarity"]) == ("a", "near-verbatim", 0.91)
    assert rows["a"]["copy_of"] is None
    assert backend.story_members("s1")[1]["copy_of"] == "a"


def test_story_views_follow_redirects(backend):
    _with_story(backend, ["a"], "s1")
    _with_story(backend, ["b"], "s2", lang="de")
    with backend.transaction():
        backend.assign("b", "s1", score=None, evidence={})
        backend.delete_story("s2")
        backend.add_redirect("s2", "s1")
    assert views.story(backend, "s2")["id"] == "s1" and views.story(backend, "s1")["article_count"] == 2
    assert [s["id"] for s in views.stories(backend, lang="de")] == ["s1"]
    assert views.facets(backend)["lang"] == [("de", 1), ("en", 1)]
    assert [a["id"] for a in views.article_summaries(backend)] == ["b", "a"]


def test_signals_round_trip_with_totals(backend):
    _with_story(backend, ["a", "b"])
    with backend.transaction():
        backend.put_signals([_signals("a", 738000.5), _signals("b", None, 1)], clock=738000.5)
        backend.put_totals({"sum_full": (2, np.arange(8.0))}, 2, {"k1": 2, "k2": 1})
    got = backend.get_signals(["a", "b"])
    a = got["a"]
    assert a.entities == Counter({"k1": 2, "k2": 1}) and a.numbers == {"42"} and a.dated and a.script == "Latn"
    assert a.minhash.dtype == np.uint32 and np.array_equal(a.passages, _signals("a", 1.0).passages)
    assert backend.signals_outdated() == 0 and backend.newest_day() == 738000.5
    vectors, docs, df = backend.totals(["k1"])
    assert docs == 2 and df == {"k1": 2} and np.array_equal(vectors["sum_full"][1], np.arange(8.0))


def test_working_set_queries(backend):
    _with_story(backend, ["old"], "s-old")
    _with_story(backend, ["new", "undated"], "s-new")
    with backend.transaction():
        backend.put_signals([_signals("old", 100.0), _signals("new", 200.0)])
        backend.put_signals([_signals("undated", None)], clock=200.0)
    assert backend.working_set_ids(150.0) == {"new", "undated"}
    assert [r["id"] for r in backend.working_set_rows(150.0)] == ["new", "undated"]
    with backend.transaction():
        backend.set_pins(["old"])
    assert backend.working_set_ids(150.0) == {"old", "new", "undated"} and backend.pinned() == {"old"}
    assert backend.stories_dated_between(99.0, 101.0) == {"s-old": "old"}


def test_range_rows_are_whole_stories(backend):
    _with_story(backend, ["old"], "s-old")
    _with_story(backend, ["edge", "after", "undated"], "s-edge")
    _with_story(backend, ["alone"], "s-undated")
    with backend.transaction():
        backend.put_signals([_signals("old", 100.0), _signals("edge", 199.5), _signals("after", 210.0)])
        backend.put_signals([_signals("undated", None), _signals("alone", None)], clock=200.0)
    rows = backend.range_rows(190.0, 200.0)
    assert [r["id"] for r in rows] == ["edge", "after", "undated"] and {r["story_id"] for r in rows} == {"s-edge"}
    assert [r["id"] for r in backend.range_rows(190.0, 200.0, undated=True)] == ["edge", "after", "undated", "alone"]
    assert [r["id"] for r in backend.range_rows(None, 150.0)] == ["old"]
    assert backend.range_rows(200.0, 210.0) == []  # [lo, hi): a member on day hi is outside


def test_corrections_feeds_and_settings(backend):
    with backend.transaction():
        backend.add_constraint("link", "a", "b")
        backend.audit("link", "s1", {"articles": ["a", "b"]})
        backend.add_rejection(Rejection("/x/1.txt", "empty", id="1"))
        backend.add_duplicate("2", "/x/2.txt", "1", "identical clean text")
        backend.line_observe("src", ["k", "k", "j"])
        backend.set_setting("encoder", "fake/64")
    assert backend.constraints() == [("link", "a", "b")] and backend.audit_log()[0]["action"] == "link"
    assert backend.rejections()[0].reason == "empty" and backend.line_count("src", "k") == 1
    assert backend.get_setting("encoder") == "fake/64" and backend.get_setting("nope") is None


def test_nearest_articles(backend):
    rng = np.random.default_rng(0)
    ids = [f"a{i}" for i in range(30)]
    with backend.transaction():
        for i in ids:
            backend.add_article(_article(i), embed_hash=f"h{i}")
    vs = {f"h{i}": (v / np.linalg.norm(v)).astype(np.float32) for i, v in zip(ids, rng.normal(size=(30, 8)),
                                                                             strict=True)}
    backend.put_vectors(vs, encoder="e")
    q = backend.article_vector("a7", encoder="e")
    got = backend.nearest_articles(q, 5, encoder="e", chunk=7) if isinstance(backend, SqliteStore) else \
        backend.nearest_articles(q, 5, encoder="e")
    sims = {i: float(vs[f"h{i}"] @ q) for i in ids}
    assert [g[0] for g in got] == sorted(ids, key=lambda i: -sims[i])[:5] and got[0][0] == "a7"


def test_owed_passes_commit_and_roll_back_with_the_batch(backend):
    with backend.transaction():
        backend.owe_pass(["s1", "s2"])
        backend.owe_pass(["s2"])
    with pytest.raises(RuntimeError), backend.transaction():
        backend.owe_pass(["s3"])
        raise RuntimeError
    assert backend.owed_passes() == {"s1", "s2"}
    with backend.transaction():
        backend.clear_owed_passes()
    assert backend.owed_passes() == set()


def test_journal_keeps_commit_order_and_rolls_back_with_the_batch(backend):
    assert backend.journal() == []
    with backend.transaction():
        backend.journal_append("batch", ["b", "a", "ü"])
    with pytest.raises(RuntimeError), backend.transaction():
        backend.journal_append("batch", ["lost"])
        raise RuntimeError
    with backend.transaction():
        backend.journal_append("pass", ["s2", "s1"])
    entries = backend.journal()
    assert [(e["kind"], e["items"]) for e in entries] == [("batch", ["b", "a", "ü"]), ("pass", ["s2", "s1"])]
    assert entries[0]["seq"] < entries[1]["seq"]
    assert [e["items"] for e in backend.journal(after=entries[0]["seq"])] == [["s2", "s1"]]
    assert len(backend.journal(limit=1)) == 1
def test_changes_are_appended_with_growing_cursors_and_roll_back_with_their_transaction(backend):
    from babelwire.model import Change

    assert backend.changes_head() == 0 and backend.changes_after(0) == []
    with backend.transaction():
        cursors = backend.record_changes([Change("story.created", {"story_id": "s1", "headline": "H"}),
                                          Change("article.stored", {"article_id": "a", "story_id": "s1"})])
    assert cursors == sorted(cursors) and cursors[0] > 0 and backend.changes_head() == cursors[-1]
    with pytest.raises(ValueError), backend.transaction():
        backend.record_changes([Change("story.removed", {"story_id": "s1", "into": None})])
        raise ValueError("interrupted")
    with backend.transaction():
        [later] = backend.record_changes([Change("story.merged", {"from": "s2", "into": "s1", "articles": ["b"]})])
    assert later > cursors[-1]  # never reused, even after a rollback
    got = backend.changes_after(0)
    assert [c.kind for c in got] == ["story.created", "article.stored", "story.merged"]
    assert got[1].data == {"article_id": "a", "story_id": "s1"} and got[1].at
    assert [c.cursor for c in backend.changes_after(cursors[0], 1)] == [cursors[1]]
    assert [c.kind for c in backend.changes_after(0, kinds=["story.merged"])] == ["story.merged"]
    assert backend.changes_after(0, kinds=[]) == []
    assert [c.kind for c in backend.changes_after(0, story_id="s1")] == [c.kind for c in got]  # merged: into s1


def test_alerts_their_story_records_and_firings_once(backend):
    from babelwire.errors import AlreadyExists
    from babelwire.model import Alert

    with backend.transaction():
        a = backend.add_alert(Alert("quake", "Erdbeben", lang="de", min_sources=3, webhook="http://h/x", secret="k"))
    assert a.created_at and a.cursor == a.start_cursor == backend.changes_head()
    assert backend.get_alert("quake").secret == "k" and [x.name for x in backend.alerts()] == ["quake"]
    with pytest.raises(AlreadyExists), backend.transaction():
        backend.add_alert(Alert("quake", "x"))
    with backend.transaction():
        backend.set_alert_cursor("quake", 5)
        backend.set_alert_cursor("quake", 3)  # never goes back
        backend.set_alert_story("quake", "s1", ["tr", "ru"], 2)
        f = backend.add_firing("quake", "s1", "new_story", "", cursor=5, data={"id": "s1"}, delivery="pending")
        again = backend.add_firing("quake", "s1", "new_story", "", cursor=6, data={}, delivery="pending")
        other = backend.add_firing("quake", "s1", "new_language", "de", cursor=6, data={}, delivery="pending")
    assert backend.get_alert("quake").cursor == 5
    assert backend.alert_story("quake", "s1") == ({"ru", "tr"}, 2) and backend.alert_story("quake", "s9") is None
    assert f is not None and again is None and other is not None and f.data == {"id": "s1"}
    assert [x.id for x in backend.firings()] == [other.id, f.id]
    assert [x.id for x in backend.firings(newest_first=False, limit=1)] == [f.id]
    with backend.transaction():
        backend.set_delivery(f.id, "delivered", attempts=1)
        backend.set_delivery(other.id, "failed", attempts=3, error="HTTP 500")
    assert [x.id for x in backend.firings(delivery=["pending", "failed"])] == [other.id]
    done = backend.firings(name="quake", since="2000-01-01", delivery=["delivered"])[0]
    assert done.delivered_at and done.attempts == 1 and backend.firings(since="9999-01-01") == []
    assert backend.firings(delivery=["failed"])[0].last_error == "HTTP 500"
    with backend.transaction():
        backend.remove_alert("quake")
    assert backend.alerts() == [] and backend.firings() == [] and backend.alert_story("quake", "s1") is None
    with pytest.raises(NotFound):
        backend.get_alert("quake")
def test_report_rows_by_publication_range_and_by_ingest_range(backend):
    _with_story(backend, ["timed"], published="2024-05-01T10:00:00+02:00")
    _with_story(backend, ["day"], published="2024-05-01")
    _with_story(backend, ["old"], published="2023-01-01T00:00:00")
    _with_story(backend, ["undated"], published=None, source="elsewhere")
    with backend.transaction():
        backend.add_article(_article("loose", published="2024-05-01T11:00:00"), embed_hash="hl")  # no story yet
        backend.assign("old", "s1", score=1.0, evidence={"copy_of": "timed"})
    now = datetime.now(UTC)
    far = ("1999-01-01T00:00:00+00:00", "1999-01-02T00:00:00+00:00")
    rows = {r["id"]: r for r in backend.report_rows(published=("2024-04-30", "2024-05-03"), ingested=far)}
    assert set(rows) == {"timed", "day", "loose"}
    assert rows["timed"]["story_id"] == "s1" and rows["loose"]["story_id"] is None
    assert rows["timed"]["published"] == "2024-05-01T10:00:00+02:00" and rows["timed"]["source_known"]
    ingested = (now.replace(year=now.year - 1).isoformat(), now.replace(year=now.year + 1).isoformat())
    rows = {r["id"]: r for r in backend.report_rows(published=("2030-01-01", "2030-01-02"), ingested=ingested)}
    assert set(rows) == {"day", "undated"}  # without a clock: placed by their ingest time
    assert rows["undated"]["source"] == "elsewhere" and rows["undated"]["ingested_at"]
    both = backend.report_rows(published=("2024-04-30", "2024-05-03"), ingested=ingested)
    assert sorted(r["id"] for r in both) == ["day", "loose", "timed", "undated"]  # each once
    assert backend.report_rows(published=("2024-04-30", "2024-05-03"), ingested=(ingested[1], ingested[1])) != []
    members = backend.story_report_rows("s1")
    assert [r["id"] for r in members] == ["timed", "day", "old", "undated"]
    assert [r["copy_of"] for r in members] == [None, None, "timed", None]


def test_report_rows_of_an_empty_store(backend):
    assert backend.report_rows(published=("2024-01-01", "2025-01-01"), ingested=("2024", "2099")) == []
    assert backend.story_report_rows("nope") == []
def test_export_pages_resume_after_the_last_row(backend):
    _with_story(backend, ["a1", "a2"], "s-b", published="2022-02-01")
    _with_story(backend, ["b1"], "s-a", lang="de", source="other", published="2022-03-05T10:00:00+02:00")
    _with_story(backend, ["c1"], "s-c", published=None)
    with backend.transaction():
        backend.upsert_story("s-empty", "No members")  # a story without articles is no row
        backend.assign("a2", "s-b", score=1.0, evidence={"reason": "copy", "copy_of": "a1",
                                                          "copy_kind": "near-verbatim", "copy_similarity": 0.9})
    first = backend.export_story_page(limit=2)
    assert [r["id"] for r in first] == ["s-a", "s-b"] and first[0]["headline"] == "Headline"
    assert first[0]["created_at"] and first[0]["updated_at"]
    assert [r["id"] for r in backend.export_story_page(after="s-b", limit=2)] == ["s-c"]
    assert [r["id"] for r in backend.export_story_page(lang="de")] == ["s-a"]
    assert [r["id"] for r in backend.export_story_page(source="other")] == ["s-a"]
    assert [r["id"] for r in backend.export_story_page(since="2022-03-01")] == ["s-a"]
    assert [r["id"] for r in backend.export_story_page(until="2022-02-01")] == ["s-b"]  # the day itself counts
    assert [r["id"] for r in backend.export_story_page(story_id="s-c")] == ["s-c"]
    assert backend.export_story_page(lang="de", source="src") == []

    members = backend.story_members_of(["s-b", "s-a", "s-empty"])
    assert set(members) == {"s-a", "s-b"} and members["s-b"] == backend.story_members("s-b")

    rows = backend.export_article_page(limit=2)
    assert [r["id"] for r in rows] == ["a1", "a2"] and "evidence" not in rows[0]
    rest = backend.export_article_page(after_seq=rows[-1]["seq"], limit=10, evidence=True)
    assert [r["id"] for r in rest] == ["b1", "c1"] and rest[0]["evidence"] == {}
    a2 = backend.export_article_page(story_id="s-b", evidence=True)[1]
    assert (a2["story_id"], a2["copy_of"], a2["copy_kind"], a2["copy_similarity"], a2["decision"], a2["score"]) == (
        "s-b", "a1", "near-verbatim", 0.9, "copy", 1.0)
    assert a2["evidence"]["copy_of"] == "a1" and a2["text"] == "Body a2" and a2["origin"] == "/x/a2.txt"
    assert [r["id"] for r in backend.export_article_page(lang="de")] == ["b1"]
    assert [r["id"] for r in backend.export_article_page(since="2022-02-02")] == ["b1"]  # undated c1 is out
    assert [r["id"] for r in backend.export_article_page(until="2022-02-01")] == ["a1", "a2"]


def test_export_rows_of_an_article_without_a_story(backend):
    with backend.transaction():
        backend.add_article(_article("alone"), embed_hash="h")
    (row,) = backend.export_article_page(evidence=True)
    assert row["story_id"] is None and row["evidence"] is None and row["decision"] is None
    assert backend.export_story_page() == [] and backend.story_members_of([]) == {}


def test_vector_dim(backend):
    assert backend.vector_dim(encoder="e") is None
    backend.put_vectors({"h": np.ones(5, np.float32)}, encoder="e")
    assert backend.vector_dim(encoder="e") == 5 and backend.vector_dim(encoder="other") is None


@pytest.mark.parametrize("name", sorted(BACKENDS))
def test_a_read_snapshot_does_not_see_later_writes(name, request):
    reader, writer = BACKENDS[name](request), BACKENDS[name](request)  # two connections to one store
    try:
        _with_story(writer, ["a"], "s1")
        with reader.read_snapshot():
            _with_story(writer, ["b"], "s2")
            assert [r["id"] for r in reader.export_article_page()] == ["a"]
            assert [r["id"] for r in reader.export_story_page()] == ["s1"]
            with reader.read_snapshot():  # nested: the same snapshot
                assert reader.article_count() == 1
        assert [r["id"] for r in reader.export_article_page()] == ["a", "b"]
    finally:
        reader.close()
        writer.close()
def test_source_state_round_trips_and_is_replaced(backend):
    from babelwire.model import SourceState

    assert backend.source_state("feed-a") is None and backend.source_states() == []
    st = SourceState("feed-a", "feed", "http://127.0.0.1/a.xml", etag='"v1"', last_modified="Mon, 01 Jan 2024",
                     next_poll=1700000000.5, failures=2, backoff=120.0, status="error", error="HTTP 500",
                     new_entries=3, stored=2, polls=4, errors_total=2, stored_total=7)
    with backend.transaction():
        backend.put_source_state(st)
        backend.put_source_state(SourceState("feed-0", "inbox", "/in"))
    assert backend.source_state("feed-a") == st
    assert [s.name for s in backend.source_states()] == ["feed-0", "feed-a"]
    st.failures, st.etag = 0, None
    with backend.transaction():
        backend.put_source_state(st)
    got = backend.source_state("feed-a")
    assert got is not None and got.failures == 0 and got.etag is None and len(backend.source_states()) == 2


def test_seen_entries_are_per_source_and_recorded_once(backend):
    keys = [f"k{i}" for i in range(1200)]  # more than one look-up's worth of parameters
    with backend.transaction():
        backend.mark_entries_seen("a", keys[:700])
        backend.mark_entries_seen("a", keys[:10])  # again: no second row
        backend.mark_entries_seen("b", ["k1"])
    assert backend.seen_entries("a", keys) == set(keys[:700])
    assert backend.seen_entries("b", keys) == {"k1"} and backend.seen_entries("c", keys) == set()
    assert backend.seen_count("a") == 700 and backend.seen_count("b") == 1


def test_source_state_rolls_back_with_its_transaction(backend):
    from babelwire.model import SourceState

    with pytest.raises(ValueError), backend.transaction():
        backend.put_source_state(SourceState("x", "feed", "http://h/x"))
        backend.mark_entries_seen("x", ["k"])
        raise ValueError("interrupted")
    assert backend.source_state("x") is None and backend.seen_count("x") == 0


def test_stories_of_many_articles(backend):
    _with_story(backend, ["a", "b"], "s1")
    _with_story(backend, ["c"], "s2")
    assert backend.stories_of(["a", "c", "nope"]) == {"a": "s1", "c": "s2"}
    assert backend.stories_of([]) == {}
    many = [f"x{i}" for i in range(1200)] + ["b"]  # more ids than one query binds
    assert backend.stories_of(many) == {"b": "s1"}


# -- the story summaries and facet counts the store keeps (m012_story_stats, m013_facet_counts) -----------
def _filters(rng: random.Random, ids: list[str], langs: list[str], sources: list[str], dates: list[str]) -> list[dict]:
    """Return story_rows filter combinations: each filter alone, pages, and a few random mixes."""
    fixed: list[dict] = [{}, {"limit": 3}, {"limit": 2, "offset": 1}, {"offset": 2}, {"limit": 0},
                         {"article_ids": []}, {"article_ids": ["nope"]}]
    fixed += [{"lang": la} for la in langs] + [{"source": so} for so in sources]
    fixed += [{"since": d} for d in dates] + [{"until": d} for d in dates]
    for _ in range(12):
        kw: dict = {}
        if rng.random() < 0.4:
            kw["article_ids"] = rng.sample(ids, min(len(ids), rng.randint(1, 5)))
        for key, values in (("lang", langs), ("source", sources), ("since", dates), ("until", dates)):
            if rng.random() < 0.35:
                kw[key] = rng.choice(values)
        if rng.random() < 0.5:
            kw["limit"], kw["offset"] = rng.randint(1, 6), rng.randint(0, 3)
        fixed.append(kw)
    return fixed


def _lists_as_before(s, seed: int = 0) -> None:
    """Assert the kept summaries equal a from-scratch grouping, and the story list and facets what the old
    queries give, for a spread of filters."""
    assert_stats_right(s)
    ids = [r["id"] for r in s.article_rows()]
    langs = sorted({v for (v,) in sql(s, "SELECT lang FROM articles WHERE lang IS NOT NULL")}) + ["xx"]
    sources = sorted({v for (v,) in sql(s, "SELECT source FROM articles")}) + ["nowhere"]
    dates = sorted({v for (v,) in sql(s, "SELECT published FROM articles WHERE published IS NOT NULL")})
    dates = [*dates[:: max(1, len(dates) // 4)], "2022-02-03", "1999-01-01", "2099-01-01"]
    for kw in _filters(random.Random(seed), ids, langs, sources, dates):
        assert s.story_rows(**kw) == old_story_rows(s, **kw), kw
    for col in ("lang", "source"):
        assert s.value_counts(col) == old_value_counts(s, col), col


def test_story_summaries_follow_every_write(backend):
    dates = ["2022-02-03", "2022-02-01", None, "2022-02-05", "2022-02-01", "2022-02-04", None, "2022-02-02"]
    with backend.transaction():
        for n, d in enumerate(dates, 1):
            backend.add_article(_article(f"a{n}", published=d, lang=("en", "de", None)[n % 3], source=f"s{n % 2}"),
                                embed_hash=f"h{n}")
        for sid in ("s1", "s2", "s3", "s-empty"):  # the story rows first, as the pipeline writes them
            backend.upsert_story(sid, f"Headline {sid}")
        for n in range(1, 9):
            backend.assign(f"a{n}", "s1" if n <= 3 else "s2" if n <= 6 else "s3", score=0.5, evidence={})
    _lists_as_before(backend)
    assert "s-empty" not in {i for i, _ in backend.story_rows()}  # no members: not listed
    assert backend.story_rows(limit=1) == [("s2", "Headline s2")]  # its last date, 2022-02-05, is the newest

    def raw(query: str, *params) -> None:
        with backend.transaction():
            sql(backend, query, params)

    steps = [
        lambda: backend.assign("a4", "s1", score=0.5, evidence={}),  # s2's last date moves to s1
        lambda: backend.assign("a8", "s2", score=0.5, evidence={}),  # s3's newest article moves
        lambda: backend.assign("a7", "s-empty", score=0.5, evidence={}),  # s3 is left empty, s-empty has one
        lambda: raw("UPDATE memberships SET story_id = 's1' WHERE story_id = 's2'"),  # many rows, one statement
        lambda: raw("UPDATE articles SET published = '2022-03-01' WHERE id = 'a2'"),  # s1's first date, later
        lambda: raw("UPDATE articles SET published = NULL WHERE id = 'a1'"),
        lambda: raw("UPDATE articles SET published = '2021-12-31' WHERE id = 'a7'"),  # an undated one dated
        lambda: raw("UPDATE articles SET seq = 100 WHERE id = 'a3'"),
        lambda: raw("UPDATE articles SET lang = 'fr', source = 'elsewhere' WHERE id = 'a5'"),
        lambda: raw("DELETE FROM memberships WHERE article_id = 'a4'"),
        lambda: raw("DELETE FROM articles WHERE id = 'a8'"),  # its membership goes with it (ON DELETE CASCADE)
        lambda: raw("UPDATE memberships SET story_id = CASE WHEN story_id = 's1' THEN 's-empty' ELSE 's1' END"),
        lambda: raw("DELETE FROM memberships WHERE story_id = 's1'"),
        lambda: backend.drop_empty_stories(),
        lambda: (backend.upsert_story("s3", "Again"), backend.assign("a4", "s3", score=None, evidence={})),
    ]
    for n, step in enumerate(steps):
        step()
        _lists_as_before(backend, seed=n)
    assert [i for i, _ in backend.story_rows()] == ["s-empty", "s3"]


@pytest.mark.parametrize("seed", range(3))
def test_story_rows_equal_the_grouped_query_on_a_random_store(backend, seed):
    rng = random.Random(seed)
    days = [f"2022-02-{d:02d}" for d in range(1, 8)] + [f"2022-02-0{d}T{h:02d}:00:00" for d in (2, 5) for h in (3, 9)]
    stories = [f"s{k}" for k in range(12)]
    articles: list[str] = []

    def add(n: int) -> None:
        for _ in range(n):
            aid = f"r{len(articles)}"
            backend.add_article(_article(aid, published=rng.choice([*days, None]), lang=rng.choice(["en", "de", "bg"]),
                                         source=rng.choice(["x", "y", "z", "w"])), embed_hash=f"h{aid}")
            articles.append(aid)
            if rng.random() < 0.9:
                backend.assign(aid, rng.choice(stories), score=rng.random(), evidence={})

    with backend.transaction():
        for sid in stories:
            backend.upsert_story(sid, f"Headline {sid}")
        add(40)
    _lists_as_before(backend, seed)
    for round_ in range(4):
        with backend.transaction():
            for _ in range(12):
                op = rng.random()
                live = [r[0] for r in sql(backend, "SELECT id FROM articles")]
                aid = rng.choice(live)
                if op < 0.35:  # a move (or a first membership)
                    backend.assign(aid, rng.choice(stories), score=None, evidence={})
                elif op < 0.5:  # a merge: one story's members all into another, in one statement
                    a, b = rng.sample(stories, 2)
                    sql(backend, "UPDATE memberships SET story_id = %s WHERE story_id = %s", (a, b))
                elif op < 0.65:
                    sql(backend, "UPDATE articles SET published = %s WHERE id = %s", (rng.choice([*days, None]), aid))
                elif op < 0.75:
                    sql(backend, "DELETE FROM memberships WHERE article_id = %s", (aid,))
                elif op < 0.85:
                    sql(backend, "DELETE FROM articles WHERE id = %s", (aid,))
                else:
                    add(2)
        _lists_as_before(backend, seed * 10 + round_)


def test_story_summaries_follow_the_pipelines_merges_splits_moves_and_corrections(backend):
    from babelwire.cluster.merge import StoryChange

    p = Pipeline(backend, encoder="fake", batch_size=8)
    files = sorted(EXAMPLES.iterdir())
    p.ingest(files[:24])  # with its own passes (merge, split, reassign) over the stories each batch touched
    _lists_as_before(backend)
    c = p.clusterer

    def by_size() -> list[str]:
        return sorted(backend.story_ids(), key=lambda sid: (-len(backend.story_members(sid)), sid))

    keep, gone = sorted(by_size()[:2], key=lambda sid: backend.story_members(sid)[0]["id"])
    moved = [m["id"] for m in backend.story_members(gone)]
    c.move_many(moved, keep)  # a merge, made in the clusterer and written as a pass writes it
    p._apply([StoryChange("merge", keep, gone, moved, 0.9)])
    assert not backend.story_members(gone)
    _lists_as_before(backend, 1)
    first, last = by_size()[0], by_size()[-1]
    newest = max(backend.story_members(first), key=lambda m: m["published"] or "")["id"]
    c.move(newest, last)  # a reassign's move, of the member holding the story's last date
    p._apply([StoryChange("move", first, last, [newest], 0.2)])
    _lists_as_before(backend, 2)
    p.ingest(files[24:])
    _lists_as_before(backend, 3)
    ids = [r["id"] for r in backend.article_rows()]
    p.link(ids[0], ids[-1])
    _lists_as_before(backend, 4)
    p.unlink(ids[1])
    _lists_as_before(backend, 5)
    p.split(by_size()[0])
    _lists_as_before(backend, 6)
    p.recluster()
    _lists_as_before(backend, 7)
