"""The nearest-neighbour index: exact while small, graph plus exact pending vectors above that."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from babelwire.cluster._index import VectorIndex
from babelwire.cluster.online import StoryClusterer


def _unit(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _exact(X: np.ndarray, q: np.ndarray, k: int) -> np.ndarray:
    return np.argsort(-(X @ q), kind="stable")[:k]


def test_small_index_is_exact():
    X = _unit(300)
    idx = VectorIndex(16)
    assert list(idx.add_many(X[:200])) == list(range(200))
    idx.add_many(X[200:], defer=True)
    for q in _unit(5, seed=1):
        labels, sims = idx.query(q, 7)
        assert list(labels) == list(_exact(X, q, 7))
        np.testing.assert_allclose(sims, X[labels] @ q, rtol=1e-5)


def test_pending_vectors_are_found_before_they_enter_the_graph():
    X = _unit(600)
    idx = VectorIndex(16, exact_below=100)
    idx.add_many(X[:500])
    idx.add_many(X[500:], defer=True)
    for j in (500, 550, 599):  # each pending vector is its own nearest neighbour, with its exact cosine
        labels, sims = idx.query(X[j], 3)
        assert labels[0] == j and sims[0] == pytest.approx(1.0, abs=1e-5)
        assert list(sims) == sorted(sims, reverse=True)
    labels, sims = idx.query_many(X[[10, 520]], 3)
    assert [labels[0][0], labels[1][0]] == [10, 520]


def test_background_insert_gives_the_same_index_as_a_direct_one():
    X = _unit(3000, seed=2)
    direct, background = VectorIndex(16, exact_below=100), VectorIndex(16, exact_below=100)
    direct.add_many(X)
    for i in range(0, 3000, 64):
        background.insert_pending(background=True)
        background.add_many(X[i : i + 64], defer=True)
    background.insert_pending(background=True)
    Q = _unit(50, seed=3)
    a, b = direct.query_many(Q, 10), background.query_many(Q, 10)
    for la, lb in zip(a[0], b[0], strict=True):
        assert list(la) == list(lb)
    recall = np.mean([len(set(la) & set(_exact(X, q, 10))) / 10 for la, q in zip(a[0], Q, strict=True)])
    assert recall > 0.8


def test_pickle_keeps_pending_vectors_and_answers():
    X = _unit(400, seed=4)
    idx = VectorIndex(16, exact_below=50)
    idx.add_many(X[:300])
    idx.insert_pending(background=True)
    idx.add_many(X[300:], defer=True)
    back = pickle.loads(pickle.dumps(idx))
    assert len(back) == 400
    for q in _unit(10, seed=5):
        assert [list(r) for r in back.query(q, 5)[:1]] == [list(r) for r in idx.query(q, 5)[:1]]


def test_all_pending_above_the_exact_size():
    X = _unit(200, seed=6)
    idx = VectorIndex(16, exact_below=50)
    idx.add_many(X, defer=True)  # nothing in the graph yet
    labels, _ = idx.query(X[123], 4)
    assert list(labels) == list(_exact(X, X[123], 4))


def _stream(n: int = 400, dim: int = 16, seed: int = 7):
    rng = np.random.default_rng(seed)
    centres = _unit(n // 4, dim, seed)
    out = []
    for i in range(n):
        v = centres[rng.integers(len(centres))] + 0.1 * rng.normal(size=dim)
        out.append({"id": f"a{i}", "vector": (v / np.linalg.norm(v)).astype(np.float32)})
    return out


def test_batched_learning_through_the_graph_is_deterministic():
    stream = _stream()

    def run() -> list[str]:
        c = StoryClusterer()
        got = [a.story_id for a in c.learn_many(stream[:10])]
        c.index_.exact_below = 20  # past here the graph answers, its inserts in the background
        for i in range(10, len(stream), 32):
            got += [a.story_id for a in c.learn_many(stream[i : i + 32])]
        assert c.index_._in_graph < len(c.index_)  # the last batch is still pending
        return got

    first = run()
    assert run() == first
    assert len(set(first)) < len(stream)
