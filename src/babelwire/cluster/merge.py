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

    action: str  # "merge", "split" or "move"
    story_id: str  # the story kept (merge), split (split), or left (move)
    other_id: str  # the story merged away (merge), opened (split), or joined (move)
    articles: list[str] = field(default_factory=list)
    score: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"action": self.action, "story_id": self.story_id, "other_id": self.other_id,
                "articles": self.articles, "score": None if self.score is None else round(self.score, 4)}


@dataclass(slots=True)
class _Steps:
    """When each article was last looked at and each story last changed, counted in looks."""

    step: int = 0
    looked: dict[str, int] = field(default_factory=dict)  # article id -> step it was last looked at
    changed: dict[str, int] = field(default_factory=dict)  # story id -> step of its last change

    def unchanged(self, aid: str, stories: Iterable[str]) -> bool:
        """Return True when ``aid`` was looked at and none of ``stories`` changed since."""
        return aid in self.looked and all(self.changed.get(sid, -1) < self.looked[aid] for sid in stories)

    def look(self, aid: str) -> None:
        """Count a look at ``aid``."""
        self.step += 1
        self.looked[aid] = self.step

    def change(self, *story_ids: str) -> None:
        """Mark ``story_ids`` as changed at the current look."""
        for sid in story_ids:
            self.changed[sid] = self.step


