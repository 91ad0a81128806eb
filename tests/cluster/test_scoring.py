from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from babelwire.cluster.scoring import FEATURES, PairScorer, fit_logistic, load_params, pair_features
from babelwire.signals.profile import ArticleSignals


def _sig(i, v, **kw):
    v = np.asarray(v, np.float32) / np.linalg.norm(v)
    base = dict(id=i, lang="en", source="s", day=None, full=v, lead=v, passages=v[None, :])
    base.update(kw)
    return ArticleSignals(**base)


def test_missing_signals_are_indicated_not_zeroed_silently():
    a, b = _sig("a", [1, 0, 0]), _sig("b", [1, 0.1, 0], lang="de", source="t")
    f = pair_features(a, b)
    assert set(f) == set(FEATURES)
    assert f["has_entities"] == 0 and f["has_numbers"] == 0
    assert f["same_lang"] == 0 and f["crosslingual_cos"] == pytest.approx(f["cos_full"])
    c = _sig("c", [1, 0, 0], entities=Counter({"plnkn": 1}), numbers={"30"}, day=738000.0)
    d = _sig("d", [1, 0, 0], entities=Counter({"plnkn": 1}), numbers={"30"}, day=738001.0)
    g = pair_features(c, d)
    assert g["entities"] == 1 and g["numbers"] == 1


def test_fit_logistic_learns_a_separable_rule():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = (X[:, 0] + 0.1 * rng.normal(size=400) > 0).astype(float)
    p = fit_logistic(X, y, l2=0.1)
    assert p["weights"][0] > 5 * max(abs(p["weights"][1]), abs(p["weights"][2]))


def test_packaged_scorer_explains_its_decision():
    params = load_params()
    assert tuple(params["features"]) == FEATURES
    s = PairScorer()
    a = _sig("a", [1, 0, 0, 0], entities=Counter({"plnkn": 1, "lvrv": 1}), numbers={"30", "100000"})
    b = _sig("b", [0.95, 0.3, 0, 0], lang="bg", entities=Counter({"plnkn": 1, "lvrv": 1}), numbers={"30", "100000"})
    far = _sig("c", [0, 0, 1, 0], lang="bg")
    near, other = s.score(a, b), s.score(a, far)
    assert 0 <= other.probability < near.probability <= 1
    ev = near.evidence()
    assert set(ev) == {"probability", "threshold", "signals", "contributions"}
    assert sum(ev["contributions"].values()) == pytest.approx(
        np.log(near.probability / (1 - near.probability)) - params["bias"], abs=1e-2)
    X = np.array([[near.features[f] for f in FEATURES]])
    assert s.score_many(X)[0] == pytest.approx(near.probability)
