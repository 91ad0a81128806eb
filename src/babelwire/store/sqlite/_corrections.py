"""Corrections and the audit log in SQLite: user constraints, merge redirects, every change."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ._connection import now as _now

__all__ = ["SqliteCorrections"]


class SqliteCorrections:
    """The corrections-and-audit part of the store (``CorrectionStore``)."""

    db: sqlite3.Connection

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
