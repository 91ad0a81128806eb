"""What the PostgreSQL store adds to the conformance tests: its migrations, the write lock, the change counter,
the HNSW index, and how a store spec picks the backend."""

from __future__ import annotations

import sys
import threading
import time
from datetime import UTC, datetime

import numpy as np
import pytest
from click.testing import CliRunner

from babelwire.cli import cli
from babelwire.errors import MissingDependency, StoreError, StoreUnavailable
from babelwire.model import Article
from babelwire.store import MIGRATIONS, PostgresStore, SqliteStore, open_store
from babelwire.store.postgres import PG_MIGRATIONS, applied, hnsw_index


def _article(i: str, **kw) -> Article:
    base = dict(id=i, source="src", origin=f"/x/{i}.txt", format="text", read_at=datetime(2022, 2, 2, tzinfo=UTC),
                raw=f"raw {i}", title=f"Title {i}", text=f"Body {i}", lang="en", published="2022-02-01")
    base.update(kw)
    return Article(**base)


def test_both_backends_know_exactly_the_same_migrations():
    sqlite_names = [name for name, _ in MIGRATIONS]
    assert len(set(sqlite_names)) == len(sqlite_names)
    assert set(PG_MIGRATIONS) == set(sqlite_names), "a migration exists for one backend only"


def test_migrations_are_recorded_by_name_and_run_once(pg_url):
    with PostgresStore(pg_url) as s:
        assert s.migrations_applied == [name for name, _ in MIGRATIONS]
        assert applied(s.conn) == [name for name, _ in MIGRATIONS]
    with PostgresStore(pg_url) as s:
        assert s.migrations_applied == []


def test_a_migration_without_a_postgresql_twin_fails_to_open(pg_url, monkeypatch):
    from babelwire.store import _migrations

    monkeypatch.setattr("babelwire.store.postgres._migrations.MIGRATIONS",
                        [*_migrations.MIGRATIONS, ("m999_sqlite_only", lambda db: None)])
    with pytest.raises(StoreError, match="m999_sqlite_only"):
        PostgresStore(pg_url)


def test_a_failed_migration_rolls_back(pg_url, monkeypatch):
    def broken(conn):
        conn.execute("CREATE TABLE half_done (x int)")
        raise RuntimeError("boom")

    names = [*MIGRATIONS, ("m999_broken", None)]
    monkeypatch.setattr("babelwire.store.postgres._migrations.MIGRATIONS", names)
    monkeypatch.setitem(PG_MIGRATIONS, "m999_broken", broken)
    with pytest.raises(RuntimeError):
        PostgresStore(pg_url)
    monkeypatch.undo()
    with PostgresStore(pg_url) as s:
        assert s._q("SELECT to_regclass('half_done')").fetchone()[0] is None
        assert "m999_broken" not in applied(s.conn) and s.migrations_applied == []


def test_the_changes_feed_backfills_a_store_that_had_stories_as_the_sqlite_twin_does(tmp_path, pg_url, monkeypatch):
    from babelwire.model import Change
    from babelwire.tracking.changes import replay

    before = [(n, f) for n, f in MIGRATIONS][:[n for n, _ in MIGRATIONS].index("m008_changes")]
    specs = {"sqlite": lambda: SqliteStore(tmp_path / "old.db"), "postgres": lambda: PostgresStore(pg_url)}
    feeds, members = {}, {}
    for name, open_ in specs.items():
        with monkeypatch.context() as m:  # a store written by a release before the changes feed
            m.setattr("babelwire.store._migrations.MIGRATIONS", before)
            m.setattr("babelwire.store.postgres._migrations.MIGRATIONS", before)
            with open_() as old, old.transaction():
                for i in ("b", "a", "c", "d", "loose"):  # ingest order is not id order
                    old.add_article(_article(i, lang="de" if i == "c" else "en", published=None if i == "d"
                                             else "2022-02-01"), embed_hash=f"h{i}")
                for sid in ("s2", "s1", "s-empty"):
                    old.upsert_story(sid, f"Headline {sid} ü")
                sql = old.db.execute if isinstance(old, SqliteStore) else old._q
                sql("UPDATE stories SET created_at = '2022-02-02T00:00:00+00:00'")  # one time: the id breaks the tie
                for aid, sid in (("b", "s2"), ("a", "s1"), ("c", "s2"), ("d", "s1")):
                    ev = {"copy_of": "b", "copy_kind": "near-verbatim", "reason": "copy"} if aid == "c" else {}
                    old.assign(aid, sid, score=0.5, evidence=ev)
        with open_() as store:
            assert store.migrations_applied[0] == "m008_changes"
            got = store.changes_after(0, 1000)
            members[name] = {r["id"]: r["story_id"] for r in store.article_rows() if r["story_id"]}
            assert replay(got) == members[name] == {"b": "s2", "a": "s1", "c": "s2", "d": "s1"}
            assert [c.cursor for c in got] == list(range(1, len(got) + 1)) and store.changes_head() == len(got)
            with store.transaction():  # the feed goes on after the backfilled entries
                assert store.record_changes([Change("correction", {"action": "link"})]) == [len(got) + 1]
            feeds[name] = [(c.kind, c.data) for c in got]
    assert feeds["postgres"] == feeds["sqlite"]
    assert [k for k, _ in feeds["sqlite"]] == ["story.created"] * 2 + ["article.stored"] * 4  # not the empty story
    assert [d.get("article_id") for _, d in feeds["sqlite"][2:]] == ["b", "a", "c", "d"]  # in ingest order
    assert all(d["backfilled"] is True for _, d in feeds["sqlite"]) and feeds["sqlite"][4][1]["copy_of"] == "b"


