"""Readers for each input format; each turns one file into RawDocuments and rejections."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..model import RawDocument, Rejection
from ._common import ReadResult, decode_bytes, folder_source, looks_binary, now_utc, source_from_url

__all__ = ["read_text", "read_html", "read_jsonl", "read_json", "read_csv", "read_feed", "record_to_document"]

log = logging.getLogger(__name__)

TEXT_FIELDS = ("text", "html")


def _load(path: Path, result: ReadResult) -> str | None:
    """Return the decoded file, or None after recording why it was rejected."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        result.rejected.append(Rejection(str(path), f"cannot read file: {exc.strerror or exc}"))
        return None
    if not data.strip():
        result.rejected.append(Rejection(str(path), "empty file"))
        return None
    if looks_binary(data):
        result.rejected.append(Rejection(str(path), "binary file, not text"))
        return None
    text, encoding = decode_bytes(data)
    if encoding == "utf-8-replace" and text.count("\ufffd") > max(3, len(text) // 50):
        result.rejected.append(Rejection(str(path), "invalid UTF-8 and no recognisable encoding"))
        return None
    return text


def read_text(path: Path) -> ReadResult:
    """Return the plain-text article in ``path`` (id = file stem, source = folder)."""
    result = ReadResult()
    text = _load(path, result)
    if text is not None:
        result.documents.append(
            RawDocument(
                id=path.stem,
                source=folder_source(path),
                origin=str(path),
                format="text",
                read_at=now_utc(),
                text=text,
                meta={"source_known": False},
            )
        )
    return result


def read_html(path: Path) -> ReadResult:
    """Return the HTML page in ``path`` as one document; main-text extraction happens in clean/."""
    result = ReadResult()
    html = _load(path, result)
    if html is not None:
        url = _html_canonical_url(html)
        result.documents.append(
            RawDocument(
                id=path.stem,
                source=source_from_url(url) or folder_source(path),
                origin=str(path),
                format="html",
                read_at=now_utc(),
                html=html,
                url=url,
                meta={"source_known": source_from_url(url) is not None},
            )
        )
    return result


def _html_canonical_url(html: str) -> str | None:
    import re

    m = re.search(
        r"<link[^>]+rel=[\"']canonical[\"'][^>]*href=[\"']([^\"']+)|"
        r"<meta[^>]+property=[\"']og:url[\"'][^>]*content=[\"']([^\"']+)",
        html[:20000],
        re.I,
    )
    return (m.group(1) or m.group(2)) if m else None


def record_to_document(
    rec: Mapping[str, Any], *, origin: str, path: Path, fmt: str, fallback_id: str
) -> RawDocument:
    """Return the RawDocument for one JSON/CSV record; raises ValueError with the reason."""
    text = rec.get("text")
    html = rec.get("html")
    if not (isinstance(text, str) and text.strip()) and not (isinstance(html, str) and html.strip()):
        raise ValueError("record has no 'text' or 'html'")
    url = rec.get("url") or None
    rid = rec.get("id")
    source = rec.get("source") or source_from_url(url) or folder_source(path)
    known = {"id", "text", "html", "title", "url", "source", "lang", "published"}
    extra = {k: v for k, v in rec.items() if k not in known}
    extra["source_known"] = bool(rec.get("source") or source_from_url(url))
    return RawDocument(
        id=str(rid) if rid not in (None, "") else fallback_id,
        source=str(source),
        origin=origin,
        format=fmt,
        read_at=now_utc(),
        text=text if isinstance(text, str) and text.strip() else None,
        html=html if isinstance(html, str) and html.strip() else None,
        title=str(rec["title"]) if rec.get("title") else None,
        url=str(url) if url else None,
        lang=str(rec["lang"]) if rec.get("lang") else None,
        published=str(rec["published"]) if rec.get("published") else None,
        meta=extra,
    )


def read_jsonl(path: Path) -> ReadResult:
    """Return one document per JSON line; malformed lines are rejected with their line number."""
    result = ReadResult()
    content = _load(path, result)
    if content is None:
        return result
    for n, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        origin = f"{path}:{n}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            result.rejected.append(Rejection(origin, f"malformed JSON: {exc.msg}"))
            continue
        _add_record(result, rec, origin=origin, path=path, fmt="jsonl", fallback_id=f"{path.stem}-{n}")
    return result


def read_json(path: Path) -> ReadResult:
    """Return the documents of a JSON file holding one record or a list of records."""
    result = ReadResult()
    content = _load(path, result)
    if content is None:
        return result
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        # Many ".json" exports are really JSON Lines.
        if content.lstrip().startswith("{") and "\n{" in content:
            return read_jsonl(path)
        result.rejected.append(Rejection(str(path), f"malformed JSON: {exc.msg} (line {exc.lineno})"))
        return result
    records = data if isinstance(data, list) else [data]
    for i, rec in enumerate(records):
        origin = f"{path}:{i + 1}" if isinstance(data, list) else str(path)
        fallback = f"{path.stem}-{i + 1}" if isinstance(data, list) else path.stem
        _add_record(result, rec, origin=origin, path=path, fmt="json", fallback_id=fallback)
    return result


def _add_record(result: ReadResult, rec: Any, *, origin: str, path: Path, fmt: str, fallback_id: str) -> None:
    if not isinstance(rec, dict):
        result.rejected.append(Rejection(origin, f"record is a JSON {type(rec).__name__}, not an object"))
        return
    try:
        result.documents.append(record_to_document(rec, origin=origin, path=path, fmt=fmt, fallback_id=fallback_id))
    except ValueError as exc:
        rid = rec.get("id")
        result.rejected.append(Rejection(origin, str(exc), id=str(rid) if rid else None))


def read_csv(path: Path) -> ReadResult:
    """Return one document per CSV row (same columns as JSONL); a file without a text column is rejected."""
    result = ReadResult()
    content = _load(path, result)
    if content is None:
        return result
    try:
        dialect = csv.Sniffer().sniff(content[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(content), dialect=dialect)
    fields = {(f or "").strip().lower() for f in (reader.fieldnames or [])}
    if not fields & set(TEXT_FIELDS):
        cols = ", ".join(sorted(f for f in fields if f)) or "none"
        result.rejected.append(Rejection(str(path), f"CSV has no 'text' or 'html' column (columns: {cols})"))
        return result
    for n, row in enumerate(reader, 2):
        rec = {(k or "").strip().lower(): v for k, v in row.items() if k is not None}
        _add_record(result, rec, origin=f"{path}:{n}", path=path, fmt="csv", fallback_id=f"{path.stem}-{n}")
    return result


def _feed_entries(parsed: Any) -> Iterator[tuple[int, Any]]:
    yield from enumerate(parsed.entries, 1)


def read_feed(path: Path) -> ReadResult:
    """Return one document per RSS/Atom entry (id = guid, else link)."""
    import feedparser

    result = ReadResult()
    content = _load(path, result)
    if content is None:
        return result
    parsed = feedparser.parse(content)
    if not parsed.entries:
        reason = "no entries in feed"
        if parsed.get("bozo"):
            reason += f" (parse error: {parsed.get('bozo_exception')})"
        result.rejected.append(Rejection(str(path), reason))
        return result
    feed_link = parsed.feed.get("link")
    for n, entry in _feed_entries(parsed):
        origin = f"{path}#{n}"
        body = ""
        if entry.get("content"):
            body = max((c.get("value", "") for c in entry.content), key=len)
        body = body or entry.get("summary", "") or entry.get("description", "")
        if not body.strip():
            result.rejected.append(Rejection(origin, "feed entry has no content or description", id=entry.get("id")))
            continue
        link = entry.get("link")
        published = entry.get("published") or entry.get("updated")
        if entry.get("published_parsed"):
            import time

            published = time.strftime("%Y-%m-%dT%H:%M:%S", entry.published_parsed)
        result.documents.append(
            RawDocument(
                id=str(entry.get("id") or link or f"{path.stem}-{n}"),
                source=source_from_url(link) or source_from_url(feed_link) or folder_source(path),
                origin=origin,
                format="feed",
                read_at=now_utc(),
                html=body if "<" in body else None,
                text=None if "<" in body else body,
                title=entry.get("title"),
                url=link,
                lang=(entry.get("language") or parsed.feed.get("language") or None),
                published=published,
                meta={"feed": str(path), "source_known": bool(source_from_url(link) or source_from_url(feed_link))},
            )
        )
    return result
