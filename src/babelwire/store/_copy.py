"""Copy a whole store into another, across backends (SQLite to PostgreSQL and back): every table, row for row.

Rows travel in a neutral form (text, numbers, bytes; a vector as its float32 bytes), so ids,
sequence numbers, timestamps, evidence and the audit log arrive as they were; what the target's
triggers derive from them (story summaries, facet counts: ``DERIVED``) they derive again. The
target is written in one transaction: a failed copy leaves it as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..errors import StoreError
from ._open import display_spec

__all__ = ["TABLES", "DERIVED", "copy_store", "table_rows", "store_tables"]

Progress = Callable[[str, int], None]

# Every table a store holds, parents before children (foreign keys), with the columns both backends have.
# A migration that adds a table or column adds it here too (a test compares this with the SQLite schema).
TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("articles", ("id", "source", "origin", "format", "url", "title", "text", "raw", "lang", "lang_confidence",
                  "published", "published_provenance", "published_confidence", "removed", "meta", "content_hash",
                  "embed_hash", "read_at", "ingested_at", "seq")),
    ("stories", ("id", "headline", "created_at", "updated_at")),
    ("memberships", ("article_id", "story_id", "score", "evidence", "assigned_at", "copy_of", "copy_kind",
                     "copy_similarity", "decision")),
    ("embeddings", ("content_hash", "encoder", "kind", "dim", "vector")),
    ("article_signals", ("article_id", "version", "window_day", "active_day", "meta", "arrays")),
    ("working_set_pins", ("article_id",)),
    ("cluster_totals", ("name", "count", "total")),
    ("entity_df", ("key", "count")),
    ("story_redirects", ("old_id", "new_id", "at")),
    ("audit_log", ("rowid", "at", "action", "story_id", "details")),
    ("constraints", ("rowid", "kind", "a", "b", "at")),
    ("rejected", ("rowid", "origin", "article_id", "reason", "at")),
    ("duplicates", ("rowid", "article_id", "origin", "duplicate_of", "reason", "at")),
    ("source_docs", ("source", "documents")),
    ("source_lines", ("source", "key", "count")),
    ("settings", ("name", "value")),
    ("owed_passes", ("story_id",)),
    ("sources", ("name", "kind", "url", "etag", "last_modified", "last_poll", "next_poll", "failures", "backoff",
                 "status", "error", "new_entries", "stored", "polls", "errors_total", "stored_total")),
    ("source_seen", ("source", "key", "at")),
    ("changes", ("cursor", "at", "kind", "story_id", "article_id", "data")),
    ("alerts", ("name", "query", "lang", "source", "min_sources", "webhook", "secret", "created_at", "start_cursor",
                "cursor")),
    ("alert_stories", ("alert", "story_id", "languages", "sources")),
    ("alert_firings", ("id", "alert", "story_id", "reason", "value", "at", "cursor", "data", "delivery", "attempts",
                       "last_error", "delivered_at")),
    ("journal", ("seq", "kind", "items", "at")),
)
# What the target's own triggers compute from the rows copied (m012_story_stats, m013_facet_counts): never
# copied, so a copy cannot count a member twice. A migration that adds such a column or table adds it here.
DERIVED: dict[str, tuple[str, ...]] = {
    "stories": ("article_count", "first_pub", "last_pub", "newest_seq"),
    "facet_counts": ("facet", "value", "articles"),
}
_ORDER = {"articles": "seq", "embeddings": "content_hash, encoder, kind", "source_lines": "source, key",
          "source_seen": "source, key",
          "alert_stories": "alert, story_id"}
# The columns that number a log's entries: SQLite's plain rowids number on after the highest one there is ...
_IDENTITY = {"audit_log": "rowid", "constraints": "rowid", "rejected": "rowid", "duplicates": "rowid"}
# ... and its AUTOINCREMENT ones never go back, not even below the ids of rows an overwrite deleted.
_NEVER_BACK = {"changes": "cursor", "alert_firings": "id", "journal": "seq"}
_BATCH = 1000


def _is_sqlite(store: Any) -> bool:
    return isinstance(getattr(store, "db", None), sqlite3.Connection)


def store_tables(store: Any) -> set[str]:
    """Return the names of the data tables ``store`` has (not its migration record or search index)."""
    if _is_sqlite(store):
        rows = store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return {r[0] for r in rows if not r[0].startswith(("sqlite_", "articles_fts", "_"))}
    rows = store._q("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall()
    return {r[0] for r in rows if not r[0].startswith("_")}


def table_rows(store: Any, table: str, columns: Sequence[str]) -> Iterator[tuple]:
    """Yield the rows of ``table`` in a stable order, in the neutral form (vectors as float32 bytes)."""
    order = _ORDER.get(table, columns[0])
    if _is_sqlite(store):
        cur = store.db.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")
        while rows := cur.fetchmany(_BATCH):
            yield from (tuple(r) for r in rows)
        return
    vec = columns.index("vector") if table == "embeddings" else -1
    with store.conn.cursor(binary=True) as cur:
        cur.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")  # type: ignore[arg-type]
        while rows := cur.fetchmany(_BATCH):
            for r in rows:
                r = tuple(bytes(v) if isinstance(v, memoryview) else v for v in r)
                if vec >= 0:
                    v = r[vec]
                    r = (*r[:vec], np.asarray(v.to_numpy() if hasattr(v, "to_numpy") else v, np.float32).tobytes(),
                         *r[vec + 1:])
                yield r


def _count(store: Any, table: str) -> int:
    if _is_sqlite(store):
        return int(store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    return int(store._q(f"SELECT count(*) FROM {table}").fetchone()[0])


def _put(store: Any, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    if _is_sqlite(store):
        marks = ",".join("?" * len(columns))
        store.db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        return
    if table == "embeddings":
        i = columns.index("vector")
        rows = [(*r[:i], np.frombuffer(r[i], np.float32), *r[i + 1:]) for r in rows]
    store._many(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({','.join(['%s'] * len(columns))})", rows)


def _clear(store: Any) -> None:
    for table, _ in reversed(TABLES):
        if _is_sqlite(store):
            store.db.execute(f"DELETE FROM {table}")
        else:
            store._q(f"DELETE FROM {table}")


def _finish(store: Any) -> None:
    if _is_sqlite(store):
        return
    for table, col in {**_IDENTITY, **_NEVER_BACK}.items():  # the next entry numbers on after the copied ones
        seq = f"pg_get_serial_sequence('{table}', '{col}')"
        issued = f"coalesce(pg_sequence_last_value({seq}::regclass), 0)" if table in _NEVER_BACK else "0"
        store._q(f"SELECT setval({seq}, greatest(coalesce((SELECT max({col}) FROM {table}), 0), {issued}) + 1, "
                 "false)")
    store._hnsw_dims.clear()
    for (dim,) in store._q("SELECT DISTINCT dim FROM embeddings WHERE kind = 'passage'").fetchall():
        store._ensure_hnsw(int(dim))


@contextmanager
def _snapshot(store: Any) -> Iterator[None]:
    """Read the source as of one moment (another process may be writing to it)."""
    if _is_sqlite(store):
        store.db.execute("BEGIN")
        try:
            yield
        finally:
            store.db.execute("ROLLBACK")
        return
    with store.conn.transaction():
        store._q("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def copy_store(source: Any, target: Any, *, overwrite: bool = False,
               progress: Progress | None = None) -> dict[str, int]:
    """Copy every table of ``source`` into ``target`` and return the rows copied per table.

    Refuses (StoreError) a target that holds any row already, unless ``overwrite``: then the target is
    emptied first, in the same transaction as the copy. ``progress("read", total)`` is called once with
    the number of rows to copy, then ``progress("copied", n)`` per batch.
    """
    if getattr(source, "path", None) == getattr(target, "path", object()):
        raise StoreError("the source and the target are the same store")
    have = {t: _count(target, t) for t, _ in TABLES}
    if any(have.values()) and not overwrite:
        held = ", ".join(f"{n} {t}" for t, n in have.items() if n)
        raise StoreError(f"{display_spec(str(target.path))} is not empty ({held}); "
                         "pass --overwrite to replace what it holds")
    copied: dict[str, int] = {}
    with _snapshot(source):
        counts = {t: _count(source, t) for t, _ in TABLES}
        if progress:
            progress("read", sum(counts.values()))
        with target.transaction():
            if overwrite:
                _clear(target)
            for table, columns in TABLES:
                batch: list[tuple] = []
                copied[table] = 0
                for row in table_rows(source, table, columns):
                    batch.append(row)
                    if len(batch) >= _BATCH:
                        _put(target, table, columns, batch)
                        copied[table] += len(batch)
                        if progress:
                            progress("copied", len(batch))
                        batch = []
                if batch:
                    _put(target, table, columns, batch)
                    copied[table] += len(batch)
                    if progress:
                        progress("copied", len(batch))
            _finish(target)
    return copied
