"""The PostgreSQL store: one database (pgvector for vectors, `simple` text search plus pg_trgm for keywords), its
parts by concern, each behind a protocol in ``store/_protocols.py``; several processes may write to it at once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from ._alerts import PgAlerts
from ._articles import PgArticles
from ._changes import PgChanges
from ._connection import PIP, WRITE_LOCK, PgConnection
from ._corrections import PgCorrections
from ._embeddings import PgEmbeddings, hnsw_index
from ._exports import PgExports
from ._feeds import PgFeeds
from ._journal import PgJournal
from ._migrations import PG_MIGRATIONS, applied
from ._passes import PgPasses
from ._settings import PgSettings
from ._signals import PgSignals
from ._sources import PgSources
from ._stories import PgStories
from ._trends import PgTrends

__all__ = ["PostgresStore", "PG_MIGRATIONS", "applied", "hnsw_index", "WRITE_LOCK", "PIP"]


def _as_store(store: Any) -> Any:
    # ``views`` is annotated with ``Store`` (SqliteStore) though it only uses the structural interface
    return cast(Any, store)


class PostgresStore(PgConnection, PgArticles, PgEmbeddings, PgSignals, PgStories, PgCorrections, PgFeeds,
                    PgPasses, PgJournal, PgSettings, PgChanges, PgAlerts, PgTrends, PgExports, PgSources):
    """A babelwire store in a PostgreSQL database (``postgresql://user:password@host:port/dbname``).

    All writes of one batch go through :meth:`transaction`, which holds the store's write lock (an
    advisory lock) until its commit, so writers in several processes take turns per batch. The JSON views
    (``story``, ``stories``, ``facets``, ``article_summaries``) are ``babelwire.views``' own; the methods of
    those names here hand over to it, as ``SqliteStore``'s do.
    """

    def story(self, story_id: str) -> dict[str, Any]:
        """Return ``views.story(self, story_id)``."""
        from ... import views

        return views.story(_as_store(self), story_id)

    def stories(self, *, article_ids: Iterable[str] | None = None, **filters: Any) -> list[dict[str, Any]]:
        """Return ``views.stories(self, ...)``."""
        from ... import views

        return views.stories(_as_store(self), article_ids=article_ids, **filters)

    def facets(self) -> dict[str, list[tuple[str, int]]]:
        """Return ``views.facets(self)``."""
        from ... import views

        return views.facets(_as_store(self))

    def article_summaries(self, **filters: Any) -> list[dict[str, Any]]:
        """Return ``views.article_summaries(self, ...)``."""
        from ... import views

        return views.article_summaries(_as_store(self), **filters)
