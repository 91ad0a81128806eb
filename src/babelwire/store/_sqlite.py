"""The SQLite store: articles (raw and clean), stories, memberships, embeddings, rejections."""

from __future__ import annotations

import functools
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import NotFound, StoreError
from ..model import Article, Rejection, Removed
from ._migrations import migrate
from ._signals import SqliteSignals

__all__ = ["Store", "default_db_path"]

log = logging.getLogger(__name__)


def default_db_path() -> str:
    """Return the store path: ``$BABELWIRE_DB`` or ``./babelwire.db``."""
    from .. import settings

    return settings.get("db") or "babelwire.db"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store(SqliteSignals):
    """A babelwire store in one SQLite file (WAL mode); ``":memory:"`` for tests.

    All writes of one batch go through :meth:`transaction`, so an interrupted
    ingest never leaves half an article.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, check_same_thread: bool = True) -> None:
        self.path = str(path or default_db_path())
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=check_same_thread)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA busy_timeout = 10000")
            if self.path != ":memory:":
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = NORMAL")
            self.migrations_applied = migrate(self.db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable babelwire store ({exc})") from exc
        self._depth = 0
        self._lock = threading.RLock()
        self.closed = False

    # -- lifecycle -----------------------------------------------------------------
    def close(self) -> None:
        """Close the connection."""
        self.db.close()
        self.closed = True

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block in one transaction (nested blocks join the outer one)."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self.db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            else:
                self.db.execute("COMMIT")
            finally:
                self._depth = 0

    # -- articles ------------------------------------------------------------------
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

    # -- rejections ----------------------------------------------------------------
    def add_rejection(self, rejection: Rejection) -> None:
        """Record an input that was not stored, with its reason."""
        self.db.execute(
            "INSERT INTO rejected (origin, article_id, reason, at) VALUES (?,?,?,?)",
            (rejection.origin, rejection.id, rejection.reason, _now()),
        )

    def rejections(self, limit: int = 100) -> list[Rejection]:
        """Return the most recent rejections, newest first."""
        rows = self.db.execute(
            "SELECT origin, reason, article_id FROM rejected ORDER BY rowid DESC LIMIT ?", (limit,)
        ).fetchall()
        return [Rejection(origin=o, reason=r, id=i) for o, r, i in rows]

    def add_duplicate(self, article_id: str, origin: str, duplicate_of: str, reason: str) -> None:
        """Record an input recognised as a duplicate of a stored article (not stored again)."""
        self.db.execute(
            "INSERT INTO duplicates (article_id, origin, duplicate_of, reason, at) VALUES (?,?,?,?,?)",
            (article_id, origin, duplicate_of, reason, _now()),
        )

    # -- embeddings ----------------------------------------------------------------
    def get_vectors(self, hashes: Iterable[str], *, encoder: str, kind: str = "passage") -> dict[str, np.ndarray]:
        """Return the cached vectors for ``hashes`` made by ``encoder`` (missing ones absent)."""
        hashes = list(dict.fromkeys(hashes))
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(hashes), 500):
            part = hashes[i : i + 500]
            q = ",".join("?" * len(part))
            for h, blob in self.db.execute(
                f"SELECT content_hash, vector FROM embeddings WHERE encoder = ? AND kind = ? AND content_hash IN ({q})",
                [encoder, kind, *part],
            ):
                out[h] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_vectors(self, vectors: dict[str, np.ndarray], *, encoder: str, kind: str = "passage") -> None:
        """Cache vectors by content hash for ``encoder``."""
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO embeddings (content_hash, encoder, kind, dim, vector) VALUES (?,?,?,?,?)",
                [(h, encoder, kind, int(v.shape[0]), np.asarray(v, np.float32).tobytes()) for h, v in vectors.items()],
            )

    def encoders_used(self) -> dict[str, int]:
        """Return how many cached vectors each encoder fingerprint has made."""
        return dict(self.db.execute("SELECT encoder, count(*) FROM embeddings GROUP BY encoder").fetchall())

    # -- stories -------------------------------------------------------------------
    def upsert_story(self, story_id: str, headline: str) -> None:
        """Create the story or update its headline; an id in use again no longer redirects."""
        now = _now()
        self.db.execute("DELETE FROM story_redirects WHERE old_id = ?", (story_id,))
        self.db.execute(
            """INSERT INTO stories (id, headline, created_at, updated_at) VALUES (?,?,?,?)
               ON CONFLICT(id) DO UPDATE SET headline = excluded.headline, updated_at = excluded.updated_at""",
            (story_id, headline, now, now),
        )

    def assign(self, article_id: str, story_id: str, *, score: float | None, evidence: dict[str, Any]) -> None:
        """Put an article in a story (replacing any earlier membership), with the evidence why.

        The decision and the copy relation the clusterer put in ``evidence`` are also written as
        columns (``decision``, ``copy_of``, ``copy_kind``, ``copy_similarity``): what programs read back.
        """
        decision = evidence.get("reason") or ("moved" if "moved" in evidence else "scored")
        self.db.execute(
            """INSERT INTO memberships (article_id, story_id, score, evidence, assigned_at,
                   copy_of, copy_kind, copy_similarity, decision) VALUES (?,?,?,?,?,?,?,?,?)
               ON CONFLICT(article_id) DO UPDATE SET story_id = excluded.story_id, score = excluded.score,
               evidence = excluded.evidence, assigned_at = excluded.assigned_at, copy_of = excluded.copy_of,
               copy_kind = excluded.copy_kind, copy_similarity = excluded.copy_similarity,
               decision = excluded.decision""",
            (article_id, story_id, score, json.dumps(evidence, ensure_ascii=False, default=float), _now(),
             evidence.get("copy_of"), evidence.get("copy_kind"), evidence.get("copy_similarity"), decision),
        )

    def drop_empty_stories(self) -> int:
        """Delete stories left without members; return how many."""
        cur = self.db.execute("DELETE FROM stories WHERE id NOT IN (SELECT DISTINCT story_id FROM memberships)")
        return cur.rowcount

    def membership(self, article_id: str) -> dict[str, Any] | None:
        """Return ``{"story_id", "score", "evidence"}`` for an article, or None."""
        row = self.db.execute(
            "SELECT story_id, score, evidence FROM memberships WHERE article_id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return None
        return {"story_id": row[0], "score": row[1], "evidence": json.loads(row[2])}

    def story_exists(self, story_id: str) -> bool:
        """Return True when the story exists."""
        return self.db.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone() is not None

    def story_members(self, story_id: str) -> list[dict[str, Any]]:
        """Return the story's articles (id, source, lang, title, published, path, url, copy_of), oldest first."""
        rows = self.db.execute(
            """SELECT a.id, a.source, a.lang, a.title, a.published, a.origin, a.url,
                      m.copy_of, m.copy_kind, coalesce(json_extract(a.meta, '$.source_known'), 1)
               FROM memberships m JOIN articles a ON a.id = m.article_id
               WHERE m.story_id = ? ORDER BY coalesce(a.published, '9999'), a.seq""",
            (story_id,),
        ).fetchall()
        return [
            {"id": i, "source": s, "lang": la, "title": t, "published": p, "path": o, "url": u,
             "copy_of": c, "copy_kind": k, "source_known": bool(sk)}
            for i, s, la, t, p, o, u, c, k, sk in rows
        ]

    def story(self, story_id: str) -> dict[str, Any]:
        """Return one story in the JSON contract's shape, following merge redirects; raises NotFound."""
        story_id = self.resolve_story(story_id)
        row = self.db.execute("SELECT id, headline FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            raise NotFound(f"no story with id {story_id!r}")
        return self._story_dict(row[0], row[1])

    def _story_dict(self, story_id: str, headline: str) -> dict[str, Any]:
        members = self.story_members(story_id)
        dates = sorted(m["published"] for m in members if m["published"])
        langs = sorted({m["lang"] for m in members if m["lang"]})
        sources = sorted({m["source"] for m in members})
        # Independent sources: distinct outlets among the originals; an original whose outlet is
        # unknown (only its folder is) counts on its own.
        originals = [m for m in members if not m["copy_of"]]
        independent = len({m["source"] for m in originals if m["source_known"]}) + sum(
            1 for m in originals if not m["source_known"])
        return {
            "id": story_id,
            "headline": headline,
            "languages": langs,
            "article_count": len(members),
            "first_published": dates[0] if dates else None,
            "last_published": dates[-1] if dates else None,
            "sources": sources,
            "independent_sources": independent,
            "copies": sum(1 for m in members if m["copy_of"]),
            "articles": [
                {k: m[k] for k in ("id", "source", "lang", "title", "published", "path", "copy_of")} for m in members
            ],
        }

    def stories(
        self,
        *,
        article_ids: Iterable[str] | None = None,
        lang: str | None = None,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Return stories, most recently published first, optionally only those holding ``article_ids``
        or matching a language, source or publication-date range."""
        where, params = [], []
        if article_ids is not None:
            ids = list(article_ids)
            if not ids:
                return []
            where.append(f"s.id IN (SELECT story_id FROM memberships WHERE article_id IN ({','.join('?' * len(ids))}))")
            params += ids
        for col, val in (("a.lang", lang), ("a.source", source)):
            if val:
                where.append(
                    "s.id IN (SELECT m.story_id FROM memberships m JOIN articles a ON a.id = m.article_id "
                    f"WHERE {col} = ?)"
                )
                params.append(val)
        if since:
            where.append("last_pub >= ?")
            params.append(since)
        if until:
            where.append("first_pub <= ?")
            params.append(until + "~")
        sql = f"""SELECT s.id, s.headline FROM stories s
                  JOIN (SELECT m.story_id, max(a.published) AS last_pub, min(a.published) AS first_pub,
                               count(*) AS n, max(a.seq) AS newest
                        FROM memberships m JOIN articles a ON a.id = m.article_id GROUP BY m.story_id) x
                    ON x.story_id = s.id
                  {"WHERE " + " AND ".join(where) if where else ""}
                  ORDER BY coalesce(x.last_pub, '') DESC, x.n DESC, x.newest DESC
                  LIMIT ? OFFSET ?"""
        rows = self.db.execute(sql, [*params, -1 if limit is None else limit, offset]).fetchall()
        return [self._story_dict(i, h) for i, h in rows]

    def story_count(self) -> int:
        """Return how many stories exist."""
        return self.db.execute("SELECT count(*) FROM stories").fetchone()[0]

    # -- merges, splits, corrections -------------------------------------------------------
    def resolve_story(self, story_id: str) -> str:
        """Return the current id of a story, following merge redirects (unknown ids come back unchanged)."""
        seen = set()
        while story_id not in seen:
            seen.add(story_id)
            row = self.db.execute("SELECT new_id FROM story_redirects WHERE old_id = ?", (story_id,)).fetchone()
            if row is None:
                return story_id
            story_id = row[0]
        return story_id

    def add_redirect(self, old_id: str, new_id: str) -> None:
        """Record that ``old_id`` now lives on as ``new_id``."""
        self.db.execute(
            "INSERT INTO story_redirects (old_id, new_id, at) VALUES (?,?,?) "
            "ON CONFLICT(old_id) DO UPDATE SET new_id = excluded.new_id, at = excluded.at",
            (old_id, new_id, _now()),
        )
        self.db.execute("DELETE FROM story_redirects WHERE old_id = ?", (new_id,))

    def audit(self, action: str, story_id: str | None, details: dict[str, Any]) -> None:
        """Append an entry to the audit log."""
        self.db.execute(
            "INSERT INTO audit_log (at, action, story_id, details) VALUES (?,?,?,?)",
            (_now(), action, story_id, json.dumps(details, ensure_ascii=False, default=str)),
        )

    def audit_log(self, *, story_id: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Return audit entries, newest first (optionally for one story)."""
        q = "SELECT at, action, story_id, details FROM audit_log"
        params: list[Any] = []
        if story_id:
            q += " WHERE story_id = ? OR details LIKE ?"
            params += [story_id, f"%{story_id}%"]
        rows = self.db.execute(q + " ORDER BY rowid DESC LIMIT ?", [*params, limit]).fetchall()
        return [{"at": a, "action": b, "story_id": c, "details": json.loads(d)} for a, b, c, d in rows]

    def add_constraint(self, kind: str, a: str, b: str) -> None:
        """Record a user correction: ``link`` (same story) or ``unlink`` (not the same story)."""
        self.db.execute("INSERT INTO constraints (kind, a, b, at) VALUES (?,?,?,?)", (kind, a, b, _now()))

    def constraints(self) -> list[tuple[str, str, str]]:
        """Return every recorded correction as (kind, a, b), oldest first."""
        return [tuple(r) for r in self.db.execute("SELECT kind, a, b FROM constraints ORDER BY rowid")]

    def delete_story(self, story_id: str) -> None:
        """Delete a story row (its members must have moved)."""
        self.db.execute("DELETE FROM stories WHERE id = ?", (story_id,))

    # -- per-source line memory (cleaning) -----------------------------------------------
    def line_documents(self, source: str) -> int:
        """Return how many articles of ``source`` the cleaner has observed."""
        row = self.db.execute("SELECT documents FROM source_docs WHERE source = ?", (source,)).fetchone()
        return row[0] if row else 0

    def line_count(self, source: str, key: str) -> int:
        """Return in how many observed articles of ``source`` the line ``key`` occurred."""
        row = self.db.execute("SELECT count FROM source_lines WHERE source = ? AND key = ?", (source, key)).fetchone()
        return row[0] if row else 0

    def line_observe(self, source: str, keys: Iterable[str]) -> None:
        """Record the distinct line keys of one more article of ``source``."""
        with self.transaction():
            self.db.execute(
                """INSERT INTO source_docs (source, documents) VALUES (?, 1)
                   ON CONFLICT(source) DO UPDATE SET documents = documents + 1""",
                (source,),
            )
            self.db.executemany(
                """INSERT INTO source_lines (source, key, count) VALUES (?, ?, 1)
                   ON CONFLICT(source, key) DO UPDATE SET count = count + 1""",
                [(source, k) for k in set(keys)],
            )

    # -- settings ------------------------------------------------------------------
    def get_setting(self, name: str) -> str | None:
        """Return a value stored with the database (e.g. the encoder it was built with)."""
        row = self.db.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_setting(self, name: str, value: str) -> None:
        """Store a value with the database."""
        self.db.execute(
            "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    # -- search and web views (issue 6) ----------------------------------------------------
    def article_vectors(self, *, encoder: str) -> tuple[list[str], np.ndarray]:
        """Return the ids of the articles with a cached ``encoder`` vector and those vectors, one row each."""
        rows = self.db.execute(
            """SELECT a.id, e.vector FROM articles a
               JOIN embeddings e ON e.content_hash = a.embed_hash AND e.encoder = ? AND e.kind = 'passage'
               ORDER BY a.seq""",
            (encoder,),
        ).fetchall()
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32)
        return [r[0] for r in rows], np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in rows])

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

    def evidence_of(self, article_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Return the membership evidence of each of ``article_ids`` that has a story."""
        ids = list(dict.fromkeys(article_ids))
        out: dict[str, dict[str, Any]] = {}
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            q = ",".join("?" * len(part))
            for aid, ev in self.db.execute(
                f"SELECT article_id, evidence FROM memberships WHERE article_id IN ({q})", part
            ):
                out[aid] = json.loads(ev)
        return out

    def facets(self) -> dict[str, list[tuple[str, int]]]:
        """Return the languages and sources of stored articles with their article counts, most common first."""
        out: dict[str, list[tuple[str, int]]] = {}
        for col in ("lang", "source"):
            out[col] = [
                (v, n)
                for v, n in self.db.execute(
                    f"SELECT {col}, count(*) AS n FROM articles WHERE {col} IS NOT NULL GROUP BY {col} "
                    f"ORDER BY n DESC, {col}"
                )
            ]
        return out

    def version(self) -> tuple[int, int]:
        """Return a value that changes whenever articles are added or removed (for caches)."""
        n, top = self.db.execute("SELECT count(*), coalesce(max(seq), 0) FROM articles").fetchone()
        return int(n), int(top)

    def article_summaries(
        self, *, lang: str | None = None, source: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[dict[str, Any]]:
        """Return articles (id, source, lang, title, published, path, url, story_id), newest ingested first."""
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
        keys = ("id", "source", "lang", "title", "published", "path", "url", "story_id")
        return [dict(zip(keys, r, strict=True)) for r in rows]
