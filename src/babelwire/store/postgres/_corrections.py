"""Corrections and the audit log in PostgreSQL: user constraints, merge redirects, every change."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from ..sqlite._connection import now as _now

__all__ = ["PgCorrections"]


class PgCorrections:
    """The corrections-and-audit part of the store (``CorrectionStore``)."""

    _q: Callable[..., Any]
    transaction: Callable[[], AbstractContextManager[None]]

    def resolve_story(self, story_id: str) -> str:
        """Return the current id of a story, following merge redirects (unknown ids come back unchanged)."""
        seen = set()
        while story_id not in seen:
            seen.add(story_id)
            row = self._q("SELECT new_id FROM story_redirects WHERE old_id = %s", (story_id,)).fetchone()
            if row is None:
                return story_id
            story_id = row[0]
        return story_id

    def add_redirect(self, old_id: str, new_id: str) -> None:
        """Record that ``old_id`` now lives on as ``new_id``."""
        with self.transaction():
            self._q("INSERT INTO story_redirects (old_id, new_id, at) VALUES (%s,%s,%s) "
                    "ON CONFLICT (old_id) DO UPDATE SET new_id = excluded.new_id, at = excluded.at",
                    (old_id, new_id, _now()))
            self._q("DELETE FROM story_redirects WHERE old_id = %s", (new_id,))

    def audit(self, action: str, story_id: str | None, details: dict[str, Any]) -> None:
        """Append an entry to the audit log."""
        with self.transaction():
            self._q("INSERT INTO audit_log (at, action, story_id, details) VALUES (%s,%s,%s,%s)",
                    (_now(), action, story_id, json.dumps(details, ensure_ascii=False, default=str)))

    def audit_log(self, *, story_id: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Return audit entries, newest first (optionally for one story)."""
        q = "SELECT at, action, story_id, details FROM audit_log"
        params: list[Any] = []
        if story_id:
            q += " WHERE story_id = %s OR details LIKE %s"
            params += [story_id, f"%{story_id}%"]
        rows = self._q(q + " ORDER BY rowid DESC LIMIT %s", [*params, limit]).fetchall()
        return [{"at": a, "action": b, "story_id": c, "details": json.loads(d)} for a, b, c, d in rows]

    def add_constraint(self, kind: str, a: str, b: str) -> None:
        """Record a user correction: ``link`` (same story) or ``unlink`` (not the same story)."""
        with self.transaction():
            self._q("INSERT INTO constraints (kind, a, b, at) VALUES (%s,%s,%s,%s)", (kind, a, b, _now()))

    def constraints(self) -> list[tuple[str, str, str]]:
        """Return every recorded correction as (kind, a, b), oldest first."""
        return [(k, a, b) for k, a, b in self._q("SELECT kind, a, b FROM constraints ORDER BY rowid")]
