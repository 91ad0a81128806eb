"""The merge/split pass: stories compared as sets, merged when one event, split when two."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._base import story_id_for
from .online import StoryClusterer

__all__ = ["MergeSplit", "StoryChange"]


@dataclass(slots=True)
class StoryChange:
    """One merge or split, for the audit log."""

    action: str  # "merge" or "split"
    story_id: str  # the story kept (merge) or split (split)
    other_id: str  # the story merged away (merge) or opened (split)
    articles: list[str] = field(default_factory=list)
    score: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"action": self.action, "story_id": self.story_id, "other_id": self.other_id,
                "articles": self.articles, "score": None if self.score is None else round(self.score, 4)}


class MergeSplit:
    """Merges story pairs whose members match as sets, and splits stories whose members form two groups.

    Set similarity is the mean pair-scorer probability over up to
    ``sample`` × ``sample`` member pairs nearest each other's centroid (the best
    ``top_share`` of them, so one off-topic member does not veto). A merge
    keeps the older story's id. A split needs every group to have at least two
    members and the groups' mean cross probability below ``split_below``.
    """

    def __init__(self, *, merge_at: float | None = 0.6, split_below: float = 0.2, neighbours: int = 8,
                 sample: int = 3, min_centroid_cosine: float = 0.0, max_split_size: int = 40,
                 top_share: float = 1.0) -> None:
        self.merge_at = merge_at
        self.split_below = split_below
        self.neighbours = neighbours
        self.sample = sample
        self.min_centroid_cosine = min_centroid_cosine
        self.max_split_size = max_split_size
        self.top_share = top_share

    def _set_score(self, c: StoryClusterer, a: list[str], b: list[str], ca: np.ndarray, cb: np.ndarray) -> float:
        def nearest(members: list[str], centre: np.ndarray) -> list[str]:
            sims = [(float(c.signals_[m].full @ centre), i, m) for i, m in enumerate(members)]
            return [m for _, _, m in sorted(sims, key=lambda t: (-t[0], t[1]))[: self.sample]]

        pa, pb = nearest(a, cb), nearest(b, ca)
        centre = c.centre()
        probs = [c.scorer_.score(c.signals_[x], c.signals_[y], df=c.df_, centre=centre).probability
                 for x in pa for y in pb]
        probs.sort(reverse=True)
        return float(np.mean(probs[: max(1, round(len(probs) * self.top_share))]))

    def _neighbour_stories(self, c: StoryClusterer, sid: str) -> list[str]:
        """Return up to ``neighbours`` other stories nearest this one by centroid, among those whose
        articles lie nearest its centroid or its first members."""
        st = c.stories_[sid]
        centre = st.centroid()
        found: dict[str, float] = {}
        probes = [centre] + [c.signals_[m].full for m in st.members[:3]]
        for probe in probes:
            labels, _ = c.index_.query(probe, 5 * self.neighbours)
            for label in labels:
                other = c.story_of_[c.labels_[int(label)]]
                if other != sid and other not in found:
                    found[other] = float(c.stories_[other].centroid() @ centre)
        # the nearest by centroid first, ties by id, so the result is the same in any run
        return sorted(found, key=lambda o: (-found[o], o))[: self.neighbours]

    def merge(self, c: StoryClusterer, story_ids: Iterable[str] | None = None) -> list[StoryChange]:
        """Merge stories (those in ``story_ids`` against their neighbours, or all) and return the merges made.

        Neighbour stories are found through the article index (the articles nearest a
        story's centroid), so the cost grows with the stories looked at, not with the store.
        """
        if not getattr(c, "stories_", None):
            return []
        threshold = self.merge_at if self.merge_at is not None else c.threshold_
        order = {aid: i for i, aid in enumerate(c.labels_)}
        first = lambda sid: order[c.stories_[sid].members[0]]  # noqa: E731 - the story's founding article
        changes: list[StoryChange] = []
        focus = sorted(c.stories_ if story_ids is None else {s for s in story_ids if s in c.stories_}, key=first)
        for _ in range(3):
            merged: set[str] = set()  # stories that grew this round: looked at again next round
            for sid in focus:
                if sid not in c.stories_:
                    continue
                for other in self._neighbour_stories(c, sid):
                    if sid not in c.stories_ or other not in c.stories_:
                        continue
                    sa, sb = c.stories_[sid], c.stories_[other]
                    if float(sa.centroid() @ sb.centroid()) < self.min_centroid_cosine:
                        continue
                    if not (sa.in_window(sb.first_day, c.window_days) or sb.in_window(sa.first_day, c.window_days)):
                        continue
                    if c.constraints_ and not c.constraints_.allows(sa.members, sb.members):
                        continue
                    score = self._set_score(c, sa.members, sb.members, sa.centroid(), sb.centroid())
                    if score < threshold:
                        continue
                    keep, gone = (sid, other) if first(sid) <= first(other) else (other, sid)
                    moved = list(c.stories_[gone].members)
                    for aid in moved:
                        c.move(aid, keep)
                    merged.add(keep)
                    changes.append(StoryChange("merge", keep, gone, moved, score))
            if not merged:
                break
            focus = sorted({s for s in (*focus, *merged) if s in c.stories_}, key=first)
        return changes

    def split(
        self, c: StoryClusterer, story_ids: Iterable[str] | None = None, *, force: bool = False
    ) -> list[StoryChange]:
        """Split stories whose members form well-separated groups; ``force`` splits into the two best groups."""
        if not getattr(c, "stories_", None):
            return []
        threshold = c.threshold_
        ids = list(c.stories_) if story_ids is None else [s for s in story_ids if s in c.stories_]
        changes: list[StoryChange] = []
        for sid in ids:
            members = list(c.stories_[sid].members)
            if len(members) < (2 if force else 4) or len(members) > self.max_split_size:
                continue
            n = len(members)
            centre = c.centre()
            P = np.eye(n)
            for i in range(n):
                for j in range(i + 1, n):
                    P[i, j] = P[j, i] = c.scorer_.score(c.signals_[members[i]], c.signals_[members[j]],
                                                        df=c.df_, centre=centre).probability
            groups = _components(P >= threshold) if not force else _two_groups(P)
            big = [g for g in groups if len(g) >= (1 if force else 2)]
            if len(big) < 2:
                continue
            big.sort(key=lambda g: min(g))  # the group holding the founding article keeps the id
            rest = [i for g in big[1:] for i in g]
            cross = float(np.mean([P[i, j] for i in big[0] for j in rest]))
            if not force and cross >= self.split_below:
                continue
            for g in big[1:]:
                new_id = story_id_for(members[min(g)])
                moved = [members[i] for i in sorted(g)]
                for aid in moved:
                    c.move(aid, new_id)
                changes.append(StoryChange("split", sid, new_id, moved, cross))
        return changes


def _components(adj: np.ndarray) -> list[list[int]]:
    n = len(adj)
    seen: set[int] = set()
    out = []
    for i in range(n):
        if i in seen:
            continue
        comp, todo = [], [i]
        seen.add(i)
        while todo:
            k = todo.pop()
            comp.append(k)
            for j in np.nonzero(adj[k])[0]:
                if int(j) not in seen:
                    seen.add(int(j))
                    todo.append(int(j))
        out.append(sorted(comp))
    return out


def _two_groups(P: np.ndarray) -> list[list[int]]:
    """Return the two groups an average-linkage agglomeration ends with."""
    groups = [[i] for i in range(len(P))]
    while len(groups) > 2:
        best, pair = -1.0, (0, 1)
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                s = float(P[np.ix_(groups[a], groups[b])].mean())
                if s > best:
                    best, pair = s, (a, b)
        a, b = pair
        groups[a] = sorted(groups[a] + groups[b])
        del groups[b]
    return groups
