"""The changes feed in SQLite: an append-only log written in the transaction of each change."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from ...model import Change
from ._connection import now as _now

__all__ = ["SqliteChanges"]


def _story_of(data: dict[str, Any]) -> str | None:
    """Return the story a change is about (the one that gains, for a merge or a move), for the index."""
    for key in ("story_id", "into", "to"):
        if isinstance(data.get(key), str):
            return data[key]
    return None


class SqliteChanges:
    """The changes part of the store (``ChangeStore``)."""

    db: sqlite3.Connection

    def record_changes(self, changes: Iterable[Change]) -> list[int]:
        """Append ``changes`` to the log, in order; return their cursors (call it inside the change's
        transaction, so the entry commits or rolls back with it)."""
        cursors = []
        at = _now()
        for ch in changes:
            aid = ch.data.get("article_id")
            cur = self.db.execute(
                "INSERT INTO changes (at, kind, story_id, article_id, data) VALUES (?,?,?,?,?)",
                (at, ch.kind, _story_of(ch.data), aid if isinstance(aid, str) else None,
                 json.dumps(ch.data, ensure_ascii=False, default=str)),
            )
            ch.cursor, ch.at = int(cur.lastrowid or 0), at
            cursors.append(ch.cursor)
        return cursors

    def changes_after(self, cursor: int, limit: int = 100, kinds: Sequence[str] | None = None, *,
                      story_id: str | None = None) -> list[Change]:
        """Return up to ``limit`` changes with a cursor above ``cursor``, oldest first (only ``kinds`` when
        given, only about ``story_id`` when given)."""
        where = ["cursor > ?"]
        params: list[Any] = [cursor]
        if kinds is not None:
            kinds = list(kinds)
            if not kinds:
                return []
            where.append(f"kind IN ({','.join('?' * len(kinds))})")
            params += kinds
        if story_id is not None:
            where.append("story_id = ?")
            params.append(story_id)
        rows = self.db.execute(
            f"SELECT cursor, at, kind, data FROM changes WHERE {' AND '.join(where)} ORDER BY cursor LIMIT ?",
            [*params, limit],
        ).fetchall()
        return [Change(kind=k, data=json.loads(d), cursor=c, at=a) for c, a, k, d in rows]

    def changes_head(self) -> int:
        """Return the cursor of the newest change (0 when there is none)."""
        return int(self.db.execute("SELECT coalesce(max(cursor), 0) FROM changes").fetchone()[0])
