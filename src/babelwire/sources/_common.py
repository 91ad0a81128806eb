"""Helpers shared by the readers: decoding bytes, naming sources, the read result."""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from ..model import RawDocument, Rejection

__all__ = [
    "ReadResult",
    "decode_bytes",
    "sniff_encoding",
    "source_from_url",
    "now_utc",
    "looks_binary",
    "max_article_bytes",
    "DEFAULT_MAX_ARTICLE_MB",
]


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


# Bigger inputs are rejected before they are read; ``--max-article-mb`` changes it.
DEFAULT_MAX_ARTICLE_MB = 5.0
SNIFF_BYTES = 65536

_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),  # before UTF-16 LE, whose BOM it starts with
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
_WIDE = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
_TEXT_CATEGORIES = ("L", "M", "N", "Z", "P", "S")


def max_article_bytes(max_article_mb: float | None) -> int:
    """Return the article size limit in bytes for a limit given in MiB (None: the default)."""
    mb = DEFAULT_MAX_ARTICLE_MB if max_article_mb is None else max_article_mb
    return max(1, int(mb * 1024 * 1024))


def _control_share(head: bytes) -> float:
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control / len(head) if head else 0.0


def looks_binary(data: bytes) -> bool:
    """Return True when ``data`` looks like a binary file rather than text (stray NULs ignored)."""
    head = data[:4096].replace(b"\x00", b"")
    return _control_share(head) > 0.05


def _text_share(text: str) -> float:
    if not text:
        return 0.0
    good = sum(1 for ch in text if ch in "\n\r\t" or unicodedata.category(ch)[0] in _TEXT_CATEGORIES)
    return good / len(text)


def _shaped_wide(sample: bytes, enc: str) -> bool:
    """Return True when ``sample``'s bytes have the shape of ``enc``: in UTF-16 the high byte of most
    characters is 0 (Latin) or one small block number (Cyrillic 0x04, Arabic 0x06 …); in UTF-32 the
    two top bytes are 0."""
    if "32" in enc:
        top = sample[2::4] + sample[3::4] if enc.endswith("le") else sample[0::4] + sample[1::4]
        return len(top) > 0 and top.count(0) / len(top) > 0.9
    high = sample[1::2] if enc.endswith("le") else sample[0::2]
    if not high:
        return False
    common, count = Counter(high).most_common(1)[0]
    return high.count(0) / len(high) > 0.3 or (common < 0x20 and count / len(high) > 0.5)


def _wide_encoding(sample: bytes) -> str | None:
    """Return the UTF-16/32 encoding a BOM-less ``sample`` is written in, or None.

    Tried only for samples with NULs or many control bytes, which UTF-8 text has not:
    the bytes must have the encoding's shape, decode strictly and read as text.
    """
    best, best_share = None, 0.0
    for enc in _WIDE:
        if not _shaped_wide(sample, enc):
            continue
        width = 4 if "32" in enc else 2
        cut = sample[: len(sample) - len(sample) % width]
        try:
            text = cut.decode(enc)
        except UnicodeDecodeError:
            # a sample cut inside a surrogate pair: drop the last unit and try again
            try:
                text = cut[:-width].decode(enc)
            except UnicodeDecodeError:
                continue
        share = _text_share(text)
        if share > best_share:
            best, best_share = enc, share
    return best if best_share >= 0.95 else None


def sniff_encoding(sample: bytes) -> tuple[str | None, int]:
    """Return ``(encoding, BOM length)`` for text starting with ``sample``; encoding None when not text.

    BOMs first, then UTF-16/32 without a BOM, then UTF-8, then charset detection.
    """
    for bom, enc in _BOMS:
        if sample.startswith(bom):
            return enc, len(bom)
    if b"\x00" in sample[:4096] or _control_share(sample[:4096]) > 0.05:
        wide = _wide_encoding(sample[:4096])
        if wide is not None:
            return wide, 0
    if looks_binary(sample):
        return None, 0
    clean = sample.replace(b"\x00", b"")
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(clean, final=False)  # a character cut at the sample's end is fine
        return "utf-8", 0
    except UnicodeDecodeError:
        pass
    guess = _guess_encoding(clean)
    return (guess or "utf-8-replace"), 0


def _guess_encoding(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    best = from_bytes(data).best()
    return best.encoding if best is not None and best.encoding else None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``: BOMs and UTF-16/32 first, then UTF-8, else the best guess.

    Stray NUL bytes are removed. Invalid UTF-8 is decoded with charset detection
    where possible, else with replacement characters; the caller decides whether
    the result is usable (encoding ``utf-8-replace``).
    """
    enc, bom = sniff_encoding(data[:SNIFF_BYTES])
    if enc is not None and enc != "utf-8-replace" and (enc in _WIDE or bom):
        return data[bom:].decode(enc, errors="replace").replace("\x00", ""), enc
    data = data.replace(b"\x00", b"")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = _guess_encoding(data)
    if guess:
        try:
            return data.decode(guess), guess
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("utf-8", errors="replace"), "utf-8-replace"


_WWW = re.compile(r"^www\d*\.")


def source_from_url(url: str | None) -> str | None:
    """Return the outlet's domain for ``url`` (``www.`` dropped), or None."""
    if not url or not isinstance(url, str):
        return None
    try:
        host = urlparse(url).hostname
    except ValueError:  # e.g. "http://[not-ipv6"
        return None
    if not host:
        return None
    return _WWW.sub("", host.lower())


def folder_source(path: Path) -> str:
    """Return the source name used when no URL is known: the file's folder name."""
    return path.parent.name or "local"
