"""Articles in SQLite: raw input beside the clean text, in ingest order (``seq``), with full-text search."""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from ...errors import NotFound
from ...model import Article, Removed
from ._connection import now as _now

__all__ = ["SqliteArticles"]


class SqliteArticles:
    """The articles part of the store (``ArticleStore``)."""

    db: sqlite3.Connection

    def has_article(self, article_id: str) -> bool:
        """Return True when an article with this id is stored."""
        return self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def find_by_content(self, content_hash: str) -> str | None:
        """Return the id of a stored article with this clean content hash, if any."""
        row = self.db.execute("SELECT id FROM articles WHERE content_hash = ? LIMIT 1", (content_hash,)).fetchone()
        return row[0] if row else None

    def add_article(self, article: Article, *, embed_hash: str) -> None:
        """Store a cleaned article (raw input kept beside the clean text)."""
        self.db.execute(
            """INSERT INTO articles (id, source, origin, format, url, title, text, raw, lang, lang_confidence,
                   published, published_provenance, published_confidence, removed, meta, content_hash,
                   embed_hash, read_at, ingested_at, seq)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,(SELECT coalesce(max(seq), 0) + 1 FROM articles))""",
            (
                article.id,
                article.source,
                article.origin,
                article.format,
                article.url,
                article.title,
                article.text,
                article.raw,
                article.lang,
                article.lang_confidence,
                article.published,
                article.published_provenance,
                article.published_confidence,
                json.dumps([{"line": r.line, "reason": r.reason} for r in article.removed], ensure_ascii=False),
                json.dumps(article.meta, ensure_ascii=False, default=str),
                article.content_hash,
                embed_hash,
                article.read_at.isoformat(),
                _now(),
            ),
        )

    def get_article(self, article_id: str) -> Article:
        """Return the stored article; raises NotFound."""
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise NotFound(f"no article with id {article_id!r}")
        return self._article(row)

    @functools.cached_property
    def _article_columns(self) -> list[str]:
        return [d[0] for d in self.db.execute("SELECT * FROM articles LIMIT 0").description]

    def _article(self, row: sqlite3.Row | tuple) -> Article:
        r = dict(zip(self._article_columns, row, strict=True))
        return Article(
            id=r["id"],
            source=r["source"],
            origin=r["origin"],
            format=r["format"],
            read_at=datetime.fromisoformat(r["read_at"]),
            raw=r["raw"],
            title=r["title"],
            text=r["text"],
            lang=r["lang"],
            lang_confidence=r["lang_confidence"] or 0.0,
            published=r["published"],
            published_provenance=r["published_provenance"],
            published_confidence=r["published_confidence"] or 0.0,
            url=r["url"],
            removed=[Removed(**d) for d in json.loads(r["removed"])],
            meta=json.loads(r["meta"]),
        )

    def iter_articles(self, ids: Sequence[str] | None = None) -> Iterator[Article]:
        """Yield stored articles (all, or those in ``ids``) in ingest order."""
        if ids is None:
            rows = self.db.execute("SELECT * FROM articles ORDER BY seq")
        else:
            q = ",".join("?" * len(ids))
            rows = self.db.execute(f"SELECT * FROM articles WHERE id IN ({q}) ORDER BY seq", list(ids))
        for row in rows.fetchall():
            yield self._article(row)

    def has_articles(self) -> bool:
        """Return True when any article is stored (cheaper than counting them)."""
        return self.db.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is not None

    def article_count(self) -> int:
        """Return how many articles are stored."""
        return self.db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def article_rows(self) -> list[dict[str, Any]]:
        """Return id, embed hash, publication date, story and copy relation (``copy_of``, ``copy_kind``,
        ``copy_similarity``; None for originals) of every article, in ingest order."""
        rows = self.db.execute(
            """SELECT a.id, a.embed_hash, a.published, m.story_id, m.copy_of, m.copy_kind, m.copy_similarity
               FROM articles a LEFT JOIN memberships m ON m.article_id = a.id ORDER BY a.seq"""
        ).fetchall()
        keys = ("id", "embed_hash", "published", "story_id", "copy_of", "copy_kind", "copy_similarity")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def article_titles(self) -> list[dict[str, Any]]:
        """Return the id and title of every article, in ingest order."""
        return [{"id": i, "title": t} for i, t in self.db.execute("SELECT id, title FROM articles ORDER BY seq")]

    def version(self) -> tuple[int, int]:
        """Return ``(article count, newest ingest sequence number)``: it changes whenever articles are added or
        removed (for caches)."""
        n, top = self.db.execute("SELECT count(*), coalesce(max(seq), 0) FROM articles").fetchone()
        return int(n), int(top)

    def keyword_search(self, terms: Sequence[str], *, limit: int = 50) -> list[tuple[str, float]]:
        """Return ``(article_id, rank)`` for articles whose title or text has any of ``terms``
        (word prefixes, case and diacritics ignored), best first; lower rank is better."""
        terms = [t for t in terms if t]
        if not terms:
            return []
        if self._has_fts():
            match = " OR ".join('"' + t.replace('"', '""') + '"*' for t in terms)
            rows = self.db.execute(
                "SELECT id, bm25(articles_fts, 0, 2.0, 1.0) AS r FROM articles_fts "
                "WHERE articles_fts MATCH ? ORDER BY r LIMIT ?",
                (match, limit),
            ).fetchall()
            return [(i, float(r)) for i, r in rows]
        # No FTS5 in this SQLite: count matching terms with LIKE.
        score = " + ".join("((title || ' ' || text) LIKE ?)" for _ in terms)
        rows = self.db.execute(
            f"SELECT id, -({score}) AS r FROM articles WHERE r < 0 ORDER BY r, seq LIMIT ?",
            [*(f"%{t}%" for t in terms), limit],
        ).fetchall()
        return [(i, float(r)) for i, r in rows]

    def _has_fts(self) -> bool:
        return self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles_fts'").fetchone() is not None

    def article_summary_rows(
        self, *, lang: str | None = None, source: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[tuple]:
        """Return (id, source, lang, title, published, origin, url, story_id) of articles, newest ingested first."""
        where, params = [], []
        for col, val in (("a.lang", lang), ("a.source", source)):
            if val:
                where.append(f"{col} = ?")
                params.append(val)
        rows = self.db.execute(
            f"""SELECT a.id, a.source, a.lang, a.title, a.published, a.origin, a.url, m.story_id
                FROM articles a LEFT JOIN memberships m ON m.article_id = a.id
                {"WHERE " + " AND ".join(where) if where else ""}
                ORDER BY a.seq DESC LIMIT ? OFFSET ?""",
            [*params, limit, offset],
        ).fetchall()
        return [tuple(r) for r in rows]

    def value_counts(self, column: str) -> list[tuple[str, int]]:
        """Return the values of ``column`` (``lang`` or ``source``) among stored articles with their article
        counts, most common first."""
        if column not in ("lang", "source"):
            raise ValueError(f"no counts by {column!r}")
        # kept by triggers (m013_facet_counts): a few rows, not a count over every article
        return [tuple(r) for r in self.db.execute(
            "SELECT value, articles FROM facet_counts WHERE facet = ? AND articles > 0 ORDER BY articles DESC, value",
            (column,))]
