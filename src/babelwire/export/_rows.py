"""The rows of each export table, read from the store a page at a time (never the whole store at once)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..store import StoreInterface
from ..views import story_from_members
from ._schema import utc_time

__all__ = ["table_pages"]


def _story_pages(store: StoreInterface, filters: dict[str, Any], page: int) -> Iterator[list[dict[str, Any]]]:
    after: str | None = None
    while True:
        rows = store.export_story_page(after=after, limit=page, **filters)
        if not rows:
            return
        members = store.story_members_of([r["id"] for r in rows])
        out = []
        for r in rows:
            s = story_from_members(r["id"], r["headline"], members.get(r["id"], []))
            out.append({
                "id": s["id"], "headline": s["headline"], "article_count": s["article_count"],
                "languages": s["languages"], "sources": s["sources"],
                "independent_sources": s["independent_sources"], "copies": s["copies"],
                "first_published": utc_time(s["first_published"]), "last_published": utc_time(s["last_published"]),
                "article_ids": [a["id"] for a in s["articles"]],
                "created_at": utc_time(r["created_at"]), "updated_at": utc_time(r["updated_at"]),
            })
        yield out
        if len(rows) < page:
            return
        after = rows[-1]["id"]


def _article_record(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "seq": r["seq"], "id": r["id"], "story_id": r["story_id"], "source": r["source"], "path": r["origin"],
        "format": r["format"], "url": r["url"], "title": r["title"], "text": r["text"], "lang": r["lang"],
        "lang_confidence": r["lang_confidence"], "published": utc_time(r["published"]),
        "published_text": r["published"], "published_provenance": r["published_provenance"],
        "published_confidence": r["published_confidence"], "read_at": utc_time(r["read_at"]),
        "ingested_at": utc_time(r["ingested_at"]), "content_hash": r["content_hash"],
    }


def _membership_record(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "article_id": r["id"], "story_id": r["story_id"], "score": r["score"], "decision": r["decision"],
        "copy_of": r["copy_of"], "copy_kind": r["copy_kind"], "copy_similarity": r["copy_similarity"],
        "assigned_at": utc_time(r["assigned_at"]), "evidence": r["evidence"],
    }


def _article_pages(store: StoreInterface, filters: dict[str, Any], page: int, *, memberships: bool,
                   encoder: str | None) -> Iterator[list[dict[str, Any]]]:
    after = 0
    while True:
        rows = store.export_article_page(after_seq=after, limit=page, evidence=memberships, **filters)
        if not rows:
            return
        if memberships:
            yield [_membership_record(r) for r in rows if r["story_id"] is not None]
        else:
            out = [_article_record(r) for r in rows]
            if encoder is not None:
                vectors = store.get_vectors([r["embed_hash"] for r in rows], encoder=encoder)
                for rec, r in zip(out, rows, strict=True):
                    rec["vector"] = vectors.get(r["embed_hash"])
            yield out
        if len(rows) < page:
            return
        after = rows[-1]["seq"]


def table_pages(store: StoreInterface, table: str, filters: dict[str, Any], *, page: int = 1000,
                encoder: str | None = None) -> Iterator[list[dict[str, Any]]]:
    """Yield the rows of ``table`` a page at a time: stories by id, articles and memberships in ingest order.

    ``filters`` are ``ExportStore``'s (lang, source, since, until, story_id); ``encoder`` (articles only)
    adds each article's vector by that encoder fingerprint.
    """
    if table == "stories":
        return _story_pages(store, filters, page)
    return _article_pages(store, filters, page, memberships=table == "memberships", encoder=encoder)
