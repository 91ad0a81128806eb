"""Signals in PostgreSQL: one versioned record per article, the clusterer's running totals, the working set."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

import numpy as np

from ...signals.profile import ArticleSignals
from ...signals.record import SIGNALS_VERSION, decode_signals, encode_signals
from ..sqlite._signals import Totals

__all__ = ["PgSignals"]

_ROW_KEYS = ("id", "embed_hash", "published", "story_id", "copy_of", "copy_kind", "copy_similarity")


class PgSignals:
    """``SignalStore`` over the ``article_signals``, ``cluster_totals`` and ``entity_df`` tables."""

    _q: Callable[..., Any]
    _many: Callable[..., None]
    transaction: Callable[[], AbstractContextManager[None]]

    def put_signals(self, signals: Iterable[ArticleSignals], *, clock: float | None = None,
                    keep_active: bool = False) -> None:
        """Write (or replace) each article's signals record at the current ``SIGNALS_VERSION``.

        An article's active day is its publication-grade day; an undated one's is ``clock`` (the newest such
        day seen when it arrived), or what its record had before when ``clock`` is None. With
        ``keep_active`` an existing record's active day always stays.
        """
        keep = ("coalesce(article_signals.active_day, excluded.active_day)" if keep_active
                else "coalesce(excluded.active_day, article_signals.active_day)")
        rows = []
        for s in signals:
            meta, blob = encode_signals(s)
            day = s.day if s.dated else None
            rows.append((s.id, SIGNALS_VERSION, day, day if day is not None else clock, meta, blob))
        with self.transaction():
            self._many(
                f"""INSERT INTO article_signals (article_id, version, window_day, active_day, meta, arrays)
                   VALUES (%s,%s,%s,%s,%s,%s) ON CONFLICT (article_id) DO UPDATE SET version = excluded.version,
                   window_day = excluded.window_day, active_day = {keep},
                   meta = excluded.meta, arrays = excluded.arrays""",
                rows,
            )

    def newest_day(self) -> float | None:
        """Return the newest publication-grade day of a stored article (the working set's clock)."""
        return self._q("SELECT max(window_day) FROM article_signals").fetchone()[0]

    @staticmethod
    def _working_stories_sql(horizon: float | None) -> str:
        if horizon is None:
            return "SELECT story_id FROM memberships"
        return """SELECT m.story_id FROM article_signals s JOIN memberships m ON m.article_id = s.article_id
                  WHERE s.active_day >= %(horizon)s
                  UNION SELECT m.story_id FROM working_set_pins p JOIN memberships m ON m.article_id = p.article_id"""

    def working_set_ids(self, horizon: float | None) -> set[str]:
        """Return the ids of the articles in a working-set story: one with a member active on or after
        ``horizon`` (every story when None), or one holding a pinned article."""
        q = f"SELECT m.article_id FROM memberships m WHERE m.story_id IN ({self._working_stories_sql(horizon)})"
        return {r[0] for r in self._q(q, {"horizon": horizon})}

    def working_set_rows(self, horizon: float | None) -> list[dict]:
        """Return ``article_rows`` and ``signals`` of the working set's articles (see ``working_set_ids``),
        in ingest order."""
        q = f"""SELECT a.id, a.published, m.story_id, m.copy_of, m.copy_kind, m.copy_similarity, s.meta, s.arrays
                FROM memberships m JOIN articles a ON a.id = m.article_id
                JOIN article_signals s ON s.article_id = m.article_id AND s.version = %(version)s
                WHERE m.story_id IN ({self._working_stories_sql(horizon)}) ORDER BY a.seq"""
        keys = ("id", "published", "story_id", "copy_of", "copy_kind", "copy_similarity")
        return [{**dict(zip(keys, r[:6], strict=True)), "signals": decode_signals(r[0], r[6], bytes(r[7]))}
                for r in self._q(q, {"horizon": horizon, "version": SIGNALS_VERSION})]

    def set_pins(self, article_ids: Iterable[str]) -> None:
        """Replace the pinned articles: their stories stay in the working set however old."""
        with self.transaction():
            self._q("DELETE FROM working_set_pins")
            self._many("INSERT INTO working_set_pins (article_id) VALUES (%s) ON CONFLICT DO NOTHING",
                       [(a,) for a in article_ids])

    def pinned(self) -> set[str]:
        """Return the pinned articles (see ``set_pins``)."""
        return {r[0] for r in self._q("SELECT article_id FROM working_set_pins")}

    def stories_dated_between(self, lo: float, hi: float) -> dict[str, str]:
        """Return story id -> one member for the stories with a member published (publication-grade) in [lo, hi]."""
        q = """SELECT m.story_id, min(m.article_id) FROM article_signals s
               JOIN memberships m ON m.article_id = s.article_id
               WHERE s.window_day BETWEEN %s AND %s GROUP BY m.story_id"""
        return dict(self._q(q, (lo, hi)).fetchall())

    def range_rows(self, lo: float | None, hi: float | None, *, undated: bool = False) -> list[dict[str, Any]]:
        """Return ``article_rows`` of the members of every story with a member published (publication-grade)
        on a day in [``lo``, ``hi``) — whole stories; an end that is None is open — and, with ``undated``, of
        every story with no publication-grade date at all; in ingest order."""
        lo = -math.inf if lo is None else lo
        hi = math.inf if hi is None else hi
        undated_stories = """UNION SELECT m.story_id FROM memberships m
                             LEFT JOIN article_signals s ON s.article_id = m.article_id
                             GROUP BY m.story_id HAVING max(s.window_day) IS NULL""" if undated else ""
        q = f"""SELECT a.id, a.embed_hash, a.published, m.story_id, m.copy_of, m.copy_kind, m.copy_similarity
                FROM memberships m JOIN articles a ON a.id = m.article_id
                WHERE m.story_id IN (SELECT m.story_id FROM article_signals s
                                     JOIN memberships m ON m.article_id = s.article_id
                                     WHERE s.window_day >= %(lo)s AND s.window_day < %(hi)s {undated_stories})
                ORDER BY a.seq"""
        return [dict(zip(_ROW_KEYS, r, strict=True)) for r in self._q(q, {"lo": lo, "hi": hi})]

    def get_signals(self, ids: Sequence[str]) -> dict[str, ArticleSignals]:
        """Return the stored signals of ``ids`` (those with a current record)."""
        ids = list(ids)
        if not ids:
            return {}
        rows = self._q("SELECT article_id, meta, arrays FROM article_signals WHERE version = %s "
                       "AND article_id = ANY(%s)", (SIGNALS_VERSION, ids))
        return {aid: decode_signals(aid, meta, bytes(blob)) for aid, meta, blob in rows}

    def iter_signal_rows(self, *, since_day: float | None = None) -> Iterator[tuple[str, ArticleSignals]]:
        """Yield ``(article_id, signals)`` in ingest order (optionally only those dated on/after ``since_day``)."""
        q = """SELECT s.article_id, s.meta, s.arrays FROM article_signals s JOIN articles a ON a.id = s.article_id
               WHERE s.version = %s"""
        params: list[object] = [SIGNALS_VERSION]
        if since_day is not None:
            q += " AND s.window_day >= %s"
            params.append(since_day)
        for aid, meta, blob in self._q(q + " ORDER BY a.seq", params).fetchall():
            yield aid, decode_signals(aid, meta, bytes(blob))

    def signals_outdated(self) -> int:
        """Return how many stored articles in a story lack a current signals record (or 1 when totals are missing).

        Cheap when current: every write of the totals records the ``SIGNALS_VERSION`` it was made with.
        """
        if self._q("SELECT 1 FROM memberships LIMIT 1").fetchone() is None:
            return 0
        row = self._q("SELECT value FROM settings WHERE name = 'signals_version'").fetchone()
        if row is not None and row[0] == str(SIGNALS_VERSION):
            return 0
        n = self._q(
            """SELECT count(*) FROM memberships m LEFT JOIN article_signals s ON s.article_id = m.article_id
               WHERE s.article_id IS NULL OR s.version != %s""",
            (SIGNALS_VERSION,),
        ).fetchone()[0]
        if n == 0 and self._q("SELECT 1 FROM cluster_totals LIMIT 1").fetchone() is None:
            return 1
        return int(n)

    def put_totals(self, vectors: dict[str, tuple[int, np.ndarray]], df_docs: int, df: dict[str, int],
                   *, replace: bool = False) -> None:
        """Write the clusterer's totals: vector sums by name, and the entity document frequencies given
        (all of them with ``replace``, else those that changed)."""
        with self.transaction():
            if replace:
                self._q("DELETE FROM cluster_totals")
                self._q("DELETE FROM entity_df")
            self._many(
                """INSERT INTO cluster_totals (name, count, total) VALUES (%s,%s,%s)
                   ON CONFLICT (name) DO UPDATE SET count = excluded.count, total = excluded.total""",
                [(k, int(n), np.asarray(v, np.float64).tobytes()) for k, (n, v) in vectors.items()]
                + [("df_docs", int(df_docs), b"")],
            )
            self._many("INSERT INTO entity_df (key, count) VALUES (%s,%s) "
                       "ON CONFLICT (key) DO UPDATE SET count = excluded.count", [(k, int(n)) for k, n in df.items()])
            self._q("INSERT INTO settings (name, value) VALUES ('signals_version', %s) "
                    "ON CONFLICT (name) DO UPDATE SET value = excluded.value", (str(SIGNALS_VERSION),))

    def entity_df(self, keys: Iterable[str]) -> dict[str, int]:
        """Return the stored document frequency of each of ``keys`` that has one."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return {}
        return {k: int(n) for k, n in self._q("SELECT key, count FROM entity_df WHERE key = ANY(%s)", (keys,))}

    def totals(self, keys: Iterable[str] | None = None) -> Totals | None:
        """Return ``(vectors, df_docs, df)`` as ``put_totals`` wrote them (``df`` only for ``keys`` when given),
        or None when none were written."""
        vectors: dict[str, tuple[int, np.ndarray]] = {}
        df_docs = None
        for name, n, blob in self._q("SELECT name, count, total FROM cluster_totals"):
            if name == "df_docs":
                df_docs = int(n)
            else:
                vectors[name] = (int(n), np.frombuffer(bytes(blob), np.float64).copy())
        if df_docs is None:
            return None
        if keys is not None:
            return vectors, df_docs, self.entity_df(keys)
        return vectors, df_docs, {k: int(n) for k, n in self._q("SELECT key, count FROM entity_df")}
