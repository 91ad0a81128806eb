"""The export and watched-sources parts on PostgreSQL, beyond the conformance tests: an export of a PostgreSQL
store is byte for byte that of its SQLite original, its snapshot holds across threads, and entry keys PostgreSQL
text cannot hold as they are (a NUL) are still seen once."""

from __future__ import annotations

import threading

import pytest

from babelwire.export import Exporter, ExportRequest
from babelwire.model import SourceState
from babelwire.pipeline import Pipeline
from babelwire.signals import get_encoder
from babelwire.store import PostgresStore, SqliteStore
from babelwire.store._copy import copy_store


def _export(store, **request) -> bytes:
    return b"".join(Exporter(store, ExportRequest(**request)).chunks())


@pytest.fixture
def both(tmp_path, pg_url, seeds_dir, awkward_dir):
    """A SQLite store with stories, and its copy in PostgreSQL."""
    with SqliteStore(tmp_path / "s.db") as src:
        Pipeline(src, encoder=get_encoder("fake")).ingest([seeds_dir, awkward_dir])
        pg = PostgresStore(pg_url)
        copy_store(src, pg)
    src = SqliteStore(tmp_path / "s.db")
    yield src, pg
    src.close()
    pg.close()


@pytest.mark.parametrize("request_", [
    dict(table="stories"), dict(table="articles"), dict(table="memberships"),
    dict(table="articles", format="csv", page_size=2), dict(table="articles", vectors=True),
    dict(table="stories", lang="bg"), dict(table="articles", since="2000-01-01", until="2099-12-31"),
], ids=str)
def test_an_export_of_a_postgres_store_is_that_of_its_sqlite_original(both, request_):
    src, pg = both
    want = _export(src, **request_)
    assert want.count(b"\n") > (request_.get("format") == "csv")  # rows to compare (past a CSV header)
    assert _export(pg, **request_) == want


def test_a_snapshot_holds_while_pages_are_read_from_other_threads(pg_url, seeds_dir, awkward_dir):
    with PostgresStore(pg_url) as writer, PostgresStore(pg_url) as reader:
        pipe = Pipeline(writer, encoder=get_encoder("fake"))
        pipe.ingest([seeds_dir])
        before = _export(reader, table="articles")
        chunks = Exporter(reader, ExportRequest(table="articles", page_size=1)).chunks()
        got = [next(chunks), next(chunks)]  # the header, then the first page: the snapshot is open
        pipe.ingest([awkward_dir])  # committed meanwhile
        assert reader.article_count() < writer.article_count()  # the reader is still on its snapshot

        def rest() -> None:
            got.extend(chunks)

        t = threading.Thread(target=rest)
        t.start()
        t.join()
        assert b"".join(got) == before
        assert reader.article_count() == writer.article_count()  # the snapshot ended with the export


def test_a_snapshot_inside_a_write_transaction_joins_it(pg_store):
    from datetime import UTC, datetime

    from babelwire.model import Article

    with pg_store.transaction():
        pg_store.add_article(Article(id="a", source="s", origin="/a.txt", format="text", raw="r", title="T",
                                     text="Body", lang="en", read_at=datetime(2022, 2, 2, tzinfo=UTC)),
                             embed_hash="h")
        with pg_store.read_snapshot():
            assert [r["id"] for r in pg_store.export_article_page()] == ["a"]  # its own uncommitted write
        pg_store.put_source_state(SourceState("f", "feed", "http://h/f"))  # still writable after the block
    assert pg_store.article_count() == 1 and pg_store.source_state("f") is not None


def test_entry_keys_and_states_with_a_nul_are_kept_without_it(pg_store):
    keys = ["plain", "with\x00nul", "with\x00nul"]
    with pg_store.transaction():
        pg_store.mark_entries_seen("feed\x00x", keys)
        pg_store.put_source_state(SourceState("feed\x00x", "feed", "http://h/f", error="bad\x00byte"))
    assert pg_store.seen_entries("feed\x00x", [*keys, "other"]) == {"plain", "with\x00nul"}
    assert pg_store.seen_count("feedx") == 2
    state = pg_store.source_state("feed\x00x")
    assert state is not None and state.name == "feedx" and state.error == "badbyte"
    with pg_store.transaction():
        pg_store.mark_entries_seen("feedx", ["withnul"])  # the same key as stored: no second row
        pg_store.mark_entries_seen("feedx", [])
    assert pg_store.seen_count("feedx") == 2 and pg_store.seen_entries("feedx", []) == set()
