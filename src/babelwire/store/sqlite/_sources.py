"""Watched sources in SQLite: each source's polling state and the keys of the entries it has ingested."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import fields

from ...model import SourceState
from ._connection import now as _now

__all__ = ["SqliteSources"]

_COLUMNS = tuple(f.name for f in fields(SourceState))
_CHUNK = 500  # keys per look-up: under SQLite's bound-parameter limit


class SqliteSources:
    """The watched-sources part of the store (``SourceStore``)."""

    db: sqlite3.Connection

    def source_state(self, name: str) -> SourceState | None:
        """Return the stored state of the source called ``name``, or None for a source never polled."""
        row = self.db.execute(f"SELECT {', '.join(_COLUMNS)} FROM sources WHERE name = ?", (name,)).fetchone()
        return SourceState(*row) if row else None

    def source_states(self) -> list[SourceState]:
        """Return every source's state, by name."""
        rows = self.db.execute(f"SELECT {', '.join(_COLUMNS)} FROM sources ORDER BY name").fetchall()
        return [SourceState(*r) for r in rows]

    def put_source_state(self, state: SourceState) -> None:
        """Insert or replace the state of ``state.name``."""
        marks = ", ".join("?" for _ in _COLUMNS)
        self.db.execute(f"INSERT OR REPLACE INTO sources ({', '.join(_COLUMNS)}) VALUES ({marks})",
                        tuple(getattr(state, c) for c in _COLUMNS))

    def seen_entries(self, source: str, keys: Sequence[str]) -> set[str]:
        """Return which of ``keys`` the source ``source`` has ingested already."""
        found: set[str] = set()
        keys = list(dict.fromkeys(keys))
        for i in range(0, len(keys), _CHUNK):
            part = keys[i : i + _CHUNK]
            marks = ", ".join("?" for _ in part)
            found.update(r[0] for r in self.db.execute(
                f"SELECT key FROM source_seen WHERE source = ? AND key IN ({marks})", (source, *part)))
        return found

    def mark_entries_seen(self, source: str, keys: Iterable[str]) -> None:
        """Record that ``source`` has ingested the entries ``keys`` (once each)."""
        at = _now()
        self.db.executemany("INSERT OR IGNORE INTO source_seen (source, key, at) VALUES (?, ?, ?)",
                            ((source, k, at) for k in keys))

    def seen_count(self, source: str) -> int:
        """Return how many entry keys ``source`` has ingested."""
        return int(self.db.execute("SELECT count(*) FROM source_seen WHERE source = ?", (source,)).fetchone()[0])
