"""Stores: SQLite by default, behind one interface; schema through named migrations."""

from ._migrations import MIGRATIONS, applied, migrate
from ._sqlite import Store, default_db_path

__all__ = ["Store", "default_db_path", "MIGRATIONS", "migrate", "applied"]
