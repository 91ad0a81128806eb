"""Articles in PostgreSQL: raw input beside the clean text, in ingest order (``seq``), with keyword search over
a `simple` text index (any language) and title trigrams."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from ...errors import NotFound
from ...model import Article, Removed
from ..sqlite._connection import now as _now
from ._migrations import ARTICLE_DOCUMENT

__all__ = ["PgArticles"]

_COLUMNS = ("id", "source", "origin", "format", "url", "title", "text", "raw", "lang", "lang_confidence",
            "published", "published_provenance", "published_confidence", "removed", "meta")
_SELECT = ", ".join(_COLUMNS) + ", read_at"
_WORD = re.compile(r"\w+")


def _text(value: str | None) -> str | None:
    # PostgreSQL text cannot hold NUL; SQLite can. A stray one in scraped input is dropped, not a failed batch.
    return value.replace("\x00", "") if value and "\x00" in value else value


class PgArticles:
    """The articles part of the store (``ArticleStore``)."""

    _q: Callable[..., Any]
    transaction: Callable[[], AbstractContextManager[None]]

    def has_article(self, article_id: str) -> bool:
        """Return True when an article with this id is stored."""
        return self._q("SELECT 1 FROM articles WHERE id = %s", (article_id,)).fetchone() is not None

    def find_by_content(self, content_hash: str) -> str | None:
        """Return the id of a stored article with this clean content hash, if any."""
        row = self._q("SELECT id FROM articles WHERE content_hash = %s LIMIT 1", (content_hash,)).fetchone()
        return row[0] if row else None

    def add_article(self, article: Article, *, embed_hash: str) -> None:
        """Store a cleaned article (raw input kept beside the clean text)."""
        with self.transaction():
            self._q(
                """INSERT INTO articles (id, source, origin, format, url, title, text, raw, lang, lang_confidence,
                       published, published_provenance, published_confidence, removed, meta, content_hash,
                       embed_hash, read_at, ingested_at, seq)
                   VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,
                           (SELECT coalesce(max(seq), 0) + 1 FROM articles))""",
                (
                    _text(article.id), _text(article.source), _text(article.origin), article.format,
                    _text(article.url), _text(article.title), _text(article.text), _text(article.raw),
                    article.lang, article.lang_confidence, _text(article.published),
                    article.published_provenance, article.published_confidence,
                    json.dumps([{"line": r.line, "reason": r.reason} for r in article.removed], ensure_ascii=False),
                    json.dumps(article.meta, ensure_ascii=False, default=str),
                    article.content_hash, embed_hash, article.read_at.isoformat(), _now(),
                ),
            )

    def get_article(self, article_id: str) -> Article:
        """Return the stored article; raises NotFound."""
        row = self._q(f"SELECT {_SELECT} FROM articles WHERE id = %s", (article_id,)).fetchone()
        if row is None:
            raise NotFound(f"no article with id {article_id!r}")
        return self._article(row)

    @staticmethod
    def _article(row: Sequence[Any]) -> Article:
        r = dict(zip((*_COLUMNS, "read_at"), row, strict=True))
        return Article(
            id=r["id"], source=r["source"], origin=r["origin"], format=r["format"],
            read_at=datetime.fromisoformat(r["read_at"]), raw=r["raw"], title=r["title"], text=r["text"],
            lang=r["lang"], lang_confidence=r["lang_confidence"] or 0.0, published=r["published"],
            published_provenance=r["published_provenance"],
            published_confidence=r["published_confidence"] or 0.0, url=r["url"],
            removed=[Removed(**d) for d in json.loads(r["removed"])], meta=json.loads(r["meta"]),
        )

    def iter_articles(self, ids: Sequence[str] | None = None) -> Iterator[Article]:
        """Yield stored articles (all, or those in ``ids``) in ingest order."""
        if ids is None:
            rows = self._q(f"SELECT {_SELECT} FROM articles ORDER BY seq").fetchall()
        else:
            rows = self._q(f"SELECT {_SELECT} FROM articles WHERE id = ANY(%s) ORDER BY seq", (list(ids),)).fetchall()
        for row in rows:
            yield self._article(row)

    def has_articles(self) -> bool:
        """Return True when any article is stored (cheaper than counting them)."""
        return self._q("SELECT 1 FROM articles LIMIT 1").fetchone() is not None

    def article_count(self) -> int:
        """Return how many articles are stored."""
        return int(self._q("SELECT count(*) FROM articles").fetchone()[0])

    def article_rows(self) -> list[dict[str, Any]]:
        """Return id, embed hash, publication date, story and copy relation (``copy_of``, ``copy_kind``,
        ``copy_similarity``; None for originals) of every article, in ingest order."""
        rows = self._q(
            """SELECT a.id, a.embed_hash, a.published, m.story_id, m.copy_of, m.copy_kind, m.copy_similarity
               FROM articles a LEFT JOIN memberships m ON m.article_id = a.id ORDER BY a.seq"""
        ).fetchall()
        keys = ("id", "embed_hash", "published", "story_id", "copy_of", "copy_kind", "copy_similarity")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def article_titles(self) -> list[dict[str, Any]]:
        """Return the id and title of every article, in ingest order."""
        return [{"id": i, "title": t} for i, t in self._q("SELECT id, title FROM articles ORDER BY seq")]

    def version(self) -> tuple[int, int]:
        """Return ``(article count, newest ingest sequence number)``: it changes whenever articles are added or
        removed (for caches)."""
        n, top = self._q("SELECT count(*), coalesce(max(seq), 0) FROM articles").fetchone()
        return int(n), int(top)

    def keyword_search(self, terms: Sequence[str], *, limit: int = 50) -> list[tuple[str, float]]:
        """Return ``(article_id, rank)`` for articles whose title or text has any of ``terms`` (word prefixes,
        case ignored; titles also match near-miss spellings by trigrams), best first; lower rank is better."""
        words = [[w.lower() for w in _WORD.findall(t)] for t in terms if t]
        words = [ws for ws in words if ws]
        if not words:
            return []
        # each term's words must all be there (as prefixes); any term will do
        query = " | ".join("(" + " & ".join("'" + w.replace("'", "''") + "':*" for w in ws) + ")" for ws in words)
        phrases = [" ".join(ws) for ws in words]
        rows = self._q(
            f"""SELECT id, -(ts_rank({ARTICLE_DOCUMENT}, q)
                            + (SELECT max(word_similarity(p, title)) FROM unnest(%(phrases)s::text[]) p)) AS r
                FROM articles, to_tsquery('simple', %(query)s) q
                WHERE {ARTICLE_DOCUMENT} @@ q OR title %%> ANY(%(phrases)s::text[])
                ORDER BY r, seq LIMIT %(limit)s""",
            {"query": query, "phrases": phrases, "limit": limit},
        ).fetchall()
        return [(i, float(r)) for i, r in rows]

    def article_summary_rows(
        self, *, lang: str | None = None, source: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[tuple]:
        """Return (id, source, lang, title, published, origin, url, story_id) of articles, newest ingested first."""
        where, params = [], []
        for col, val in (("a.lang", lang), ("a.source", source)):
            if val:
                where.append(f"{col} = %s")
                params.append(val)
        rows = self._q(
            f"""SELECT a.id, a.source, a.lang, a.title, a.published, a.origin, a.url, m.story_id
                FROM articles a LEFT JOIN memberships m ON m.article_id = a.id
                {"WHERE " + " AND ".join(where) if where else ""}
                ORDER BY a.seq DESC LIMIT %s OFFSET %s""",
            [*params, limit, offset],
        ).fetchall()
        return [tuple(r) for r in rows]

    def value_counts(self, column: str) -> list[tuple[str, int]]:
        """Return the values of ``column`` (``lang`` or ``source``) among stored articles with their article
        counts, most common first."""
        if column not in ("lang", "source"):
            raise ValueError(f"no counts by {column!r}")
        # kept by a trigger (m013_facet_counts): a few rows, not a count over every article
        return [(v, int(n)) for v, n in self._q(
            "SELECT value, articles FROM facet_counts WHERE facet = %s AND articles > 0 ORDER BY articles DESC, value",
            (column,))]
