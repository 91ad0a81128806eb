"""The SQLite store: one file (WAL mode), its parts by concern, each behind a protocol in ``store/_protocols.py``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ._alerts import SqliteAlerts
from ._articles import SqliteArticles
from ._changes import SqliteChanges
from ._connection import SqliteConnection, default_db_path
from ._corrections import SqliteCorrections
from ._embeddings import SqliteEmbeddings
from ._exports import SqliteExports
from ._feeds import SqliteFeeds
from ._journal import SqliteJournal
from ._passes import SqlitePasses
from ._settings import SqliteSettings
from ._signals import SqliteSignals
from ._sources import SqliteSources
from ._stories import SqliteStories
from ._trends import SqliteTrends

__all__ = ["SqliteStore", "default_db_path"]


class SqliteStore(SqliteConnection, SqliteArticles, SqliteEmbeddings, SqliteSignals, SqliteStories,
                  SqliteCorrections, SqliteFeeds, SqlitePasses, SqliteJournal, SqliteSettings, SqliteChanges,
                  SqliteAlerts, SqliteTrends, SqliteExports, SqliteSources):
    """A babelwire store in one SQLite file (WAL mode); ``":memory:"`` for tests.

    All writes of one batch go through :meth:`transaction`, so an interrupted
    ingest never leaves half an article. The JSON views (``story``, ``stories``,
    ``facets``, ``article_summaries``) are ``babelwire.views``' own; the methods of
    those names here hand over to it, for callers written before the split.
    """

    def story(self, story_id: str) -> dict[str, Any]:
        """Return ``views.story(self, story_id)``."""
        from ... import views

        return views.story(self, story_id)

    def stories(self, *, article_ids: Iterable[str] | None = None, **filters: Any) -> list[dict[str, Any]]:
        """Return ``views.stories(self, ...)``."""
        from ... import views

        return views.stories(self, article_ids=article_ids, **filters)

    def facets(self) -> dict[str, list[tuple[str, int]]]:
        """Return ``views.facets(self)``."""
        from ... import views

        return views.facets(self)

    def article_summaries(self, **filters: Any) -> list[dict[str, Any]]:
        """Return ``views.article_summaries(self, ...)``."""
        from ... import views

        return views.article_summaries(self, **filters)
