"""A hand-built store for the alert rules: stories and articles written as the ingest's write step writes
them (article, story, membership and their changes-feed entries in one transaction); on each backend."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from babelwire.model import Article
from babelwire.pipeline import _changes as feed
from babelwire.store import Store, open_store


class Wire:
    """Writes reports into a store the way a batch does, one call a batch."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, story_id: str, *reports: tuple, text: str = "Lava from the Zorvatka volcano reached the road") -> None:
        """Store ``reports`` — (id, lang, source) or (id, lang, source, copy_of) — in ``story_id``."""
        s = self.store
        with s.transaction():
            changes = []
            if not s.story_exists(story_id):
                s.upsert_story(story_id, f"Headline of {story_id}")
                changes.append(feed.created(story_id, f"Headline of {story_id}", "ingest"))
            for aid, lang, source, *copy in reports:
                a = Article(id=aid, source=source, origin=f"/x/{aid}.txt", format="text",
                            read_at=datetime(2023, 3, 2, tzinfo=UTC), raw=text, title=f"{text[:20]} {aid}",
                            text=f"{text} ({aid}).", lang=lang, published="2023-03-02")
                s.add_article(a, embed_hash=f"h-{aid}")
                ev = {"copy_of": copy[0], "copy_kind": "near-verbatim", "reason": "copy"} if copy else {}
                s.assign(aid, story_id, score=0.9, evidence=ev)
                changes.append(feed.stored(a, story_id, copy[0] if copy else None))
            s.record_changes(changes)


@pytest.fixture(params=["sqlite", "postgres"])
def spec(request, tmp_path) -> str:
    """The spec of a new, empty store of each backend: a SQLite file, a PostgreSQL database."""
    return str(tmp_path / "store.db") if request.param == "sqlite" else request.getfixturevalue("pg_url")


@pytest.fixture
def wire(spec):
    with open_store(spec) as s:
        yield Wire(s)
