"""The REST API under /api: stories, articles, search, explanations, and ingest (POST /api/articles)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse, Response

from ..store import Store
from ..views import article_json, explain_article
from ._cache import MISSING
from ._ids import id_from_raw, path_id, raw_rest
from ._ingest import Batch, batch_from_records, batch_from_upload, json_type
from ._json import load_json
from .auth import require_read, require_write
from .errors import ApiError, error_payload

__all__ = ["router"]

DATE = r"^\d{4}-\d{2}-\d{2}$"
MAX_OFFSET = 1_000_000_000  # far past any store, far below SQLite's 64-bit integers
MAX_ITEMS = 1000  # articles in one POST
router = APIRouter(prefix="/api", tags=["api"])
reads = [Depends(require_read)]


class ErrorBody(BaseModel):
    code: str = Field(examples=["not_found"])
    message: str = Field(examples=["no story with id 'nope'"])


class ErrorResponse(BaseModel):
    """The shape of every error response."""

    error: ErrorBody


class ArticleIn(BaseModel):
    """One article to ingest: ``text`` or ``html`` is required; the rest is optional metadata."""

    id: str | None = Field(None, description="Article id; default: 'web-' + a hash of the text")
    text: str | None = Field(None, description="Plain text (first headline-like line is the title)")
    html: str | None = Field(None, description="An HTML page, instead of text")
    title: str | None = None
    url: str | None = Field(None, description="Its source defaults to this URL's domain")
    source: str | None = None
    lang: str | None = Field(None, description="Declared language (ISO 639-1)")
    published: str | None = Field(None, description="Declared publication date (ISO 8601)")


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in ((401, "Missing or wrong token"), (404, "Unknown id"), (422, "Invalid request"))
}

_ARTICLE_SCHEMA = ArticleIn.model_json_schema()
_INGEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"oneOf": [_ARTICLE_SCHEMA, {"type": "array", "items": _ARTICLE_SCHEMA}]},
                "example": {"title": "Blinken calls Lavrov", "text": "US Secretary of State Antony Blinken spoke…",
                            "url": "https://example.org/news/1", "published": "2022-02-01"},
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "array", "items": {"type": "string", "format": "binary"},
                                 "description": "Files in any format `babelwire ingest` reads"},
                        **{f: {"type": "string"} for f in ArticleIn.model_fields},
                    },
                }
            },
        },
    }
}


def _json_bytes(value: Any) -> bytes:
    # What FastAPI's JSONResponse writes, serialised once for the cache.
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


async def cached_json(request: Request, key: tuple[Any, ...], fn: Callable[[Store], Any],
                      *, tags: Callable[[Any], Iterable[str]] | None = None) -> Response:
    """Return ``fn(store)`` as JSON, kept in the app's cache until the store changes (with ``tags``: until a
    change touches one of the stories ``tags(value)`` names)."""
    state = request.app.state.babelwire
    body = state.cache.peek(key)
    if body is MISSING:  # compute off the event loop

        def compute(store: Store) -> Any:
            value = fn(store)
            return (_json_bytes(value), tags(value)) if tags is not None else _json_bytes(value)

        body = await state.in_reader(state.cached, key, compute, tags is not None)
    return Response(body, media_type="application/json")


@router.get("/stories", dependencies=reads, responses=ERRORS, summary="List stories",
            response_model=list[dict[str, Any]])
async def list_stories(
    request: Request,
    lang: str | None = Query(None, description="Only stories with an article in this language"),
    source: str | None = Query(None, description="Only stories with an article from this source"),
    since: str | None = Query(None, pattern=DATE, description="Published on or after (YYYY-MM-DD)"),
    until: str | None = Query(None, pattern=DATE, description="Published on or before (YYYY-MM-DD)"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> Response:
    """Return stories, most recently published first: the same JSON as `babelwire stories --format json`."""
    return await cached_json(
        request, ("api-stories", lang, source, since, until, limit, offset),
        lambda store: request.app.state.babelwire.stories(store, lang=lang, source=source, since=since, until=until,
                                                          limit=limit, offset=offset))


@router.get("/stories/{story_id:path}", dependencies=reads, responses=ERRORS, summary="Get a story",
            response_model=dict[str, Any])
async def get_story(request: Request, story_id: str) -> Response:
    """Return one story with its articles: the same JSON as `babelwire story ID --format json`.

    The id as its link writes it (see `/stories/{id}`), or percent-encoded.
    """
    sid = path_id(request, "/api/stories/")
    return await cached_json(request, ("api-story", sid), lambda store: store.story(sid),
                             tags=lambda story: (sid, story["id"]))


@router.get("/articles", dependencies=reads, responses=ERRORS, summary="List articles",
            response_model=list[dict[str, Any]])
async def list_articles(
    request: Request,
    lang: str | None = None,
    source: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> Response:
    """Return article summaries (id, source, lang, title, published, path, url, story_id), newest first."""
    return await cached_json(
        request, ("api-articles", lang, source, limit, offset),
        lambda store: store.article_summaries(lang=lang, source=source, limit=limit, offset=offset))


def article_with_explanation(request: Request, article_id: str) -> Callable[[Store], dict[str, Any]]:
    """Return the reader of an article's JSON plus ``explanation`` (shared with the article page)."""
    state = request.app.state.babelwire

    def read(store: Store) -> dict[str, Any]:
        article = article_json(store, article_id)
        return {**article, "explanation": explain_article(store, article_id, vectors=state.article_vectors(store),
                                                              position=state.vectors.position)}

    return read


@router.get("/articles/{article_id:path}/explain", dependencies=reads, responses=ERRORS,
            summary="Explain an article", response_model=dict[str, Any])
