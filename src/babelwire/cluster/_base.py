"""What every clusterer returns for one article, and date helpers shared by clusterers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

__all__ = ["Assignment", "story_id_for", "to_day"]


@dataclass(slots=True)
class Assignment:
    """Where an article went: its story, the score that decided it, and the evidence."""

    article_id: str
    story_id: str
    new_story: bool
    score: float | None
    evidence: dict[str, Any] = field(default_factory=dict)


def story_id_for(founding_article_id: str) -> str:
    """Return the stable story id derived from the article that opened the story."""
    return "s" + hashlib.sha256(founding_article_id.encode("utf-8")).hexdigest()[:11]


def to_day(value: str | date | datetime | None) -> float | None:
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