def test_data_version_moves_when_another_process_commits(pg_url):
    with PostgresStore(pg_url) as reader, PostgresStore(pg_url) as writer:
        before = reader.data_version()
        with writer.transaction():
            writer.has_articles()  # a transaction that only reads leaves it
        assert reader.data_version() == before
        with writer.transaction():
            writer.add_article(_article("a"), embed_hash="h")
        assert reader.data_version() != before
        after = reader.data_version()
        writer.set_setting("k", "v")  # a write outside a batch is a transaction of its own
        assert reader.data_version() != after


def test_a_second_writer_waits_for_the_first_and_sees_its_commit(pg_url):
    first, second, watch = PostgresStore(pg_url), PostgresStore(pg_url), PostgresStore(pg_url)
    try:
        inside = threading.Event()
        release = threading.Event()
        seen: list[bool] = []

        def hold():
            with first.transaction():
                first.add_article(_article("a"), embed_hash="h")
                inside.set()
                release.wait(30)

        def decide():
            with second.transaction():  # the lock is taken before the look-up: it sees "a"
                seen.append(second.has_article("a"))

        t1 = threading.Thread(target=hold)
        t1.start()
        assert inside.wait(30)
        t2 = threading.Thread(target=decide)
        t2.start()
        waiting = 0
        for _ in range(300):  # until the second is seen queued on the advisory lock
            waiting = watch._q("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").fetchone()[0]
            if waiting:
                break
            time.sleep(0.05)
        assert waiting == 1 and not seen
        release.set()
        t1.join(30)
        t2.join(30)
        assert seen == [True]
    finally:
        for s in (first, second, watch):
            s.close()


def test_a_writer_gives_up_after_babelwire_lock_wait_with_a_named_error(pg_url, monkeypatch):
    first, second = PostgresStore(pg_url), PostgresStore(pg_url)
    try:
        monkeypatch.setenv("BABELWIRE_LOCK_WAIT", "0.2")
        with first.transaction():
            first.add_article(_article("a"), embed_hash="h")
            with pytest.raises(StoreError, match="BABELWIRE_LOCK_WAIT"), second.transaction():
                second.add_article(_article("b"), embed_hash="h")
        with second.transaction():  # the lock free again: the wait's limit held that one transaction only
            second.add_article(_article("b"), embed_hash="h")
            assert second._q("SHOW lock_timeout").fetchone()[0] == "200ms"
        assert second._q("SHOW lock_timeout").fetchone()[0] == "0"
        assert {a.id for a in second.iter_articles()} == {"a", "b"}
        monkeypatch.setenv("BABELWIRE_LOCK_WAIT", "soon")
        with pytest.raises(StoreError, match="must be a number"), second.transaction():
            pass
    finally:
        first.close()
        second.close()


def test_report_rows_read_articles_through_their_indexes(pg_store):
    # every statement report_rows and story_report_rows run, explained with sequential scans priced out:
    # where an index fits the planner takes it, so a "Seq Scan on articles" left means no index fits
    with pg_store.transaction():
        for n in range(40):
            pg_store.add_article(_article(f"a{n:02}", published=None if n % 3 else f"2024-05-{n % 28 + 1:02}T10:00"),
                                 embed_hash=f"h{n}")
        pg_store.upsert_story("s1", "H")
        for n in range(0, 40, 2):
            pg_store.assign(f"a{n:02}", "s1", score=1.0, evidence={})
    ran: list[tuple[str, object]] = []
    run = pg_store._q

    def recording(sql, params=None, **kw):
        ran.append((sql, params))
        return run(sql, params, **kw)

    pg_store._q = recording
    rows = pg_store.report_rows(published=("2024-05-02", "2024-05-09"), ingested=("2000-01-01", "2999-01-01"))
    assert len(rows) == len({r["id"] for r in rows}) > 0
    assert len(pg_store.story_report_rows("s1")) == 20
    pg_store._q = run
    assert len(ran) > 4  # both ranges, the binary search's probes, the story's rows
    pg_store._q("SET enable_seqscan = off")

    def ranged(node) -> bool:  # read through an index condition, not every entry of an index
        if node["Node Type"] == "Bitmap Heap Scan":
            return all(ranged(c) for c in node["Plans"])
        return node["Node Type"] in ("Index Scan", "Index Only Scan", "Bitmap Index Scan") and "Index Cond" in node

    def scans(node):
        if node.get("Relation Name") in ("articles", "memberships"):
            yield node
        for child in node.get("Plans", []):
            yield from scans(child)

    for sql, params in ran:
        plan = pg_store._q(f"EXPLAIN (FORMAT JSON) {sql}", params).fetchone()[0][0]["Plan"]
        assert all(ranged(n) for n in scans(plan)), (sql, plan)


