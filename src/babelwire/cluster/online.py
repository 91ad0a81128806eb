"""Online story assignment: join the most similar active story, or open a new one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._base import Assignment, story_id_for, to_day

__all__ = ["CentroidClusterer"]


@dataclass(slots=True)
class _Story:
    id: str
    total: np.ndarray
    size: int
    first_day: float | None
    last_day: float | None
    members: list[str] = field(default_factory=list)

    def centroid(self) -> np.ndarray:
        n = float(np.linalg.norm(self.total))
        return self.total / n if n else self.total

    def add(self, article_id: str, vector: np.ndarray, day: float | None) -> None:
        self.total = self.total + vector
        self.size += 1
        self.members.append(article_id)
        if day is not None:
            self.first_day = day if self.first_day is None else min(self.first_day, day)
            self.last_day = day if self.last_day is None else max(self.last_day, day)


class CentroidClusterer:
    """Streaming clusterer: cosine to story centroids within a time window.

    Each article ``x`` is a mapping with ``id``, ``vector`` (L2-normalised) and
    optionally ``published`` (ISO date). It joins the best story whose centroid
    cosine is at least ``threshold`` and whose dates lie within ``window_days``
    of the article's; otherwise it opens a new story whose id is derived from
    the article id, so re-running the same input gives the same ids.
    """

    def __init__(self, *, threshold: float = 0.86, window_days: float = 3.0) -> None:
        self.threshold = threshold
        self.window_days = window_days

    # fitted state lives in attributes ending in "_", created on first use
    def _state(self) -> dict[str, _Story]:
        if not hasattr(self, "stories_"):
            self.stories_: dict[str, _Story] = {}
            self.story_of_: dict[str, str] = {}
        return self.stories_

    def _candidates(self, day: float | None) -> list[_Story]:
        out = []
        for s in self._state().values():
            if day is None or s.first_day is None:
                out.append(s)
            elif s.first_day - self.window_days <= day <= s.last_day + self.window_days:
                out.append(s)
        return out

    def predict_one(self, x: dict[str, Any]) -> Assignment:
        """Return where ``x`` would go, without changing the clusterer."""
        aid = str(x["id"])
        self._state()
        if aid in self.story_of_:
            return Assignment(aid, self.story_of_[aid], False, None, {"reason": "already assigned"})
        vector = np.asarray(x["vector"], dtype=np.float32)
        day = to_day(x.get("published"))
        best, best_score = None, -1.0
        for s in self._candidates(day):
            score = float(s.centroid() @ vector)
            if score > best_score:
                best, best_score = s, score
        evidence: dict[str, Any] = {
            "method": "centroid-cosine",
            "threshold": self.threshold,
            "window_days": self.window_days,
        }
        if best is not None:
            evidence["best_story"] = best.id
            evidence["best_cosine"] = round(best_score, 4)
        if best is not None and best_score >= self.threshold:
            return Assignment(aid, best.id, False, best_score, evidence)
        return Assignment(aid, story_id_for(aid), True, best_score if best is not None else None, evidence)

    def learn_one(self, x: dict[str, Any]) -> Assignment:
        """Assign ``x`` to a story (joining or opening one), update the state, and return the assignment."""
        a = self.predict_one(x)
        if a.evidence.get("reason") == "already assigned":
            return a
        self._add(a.story_id, a.article_id, np.asarray(x["vector"], dtype=np.float32), to_day(x.get("published")))
        return a

    def _add(self, story_id: str, article_id: str, vector: np.ndarray, day: float | None) -> None:
        stories = self._state()
        s = stories.get(story_id)
        if s is None:
            s = stories[story_id] = _Story(story_id, np.zeros_like(vector), 0, None, None)
        s.add(article_id, vector, day)
        self.story_of_[article_id] = story_id

    def restore(self, members: Iterable[dict[str, Any]]) -> CentroidClusterer:
        """Rebuild the state from stored memberships: mappings with ``id``, ``story_id``, ``vector``, ``published``."""
        for m in members:
            self._add(str(m["story_id"]), str(m["id"]), np.asarray(m["vector"], np.float32), to_day(m.get("published")))
        return self

    @property
    def n_stories(self) -> int:
        """Return how many stories the clusterer holds."""
        return len(self._state())
