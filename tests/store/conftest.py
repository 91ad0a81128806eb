"""The store tests' ``store``: a fresh, empty store of each backend (SQLite in memory, PostgreSQL)."""

from __future__ import annotations

import pytest

from babelwire.store import PostgresStore, Store


@pytest.fixture(params=["sqlite", "postgres"])
def store(request):
    s = Store(":memory:") if request.param == "sqlite" else PostgresStore(request.getfixturevalue("pg_url"))
    yield s
    s.close()
