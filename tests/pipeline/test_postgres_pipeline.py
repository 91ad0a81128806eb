"""One corpus ingested into SQLite and into PostgreSQL gives the same stories: ids, members, headlines."""

from __future__ import annotations

from crash_corpus import write_wire

from babelwire.pipeline import Pipeline
from babelwire.signals import get_encoder
from babelwire.store import PostgresStore, SqliteStore


def _stories(store) -> dict[str, tuple[str, frozenset[str]]]:
    out = {}
    for sid, headline in store.story_rows():
        out[sid] = (headline, frozenset(m["id"] for m in store.story_members(sid)))
    return out


def test_sqlite_and_postgres_make_identical_stories(tmp_path, pg_url):
    wire = tmp_path / "wire"
    n = write_wire(wire, seed=5, events=25, files=3)
    files = sorted(wire.iterdir())
    with SqliteStore(tmp_path / "s.db") as lite, PostgresStore(pg_url) as pg:
        for store in (lite, pg):
            pipe = Pipeline(store, encoder=get_encoder("fake"))
            for f in files:  # several runs: the second and third restore the clusterer from the store
                pipe.ingest([f])
        assert lite.article_count() == pg.article_count() > n // 2
        assert lite.story_count() == pg.story_count() > 1
        assert _stories(lite) == _stories(pg)
        assert lite.story_rows() == pg.story_rows()  # and in the same order
        assert [r for r in lite.article_rows()] == [r for r in pg.article_rows()]
        ev = lambda s: s.evidence_of(a.id for a in s.iter_articles())  # noqa: E731
        assert ev(lite).keys() == ev(pg).keys()
        assert {k: v.get("reason") for k, v in ev(lite).items()} == {k: v.get("reason") for k, v in ev(pg).items()}