class MergeSplit:
    """Merges story pairs whose members match as sets, and splits stories whose members form groups.

    Set similarity is the mean pair-scorer probability over up to
    ``sample`` × ``sample`` member pairs nearest each other's centroid (the best
    ``top_share`` of them, so one off-topic member does not veto). A merge
    keeps the older story's id. A story of at least ``min_split_size`` members
    is split into the groups an average-linkage agglomeration of its members'
    pair probabilities ends with at the scorer's threshold — which undoes
    chains, where each article matched one member but the story is two events —
    when the groups' mean cross probability is below ``split_below`` (the
    scorer's threshold by default), each group has at least ``min_group``
    members, and no user link joins members of different groups.

    A story of more than ``reassign_max_members`` members (a long-running
    story, months of reports) has only its newest that many members looked at
    by the reassign after a batch, their fits found against the story's member
    vectors stacked once per pass: a batch that touches it pays for its newest
    members, not for all of them, each against all the others.
    """

    def __init__(self, *, merge_at: float | None = 0.6, split_below: float | None = None, neighbours: int = 8,
                 sample: int = 3, min_centroid_cosine: float = 0.0, max_split_size: int = 40,
                 top_share: float = 1.0, min_group: int = 1, min_split_size: int = 3,
                 reassign_members: int = 3, reassign_neighbours: int = 10, reassign_rounds: int = 3,
                 merge_rounds: int = 3, reassign_max_members: int = 200) -> None:
        self.merge_at = merge_at
        self.split_below = split_below
        self.neighbours = neighbours
        self.sample = sample
        self.min_centroid_cosine = min_centroid_cosine
        self.max_split_size = max_split_size
        self.top_share = top_share
        self.min_group = min_group
        self.min_split_size = min_split_size
        self.reassign_members = reassign_members
        self.reassign_neighbours = reassign_neighbours
        self.reassign_rounds = reassign_rounds
        self.merge_rounds = merge_rounds
        self.reassign_max_members = reassign_max_members

    def _set_score(self, c: StoryClusterer, a: list[str], b: list[str], ca: np.ndarray, cb: np.ndarray) -> float:
        def nearest(members: list[str], centre: np.ndarray) -> list[str]:
            sims = [(float(c.vector(m) @ centre), i, m) for i, m in enumerate(members)]
            return [m for _, _, m in sorted(sims, key=lambda t: (-t[0], t[1]))[: self.sample]]

        pa, pb = nearest(a, cb), nearest(b, ca)
        others = [c.signals(y) for y in pb]
        probs = sorted((float(p) for x in pa for p in c.pair_probabilities(c.signals(x), others)), reverse=True)
        return float(np.mean(probs[: max(1, round(len(probs) * self.top_share))]))

    def _probes(self, c: StoryClusterer, sid: str) -> np.ndarray:
        """The vectors a story's neighbours are looked up by: its centroid and its first members'."""
        st = c.story(sid)
        return np.stack([st.centroid()] + [c.vector(m) for m in st.members[:3]])

    def _probe_hits(self, c: StoryClusterer, sids: list[str]) -> dict[str, list[int]]:
        """Each story's probe hits: the labels of the articles nearest its probes, looked up at once."""
        if not sids:
            return {}
        probes = [self._probes(c, sid) for sid in sids]
        labels = c.nearest_labels(np.concatenate(probes), 5 * self.neighbours)
        out: dict[str, list[int]] = {}
        i = 0
        for sid, p in zip(sids, probes, strict=True):
            out[sid] = [int(x) for row in labels[i : i + len(p)] for x in row]
            i += len(p)
        return out

    def _neighbour_stories(self, c: StoryClusterer, sid: str, hits: list[int]) -> list[str]:
        """Return up to ``neighbours`` other stories nearest this one by centroid, among those whose
        articles lie nearest its centroid or its first members (``hits``, from ``_probe_hits``)."""
        others = list(dict.fromkeys(c.story_of(c.article_at(label)) for label in hits))
        others = [o for o in others if o != sid]
        if not others:
            return []
        totals = np.stack([c.story(o).total for o in others])
        norms = np.linalg.norm(totals, axis=1)
        sims = (totals @ c.story(sid).centroid()) / np.where(norms > 0, norms, 1.0)
        # the nearest by centroid first, ties by id, so the result is the same in any run
        return [o for _, o in sorted(zip([-x for x in sims.tolist()], others, strict=True))][: self.neighbours]

    @staticmethod
    def _linked_across(c: StoryClusterer, members: list[str], groups: list[list[int]]) -> bool:
        """Return True when a user link joins members that the groups would separate."""
        if not c.user_constraints():
            return False
        group_of = {members[i]: k for k, g in enumerate(groups) for i in g}
        return any(group_of.get(b, k) != k for m, k in group_of.items() for b in c.user_constraints().must_link(m))

    def merge(self, c: StoryClusterer, story_ids: Iterable[str] | None = None) -> list[StoryChange]:
        """Merge stories (those in ``story_ids`` against their neighbours, or all) and return the merges made.

        Neighbour stories are found through the article index (the articles nearest a
        story's centroid), so the cost grows with the stories looked at, not with the store.
        """
        if not c.story_ids():
            return []
        threshold = self.merge_at if self.merge_at is not None else c.decision_threshold()
        order = {aid: i for i, aid in enumerate(c.article_ids())}
        first = lambda sid: order[c.story(sid).members[0]]  # noqa: E731 - the story's founding article
        changes: list[StoryChange] = []
        focus = sorted(c.story_ids() if story_ids is None else {s for s in story_ids if c.has_story(s)}, key=first)
        # A story is looked at again only when it or a story its probes hit changed since it was
        # last looked at: the same merges as looking at every story every round, for less work.
        step = 0
        changed: dict[str, int] = {}  # story id -> step of its last change
        looked: dict[str, tuple[int, list[int]]] = {}  # story id -> (step it was looked at, its probe hits)
        for _ in range(self.merge_rounds):
            merged: set[str] = set()  # stories that grew this round: looked at again next round
            start = step
            stale = [sid for sid in focus if sid not in looked or changed.get(sid, -1) >= looked[sid][0]]
            fresh = self._probe_hits(c, stale)
            for sid in focus:
                if not c.has_story(sid):
                    continue
                if sid in looked and changed.get(sid, -1) < looked[sid][0]:
                    hits = looked[sid][1]
                    if all(changed.get(c.story_of(c.article_at(h)), -1) < looked[sid][0] for h in hits):
                        continue
                elif sid in fresh and changed.get(sid, -1) <= start:
                    hits = fresh[sid]
                else:  # changed earlier in this round
                    hits = self._probe_hits(c, [sid])[sid]
                step += 1
                looked[sid] = (step, hits)
                for other in self._neighbour_stories(c, sid, hits):
                    if not c.has_story(sid) or not c.has_story(other):
                        continue
                    sa, sb = c.story(sid), c.story(other)
                    if float(sa.centroid() @ sb.centroid()) < self.min_centroid_cosine:
                        continue
                    if not (sa.in_window(sb.first_day, c.window_days) or sb.in_window(sa.first_day, c.window_days)):
                        continue
                    if c.user_constraints() and not c.user_constraints().allows(sa.members, sb.members):
                        continue
                    score = self._set_score(c, sa.members, sb.members, sa.centroid(), sb.centroid())
                    if score < threshold or c.stories_contradict(sid, other):
                        continue
                    keep, gone = (sid, other) if first(sid) <= first(other) else (other, sid)
                    moved = list(c.story(gone).members)
                    c.move_many(moved, keep)
                    merged.add(keep)
                    changed[keep] = changed[gone] = step
                    changes.append(StoryChange("merge", keep, gone, moved, score))
            if not merged:
                break
            focus = sorted({s for s in (*focus, *merged) if c.has_story(s)}, key=first)
        return changes

    def run(self, c: StoryClusterer, story_ids: Iterable[str] | None = None) -> list[StoryChange]:
        """Merge, split, then reassign (the stories in ``story_ids`` and what became of them, or all)."""
        changes = self.merge(c, story_ids)
        ids = None
        if story_ids is not None:
            ids = {sid for sid in story_ids if c.has_story(sid)} | {ch.story_id for ch in changes}
        changes += self.split(c, ids)
        if ids is not None:
            ids |= {ch.other_id for ch in changes if ch.action == "split"}
        return changes + self.reassign(c, ids)

    def reassign(self, c: StoryClusterer, story_ids: Iterable[str] | None = None) -> list[StoryChange]:
        """Move each member of the stories in ``story_ids`` (or all) where it fits best; return the moves.

        An article's fit to a story is its mean pair probability with up to
        ``reassign_members`` of the story's other members closest to it. It moves
        to the best-fitting story among its nearest articles' (within the time
        window, constraints allowing) when that fit reaches the threshold and
        beats its own story's; it leaves for a story of its own when no story,
        its own included, reaches the threshold. Articles a user linked stay.
        Rounds repeat until nothing moves (at most ``reassign_rounds``): the
        stories stop depending on the order the articles came in.
        """
        if not c.story_ids():
            return []
        if story_ids is None:
            focus = sorted(c.article_ids())
        else:
            # a story over the bound: its newest members (members are in learning order)
            cap = self.reassign_max_members
            focus = sorted({m for sid in story_ids if c.has_story(sid) for m in c.story(sid).members[-cap:]})
        near = self._nearest_articles(c, focus)
        changes: list[StoryChange] = []
        # An article is looked at again only when a story its decision reads (its own, or its
        # nearest articles') changed since it was last looked at: the same decisions as looking
        # at every article every round, for a fraction of the work.
        steps = _Steps()
        big = _MemberVectors(self.reassign_max_members)
        for _ in range(self.reassign_rounds):
            moves = self._reassign_round(c, focus, near, steps, big)
            changes += moves
            if not moves:
                break
        return changes

    def _reassign_round(self, c: StoryClusterer, focus: list[str], near: dict[str, list[str]],
                        steps: _Steps, big: _MemberVectors) -> list[StoryChange]:
        """Return the moves of one reassign round over ``focus`` (made in ``c`` as they are decided),
        skipping the articles nothing they read has changed for since ``steps`` last saw them."""
        threshold = c.decision_threshold()
        moves: list[StoryChange] = []
        for aid in focus:
            if c.user_constraints() and c.user_constraints().must_link(aid):
                continue
            own = c.story_of(aid)
            neighbour_stories = {c.story_of(b) for b in near[aid]}
            if steps.unchanged(aid, (own, *neighbour_stories)):
                continue
            steps.look(aid)
            move = self._reassign_one(c, aid, own, neighbour_stories, threshold, big)
            if move is None:
                continue
            c.move(aid, move.other_id)
            steps.change(own, move.other_id)
            big.drop(own, move.other_id)
            moves.append(move)
        return moves

    def _reassign_one(self, c: StoryClusterer, aid: str, own: str, neighbour_stories: set[str],
                      threshold: float, big: _MemberVectors | None = None) -> StoryChange | None:
        """Return where article ``aid`` (in story ``own``) should move, as a move not yet made, or None
        when it stays: the best-fitting of ``neighbour_stories`` when that reaches ``threshold`` and beats
        its own story, or a story of its own when nothing does (unless it founded ``own``)."""
        day, s = c.window_day(aid), c.signals(aid)
        candidates = [sid for sid in sorted(neighbour_stories - {own})
                      if c.story(sid).in_window(day, c.window_days) and c.allowed(aid, sid)
                      and not c.contradicts(s, sid)]
        *candidate_fits, own_fit = self._fits(c, aid, [*candidates, own], big)
        if own_fit is not None and c.contradicts(s, own, exclude=aid):
            own_fit = 0.0  # it contradicts what the rest of its story reports: it fits there no longer
        best, best_sid = -1.0, None
        for sid, f in zip(candidates, candidate_fits, strict=True):
            if f is not None and f > best:
                best, best_sid = f, sid
        if best_sid is not None and best >= threshold and (own_fit is None or best > own_fit):
            return StoryChange("move", own, best_sid, [aid], best)
        if own_fit is not None and own_fit < threshold and best < threshold:
            if own == story_id_for(aid):  # it founded this story: the others leave instead
                return None
            return StoryChange("move", own, c.free_story_id([aid]), [aid], own_fit)
        return None

    def _fits(self, c: StoryClusterer, aid: str, sids: list[str],
              big: _MemberVectors | None = None) -> list[float | None]:
        """Return article ``aid``'s fit to each story of ``sids`` (None for a story with no other member):
        its mean pair probability with up to ``reassign_members`` of the story's members closest to it,
        every pair scored in one call."""
        s, v = c.signals(aid), c.vector(aid)
        chosen: list[list[str]] = []
        for sid in sids:
            if big is not None and big.holds(c, sid):
                chosen.append(big.closest(c, sid, aid, v, self.reassign_members))
                continue
            others = [m for m in c.story(sid).members if m != aid]
            if len(others) > self.reassign_members:
                sims = (-(np.stack([c.vector(m) for m in others]) @ v)).tolist()
                others = [m for _, m in sorted(zip(sims, others, strict=True))][: self.reassign_members]
            chosen.append(others)
        probs = c.pair_probabilities(s, [c.signals(m) for ms in chosen for m in ms])
        out: list[float | None] = []
        i = 0
        for ms in chosen:
            out.append(float(np.mean(probs[i : i + len(ms)])) if ms else None)
            i += len(ms)
        return out

    def _nearest_articles(self, c: StoryClusterer, articles: list[str], chunk: int = 4096) -> dict[str, list[str]]:
        """Each article's ``reassign_neighbours`` nearest learned articles (itself included), looked up
        in batches: the index does not change during the pass."""
        out: dict[str, list[str]] = {}
        for i in range(0, len(articles), chunk):
            part = articles[i : i + chunk]
            labels = c.nearest_labels(np.stack([c.vector(a) for a in part]), self.reassign_neighbours)
            out.update({a: [c.article_at(int(x)) for x in row] for a, row in zip(part, labels, strict=True)})
        return out

    def split(
        self, c: StoryClusterer, story_ids: Iterable[str] | None = None, *, force: bool = False
    ) -> list[StoryChange]:
        """Split stories whose members form well-separated groups; ``force`` splits into the two best groups."""
        if not c.story_ids():
            return []
        threshold = c.decision_threshold()
        split_below = self.split_below if self.split_below is not None else threshold
        ids = c.story_ids() if story_ids is None else [s for s in story_ids if c.has_story(s)]
        changes: list[StoryChange] = []
        for sid in ids:
            members = list(c.story(sid).members)
            if len(members) < (2 if force else self.min_split_size) or len(members) > self.max_split_size:
                continue
            n = len(members)
            P = np.eye(n)
            for i in range(n - 1):
                P[i, i + 1 :] = c.pair_probabilities(c.signals(members[i]), [c.signals(m) for m in members[i + 1 :]])
                P[i + 1 :, i] = P[i, i + 1 :]
            groups = _average_linkage(P, threshold) if not force else _two_groups(P)
            big = [g for g in groups if len(g) >= (1 if force else self.min_group)]
            if len(big) < 2:
                continue
            # the group holding the founding article (the one the id was made for) keeps the id, else the
            # group holding the earliest-learned member
            big.sort(key=lambda g: (all(story_id_for(members[i]) != sid for i in g), min(g)))
            rest = [i for g in big[1:] for i in g]
            cross = float(np.mean([P[i, j] for i in big[0] for j in rest]))
            if not force and (cross >= split_below or self._linked_across(c, members, big)):
                continue
            for g in big[1:]:
                new_id = c.free_story_id([members[i] for i in sorted(g)])
                moved = [members[i] for i in sorted(g)]
                c.move_many(moved, new_id)
                changes.append(StoryChange("split", sid, new_id, moved, cross))
        return changes