async def explain(request: Request, article_id: str) -> Response:
    """Return why the article is in its story: stored score and evidence, and the nearest stories."""
    return await _article_or_explanation(request)


@router.get("/articles/{article_id:path}", dependencies=reads, responses=ERRORS, summary="Get an article",
            response_model=dict[str, Any])
async def get_article(request: Request, article_id: str) -> Response:
    """Return the article as `babelwire article ID --format json` prints it, plus `explanation`.

    The id as its link writes it (see `/articles/{id}`), or percent-encoded.
    """
    return await _article_or_explanation(request)


async def _article_or_explanation(request: Request) -> Response:
    # Routing sees the decoded path, where an id's own "%2Fexplain" looks like the suffix: decide on the raw one.
    rest = raw_rest(request, "/api/articles/")
    wants_explanation = rest.endswith("/explain")
    aid = id_from_raw(rest[: -len("/explain")] if wants_explanation else rest)
    if wants_explanation:
        state = request.app.state.babelwire
        return await cached_json(request, ("api-explain", aid),
                                 lambda store: explain_article(store, aid, vectors=state.article_vectors(store),
                                                               position=state.vectors.position))
    return await cached_json(request, ("api-article", aid), article_with_explanation(request, aid))


@router.get("/search", dependencies=reads, responses=ERRORS, summary="Search", response_model=dict[str, Any])
async def search(
    request: Request,
    q: str = Query(..., min_length=1, max_length=1000, description="Words in any language"),
    mode: Literal["hybrid", "semantic", "keyword"] = "hybrid",
    lang: str | None = Query(None, description="Only articles in this language"),
    limit: int = Query(20, ge=1, le=200),
) -> Response:
    """Return `{"query", "mode", "stories", "articles", "warnings"}`: semantic and keyword hits fused."""
    state = request.app.state.babelwire
    return await cached_json(request, ("api-search", q, mode, lang, limit),
                             lambda store: state.search(store, q, limit=limit, mode=mode, lang=lang))


@router.post(
    "/articles",
    dependencies=[Depends(require_write)],
    status_code=201,
    openapi_extra=_INGEST_BODY,
    responses={**ERRORS, 207: {"description": "Not every item was stored: a result per item says why"},
               400: {"model": ErrorResponse, "description": "Not JSON, or nested too deep"},
               403: {"model": ErrorResponse, "description": "Writes disabled (no BABELWIRE_TOKEN)"},
               413: {"model": ErrorResponse, "description": "Body over BABELWIRE_MAX_UPLOAD_MB"},
               415: {"model": ErrorResponse, "description": "Neither JSON nor multipart"}},
    summary="Ingest articles",
)
async def post_articles(request: Request) -> JSONResponse:
    """Run posted articles through the whole pipeline (clean, embed, cluster, store).

    JSON: one article object or a list of them. Multipart: `file` parts (any format
    `babelwire ingest` reads) and/or the article fields. Returns `{"results", "report"}`, one
    result per posted item in order, each with `status` (stored, already_known, rejected), a
    `reason`, the `article` and its `story`: 201 when every item was stored, else 207.
    """
    batch = await read_batch(request)
    state = request.app.state.babelwire
    status, body = await state.in_writer(state.ingester.ingest, batch)
    if not body["results"]:
        reasons = "; ".join(f"{r['origin']}: {r['reason']}" for r in body["report"]["skipped"])
        return JSONResponse(error_payload("rejected_input", f"nothing stored: {reasons or 'no articles found'}"),
                            status_code=422)
    return JSONResponse(body, status_code=status)


async def read_batch(request: Request) -> Batch:
    """Return the batch posted as JSON or multipart form data (shared with the ingest page)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json" or (ctype.startswith("application/") and ctype.endswith("+json")):
        payload = load_json(await request.body())
        if isinstance(payload, dict):
            payload = [payload]
        if not isinstance(payload, list):
            raise ApiError(422, "rejected_input",
                           f"the body is a JSON {json_type(payload)}: send an article object or a list of them")
        if not payload:
            raise ApiError(422, "rejected_input", "nothing stored: the list is empty")
        if len(payload) > MAX_ITEMS:
            raise ApiError(413, "payload_too_large",
                           f"{len(payload)} articles in one request: send at most {MAX_ITEMS} at a time")
        return batch_from_records(payload, origin="web:json",
                                  max_article_mb=request.app.state.babelwire.config.max_article_mb)
    if ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await request.form()
        try:
            return await batch_from_form(form, max_article_mb=request.app.state.babelwire.config.max_article_mb)
        finally:
            await form.close()
    raise ApiError(415, "unsupported_media_type", "send application/json or multipart/form-data")


async def batch_from_form(form: Any, *, max_article_mb: float | None = None) -> Batch:
    """Return the batch in a submitted form: uploaded ``file`` parts, and pasted ``text`` or ``html``.

    A file or pasted article over ``max_article_mb`` MiB is rejected with the reason (see ``WebConfig``).
    """
    batch = Batch()
    source = str(form.get("source") or "").strip() or None
    for upload in form.getlist("file"):
        if isinstance(upload, str) or not upload.filename:
            continue
        batch.extend(batch_from_upload(upload.filename, await upload.read(), source=source,
                                       max_article_mb=max_article_mb))
    fields = {f: str(form.get(f) or "").strip() for f in ArticleIn.model_fields}
    if fields["text"] or fields["html"]:
        batch.extend(batch_from_records([fields], origin="web:form", max_article_mb=max_article_mb))
    if not (batch.documents or batch.rejected or batch.skipped):
        raise ApiError(422, "rejected_input", "nothing to ingest: paste a text or choose a file")
    return batch
