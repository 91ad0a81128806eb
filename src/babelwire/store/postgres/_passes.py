"""Owed passes in PostgreSQL: the stories whose merge/split/reassign pass is still to run."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any

__all__ = ["PgPasses"]


class PgPasses:
    """The owed-passes part of the store (``PassStore``)."""

    _q: Callable[..., Any]
    _many: Callable[..., None]
    transaction: Callable[[], AbstractContextManager[None]]

    def owe_pass(self, story_ids: Iterable[str]) -> None:
        """Record that the pass over ``story_ids`` is owed (inside the batch's transaction)."""
        with self.transaction():
            self._many("INSERT INTO owed_passes (story_id) VALUES (%s) ON CONFLICT DO NOTHING",
                       [(s,) for s in story_ids])

    def owed_passes(self) -> set[str]:
        """Return the stories whose pass is owed."""
        return {r[0] for r in self._q("SELECT story_id FROM owed_passes")}

    def clear_owed_passes(self) -> None:
        """Forget every owed pass (inside the pass's transaction)."""
        with self.transaction():
            self._q("DELETE FROM owed_passes")
