"""Settings stored with the database in SQLite (the encoder it was built with, the working set's horizon)."""

from __future__ import annotations

import sqlite3

__all__ = ["SqliteSettings"]


class SqliteSettings:
    """The settings part of the store (``SettingStore``)."""

    db: sqlite3.Connection

    def get_setting(self, name: str) -> str | None:
        """Return a value stored with the database (e.g. the encoder it was built with)."""
        row = self.db.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_setting(self, name: str, value: str) -> None:
        """Store a value with the database."""
        self.db.execute(
            "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (name, value),
        )
