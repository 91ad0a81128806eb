"""The PostgreSQL connection a store's parts share: migrations on open, per-batch transactions under one
write lock (a transaction-level advisory lock), and a change counter other processes' commits move."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ...errors import MissingDependency, StoreError, StoreUnavailable
from .._open import display_spec

__all__ = ["PgConnection", "WRITE_LOCK", "PIP"]

logger = logging.getLogger(__name__)

PIP = "pip install 'babelwire[postgres]'"
# The key of the advisory lock every write transaction takes first (advisory locks are per database):
# what SQLite's BEGIN IMMEDIATE is, one writer at a time, the others wait.
WRITE_LOCK = 0x62616265  # "babe"


def _psycopg() -> Any:
    try:
        import pgvector.psycopg  # noqa: F401
        import psycopg
    except ImportError as exc:
        raise MissingDependency(f"the PostgreSQL store needs psycopg and pgvector: {PIP}") from exc
    return psycopg


class PgConnection:
    """One connection to a PostgreSQL database, created and migrated on open."""

    def __init__(self, url: str, **_backend_options: Any) -> None:
        psycopg = _psycopg()
        from pgvector.psycopg import register_vector

        from ._migrations import migrate

        self.path = url
        self.closed = False
        self._depth = 0
        self._lock = threading.RLock()
        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as exc:
            reason = " ".join(line.strip() for line in str(exc).splitlines() if line.strip()) or type(exc).__name__
            raise StoreUnavailable(f"cannot reach the PostgreSQL store {display_spec(url)}: {reason}") from exc
        except psycopg.ProgrammingError as exc:
            raise StoreError(f"{display_spec(url)}: not a usable PostgreSQL URL ({exc})") from exc
        try:
            self.migrations_applied = migrate(self.conn)
            register_vector(self.conn)
        except psycopg.Error as exc:
            self.conn.close()
            raise StoreError(f"{display_spec(url)}: not a usable babelwire store ({exc})") from exc
        except BaseException:
            self.conn.close()
            raise
        self._hnsw_dims: set[int] = set()
        try:  # pgvector 0.8+: let the HNSW scan go on past rows another filter (the encoder) drops
            self.conn.execute("SET hnsw.iterative_scan = relaxed_order")
        except psycopg.Error:
            logger.info("pgvector before 0.8: no iterative index scans (nearest look-ups fall back to a scan)")

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()
        self.closed = True

    def __enter__(self):  # noqa: ANN204 - returns the concrete store
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _q(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None, *, binary: bool = False) -> Any:
        """Run one statement and return its cursor (``binary``: results in binary, what vectors want)."""
        return self.conn.execute(sql, params, binary=binary)  # type: ignore[call-overload]  # wants a LiteralString

    def _many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            with self.conn.cursor() as cur:
                cur.executemany(sql, rows)  # type: ignore[arg-type]

    def data_version(self) -> int:
        """Return a number that changes when a write transaction (of any process) commits to the store."""
        return int(self._q("SELECT n FROM _data_version").fetchone()[0])

    def _take_write_lock(self) -> None:
        """Take the write lock, waiting up to the ``lock_wait`` setting while other writers commit (as SQLite's
        part does); the wait's limit holds for this transaction only."""
        from ... import settings

        try:
            wait = float(settings.get("lock_wait") or 600)
        except ValueError as exc:
            raise StoreError(f"BABELWIRE_LOCK_WAIT must be a number of seconds, not {settings.get('lock_wait')!r}"
                             ) from exc
        # lock_timeout 0 would mean no limit: the shortest wait is a millisecond
        self._q("SELECT set_config('lock_timeout', %s, true)", (f"{max(1, round(wait * 1000))}ms",))
        try:
            self._q("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        except _psycopg().errors.LockNotAvailable as exc:
            raise StoreError(f"{display_spec(self.path)}: another process held the store's write lock for over "
                             f"{wait:g} s (BABELWIRE_LOCK_WAIT)") from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block in one transaction holding the store's write lock (nested blocks join the outer one).

        The lock is taken before anything is read, so the block sees every earlier writer's commit, and a
        second writer waits for this one's commit or rollback (it never fails for the wait).
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._depth = 1
            try:
                with self.conn.transaction():
                    self._take_write_lock()
                    yield
                    # only a transaction that wrote something has an xid: reads leave the counter alone
                    self._q("UPDATE _data_version SET n = n + 1 WHERE pg_current_xact_id_if_assigned() IS NOT NULL")
            finally:
                self._depth = 0
