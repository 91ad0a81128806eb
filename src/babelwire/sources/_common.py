"""Helpers shared by the readers: decoding bytes, naming sources, the read result."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from ..model import RawDocument, Rejection

__all__ = ["ReadResult", "decode_bytes", "source_from_url", "now_utc", "looks_binary"]


@dataclass(slots=True)
class ReadResult:
    """What reading one or more files gave: documents to clean and inputs rejected with reasons."""

    documents: list[RawDocument] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    skipped: list[Rejection] = field(default_factory=list)  # files that are not articles (README, code)

    def extend(self, other: ReadResult) -> None:
        self.documents.extend(other.documents)
        self.rejected.extend(other.rejected)
        self.skipped.extend(other.skipped)


def now_utc() -> datetime:
    """Return the current time, timezone-aware UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def looks_binary(data: bytes) -> bool:
    """Return True when ``data`` looks like a binary file rather than text."""
    head = data[:4096]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return len(head) > 0 and control / len(head) > 0.05


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``: UTF-8 (with or without BOM) first, else the best guess.

    Invalid UTF-8 is decoded with charset detection where possible, else with
    replacement characters; the caller decides whether the result is usable.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for bom, enc in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None and best.encoding:
            return str(best), best.encoding
    except ImportError:  # pragma: no cover - charset_normalizer ships with trafilatura's deps
        pass
    return data.decode("utf-8", errors="replace"), "utf-8-replace"


_WWW = re.compile(r"^www\d*\.")


def source_from_url(url: str | None) -> str | None:
    """Return the outlet's domain for ``url`` (``www.`` dropped), or None."""
    if not url:
        return None
    host = urlparse(url).hostname
    if not host:
        return None
    return _WWW.sub("", host.lower())


def folder_source(path: Path) -> str:
    """Return the source name used when no URL is known: the file's folder name."""
    return path.parent.name or "local"
