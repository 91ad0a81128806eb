"""The changes-feed entries the pipeline writes, one builder per kind (each kind's data in docs/changes.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model import Article, Change

__all__ = ["STORY_FIELDS", "stored", "created", "moved", "merged", "split", "removed", "copy", "correction",
           "recluster"]

# The fields of each kind's data that name a story (what a reader of the feed invalidates by, e.g. the web
# cache); a kind that can touch any story (a correction, a recluster) is not listed. Keep it beside the builders.
STORY_FIELDS: dict[str, tuple[str, ...]] = {
    "article.stored": ("story_id",),
    "story.created": ("story_id",),
    "article.moved": ("from", "to"),
    "story.merged": ("from", "into"),
    "story.split": ("story_id", "new_story"),
    "story.removed": ("story_id", "into"),
    "article.copy": ("story_id",),
}


def stored(article: Article, story_id: str, copy_of: str | None) -> Change:
    """Return the entry of an article stored in ``story_id``."""
    return Change("article.stored", {"article_id": article.id, "story_id": story_id, "lang": article.lang,
                                     "source": article.source, "title": article.title,
                                     "published": article.published, "copy_of": copy_of})


def created(story_id: str, headline: str, by: str) -> Change:
    """Return the entry of a story opened (by ``ingest``, a pass, a correction or a recluster)."""
    return Change("story.created", {"story_id": story_id, "headline": headline, "by": by})


def moved(article_id: str, from_id: str | None, to_id: str, by: str) -> Change:
    """Return the entry of an article moved from one story to another."""
    return Change("article.moved", {"article_id": article_id, "from": from_id, "to": to_id, "by": by})


def merged(from_id: str, into_id: str, articles: Sequence[str], by: str, score: float | None) -> Change:
    """Return the entry of story ``from_id`` merged into ``into_id`` (``articles`` moved)."""
    return Change("story.merged", {"from": from_id, "into": into_id, "articles": list(articles), "by": by,
                                   "score": None if score is None else round(score, 4)})


def split(story_id: str, new_id: str, articles: Sequence[str], by: str, score: float | None) -> Change:
    """Return the entry of ``articles`` split off ``story_id`` into ``new_id``."""
    return Change("story.split", {"story_id": story_id, "new_story": new_id, "articles": list(articles), "by": by,
                                  "score": None if score is None else round(score, 4)})


def removed(story_id: str, into: str | None) -> Change:
    """Return the entry of a story left without articles (``into``: where its id redirects, if anywhere)."""
    return Change("story.removed", {"story_id": story_id, "into": into})


def copy(article_id: str, copy_of: str, story_id: str) -> Change:
    """Return the entry of a stored article found to copy one that arrived after it."""
    return Change("article.copy", {"article_id": article_id, "copy_of": copy_of, "story_id": story_id})


def correction(action: str, story_id: str, **details: Any) -> Change:
    """Return the entry of a user correction (``link``, ``unlink``, ``split``)."""
    return Change("correction", {"action": action, "story_id": story_id, **details})


def recluster(details: dict[str, Any]) -> Change:
    """Return the entry of a recluster (its moves are entries of their own, before it)."""
    return Change("recluster", details)
