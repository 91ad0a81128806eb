"""The web app over a PostgreSQL store: it serves and ingests, and another process's writes show at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from babelwire.pipeline import Pipeline
from babelwire.signals import get_encoder
from babelwire.sources._readers import record_to_document
from babelwire.store import PostgresStore
from babelwire.web import create_app

from .conftest import CORPUS, EVENTS, ASGIClient, auth


@pytest.fixture
def pg_client(pg_url):
    app = create_app(pg_url, token="test-write-token", encoder="fake")
    yield ASGIClient(app)
    app.state.babelwire.close()


def test_the_app_serves_a_postgresql_store_and_sees_other_writers(pg_client, pg_url):
    c = pg_client
    r = c.post("/api/articles", json=CORPUS, headers=auth())
    assert r.status_code == 201, r.text
    stories = c.get("/api/stories").json()
    assert {frozenset(a["id"] for a in s["articles"]) for s in stories} == {frozenset(v) for v in EVENTS.values()}
    assert c.get("/api/articles/extra-elsewhere").status_code == 404
    with PostgresStore(pg_url) as store:  # as `babelwire ingest` in another process would
        docs = [record_to_document({"id": "extra-elsewhere", "lang": "es", "title": "Otra inundación en Valencia",
                                    "text": "Las lluvias inundaron otra vez Valencia y Alzira; evacuaron a cientos."},
                                   origin="t:0", path=Path("t"), fmt="jsonl", fallback_id="t0")]
        Pipeline(store, encoder=get_encoder("fake")).ingest_documents(docs)
    assert c.get("/api/articles/extra-elsewhere").status_code == 200
    after = c.get("/api/stories").json()
    assert sum(s["article_count"] for s in after) == len(CORPUS) + 1
    hit = c.get("/api/search", params={"q": "inundación Valencia"}).json()
    assert "extra-elsewhere" in {a["id"] for a in hit["articles"]}
