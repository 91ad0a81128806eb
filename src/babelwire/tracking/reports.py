"""Reports on one time axis: an article placed at its publication time where known, else at its ingest time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

__all__ = ["Report", "placed", "report_time", "BASES"]

# How a report was placed in time: its publication time (a date with a clock), its ingest time (no date, or
# a bare date the ingest fell on or just after), or the middle of its publication day (a bare date, ingested
# later: an archive read now, whose hour is unknown but whose day is not).
BASES = ("published", "ingested", "published-day")
_SAME_DAY = timedelta(hours=36)  # a bare date ingested within this of its start was read live


def _utc(value: str) -> datetime | None:
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def report_time(published: str | None, ingested_at: str) -> tuple[datetime, str] | None:
    """Return ``(UTC time, basis)`` of a report (``basis`` one of ``BASES``), or None when neither clock reads.

    A publication time with a clock wins (naive ones read as UTC); a bare publication date is
    placed at the ingest time when the ingest fell within 36 hours of the day's start (read live),
    else at noon UTC of that day; an undated article at its ingest time.
    """
    ingested = _utc(ingested_at) if ingested_at else None
    if published and len(published) > 10:
        when = _utc(published)
        if when is not None:
            return when, "published"
    if published and len(published) == 10:
        try:
            day = datetime.combine(date.fromisoformat(published), datetime.min.time(), UTC)
        except ValueError:
            day = None
        if day is not None and not (ingested and day <= ingested < day + _SAME_DAY):
            return day + timedelta(hours=12), "published-day"
    return (ingested, "ingested") if ingested else None


@dataclass(slots=True, frozen=True)
class Report:
    """One article of a story on the time axis: who (``outlet``, the key independence counts), in which
    language, when (``at``, placed by ``basis``), and whether it copies another article."""

    id: str
    story_id: str
    outlet: str
    source: str
    lang: str | None
    at: datetime
    basis: str
    copy: bool


def placed(rows: Iterable[dict[str, Any]]) -> list[Report]:
    """Return the report rows a store gives (``TrendStore``) as reports on the time axis.

    Articles without a story (mid-ingest) or without a readable clock are left out. The outlet
    is the source, except for an article whose outlet is unknown (only its folder is): it counts on
    its own, as ``views.story_dict`` counts independent sources.
    """
    out = []
    for r in rows:
        if not r["story_id"]:
            continue
        when = report_time(r["published"], r["ingested_at"])
        if when is None:
            continue
        outlet = r["source"] if r["source_known"] else f"article:{r['id']}"
        out.append(Report(r["id"], r["story_id"], outlet, r["source"], r["lang"], when[0], when[1],
                          bool(r["copy_of"])))
    return out
