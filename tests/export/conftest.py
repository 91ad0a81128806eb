"""Export fixtures: the bundled examples/ ingested once (fake encoder), a runner that reads stdout as bytes."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from babelwire.cli import cli
from babelwire.pipeline import Pipeline
from babelwire.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="session")
def _examples_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("examples") / "examples.db"
    with Store(db) as store:
        report = Pipeline(store, encoder="fake").ingest([EXAMPLES])
        assert len(report.stored) == 52 and not report.rejected
    return db


@pytest.fixture
def examples_db(_examples_db, tmp_path) -> str:
    """A copy of the examples store for one test (exports only read it, but a test may add to it)."""
    db = tmp_path / "examples.db"
    shutil.copy(_examples_db, db)
    return str(db)


def _run(*args: str, ok: bool = True):
    r = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    if ok:
        assert r.exit_code == 0, r.output
    return r


@pytest.fixture
def run():
    """Return ``run(*args, ok=True)``: the result of ``babelwire ARGS`` (``ok``: fail unless it exits 0)."""
    return _run


@pytest.fixture
def cli_json():
    """Return ``cli_json(*args)``: what ``babelwire ARGS --format json`` prints, parsed."""
    return lambda *args: json.loads(_run(*args, "--format", "json").stdout)


class ASGIClient:
    """A synchronous face on httpx's in-process ASGI transport (no server, no network)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def get(self, url: str, **kw: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                return await client.get(url, **kw)

        return asyncio.run(go())


@pytest.fixture
def make_client():
    """Return a factory of clients over apps on a store file; every app is closed afterwards."""
    from babelwire.web import create_app

    apps = []

    def make(db: str, **kw: Any) -> ASGIClient:
        kw.setdefault("token", "test-write-token")
        apps.append(create_app(db, encoder="fake", **kw))
        return ASGIClient(apps[-1])

    yield make
    for app in apps:
        app.state.babelwire.close()
