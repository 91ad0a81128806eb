"""Ids in paths: any article or story id (URLs, slashes, ``?``, ``#``, ``%``, spaces, any script) as one safe segment.

A plain id (ASCII letters, digits, ``_``, ``-``, ``.``) is its own segment, so the usual
``/articles/call-bg`` links stay as they were. Any other id is written ``~`` + the base64url
of its UTF-8 (no padding): a plain id never starts with ``~``, so the two cannot collide.
Routes also take an id percent-encoded the ordinary way (``quote(id, safe="")``), ``%2F`` included:
the id is read from the raw request path, where an encoded slash is still told from a separator.
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import quote, unquote

from starlette.requests import Request

__all__ = ["id_path", "id_from_segment", "id_from_raw", "path_id", "raw_rest"]

_PLAIN = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*\Z")
_TOKEN = re.compile(r"~[A-Za-z0-9_-]*\Z")
MARK = "~"


def id_path(value: object) -> str:
    """Return the path segment that names the id ``value`` (the id itself when plain, else ``~`` + base64url)."""
    text = str(value)
    if _PLAIN.match(text):
        return text
    return MARK + base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def id_from_segment(segment: str) -> str:
    """Return the id a (percent-decoded) path segment names: the inverse of :func:`id_path`.

    A ``~`` segment that is not valid base64url of UTF-8 is taken as the id itself.
    """
    if _TOKEN.match(segment):
        body = segment[1:]
        try:
            return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("utf-8")
        except (binascii.Error, ValueError):
            pass
    return segment


def raw_rest(request: Request, prefix: str) -> str:
    """Return the request's path after ``prefix``, still percent-encoded where the client encoded it.

    Read from the raw path so that an id holding an encoded ``/`` (``%2F``) keeps it apart from
    the path's own slashes; falls back to the decoded path when the server gives no raw path.
    """
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1").split("?", 1)[0] if raw else quote(request.scope["path"], safe="/")
    return path[len(prefix):] if path.startswith(prefix) else path


def id_from_raw(raw: str) -> str:
    """Return the id a raw (percent-encoded) path segment names."""
    return id_from_segment(unquote(raw, encoding="utf-8", errors="replace"))


def path_id(request: Request, prefix: str) -> str:
    """Return the id in the request's path after ``prefix`` (``/articles/``, ``/api/stories/``…)."""
    return id_from_raw(raw_rest(request, prefix))
