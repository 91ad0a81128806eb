"""Watched sources in PostgreSQL: each source's polling state and the keys of the entries it has ingested."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import fields
from typing import Any

from ...model import SourceState
from ..sqlite._connection import now as _now
from ._articles import _text

__all__ = ["PgSources"]

_COLUMNS = tuple(f.name for f in fields(SourceState))
_TEXT = {"name", "kind", "url", "etag", "last_modified", "last_poll", "status", "error"}


class PgSources:
    """The watched-sources part of the store (``SourceStore``).

    PostgreSQL text cannot hold NUL: such characters are dropped from what is stored, and an entry
    key is looked up the way it was stored, so a key holding one is still seen once.
    """

    _q: Callable[..., Any]
    transaction: Callable[[], AbstractContextManager[None]]

    def source_state(self, name: str) -> SourceState | None:
        """Return the stored state of the source called ``name``, or None for a source never polled."""
        row = self._q(f"SELECT {', '.join(_COLUMNS)} FROM sources WHERE name = %s", (_text(name),)).fetchone()
        return SourceState(*row) if row else None

    def source_states(self) -> list[SourceState]:
        """Return every source's state, by name."""
        rows = self._q(f"SELECT {', '.join(_COLUMNS)} FROM sources ORDER BY name").fetchall()
        return [SourceState(*r) for r in rows]

    def put_source_state(self, state: SourceState) -> None:
        """Insert or replace the state of ``state.name``."""
        values = tuple(_text(getattr(state, c)) if c in _TEXT else getattr(state, c) for c in _COLUMNS)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS if c != "name")
        with self.transaction():
            self._q(f"INSERT INTO sources ({', '.join(_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_COLUMNS))}) "
                    f"ON CONFLICT (name) DO UPDATE SET {updates}", values)

    def seen_entries(self, source: str, keys: Sequence[str]) -> set[str]:
        """Return which of ``keys`` the source ``source`` has ingested already."""
        stored: dict[str, list[str]] = {}
        for k in dict.fromkeys(keys):
            stored.setdefault(_text(k) or "", []).append(k)
        if not stored:
            return set()
        rows = self._q("SELECT key FROM source_seen WHERE source = %s AND key = ANY(%s::text[])",
                       (_text(source), list(stored))).fetchall()
        return {k for (found,) in rows for k in stored[found]}

    def mark_entries_seen(self, source: str, keys: Iterable[str]) -> None:
        """Record that ``source`` has ingested the entries ``keys`` (once each)."""
        part = list(dict.fromkeys(_text(k) or "" for k in keys))
        if not part:
            return
        with self.transaction():
            self._q("INSERT INTO source_seen (source, key, at) SELECT %s, k, %s FROM unnest(%s::text[]) AS k "
                    "ON CONFLICT (source, key) DO NOTHING", (_text(source), _now(), part))

    def seen_count(self, source: str) -> int:
        """Return how many entry keys ``source`` has ingested."""
        return int(self._q("SELECT count(*) FROM source_seen WHERE source = %s", (_text(source),)).fetchone()[0])
