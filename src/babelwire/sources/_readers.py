"""Readers for each input format; each turns one file into RawDocuments and rejections."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..model import RawDocument, Rejection, failure
from ._common import (
    SNIFF_BYTES,
    ReadResult,
    decode_bytes,
    folder_source,
    max_article_bytes,
    now_utc,
    sniff_encoding,
    source_from_url,
)

__all__ = ["read_text", "read_html", "read_jsonl", "read_json", "read_csv", "read_feed", "parse_feed", "feed_documents",
           "record_to_document"]

log = logging.getLogger(__name__)

TEXT_FIELDS = ("text", "html")
_DEFAULT_MAX = max_article_bytes(None)


def _too_big(size: int, max_bytes: int) -> str:
    return (f"{size / 1048576:.1f} MB, over the {max_bytes / 1048576:g} MB article limit "
            "(--max-article-mb)")


def _load(path: Path, result: ReadResult, max_bytes: int) -> str | None:
    """Return the decoded file, or None after recording why it was rejected."""
    try:
        size = path.stat().st_size
        if size > max_bytes:  # refused before it is read, so it costs no memory
            result.rejected.append(Rejection(str(path), f"file is {_too_big(size, max_bytes)}"))
            return None
        data = path.read_bytes()
    except OSError as exc:
        result.rejected.append(Rejection(str(path), f"cannot read file: {exc.strerror or exc}"))
        return None
    if not data.replace(b"\x00", b"").strip():
        result.rejected.append(Rejection(str(path), "empty file"))
        return None
    enc, _ = sniff_encoding(data[:SNIFF_BYTES])
    if enc is None:
        result.rejected.append(Rejection(str(path), "binary file, not text"))
        return None
    text, encoding = decode_bytes(data)
    if encoding == "utf-8-replace" and text.count("\ufffd") > max(3, len(text) // 50):
        result.rejected.append(Rejection(str(path), "invalid UTF-8 and no recognisable encoding"))
        return None
    if not text.strip():
        result.rejected.append(Rejection(str(path), "empty file"))
        return None
    return text


def _open_stream(path: Path, result: ReadResult) -> io.TextIOWrapper | None:
    """Return the file as a text stream (encoding sniffed from its start), or None after recording why not."""
    try:
        f = path.open("rb")
    except OSError as exc:
        result.rejected.append(Rejection(str(path), f"cannot read file: {exc.strerror or exc}"))
        return None
    try:
        sample = f.read(SNIFF_BYTES)
    except OSError as exc:
        f.close()
        result.rejected.append(Rejection(str(path), f"cannot read file: {exc.strerror or exc}"))
        return None
    reason = None
    enc, bom = sniff_encoding(sample)
    if not sample.replace(b"\x00", b"").strip():
        reason = "empty file"
    elif enc is None:
        reason = "binary file, not text"
    elif enc == "utf-8-replace":
        text = sample.decode("utf-8", errors="replace")
        if text.count("\ufffd") > max(3, len(text) // 50):
            reason = "invalid UTF-8 and no recognisable encoding"
        enc = "utf-8"
    if reason is not None:
        f.close()
        result.rejected.append(Rejection(str(path), reason))
        return None
    f.seek(bom)
    return io.TextIOWrapper(f, encoding=enc, errors="replace", newline="")


def _lines(stream: io.TextIOWrapper, max_bytes: int) -> Iterator[tuple[int, str | None]]:
    """Yield ``(line number, line)`` with NULs removed; a line over ``max_bytes`` is skipped unread as None."""
    n = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        n += 1
        if len(line) > max_bytes and not line.endswith(("\n", "\r")):
            while True:  # drop the rest of the line in bounded pieces
                rest = stream.readline(1 << 20)
                if not rest or rest.endswith(("\n", "\r")):
                    break
            yield n, None
            continue
        if len(line) * 4 > max_bytes and len(line.encode("utf-8", errors="replace")) > max_bytes:
            yield n, None
            continue
        yield n, line.replace("\x00", "") if "\x00" in line else line


def read_text(path: Path, *, max_bytes: int = _DEFAULT_MAX) -> ReadResult:
    """Return the plain-text article in ``path`` (id = file stem, source = folder)."""
    result = ReadResult()
    text = _load(path, result, max_bytes)
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


def read_html(path: Path, *, max_bytes: int = _DEFAULT_MAX) -> ReadResult:
    """Return the HTML page in ``path`` as one document; main-text extraction happens in clean/."""
    result = ReadResult()
    html = _load(path, result, max_bytes)
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


_JSON_TYPES = {bool: "boolean", int: "number", float: "number", str: "string", list: "array", dict: "object"}


def _json_type(value: Any) -> str:
    return "null" if value is None else _JSON_TYPES.get(type(value), type(value).__name__)


def _string_field(rec: Mapping[str, Any], name: str, *, numbers: bool = False) -> str | None:
    """Return the record's field ``name`` as a stripped string, or None; ValueError for a wrong JSON type.

    ``numbers``: a JSON number is taken as its decimal text (ids and titles such as 7 or 2024).
    """
    value = rec.get(name)
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if numbers and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"field {name!r} is a JSON {_json_type(value)}, not a string")


def record_to_document(
    rec: Mapping[str, Any], *, origin: str, path: Path, fmt: str, fallback_id: str
) -> RawDocument:
    """Return the RawDocument for one JSON/CSV record; raises ValueError with the reason."""
    for name in TEXT_FIELDS:
        if rec.get(name) is not None and not isinstance(rec.get(name), str):
            raise ValueError(f"field {name!r} is a JSON {_json_type(rec.get(name))}, not a string")
    text = rec.get("text")
    html = rec.get("html")
    if not (isinstance(text, str) and text.strip()) and not (isinstance(html, str) and html.strip()):
        raise ValueError("record has no 'text' or 'html'")
    rid = _string_field(rec, "id", numbers=True)
    title = _string_field(rec, "title", numbers=True)
    url = _string_field(rec, "url")
    declared_source = _string_field(rec, "source", numbers=True)
    lang = _string_field(rec, "lang")
    published = _string_field(rec, "published")
    source = declared_source or source_from_url(url) or folder_source(path)
    known = {"id", "text", "html", "title", "url", "source", "lang", "published"}
    extra = {k: v for k, v in rec.items() if k not in known}
    extra["source_known"] = bool(declared_source or source_from_url(url))
    return RawDocument(
        id=rid or fallback_id,
        source=source,
        origin=origin,
        format=fmt,
        read_at=now_utc(),
        text=text if isinstance(text, str) and text.strip() else None,
        html=html if isinstance(html, str) and html.strip() else None,
        title=title,
        url=url,
        lang=lang,
        published=published,
        meta=extra,
    )


def _no_constant(name: str) -> None:
    """NaN and Infinity are not JSON (Python reads them): they become null, which the store can keep."""
    return None


def _parse_json_line(line: str) -> Any:
    """Return the JSON value of one line; ValueError (with the reason) when it is not JSON."""
    try:
        return json.loads(line, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ValueError(f"malformed JSON: {exc.msg}") from exc
    except RecursionError as exc:
        raise ValueError("malformed JSON: nested too deeply") from exc
    except ValueError as exc:  # e.g. an integer with too many digits
        raise ValueError(f"malformed JSON: {exc}") from exc


def read_jsonl(path: Path, *, max_bytes: int = _DEFAULT_MAX) -> ReadResult:
    """Return one document per JSON line, read as a stream; bad lines are rejected with their line number."""
    result = ReadResult()
    stream = _open_stream(path, result)
    if stream is None:
        return result
    seen_any = False
    with stream:
        for n, line in _lines(stream, max_bytes):
            origin = f"{path}:{n}"
            if line is None:
                seen_any = True
                result.rejected.append(Rejection(origin, f"record is over the {max_bytes / 1048576:g} MB "
                                                         "article limit (--max-article-mb)"))
                continue
            if not line.strip() or (n == 1 and not line.strip("\ufeff \t\r\n")):
                continue
            seen_any = True
            try:
                rec = _parse_json_line(line.lstrip("\ufeff") if n == 1 else line)
            except ValueError as exc:
                result.rejected.append(Rejection(origin, str(exc)))
                continue
            _add_record(result, rec, origin=origin, path=path, fmt="jsonl", fallback_id=f"{path.stem}-{n}")
    if not seen_any:
        result.rejected.append(Rejection(str(path), "empty file"))
    return result


def read_json(path: Path, *, max_bytes: int = _DEFAULT_MAX) -> ReadResult:
    """Return the documents of a JSON file holding one record or a list of records."""
    result = ReadResult()
    try:
        with path.open("rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError as exc:
        result.rejected.append(Rejection(str(path), f"cannot read file: {exc.strerror or exc}"))
        return result
    enc, bom = sniff_encoding(head)
    if enc in ("utf-8", "utf-8-replace"):
        start = head[bom:].lstrip()
        if start.startswith(b"{") and b"\n{" in head:  # Many ".json" exports are really JSON Lines.
            first = start.split(b"\n", 1)[0].strip()
            try:
                json.loads(first)
                return read_jsonl(path, max_bytes=max_bytes)
            except (ValueError, RecursionError):
                pass
    content = _load(path, result, max_bytes)
    if content is None:
        return result
    try:
        data = json.loads(content, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        if content.lstrip().startswith("{") and "\n{" in content:
            return read_jsonl(path, max_bytes=max_bytes)
        result.rejected.append(Rejection(str(path), f"malformed JSON: {exc.msg} (line {exc.lineno})"))
        return result
    except (RecursionError, ValueError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        result.rejected.append(Rejection(str(path), f"malformed JSON: {reason}"))
        return result
    records = data if isinstance(data, list) else [data]
    if not records:
        result.rejected.append(Rejection(str(path), "JSON file holds an empty list"))
    for i, rec in enumerate(records):
        origin = f"{path}:{i + 1}" if isinstance(data, list) else str(path)
        fallback = f"{path.stem}-{i + 1}" if isinstance(data, list) else path.stem
        _add_record(result, rec, origin=origin, path=path, fmt="json", fallback_id=fallback)
    return result


def _add_record(result: ReadResult, rec: Any, *, origin: str, path: Path, fmt: str, fallback_id: str) -> None:
    """Add one record's document to ``result``, or its rejection: one bad record never costs the others."""
    if not isinstance(rec, dict):
        result.rejected.append(Rejection(origin, f"record is a JSON {_json_type(rec)}, not an object"))
        return
    rid = rec.get("id")
    shown = str(rid) if isinstance(rid, str | int) and not isinstance(rid, bool) and str(rid) else None
    try:
        result.documents.append(record_to_document(rec, origin=origin, path=path, fmt=fmt, fallback_id=fallback_id))
    except ValueError as exc:
        result.rejected.append(Rejection(origin, str(exc), id=shown))
    except Exception as exc:  # noqa: BLE001 - one bad record must never stop the file
        log.warning("record %s failed: %s", origin, failure(exc))
        log.debug("record %s failed", origin, exc_info=True)
        result.rejected.append(Rejection.from_exception(origin, exc, id=shown))


