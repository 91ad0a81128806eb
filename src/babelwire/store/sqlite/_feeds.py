"""Feeds of work in SQLite: rejected inputs, duplicates, and the cleaner's per-source line memory."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager

from ...model import Rejection
from ._connection import now as _now

__all__ = ["SqliteFeeds"]


class SqliteFeeds:
    """The work-feeds part of the store (``FeedStore``)."""

    db: sqlite3.Connection
    transaction: Callable[[], AbstractContextManager[None]]

    def add_rejection(self, rejection: Rejection) -> None:
        """Record an input that was not stored, with its reason (once: a rerun does not record it again)."""
        self.db.execute(
            "INSERT INTO rejected (origin, article_id, reason, at) SELECT ?,?,?,? WHERE NOT EXISTS "
            "(SELECT 1 FROM rejected WHERE origin = ? AND article_id IS ? AND reason = ?)",
            (rejection.origin, rejection.id, rejection.reason, _now(),
             rejection.origin, rejection.id, rejection.reason),
        )

    def rejections(self, limit: int = 100) -> list[Rejection]:
        """Return the most recent rejections, newest first."""
        rows = self.db.execute(
            "SELECT origin, reason, article_id FROM rejected ORDER BY rowid DESC LIMIT ?", (limit,)
        ).fetchall()
        return [Rejection(origin=o, reason=r, id=i) for o, r, i in rows]

    def add_duplicate(self, article_id: str, origin: str, duplicate_of: str, reason: str) -> None:
        """Record an input recognised as a duplicate of a stored article (not stored again; once, not per rerun)."""
        self.db.execute(
            "INSERT INTO duplicates (article_id, origin, duplicate_of, reason, at) SELECT ?,?,?,?,? WHERE NOT EXISTS "
            "(SELECT 1 FROM duplicates WHERE article_id = ? AND origin = ? AND duplicate_of = ?)",
            (article_id, origin, duplicate_of, reason, _now(), article_id, origin, duplicate_of),
        )

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
