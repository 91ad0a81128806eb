from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import numpy as np
import pytest

from babelwire.errors import NotFound, StoreError
from babelwire.model import Article
from babelwire.store import MIGRATIONS, Store, applied


def _article(i: str, **kw) -> Article:
    base = dict(id=i, source="src", origin=f"/x/{i}.txt", format="text", read_at=datetime(2022, 2, 2, tzinfo=UTC),
                raw=f"raw {i}", title=f"Title {i}", text=f"Body {i}", lang="en", published="2022-02-01")
    base.update(kw)
    return Article(**base)


def test_migrations_are_recorded_and_idempotent(tmp_path):
    path = tmp_path / "s.db"
    s = Store(path)
    assert s.migrations_applied == [name for name, _ in MIGRATIONS]
    s.close()
    s2 = Store(path)
    assert s2.migrations_applied == []
    assert applied(s2.db) == [name for name, _ in MIGRATIONS]
    assert s2.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    s2.close()


def test_failed_migration_rolls_back(monkeypatch, tmp_path):
    from babelwire.store import _migrations

    def broken(db):
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    monkeypatch.setattr(_migrations, "MIGRATIONS", [*MIGRATIONS, ("m999_broken", broken)])
    with pytest.raises(RuntimeError):
        Store(tmp_path / "s.db")
    db = sqlite3.connect(tmp_path / "s.db")
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables and "articles" in tables
    assert "m999_broken" not in applied(db)


def test_not_a_database_is_a_store_error(tmp_path):
    p = tmp_path / "junk.db"
    p.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        Store(p)


def test_transaction_rolls_back_everything(store):
    with pytest.raises(ValueError):
        with store.transaction():
            store.add_article(_article("a1"), embed_hash="h1")
            store.upsert_story("s1", "Title a1")
            store.assign("a1", "s1", score=None, evidence={})
            raise ValueError("interrupted")
    assert store.article_count() == 0 and store.story_count() == 0


def test_articles_roundtrip_with_raw_and_removed(store):
    from babelwire.model import Removed

    a = _article("a1", removed=[Removed("Коментари 3", "counter")], meta={"k": "v"})
    with store.transaction():
        store.add_article(a, embed_hash="h1")
    b = store.get_article("a1")
    assert b.raw == "raw a1" and b.text == "Body a1" and b.removed[0].reason == "counter" and b.meta == {"k": "v"}
    assert store.find_by_content(a.content_hash) == "a1"
    with pytest.raises(NotFound):
        store.get_article("nope")


def test_stories_shape_and_filters(store):
    with store.transaction():
        for i, (lang, pub) in enumerate([("bg", "2022-02-01"), ("az", "2022-02-02"), ("en", "2021-05-05")]):
            store.add_article(_article(f"a{i}", lang=lang, published=pub, source=f"src{i}"), embed_hash=f"h{i}")
        store.upsert_story("s1", "Blinken and Lavrov")
        store.upsert_story("s2", "Old story")
        store.assign("a0", "s1", score=None, evidence={})
        store.assign("a1", "s1", score=0.9, evidence={"best_cosine": 0.9})
        store.assign("a2", "s2", score=None, evidence={})
    stories = store.stories()
    assert [s["id"] for s in stories] == ["s1", "s2"]
    s1 = stories[0]
    assert {"id", "headline", "languages", "article_count", "first_published", "last_published", "articles"} <= set(s1)
    assert s1["languages"] == ["az", "bg"] and s1["article_count"] == 2
    assert (s1["first_published"], s1["last_published"]) == ("2022-02-01", "2022-02-02")
    assert {"id", "source", "lang", "title", "published", "path"} <= set(s1["articles"][0])
    assert [s["id"] for s in store.stories(lang="en")] == ["s2"]
    assert [s["id"] for s in store.stories(since="2022-01-01")] == ["s1"]
    assert [s["id"] for s in store.stories(until="2021-12-31")] == ["s2"]
    assert [s["id"] for s in store.stories(article_ids=["a2"])] == ["s2"]
    assert store.membership("a1")["evidence"] == {"best_cosine": 0.9}


def test_vectors_are_cached_per_encoder(store):
    v = np.arange(4, dtype=np.float32)
    store.put_vectors({"h": v}, encoder="e1")
    assert np.array_equal(store.get_vectors(["h", "x"], encoder="e1")["h"], v)
    assert store.get_vectors(["h"], encoder="e2") == {}
    assert store.encoders_used() == {"e1": 1}


def test_line_memory(store):
    store.line_observe("site", ["a", "b", "a"])
    store.line_observe("site", ["a"])
    assert store.line_documents("site") == 2 and store.line_count("site", "a") == 2 and store.line_count("site", "b") == 1


def test_story_summaries_follow_a_connection_without_foreign_keys(tmp_path):
    """Foreign keys are a per-connection setting in SQLite: another connection may write a membership before
    its story row or its article, or REPLACE one; the triggers keep the summaries right all the same."""
    from .stories_reference import assert_stats_right, old_story_rows

    path = tmp_path / "s.db"
    with Store(path) as s, s.transaction():
        for i, d in (("a", "2022-02-01"), ("b", "2022-02-03"), ("c", None)):
            s.add_article(_article(i, published=d), embed_hash=f"h{i}")
    raw = sqlite3.connect(path, isolation_level=None)  # foreign keys off, as sqlite3 opens by default
    try:
        now = "2022-02-02T00:00:00+00:00"
        raw.execute("INSERT INTO memberships (article_id, story_id, assigned_at) VALUES ('a', 'late', ?)", (now,))
        raw.execute("INSERT INTO memberships (article_id, story_id, assigned_at) VALUES ('d', 'late', ?)", (now,))
        raw.execute("INSERT INTO stories (id, headline, created_at, updated_at) VALUES ('late', 'L', ?, ?)",
                    (now, now))  # the story row after its members
        raw.execute("INSERT INTO stories (id, headline, created_at, updated_at, article_count, last_pub) "
                    "VALUES ('claimed', 'C', ?, ?, 5, '2030-01-01')", (now, now))  # no members, whatever it says
        with Store(path) as s:
            assert_stats_right(s)
            assert s.story_rows() == old_story_rows(s) == [("late", "L")]  # 'd' has no article yet: not counted
        raw.execute("INSERT INTO articles (id, source, origin, format, title, text, raw, published, content_hash, "
                    "embed_hash, read_at, ingested_at, seq) VALUES ('d', 'src', '/x/d', 'text', 'D', 'D', 'D', "
                    "'2022-02-05', 'hd', 'hd', ?, ?, 99)", (now, now))  # the article after its membership
        raw.execute("PRAGMA recursive_triggers = ON")
        raw.execute("INSERT OR REPLACE INTO memberships (article_id, story_id, assigned_at) VALUES ('d', 'other', ?)",
                    (now,))  # deletes d's membership in 'late' and writes a new one
        with Store(path) as s:
            assert_stats_right(s)
            assert s.db.execute("SELECT article_count, last_pub FROM stories WHERE id = 'late'").fetchone() == (
                1, "2022-02-01")
            with s.transaction():  # REPLACE through the store's own connection fires the delete triggers too
                s.db.execute("INSERT OR REPLACE INTO memberships (article_id, story_id, assigned_at) "
                             "VALUES ('a', 'claimed', ?)", (now,))
            assert_stats_right(s)
            assert s.story_rows() == old_story_rows(s) == [("claimed", "C")]
    finally:
        raw.close()
