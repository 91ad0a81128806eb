"""Stories and memberships in SQLite: which story each article is in, why, and the decision columns."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ._connection import now as _now

__all__ = ["SqliteStories"]


class SqliteStories:
    """The stories-and-memberships part of the store (``StoryStore``)."""

    db: sqlite3.Connection
    resolve_story: Callable[[str], str]

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

    def stories_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Return article id -> story id for those of ``article_ids`` in a story (one query per 500 ids)."""
        out: dict[str, str] = {}
        ids = list(article_ids)
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            out.update(self.db.execute(
                f"SELECT article_id, story_id FROM memberships WHERE article_id IN ({','.join('?' * len(part))})",
                part).fetchall())
        return out

    def story_ids(self) -> set[str]:
        """Return the ids of the stories that hold at least one article."""
        return {r[0] for r in self.db.execute("SELECT DISTINCT story_id FROM memberships")}

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

    def story_row(self, story_id: str) -> tuple[str, str] | None:
        """Return ``(id, headline)`` of the story, following merge redirects, or None."""
        return self.db.execute("SELECT id, headline FROM stories WHERE id = ?",
                               (self.resolve_story(story_id),)).fetchone()

    def story_rows(
        self,
        *,
        article_ids: Iterable[str] | None = None,
        lang: str | None = None,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[tuple[str, str]]:
        """Return ``(id, headline)`` of stories, most recently published first, optionally only those holding
        ``article_ids`` or matching a language, source or publication-date range."""
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
            where.append("s.last_pub >= ?")
            params.append(since)
        if until:
            where.append("s.first_pub <= ?")
            params.append(until + "~")
        # the summary columns the database keeps (m012_story_stats), in the order of the index stories_listed
        sql = f"""SELECT s.id, s.headline FROM stories s
                  WHERE s.article_count > 0{"".join(" AND " + w for w in where)}
                  ORDER BY coalesce(s.last_pub, '') DESC, s.article_count DESC, s.newest_seq DESC
                  LIMIT ? OFFSET ?"""
        return [tuple(r) for r in self.db.execute(sql, [*params, -1 if limit is None else limit, offset])]

    def story_count(self) -> int:
        """Return how many stories exist."""
        return self.db.execute("SELECT count(*) FROM stories").fetchone()[0]

    def delete_story(self, story_id: str) -> None:
        """Delete a story row (its members must have moved)."""
        self.db.execute("DELETE FROM stories WHERE id = ?", (story_id,))

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
