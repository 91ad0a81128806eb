"""Alerts in PostgreSQL: saved watches, what each knows of the stories it matched, firings and their delivery."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any

from ...errors import AlreadyExists, NotFound
from ...model import Alert, Firing
from ..sqlite._alerts import _ALERT_COLUMNS, _FIRING_COLUMNS, _firing
from ..sqlite._connection import now as _now
from ._articles import _text

__all__ = ["PgAlerts"]


class PgAlerts:
    """The alerts part of the store (``AlertStore``)."""

    _q: Callable[..., Any]
    transaction: Callable[[], AbstractContextManager[None]]

    def add_alert(self, alert: Alert) -> Alert:
        """Save ``alert``, starting at the changes feed's head; return it as stored. Raises AlreadyExists."""
        with self.transaction():
            if self._q("SELECT 1 FROM alerts WHERE name = %s", (alert.name,)).fetchone():
                raise AlreadyExists(f"an alert named {alert.name!r} exists; remove it first or choose another name")
            head = int(self._q("SELECT coalesce(max(cursor), 0) FROM changes").fetchone()[0])
            self._q(
                f"INSERT INTO alerts ({_ALERT_COLUMNS}) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                (alert.name, alert.query, alert.lang, alert.source, alert.min_sources, alert.webhook, alert.secret,
                 _now(), head, head),
            )
        return self.get_alert(alert.name)

    def get_alert(self, name: str) -> Alert:
        """Return the alert called ``name``; raises NotFound."""
        row = self._q(f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE name = %s", (name,)).fetchone()
        if row is None:
            raise NotFound(f"no alert named {name!r}")
        return Alert(*row)

    def alerts(self) -> list[Alert]:
        """Return every alert, by name."""
        return [Alert(*r) for r in self._q(f"SELECT {_ALERT_COLUMNS} FROM alerts ORDER BY name").fetchall()]

    def remove_alert(self, name: str) -> None:
        """Delete the alert called ``name`` with its firings; raises NotFound."""
        with self.transaction():
            self.get_alert(name)
            for table, col in (("alert_firings", "alert"), ("alert_stories", "alert"), ("alerts", "name")):
                self._q(f"DELETE FROM {table} WHERE {col} = %s", (name,))

    def set_alert_cursor(self, name: str, cursor: int) -> None:
        """Record that alert ``name`` has been evaluated up to change ``cursor``."""
        with self.transaction():
            self._q("UPDATE alerts SET cursor = greatest(cursor, %s) WHERE name = %s", (cursor, name))

    def alert_story(self, name: str, story_id: str) -> tuple[set[str], int] | None:
        """Return the languages and independent sources alert ``name`` last saw story ``story_id`` with, or
        None when the alert has not matched it."""
        row = self._q("SELECT languages, sources FROM alert_stories WHERE alert = %s AND story_id = %s",
                      (name, story_id)).fetchone()
        return None if row is None else (set(json.loads(row[0])), int(row[1]))

    def set_alert_story(self, name: str, story_id: str, languages: Iterable[str], sources: int) -> None:
        """Remember the languages and independent sources alert ``name`` saw story ``story_id`` with."""
        with self.transaction():
            self._q(
                "INSERT INTO alert_stories (alert, story_id, languages, sources) VALUES (%s,%s,%s,%s) "
                "ON CONFLICT (alert, story_id) DO UPDATE SET languages = excluded.languages, "
                "sources = excluded.sources",
                (name, story_id, json.dumps(sorted(languages)), sources),
            )

    def add_firing(self, name: str, story_id: str, reason: str, value: str, *, cursor: int,
                   data: dict[str, Any], delivery: str) -> Firing | None:
        """Record a firing once: return it, or None when this alert fired for this story, reason and value
        before (re-evaluating never fires twice)."""
        with self.transaction():
            row = self._q(
                "INSERT INTO alert_firings (alert, story_id, reason, value, at, cursor, data, delivery) "
                "VALUES (%s,%s,%s,%s,%s,%s,%s,%s) ON CONFLICT (alert, story_id, reason, value) DO NOTHING "
                f"RETURNING {_FIRING_COLUMNS}",
                (name, story_id, reason, value, _now(), cursor, json.dumps(data, ensure_ascii=False, default=str),
                 delivery),
            ).fetchone()
        return None if row is None else _firing(row)

    def firings(self, *, name: str | None = None, since: str | None = None, delivery: Iterable[str] | None = None,
                limit: int | None = None, newest_first: bool = True) -> list[Firing]:
        """Return firings (of alert ``name``, at or after ``since``, in the ``delivery`` states), newest first."""
        where: list[str] = []
        params: list[Any] = []
        if name is not None:
            where.append("alert = %s")
            params.append(name)
        if since is not None:
            where.append("at >= %s")
            params.append(since)
        if delivery is not None:
            where.append("delivery = ANY(%s)")
            params.append(list(delivery))
        sql = (f"SELECT {_FIRING_COLUMNS} FROM alert_firings {'WHERE ' + ' AND '.join(where) if where else ''} "
               f"ORDER BY id {'DESC' if newest_first else 'ASC'} LIMIT %s")
        return [_firing(r) for r in self._q(sql, [*params, limit]).fetchall()]

    def set_delivery(self, firing_id: int, state: str, *, attempts: int, error: str | None = None) -> None:
        """Record a delivery attempt's outcome: ``state``, the attempts made so far, the last error."""
        with self.transaction():
            self._q(
                "UPDATE alert_firings SET delivery = %s, attempts = %s, last_error = %s, "
                "delivered_at = CASE WHEN %s = 'delivered' THEN %s ELSE delivered_at END WHERE id = %s",
                (state, attempts, _text(error), state, _now(), firing_id),
            )
