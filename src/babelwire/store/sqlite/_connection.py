"""The SQLite connection a store's parts share: WAL mode, migrations on open, nested transactions."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ...errors import StoreError
from .._migrations import migrate

__all__ = ["SqliteConnection", "default_db_path", "now"]

log = logging.getLogger(__name__)


def default_db_path() -> str:
    """Return the store path: ``$BABELWIRE_DB`` or ``./babelwire.db``."""
    from ... import settings

    return settings.get("db") or "babelwire.db"


def now() -> str:
    """Return the current UTC time as ISO 8601 seconds (what the store records)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class SqliteConnection:
    """One SQLite file (WAL mode), created and migrated on open; ``":memory:"`` for tests."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, check_same_thread: bool = True) -> None:
        self.path = str(path or default_db_path())
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=check_same_thread)
            self.db.execute("PRAGMA foreign_keys = ON")
            # a REPLACE that deletes a row fires its delete triggers (the ones keeping story summaries and facets)
            self.db.execute("PRAGMA recursive_triggers = ON")
            self.db.execute("PRAGMA busy_timeout = 10000")
            if self.path != ":memory:":
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = NORMAL")
            self.migrations_applied = migrate(self.db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable babelwire store ({exc})") from exc
        self._depth = 0
        self._lock = threading.RLock()
        self.closed = False

    def close(self) -> None:
        """Close the connection."""
        self.db.close()
        self.closed = True

    def __enter__(self):  # noqa: ANN204 - returns the concrete store
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def data_version(self) -> int:
        """Return a number that changes when another connection (another process) commits to the store."""
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    def _begin_immediate(self) -> None:
        """Take the write lock, waiting up to the ``lock_wait`` setting while other writers commit."""
        from ... import settings

        try:
            wait = float(settings.get("lock_wait") or 600)
        except ValueError as exc:
            raise StoreError(f"BABELWIRE_LOCK_WAIT must be a number of seconds, not {settings.get('lock_wait')!r}"
                             ) from exc
        deadline = time.monotonic() + wait
        while True:
            try:
                self.db.execute("BEGIN IMMEDIATE")  # each try waits out busy_timeout
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise StoreError(f"{self.path}: another process held the store's write lock for over "
                                     f"{wait:g} s (BABELWIRE_LOCK_WAIT)") from exc
                log.info("%s: waiting for another writer's batch to commit", self.path)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block in one transaction (nested blocks join the outer one)."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._begin_immediate()
            self._depth = 1
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            else:
                self.db.execute("COMMIT")
            finally:
                self._depth = 0
