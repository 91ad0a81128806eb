"""GET /api/export: a table of the store streamed as JSON Lines, CSV or Parquet, as `babelwire export` writes it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import ExitStack
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import StreamingResponse

from ..export import MEDIA_TYPES, Exporter, ExportRequest
from .auth import require_read
from .errors import ApiError
from .routes_api import DATE, ERRORS, ErrorResponse

__all__ = ["router"]

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api", tags=["api"])
_END = object()
_PARAMETERS = {"format", "table", "lang", "source", "since", "until", "story", "vectors", "excel"}


@router.get(
    "/export",
    dependencies=[Depends(require_read)],
    summary="Export a table",
    response_class=StreamingResponse,
    responses={**ERRORS,
               200: {"description": "The table, streamed",
                     "content": {t.split(";")[0]: {} for t in MEDIA_TYPES.values()}},
               400: {"model": ErrorResponse, "description": "Parameters that do not go together"},
               503: {"model": ErrorResponse, "description": "Parquet asked for, pyarrow not installed"}},
)
async def export(
    request: Request,
    format: Literal["jsonl", "csv", "parquet"] = Query("jsonl", description="Output format"),
    table: Literal["stories", "articles", "memberships"] = Query("stories", description="Which table"),
    lang: str | None = Query(None, max_length=64, description="Only articles in this language (stories: with one)"),
    source: str | None = Query(None, max_length=1000, description="Only articles from this source (stories: with one)"),
    since: str | None = Query(None, pattern=DATE, description="Published on or after (YYYY-MM-DD)"),
    until: str | None = Query(None, pattern=DATE, description="Published on or before (YYYY-MM-DD)"),
    story: str | None = Query(None, max_length=1000, description="Only this story"),
    vectors: bool = Query(False, description="Add the articles' embeddings (articles; jsonl or parquet)"),
    excel: bool = Query(False, description="CSV for spreadsheets: a byte order mark, formulas defused"),
) -> StreamingResponse:
    """Stream one table of the store: the columns of docs/export.md, page by page, however big the store.

    Bad parameters answer 422 (malformed) or 400 (not together, e.g. vectors in CSV) before anything
    is streamed; an unknown story 404.
    """
    unknown = sorted(set(request.query_params) - _PARAMETERS)
    if unknown:  # a mistyped filter must not quietly export everything
        raise ApiError(422, "invalid_request", f"unknown parameter(s) {', '.join(unknown)}: the parameters are "
                                               f"{', '.join(sorted(_PARAMETERS))}")
    state = request.app.state.babelwire
    req = ExportRequest(table=table, format=format, lang=lang, source=source, since=since, until=until,
                        story=story, vectors=vectors, excel=excel)
    lease = ExitStack()
    store = lease.enter_context(state.reading())  # held by the stream, returned when it ends
    try:
        exporter = await state.in_reader(Exporter, store, req)
    except BaseException:
        lease.close()
        raise

    async def body() -> AsyncIterator[bytes]:
        chunks = exporter.chunks()
        try:
            while (chunk := await state.in_reader(next, chunks, _END)) is not _END:
                if chunk:
                    yield chunk  # type: ignore[misc]  # not _END: bytes
        except Exception:
            # The status is sent: all that is left is to stop the stream short (a Parquet file without its
            # footer does not open) and say why in the log.
            log.exception("export of %s as %s failed mid-stream", table, format)
        finally:
            chunks.close()  # ends the store's read snapshot; the reader thread has returned (cancelling waits)
            lease.close()

    name = f"babelwire-{table}.{format}"
    return StreamingResponse(body(), media_type=MEDIA_TYPES[format],
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})