class _MemberVectors:
    """The member vectors of the stories over ``above`` members, stacked once per pass (until a move
    changes the story), and the members closest to an article found in them."""

    def __init__(self, above: int) -> None:
        self.above = above
        self._stacked: dict[str, tuple[list[str], np.ndarray]] = {}

    def holds(self, c: StoryClusterer, sid: str) -> bool:
        """Return True when story ``sid`` is over the bound (its fits are found here)."""
        return len(c.story(sid).members) > self.above

    def drop(self, *sids: str) -> None:
        """Forget the stacked vectors of stories a move changed."""
        for sid in sids:
            self._stacked.pop(sid, None)

    def closest(self, c: StoryClusterer, sid: str, aid: str, v: np.ndarray, k: int) -> list[str]:
        """Return the ``k`` members of ``sid`` other than ``aid`` most similar to ``v``, ties by id."""
        if sid not in self._stacked:
            members = list(c.story(sid).members)
            self._stacked[sid] = members, np.stack([c.vector(m) for m in members])
        members, X = self._stacked[sid]
        dist = -(X @ v)
        if aid in c.story(sid).members:
            dist[members.index(aid)] = np.inf
        others = len(members) - int(np.isinf(dist).sum())
        if others <= k:
            pick = np.flatnonzero(~np.isinf(dist))
        else:  # every member at least as close as the k-th, ties included; then exactly as a full sort
            pick = np.flatnonzero(dist <= np.partition(dist, k - 1)[k - 1])
        return [m for _, m in sorted(zip(dist[pick].tolist(), [members[i] for i in pick], strict=True))][:k]


def _two_groups(P: np.ndarray) -> list[list[int]]:
    """Return the two groups an average-linkage agglomeration ends with."""
    return _average_linkage(P, None, stop_at=2)


def _average_linkage(P: np.ndarray, threshold: float | None, *, stop_at: int = 1) -> list[list[int]]:
    """Return the groups of an average-linkage agglomeration on similarities ``P`` that stops when
    no two groups are at least ``threshold`` similar on average (or at ``stop_at`` groups)."""
    groups = [[i] for i in range(len(P))]
    while len(groups) > stop_at:
        best, pair = -1.0, (0, 1)
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                s = float(P[np.ix_(groups[a], groups[b])].mean())
                if s > best:
                    best, pair = s, (a, b)
        if threshold is not None and best < threshold:
            break
        a, b = pair
        groups[a] = sorted(groups[a] + groups[b])
        del groups[b]
    return sorted(groups, key=min)
