"""Server-rendered pages: stories, a story, an article, search, ingest, and the read-token login."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from ..search import query_terms
from ..store import Store
from ..views import article_json, explain_article, story_view
from ._ingest import run_batch
from ._render import render
from ._state import read_store
from .auth import SESSION_COOKIE, check_write_token, read_allowed, same_token, session_value
from .errors import ApiError

__all__ = ["router"]

PAGE_SIZE = 50
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


async def page_read(request: Request) -> None:
    """Dependency of every page: with a read token set, the browser must have logged in."""
    if not read_allowed(request):
        raise ApiError(401, "unauthorized", "this server needs its read token: log in first")


router = APIRouter(include_in_schema=False)
pages = [Depends(page_read)]
ReadStore = Annotated[Store, Depends(read_store)]


def _date(value: str | None) -> str | None:
    return value if value and _DATE.match(value) else None


@router.get("/", dependencies=pages)
def stories_page(
    request: Request,
    store: ReadStore,
    lang: str | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    page: int = Query(1, ge=1),
) -> Response:
    filters = {"lang": lang or None, "source": source or None, "since": _date(since), "until": _date(until)}
    rows = store.stories(**filters, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return render(
        request, "stories.html", stories=rows, filters=filters, page=page, more=more,
        facets=store.facets(), total=store.story_count(), articles_total=store.article_count(),
    )


@router.get("/stories/{story_id}", dependencies=pages)
def story_page(request: Request, store: ReadStore, story_id: str) -> Response:
    return render(request, "story.html", story=story_view(store, story_id))


@router.get("/articles/{article_id}", dependencies=pages)
def article_page(request: Request, store: ReadStore, article_id: str) -> Response:
    article = article_json(store, article_id)
    story = store.story(article["story_id"]) if article["story_id"] else None
    return render(request, "article.html", article=article, story=story,
                  explanation=explain_article(store, article_id),
                  format=store.get_article(article_id).format)


@router.get("/search", dependencies=pages)
def search_page(
    request: Request, store: ReadStore, q: str = "", mode: str = "hybrid", lang: str | None = None
) -> Response:
    state = request.app.state.babelwire
    mode = mode if mode in ("hybrid", "semantic", "keyword") else "hybrid"
    result = None
    if q.strip():
        result = state.searcher.search(q, mode=mode, lang=lang or None, store=store)
    return render(request, "search.html", q=q, mode=mode, lang=lang or "", result=result,
                  terms=query_terms(q), facets=store.facets())


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
            batch = await batch_from_form(form)
        except ApiError as exc:
            return render(request, "ingest.html", status=exc.status, outcome=None,
                          error={"code": exc.code, "message": exc.message}, form=kept)
        status, outcome = await run_in_threadpool(run_batch, request.app.state.babelwire, batch)
        return render(request, "ingest.html", status=201 if status == 201 else 200 if status == 200 else 422,
                      outcome=outcome, error=None, form={} if status == 201 else kept)
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


