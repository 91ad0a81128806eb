"""Stores: one interface (small protocols by concern), SQLite by default and PostgreSQL behind it; schema through
named migrations; ``open_store(spec)`` picks the backend from a path or URL."""

from ._migrations import MIGRATIONS, applied, migrate
from ._open import display_spec, is_postgres, open_store
from ._protocols import (
    AlertStore,
    ArticleStore,
    ChangeStore,
    CorrectionStore,
    EmbeddingStore,
    ExportStore,
    FeedStore,
    JournalStore,
    PassStore,
    SettingStore,
    SignalStore,
    SourceStore,
    StoreInterface,
    StoryStore,
    TrendStore,
)
from .postgres import PostgresStore
from .sqlite import SqliteStore, default_db_path

Store = SqliteStore  # the default backend

__all__ = ["Store", "SqliteStore", "StoreInterface", "ArticleStore", "EmbeddingStore", "SignalStore", "StoryStore",
           "CorrectionStore", "FeedStore", "JournalStore", "PassStore", "SettingStore", "ChangeStore",
           "AlertStore", "TrendStore", "ExportStore", "SourceStore", "default_db_path", "MIGRATIONS", "migrate",
           "applied", "PostgresStore", "open_store", "is_postgres", "display_spec"]
