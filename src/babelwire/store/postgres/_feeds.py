"""Feeds of work in PostgreSQL: rejected inputs, duplicates, and the cleaner's per-source line memory."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any

from ...model import Rejection
from ..sqlite._connection import now as _now
from ._articles import _text

__all__ = ["PgFeeds"]


class PgFeeds:
    """The work-feeds part of the store (``FeedStore``)."""

    _q: Callable[..., Any]
    _many: Callable[..., None]
    transaction: Callable[[], AbstractContextManager[None]]

    def add_rejection(self, rejection: Rejection) -> None:
        """Record an input that was not stored, with its reason (once: a rerun does not record it again)."""
        origin, aid, reason = _text(rejection.origin), _text(rejection.id), _text(rejection.reason)
        with self.transaction():
            self._q(
                "INSERT INTO rejected (origin, article_id, reason, at) SELECT %s::text, %s::text, %s::text, %s "
                "WHERE NOT EXISTS (SELECT 1 FROM rejected WHERE origin = %s AND article_id IS NOT DISTINCT FROM "
                "%s::text AND reason = %s)",
                (origin, aid, reason, _now(), origin, aid, reason),
            )

    def rejections(self, limit: int = 100) -> list[Rejection]:
        """Return the most recent rejections, newest first."""
        rows = self._q("SELECT origin, reason, article_id FROM rejected ORDER BY rowid DESC LIMIT %s",
                       (limit,)).fetchall()
        return [Rejection(origin=o, reason=r, id=i) for o, r, i in rows]

    def add_duplicate(self, article_id: str, origin: str, duplicate_of: str, reason: str) -> None:
        """Record an input recognised as a duplicate of a stored article (not stored again; once, not per rerun)."""
        article_id, origin = _text(article_id) or "", _text(origin) or ""
        with self.transaction():
            self._q(
                "INSERT INTO duplicates (article_id, origin, duplicate_of, reason, at) "
                "SELECT %s::text, %s::text, %s::text, %s::text, %s WHERE NOT EXISTS "
                "(SELECT 1 FROM duplicates WHERE article_id = %s AND origin = %s AND duplicate_of = %s)",
                (article_id, origin, duplicate_of, reason, _now(), article_id, origin, duplicate_of),
            )

    def line_documents(self, source: str) -> int:
        """Return how many articles of ``source`` the cleaner has observed."""
        row = self._q("SELECT documents FROM source_docs WHERE source = %s", (source,)).fetchone()
        return int(row[0]) if row else 0

    def line_count(self, source: str, key: str) -> int:
        """Return in how many observed articles of ``source`` the line ``key`` occurred."""
        row = self._q("SELECT count FROM source_lines WHERE source = %s AND key = %s", (source, key)).fetchone()
        return int(row[0]) if row else 0

    def line_observe(self, source: str, keys: Iterable[str]) -> None:
        """Record the distinct line keys of one more article of ``source``."""
        with self.transaction():
            self._q(
                """INSERT INTO source_docs (source, documents) VALUES (%s, 1)
                   ON CONFLICT (source) DO UPDATE SET documents = source_docs.documents + 1""",
                (source,),
            )
            # sorted: the same order on every run (and no deadlock between two writers' row locks)
            self._many(
                """INSERT INTO source_lines (source, key, count) VALUES (%s, %s, 1)
                   ON CONFLICT (source, key) DO UPDATE SET count = source_lines.count + 1""",
                [(source, k) for k in sorted({_text(k) or "" for k in keys})],
            )
