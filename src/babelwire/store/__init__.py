"""Stores: one interface (small protocols by concern), SQLite by default behind it; schema through named migrations."""

from ._migrations import MIGRATIONS, applied, migrate
from ._protocols import (
    ArticleStore,
    CorrectionStore,
    EmbeddingStore,
    FeedStore,
    PassStore,
    SettingStore,
    SignalStore,
    SourceStore,
    StoreInterface,
    StoryStore,
)
from .sqlite import SqliteStore, default_db_path

Store = SqliteStore  # the default backend

__all__ = ["Store", "SqliteStore", "StoreInterface", "ArticleStore", "EmbeddingStore", "SignalStore", "StoryStore",
           "CorrectionStore", "FeedStore", "PassStore", "SettingStore", "SourceStore", "default_db_path", "MIGRATIONS",
           "migrate", "applied"]
