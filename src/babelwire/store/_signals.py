"""The SQLite part of the store that keeps persisted signals and the clusterer's running totals."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol

import numpy as np

from ..signals.profile import ArticleSignals
from ..signals.record import SIGNALS_VERSION, decode_signals, encode_signals

__all__ = ["SignalStore", "SqliteSignals", "Totals"]

# name -> (count, float64 vector): language means, overall sums; what a clusterer needs to go on
# exactly where it stopped, without replaying every article.
Totals = tuple[dict[str, tuple[int, np.ndarray]], int, dict[str, int]]


class SignalStore(Protocol):
    """Persisted article signals and clusterer totals (one implementation per backend)."""

    def put_signals(self, signals: Iterable[ArticleSignals]) -> None: ...
    def get_signals(self, ids: Sequence[str]) -> dict[str, ArticleSignals]: ...
    def signals_outdated(self) -> int: ...
    def put_totals(self, vectors: dict[str, tuple[int, np.ndarray]], df_docs: int, df: dict[str, int],
                   *, replace: bool = False) -> None: ...
    def totals(self) -> Totals | None: ...


def _window_day(s: ArticleSignals) -> float | None:
    return s.day if s.dated else None


class SqliteSignals:
    """``SignalStore`` over the ``article_signals``, ``cluster_totals`` and ``entity_df`` tables."""

    db: sqlite3.Connection

    def put_signals(self, signals: Iterable[ArticleSignals]) -> None:
        """Write (or replace) each article's signals record at the current ``SIGNALS_VERSION``."""
        rows = []
        for s in signals:
            meta, blob = encode_signals(s)
            rows.append((s.id, SIGNALS_VERSION, _window_day(s), meta, blob))
        self.db.executemany(
            "INSERT OR REPLACE INTO article_signals (article_id, version, window_day, meta, arrays) VALUES (?,?,?,?,?)",
            rows,
        )

    def get_signals(self, ids: Sequence[str]) -> dict[str, ArticleSignals]:
        """Return the stored signals of ``ids`` (those with a current record)."""
        out: dict[str, ArticleSignals] = {}
        ids = list(ids)
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            q = ",".join("?" * len(part))
            for aid, meta, blob in self.db.execute(
                f"SELECT article_id, meta, arrays FROM article_signals WHERE version = ? AND article_id IN ({q})",
                [SIGNALS_VERSION, *part],
            ):
                out[aid] = decode_signals(aid, meta, blob)
        return out

    def iter_signal_rows(self, *, since_day: float | None = None) -> Iterator[tuple[str, ArticleSignals]]:
        """Yield ``(article_id, signals)`` in ingest order (optionally only those dated on/after ``since_day``)."""
        q = """SELECT s.article_id, s.meta, s.arrays FROM article_signals s JOIN articles a ON a.id = s.article_id
               WHERE s.version = ?"""
        params: list[object] = [SIGNALS_VERSION]
        if since_day is not None:
            q += " AND s.window_day >= ?"
            params.append(since_day)
        for aid, meta, blob in self.db.execute(q + " ORDER BY a.seq", params):
            yield aid, decode_signals(aid, meta, blob)

    def signals_outdated(self) -> int:
        """Return how many stored articles in a story lack a current signals record (or 1 when totals are missing)."""
        n = self.db.execute(
            """SELECT count(*) FROM memberships m LEFT JOIN article_signals s ON s.article_id = m.article_id
               WHERE s.article_id IS NULL OR s.version != ?""",
            (SIGNALS_VERSION,),
        ).fetchone()[0]
        if n == 0 and self.db.execute("SELECT 1 FROM memberships LIMIT 1").fetchone() is not None:
            if self.db.execute("SELECT 1 FROM cluster_totals LIMIT 1").fetchone() is None:
                return 1
        return int(n)

    def put_totals(self, vectors: dict[str, tuple[int, np.ndarray]], df_docs: int, df: dict[str, int],
                   *, replace: bool = False) -> None:
        """Write the clusterer's totals: vector sums by name, and the entity document frequencies given
        (all of them with ``replace``, else those that changed)."""
        if replace:
            self.db.execute("DELETE FROM cluster_totals")
            self.db.execute("DELETE FROM entity_df")
        self.db.executemany(
            "INSERT OR REPLACE INTO cluster_totals (name, count, total) VALUES (?,?,?)",
            [(k, int(n), np.asarray(v, np.float64).tobytes()) for k, (n, v) in vectors.items()]
            + [("df_docs", int(df_docs), b"")],
        )
        self.db.executemany("INSERT OR REPLACE INTO entity_df (key, count) VALUES (?,?)", list(df.items()))

    def totals(self) -> Totals | None:
        """Return ``(vectors, df_docs, df)`` as ``put_totals`` wrote them, or None when none were written."""
        vectors: dict[str, tuple[int, np.ndarray]] = {}
        df_docs = None
        for name, n, blob in self.db.execute("SELECT name, count, total FROM cluster_totals"):
            if name == "df_docs":
                df_docs = int(n)
            else:
                vectors[name] = (int(n), np.frombuffer(blob, np.float64).copy())
        if df_docs is None:
            return None
        return vectors, df_docs, dict(self.db.execute("SELECT key, count FROM entity_df"))
