"""One conformance check for every clusterer: deterministic, input untouched, empty input, pickles."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
from cluster_data import COS_ONLY, event_stream

from babelwire.cluster import CentroidClusterer
from babelwire.cluster.online import StoryClusterer

CLUSTERERS = [
    lambda: CentroidClusterer(threshold=0.8, window_days=3),
    lambda: StoryClusterer(scorer=COS_ONLY, window_days=3),
]


@pytest.fixture(params=range(len(CLUSTERERS)), ids=lambda i: type(CLUSTERERS[i]()).__name__)
def make(request):
    return CLUSTERERS[request.param]


def test_groups_events(make):
    c = make()
    stream = event_stream()
    got = {x["id"]: c.learn_one(x).story_id for x in stream}
    for a in stream:
        for b in stream:
            assert (got[a["id"]] == got[b["id"]]) == (a["event"] == b["event"])


def test_deterministic(make):
    stream = event_stream(1)
    c1 = make()
    a = [c1.learn_one(x).story_id for x in stream]
    c = make()
    b = [c.learn_one(x).story_id for x in stream]
    assert a == b


def test_input_not_mutated(make):
    stream = event_stream(2)
    before = copy.deepcopy(stream)
    c = make()
    for x in stream:
        c.learn_one(x)
    for x, y in zip(stream, before, strict=True):
        assert x.keys() == y.keys() and np.array_equal(x["vector"], y["vector"]) and x["id"] == y["id"]


def test_empty_and_fresh_state(make):
    c = make()
    assert c.n_stories == 0
    x = event_stream()[0]
    a = c.predict_one(x)
    assert a.new_story and c.n_stories == 0  # predict_one does not learn


def test_pickle_roundtrip_continues_identically(make):
    stream = event_stream(3)
    c = make()
    for x in stream[:10]:
        c.learn_one(x)
    c2 = pickle.loads(pickle.dumps(c))
    assert [c.learn_one(x).story_id for x in stream[10:]] == [c2.learn_one(x).story_id for x in stream[10:]]


def test_params_stored_unchanged(make):
    c = make()
    params = {k: v for k, v in vars(c).items() if not k.endswith("_")}
    assert params and all(not isinstance(v, (list, dict, set)) for v in params.values())
    for x in event_stream()[:3]:
        c.learn_one(x)
    assert {k: v for k, v in vars(c).items() if not k.endswith("_")} == params


def test_time_window_separates_far_apart_reports():
    c = CentroidClusterer(threshold=0.5, window_days=3)
    v = np.ones(8, dtype=np.float32) / np.sqrt(8)
    a = c.learn_one({"id": "a", "vector": v, "published": "2022-02-01"})
    b = c.learn_one({"id": "b", "vector": v, "published": "2022-03-01"})
    d = c.learn_one({"id": "d", "vector": v, "published": None})
    assert a.story_id != b.story_id and d.story_id in {a.story_id, b.story_id}


def test_restore_rebuilds_state(make):
    stream = event_stream(4)
    c = make()
    rows = [{**x, "story_id": c.learn_one(x).story_id} for x in stream[:12]]
    r = make().restore(rows)
    assert [c.learn_one(x).story_id for x in stream[12:]] == [r.learn_one(x).story_id for x in stream[12:]]
