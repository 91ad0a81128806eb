"""The ingest journal in PostgreSQL: committed batches' input ids and committed passes' stories, in commit order."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from ..sqlite._connection import now as _now

__all__ = ["PgJournal"]


class PgJournal:
    """The journal part of the store (``JournalStore``); ``seq`` grows in commit order (see ``PgChanges``)."""

    _q: Callable[..., Any]
    transaction: Callable[[], AbstractContextManager[None]]

    def journal_append(self, kind: str, items: Sequence[str]) -> None:
        """Record a committed ``"batch"`` (its input ids, in order) or ``"pass"`` (its stories), in its transaction."""
        with self.transaction():
            self._q("INSERT INTO journal (kind, items, at) VALUES (%s, %s, %s)",
                    (kind, json.dumps(list(items), ensure_ascii=False), _now()))

    def journal(self, *, after: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
        """Return the journal entries after sequence number ``after``, oldest first:
        ``{"seq", "kind", "items", "at"}``."""
        rows = self._q("SELECT seq, kind, items, at FROM journal WHERE seq > %s ORDER BY seq LIMIT %s",
                       (after, limit)).fetchall()
        return [{"seq": int(s), "kind": k, "items": json.loads(i), "at": at} for s, k, i, at in rows]