def _csv_lines(stream: io.TextIOWrapper, max_bytes: int, path: Path, result: ReadResult) -> Iterator[str]:
    for n, line in _lines(stream, max_bytes):
        if line is None:
            result.rejected.append(Rejection(f"{path}:{n}", f"CSV line over the {max_bytes / 1048576:g} MB "
                                                           "article limit (--max-article-mb)"))
            yield "\n"
        else:
            yield line


def read_csv(path: Path, *, max_bytes: int = _DEFAULT_MAX) -> ReadResult:
    """Return one document per CSV row (same columns as JSONL), read as a stream; no text column: rejected."""
    result = ReadResult()
    stream = _open_stream(path, result)
    if stream is None:
        return result
    # No field limit below the article limit (csv's default is 131,072 characters).
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes + 1))
    with stream:
        start = stream.tell()
        head = stream.read(8192).replace("\x00", "")
        stream.seek(start)
        try:
            dialect: Any = csv.Sniffer().sniff(head, delimiters=",;\t|")
        except Exception:  # noqa: BLE001 - csv.Error, or worse on odd input: fall back to plain CSV
            dialect = csv.excel
        if path.suffix.lower() == ".tsv" and "\t" in head:
            dialect = csv.excel_tab
        reader = csv.DictReader(_csv_lines(stream, max_bytes, path, result), dialect=dialect)
        try:
            fieldnames = reader.fieldnames or []
        except csv.Error as exc:
            result.rejected.append(Rejection(str(path), f"malformed CSV header: {exc}"))
            return result
        fields = {(f or "").strip().lstrip("\ufeff").lower() for f in fieldnames}
        if not fields & set(TEXT_FIELDS):
            cols = ", ".join(sorted(f for f in fields if f)) or "none"
            result.rejected.append(Rejection(str(path), f"CSV has no 'text' or 'html' column (columns: {cols})"))
            return result
        rows = iter(reader)
        n = 1
        while True:
            try:
                row = next(rows)
            except StopIteration:
                break
            except csv.Error as exc:
                n += 1
                result.rejected.append(Rejection(f"{path}:{n}", f"malformed CSV row: {exc}"))
                continue
            n += 1
            rec = {(k or "").strip().lstrip("\ufeff").lower(): v for k, v in row.items() if k is not None}
            body = max((len(v) for k, v in rec.items() if k in TEXT_FIELDS and isinstance(v, str)), default=0)
            if body > max_bytes:
                result.rejected.append(Rejection(f"{path}:{n}", f"record is over the {max_bytes / 1048576:g} MB "
                                                               "article limit (--max-article-mb)"))
                continue
            _add_record(result, rec, origin=f"{path}:{n}", path=path, fmt="csv", fallback_id=f"{path.stem}-{n}")
    if n == 1:
        result.rejected.append(Rejection(str(path), "CSV has a header and no records"))
    return result


