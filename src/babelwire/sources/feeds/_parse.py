"""Fetched bodies -> entries: RSS/Atom (through the file reader's feed code), JSON Feed and news sitemaps."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
import xml.sax
from dataclasses import dataclass, field
from typing import Any

from ...errors import FeedError
from ...model import RawDocument, content_hash
from .._common import decode_bytes, now_utc, source_from_url
from .._readers import feed_documents, parse_feed

__all__ = ["Entry", "ParsedBody", "parse_body", "check_feed_type", "html_text", "entry_key"]

_FEED_TYPES = ("text/plain", "application/octet-stream", "binary/octet-stream", "")
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(slots=True)
class Entry:
    """One entry of a polled source, keyed for 'read once'.

    ``doc`` is what the feed itself gave (None for a sitemap URL, which only names a page);
    ``page`` is the article page to fetch when the feed gave only a summary, or nothing.
    ``rejection`` is set for an entry unusable as it stands.
    """

    key: str
    origin: str
    doc: RawDocument | None = None
    page: str | None = None
    title: str | None = None
    published: str | None = None
    lang: str | None = None
    rejection: str | None = None


@dataclass(slots=True)
class ParsedBody:
    """What one fetched body held: its kind (rss, atom, jsonfeed, sitemap, sitemapindex) and entries."""

    kind: str
    entries: list[Entry] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)  # a sitemap index's children


def entry_key(*candidates: Any, body: str = "") -> str:
    """Return an entry's key: the first non-empty candidate (guid/id, then link), else its content's hash."""
    for c in candidates:
        if isinstance(c, str | int) and not isinstance(c, bool) and str(c).strip():
            return str(c).strip()
    return "sha256:" + content_hash(body)[:32]


def html_text(markup: str) -> str:
    """Return ``markup`` with tags dropped and white space collapsed (to measure a summary)."""
    import html

    return _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", markup))).strip()


def check_feed_type(content_type: str, url: str) -> None:
    """Raise FeedError when ``content_type`` cannot be a feed or sitemap (an HTML page, an image …)."""
    if "xml" in content_type or "json" in content_type or content_type in _FEED_TYPES:
        return
    raise FeedError(f"wrong content type {content_type} from {url}: not a feed or sitemap")


def parse_body(body: bytes, *, url: str, source: str, summary_chars: int) -> ParsedBody:
    """Return the entries of a fetched feed or sitemap; FeedError when it is neither, or malformed.

    An entry whose feed gave only a summary shorter than ``summary_chars`` characters, and a link,
    gets ``page`` set so its article page is fetched.
    """
    head = body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return _json_feed(body, url=url, source=source, summary_chars=summary_chars)
    if re.search(rb"<(?:\w+:)?(urlset|sitemapindex)[\s>]", head):
        return _sitemap(body, url=url)
    parsed = parse_feed(body)
    exc = parsed.get("bozo_exception")
    if parsed.get("bozo") and isinstance(exc, xml.sax.SAXException):
        raise FeedError(f"malformed feed from {url}: {exc}")
    if not parsed.get("version") and not parsed.entries:
        raise FeedError(f"not a feed from {url}: no RSS, Atom, JSON Feed or sitemap")
    read = feed_documents(parsed, origin=url, fallback_source=source,
                          fallback_id=lambda n, text: entry_key(body=text), meta={"feed": url})
    out = ParsedBody("atom" if str(parsed.get("version", "")).startswith("atom") else "rss")
    for doc in read.documents:
        out.entries.append(_feed_entry(doc, summary_chars))
    for rej in read.rejected:
        out.entries.append(Entry(entry_key(rej.id, body=rej.origin + rej.reason), rej.origin, rejection=rej.reason))
    return out


def _feed_entry(doc: RawDocument, summary_chars: int) -> Entry:
    entry = Entry(doc.id, doc.origin, doc=doc, title=doc.title, published=doc.published, lang=doc.lang)
    if doc.meta.get("summary_only") and doc.url and len(html_text(doc.raw)) < summary_chars:
        entry.page = doc.url
    return entry


def _json_feed(body: bytes, *, url: str, source: str, summary_chars: int) -> ParsedBody:
    text, _ = decode_bytes(body)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise FeedError(f"malformed JSON Feed from {url}: {exc}") from exc
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith("https://jsonfeed.org/version/"):
        raise FeedError(f"not a feed from {url}: JSON without a JSON Feed version")
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedError(f"malformed JSON Feed from {url}: 'items' is not a list")
    home = data.get("home_page_url") if isinstance(data.get("home_page_url"), str) else None
    out = ParsedBody("jsonfeed")
    for n, item in enumerate(items, 1):
        out.entries.append(_json_item(item, n, url=url, source=source, home=home, lang=data.get("language"),
                                      summary_chars=summary_chars))
    return out


def _str(item: dict[str, Any], name: str) -> str | None:
    value = item.get(name)
    return value.strip() or None if isinstance(value, str) else None


def _json_item(item: Any, n: int, *, url: str, source: str, home: str | None, lang: Any,
               summary_chars: int) -> Entry:
    origin = f"{url}#{n}"
    if not isinstance(item, dict):
        return Entry(entry_key(body=f"{origin}{item!r}"), origin, rejection="JSON Feed item is not an object")
    link = _str(item, "url")
    html, plain, summary = _str(item, "content_html"), _str(item, "content_text"), _str(item, "summary")
    body = html or plain or summary or ""
    key = entry_key(item.get("id"), link, body=(_str(item, "title") or "") + body)
    if not body:
        return Entry(key, origin, rejection="JSON Feed item has no content_html, content_text or summary")
    declared = _str(item, "language") or (lang if isinstance(lang, str) else None)
    doc = RawDocument(
        id=key, source=source_from_url(link) or source_from_url(home) or source, origin=origin, format="feed",
        read_at=now_utc(), html=body if "<" in body else None, text=None if "<" in body else body,
        title=_str(item, "title"), url=link, lang=declared,
        published=_str(item, "date_published") or _str(item, "date_modified"),
        meta={"feed": url, "source_known": bool(source_from_url(link) or source_from_url(home)),
              **({"summary_only": True} if not (html or plain) else {})},
    )
    return _feed_entry(doc, summary_chars)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(el: ET.Element, name: str) -> ET.Element | None:
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _child_text(el: ET.Element | None, name: str) -> str | None:
    c = _child(el, name) if el is not None else None
    return (c.text or "").strip() or None if c is not None else None


def _sitemap(body: bytes, *, url: str) -> ParsedBody:
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise FeedError(f"malformed sitemap from {url}: {exc}") from exc
    if _local(root.tag) == "sitemapindex":
        out = ParsedBody("sitemapindex")
        out.sitemaps = [loc for s in root if (loc := _child_text(s, "loc"))]
        return out
    out = ParsedBody("sitemap")
    for n, el in enumerate((e for e in root if _local(e.tag) == "url"), 1):
        loc = _child_text(el, "loc")
        origin = f"{url}#{n}"
        if not loc:
            out.entries.append(Entry(entry_key(body=origin + ET.tostring(el, encoding="unicode")), origin,
                                     rejection="sitemap <url> without a <loc>"))
            continue
        news = _child(el, "news")
        publication = _child(news, "publication") if news is not None else None
        out.entries.append(Entry(
            loc, origin, page=loc, title=_child_text(news, "title"),
            published=_child_text(news, "publication_date") or _child_text(el, "lastmod"),
            lang=_child_text(publication, "language"),
        ))
    return out
