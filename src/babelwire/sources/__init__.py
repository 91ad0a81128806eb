"""Readers: plain text, HTML, JSON/JSONL, CSV and RSS/Atom files -> RawDocument."""

from __future__ import annotations

import errno
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..model import Rejection, failure
from ._common import DEFAULT_MAX_ARTICLE_MB, ReadResult, decode_bytes, max_article_bytes, source_from_url
from ._readers import read_csv, read_feed, read_html, read_json, read_jsonl, read_text

__all__ = [
    "ReadResult",
    "read_path",
    "iter_files",
    "reader_for",
    "decode_bytes",
    "source_from_url",
    "READERS",
    "DEFAULT_MAX_ARTICLE_MB",
    "max_article_bytes",
]

log = logging.getLogger(__name__)

Reader = Callable[..., ReadResult]  # reader(path, *, max_bytes=...)

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


def _hidden(name: str) -> bool:
    return name.startswith(".") or name in _OS_JUNK


def _walk(root: Path, skipped: list[Rejection] | None) -> Iterator[Path]:
    """Yield the files under ``root``, following folder links once; report what cannot be walked."""
    def skip(path: str | Path, reason: str) -> None:
        log.info("skipped %s: %s", path, reason)  # the report lists it; no second line on stderr
        if skipped is not None:
            skipped.append(Rejection(str(path), reason))

    def onerror(exc: OSError) -> None:
        skip(exc.filename or root, f"cannot read folder: {exc.strerror or exc}")

    seen = {os.path.realpath(root)}
    found: list[Path] = []
    for folder, dirs, files in os.walk(root, onerror=onerror, followlinks=True):
        kept = []
        for d in sorted(dirs):
            if _hidden(d):
                continue
            full = os.path.join(folder, d)
            real = os.path.realpath(full)
            if real in seen:  # a link back to a folder already walked: a loop, or a second way in
                skip(full, "symbolic link loop (folder already walked)")
                continue
            seen.add(real)
            kept.append(d)
        dirs[:] = kept
        for name in files:
            if _hidden(name):
                continue
            file = Path(folder) / name
            try:
                os.stat(file)
            except OSError as exc:
                if os.path.islink(file):
                    what = "symbolic link loop" if exc.errno == errno.ELOOP else "broken symbolic link"
                    skip(file, f"{what}: {exc.strerror or exc}")
                else:
                    skip(file, f"cannot read file: {exc.strerror or exc}")
                continue
            if file.is_file():
                found.append(file)
            else:
                skip(file, "not a regular file")
    yield from sorted(found)


def iter_files(paths: Iterable[str | Path], *, skipped: list[Rejection] | None = None) -> Iterator[Path]:
    """Yield every file under ``paths`` (folders walked recursively, hidden entries skipped), sorted.

    Unreadable folders, symbolic link loops and broken links are not yielded; each is
    appended to ``skipped`` with its reason when a list is given.
    """
    for p in paths:
        path = Path(p)
        if path.is_dir():
            yield from _walk(path, skipped)
        else:
            yield path


def read_path(path: str | Path, *, max_article_mb: float | None = None) -> ReadResult:
    """Return the documents and rejections from one file (never raises for bad input).

    Files (and JSONL/CSV records) over ``max_article_mb`` MiB (default 5) are rejected unread.
    """
    path = Path(path)
    try:
        exists = path.exists()
    except OSError as exc:  # e.g. a symbolic link loop given by name
        return ReadResult(rejected=[Rejection(str(path), f"cannot read file: {exc.strerror or exc}")])
    if not exists:
        if path.is_symlink():
            return ReadResult(rejected=[Rejection(str(path), "broken symbolic link")])
        return ReadResult(rejected=[Rejection(str(path), "no such file or folder")])
    if _NOT_ARTICLES.search(path.name):
        return ReadResult(skipped=[Rejection(str(path), "not an article (documentation, code or corpus metadata)")])
    if path.is_dir():
        return ReadResult(skipped=[Rejection(str(path), "a folder (give it to ingest to walk it)")])
    reader = reader_for(path)
    if reader is None:
        return ReadResult(rejected=[Rejection(str(path), f"unsupported file type {path.suffix or '(none)'}")])
    try:
        return reader(path, max_bytes=max_article_bytes(max_article_mb))
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop an ingest
        log.warning("reader failed on %s: %s", path, failure(exc))
        log.debug("reader failed on %s", path, exc_info=True)
        return ReadResult(rejected=[Rejection.from_exception(str(path), exc)])