def _feed_entries(parsed: Any) -> Iterator[tuple[int, Any]]:
    yield from enumerate(parsed.entries, 1)


def read_feed(path: Path, *, max_bytes: int = _DEFAULT_MAX) -> ReadResult:
    """Return one document per RSS/Atom entry (id = guid, else link)."""
    result = ReadResult()
    content = _load(path, result, max_bytes)
    if content is None:
        return result
    parsed = parse_feed(content)
    if not parsed.entries:
        reason = "no entries in feed"
        if parsed.get("bozo"):
            reason += f" (parse error: {parsed.get('bozo_exception')})"
        result.rejected.append(Rejection(str(path), reason))
        return result
    result.extend(feed_documents(parsed, origin=str(path), fallback_source=folder_source(path),
                                 fallback_id=lambda n, body: f"{path.stem}-{n}", meta={"feed": str(path)}))
    return result


def parse_feed(content: str | bytes) -> Any:
    """Return feedparser's reading of an RSS/Atom document."""
    import feedparser

    return feedparser.parse(content)


def feed_documents(parsed: Any, *, origin: str, fallback_source: str, fallback_id: Callable[[int, str], str],
                   meta: Mapping[str, Any]) -> ReadResult:
    """Return one document per entry of a parsed feed (id = guid, else link, else ``fallback_id(n, body)``);
    an entry without content is rejected. ``meta["summary_only"]`` marks an entry that gave only its
    summary or description (no full content)."""
    result = ReadResult()
    feed_link = parsed.feed.get("link")
    for n, entry in _feed_entries(parsed):
        where = f"{origin}#{n}"
        try:
            _add_entry(result, entry, parsed, origin=where, n=n, feed_link=feed_link,
                       fallback_source=fallback_source, fallback_id=fallback_id, meta=meta)
        except Exception as exc:  # noqa: BLE001 - one bad entry must never stop the feed
            log.warning("feed entry %s failed: %s", where, failure(exc))
            log.debug("feed entry %s failed", where, exc_info=True)
            result.rejected.append(Rejection.from_exception(where, exc))
    return result


