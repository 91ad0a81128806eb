"""The dataclasses that flow through the pipeline: RawDocument -> Article -> Story."""

from __future__ import annotations

import hashlib
import re
import traceback
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

__all__ = [
    "RawDocument",
    "Removed",
    "Article",
    "Membership",
    "Story",
    "Rejection",
    "Change",
    "CHANGE_KINDS",
    "Alert",
    "Firing",
    "content_hash",
    "failure",
    "valid_text",
    "day_number",
    "SourceState",
]


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_text(value: Any) -> Any:
    """Return ``value`` with lone surrogates (JSON ``"\\ud800"``, undecodable file names) replaced by U+FFFD.

    They cannot be encoded as UTF-8, so the store, hashing and every encoder would fail on them.
    Lists and dicts are cleaned throughout; other values are returned as they are.
    """
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value) if _LONE_SURROGATE.search(value) else value
    if isinstance(value, dict):
        return {valid_text(k): valid_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [valid_text(v) for v in value]
    return value


def content_hash(text: str) -> str:
    """Return the hex SHA-256 of ``text`` (UTF-8), used to key embeddings and find copies."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class RawDocument:
    """One input record as a reader found it, before any cleaning.

    ``text`` holds plain text and ``html`` holds markup; at least one is set.
    ``lang``, ``title`` and ``published`` are what the input *declared*
    (metadata), not what babelwire detected.
    """

    id: str
    source: str
    origin: str
    format: str
    read_at: datetime
    text: str | None = None
    html: str | None = None
    title: str | None = None
    url: str | None = None
    lang: str | None = None
    published: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("id", "source", "origin", "text", "html", "title", "url", "lang", "published"):
            value = getattr(self, name)
            if isinstance(value, str) and _LONE_SURROGATE.search(value):
                setattr(self, name, valid_text(value))
        if self.meta:
            self.meta = valid_text(self.meta)

    @property
    def raw(self) -> str:
        """Return the raw input exactly as read (HTML when present, else text)."""
        return self.html if self.html is not None else (self.text or "")


@dataclass(slots=True)
class Removed:
    """A line the cleaner took out of the body, and why."""

    line: str
    reason: str


@dataclass(slots=True)
class Article:
    """A cleaned article: body, title, date and language, with the raw input kept beside it."""

    id: str
    source: str
    origin: str
    format: str
    read_at: datetime
    raw: str
    title: str
    text: str
    lang: str | None = None
    lang_confidence: float = 0.0
    published: str | None = None  # ISO 8601 date or datetime
    published_provenance: str | None = None  # e.g. "metadata", "text:line 2", "relative"
    published_confidence: float = 0.0
    url: str | None = None
    removed: list[Removed] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        """Return the hash of the cleaned title and body (what decides 'already known')."""
        return content_hash(self.title + "\n" + self.text)

    @property
    def embed_text(self) -> str:
        """Return the text the encoder sees for the whole article: title, then body."""
        # A title cut from the first sentence ("…") is already the start of the body.
        if self.title and not self.text.startswith(self.title.rstrip("…. ").rstrip()):
            return f"{self.title}\n{self.text}"
        return self.text


@dataclass(slots=True)
class Membership:
    """Why an article sits in its story."""

    article_id: str
    story_id: str
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Story:
    """A group of articles reporting one event."""

    id: str
    headline: str
    languages: list[str]
    article_count: int
    first_published: str | None
    last_published: str | None
    articles: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class Rejection:
    """An input that was not stored, with the reason."""

    origin: str
    reason: str
    id: str | None = None

    def __post_init__(self) -> None:
        self.origin, self.reason, self.id = valid_text(self.origin), valid_text(self.reason), valid_text(self.id)

    @classmethod
    def from_exception(cls, origin: str, exc: BaseException, *, id: str | None = None) -> Rejection:
        """Return the rejection for an unexpected failure: exception class, message and where it was raised."""
        return cls(origin, f"{failure(exc)}", id=id)


# Every kind of entry of the changes feed (docs/changes.md gives each one's data).
CHANGE_KINDS = ("article.stored", "article.moved", "article.copy", "story.created", "story.merged", "story.split",
                "story.removed", "correction", "recluster")


@dataclass(slots=True)
class Change:
    """One entry of the changes feed: what happened (``kind``, ``data``), at which ``cursor`` (set by the store)."""

    kind: str
    data: dict[str, Any]
    cursor: int = 0
    at: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Return the change as JSON-ready data."""
        return {"cursor": self.cursor, "at": self.at, "kind": self.kind, "data": self.data}


@dataclass(slots=True)
class Alert:
    """A saved watch: a query in any language, optional filters, and where its firings are delivered."""

    name: str
    query: str
    lang: str | None = None
    source: str | None = None
    min_sources: int | None = None
    webhook: str | None = None
    secret: str | None = None
    created_at: str = ""
    start_cursor: int = 0  # the changes feed's head when the alert was added: only what came after counts
    cursor: int = 0  # the last change the alert has been evaluated against

    def as_dict(self, *, secret: bool = False) -> dict[str, Any]:
        """Return the alert as JSON-ready data (the secret only as whether one is set, unless ``secret``)."""
        return {"name": self.name, "query": self.query, "lang": self.lang, "source": self.source,
                "min_sources": self.min_sources, "webhook": self.webhook,
                "secret": self.secret if secret else bool(self.secret), "created_at": self.created_at,
                "cursor": self.cursor}


@dataclass(slots=True)
class Firing:
    """An alert fired for a story (``reason``: ``new_story``, ``new_language`` or ``min_sources``), with its
    delivery state (``pending``, ``delivered``, ``failed``, or ``none`` without a webhook)."""

    id: int
    alert: str
    story_id: str
    reason: str
    value: str
    at: str
    cursor: int
    data: dict[str, Any]
    delivery: str = "pending"
    attempts: int = 0
    last_error: str | None = None
    delivered_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the firing as JSON-ready data."""
        return {"id": self.id, "alert": self.alert, "story_id": self.story_id, "reason": self.reason,
                "value": self.value, "at": self.at, "cursor": self.cursor, "story": self.data,
                "delivery": self.delivery, "attempts": self.attempts, "last_error": self.last_error,
                "delivered_at": self.delivered_at}


def failure(exc: BaseException) -> str:
    """Return ``"Class: message (at file.py:line)"`` for ``exc``, naming the innermost frame it was raised in."""
    where = ""
    tb = exc.__traceback__
    if tb is not None:
        frame = traceback.extract_tb(tb)[-1]
        parts = frame.filename.replace("\\", "/").split("/")
        if "babelwire" in parts:  # the package folder, the last one in the path
            short = "/".join(parts[len(parts) - 1 - parts[::-1].index("babelwire"):])
        else:
            short = "/".join(parts[-2:])
        where = f" (at {short}:{frame.lineno})"
    message = str(exc)
    if len(message) > 300:
        message = message[:300] + "…"
    return f"{type(exc).__name__}: {message}{where}"


def day_number(value: str | date | datetime | None) -> float | None:
    """Return an ISO date/datetime as a day number (ordinal, fractional), or None."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value[:19]) if len(value) > 10 else date.fromisoformat(value[:10])
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value.toordinal() + (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    return float(value.toordinal())


@dataclass(slots=True)
class SourceState:
    """What the store remembers of one watched source between polls and across restarts."""

    name: str
    kind: str  # feed (RSS/Atom/JSON Feed/sitemap, told apart by content), sitemap or inbox
    url: str  # the feed's URL, or the inbox folder
    etag: str | None = None
    last_modified: str | None = None
    last_poll: str | None = None  # ISO 8601 UTC
    next_poll: float = 0.0  # Unix time the next poll is due
    failures: int = 0  # consecutive failed polls (0 after a good one)
    backoff: float = 0.0  # seconds the last failure pushed the next poll back (before jitter)
    status: str | None = None  # ok, not modified, error
    error: str | None = None  # the last poll's error, if any
    new_entries: int = 0  # entries the last poll had not seen before
    stored: int = 0  # articles the last poll stored
    polls: int = 0
    errors_total: int = 0
    stored_total: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Return the state as JSON-ready data."""
        return {name: getattr(self, name) for name in self.__slots__}  # type: ignore[attr-defined]
