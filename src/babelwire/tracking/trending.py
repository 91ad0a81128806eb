"""Trending stories: bursts of independent sources, scored against the story's own and the store's baseline.

Each story's reports are counted per window of ``hours`` hours, one outlet once per window
and copies never (``reports.placed`` puts each article on the time axis; the clusterer's copy
relation marks copies). The last window's count ``x`` is compared with what the story's own
previous windows (``baseline_days`` of them) lead one to expect, shrunk towards the store's
rate for a story, and scored by Poisson surprise, ``-log10 P(X >= x)``. docs/trending.md
says why this method and shows what it does on a replayed stream.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..errors import InvalidArgument
from ..store import StoreInterface, TrendStore
from .reports import BASES, Report, placed

__all__ = ["Trending", "TrendingStory", "poisson_surprise", "parse_at", "TIME_AXIS"]

TIME_AXIS = ("publication time where the article has one with a clock; else its ingest time (a bare date "
             "ingested later: noon UTC of that day)")
MAX_HOURS = 24 * 7
MAX_BASELINE_DAYS = 60


def poisson_surprise(x: int, mu: float) -> float:
    """Return ``-log10 P(X >= x)`` for ``X ~ Poisson(mu)``: 0 for ``x <= 0``, large when ``x`` is far above ``mu``."""
    if x <= 0:
        return 0.0
    mu = max(mu, 1e-9)
    log_mu = math.log(mu)

    def term(k: int) -> float:
        return -mu + k * log_mu - math.lgamma(k + 1)

    if x <= mu:  # the tail holds most of the mass: one minus the head
        head = sum(math.exp(term(k)) for k in range(x))
        return -math.log10(max(1.0 - head, 1e-300))
    # the upper tail's terms shrink from k = x on: sum them in log space until they stop counting
    first = term(x)
    total, k = 0.0, x
    while True:
        t = math.exp(term(k) - first)
        total += t
        k += 1
        if t < 1e-16 * total or k > x + 10_000:
            break
    return -(first + math.log(total)) / math.log(10)


def parse_at(value: str | datetime | None) -> datetime:
    """Return ``value`` (ISO 8601; naive means UTC) as an aware UTC time, or now; raises InvalidArgument."""
    if value is None or value == "":
        return datetime.now(UTC)
    if isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InvalidArgument(f"--at {value!r} is not an ISO 8601 time (e.g. 2024-05-01T12:00)") from None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


@dataclass(slots=True)
class TrendingStory:
    """One story's burst: its sources in the last window against what its baseline expects, and why."""

    story_id: str
    score: float
    sources: int  # independent outlets in the last window
    expected: float
    own_per_window: float
    store_per_window: float
    languages: list[str]
    outlets: list[str]
    copies: int  # copies in the last window (not counted)
    first_report: str
    latest_report: str
    hourly: list[int]  # independent outlets per hour, oldest first; the last ``hours`` are the window
    basis: dict[str, int]
    headline: str = ""
    why: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON shape of ``babelwire trending --format json`` and ``GET /api/trending``."""
        return {
            "story_id": self.story_id, "headline": self.headline, "score": round(self.score, 2),
            "sources": self.sources, "expected": round(self.expected, 3),
            "ratio": round(self.sources / max(self.expected, 1e-3), 1),
            "own_per_window": round(self.own_per_window, 3), "store_per_window": round(self.store_per_window, 3),
            "languages": self.languages, "outlets": self.outlets, "copies": self.copies,
            "first_report": self.first_report, "latest_report": self.latest_report,
            "hourly": self.hourly, "time_basis": self.basis, "why": self.why,
        }


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class Trending:
    """Ranks stories by the burst of independent sources in the last ``hours`` hours.

    ``baseline_days``: how far back the story's own rate (and the store's) is measured, in windows of
    ``hours``. ``prior_windows``: how many windows' weight the store's rate for a story carries in a
    story's expectation (a new story has no baseline of its own). ``min_sources``: fewest independent
    outlets in the window for a story to trend; ``min_surprise``: least ``-log10 P`` (2: p = 0.01).
    """

    def __init__(self, *, hours: int = 6, baseline_days: float = 3.0, prior_windows: float = 1.0,
                 min_sources: int = 3, min_surprise: float = 2.0) -> None:
        self.hours = hours
        self.baseline_days = baseline_days
        self.prior_windows = prior_windows
        self.min_sources = min_sources
        self.min_surprise = min_surprise

    def _check(self) -> None:
        if not isinstance(self.hours, int) or not 1 <= self.hours <= MAX_HOURS:
            raise InvalidArgument(f"hours must be a whole number from 1 to {MAX_HOURS}, not {self.hours!r}")
        if not 0 < self.baseline_days <= MAX_BASELINE_DAYS:
            raise InvalidArgument(f"the baseline must be more than 0 and at most {MAX_BASELINE_DAYS} days")
        if self.min_sources < 1:
            raise InvalidArgument("min_sources must be at least 1")

    def windows(self) -> int:
        """Return how many baseline windows precede the last one (at least one)."""
        return max(1, math.ceil(self.baseline_days * 24 / self.hours))

    def rank(self, store: StoreInterface, *, at: str | datetime | None = None, lang: str | None = None,
             limit: int = 20) -> dict[str, Any]:
        """Return the trending stories of ``store`` as of ``at`` (default
        now), best first, at most ``limit``, counting only reports in ``lang`` when given; raises InvalidArgument.

        The JSON shape: ``at``, ``hours``, ``baseline_hours``, ``lang``, ``time_axis``, ``reports`` (independent
        ones in the window), ``store_per_window`` and ``stories`` (``TrendingStory.as_dict``).
        """
        self._check()
        if limit < 1:
            raise InvalidArgument("limit must be at least 1")
        end = parse_at(at)
        reports = self.reports(store, end)
        if lang:
            reports = [r for r in reports if r.lang == lang]
        ranked, meta = self.score(reports, end)
        for s in ranked[:limit]:
            row = store.story_row(s.story_id)
            s.headline = row[1] if row else ""
        return {"at": _iso(end), "hours": self.hours, "baseline_hours": self.windows() * self.hours,
                "lang": lang or None, "time_axis": TIME_AXIS, **meta,
                "stories": [s.as_dict() for s in ranked[:limit]]}

    def reports(self, store: TrendStore, end: datetime) -> list[Report]:
        """Return the reports placed in the window and its baseline, up to ``end`` (read through the indexes)."""
        start = end - timedelta(hours=self.hours * (self.windows() + 1))
        # Publication strings carry their own offsets (up to 14 hours) and bare dates: a day's slack each side,
        # the exact cut made on the placed times.
        pub = ((start - timedelta(days=1)).date().isoformat(), (end + timedelta(days=2)).date().isoformat())
        ing = (start.isoformat(timespec="seconds"), (end + timedelta(seconds=1)).isoformat(timespec="seconds"))
        rows = store.report_rows(published=pub, ingested=ing)
        seen: set[str] = set()
        out = []
        for r in placed(rows):
            if start <= r.at < end and r.id not in seen:
                seen.add(r.id)
                out.append(r)
        return out

    def score(self, reports: list[Report], end: datetime) -> tuple[list[TrendingStory], dict[str, Any]]:
        """Return the stories that trend among ``reports`` as of ``end``, best first, and the store's figures."""
        self._check()
        k, w = self.windows(), self.hours
        span = w * (k + 1)
        start = end - timedelta(hours=span)
        outlets: dict[tuple[str, int], set[str]] = defaultdict(set)  # (story, window) -> outlets
        hourly: dict[tuple[str, int], set[str]] = defaultdict(set)  # (story, hour from start) -> outlets
        by_story: dict[str, list[Report]] = defaultdict(list)
        for r in reports:
            if not start <= r.at < end:
                continue
            by_story[r.story_id].append(r)
            if r.copy:
                continue
            hour = int((r.at - start).total_seconds() // 3600)  # from the start: window 0 is the last
            outlets[(r.story_id, k - min(hour // w, k))].add(r.outlet)
            hourly[(r.story_id, hour)].add(r.outlet)
        # the store's rate: independent outlets per story per baseline window, over the stories seen in it
        base_total = sum(len(v) for (_, i), v in outlets.items() if i > 0)
        base_stories = {s for (s, i) in outlets if i > 0}
        store_rate = base_total / (k * len(base_stories)) if base_stories else 1.0
        ranked = []
        for sid, reps in by_story.items():
            x = len(outlets.get((sid, 0), ()))
            own = sum(len(outlets.get((sid, i), ())) for i in range(1, k + 1)) / k
            expected = (own * k + self.prior_windows * store_rate) / (k + self.prior_windows)
            surprise = poisson_surprise(x, expected)
            if x < self.min_sources or surprise < self.min_surprise or x <= expected:
                continue
            ranked.append(self._story(sid, reps, x, expected, own, store_rate, surprise, hourly, end))
        ranked.sort(key=lambda s: (-s.score, -s.sources, s.story_id))
        window_reports = sum(len(v) for (_, i), v in outlets.items() if i == 0)
        return ranked, {"reports": window_reports, "store_per_window": round(store_rate, 3)}

    def _story(self, sid: str, reps: list[Report], x: int, expected: float, own: float, store_rate: float,
               surprise: float, hourly: dict[tuple[str, int], set[str]], end: datetime) -> TrendingStory:
        w, span = self.hours, self.hours * (self.windows() + 1)
        window = [r for r in reps if r.at >= end - timedelta(hours=w)]
        originals = [r for r in window if not r.copy]
        langs = sorted({r.lang for r in originals if r.lang})
        basis = {b: sum(1 for r in reps if r.basis == b) for b in BASES if any(r.basis == b for r in reps)}
        s = TrendingStory(
            story_id=sid, score=surprise, sources=x, expected=expected, own_per_window=own,
            store_per_window=store_rate, languages=langs, outlets=sorted({r.source for r in originals}),
            copies=sum(1 for r in window if r.copy), first_report=_iso(min(r.at for r in reps)),
            latest_report=_iso(max(r.at for r in reps)),
            hourly=[len(hourly.get((sid, h), ())) for h in range(span)], basis=basis,
        )
        s.why = (f"{x} independent source{'s' if x != 1 else ''} in the last {w} h against {expected:.2f} expected "
                 f"(its own {own:.2f} per {w} h over the previous {span - w} h, the store's {store_rate:.2f} per "
                 f"story); languages: {', '.join(langs) or 'unknown'}"
                 + (f"; {s.copies} cop{'ies' if s.copies != 1 else 'y'} not counted" if s.copies else ""))
        return s
