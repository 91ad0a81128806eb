"""Bearer tokens: writes always need ``BABELWIRE_TOKEN``; reads need ``BABELWIRE_READ_TOKEN`` when it is set."""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .errors import ApiError

__all__ = ["bearer", "require_read", "require_write", "check_write_token", "session_value", "SESSION_COOKIE",
           "same_token", "read_allowed"]

bearer = HTTPBearer(auto_error=False, description="BABELWIRE_TOKEN for writes; BABELWIRE_READ_TOKEN for reads when set")
SESSION_COOKIE = "babelwire_session"
# Declared on every guarded endpoint so the OpenAPI document shows the bearer scheme; checked by hand below.
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def same_token(given: str | None, expected: str) -> bool:
    """Return True when ``given`` is ``expected`` (constant-time comparison)."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def session_value(token: str) -> str:
    """Return the cookie value that proves the browser once gave ``token`` (not the token itself)."""
    return hmac.new(token.encode(), b"babelwire read session", hashlib.sha256).hexdigest()


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def _bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def check_write_token(request: Request, given: str | None) -> None:
    """Raise 403 when writes are disabled, 401 when ``given`` is not the write token."""
    token = request.app.state.babelwire.config.token
    if not token:
        raise ApiError(403, "writes_disabled", "writes are disabled: start the server with BABELWIRE_TOKEN set")
    if given is None:
        raise _unauthorized("this endpoint needs the write token: Authorization: Bearer $BABELWIRE_TOKEN")
    if not same_token(given, token):
        raise _unauthorized("wrong token")


def read_allowed(request: Request) -> bool:
    """Return True when the request may read: reads are open, or it carries the read or write token."""
    config = request.app.state.babelwire.config
    if not config.read_token:
        return True
    given = _bearer_token(request)
    if same_token(given, config.read_token) or (config.token and same_token(given, config.token)):
        return True
    cookie = request.cookies.get(SESSION_COOKIE)
    return cookie is not None and same_token(cookie, session_value(config.read_token))


async def require_read(request: Request, _: Credentials) -> None:
    """Dependency of every read endpoint (the bearer parameter puts the scheme in the OpenAPI document)."""
    if not read_allowed(request):
        raise _unauthorized("reading needs the read token: Authorization: Bearer $BABELWIRE_READ_TOKEN")


async def require_write(request: Request, _: Credentials) -> None:
    """Dependency of every write endpoint of the API (bearer token in the Authorization header)."""
    check_write_token(request, _bearer_token(request))
