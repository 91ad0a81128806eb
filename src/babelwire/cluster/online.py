"""Online story assignment: join the most similar active story, or open a new one."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..signals.centring import LanguageMeans
from ..signals.entities import DocumentFrequency
from ..signals.profile import ArticleSignals
from ._base import Assignment, story_id_for, to_day
from ._index import VectorIndex
from ._state import ClusterTotals
from .constraints import Constraints
from .copies import CopyDetector
from .facts import contradicted, stories_contradict
from .scoring import PairScorer

__all__ = ["CentroidClusterer", "StoryClusterer", "as_signals"]


def as_signals(x: dict[str, Any]) -> ArticleSignals:
    """Return the ArticleSignals carried by ``x``, or minimal ones built from its ``vector``."""
    s = x.get("signals")
    if s is not None:
        return s
    v = np.asarray(x["vector"], dtype=np.float32)
    return ArticleSignals(id=str(x["id"]), lang=x.get("lang"), source=x.get("source"),
                          day=to_day(x.get("published")), full=v, lead=v, passages=v[None, :],
                          dated=x.get("published") is not None)


def _window_day(s: ArticleSignals) -> float | None:
    # Only publication dates place an article in time; a date its text merely mentions does not.
    return s.day if s.dated else None


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

    def in_window(self, day: float | None, window: float) -> bool:
        if day is None or self.first_day is None or self.last_day is None:
            return True
        return self.first_day - window <= day <= self.last_day + window


class CentroidClusterer:
    """Baseline streaming clusterer: cosine to story centroids within a time window.

    Each article ``x`` is a mapping with ``id``, ``vector`` (L2-normalised) and
    optionally ``published`` (ISO date). It joins the best story whose centroid
    cosine is at least ``threshold`` and whose dates lie within ``window_days``
    of the article's; otherwise it opens a new story whose id is derived from
    the article id, so re-running the same input gives the same ids.
    """

    def __init__(self, *, threshold: float = 0.86, window_days: float = 3.0) -> None:
        self.threshold = threshold
        self.window_days = window_days

    def _state(self) -> dict[str, _Story]:
        if not hasattr(self, "stories_"):
            self.stories_: dict[str, _Story] = {}
            self.story_of_: dict[str, str] = {}
        return self.stories_

    def predict_one(self, x: dict[str, Any]) -> Assignment:
        """Return where ``x`` would go, without changing the clusterer."""
        aid = str(x["id"])
        self._state()
        if aid in self.story_of_:
            return Assignment(aid, self.story_of_[aid], False, None, {"reason": "already assigned"})
        vector = np.asarray(x["vector"], dtype=np.float32)
        day = to_day(x.get("published"))
        best, best_score = None, -1.0
        for s in self._state().values():
            if s.in_window(day, self.window_days):
                score = float(s.centroid() @ vector)
                if score > best_score:
                    best, best_score = s, score
        evidence: dict[str, Any] = {"method": "centroid-cosine", "threshold": self.threshold,
                                    "window_days": self.window_days}
        if best is not None:
            evidence["best_story"] = best.id
            evidence["best_cosine"] = round(best_score, 4)
        if best is not None and best_score >= self.threshold:
            return Assignment(aid, best.id, False, best_score, evidence)
        return Assignment(aid, story_id_for(aid), True, best_score if best is not None else None, evidence)

    def learn_one(self, x: dict[str, Any]) -> Assignment:
        """Assign ``x`` to a story (joining or opening one), update the state, and return the assignment."""
        a = self.predict_one(x)
        if a.evidence.get("reason") != "already assigned":
            self._add(a.story_id, a.article_id, np.asarray(x["vector"], np.float32), to_day(x.get("published")))
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


class StoryClusterer:
    """Streaming clusterer driven by the pair scorer.

    For each article ``x`` (``id`` and ``signals``, or ``vector``/``published``):
    its ``neighbours`` nearest stored articles (approximate nearest neighbours)
    name the candidate stories active within ``window_days`` of its date; the
    pair scorer compares it with up to ``members_per_story`` of each candidate's
    closest members, and it joins the story whose score — the mean of the best
    two probabilities (``linkage="top2"``) or the best one (``"max"``) — reaches
    the scorer's threshold, else opens a new story.
    Copies join their original's story. User constraints (must-link /
    cannot-link) override both. Neighbours whose cosine is more than
    ``cosine_margin`` below the nearest one are not scored. With
    ``story_facts``, a story whose established facts say the article reports
    another occurrence of its kind of event (another day or fixed figure, as most
    of up to ``fact_members`` of its members that can be compared say:
    cluster/facts.py) is refused however well it scores, and the next-best story
    is tried.
    """

    def __init__(
        self,
        *,
        scorer: PairScorer | None = None,
        window_days: float = 3.0,
        neighbours: int = 20,
        candidate_stories: int = 4,
        members_per_story: int = 2,
        threshold: float | None = None,
        copies: bool = True,
        linkage: str = "top2",
        cosine_margin: float = 0.3,
        story_facts: bool = True,
        fact_members: int = 8,
    ) -> None:
        self.scorer = scorer
        self.window_days = window_days
        self.neighbours = neighbours
        self.candidate_stories = candidate_stories
        self.members_per_story = members_per_story
        self.threshold = threshold
        self.copies = copies
        self.linkage = linkage
        self.cosine_margin = cosine_margin
        self.story_facts = story_facts
        self.fact_members = fact_members

    # -- state -----------------------------------------------------------------------------
    def _init(self, dim: int) -> None:
        if hasattr(self, "index_"):
            return
        self.scorer_ = self.scorer if self.scorer is not None else PairScorer()
        self.threshold_ = self.threshold if self.threshold is not None else self.scorer_.threshold
        self.index_ = VectorIndex(dim)
        self.labels_: list[str] = []  # index label -> article id
        self.positions_: dict[str, int] = {}  # article id -> index label, filled in as moves need it
        self.signals_: dict[str, ArticleSignals] = {}
        self.story_of_: dict[str, str] = {}
        self.stories_: dict[str, _Story] = {}
        self.df_ = DocumentFrequency()
        self.copy_detector_ = CopyDetector()
        if not hasattr(self, "constraints_"):  # set_constraints may come before the first article
            self.constraints_ = Constraints()
        self.copy_of_: dict[str, dict[str, Any]] = {}  # copy -> its relation to its original
        self.means_ = LanguageMeans(dim, prior=self.scorer_.mean_vector(dim))
        self.sum_full_ = np.zeros(dim, np.float64)
        self.sum_lead_ = np.zeros(dim, np.float64)
        self.n_learned_ = 0  # every article learned, also those no longer held (sum_full_ / n is the centre)

    @property
    def n_stories(self) -> int:
        """Return how many stories the clusterer holds."""
        return len(getattr(self, "stories_", {}))

    def set_constraints(self, constraints: Constraints) -> StoryClusterer:
        """Use ``constraints`` (user corrections) for every later decision."""
        self.constraints_ = constraints
        return self

    # -- decisions ---------------------------------------------------------------------------
    def centre(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Return the mean whole-text and lead vectors of everything learned (None below 30 articles)."""
        n = getattr(self, "n_learned_", len(getattr(self, "labels_", ())))  # the working set may hold fewer
        if n < 30:
            return None
        return self.sum_full_ / n, self.sum_lead_ / n

    def vector(self, article_id: str) -> np.ndarray:
        """Return a learned article's language-centred vector: what the index and stories hold."""
        v = self.signals_[article_id].centred
        assert v is not None  # set by _prepared before an article is learned
        return v

    def _prepared(self, x: dict[str, Any]) -> ArticleSignals:
        """Return the signals of ``x`` with the language-centred vector from the current means."""
        s = as_signals(x)
        self._init(len(s.full))
        return replace(s, centred=self.means_.centred(s.full, s.lang))

    def predict_one(self, x: dict[str, Any]) -> Assignment:
        """Return where ``x`` would go, without changing the clusterer."""
        return self._predict(self._prepared(x))

    def _predict(self, s: ArticleSignals, neighbours: tuple[np.ndarray, np.ndarray] | None = None) -> Assignment:
        """Return where the prepared ``s`` goes: the story of an article a user linked it to, its original's
        (a copy), the best candidate story it may join, or a new story. ``neighbours``: the labels and
        cosines of its nearest stored articles, when a batch looked them up already."""
        aid = s.id
        if aid in self.story_of_:
            return Assignment(aid, self.story_of_[aid], False, None, {"reason": "already assigned"})
        evidence: dict[str, Any] = {"method": "pair-scorer", "threshold": round(self.threshold_, 4),
                                    "window_days": self.window_days}
        linked = self._linked(aid, evidence)  # 1. user links win
        if linked is not None:
            return linked
        assert s.centred is not None
        labels, sims = neighbours if neighbours is not None else self.index_.query(s.centred, self.neighbours)
        if self.copies:  # 2. copies join their original's story
            copied = self._copied(s, labels, evidence)
            if copied is not None:
                return copied
        # 3. the scorer against the candidate stories' closest members
        ranked, scored = self._ranked(s, self._candidates(s, labels, sims))
        joined, refused = self._first_joinable(s, ranked)
        best = joined or (ranked[0] if ranked else None)
        if refused:
            evidence["refused"] = refused
        if best is not None:
            best_score, best_sid, best_detail = best
            top_member = best_detail[0][1]
            top = scored(top_member)
            evidence.update(
                story_score=round(best_score, 4),
                best_match=top_member,
                matches=[{"article": m, "probability": round(p, 4)} for p, m in best_detail],
                **{k: v for k, v in top.evidence().items() if k in ("signals", "contributions")},
            )
            evidence["candidate_story"] = best_sid
        if joined is not None:
            evidence.pop("candidate_story", None)
            return Assignment(aid, joined[1], False, joined[0], evidence)
        return Assignment(aid, story_id_for(aid), True, best[0] if best else None, evidence)

    def _linked(self, aid: str, evidence: dict[str, Any]) -> Assignment | None:
        """Return the assignment to the story of a placed article a user linked ``aid`` to, or None."""
        for partner in sorted(self.constraints_.must_link(aid)) if self.constraints_ else ():
            if partner in self.story_of_:
                evidence.update(reason="linked by a user", linked_to=partner)
                return Assignment(aid, self.story_of_[partner], False, 1.0, evidence)
        return None

    def _copied(self, s: ArticleSignals, labels: np.ndarray, evidence: dict[str, Any]) -> Assignment | None:
        """Return the assignment of ``s`` to its original's story when it is a copy allowed there, or None."""
        match = self._copy(s, labels)
        if match is not None and self._allowed(s.id, self.story_of_[match.original]):
            evidence.update(reason="copy", **match.evidence())
            return Assignment(s.id, self.story_of_[match.original], False, 1.0, evidence)
        return None

    def _candidates(self, s: ArticleSignals, labels: np.ndarray, sims: np.ndarray) -> dict[str, list[str]]:
        """Return up to ``candidate_stories`` stories within the window of ``s``, in the order its nearest
        articles name them, each with up to ``members_per_story`` of those articles."""
        by_story: dict[str, list[str]] = {}
        floor = float(sims[0]) - self.cosine_margin if len(sims) else 0.0
        day = _window_day(s)
        for label, cos in zip(labels.tolist(), sims.tolist(), strict=True):
            if cos < floor:  # far below the nearest article: cannot be the best match
                break
            other = self.labels_[label]
            sid = self.story_of_[other]
            if day is not None and not self.stories_[sid].in_window(day, self.window_days):
                continue
            if sid not in by_story and len(by_story) >= self.candidate_stories:
                continue
            ms = by_story.setdefault(sid, [])
            if len(ms) < self.members_per_story:
                ms.append(other)
        return by_story

    def _ranked(self, s: ArticleSignals, by_story: dict[str, list[str]]
                ) -> tuple[list[tuple[float, str, list[tuple[float, str]]]], Callable[[str], Any]]:
        """Return the candidate stories ``s`` may join as ``(story score, story id, [(probability, member)]``
        best first (members best first), and a function giving the scored pair of ``s`` with a member."""
        allowed = [(sid, members) for sid, members in by_story.items() if self._allowed(s.id, sid)]
        flat = [m for _, members in allowed for m in members]
        probs, X, days = self.scorer_.score_all(s, [self.signals_[m] for m in flat], df=self.df_,
                                                centre=self.centre())
        row_of = {m: i for i, m in enumerate(flat)}
        ranked: list[tuple[float, str, list[tuple[float, str]]]] = []
        i = 0
        for sid, members in allowed:
            scored = sorted(zip(probs[i : i + len(members)].tolist(), members, strict=True), key=lambda t: -t[0])
            i += len(members)
            ranked.append((self._story_score([p for p, _ in scored]), sid, scored))
        ranked.sort(key=lambda t: -t[0])  # stable: of equal scores, the first candidate
        return ranked, lambda m: self.scorer_.scored(X[row_of[m]], days[row_of[m]])

    def _story_score(self, ps: list[float]) -> float:
        """Return a story's score from its members' probabilities, best first (see ``linkage``)."""
        top2 = ps[:2]
        return (ps[0] if self.linkage == "max" else
                sum(top2) / len(top2) if self.linkage == "top2" else sum(ps) / len(ps))

    def _first_joinable(self, s: ArticleSignals, ranked: list[tuple[float, str, list[tuple[float, str]]]]
                        ) -> tuple[tuple[float, str, list[tuple[float, str]]] | None, list[dict[str, Any]]]:
        """Return the best-scoring story at the threshold that ``s`` does not contradict (or None), and
        the better-scoring ones it was refused by, with the facts in conflict."""
        refused: list[dict[str, Any]] = []
        for cand in ranked:
            if cand[0] < self.threshold_:
                break
            facets = self.contradicts(s, cand[1])
            if not facets:
                return cand, refused
            refused.append({"story": cand[1], "story_score": round(cand[0], 4), "conflicts": facets})
        return None, refused

    def contradicts(self, s: ArticleSignals, story_id: str, *, exclude: str | None = None) -> list[str]:
        """Return the facts of story ``story_id`` (day, place, kind) that the signals ``s`` contradict;
        empty when ``story_facts`` is off. ``exclude``: a member left out (the article itself)."""
        if not getattr(self, "story_facts", True):
            return []
        members = [m for m in self.stories_[story_id].members if m != exclude][: self.fact_members]
        return contradicted(s, [self.signals_[m] for m in members])

    def stories_contradict(self, a: str, b: str) -> list[str]:
        """Return the facts (day, place, kind) on which stories ``a`` and ``b`` contradict each other, as
        up to ``fact_members`` members of each say; empty when ``story_facts`` is off."""
        if not getattr(self, "story_facts", True):
            return []
        ma, mb = ([self.signals_[m] for m in self.stories_[sid].members[: self.fact_members]] for sid in (a, b))
        return stories_contradict(ma, mb)

    def allowed(self, article_id: str, story_id: str) -> bool:
        """Return True when the user's corrections let ``article_id`` join ``story_id``."""
        return not self.constraints_ or self.constraints_.allows([article_id], self.stories_[story_id].members)

    _allowed = allowed  # the name the passes used before

    def add_constraint(self, kind: str, a: str, b: str) -> None:
        """Respect a user correction from now on: ``link`` (same story) or ``unlink`` (never the same story)."""
        if not hasattr(self, "constraints_"):
            self.constraints_ = Constraints()
        (self.constraints_.link if kind == "link" else self.constraints_.unlink)(a, b)

    def story_ids(self) -> list[str]:
        """Return the ids of the stories held."""
        return list(getattr(self, "stories_", {}))

    def has_story(self, story_id: str) -> bool:
        """Return True when the clusterer holds ``story_id``."""
        return story_id in getattr(self, "stories_", {})

    def members(self, story_id: str) -> list[str]:
        """Return the articles of a held story, in the order they joined it."""
        return list(self.stories_[story_id].members)

    def story(self, story_id: str) -> _Story:
        """Return a held story's summary: members in joining order, vector total and centroid, date range."""
        return self.stories_[story_id]

    def story_of(self, article_id: str) -> str:
        """Return the story a learned article is in."""
        return self.story_of_[article_id]

    def article_ids(self) -> list[str]:
        """Return the learned articles held, in the order they were learned (their index labels)."""
        return list(self.labels_)

    def article_at(self, label: int) -> str:
        """Return the article under a nearest-neighbour label (what ``nearest_labels`` returns)."""
        return self.labels_[label]

    def nearest_labels(self, vectors: np.ndarray, k: int) -> list[np.ndarray]:
        """Return, for each row of ``vectors``, the labels of the ``k`` nearest articles held, nearest first."""
        return self.index_.query_many(vectors, k)[0]

    def pair_probabilities(self, s: ArticleSignals, others: Sequence[ArticleSignals]) -> np.ndarray:
        """Return the pair scorer's same-story probability of ``s`` with each of ``others`` (this
        clusterer's name frequencies and centre)."""
        return self.scorer_.probabilities(s, list(others), df=self.df_, centre=self.centre())

    def user_constraints(self) -> Constraints:
        """Return the user corrections every decision respects (empty before any are set)."""
        return getattr(self, "constraints_", None) or Constraints()

    def decision_threshold(self) -> float:
        """Return the probability a story score must reach for an article to join it."""
        return self.threshold_

    def window_day(self, article_id: str) -> float | None:
        """Return the day a learned article is placed at in time (its publication-grade day), or None."""
        return _window_day(self.signals_[article_id])

    def _copy(self, s: ArticleSignals, labels: np.ndarray):
        match = self.copy_detector_.near_verbatim(s)
        if match is not None:
            return match
        return self.copy_detector_.translation(s, (self.signals_[self.labels_[label]] for label in labels[:5].tolist()))

    def learn_one(self, x: dict[str, Any]) -> Assignment:
        """Assign ``x`` (joining or opening a story), update the state, and return the assignment."""
        s = self._prepared(x)
        a = self._predict(s)
        if a.evidence.get("reason") == "already assigned":
            return a
        self._add(a.story_id, s)
        self._record_copy(s, a)
        return a

    def learn_many(self, xs: Sequence[dict[str, Any]]) -> list[Assignment]:
        """Learn a batch in order; return one assignment per input, as ``learn_one`` would in turn.

        Each article still sees every article before it, the batch's earlier ones
        included, and is decided in order; what changes is the work: the nearest
        neighbours among the stored articles are looked up for the whole batch at
        once (on all cores), those within the batch are found exactly, and the
        batch enters the index in one step, in a background thread while the
        next batch is decided (until then look-ups find it exactly).
        """
        out: list[Assignment | None] = [None] * len(xs)
        batch: list[tuple[int, ArticleSignals]] = []
        seen: set[str] = set()
        for i, x in enumerate(xs):
            s = as_signals(x)
            self._init(len(s.full))
            if s.id in self.story_of_ or s.id in seen:
                out[i] = self.predict_one(x) if s.id in self.story_of_ else None
                continue
            seen.add(s.id)
            # centred with the means of everything before it, as learn_one would
            batch.append((i, replace(s, centred=self.means_.centred(s.full, s.lang))))
            self.means_.add(s.lang, s.full)
        if batch:
            Q = np.stack([s.centred for _, s in batch if s.centred is not None])
            stored_labels, stored_sims = self.index_.query_many(Q, self.neighbours)
            # the previous batch enters the graph on the other core while this one is decided
            self.index_.insert_pending(background=True)
            within = Q @ Q.T
            first = len(self.labels_)
            for j, (i, s) in enumerate(batch):
                labels, sims = stored_labels[j], stored_sims[j]
                if j:  # the batch's earlier articles compete with the stored ones
                    labels = np.concatenate([labels, first + np.arange(j)])
                    sims = np.concatenate([sims, within[j, :j]])
                    top = np.argsort(-sims, kind="stable")[: self.neighbours]
                    labels, sims = labels[top], sims[top]
                a = self._predict(s, (labels, sims))
                self._add(a.story_id, s, counted=True, indexed=False)
                self._record_copy(s, a)
                out[i] = a
            labels_added = self.index_.add_many(Q, defer=True)  # found exactly until the next batch inserts them
            assert labels_added[0] == first and labels_added[-1] == len(self.labels_) - 1
        for i, x in enumerate(xs):  # an id repeated within the batch: already assigned by then
            if out[i] is None:
                out[i] = self.predict_one(x)
        return [a for a in out if a is not None]

    def _record_copy(self, s: ArticleSignals, a: Assignment) -> None:
        """Remember the copy relation ``a`` found for the learned ``s``.

        The earliest report is the original: when ``s`` was published before the article
        it copies — which was stored first but is an original itself — the relation turns
        round. ``s`` is then the original (its evidence says ``original_of``) and the other
        the copy (the assignment's ``turned_copy``, for the caller to record).
        """
        if "copy_of" not in a.evidence:
            return
        rel = {k: a.evidence[k] for k in ("copy_of", "copy_kind", "copy_similarity")}
        o = self.signals_[rel["copy_of"]]
        if (o.id not in self.copy_of_ and s.dated and o.dated and s.day is not None and o.day is not None
                and s.day < o.day):
            self.copy_of_[o.id] = {**rel, "copy_of": s.id}
            del a.evidence["copy_of"]
            a.evidence.update(reason="original of a copy", original_of=o.id)
            a.turned_copy = o.id
            return
        self.copy_of_[s.id] = rel

    def _add(self, story_id: str, s: ArticleSignals, *, counted: bool = False, indexed: bool = True) -> None:
        """Learn ``s`` (prepared: its centred vector from the means before it) as a member of ``story_id``.

        ``counted``: its vector is already in the language means; ``indexed=False``: the caller
        adds it to the nearest-neighbour index (under the next label) itself.
        """
        self.sum_full_ += s.full
        self.sum_lead_ += s.lead
        self.n_learned_ = getattr(self, "n_learned_", len(self.labels_)) + 1
        if not counted:
            self.means_.add(s.lang, s.full)
        self.df_.add(s.entities)
        self._place(story_id, s, indexed=indexed)

    def _place(self, story_id: str, s: ArticleSignals, *, indexed: bool = True, copies: bool = True) -> None:
        """Hold ``s`` (its totals already counted) as a member of ``story_id`` (``copies=False``: the caller
        indexes it for copy detection itself)."""
        v = s.centred
        assert v is not None
        if indexed:
            label = self.index_.add(v)
            assert label == len(self.labels_)
        self.labels_.append(s.id)
        self.signals_[s.id] = s
        if copies:
            self.copy_detector_.add(s)
        st = self.stories_.get(story_id)
        if st is None:
            st = self.stories_[story_id] = _Story(story_id, np.zeros_like(v), 0, None, None)
        st.add(s.id, v, _window_day(s))
        self.story_of_[s.id] = story_id

    def restore(self, members: Iterable[dict[str, Any]], *, totals: ClusterTotals | None = None,
                pending: int = 0) -> StoryClusterer:
        """Rebuild the state from stored memberships: mappings with ``story_id`` and ``signals`` (or ``vector``),
        and ``copy_of`` (with ``copy_kind``, ``copy_similarity``) for a copy.

        With ``totals`` (what ``totals()`` returned when the state was saved) the members' signals must carry
        their ``centred`` vectors as learned: nothing is recomputed or replayed, and the clusterer goes on
        exactly where it stopped. Without, the language means are replayed member by member. The last
        ``pending`` members stay out of the nearest-neighbour graph until the next batch, found exactly, as
        the last batch a running clusterer learned is.
        """
        members = list(members)
        if totals is not None and (members or totals.vectors):
            self._init(len(as_signals(members[0]).full) if members else totals.dim)
            totals.apply(self)
        for m in members:
            if totals is None:
                s = self._prepared(m)
                self._add(str(m["story_id"]), s)
            else:
                s = as_signals(m)
                self._place(str(m["story_id"]), s, indexed=False, copies=False)
            if m.get("copy_of"):
                self.copy_of_[s.id] = {"copy_of": str(m["copy_of"]), "copy_kind": m.get("copy_kind"),
                                       "copy_similarity": m.get("copy_similarity")}
        if totals is not None and members:  # in label order, at once: what one-by-one inserts build
            self.copy_detector_.add_many(self.signals_[aid] for aid in self.labels_)
            # the graph is built in a worker thread; the first look-up waits for it
            vectors = np.stack([self.vector(aid) for aid in self.labels_])
            cut = len(vectors) - min(pending, len(vectors))
            self.index_.add_many(vectors[:cut], defer=True)
            self.index_.insert_pending(background=True)
            if cut < len(vectors):
                self.index_.add_many(vectors[cut:], defer=True)
        return self

    def totals(self, article_ids: Iterable[str] | None = None) -> ClusterTotals:
        """Return the running totals (language means, sums, entity document frequencies) to save beside the
        learned signals; only the frequencies of the names of ``article_ids`` when given (what they changed)."""
        return ClusterTotals.of(self, article_ids)

    def unknown_names(self, signals: Iterable[ArticleSignals]) -> set[str]:
        """Return the entity keys of ``signals`` whose document frequency this clusterer does not hold (a
        restored one holds those of the articles it holds; a store has the rest)."""
        df = getattr(self, "df_", None)
        return {k for s in signals for k in s.entities if df is None or k not in df.df}

    def add_frequencies(self, df: dict[str, int]) -> None:
        """Take the document frequencies ``df`` of names learned before but not held (see ``unknown_names``)."""
        if not df:
            return
        for k, n in df.items():
            self.df_.df[k] = n
            self.df_.log_df[k] = math.log(n + 0.5)

    def signals(self, article_id: str) -> ArticleSignals:
        """Return a learned article's signals, its language-centred vector included (what ``restore`` needs)."""
        return self.signals_[article_id]

    # -- whole-state views used by the merge pass --------------------------------------------
    def assignments(self) -> dict[str, str]:
        """Return article id -> story id for everything learned."""
        return dict(getattr(self, "story_of_", {}))

    def move(self, article_id: str, story_id: str) -> None:
        """Move one article to ``story_id`` (created if new), updating only the two stories involved."""
        old = self.story_of_[article_id]
        if old == story_id:
            return
        rest = [m for m in self.stories_[old].members if m != article_id]
        if rest:
            self._rebuild(old, rest)
        else:
            del self.stories_[old]
        joined = self.stories_[story_id].members if story_id in self.stories_ else []
        self._rebuild(story_id, [*joined, article_id])
        self.story_of_[article_id] = story_id

    def move_many(self, article_ids: Sequence[str], story_id: str) -> None:
        """Move several articles to ``story_id`` (created if new): the state ``move`` of each in turn
        leaves, each story involved rebuilt once (a merge of two large stories stays linear)."""
        moving = [a for a in dict.fromkeys(article_ids) if self.story_of_[a] != story_id]
        if not moving:
            return
        leaving: dict[str, set[str]] = {}
        for a in moving:
            leaving.setdefault(self.story_of_[a], set()).add(a)
        for old, gone in leaving.items():
            rest = [m for m in self.stories_[old].members if m not in gone]
            if rest:
                self._rebuild(old, rest)
            else:
                del self.stories_[old]
        joined = self.stories_[story_id].members if story_id in self.stories_ else []
        self._rebuild(story_id, [*joined, *moving])
        for a in moving:
            self.story_of_[a] = story_id

    def _rebuild(self, story_id: str, members: Sequence[str]) -> None:
        """Set ``story_id``'s summary from ``members`` added one by one in the order they were learned: the
        very sums (to the last bit) and member order a restore from the store builds."""
        pos = self._positions()
        v0 = self.vector(members[0])
        st = self.stories_[story_id] = _Story(story_id, np.zeros_like(v0), 0, None, None)
        for m in sorted(members, key=pos.__getitem__):
            st.add(m, self.vector(m), _window_day(self.signals_[m]))

    def _positions(self) -> dict[str, int]:
        """Return each held article's place in learning order (``labels_``, which only grows)."""
        pos: dict[str, int] = self.positions_
        for i in range(len(pos), len(self.labels_)):
            pos[self.labels_[i]] = i
        return pos

    def free_story_id(self, articles: Sequence[str], *, taken: Callable[[str], bool] | None = None) -> str:
        """Return an id no live story has, for a story of ``articles``: the first one's own story id, unless
        a live story has it (that article founded a story it has since left), then the next one's, and so on.
        ``taken`` also names ids in use by stories the clusterer does not hold."""
        stories = getattr(self, "stories_", {})

        def used(sid: str) -> bool:
            return sid in stories or (taken is not None and taken(sid))

        for aid in articles:
            sid = story_id_for(aid)
            if not used(sid):
                return sid
        n = 1
        while used(sid := story_id_for(f"{articles[0]}\x00{n}")):
            n += 1
        return sid

    def relabel(self, story_of: dict[str, str]) -> None:
        """Replace the story of each article (after a merge/split pass) and rebuild story summaries."""
        self.story_of_ = dict(story_of)
        self.stories_ = {}
        for aid in self.labels_:
            s = self.signals_[aid]
            sid = self.story_of_[aid]
            st = self.stories_.get(sid)
            if st is None:
                st = self.stories_[sid] = _Story(sid, np.zeros_like(s.full), 0, None, None)
            st.add(aid, self.vector(aid), _window_day(s))
