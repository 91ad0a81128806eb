"""`babelwire migrate`: a store copied SQLite -> PostgreSQL -> SQLite holds every row it had, table by table."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from click.testing import CliRunner

from babelwire.cli import cli
from babelwire.errors import StoreError
from babelwire.model import Change, Rejection, SourceState
from babelwire.pipeline import Pipeline
from babelwire.signals import get_encoder
from babelwire.store import PostgresStore, SqliteStore
from babelwire.store._copy import DERIVED, TABLES, copy_store, store_tables, table_rows
from babelwire.tracking.alerts import add_alert, evaluate


def _rich_store(path, seeds_dir, awkward_dir) -> None:
    """A store with something in every table: articles, stories, a correction, rejections, owed passes, the
    changes feed and the journal, an alert with its story record and firing."""
    with SqliteStore(path) as store:
        pipe = Pipeline(store, encoder=get_encoder("fake"))
        add_alert(store, "rates", "central bank")
        pipe.ingest([seeds_dir, awkward_dir])
        assert evaluate(store, "fake")
        pipe.ingest([seeds_dir])  # known again: duplicates
        ids = [a.id for a in store.iter_articles()]
        pipe.link(ids[0], ids[-1])
        pipe.unlink(ids[1])
        with store.transaction():
            store.add_rejection(Rejection("/x/late.txt", "empty", id=None))
            store.add_duplicate("dup", "/x/dup.txt", ids[0], "identical clean text")
            store.set_pins(ids[:1])
            store.owe_pass(["s-owed"])
            store.add_redirect("s-old", store.story_rows()[0][0])
            store.put_source_state(SourceState("feed", "feed", "http://127.0.0.1/f.xml", etag='"v1"', next_poll=1.5,
                                               failures=1, backoff=60.0, status="error", error="HTTP 500"))
            store.mark_entries_seen("feed", ["k1", "k2"])


def _all_rows(store) -> dict[str, list[tuple]]:
    return {t: list(table_rows(store, t, cols)) for t, cols in TABLES}


def test_the_copy_knows_every_table_of_both_backends(tmp_path, pg_store):
    # every column is copied or derived again by the target's triggers, and never both
    schema = {t: set(cols) for t, cols in TABLES}
    for table, cols in DERIVED.items():
        assert not schema.get(table, set()) & set(cols), table
        schema.setdefault(table, set()).update(cols)
    with SqliteStore(tmp_path / "s.db") as s:
        assert store_tables(s) == set(schema)
        for table, columns in schema.items():  # and every column
            assert {r[1] for r in s.db.execute(f"PRAGMA table_info({table})")} == columns, table
    assert store_tables(pg_store) == set(schema)
    for table, columns in schema.items():
        got = {r[0] for r in pg_store._q("SELECT column_name FROM information_schema.columns "
                                          "WHERE table_name = %s AND table_schema = current_schema()", (table,))}
        assert got == columns, table


def _derived(store) -> dict[str, list[tuple]]:
    """The rows the triggers derive (``DERIVED``), with the key that orders them."""
    return {"stories": list(table_rows(store, "stories", ("id", *DERIVED["stories"]))),
            "facet_counts": sorted(table_rows(store, "facet_counts", DERIVED["facet_counts"]))}


def test_round_trip_sqlite_postgres_sqlite_keeps_every_row(tmp_path, pg_url, seeds_dir, awkward_dir):
    first, back = tmp_path / "first.db", tmp_path / "back.db"
    _rich_store(first, seeds_dir, awkward_dir)
    with SqliteStore(first) as src, PostgresStore(pg_url) as pg:
        want = _all_rows(src)
        assert all(want[t] for t, _ in TABLES), [t for t, _ in TABLES if not want[t]]  # every table has rows
        events: list[tuple[str, int]] = []
        copied = copy_store(src, pg, progress=lambda e, n: events.append((e, n)))
        assert copied == {t: len(rows) for t, rows in want.items()}
        assert events[0] == ("read", sum(copied.values())) and sum(n for e, n in events[1:]) == sum(copied.values())
        assert _all_rows(pg) == want
        assert pg.story_rows() == src.story_rows() and pg.constraints() == src.constraints()
        derived = _derived(src)  # derived again by the target, as the source's triggers had them
        assert any(r[1] for r in derived["stories"]) and derived["facet_counts"]
        assert _derived(pg) == derived and pg.value_counts("source") == src.value_counts("source")
        with SqliteStore(back) as dest:
            copy_store(pg, dest)
            assert _all_rows(dest) == want and _derived(dest) == derived
            # the copy goes on numbering its logs after the copied entries, on both backends
            pg.audit("after", None, {})
            dest.audit("after", None, {})
            assert pg.audit_log(limit=1)[0]["action"] == dest.audit_log(limit=1)[0]["action"] == "after"
            assert list(table_rows(pg, "audit_log", ("rowid",))) == list(table_rows(dest, "audit_log", ("rowid",)))
            # and its feed, journal and firings (their numbers never go back on either backend)
            last = {t: max(r[0] for r in want[t]) for t in ("changes", "journal", "alert_firings")}
            nexts = []
            for s in (pg, dest):
                with s.transaction():
                    [cursor] = s.record_changes([Change("correction", {"action": "link"})])
                    s.journal_append("pass", ["s"])
                    f = s.add_firing("rates", "s-new", "new_story", "", cursor=cursor, data={}, delivery="none")
                nexts.append((cursor, s.journal(after=last["journal"])[0]["seq"], f.id if f else None))
            assert nexts[0] == nexts[1] == (last["changes"] + 1, last["journal"] + 1, last["alert_firings"] + 1)
    with closing(sqlite3.connect(first)) as a, closing(sqlite3.connect(back)) as b:  # the search index too
        q = "SELECT id, title, text FROM articles_fts ORDER BY id"
        assert a.execute(q).fetchall() == b.execute(q).fetchall()


def test_a_target_with_data_is_refused_unless_overwrite(tmp_path, pg_url, seeds_dir):
    with SqliteStore(tmp_path / "a.db") as a:
        Pipeline(a, encoder=get_encoder("fake")).ingest([seeds_dir])
        with PostgresStore(pg_url) as pg:
            pg.set_setting("something", "here")
            with pg.transaction():
                issued = pg.record_changes([Change("correction", {"n": n}) for n in range(10)])
            with pytest.raises(StoreError, match="not empty"):
                copy_store(a, pg)
            assert pg.article_count() == 0 and pg.get_setting("something") == "here"  # untouched
            copy_store(a, pg, overwrite=True)
            assert pg.article_count() == 2 and pg.get_setting("something") is None
            assert pg.changes_head() < issued[-1]  # the copy's feed replaced the target's ...
            with pg.transaction():  # ... and its cursors never go back to the ones the replaced feed had issued
                assert pg.record_changes([Change("correction", {})]) == [issued[-1] + 1]
            copy_store(a, pg, overwrite=True)  # over stories and articles: what they derived is derived anew
            assert _derived(pg) == _derived(a) and pg.story_rows() == a.story_rows()


def test_migrate_command_both_ways(tmp_path, pg_url, seeds_dir):
    src, back = tmp_path / "src.db", tmp_path / "back.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(seeds_dir), "--db", str(src), "-q"]).exit_code == 0
    r = runner.invoke(cli, ["migrate", "--db", str(src), "--to", pg_url])
    assert r.exit_code == 0, r.output
    assert "copied 2 articles" in r.output
    r = runner.invoke(cli, ["migrate", "--db", str(src), "--to", pg_url])
    assert r.exit_code == 1 and "not empty" in r.output and "--overwrite" in r.output
    r = runner.invoke(cli, ["migrate", "--db", pg_url, "--to", f"sqlite:{back}", "-q"])
    assert r.exit_code == 0, r.output
    stories = [runner.invoke(cli, ["stories", "--db", str(p), "--format", "json"]).output for p in (src, back)]
    assert stories[0] == stories[1] and '"article_count": 2' in stories[0]
