"""Story-level facts: a look-alike that matches one member strongly but contradicts the story stays out."""

from __future__ import annotations

import numpy as np
from cluster_data import COS_ONLY

from babelwire.cluster.facts import contradicted, stories_contradict
from babelwire.cluster.merge import MergeSplit
from babelwire.cluster.online import StoryClusterer
from babelwire.explain import explain_text
from babelwire.signals.occurrence import Occurrence
from babelwire.signals.profile import ArticleSignals

DIM = 16


def _sig(aid: str, v: np.ndarray, occ: Occurrence | None, *, script: str = "Latn") -> ArticleSignals:
    v = (v / np.linalg.norm(v)).astype(np.float32)
    return ArticleSignals(id=aid, lang="en", source=aid, day=None, full=v, lead=v, passages=v[None, :],
                          occurrence=occ, script=script)


CALL = Occurrence(days=frozenset({32}), kinds=frozenset({"call"}))
MEETING = Occurrence(days=frozenset({21}), kinds=frozenset({"meeting"}), places=frozenset({"knv"}))


def _topic(rng: np.random.Generator, base: np.ndarray) -> np.ndarray:
    return base + 0.05 * rng.normal(size=DIM)


def test_contradicted_counts_the_members_that_can_be_compared():
    rng = np.random.default_rng(0)
    base = rng.normal(size=DIM)
    story = [_sig("a", _topic(rng, base), CALL), _sig("b", _topic(rng, base), CALL),
             _sig("c", _topic(rng, base), None)]
    assert contradicted(_sig("x", base, MEETING), story) == ["day"]  # a call and a meeting: both encounters
    assert contradicted(_sig("y", base, CALL), story) == []
    assert contradicted(_sig("z", base, None), story) == []  # nothing known: no evidence
    # one member agrees, one contradicts: not established, so no refusal
    mixed = [story[0], _sig("m", base, Occurrence(days=frozenset({21}), kinds=frozenset({"call"})))]
    assert contradicted(_sig("w", base, Occurrence(days=frozenset({21}))), mixed) == []
    assert stories_contradict(story[:2], [_sig("x", base, MEETING)]) == ["day"]


def test_a_story_that_develops_is_no_other_occurrence():
    shooting = Occurrence(days=frozenset({10}), kinds=frozenset({"attack"}))
    arrest = Occurrence(days=frozenset({14}), kinds=frozenset({"trial"}))
    aftershock = Occurrence(days=frozenset({18}), kinds=frozenset({"quake"}),
                            quantities=frozenset({("magnitude", 6.0)}))
    quake = [_sig("q", np.ones(DIM), Occurrence(days=frozenset({10}), kinds=frozenset({"quake"}),
                                                 quantities=frozenset({("magnitude", 7.6)})))]
    assert contradicted(_sig("a", np.ones(DIM), arrest), [_sig("s", np.ones(DIM), shooting)]) == []
    assert contradicted(_sig("b", np.ones(DIM), aftershock), quake) == ["day", "measure"]


def test_a_look_alike_does_not_join_the_story_it_resembles():
    rng = np.random.default_rng(1)
    base = rng.normal(size=DIM)
    c = StoryClusterer(scorer=COS_ONLY, window_days=3)
    first = [c.learn_one({"id": f"call{i}", "signals": _sig(f"call{i}", _topic(rng, base), CALL)}) for i in range(2)]
    assert first[1].story_id == first[0].story_id
    lookalike = c.learn_one({"id": "meet", "signals": _sig("meet", _topic(rng, base), MEETING)})
    assert lookalike.new_story and lookalike.story_id != first[0].story_id
    refused = lookalike.evidence["refused"]
    assert refused[0]["story"] == first[0].story_id and refused[0]["conflicts"] == ["day"]
    text = explain_text({"id": "meet", "story_id": lookalike.story_id, "evidence": lookalike.evidence})
    assert "did not join story" in text and "event's day" in text
    assert "every story that scored at the threshold" in text and "scored only" not in text
    # its own twin joins it, not the call's story
    twin = c.learn_one({"id": "meet2", "signals": _sig("meet2", _topic(rng, base), MEETING)})
    assert twin.story_id == lookalike.story_id
    assert MergeSplit().run(c) == []  # the two stories are similar, but contradict each other: no merge
    assert c.assignments()["meet"] != c.assignments()["call0"]


def test_with_story_facts_off_the_look_alike_joins():
    rng = np.random.default_rng(1)
    base = rng.normal(size=DIM)
    c = StoryClusterer(scorer=COS_ONLY, window_days=3, story_facts=False)
    a = c.learn_one({"id": "call0", "signals": _sig("call0", _topic(rng, base), CALL)})
    b = c.learn_one({"id": "meet", "signals": _sig("meet", _topic(rng, base), MEETING)})
    assert b.story_id == a.story_id


def test_reassign_moves_a_contradicting_member_out():
    rng = np.random.default_rng(2)
    base = rng.normal(size=DIM)
    c = StoryClusterer(scorer=COS_ONLY, window_days=3, story_facts=False)
    for i in range(3):
        c.learn_one({"id": f"call{i}", "signals": _sig(f"call{i}", _topic(rng, base), CALL)})
    c.learn_one({"id": "meet", "signals": _sig("meet", _topic(rng, base), MEETING)})
    assert len(set(c.assignments().values())) == 1
    c.story_facts = True
    moves = MergeSplit().reassign(c)
    assert [m.articles for m in moves] == [["meet"]]
    assert c.assignments()["meet"] != c.assignments()["call0"]
