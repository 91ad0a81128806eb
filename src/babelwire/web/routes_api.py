"""The REST API under /api: stories, articles, search, explanations, and ingest (POST /api/articles)."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

from ..store import Store
from ..views import article_json, explain_article
from ._ingest import Batch, batch_from_records, batch_from_upload, run_batch
from ._state import read_store
from .auth import require_read, require_write
from .errors import ApiError, error_payload

__all__ = ["router"]

DATE = r"^\d{4}-\d{2}-\d{2}$"
router = APIRouter(prefix="/api", tags=["api"])
reads = [Depends(require_read)]
ReadStore = Annotated[Store, Depends(read_store)]


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


@router.get("/stories", dependencies=reads, responses=ERRORS, summary="List stories")
def list_stories(
    store: ReadStore,
    lang: str | None = Query(None, description="Only stories with an article in this language"),
    source: str | None = Query(None, description="Only stories with an article from this source"),
    since: str | None = Query(None, pattern=DATE, description="Published on or after (YYYY-MM-DD)"),
    until: str | None = Query(None, pattern=DATE, description="Published on or before (YYYY-MM-DD)"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> list[dict[str, Any]]:
    """Return stories, most recently published first: the same JSON as `babelwire stories --format json`."""
    return store.stories(lang=lang, source=source, since=since, until=until, limit=limit, offset=offset)


@router.get("/stories/{story_id}", dependencies=reads, responses=ERRORS, summary="Get a story")
def get_story(store: ReadStore, story_id: str) -> dict[str, Any]:
    """Return one story with its articles: the same JSON as `babelwire story ID --format json`."""
    return store.story(story_id)


@router.get("/articles", dependencies=reads, responses=ERRORS, summary="List articles")
def list_articles(
    store: ReadStore,
    lang: str | None = None,
    source: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> list[dict[str, Any]]:
    """Return article summaries (id, source, lang, title, published, path, url, story_id), newest first."""
    return store.article_summaries(lang=lang, source=source, limit=limit, offset=offset)


@router.get("/articles/{article_id}", dependencies=reads, responses=ERRORS, summary="Get an article")
def get_article(store: ReadStore, article_id: str) -> dict[str, Any]:
    """Return the article as `babelwire article ID --format json` prints it, plus `explanation`."""
    return {**article_json(store, article_id), "explanation": explain_article(store, article_id)}


@router.get("/articles/{article_id}/explain", dependencies=reads, responses=ERRORS, summary="Explain an article")
def explain(store: ReadStore, article_id: str) -> dict[str, Any]:
    """Return why the article is in its story: stored score and evidence, and the nearest stories."""
    return explain_article(store, article_id)


@router.get("/search", dependencies=reads, responses=ERRORS, summary="Search")
def search(
    request: Request,
    store: ReadStore,
    q: str = Query(..., min_length=1, description="Words in any language"),
    mode: Literal["hybrid", "semantic", "keyword"] = "hybrid",
    lang: str | None = Query(None, description="Only articles in this language"),
    limit: int = Query(20, ge=1, le=200),
) -> dict[str, Any]:
    """Return `{"query", "mode", "stories", "articles", "warnings"}`: semantic and keyword hits fused."""
    return request.app.state.babelwire.searcher.search(q, limit=limit, mode=mode, lang=lang, store=store)


@router.post(
    "/articles",
    dependencies=[Depends(require_write)],
    status_code=201,
    openapi_extra=_INGEST_BODY,
    responses={**ERRORS, 200: {"description": "Everything was already stored"},
               403: {"model": ErrorResponse, "description": "Writes disabled (no BABELWIRE_TOKEN)"},
               413: {"model": ErrorResponse, "description": "Body over BABELWIRE_MAX_UPLOAD_MB"},
               415: {"model": ErrorResponse, "description": "Neither JSON nor multipart"}},
    summary="Ingest articles",
)
async def post_articles(request: Request) -> JSONResponse:
    """Run posted articles through the whole pipeline (clean, embed, cluster, store).

    JSON: one article object or a list of them. Multipart: `file` parts (any format
    `babelwire ingest` reads) and/or the article fields. Returns `{"results", "report"}`;
    each result has `status` (stored, already_known, rejected), the `article` and its `story`.
    """
    batch = await read_batch(request)
    state = request.app.state.babelwire
    status, body = await run_in_threadpool(run_batch, state, batch)
    if status == 422:
        reasons = "; ".join(f"{r['origin']}: {r['reason']}" for r in body["results"]) or "no articles in the request"
        return JSONResponse(error_payload("rejected_input", f"nothing stored: {reasons}"), status_code=422)
    return JSONResponse(body, status_code=status)


async def read_batch(request: Request) -> Batch:
    """Return the batch posted as JSON or multipart form data (shared with the ingest page)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json":
        try:
            payload = json.loads(await request.body() or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ApiError(400, "invalid_json", f"the body is not JSON: {exc}") from exc
        records = payload if isinstance(payload, list) else [payload]
        if not records:
            raise ApiError(422, "rejected_input", "nothing stored: the list is empty")
        return batch_from_records(records, origin="web:json")
    if ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await request.form()
        try:
            return await batch_from_form(form)
        finally:
            await form.close()
    raise ApiError(415, "unsupported_media_type", "send application/json or multipart/form-data")


async def batch_from_form(form: Any) -> Batch:
    """Return the batch in a submitted form: uploaded ``file`` parts, and pasted ``text`` or ``html``."""
    batch = Batch()
    source = str(form.get("source") or "").strip() or None
    for upload in form.getlist("file"):
        if isinstance(upload, str) or not upload.filename:
            continue
        batch.extend(batch_from_upload(upload.filename, await upload.read(), source=source))
    fields = {f: str(form.get(f) or "").strip() for f in ArticleIn.model_fields}
    if fields["text"] or fields["html"]:
        batch.extend(batch_from_records([fields], origin="web:form"))
    if not (batch.documents or batch.rejected or batch.skipped):
        raise ApiError(422, "rejected_input", "nothing to ingest: paste a text or choose a file")
    return batch
