"""Metrics for pair scores and clusterings."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["pearson", "spearman", "prf", "bcubed"]


def pearson(x: ArrayLike, y: ArrayLike) -> float | None:
    """Return Pearson's r, or None when either side is constant or too short."""
    a, b = np.asarray(x, float), np.asarray(y, float)
    if len(a) < 3 or a.std() == 0 or b.std() == 0:
        return None
    return float(np.corrcoef(a, b)[0, 1])


def _ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x), float)
    ranks[order] = np.arange(len(x), dtype=float)
    # average ranks of ties
    vals, inv, counts = np.unique(x, return_inverse=True, return_counts=True)
    sums = np.bincount(inv, weights=ranks)
    return (sums / counts)[inv]


def spearman(x: ArrayLike, y: ArrayLike) -> float | None:
    """Return Spearman's rho (Pearson of average ranks)."""
    a, b = np.asarray(x, float), np.asarray(y, float)
    if len(a) < 3:
        return None
    return pearson(_ranks(a), _ranks(b))


def prf(predicted: ArrayLike, actual: ArrayLike) -> dict[str, float | int | None]:
    """Return precision, recall, F1 and counts of boolean decisions."""
    p, a = np.asarray(predicted, bool), np.asarray(actual, bool)
    tp = int((p & a).sum())
    fp = int((p & ~a).sum())
    fn = int((~p & a).sum())
    prec = tp / (tp + fp) if tp + fp else None
    rec = tp / (tp + fn) if tp + fn else None
    f1 = 2 * prec * rec / (prec + rec) if prec and rec else (0.0 if prec is not None and rec is not None else None)
    return {"precision": prec, "recall": rec, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def bcubed(predicted: dict[str, str], gold: dict[str, str]) -> dict[str, float]:
    """Return BCubed precision, recall and F1 of a clustering (item -> cluster) against gold labels."""
    items = [i for i in gold if i in predicted]
    if not items:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    by_pred: dict[str, set[str]] = {}
    by_gold: dict[str, set[str]] = {}
    for i in items:
        by_pred.setdefault(predicted[i], set()).add(i)
        by_gold.setdefault(gold[i], set()).add(i)
    p = r = 0.0
    for i in items:
        same_pred = by_pred[predicted[i]]
        same_gold = by_gold[gold[i]]
        both = len(same_pred & same_gold)
        p += both / len(same_pred)
        r += both / len(same_gold)
    p /= len(items)
    r /= len(items)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}
