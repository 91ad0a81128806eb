"""Settings stored with the database in PostgreSQL (the encoder it was built with, the working set's horizon)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

__all__ = ["PgSettings"]


class PgSettings:
    """The settings part of the store (``SettingStore``)."""

    _q: Callable[..., Any]
    transaction: Callable[[], AbstractContextManager[None]]

    def get_setting(self, name: str) -> str | None:
        """Return a value stored with the database (e.g. the encoder it was built with)."""
        row = self._q("SELECT value FROM settings WHERE name = %s", (name,)).fetchone()
        return row[0] if row else None

    def set_setting(self, name: str, value: str) -> None:
        """Store a value with the database."""
        with self.transaction():
            self._q("INSERT INTO settings (name, value) VALUES (%s, %s) "
                    "ON CONFLICT (name) DO UPDATE SET value = excluded.value", (name, value))
