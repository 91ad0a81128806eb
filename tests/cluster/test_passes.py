"""The batch scorer agrees with the pair scorer; reassign, split and run on a StoryClusterer; moves in the store."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from cluster_data import COS_ONLY, QUAKE, TWIN, event_stream, write

from babelwire.cluster._base import story_id_for
from babelwire.cluster.constraints import Constraints
from babelwire.cluster.merge import MergeSplit, StoryChange, _average_linkage
from babelwire.cluster.online import StoryClusterer
from babelwire.cluster.scoring import FEATURES, PairScorer, feature_matrix, load_params, pair_features
from babelwire.pipeline import Pipeline
from babelwire.signals.entities import DocumentFrequency
from babelwire.signals.profile import ArticleSignals

DIM = 16

# -- one scorer, pair by pair or all at once ------------------------------------------------------
def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v, axis=-1, keepdims=True)).astype(np.float32)


def _signals(rng: np.random.Generator) -> list[ArticleSignals]:
    base = rng.normal(size=DIM)
    out = []
    kinds = [
        dict(lang="en", source="a", entities=Counter({"plnkn": 2, "lvrv": 1}), numbers={"30", "100000"},
             day=738000.0, dated=True, script="Latn"),
        dict(lang="bg", source="b", entities=Counter({"plnkn": 1}), numbers={"30"}, day=738002.5, dated=True,
             script="Cyrl", n_passages=3),
        dict(lang="en", source="a", day=738010.0, dated=True, script="Latn", n_passages=4),  # no names, no numbers
        dict(lang=None, source=None, day=738001.0, dated=False),  # a date the text only mentions
        dict(lang="zh", source="c", day=None, entities=Counter({"#NATO": 1}), numbers={"4.5"}, script="Hani",
             background=0.31, lead_background=0.27, n_passages=2),
        dict(lang="bg", source="b", day=None, numbers={"100000", "7"}, script="Cyrl", centred_set=True),
    ]
    for i, kw in enumerate(kinds):
        n_passages = kw.pop("n_passages", 1)
        centred_set = kw.pop("centred_set", False)
        full = _unit(base + 0.8 * rng.normal(size=DIM))
        lead = _unit(full + 0.3 * rng.normal(size=DIM))
        passages = _unit(full + 0.5 * rng.normal(size=(n_passages, DIM))) if n_passages > 1 else full[None, :]
        s = ArticleSignals(id=f"a{i}", full=full, lead=lead, passages=passages, **kw)
        if centred_set:
            s.centred = _unit(rng.normal(size=DIM))
        out.append(s)
    return out


def _scorer(rng: np.random.Generator) -> PairScorer:
    params = dict(load_params())
    params["mean_vector"] = (0.2 * rng.normal(size=DIM)).tolist()  # a prior of this encoder's dimension
    return PairScorer(params=params)


@pytest.mark.parametrize("with_context", [False, True], ids=["bare", "df+centre"])
def test_batch_scoring_agrees_with_pair_scoring(with_context: bool) -> None:
    rng = np.random.default_rng(0)
    sig = _signals(rng)
    scorer = _scorer(rng)
    assert scorer.mean_vector(DIM) is not None
    kw: dict = {}
    if with_context:
        df = DocumentFrequency()
        for s in sig:
            df.add(s.entities)
        kw = dict(df=df, centre=(_unit(rng.normal(size=DIM)), _unit(rng.normal(size=DIM))))
    for a in sig:
        others = [o for o in sig if o is not a]
        one_by_one = [scorer.score(a, o, **kw) for o in others]
        # float32 vectors: a matrix product and single dot products may differ in the last bits
        np.testing.assert_allclose(scorer.probabilities(a, others, **kw), [s.probability for s in one_by_one],
                                   rtol=1e-6, atol=1e-9)
        probs, X, days = scorer.score_all(a, others, **kw)
        assert X.shape == (len(others), len(FEATURES)) and days.shape == (len(others),)
        np.testing.assert_allclose(probs, [s.probability for s in one_by_one], rtol=1e-6, atol=1e-9)
        for row, gap, o, single in zip(X, days, others, one_by_one, strict=True):
            expect = pair_features(a, o, df=kw.get("df"), centre=kw.get("centre"),
                                   default_background=float(scorer.params["default_background"]),
                                   mean_vector=scorer.mean_vector(DIM))
            assert dict(zip(FEATURES, row.tolist(), strict=True)) == pytest.approx(expect, rel=1e-5, abs=1e-6)
            assert np.isnan(gap) == ("publication_days_apart" not in single.features)
            evidence = scorer.scored(row, gap)
            assert evidence.probability == pytest.approx(single.probability, rel=1e-5)
            assert evidence.features == pytest.approx(single.features, rel=1e-5, abs=1e-6)
            assert evidence.contributions == pytest.approx(single.contributions, rel=1e-5, abs=1e-6)


def test_feature_matrix_rows_are_pair_features_and_signals_matter() -> None:
    rng = np.random.default_rng(1)
    sig = _signals(rng)
    a, others = sig[0], sig[1:]
    X = feature_matrix(a, others, mean_vector=0.1 * np.ones(DIM))
    for row, o in zip(X, others, strict=True):
        assert dict(zip(FEATURES, row.tolist(), strict=True)) == pytest.approx(
            pair_features(a, o, mean_vector=0.1 * np.ones(DIM)))
    col = {f: i for i, f in enumerate(FEATURES)}
    assert X[0, col["has_entities"]] == 1 and X[1, col["has_entities"]] == 0  # a2 names nobody
    assert X[1, col["has_numbers"]] == 0 and X[0, col["numbers"]] == pytest.approx(1 / 2)
    assert X[0, col["cross_script"]] == 1 and X[1, col["cross_script"]] == 0
    assert X[1, col["same_source"]] == 1 and X[1, col["same_lang"]] == 1
    assert X[1, col["passage_max"]] >= X[1, col["passage_mean"]]
    assert feature_matrix(a, []).shape == (0, len(FEATURES))
    probs, X0, days = PairScorer().score_all(a, [])
    assert probs.shape == (0,) and X0.shape == (0, len(FEATURES)) and days.shape == (0,)


# -- the reassign and split passes on a clusterer -----------------------------------------------------
def _learned(seed: int = 0) -> tuple[StoryClusterer, dict[int, str]]:
    c = StoryClusterer(scorer=COS_ONLY, window_days=3)
    stream = event_stream(seed)
    for x in stream:
        c.learn_one(x)
    home = {x["event"]: c.story_of_[x["id"]] for x in stream}
    assert c.n_stories == 4 and len(set(home.values())) == 4  # one story per event to start with
    return c, home


def test_reassign_moves_a_misplaced_article_back() -> None:
    c, home = _learned()
    c.move("e0-3", home[1])  # forced into the wrong story
    changes = MergeSplit().reassign(c)
    assert [(ch.action, ch.story_id, ch.other_id, ch.articles) for ch in changes] == [
        ("move", home[1], home[0], ["e0-3"])]
    assert changes[0].score is not None and changes[0].score >= c.threshold_
    assert c.story_of_["e0-3"] == home[0] and len(c.stories_[home[1]].members) == 5
    assert MergeSplit().reassign(c) == []  # settled: a second pass moves nothing


def test_reassign_sends_an_article_that_fits_nowhere_to_a_story_of_its_own() -> None:
    c, home = _learned()
    v = _unit(np.random.default_rng(9).normal(size=32))
    a = c.learn_one({"id": "lonely", "vector": v, "published": "2022-02-02"})
    assert a.new_story and a.story_id == story_id_for("lonely")
    c.move("lonely", home[2])  # its own story is gone now
    assert story_id_for("lonely") not in c.stories_
    changes = MergeSplit().reassign(c)
    assert [(ch.action, ch.story_id, ch.other_id, ch.articles) for ch in changes] == [
        ("move", home[2], story_id_for("lonely"), ["lonely"])]
    assert c.stories_[story_id_for("lonely")].members == ["lonely"]


def test_reassign_leaves_user_linked_articles_where_they_are() -> None:
    c, home = _learned()
    c.move("e0-3", home[1])
    c.constraints_.link("e0-3", "e1-0")  # a user said these two belong together
    assert MergeSplit().reassign(c) == []
    assert c.story_of_["e0-3"] == home[1]


def test_reassign_only_looks_at_the_stories_it_is_given() -> None:
    c, home = _learned()
    c.move("e0-3", home[1])
    assert MergeSplit().reassign(c, [home[2], home[3]]) == []
    assert [ch.articles for ch in MergeSplit().reassign(c, [home[1]])] == [["e0-3"]]


def test_run_merges_splits_and_reassigns() -> None:
    c, home = _learned()
    event2 = sorted(c.stories_[home[2]].members)
    for aid in event2[:2]:
        c.move(aid, "s-apart")  # one event in two stories: a merge
    for aid in list(c.stories_[home[3]].members):
        c.move(aid, home[1])  # two events in one story: a split
    c.move("e0-3", home[2])  # a misplaced article: a move
    changes = MergeSplit().run(c)
    actions = [ch.action for ch in changes]
    assert {"merge", "split", "move"} <= set(actions)
    assert actions == sorted(actions, key=["merge", "split", "move"].index)  # in that order
    groups = {frozenset(st.members) for st in c.stories_.values()}
    assert groups == {frozenset(f"e{e}-{j}" for j in range(5)) for e in range(4)}
    assert c.story_of_["e1-0"] == home[1] and c.story_of_["e0-0"] == home[0]  # the stories kept their ids


def _chain(c: StoryClusterer) -> list[str]:
    """Learn event X (3 reports), event Y (3) and one report between them, all put in one story:
    every article matches some other, but X and Y do not match each other."""
    rng = np.random.default_rng(5)
    x = _unit(rng.normal(size=32))
    w = rng.normal(size=32)
    w = _unit(w - (w @ x) * x)
    y = _unit(0.4 * x + np.sqrt(1 - 0.16) * w)  # cos(x, y) = 0.4: not one event
    vectors = {**{f"x{i}": _unit(x + 0.05 * rng.normal(size=32)) for i in range(3)},
               **{f"y{i}": _unit(y + 0.05 * rng.normal(size=32)) for i in range(3)},
               "bridge": _unit(x + y)}  # cos about 0.84 with both
    for aid, v in vectors.items():
        c.learn_one({"id": aid, "vector": v, "published": "2022-02-01"})
    sid = c.story_of_["x0"]
    for aid in vectors:
        c.move(aid, sid)
    return list(vectors)


def test_average_linkage_undoes_a_chain() -> None:
    # a-b and b-c match, a-c does not: single linkage would make one group, average linkage two
    P = np.array([[1.0, 0.9, 0.0], [0.9, 1.0, 0.9], [0.0, 0.9, 1.0]])
    assert _average_linkage(P, 0.5) == [[0, 1], [2]]
    assert _average_linkage(P, None, stop_at=1) == [[0, 1, 2]]


def test_split_undoes_a_chained_story() -> None:
    c = StoryClusterer(scorer=COS_ONLY, window_days=3)
    ids = _chain(c)
    sid = c.story_of_["x0"]
    assert sorted(c.stories_[sid].members) == sorted(ids)
    changes = MergeSplit().split(c)
    assert [(ch.action, ch.story_id) for ch in changes] == [("split", sid)]
    assert changes[0].score is not None and changes[0].score < c.threshold_
    assert sorted(c.stories_[sid].members) == ["bridge", "x0", "x1", "x2"]  # the founding group keeps the id
    assert sorted(c.stories_[changes[0].other_id].members) == ["y0", "y1", "y2"]
    assert changes[0].other_id == story_id_for("y0")


def test_split_does_not_separate_members_a_user_linked() -> None:
    c = StoryClusterer(scorer=COS_ONLY, window_days=3)
    ids = _chain(c)
    sid = c.story_of_["x0"]
    c.constraints_.link("x1", "y2")
    assert MergeSplit().split(c) == []
    assert sorted(c.stories_[sid].members) == sorted(ids)
    # a forced split (the user's own `split` command) still splits
    assert [ch.action for ch in MergeSplit().split(c, force=True)] == ["split"]


def test_split_respects_a_link_set_through_set_constraints() -> None:
    c = StoryClusterer(scorer=COS_ONLY, window_days=3)
    _chain(c)
    cons = Constraints()
    cons.link("x0", "y0")
    c.set_constraints(cons)
    assert MergeSplit().split(c) == []


# -- moves through the pipeline ----------------------------------------------------------------------
def _apart(open_store, db_path: str, folder: str) -> Pipeline:
    """Return a pipeline holding QUAKE (a) and its near-twin TWIN (b) in two stories: with nothing allowed
    to join or merge, the twin opens a story of its own."""
    p = Pipeline(open_store(db_path), encoder="fake")
    d = Path(db_path).parent / folder
    write(d, "a.txt", QUAKE)
    p.ingest([d])
    c = p.clusterer
    write(d, "b.txt", TWIN)
    c.copies = False
    c.threshold_ = 1.1
    p.merger.merge_at = 1.1
    p.ingest([d])
    return p


def test_move_that_empties_a_singleton_story_leaves_a_redirect(db_path: str, open_store) -> None:
    p = _apart(open_store, db_path, "m")
    store, c = p.store, p.clusterer
    before = {aid: store.membership(aid)["story_id"] for aid in ("a", "b")}
    assert before["a"] != before["b"]
    c.threshold_ = 0.5  # now the two fit each other: reassign puts one with the other
    changes = p.merger.reassign(c)
    assert len(changes) == 1 and changes[0].action == "move"
    ch = changes[0]
    (moved,) = ch.articles
    assert before[moved] == ch.story_id and c.story_of_[moved] == ch.other_id
    p._apply(changes)
    after = {aid: store.membership(aid)["story_id"] for aid in ("a", "b")}
    assert after["a"] == after["b"] == ch.other_id
    assert store.membership(moved)["evidence"]["moved"]["action"] == "move"
    assert store.resolve_story(ch.story_id) == ch.other_id  # the emptied story redirects
    assert store.story(ch.story_id)["id"] == ch.other_id
    assert {s["id"] for s in store.stories()} == {ch.other_id}
    assert store.audit_log()[0]["action"] == "move"


def _together(open_store, db_path: str, folder: str) -> tuple[Pipeline, Path, str]:
    """Return a pipeline holding QUAKE (a) and TWIN (b) in the story a founded, their folder, and its id."""
    p = Pipeline(open_store(db_path), encoder="fake")
    d = Path(db_path).parent / folder
    write(d, "a.txt", QUAKE)
    write(d, "b.txt", TWIN)
    p.ingest([d])
    sid = p.store.membership("a")["story_id"]
    assert sid == story_id_for("a") and p.store.membership("b")["story_id"] == sid
    return p, d, sid


def test_move_out_of_a_story_that_keeps_members_leaves_no_redirect(db_path: str, open_store) -> None:
    p, _, sid = _together(open_store, db_path, "n")
    p.clusterer.move("b", story_id_for("b"))
    p._apply([StoryChange("move", sid, story_id_for("b"), ["b"], 0.1)])
    assert p.store.membership("b")["story_id"] == story_id_for("b")
    assert p.store.membership("a")["story_id"] == sid
    assert p.store.resolve_story(sid) == sid  # "a" is still there: no redirect


def test_split_does_not_put_a_group_into_a_story_its_first_member_founded_and_left() -> None:
    c = StoryClusterer(scorer=COS_ONLY, window_days=3)
    rng = np.random.default_rng(7)
    ev = {e: _unit(rng.normal(size=32)) for e in "bck"}

    def learn(aid: str, e: str) -> str:
        return c.learn_one({"id": aid, "vector": _unit(ev[e] + 0.05 * rng.normal(size=32)),
                            "published": "2022-02-01"}).story_id

    founded = learn("k0", "c")  # k0 reports event C, but founded the story now holding K's reports
    for aid in ("k1", "k2"):
        if learn(aid, "k") != founded:
            c.move(aid, founded)
    home_b = learn("b0", "b")
    for aid in ("b1", "b2"):
        assert learn(aid, "b") == home_b
    for aid in ("c1", "c2"):
        learn(aid, "c")
    for aid in ("k0", "c1", "c2"):  # k0 leaves its story; event C ends up inside B's story
        c.move(aid, home_b)
    assert founded == story_id_for("k0") and sorted(c.stories_[founded].members) == ["k1", "k2"]
    (change,) = MergeSplit().split(c, [home_b])
    assert sorted(change.articles) == ["c1", "c2", "k0"]
    assert change.other_id not in (founded, home_b)  # a story of their own, not K's
    assert sorted(c.stories_[founded].members) == ["k1", "k2"]
    assert sorted(c.stories_[change.other_id].members) == ["c1", "c2", "k0"]


def test_story_id_used_again_no_longer_redirects(db_path: str, open_store) -> None:
    p = _apart(open_store, db_path, "r")
    store, c = p.store, p.clusterer
    sa, sb = store.membership("a")["story_id"], store.membership("b")["story_id"]
    c.threshold_ = p.merger.merge_at = 0.5
    p._apply(p.merger.merge(c))  # b's story merges into a's and redirects there
    assert store.resolve_story(sb) == sa and store.membership("b")["story_id"] == sa
    c.threshold_ = 1.1  # now b fits nowhere: reassign gives it a story of its own, with its old id
    changes = p.merger.reassign(c)
    assert [(ch.action, ch.articles, ch.other_id) for ch in changes] == [("move", ["b"], sb)]
    p._apply(changes)
    assert store.membership("b")["story_id"] == sb
    assert store.resolve_story(sb) == sb
    assert [x["id"] for x in store.story(sb)["articles"]] == ["b"]
    assert [x["id"] for x in store.story(sa)["articles"]] == ["a"]


def _founder_moved_away() -> tuple[StoryClusterer, str, str]:
    """k0 (an event-C report) founded the story now holding K's reports, and sits in B's story."""
    c = StoryClusterer(scorer=COS_ONLY, window_days=3)
    rng = np.random.default_rng(7)
    ev = {e: _unit(rng.normal(size=32)) for e in "bk" + "c"}

    def learn(aid: str, e: str) -> str:
        return c.learn_one({"id": aid, "vector": _unit(ev[e] + 0.05 * rng.normal(size=32)),
                            "published": "2022-02-01"}).story_id

    founded = learn("k0", "c")
    for aid in ("k1", "k2"):
        if learn(aid, "k") != founded:
            c.move(aid, founded)
    home_b = learn("b0", "b")
    for aid in ("b1", "b2"):
        learn(aid, "b")
    c.move("k0", home_b)
    return c, founded, home_b


def test_reassign_lets_an_article_that_fits_nowhere_leave_even_when_it_founded_another_story() -> None:
    c, founded, home_b = _founder_moved_away()
    (change,) = MergeSplit().reassign(c, [home_b])
    assert change.articles == ["k0"] and change.story_id == home_b
    assert change.other_id not in (founded, home_b)  # a story of its own, not back into K's
    assert c.stories_[change.other_id].members == ["k0"]
    assert sorted(c.stories_[founded].members) == ["k1", "k2"]


def test_free_story_id_skips_live_stories() -> None:
    c, founded, home_b = _founder_moved_away()
    assert founded == story_id_for("k0")
    assert c.free_story_id(["k0"]) not in c.stories_
    assert c.free_story_id(["k0", "zz"]) == story_id_for("zz")
    assert c.free_story_id(["b1"]) == story_id_for("b1")


UNRELATED = """Central bank keeps rates on hold
2 March 2023
The national bank left its main interest rate at 4.5 percent on Thursday, citing slowing inflation.
Governor Anna Petrova said the board would watch wage growth before the next decision in April.
"""


def test_unlink_does_not_put_an_article_into_a_story_it_founded_and_left(db_path: str, open_store) -> None:
    p, d, founded = _together(open_store, db_path, "u")
    write(d, "c.txt", UNRELATED)
    p.ingest([d])
    other = p.store.membership("c")["story_id"]
    assert other != founded
    p.clusterer.move("a", other)  # "a" now sits in c's story; the story it founded holds "b"
    p._apply([StoryChange("move", founded, other, ["a"], 0.1)])
    new = p.unlink("a")
    assert new not in (founded, other)
    assert [x["id"] for x in p.store.story(new)["articles"]] == ["a"]
    assert [x["id"] for x in p.store.story(founded)["articles"]] == ["b"]
    assert [x["id"] for x in p.store.story(other)["articles"]] == ["c"]


def _crowded_stream(n: int, per_event: int, dim: int = 64, seed: int = 3) -> list[dict]:
    """Reports of n / per_event events, all leaning one way (as e5 vectors do), with entity pools."""
    rng = np.random.default_rng(seed)
    events = rng.normal(size=(n // per_event, dim))
    events /= np.linalg.norm(events, axis=1, keepdims=True)
    shared = rng.normal(size=dim)
    shared /= np.linalg.norm(shared)
    out = []
    for i in range(n):
        e = int(rng.integers(len(events)))
        v = 0.85 * shared + 0.45 * events[e] + 0.2 * rng.normal(size=dim) / np.sqrt(dim)
        v = (v / np.linalg.norm(v)).astype(np.float32)
        out.append({"id": f"a{i}", "signals": ArticleSignals(
            id=f"a{i}", lang=("en", "de")[i % 2], source=f"s{i % 20}", day=None, full=v, lead=v,
            passages=v[None, :], entities=Counter({f"e{e}n{k}": 1 for k in rng.choice(8, 3, replace=False)}))})
    return out


def test_reassign_rounds_look_again_only_where_something_changed():
    """Skipping articles whose stories did not change gives the moves of looking at every article each round."""
    import copy

    stream = _crowded_stream(2500, 3, seed=0)
    c = StoryClusterer()
    for i in range(0, len(stream), 32):
        c.learn_many(stream[i : i + 32])
    c.index_.exact_below = 500  # the graph answers, as in a large store
    reference = copy.deepcopy(c)
    got = MergeSplit(reassign_rounds=3).reassign(c)
    expected: list[StoryChange] = []
    rounds_with_moves = 0
    for _ in range(3):  # one full round at a time: every article looked at again
        moves = MergeSplit(reassign_rounds=1).reassign(reference)
        expected += moves
        rounds_with_moves += bool(moves)
        if not moves:
            break
    assert rounds_with_moves >= 2  # the later rounds had work to do
    assert [m.as_dict() for m in got] == [m.as_dict() for m in expected]
    assert c.assignments() == reference.assignments()


def test_merge_rounds_look_again_only_where_something_changed():
    """Skipping stories whose probes found no changed story gives the merges of looking at them all again."""
    import copy

    stream = _crowded_stream(2500, 15, seed=0)  # events large enough that merges make more merges
    c = StoryClusterer()
    for i in range(0, len(stream), 32):
        c.learn_many(stream[i : i + 32])
    c.index_.exact_below = 500
    reference = copy.deepcopy(c)
    got = MergeSplit().merge(c)
    expected: list[StoryChange] = []
    focus, rounds_with_merges = set(reference.stories_), 0
    for _ in range(3):  # one full round at a time: the stories looked at, and those that grew, all again
        merges = MergeSplit(merge_rounds=1).merge(reference, focus)
        expected += merges
        rounds_with_merges += bool(merges)
        if not merges:
            break
        focus = {s for s in focus | {m.story_id for m in merges} if s in reference.stories_}
    assert rounds_with_merges >= 2
    assert [m.as_dict() for m in got] == [m.as_dict() for m in expected]
    assert c.assignments() == reference.assignments()
