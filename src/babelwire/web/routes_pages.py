"""Server-rendered pages: stories, a story, an article, search, ingest, and the read-token login."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..search import query_terms
from ..store import Store
from ..views import story_view
from ._cache import MISSING
from ._ids import path_id
from ._render import render, render_html
from .auth import SESSION_COOKIE, check_write_token, read_allowed, same_token, session_value
from .errors import ApiError

__all__ = ["router"]

PAGE_SIZE = 50
MAX_PAGE = 1_000_000
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


async def page_read(request: Request) -> None:
    """Dependency of every page: with a read token set, the browser must have logged in."""
    if not read_allowed(request):
        raise ApiError(401, "unauthorized", "this server needs its read token: log in first")


router = APIRouter(include_in_schema=False)
pages = [Depends(page_read)]


async def cached_page(request: Request, name: str, fn: Callable[[Store], dict[str, Any]],
                      *, tags: Callable[[dict[str, Any]], Iterable[str]] | None = None) -> Response:
    """Return the page ``name`` rendered with ``fn(store)``, the HTML kept until the store changes (with
    ``tags``: until a change touches one of the stories ``tags(context)`` names).

    The key is the page's path and query, so each filter and page number is its own entry.
    """
    state = request.app.state.babelwire
    key = ("page", request.url.path, request.url.query)
    html = state.cache.peek(key)
    if html is MISSING:

        def compute(store: Store) -> Any:
            context = fn(store)
            html = render_html(request, name, **context)
            return (html, tags(context)) if tags is not None else html

        html = await state.in_reader(state.cached, key, compute, tags is not None)
    return HTMLResponse(html)


def _date(value: str | None) -> str | None:
    return value if value and _DATE.match(value) else None


def _facets(request: Request, store: Store) -> dict[str, list[tuple[str, int]]]:
    # Every filtered front page and search page shows them: computed once per change of the store.
    facets: dict[str, list[tuple[str, int]]] = request.app.state.babelwire.cache.get(("facets",), store.facets)
    return facets


@router.get("/", dependencies=pages)
async def stories_page(
    request: Request,
    lang: str | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    page: int = Query(1, ge=1, le=MAX_PAGE),
) -> Response:
    filters = {"lang": lang or None, "source": source or None, "since": _date(since), "until": _date(until)}

    def context(store: Store) -> dict[str, Any]:
        rows = request.app.state.babelwire.stories(store, **filters, limit=PAGE_SIZE + 1,
                                                   offset=(page - 1) * PAGE_SIZE)
        return {"stories": rows[:PAGE_SIZE], "filters": filters, "page": page, "more": len(rows) > PAGE_SIZE,
                "facets": _facets(request, store), "total": store.story_count(),
                "articles_total": store.article_count()}

    return await cached_page(request, "stories.html", context)


@router.get("/stories/{story_id:path}", dependencies=pages)
async def story_page(request: Request, story_id: str) -> Response:
    from .routes_trending import story_chart

    sid = path_id(request, "/stories/")
    return await cached_page(request, "story.html",
                             lambda store: {"story": story_view(store, sid), "chart": story_chart(store, sid)},
                             tags=lambda context: (sid, context["story"]["id"]))


@router.get("/articles/{article_id:path}", dependencies=pages)
async def article_page(request: Request, article_id: str) -> Response:
    from .routes_api import article_with_explanation

    aid = path_id(request, "/articles/")
    read = article_with_explanation(request, aid)

    def context(store: Store) -> dict[str, Any]:
        article = read(store)
        story = store.story(article["story_id"]) if article["story_id"] else None
        return {"article": article, "story": story, "explanation": article["explanation"],
                "format": store.get_article(aid).format}

    return await cached_page(request, "article.html", context)


@router.get("/search", dependencies=pages)
async def search_page(
    request: Request, q: str = Query("", max_length=1000), mode: str = "hybrid", lang: str | None = None
) -> Response:
    state = request.app.state.babelwire
    mode = mode if mode in ("hybrid", "semantic", "keyword") else "hybrid"

    def context(store: Store) -> dict[str, Any]:
        result = state.search(store, q, mode=mode, lang=lang or None) if q.strip() else None
        return {"q": q, "mode": mode, "lang": lang or "", "result": result, "terms": query_terms(q),
                "facets": _facets(request, store)}

    return await cached_page(request, "search.html", context)


@router.get("/ingest", dependencies=pages)
def ingest_page(request: Request) -> Response:
    return render(request, "ingest.html", outcome=None, error=None, form={})


@router.post("/ingest", dependencies=pages)
async def ingest_submit(request: Request) -> Response:
    from .routes_api import batch_from_form

    form = await request.form()
    try:
        kept = {k: str(form.get(k) or "") for k in ("text", "title", "url", "source", "lang", "published")}
        try:
            check_write_token(request, str(form.get("token") or "") or None)
            batch = await batch_from_form(form, max_article_mb=request.app.state.babelwire.config.max_article_mb)
        except ApiError as exc:
            return render(request, "ingest.html", status=exc.status, outcome=None,
                          error={"code": exc.code, "message": exc.message}, form=kept)
        state = request.app.state.babelwire
        status, outcome = await state.in_writer(state.ingester.ingest, batch)
        report = outcome["report"]
        if status != 201:  # a page has no multi-status: 200 when something was stored or known, else 422
            status = 200 if report["stored"] or report["already_known"] else 422
        return render(request, "ingest.html", status=status, outcome=outcome, error=None,
                      form={} if status == 201 else kept)
    finally:
        await form.close()


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", next=_local(next), error=None)


@router.post("/login")
async def login_submit(request: Request) -> Response:
    config = request.app.state.babelwire.config
    form = await request.form()
    token, target = str(form.get("token") or ""), _local(str(form.get("next") or "/"))
    if not config.read_token:
        return RedirectResponse(target, status_code=303)
    if not (same_token(token, config.read_token) or (config.token and same_token(token, config.token))):
        return render(request, "login.html", status=401, next=target, error="wrong token")
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, session_value(config.read_token), httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response


def _local(target: str) -> str:
    """Return ``target`` when it is a path on this site (no open redirects), else ``/``."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


