"""The ingest journal in SQLite: committed batches' input ids and committed passes' stories, in commit order."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from ._connection import now as _now

__all__ = ["SqliteJournal"]


class SqliteJournal:
    """The journal part of the store (``JournalStore``)."""

    db: sqlite3.Connection

    def journal_append(self, kind: str, items: Sequence[str]) -> None:
        """Record a committed ``"batch"`` (its input ids, in order) or ``"pass"`` (its stories), in its transaction."""
        self.db.execute("INSERT INTO journal (kind, items, at) VALUES (?, ?, ?)",
                        (kind, json.dumps(list(items), ensure_ascii=False), _now()))

    def journal(self, *, after: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
        """Return the journal entries after sequence number ``after``, oldest first:
        ``{"seq", "kind", "items", "at"}``."""
        rows = self.db.execute("SELECT seq, kind, items, at FROM journal WHERE seq > ? ORDER BY seq LIMIT ?",
                               (after, -1 if limit is None else limit))
        return [{"seq": s, "kind": k, "items": json.loads(i), "at": at} for s, k, i, at in rows]