def test_nearest_articles_use_the_hnsw_index(pg_store):
    rng = np.random.default_rng(1)
    with pg_store.transaction():
        for i in range(50):
            pg_store.add_article(_article(f"a{i}"), embed_hash=f"h{i}")
    vs = {f"h{i}": (v / np.linalg.norm(v)).astype(np.float32) for i, v in enumerate(rng.normal(size=(50, 16)))}
    pg_store.put_vectors(vs, encoder="e")
    q = vs["h3"]
    with pg_store.transaction():
        pg_store._q("SET LOCAL enable_seqscan = off")
        plan = "\n".join(r[0] for r in pg_store._q(
            "EXPLAIN SELECT content_hash FROM embeddings WHERE kind = 'passage' AND dim = 16 AND encoder = 'e' "
            "ORDER BY vector::vector(16) <=> %s::vector(16) LIMIT 5", (q,)))
    assert hnsw_index(16) in plan
    got = pg_store.nearest_articles(q, 3, encoder="e")
    assert got[0][0] == "a3" and got[0][1] == pytest.approx(1.0, abs=1e-5)
    assert [g[0] for g in got] == ["a" + h[1:] for h in sorted(vs, key=lambda h: -float(vs[h] @ q))[:3]]
    assert np.array_equal(pg_store.get_vectors(["h3"], encoder="e")["h3"], vs["h3"])  # float32 exactly


def test_keyword_search_any_language_with_prefixes_and_near_misses(pg_store):
    with pg_store.transaction():
        pg_store.add_article(_article("bg", title="Блинкън разговаря с Лавров", text="Държавният секретар днес"),
                             embed_hash="1")
        pg_store.add_article(_article("az", title="Blinken Lavrovla danışıb", text="Ukrayna sərhədindəki qoşunlar"),
                             embed_hash="2")
        pg_store.add_article(_article("en", title="Budget approved", text="The parliament voted"), embed_hash="3")
    assert [i for i, _ in pg_store.keyword_search(["lavrov"])] == ["az"]  # Lavrovla: a word prefix
    assert [i for i, _ in pg_store.keyword_search(["ЛАВРОВ"])] == ["bg"]  # case folded in any script
    assert [i for i, _ in pg_store.keyword_search(["sərhədindəki"])] == ["az"]
    assert [i for i, _ in pg_store.keyword_search(["parliment"])] == []  # a body typo: no trigram on bodies
    assert [i for i, _ in pg_store.keyword_search(["budgett"])] == ["en"]  # a near-miss in a title
    assert {i for i, _ in pg_store.keyword_search(["blinken", "блинкън"])} == {"bg", "az"}
    assert pg_store.keyword_search([]) == [] and pg_store.keyword_search(["--"]) == []


def test_a_nul_in_scraped_text_is_dropped_not_a_failed_batch(pg_store):
    with pg_store.transaction():
        pg_store.add_article(_article("n", title="Ti\x00tle", raw="r\x00aw"), embed_hash="h")
    assert pg_store.get_article("n").title == "Title" and pg_store.get_article("n").raw == "raw"


def test_a_postgresql_url_never_becomes_a_local_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreUnavailable, match="cannot reach the PostgreSQL store"):
        open_store("postgresql://nobody:secret@127.0.0.1:1/nothing")
    assert list(tmp_path.iterdir()) == []
    result = CliRunner().invoke(cli, ["stories", "--db", "postgresql://nobody:secret@127.0.0.1:1/nothing"])
    assert result.exit_code == 1 and "cannot reach the PostgreSQL store" in result.output
    assert "secret" not in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(StoreError, match="unknown store URL scheme"):
        open_store("mysql://host/db")
    assert list(tmp_path.iterdir()) == []


def test_sqlite_specs_keep_sqlite(tmp_path):
    with open_store(f"sqlite:{tmp_path / 'a.db'}") as a, open_store(str(tmp_path / "b.db")) as b:
        assert isinstance(a, SqliteStore) and isinstance(b, SqliteStore)
    assert (tmp_path / "a.db").exists() and (tmp_path / "b.db").exists()


def test_babelwire_db_selects_postgresql(pg_url, monkeypatch, seeds_dir):
    monkeypatch.setenv("BABELWIRE_DB", pg_url)
    result = CliRunner().invoke(cli, ["ingest", str(seeds_dir), "-q"])
    assert result.exit_code == 0, result.output
    with PostgresStore(pg_url) as s:
        assert s.article_count() == 2


def test_missing_psycopg_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(MissingDependency) as e:
        open_store("postgresql://localhost/x")
    assert "pip install 'babelwire[postgres]'" in str(e.value)
