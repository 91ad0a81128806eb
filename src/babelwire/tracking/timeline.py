"""A story's reports over time: per language, originals and copies apart, in hourly, daily or weekly bins."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ..errors import NotFound
from ..store import StoreInterface
from .reports import BASES, Report, placed

__all__ = ["StoryTimeline", "story_timeline", "bin_unit"]

_UNITS = (("hour", timedelta(hours=1)), ("day", timedelta(days=1)), ("week", timedelta(weeks=1)))
MAX_BINS = 60


@dataclass(slots=True)
class StoryTimeline:
    """Counts per bin: ``originals[lang][i]`` and ``copies[lang][i]`` for bin ``i`` starting at ``starts[i]``."""

    story_id: str
    unit: str
    starts: list[datetime]
    originals: dict[str, list[int]]
    copies: dict[str, list[int]]
    first: Report | None
    basis: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Return the timeline as JSON-ready values."""
        return {
            "story_id": self.story_id, "unit": self.unit, "starts": [s.isoformat() for s in self.starts],
            "originals": self.originals, "copies": self.copies, "time_basis": self.basis,
            "first": None if self.first is None else {"id": self.first.id, "at": self.first.at.isoformat(),
                                                      "lang": self.first.lang, "source": self.first.source},
        }


def bin_unit(first: datetime, last: datetime) -> tuple[str, timedelta]:
    """Return the finest unit (hour, day, week) that spans ``first`` to ``last`` in at most ``MAX_BINS`` bins."""
    for name, step in _UNITS:
        if (last - first) / step < MAX_BINS:
            return name, step
    return _UNITS[-1]


def _floor(dt: datetime, unit: str) -> datetime:
    dt = dt.astimezone(UTC)
    if unit == "hour":
        return dt.replace(minute=0, second=0, microsecond=0)
    day = dt.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday()) if unit == "week" else day


def story_timeline(store: StoreInterface, story_id: str) -> StoryTimeline:
    """Return the story's reports over time (merge redirects followed); raises NotFound.

    Reports are placed as trending places them (``reports.report_time``); the first report is the
    earliest original (the earliest copy when there are only copies).
    """
    row = store.story_row(story_id)
    if row is None:
        raise NotFound(f"no story with id {story_id!r}")
    reports = placed(store.story_report_rows(row[0]))
    return timeline_of(row[0], reports)


def timeline_of(story_id: str, reports: list[Report]) -> StoryTimeline:
    """Return the timeline of ``reports`` (one story's)."""
    if not reports:
        return StoryTimeline(story_id, "day", [], {}, {}, None)
    first_at, last_at = min(r.at for r in reports), max(r.at for r in reports)
    unit, step = bin_unit(first_at, last_at)
    origin = _floor(first_at, unit)
    n = int((_floor(last_at, unit) - origin) / step) + 1
    starts = [origin + i * step for i in range(n)]
    langs = sorted({r.lang or "?" for r in reports})
    originals = {la: [0] * n for la in langs}
    copies = {la: [0] * n for la in langs}
    for r in reports:
        i = min(int((r.at - origin) / step), n - 1)
        (copies if r.copy else originals)[r.lang or "?"][i] += 1
    firsts = [r for r in reports if not r.copy] or reports
    first = min(firsts, key=lambda r: (r.at, r.id))
    basis = {b: sum(1 for r in reports if r.basis == b) for b in BASES if any(r.basis == b for r in reports)}
    return StoryTimeline(story_id, unit, starts, {k: v for k, v in originals.items() if any(v)},
                         {k: v for k, v in copies.items() if any(v)}, first, basis)
