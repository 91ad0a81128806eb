"""Search: keyword (FTS5) and semantic halves, fusion, grouping by story; the FTS migration; the CLI command."""

from __future__ import annotations

import json
import sqlite3

import pytest
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


# -- the reach of a result: which later articles could change it (what lets the web cache keep it) --------
def _many(store, n=80):
    from pathlib import Path

    from babelwire.sources._readers import record_to_document

    words = "harbour bridge council flood market strike budget school court river".split()
    records = [{"id": f"m{i:03d}", "lang": "en", "published": f"2024-03-{1 + i % 28:02d}",
                "title": f"{words[i % 10].title()} news {i}",
                "text": f"The {words[i % 10]} and the {words[(i * 3) % 10]} were discussed, report {i}.\n"
                        f"Officials said {i} people came to the {words[(i * 7) % 10]} meeting."}
               for i in range(n)]
    docs = [record_to_document(r, origin=f"t:{i}", path=Path("t"), fmt="jsonl", fallback_id=f"t{i}")
            for i, r in enumerate(records)]
    Pipeline(store, encoder=FakeEncoder()).ingest_documents(docs)
    return records


def test_the_reach_bounds_the_semantic_pool_and_names_the_words(store):
    import numpy as np

    _many(store)
    result, reach = Searcher(store, FakeEncoder()).search_reach("harbour meeting", limit=5)
    assert reach is not None and reach.stories == {h["story_id"] for h in result["articles"]}
    assert reach.terms == ("harbour", "meeting") and reach.encoder == store.get_setting("encoder")
    ids, matrix = store.article_vectors(encoder=reach.encoder)
    sims = matrix @ reach.vector
    assert reach.floor == pytest.approx(np.sort(sims)[-50])  # the pool's lowest: 50 of 80 articles
    above, below = ids[int(np.argmax(sims))], ids[int(np.argmin(sims))]
    best, worst = matrix[ids.index(above)], matrix[ids.index(below)]
    assert reach.admits("", "", best) and not reach.admits("", "", worst)
    assert reach.admits("Der Hafen", "Ein HARBOURMASTER sprach", worst)  # a word piece, any case
    _, semantic_only = Searcher(store, FakeEncoder()).search_reach("harbour meeting", mode="semantic")
    assert semantic_only is not None and semantic_only.terms == () and not semantic_only.admits("harbour", "", worst)
    _, keyword_only = Searcher(store, FakeEncoder()).search_reach("harbour", mode="keyword")
    assert keyword_only is not None and keyword_only.vector is None and not keyword_only.admits("x", "y", best)


def test_the_reach_folds_words_as_the_index_does():
    from babelwire.search import Reach

    reach = Reach(frozenset(), terms=("valência", "foo_bar"))
    assert reach.admits("", "Inundação em VALENCIA", None)  # diacritics and case ignored, both sides
    assert reach.admits("", "a bar was opened", None)  # the index splits foo_bar: either piece may match
    assert not reach.admits("Madrid", "nothing of the sort", None)


def test_an_article_the_reach_does_not_admit_leaves_the_result_unchanged(store, tmp_path):
    from pathlib import Path

    from babelwire.sources._readers import record_to_document

    candidates = [{"id": f"new{i}", "lang": "en", "title": f"Vote number {i}",
                   "text": f"A ballot of {i} voters{' at the harbour' if i % 4 == 0 else ''}.\n"
                           f"Turnout was low in district {i}."} for i in range(40)]
    docs = {r["id"]: record_to_document(r, origin=f"n:{i}", path=Path("n"), fmt="jsonl", fallback_id=f"n{i}")
            for i, r in enumerate(candidates)}
    with Store(tmp_path / "all.db") as everything:  # the vectors the pipeline stores for the candidates
        _many(everything)
        Pipeline(everything, encoder=FakeEncoder()).ingest_documents(list(docs.values()))
        fp = everything.get_setting("encoder")
        vectors = {r["id"]: everything.article_vector(r["id"], encoder=fp) for r in candidates}
    _many(store)
    before, reach = Searcher(store, FakeEncoder()).search_reach("harbour meeting", limit=5)
    assert reach is not None
    kept = [r["id"] for r in candidates if not reach.admits(r["title"], r["text"], vectors[r["id"]])]
    assert 0 < len(kept) < len(candidates)  # some unrelated articles fall below the pool's floor, some not
    Pipeline(store, encoder=FakeEncoder()).ingest_documents([docs[k] for k in kept])
    assert Searcher(store, FakeEncoder()).search("harbour meeting", limit=5) == before
