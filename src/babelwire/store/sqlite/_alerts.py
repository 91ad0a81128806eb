"""Alerts in SQLite: saved watches, what each knows of the stories it matched, firings and their delivery."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from ...errors import AlreadyExists, NotFound
from ...model import Alert, Firing
from ._connection import now as _now

__all__ = ["SqliteAlerts"]

_ALERT_COLUMNS = "name, query, lang, source, min_sources, webhook, secret, created_at, start_cursor, cursor"
_FIRING_COLUMNS = ("id, alert, story_id, reason, value, at, cursor, data, delivery, attempts, last_error, "
                   "delivered_at")


def _firing(row: tuple) -> Firing:
    i, alert, sid, reason, value, at, cursor, data, delivery, attempts, error, delivered = row
    return Firing(i, alert, sid, reason, value, at, cursor, json.loads(data), delivery, attempts, error, delivered)


class SqliteAlerts:
    """The alerts part of the store (``AlertStore``)."""

    db: sqlite3.Connection

    def add_alert(self, alert: Alert) -> Alert:
        """Save ``alert``, starting at the changes feed's head; return it as stored. Raises AlreadyExists."""
        if self.db.execute("SELECT 1 FROM alerts WHERE name = ?", (alert.name,)).fetchone():
            raise AlreadyExists(f"an alert named {alert.name!r} exists; remove it first or choose another name")
        head = int(self.db.execute("SELECT coalesce(max(cursor), 0) FROM changes").fetchone()[0])
        self.db.execute(
            f"INSERT INTO alerts ({_ALERT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (alert.name, alert.query, alert.lang, alert.source, alert.min_sources, alert.webhook, alert.secret,
             _now(), head, head),
        )
        return self.get_alert(alert.name)

    def get_alert(self, name: str) -> Alert:
        """Return the alert called ``name``; raises NotFound."""
        row = self.db.execute(f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFound(f"no alert named {name!r}")
        return Alert(*row)

    def alerts(self) -> list[Alert]:
        """Return every alert, by name."""
        return [Alert(*r) for r in self.db.execute(f"SELECT {_ALERT_COLUMNS} FROM alerts ORDER BY name")]

    def remove_alert(self, name: str) -> None:
        """Delete the alert called ``name`` with its firings; raises NotFound."""
        self.get_alert(name)
        for table, col in (("alert_firings", "alert"), ("alert_stories", "alert"), ("alerts", "name")):
            self.db.execute(f"DELETE FROM {table} WHERE {col} = ?", (name,))

    def set_alert_cursor(self, name: str, cursor: int) -> None:
        """Record that alert ``name`` has been evaluated up to change ``cursor``."""
        self.db.execute("UPDATE alerts SET cursor = max(cursor, ?) WHERE name = ?", (cursor, name))

    def alert_story(self, name: str, story_id: str) -> tuple[set[str], int] | None:
        """Return the languages and independent sources alert ``name`` last saw story ``story_id`` with, or
        None when the alert has not matched it."""
        row = self.db.execute("SELECT languages, sources FROM alert_stories WHERE alert = ? AND story_id = ?",
                              (name, story_id)).fetchone()
        return None if row is None else (set(json.loads(row[0])), int(row[1]))

    def set_alert_story(self, name: str, story_id: str, languages: Iterable[str], sources: int) -> None:
        """Remember the languages and independent sources alert ``name`` saw story ``story_id`` with."""
        self.db.execute(
            "INSERT INTO alert_stories (alert, story_id, languages, sources) VALUES (?,?,?,?) "
            "ON CONFLICT(alert, story_id) DO UPDATE SET languages = excluded.languages, sources = excluded.sources",
            (name, story_id, json.dumps(sorted(languages)), sources),
        )

    def add_firing(self, name: str, story_id: str, reason: str, value: str, *, cursor: int,
                   data: dict[str, Any], delivery: str) -> Firing | None:
        """Record a firing once: return it, or None when this alert fired for this story, reason and value
        before (re-evaluating never fires twice)."""
        cur = self.db.execute(
            "INSERT OR IGNORE INTO alert_firings (alert, story_id, reason, value, at, cursor, data, delivery) "
            "VALUES (?,?,?,?,?,?,?,?)",
            (name, story_id, reason, value, _now(), cursor, json.dumps(data, ensure_ascii=False, default=str),
             delivery),
        )
        if not cur.rowcount:
            return None
        row = self.db.execute(f"SELECT {_FIRING_COLUMNS} FROM alert_firings WHERE id = ?", (cur.lastrowid,))
        return _firing(row.fetchone())

    def firings(self, *, name: str | None = None, since: str | None = None, delivery: Iterable[str] | None = None,
                limit: int | None = None, newest_first: bool = True) -> list[Firing]:
        """Return firings (of alert ``name``, at or after ``since``, in the ``delivery`` states), newest first."""
        where, params = [], []
        if name is not None:
            where.append("alert = ?")
            params.append(name)
        if since is not None:
            where.append("at >= ?")
            params.append(since)
        if delivery is not None:
            states = list(delivery)
            where.append(f"delivery IN ({','.join('?' * len(states))})" if states else "0")
            params += states
        sql = (f"SELECT {_FIRING_COLUMNS} FROM alert_firings {'WHERE ' + ' AND '.join(where) if where else ''} "
               f"ORDER BY id {'DESC' if newest_first else 'ASC'} LIMIT ?")
        return [_firing(r) for r in self.db.execute(sql, [*params, -1 if limit is None else limit])]

    def set_delivery(self, firing_id: int, state: str, *, attempts: int, error: str | None = None) -> None:
        """Record a delivery attempt's outcome: ``state``, the attempts made so far, the last error."""
        self.db.execute(
            "UPDATE alert_firings SET delivery = ?, attempts = ?, last_error = ?, "
            "delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END WHERE id = ?",
            (state, attempts, error, state, _now(), firing_id),
        )
