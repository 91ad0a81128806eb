"""Long-running stories: a merge moves members at once, the pass after a batch looks at a big story's newest
members only, and the fits it finds there are those the plain path finds."""

from __future__ import annotations

import numpy as np
from cluster_data import COS_ONLY, event_stream

from babelwire.cluster.merge import MergeSplit, _MemberVectors
from babelwire.cluster.online import StoryClusterer


def _learned(per_event: int = 30) -> tuple[StoryClusterer, list[dict], dict[int, str]]:
    c = StoryClusterer(scorer=COS_ONLY, window_days=3)
    stream = event_stream(1, n_events=3, per_event=per_event)
    for x in stream:
        c.learn_one(x)
    home = {x["event"]: c.story_of_[x["id"]] for x in stream}
    assert c.n_stories == 3 and len(set(home.values())) == 3
    return c, stream, home


def _state(c: StoryClusterer) -> dict:
    return {sid: (st.members, st.total.tobytes(), st.size, st.first_day, st.last_day)
            for sid, st in sorted(c.stories_.items())} | {"of": dict(sorted(c.story_of_.items()))}


def test_move_many_leaves_the_state_moves_one_by_one_leave() -> None:
    (a, stream, home), (b, _, _) = _learned(), _learned()
    moving = [x["id"] for x in stream if x["event"] == 2][:7] + [x["id"] for x in stream if x["event"] == 0][:3]
    for aid in moving:
        a.move(aid, home[1])
    b.move_many(moving, home[1])
    assert _state(a) == _state(b)
    everything = list(a.story(home[2]).members)  # a whole story: it is gone afterwards
    for aid in everything:
        a.move(aid, "s-new")
    b.move_many(everything, "s-new")
    assert home[2] not in b.stories_ and _state(a) == _state(b)


def test_the_pass_after_a_batch_looks_at_a_big_storys_newest_members_only() -> None:
    c, stream, home = _learned()
    order = [x["id"] for x in stream]
    event0 = [aid for aid in order if aid.startswith("e0-")]
    old, new = event0[0], event0[-1]  # learned before most of event 1's reports / after them
    assert order.index(old) < 5 and order.index(new) > len(order) - 5
    for aid in (old, new):
        c.move(aid, home[1])  # misplaced in the big story of event 1 (32 members)
    bounded = MergeSplit(reassign_max_members=10)
    moved = [ch.articles for ch in bounded.reassign(c, [home[1]])]
    assert moved == [[new]]  # among the story's newest 10: looked at, sent back; the old one is not looked at
    assert c.story_of_[new] == home[0] and c.story_of_[old] == home[1]
    assert [ch.articles for ch in MergeSplit().reassign(c, [home[1]])] == [[old]]  # under the bound it is
    assert MergeSplit(reassign_max_members=10).reassign(c) == []  # a whole pass looks at everything


def test_a_big_storys_fits_are_the_plain_paths() -> None:
    c, stream, home = _learned()
    plain, bounded = MergeSplit(), MergeSplit(reassign_max_members=5)
    big = _MemberVectors(5)
    sids = sorted(home.values())
    for x in stream[::7]:
        want = plain._fits(c, x["id"], sids)
        got = bounded._fits(c, x["id"], sids, big)
        assert np.allclose(np.array(want, float), np.array(got, float)), x["id"]
    v = c.vector(stream[0]["id"])
    members = c.story(home[0]).members
    want = sorted(members, key=lambda m: (-float(c.vector(m) @ v), m))[:3]
    assert big.closest(c, home[0], "nobody", v, 3) == want  # an article from elsewhere: all members count
