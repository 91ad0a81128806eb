"""Owed passes in SQLite: the stories whose merge/split/reassign pass is still to run."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

__all__ = ["SqlitePasses"]


class SqlitePasses:
    """The owed-passes part of the store (``PassStore``)."""

    db: sqlite3.Connection

    def owe_pass(self, story_ids: Iterable[str]) -> None:
        """Record that the pass over ``story_ids`` is owed (inside the batch's transaction)."""
        self.db.executemany("INSERT OR IGNORE INTO owed_passes (story_id) VALUES (?)", ((s,) for s in story_ids))

    def owed_passes(self) -> set[str]:
        """Return the stories whose pass is owed."""
        return {r[0] for r in self.db.execute("SELECT story_id FROM owed_passes")}

    def clear_owed_passes(self) -> None:
        """Forget every owed pass (inside the pass's transaction)."""
        self.db.execute("DELETE FROM owed_passes")
