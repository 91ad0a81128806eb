"""What every clusterer returns for one article, and date helpers shared by clusterers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from ..model import day_number as to_day

__all__ = ["Assignment", "story_id_for", "to_day"]



@dataclass(slots=True)
class Assignment:
    """Where an article went: its story, the score that decided it, and the evidence."""

    article_id: str
    story_id: str
    new_story: bool
    score: float | None
    evidence: dict[str, Any] = field(default_factory=dict)
    # a stored article this one turned into its copy (this one, published before it, is the original)
    turned_copy: str | None = None


def story_id_for(founding_article_id: str) -> str:
    """Return the stable story id derived from the article that opened the story."""
    return "s" + hashlib.sha256(founding_article_id.encode("utf-8")).hexdigest()[:11]
