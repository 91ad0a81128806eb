"""The clusterer's bounded working set: what it holds in memory of a store that keeps growing.

A story can only take a new member within ``window_days`` of its dates, so the
clusterer holds the stories with a member active on or after the *horizon*:
the newest publication-grade day the store has seen (its clock) less the window
and ``margin_days``. The horizon advances in steps of ``step_days``, not with
every article, so the set is rebuilt seldom; it is saved with the store, and a
restarted pipeline loads exactly the set an uninterrupted one holds.

An undated article is still compared with every story held, but it is placed in
time for eviction at the clock when it arrived: it leaves memory with the
articles of its day, so undated articles never bring the whole store back.
Older stories come back when something needs them: a late article (published
before the horizon) pins the stored stories dated within its window, a
correction pins the stories it touches; pins are saved too, and dropped when
the horizon next advances.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..signals.profile import ArticleSignals
from ..store import Store

__all__ = ["WorkingSet"]

_HORIZON = "working_set_horizon"


@dataclass
class WorkingSet:
    """Decides which stored articles the clusterer holds (see the module docstring)."""

    store: Store
    window_days: float = 3.0
    margin_days: float = 2.0
    step_days: float = 1.0

    @property
    def horizon(self) -> float | None:
        """Return the saved horizon: stories active before it are not held (None: all are)."""
        v = self.store.get_setting(_HORIZON)
        return None if v is None else float(v)

    def rows(self) -> list[dict]:
        """Return the memberships and signals to restore the clusterer from, in ingest order (a store
        that has no horizon yet, one just upgraded say, gets one first)."""
        if self.horizon is None:
            self._move()
        return self.store.working_set_rows(self.horizon)

    def _move(self) -> float | None:
        """Set the horizon from the clock when it is ``step_days`` past the saved one; return the new one."""
        clock = self.store.newest_day()
        if clock is None:
            return None
        target = clock - self.window_days - self.margin_days
        h = self.horizon
        if h is not None and target < h + self.step_days:
            return None
        with self.store.transaction():
            self.store.set_setting(_HORIZON, repr(target))
            self.store.set_pins(())
        return target

    def advance(self, held: Iterable[str]) -> bool:
        """Move the horizon when the clock has gone ``step_days`` past it; return True when the held
        articles ``held`` are no longer the working set (the clusterer must be restored again)."""
        target = self._move()
        return target is not None and self.store.working_set_ids(target) != set(held)

    def late(self, signals: Sequence[ArticleSignals]) -> bool:
        """Pin the stored stories a late article of ``signals`` may join; return True when one was not in
        the working set."""
        h = self.horizon
        if h is None or not any(s.dated and s.day is not None and s.day - self.window_days < h for s in signals):
            return False
        held = self.store.working_set_ids(h)
        need: set[str] = set()
        for s in signals:
            if s.dated and s.day is not None and s.day - self.window_days < h:
                near = self.store.stories_dated_between(s.day - self.window_days, s.day + self.window_days)
                need |= {aid for aid in near.values() if aid not in held}
        return self.pin(need)

    def pin(self, article_ids: Iterable[str]) -> bool:
        """Pin ``article_ids``' stories into the working set; return True when one was not pinned yet."""
        new = set(article_ids) - self.store.pinned()
        if new:
            with self.store.transaction():
                self.store.set_pins(self.store.pinned() | new)
        return bool(new)

    def cover(self, held: Iterable[str]) -> None:
        """Pin whatever the clusterer holds that the saved working set would not load (a story split off
        an older one, say), so a restart loads exactly what is held; call inside the writing transaction."""
        h = self.horizon
        if h is None:
            return
        extra = set(held) - self.store.working_set_ids(h)
        if extra:
            self.store.set_pins(self.store.pinned() | extra)
