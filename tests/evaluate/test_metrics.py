from __future__ import annotations

import pytest

from babelwire.evaluate.metrics import bcubed, pearson, prf, spearman


def test_correlations():
    assert pearson([1, 2, 3, 4], [2, 4, 6, 8]) == pytest.approx(1)
    assert spearman([1, 2, 3, 4], [1, 4, 9, 100]) == pytest.approx(1)
    assert spearman([1, 1, 2, 2], [1, 1, 2, 2]) == pytest.approx(1)
    assert pearson([1, 1, 1], [1, 2, 3]) is None


def test_prf():
    m = prf([True, True, False, False], [True, False, True, False])
    assert m["precision"] == 0.5 and m["recall"] == 0.5 and m["f1"] == 0.5
    assert prf([], [])["f1"] is None


def test_bcubed():
    gold = {"a": "1", "b": "1", "c": "2"}
    assert bcubed({"a": "x", "b": "x", "c": "y"}, gold)["f1"] == 1
    lumped = bcubed({"a": "x", "b": "x", "c": "x"}, gold)
    assert lumped["recall"] == 1 and lumped["precision"] == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3)