def _add_entry(result: ReadResult, entry: Any, parsed: Any, *, origin: str, n: int, feed_link: str | None,
               fallback_source: str, fallback_id: Callable[[int, str], str], meta: Mapping[str, Any]) -> None:
    body = ""
    if entry.get("content"):
        body = max((str(c.get("value", "") or "") for c in entry.content), key=len)
    summary_only = not body.strip()
    body = body or str(entry.get("summary", "") or "") or str(entry.get("description", "") or "")
    if not body.strip():
        result.rejected.append(Rejection(origin, "feed entry has no content or description",
                                         id=entry.get("id") or entry.get("link")))
        return
    link = entry.get("link")
    published = entry.get("published") or entry.get("updated")
    if entry.get("published_parsed"):
        import time

        published = time.strftime("%Y-%m-%dT%H:%M:%S", entry.published_parsed)
    known = bool(source_from_url(link) or source_from_url(feed_link))
    extra: dict[str, Any] = {**meta, "source_known": known}
    if summary_only:
        extra["summary_only"] = True
    result.documents.append(
        RawDocument(
            id=str(entry.get("id") or link or fallback_id(n, body)),
            source=source_from_url(link) or source_from_url(feed_link) or fallback_source,
            origin=origin,
            format="feed",
            read_at=now_utc(),
            html=body if "<" in body else None,
            text=None if "<" in body else body,
            title=entry.get("title"),
            url=link,
            lang=(entry.get("language") or parsed.feed.get("language") or None),
            published=published,
            meta=extra,
        )
    )
