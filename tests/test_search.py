"""Search: keyword (FTS5) and semantic halves, fusion, grouping by story; the FTS migration; the CLI command."""

from __future__ import annotations

import json
import sqlite3

from click.testing import CliRunner

from babelwire.cli import cli
from babelwire.pipeline import Pipeline
from babelwire.search import Searcher, query_terms, search
from babelwire.signals import FakeEncoder
from babelwire.store import Store
from babelwire.store._migrations import MIGRATIONS
from babelwire.views import story_view


def _ingest(store, seeds_dir, encoder=None):
    Pipeline(store, encoder=encoder or FakeEncoder()).ingest([seeds_dir])


def test_query_terms():
    assert query_terms("Blinken, Lavrov: телефон! a 5") == ["blinken", "lavrov", "телефон", "5"]


def test_keyword_search_matches_prefixes_and_stays_in_sync(store, seeds_dir):
    _ingest(store, seeds_dir)
    assert [i for i, _ in store.keyword_search(["lavrov"])] == ["002_az"]  # Lavrovla
    assert [i for i, _ in store.keyword_search(["лавров"])] == ["000_bg"]
    assert store.keyword_search([]) == []
    store.db.execute("UPDATE articles SET title = 'nothing', text = 'nothing here' WHERE id = '002_az'")
    assert store.keyword_search(["lavrov"]) == []
    store.db.execute("DELETE FROM memberships WHERE article_id = '000_bg'")
    store.db.execute("DELETE FROM articles WHERE id = '000_bg'")
    assert store.keyword_search(["лавров"]) == []


def test_fts_migration_indexes_existing_articles(tmp_path, seeds_dir):
    path = tmp_path / "old.db"
    with Store(path) as store:
        _ingest(store, seeds_dir)
    # Make it an older store: drop the index and forget the migration, as if made before m002_fts.
    db = sqlite3.connect(path)
    for name in ("articles_fts_insert", "articles_fts_delete", "articles_fts_update"):
        db.execute(f"DROP TRIGGER {name}")
    db.execute("DROP TABLE articles_fts")
    db.execute("DELETE FROM _migrations WHERE name = 'm002_fts'")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.migrations_applied == ["m002_fts"]
        assert {i for i, _ in store.keyword_search(["blinken", "блинкън"])} == {"000_bg", "002_az"}
    assert "m002_fts" in [n for n, _ in MIGRATIONS]


def test_search_groups_hits_by_story_across_scripts(store, seeds_dir):
    _ingest(store, seeds_dir)
    for q in ("Blinken Lavrov telefon", "Блинкен Лавров телефон"):
        result = search(store, q, encoder=FakeEncoder())
        assert result["warnings"] == []
        (story,) = result["stories"]
        assert story["article_count"] == 2 and set(story["matched"]) == {"000_bg", "002_az"}
        assert all(a["cosine"] is not None for a in result["articles"])
        assert any(a["keyword_rank"] for a in result["articles"])
    assert search(store, "   ")["articles"] == []


def test_semantic_search_needs_the_stores_encoder(store, seeds_dir):
    _ingest(store, seeds_dir)
    result = search(store, "Blinken Lavrov", encoder=FakeEncoder(dim=32))
    assert "semantic search off" in result["warnings"][0]
    assert all(a["cosine"] is None for a in result["articles"]) and result["articles"]  # keywords still work


def test_searcher_caches_vectors_until_articles_change(store, seeds_dir):
    _ingest(store, seeds_dir)
    s = Searcher(store, FakeEncoder())
    s.search("Blinken")
    first = s._cache
    s.search("Lavrov")
    assert s._cache is first
    store.db.execute("DELETE FROM memberships WHERE article_id = '002_az'")
    store.db.execute("DELETE FROM articles WHERE id = '002_az'")
    s.search("Lavrov")
    assert s._cache is not first and s._cache[2] == ["000_bg"]


def test_story_view_names_and_groups(store, seeds_dir):
    _ingest(store, seeds_dir)
    (story,) = store.stories()
    view = story_view(store, story["id"])
    assert {g["lang"] for g in view["by_language"]} == {"bg", "az"}
    assert view["independent_sources"] == 2 and view["sources"] == ["seeds"]  # two reports, outlet unknown
    terms = [t["term"] for t in view["key_terms"]]
    assert "Blinken" in terms or "Блинкън" in terms
    assert any(t["term"] in ("Лавров", "Lavrovla") for t in view["key_terms"])


def test_search_command(seeds_dir, db_path):
    runner = CliRunner()
    runner.invoke(cli, ["ingest", str(seeds_dir), "--db", db_path, "-q"], catch_exceptions=False)
    r = runner.invoke(cli, ["search", "Blinken Lavrov telefon", "--db", db_path, "--format", "json"])
    assert r.exit_code == 0, r.output
    result = json.loads(r.stdout)
    assert result["stories"][0]["article_count"] == 2
    table = runner.invoke(cli, ["search", "Lavrov", "--db", db_path])
    assert "002_az" in table.stdout
