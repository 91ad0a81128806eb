"""Open a store from its spec: a file path or ``sqlite:PATH`` (SQLite, the default), or a ``postgresql://`` URL."""

from __future__ import annotations

import re
from typing import Any

from ..errors import StoreError

__all__ = ["open_store", "is_postgres", "display_spec", "sqlite_path"]

_PG_SCHEMES = ("postgresql:", "postgres:")
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def is_postgres(spec: str) -> bool:
    """Return True when ``spec`` names a PostgreSQL database (``postgresql://…`` or ``postgres://…``)."""
    return str(spec).lower().startswith(_PG_SCHEMES)


def sqlite_path(spec: str) -> str:
    """Return the SQLite file ``spec`` names (``sqlite:PATH`` or a plain path); raises StoreError for any other
    URL, so that a mistyped server URL never becomes a local file."""
    spec = str(spec)
    if spec.lower().startswith("sqlite:"):
        spec = spec[len("sqlite:"):]
        if spec.startswith("//"):  # sqlite:///abs/path and sqlite://rel/path, as SQLAlchemy writes them
            spec = spec[2:]
        return spec
    m = _URL.match(spec)
    if m:
        raise StoreError(f"{display_spec(spec)}: unknown store URL scheme {m.group(1)!r} "
                         "(use a file path, sqlite:PATH or postgresql://…)")
    return spec


def display_spec(spec: str) -> str:
    """Return ``spec`` fit to print: a URL's password replaced by ``***``."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://[^:/@]*):[^@/]*@", r"\1:***@", str(spec))


def open_store(spec: Any = None, **kwargs: Any) -> Any:
    """Return the store ``spec`` names (``$BABELWIRE_DB`` or ``./babelwire.db`` when None), created and migrated
    if new: a ``PostgresStore`` for a ``postgresql://`` URL, else a ``SqliteStore``. ``kwargs`` go to the
    backend (``check_same_thread`` for SQLite; PostgreSQL connections ignore it)."""
    from .sqlite import SqliteStore, default_db_path

    spec = str(spec) if spec is not None else default_db_path()
    if is_postgres(spec):
        from .postgres import PostgresStore

        return PostgresStore(spec)
    return SqliteStore(sqlite_path(spec), **kwargs)
