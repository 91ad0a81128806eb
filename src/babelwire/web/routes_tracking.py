"""Live tracking on the web: the changes feed (GET /api/changes), alert firings (GET /api/alerts) and each
alert's Atom feed (GET /alerts/NAME.atom)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from ..errors import InvalidArgument
from ..tracking.atom import atom_feed
from ..tracking.changes import MAX_LIMIT, changes_page, check_kinds
from .auth import require_read
from .errors import ApiError
from .routes_api import DATE, ERRORS, cached_json

__all__ = ["api_router", "feeds_router"]

api_router = APIRouter(prefix="/api", tags=["api"])
feeds_router = APIRouter(tags=["feeds"])
reads = [Depends(require_read)]
_KINDS = Query(None, description="Only changes of these kinds (repeat the parameter)")


def _invalid(exc: InvalidArgument) -> ApiError:
    return ApiError(422, "invalid_request", str(exc))


@api_router.get("/changes", dependencies=reads, responses=ERRORS, summary="The changes feed",
                response_model=dict[str, Any])
async def list_changes(
    request: Request,
    after: int = Query(0, ge=0, le=2**62, description="Cursor: the changes after this one ('next' of a page)"),
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    kind: list[str] | None = _KINDS,
) -> Response:
    """Return `{"changes", "next", "more", "head"}`: what happened after cursor `after`, oldest first.

    Ask again with `after=next` while `more` is true; a cursor past `head` (another store's) is a 422.
    """
    try:
        kinds = check_kinds(kind)
        return await cached_json(request, ("api-changes", after, limit, tuple(kinds or ())),
                                 lambda store: changes_page(store, after, limit=limit, kinds=kinds))
    except InvalidArgument as exc:
        raise _invalid(exc) from exc


@api_router.get("/alerts", dependencies=reads, responses=ERRORS, summary="Alert firings",
                response_model=list[dict[str, Any]])
async def list_firings(
    request: Request,
    name: str | None = Query(None, max_length=64, description="Only the firings of this alert"),
    since: str | None = Query(None, pattern=DATE, description="Only firings on or after (YYYY-MM-DD)"),
    limit: int = Query(100, ge=1, le=1000),
) -> Response:
    """Return alert firings, newest first, each with its story and delivery status (as `babelwire alerts`)."""
    if since is not None:
        try:
            date.fromisoformat(since)
        except ValueError as exc:
            raise ApiError(422, "invalid_request", f"since: {since!r} is not a date") from exc

    def read(store: Any) -> list[dict[str, Any]]:
        if name is not None:
            store.get_alert(name)  # NotFound: 404
        return [f.as_dict() for f in store.firings(name=name, since=since, limit=limit)]

    return await cached_json(request, ("api-alerts", name, since, limit), read)


@feeds_router.get("/alerts/{name}.atom", dependencies=reads, summary="An alert's Atom feed",
                  response_class=Response)
async def alert_atom(request: Request, name: str) -> Response:
    """Return alert NAME's firings as an Atom 1.0 feed, newest first, one entry per firing."""
    state = request.app.state.babelwire
    base = str(request.base_url)

    def read(store: Any) -> bytes:
        alert = store.get_alert(name)
        return atom_feed(alert, store.firings(name=name, limit=200), base_url=base)

    body = await state.in_reader(state.cached, ("alert-atom", name, base), read)
    return Response(body, media_type="application/atom+xml")
