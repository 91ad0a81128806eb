"""The export tables: every column with its kind and meaning, the one schema each format writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = ["Column", "TABLES", "KINDS", "utc_time", "columns"]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an export table: its name, kind (see ``KINDS``) and what it holds."""

    name: str
    kind: str
    help: str


# kind -> (Parquet type, how JSONL and CSV write it)
KINDS: dict[str, tuple[str, str]] = {
    "str": ("string", "text"),
    "int": ("int64", "integer"),
    "float": ("float64", "number"),
    "time": ("timestamp[us, tz=UTC]", "ISO 8601 text in UTC, e.g. 2024-04-25T15:20:00Z"),
    "strs": ("list<string>", "JSONL: an array; CSV: a JSON array"),
    "json": ("string (JSON)", "JSONL: an object; CSV: JSON text"),
    "vector": ("fixed_size_list<float32>[dim]", "JSONL: an array of numbers (CSV: not written)"),
}

TABLES: dict[str, tuple[Column, ...]] = {
    "stories": (
        Column("id", "str", "Story id (as `babelwire story ID` takes it)."),
        Column("headline", "str", "The story's headline: the title of its earliest published original."),
        Column("article_count", "int", "How many articles the story holds, copies included."),
        Column("languages", "strs", "Languages of its articles (ISO 639-1), sorted; undetected ones left out."),
        Column("sources", "strs", "Sources (outlets or folders) of its articles, sorted."),
        Column("independent_sources", "int", "Distinct outlets among its originals (copies do not count)."),
        Column("copies", "int", "How many of its articles are copies of another article."),
        Column("first_published", "time", "Earliest publication time among its articles (null: none dated)."),
        Column("last_published", "time", "Latest publication time among its articles (null: none dated)."),
        Column("article_ids", "strs", "Its articles' ids, oldest published first, undated last."),
        Column("created_at", "time", "When the story was first stored."),
        Column("updated_at", "time", "When its headline was last written."),
    ),
    "articles": (
        Column("seq", "int", "Ingest sequence number: the order articles were stored in (the export's order)."),
        Column("id", "str", "Article id."),
        Column("story_id", "str", "The story it is in (null: none)."),
        Column("source", "str", "Outlet (from the URL or the input), or the input's folder."),
        Column("path", "str", "Where it was read from: a file path (with #item or :line for feeds and JSONL "
                                 "records), or web:json / web:form."),
        Column("format", "str", "The input's format: text, html, feed, jsonl, json or csv."),
        Column("url", "str", "The article's URL, when the input gave one."),
        Column("title", "str", "Clean title."),
        Column("text", "str", "Clean body text; paragraphs separated by newlines."),
        Column("lang", "str", "Detected language (ISO 639-1; null: uncertain)."),
        Column("lang_confidence", "float", "Confidence of the detected language, 0 to 1."),
        Column("published", "time", "Publication time in UTC; a date alone is its midnight, and a time without an "
                                    "offset is read as UTC (null: undated)."),
        Column("published_text", "str", "The publication date as stored: ISO 8601 date or date-time, with the "
                                         "source's offset when it gave one."),
        Column("published_provenance", "str", "Where the date came from (metadata, text:line N, relative, ...)."),
        Column("published_confidence", "float", "Confidence of the date, 0 to 1."),
        Column("read_at", "time", "When the input was read."),
        Column("ingested_at", "time", "When the article was stored."),
        Column("content_hash", "str", "SHA-256 of the clean title and text: equal hashes, identical articles."),
        Column("vector", "vector", "Only with --vectors / vectors=true: the article's embedding by the store's "
                                   "encoder (null: not embedded by it)."),
    ),
    "memberships": (
        Column("article_id", "str", "Article id."),
        Column("story_id", "str", "The story it is in."),
        Column("score", "float", "The score that put it there (null when none was computed, e.g. for an "
                                "article a user unlinked)."),
        Column("decision", "str", "Why it is there: scored, copy, original of a copy, linked by a user, "
                                  "unlinked by a user, moved."),
        Column("copy_of", "str", "The article it copies (null: an original)."),
        Column("copy_kind", "str", "What kind of copy: near-verbatim (a same-language re-post) or "
                                   "translation."),
        Column("copy_similarity", "float", "How close the copy is to its original, 0 to 1."),
        Column("assigned_at", "time", "When the membership was last written."),
        Column("evidence", "json", "The evidence `babelwire article ID --explain` reads: matches, signals and "
                                   "their contributions, refused stories, moves."),
    ),
}


def columns(table: str, *, vectors: bool = False) -> tuple[Column, ...]:
    """Return the columns ``table`` is written with (``vector`` only when ``vectors``)."""
    return tuple(c for c in TABLES[table] if vectors or c.kind != "vector")


def utc_time(value: Any) -> datetime | None:
    """Return an ISO 8601 date or date-time as an aware UTC datetime (no offset: read as UTC), or None."""
    if not value or not isinstance(value, str):
        return None
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
