"""The changes feed in PostgreSQL: an append-only log written in the transaction of each change."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from ...model import Change
from ..sqlite._changes import _story_of
from ..sqlite._connection import now as _now

__all__ = ["PgChanges"]


class PgChanges:
    """The changes part of the store (``ChangeStore``).

    Cursors come from an identity column: a sequence never goes back, so a cursor is never reused, not
    even after a rollback; and every writer holds the write lock from its first statement to its commit,
    so cursors grow in commit order and a reader paging by cursor never skips a later-committed entry.
    """

    _q: Callable[..., Any]
    transaction: Callable[[], AbstractContextManager[None]]

    def record_changes(self, changes: Iterable[Change]) -> list[int]:
        """Append ``changes`` to the log, in order; return their cursors (call it inside the change's
        transaction, so the entry commits or rolls back with it)."""
        cursors = []
        at = _now()
        with self.transaction():
            for ch in changes:
                aid = ch.data.get("article_id")
                # json.dumps writes a NUL as \u0000: the text column holds it (a jsonb one would not)
                row = self._q(
                    "INSERT INTO changes (at, kind, story_id, article_id, data) VALUES (%s,%s,%s,%s,%s) "
                    "RETURNING cursor",
                    (at, ch.kind, _story_of(ch.data), aid if isinstance(aid, str) else None,
                     json.dumps(ch.data, ensure_ascii=False, default=str)),
                ).fetchone()
                ch.cursor, ch.at = int(row[0]), at
                cursors.append(ch.cursor)
        return cursors

    def changes_after(self, cursor: int, limit: int = 100, kinds: Sequence[str] | None = None, *,
                      story_id: str | None = None) -> list[Change]:
        """Return up to ``limit`` changes with a cursor above ``cursor``, oldest first (only ``kinds`` when
        given, only about ``story_id`` when given)."""
        where = ["cursor > %s"]
        params: list[Any] = [cursor]
        if kinds is not None:
            kinds = list(kinds)
            if not kinds:
                return []
            where.append("kind = ANY(%s)")
            params.append(kinds)
        if story_id is not None:
            where.append("story_id = %s")
            params.append(story_id)
        rows = self._q(
            f"SELECT cursor, at, kind, data FROM changes WHERE {' AND '.join(where)} ORDER BY cursor LIMIT %s",
            [*params, limit],
        ).fetchall()
        return [Change(kind=k, data=json.loads(d), cursor=int(c), at=a) for c, a, k, d in rows]

    def changes_head(self) -> int:
        """Return the cursor of the newest change (0 when there is none)."""
        return int(self._q("SELECT coalesce(max(cursor), 0) FROM changes").fetchone()[0])
