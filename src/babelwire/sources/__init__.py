"""Readers: plain text, HTML, JSON/JSONL, CSV and RSS/Atom files -> RawDocument."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..model import Rejection
from ._common import ReadResult, decode_bytes, source_from_url
from ._readers import read_csv, read_feed, read_html, read_json, read_jsonl, read_text

__all__ = ["ReadResult", "read_path", "iter_files", "reader_for", "decode_bytes", "source_from_url", "READERS"]

log = logging.getLogger(__name__)

Reader = Callable[[Path], ReadResult]

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".text": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".json": read_json,
    ".csv": read_csv,
    ".tsv": read_csv,
    ".rss": read_feed,
    ".atom": read_feed,
    ".xml": read_feed,
}

# Files in a corpus folder that are not articles: reported as skipped, never read.
_NOT_ARTICLES = re.compile(
    r"^(readme|license|licence|changelog|notice)(\.\w+)?$|\.(py|sh|md|rst|toml|cfg|ini|yaml|yml)$|"
    r"^(expected|annotations|manifest)\.json$",
    re.I,
)
_OS_JUNK = {".DS_Store", "Thumbs.db", "desktop.ini"}


def reader_for(path: Path) -> Reader | None:
    """Return the reader for ``path`` by extension, sniffing the content for unknown ones."""
    reader = READERS.get(path.suffix.lower())
    if reader is not None:
        return reader
    try:
        head = path.open("rb").read(512).lstrip()
    except OSError:
        return None
    if head.startswith(b"<?xml") or head[:5].lower() in (b"<rss ", b"<feed"):
        return read_feed
    if head[:15].lower().startswith((b"<!doctype html", b"<html")):
        return read_html
    if head.startswith(b"{"):
        return read_jsonl
    return None


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Yield every file under ``paths`` (folders walked recursively, hidden entries skipped), sorted."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                rel = f.relative_to(path)
                if f.is_file() and not any(part.startswith(".") for part in rel.parts) and f.name not in _OS_JUNK:
                    yield f
        else:
            yield path


def read_path(path: str | Path) -> ReadResult:
    """Return the documents and rejections from one file (never raises for bad input)."""
    path = Path(path)
    if not path.exists():
        return ReadResult(rejected=[Rejection(str(path), "no such file or folder")])
    if _NOT_ARTICLES.search(path.name):
        return ReadResult(skipped=[Rejection(str(path), "not an article (documentation, code or corpus metadata)")])
    reader = reader_for(path)
    if reader is None:
        return ReadResult(rejected=[Rejection(str(path), f"unsupported file type {path.suffix or '(none)'}")])
    try:
        return reader(path)
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop an ingest
        log.exception("reader failed on %s", path)
        return ReadResult(rejected=[Rejection(str(path), f"could not parse: {type(exc).__name__}: {exc}")])
