"""One error shape for every web error: ``{"error": {"code", "message"}}`` with the right HTTP status."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from .. import errors as lib

__all__ = ["ApiError", "install_error_handlers", "error_payload", "error_response", "wants_json"]

log = logging.getLogger(__name__)

# Library errors -> (HTTP status, error code). Subclasses first: the first match wins.
LIBRARY_ERRORS: tuple[tuple[type[lib.BabelwireError], int, str], ...] = (
    (lib.NotFound, 404, "not_found"),
    (lib.RejectedInput, 422, "rejected_input"),
    (lib.ReadError, 400, "unreadable_input"),
    (lib.EncoderMismatch, 409, "encoder_mismatch"),
    (lib.ConstraintError, 409, "conflict"),
    (lib.MissingDependency, 503, "missing_dependency"),
    (lib.EncoderError, 503, "encoder_unavailable"),
    (lib.StoreError, 503, "store_unavailable"),
    (lib.BabelwireError, 400, "bad_request"),
)


class ApiError(Exception):
    """An error the web layer raises itself, carrying its HTTP status and code."""

    def __init__(self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_payload(code: str, message: str) -> dict[str, Any]:
    """Return the JSON body of every error response."""
    return {"error": {"code": code, "message": message}}


def wants_json(path: str) -> bool:
    """Return True when an error at ``path`` is answered in JSON (the API), not as an HTML page."""
    return path == "/api" or path.startswith(("/api/", "/openapi.json", "/static/"))


def error_response(
    request: Request | None, path: str, status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    """Return the error as JSON for API paths, else as the HTML error page (same status, code and message)."""
    if request is None or wants_json(path):
        return JSONResponse(error_payload(code, message), status_code=status, headers=headers)
    from ._render import render

    return render(request, "error.html", status=status, headers=headers, code=code, message=message)


def _status_code_name(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that render every error in the one shape."""

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_response(request, request.url.path, exc.status, exc.code, exc.message, exc.headers)

    async def library_error(request: Request, exc: Exception) -> Response:
        for cls, status, code in LIBRARY_ERRORS:
            if isinstance(exc, cls):
                return error_response(request, request.url.path, status, code, str(exc))
        raise exc  # pragma: no cover - BabelwireError is the last entry

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        return error_response(request, request.url.path, exc.status_code, _status_code_name(exc.status_code),
                              message, getattr(exc, "headers", None))

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        parts = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "query", "path"))
            parts.append(f"{where}: {e.get('msg')}" if where else str(e.get("msg")))
        return error_response(request, request.url.path, 422, "invalid_request", "; ".join(parts) or "invalid request")

    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(request, request.url.path, 500, "internal_error", "internal error (see the server log)")

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(lib.BabelwireError, library_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected)
