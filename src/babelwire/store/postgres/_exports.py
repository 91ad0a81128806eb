"""Export pages in PostgreSQL: stories by id and articles by ingest order, each page resuming after the last."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

__all__ = ["PgExports"]

_ARTICLE_KEYS = ("seq", "id", "source", "origin", "format", "url", "title", "text", "lang", "lang_confidence",
                 "published", "published_provenance", "published_confidence", "read_at", "ingested_at",
                 "content_hash", "embed_hash", "story_id", "score", "decision", "copy_of", "copy_kind",
                 "copy_similarity", "assigned_at")


class PgExports:
    """The export part of the store (``ExportStore``)."""

    _q: Callable[..., Any]
    conn: Any

    def export_story_page(
        self,
        *,
        after: str | None = None,
        limit: int = 1000,
        lang: str | None = None,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        story_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Return up to ``limit`` stories holding at least one article (id, headline, created_at, updated_at),
        by id, after the id ``after``, matching the filters as ``story_rows`` does."""
        # One EXISTS per filter, as SQLite's part: a story with a German article and an article from
        # that source matches, whether or not it is the same article.
        where, params = ["s.id > %s"], [after or ""]
        conditions: list[tuple[str, str]] = [("", "")]  # at least one member
        if lang:
            conditions.append(("a.lang = %s", lang))
        if source:
            conditions.append(("a.source = %s", source))
        if since:
            conditions.append(("a.published >= %s", since))
        if until:
            conditions.append(("a.published <= %s", until + "~"))
        for cond, value in conditions:
            where.append("EXISTS (SELECT 1 FROM memberships m JOIN articles a ON a.id = m.article_id "
                         f"WHERE m.story_id = s.id{' AND ' + cond if cond else ''})")
            if cond:
                params.append(value)
        if story_id is not None:
            where.append("s.id = %s")
            params.append(story_id)
        rows = self._q(
            f"SELECT s.id, s.headline, s.created_at, s.updated_at FROM stories s WHERE {' AND '.join(where)} "
            "ORDER BY s.id LIMIT %s", [*params, limit]).fetchall()
        return [{"id": i, "headline": h, "created_at": c, "updated_at": u} for i, h, c, u in rows]

    def story_members_of(self, story_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Return ``story_members`` of each of ``story_ids`` (those with members), in one pass."""
        out: dict[str, list[dict[str, Any]]] = {}
        ids = list(dict.fromkeys(story_ids))
        if not ids:
            return out
        rows = self._q(
            """SELECT m.story_id, a.id, a.source, a.lang, a.title, a.published, a.origin, a.url,
                      m.copy_of, m.copy_kind, a.meta::json -> 'source_known'
               FROM memberships m JOIN articles a ON a.id = m.article_id
               WHERE m.story_id = ANY(%s::text[])
               ORDER BY m.story_id, coalesce(a.published, '9999'), a.seq""", (ids,)).fetchall()
        for sid, aid, s, la, t, p, o, u, c, k, sk in rows:
            out.setdefault(sid, []).append(
                {"id": aid, "source": s, "lang": la, "title": t, "published": p, "path": o, "url": u,
                 "copy_of": c, "copy_kind": k, "source_known": True if sk is None else bool(sk)})
        return out

    def export_article_page(
        self,
        *,
        after_seq: int = 0,
        limit: int = 1000,
        lang: str | None = None,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        story_id: str | None = None,
        evidence: bool = False,
    ) -> list[dict[str, Any]]:
        """Return up to ``limit`` articles after ingest sequence number ``after_seq``, in ingest order, each with
        its membership (``story_id``, ``score``, ``decision``, ``copy_of``, ``copy_kind``, ``copy_similarity``,
        ``assigned_at``; None when it has none) and, with ``evidence``, the parsed evidence."""
        where: list[str] = ["a.seq > %s"]
        params: list[Any] = [after_seq]
        for cond, value in (("a.lang = %s", lang), ("a.source = %s", source), ("a.published >= %s", since),
                            ("a.published <= %s", until + "~" if until else None), ("m.story_id = %s", story_id)):
            if value:
                where.append(cond)
                params.append(value)
        rows = self._q(
            f"""SELECT a.seq, a.id, a.source, a.origin, a.format, a.url, a.title, a.text, a.lang, a.lang_confidence,
                       a.published, a.published_provenance, a.published_confidence, a.read_at, a.ingested_at,
                       a.content_hash, a.embed_hash, m.story_id, m.score, m.decision, m.copy_of, m.copy_kind,
                       m.copy_similarity, m.assigned_at{', m.evidence' if evidence else ''}
                FROM articles a LEFT JOIN memberships m ON m.article_id = a.id
                WHERE {' AND '.join(where)} ORDER BY a.seq LIMIT %s""", [*params, limit]).fetchall()
        out = []
        for r in rows:
            row = dict(zip(_ARTICLE_KEYS, r[: len(_ARTICLE_KEYS)], strict=True))
            if evidence:
                row["evidence"] = json.loads(r[-1]) if r[-1] is not None else None
            out.append(row)
        return out

    def vector_dim(self, *, encoder: str) -> int | None:
        """Return the length of ``encoder``'s article vectors, or None when it has made none."""
        row = self._q("SELECT dim FROM embeddings WHERE encoder = %s AND kind = 'passage' LIMIT 1",
                      (encoder,)).fetchone()
        return int(row[0]) if row else None

    @contextmanager
    def read_snapshot(self) -> Iterator[None]:
        """Run the block's reads on one snapshot of the store: what others commit meanwhile is not seen.

        A read-only REPEATABLE READ transaction (writers in other processes go on beside it). It takes
        no lock a thread owns, as an export's pages may be read from different threads; inside a
        transaction already (a write batch, or another snapshot), it joins it.
        """
        from psycopg.pq import TransactionStatus

        if self.conn.info.transaction_status != TransactionStatus.IDLE:
            yield
            return
        with self.conn.transaction():
            self._q("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            self._q("SELECT count(*) FROM stories").fetchone()  # the snapshot starts at the first read
            yield
