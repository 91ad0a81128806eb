"""Trending: ``GET /api/trending`` (JSON) and the ``/trending`` page, one SVG chart per story; story charts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Query, Request
from markupsafe import Markup
from starlette.responses import Response

from ..errors import InvalidArgument
from ..store import Store
from ..tracking import Trending, story_timeline
from ..tracking.trending import MAX_HOURS, parse_at
from ._charts import sparkline, timeline_chart
from ._render import lang_name
from .errors import ApiError

__all__ = ["router", "story_chart"]

router = APIRouter()


def _at(value: str | None) -> datetime:
    """Return the time to score at: ``value``, or now to the minute (so the answer is cached a minute)."""
    if not value:
        return datetime.now(UTC).replace(second=0, microsecond=0)
    try:
        return parse_at(value)
    except InvalidArgument as exc:
        raise ApiError(422, "invalid_request", f"at: {exc}".replace("--at ", "")) from None


def _trending(store: Store, hours: int, lang: str | None, limit: int, at: datetime) -> dict[str, Any]:
    return Trending(hours=hours).rank(store, at=at, lang=lang or None, limit=limit)


def _register() -> None:
    # the API's and the pages' own dependencies and caches, imported when the router is built
    from .routes_api import ERRORS, cached_json, reads
    from .routes_pages import cached_page, pages

    @router.get("/api/trending", dependencies=reads, responses=ERRORS, summary="Trending stories",
                response_model=dict[str, Any], tags=["api"])
    async def api_trending(
        request: Request,
        hours: int = Query(6, ge=1, le=MAX_HOURS, description="The window, in hours"),
        lang: str | None = Query(None, max_length=35, description="Count only reports in this language"),
        limit: int = Query(20, ge=1, le=200),
        at: str | None = Query(None, max_length=64, description="Score as of this ISO 8601 time (default: now)"),
    ) -> Response:
        """Return the stories whose independent sources burst in the last `hours`: the same JSON as
        `babelwire trending --format json` (each story with `score`, `sources`, `expected`, `why`, `hourly`)."""
        when = _at(at)
        return await cached_json(request, ("api-trending", hours, lang, limit, when.isoformat()),
                                 lambda store: _trending(store, hours, lang, limit, when))

    @router.get("/trending", dependencies=pages, include_in_schema=False)
    async def trending_page(
        request: Request,
        hours: int = Query(6, ge=1, le=MAX_HOURS),
        lang: str | None = Query(None, max_length=35),
        at: str | None = Query(None, max_length=64),
    ) -> Response:
        when = _at(at)

        def context(store: Store) -> dict[str, Any]:
            result = _trending(store, hours, lang, 30, when)
            for i, s in enumerate(result["stories"]):
                s["chart"] = Markup(sparkline(
                    s["hourly"], window=hours, uid=f"trend-{i}",
                    title=f"Independent sources per hour: {s['headline']}",
                    desc=f"{s['sources']} in the last {hours} hours (shaded) against {s['expected']:.2f} expected; "
                         f"{len(s['hourly']) - hours} hours of baseline before."))
            return {"result": result, "form": {"hours": hours, "lang": lang or "", "at": at or ""}}

        return await cached_page(request, "trending.html", context)


_register()


def story_chart(store: Store, story_id: str) -> Markup:
    """Return the SVG of the story's reports over time, per language, copies hatched, the first report marked."""
    tl = story_timeline(store, story_id)
    if not tl.starts:
        return Markup("")
    fmt = {"hour": "%d %b %H:%M", "day": "%d %b %Y", "week": "week of %d %b %Y"}[tl.unit]
    labels = [s.strftime(fmt) for s in tl.starts]
    first = tl.first
    first_index = None if first is None else max(i for i, s in enumerate(tl.starts) if s <= first.at)
    langs = sorted(set(tl.originals) | set(tl.copies))
    names = {la: lang_name(la) for la in langs}
    total = sum(map(sum, tl.originals.values())), sum(map(sum, tl.copies.values()))
    desc = (f"{total[0]} original reports and {total[1]} copies per {tl.unit} in "
            f"{', '.join(names[la] for la in langs)}; first report "
            + (f"{first.at:%d %b %Y %H:%M} UTC by {first.source} ({names.get(first.lang or '?', first.lang)})"
               if first else "unknown"))
    return Markup(timeline_chart(labels, tl.originals, tl.copies, first_index=first_index, names=names,
                                 title=f"Reports per {tl.unit} by language", desc=desc, uid="story-timeline"))
