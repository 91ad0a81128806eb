"""`babelwire eval pairs`: score rated pairs with the product's pair scorer and report agreement."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..cluster.scoring import FEATURES, PairScorer, fit_logistic, pair_features, scorer_for
from ..pipeline import Pipeline
from ..signals.profile import SignalExtractor, document_frequency, set_backgrounds
from ..store import Store
from .datasets import PairDataset, RatedPair, load_pairs
from .metrics import pearson, prf, spearman

# Reports of one event appear within days of each other; rated pairs carry no publication dates
# to learn this from, so it is a declared prior: no cost within 3 days, then 0.4 log-odds a day.
TIME_PRIOR = {"grace_days": 3.0, "per_day": 0.4, "max": 6.0}

__all__ = ["CLEAR_WEIGHT", "L2", "L2_GRID", "choose_l2", "fit_scorer",
           "PairTable", "build_pair_table", "evaluate_pairs", "report", "cross_validate",
           "train_params", "pair_folds"]

log = logging.getLogger(__name__)

Progress = Callable[[str, int], None]


@dataclass(slots=True)
class PairTable:
    """Features of every scorable pair, with ratings, labels, language combinations and CV groups."""

    pairs: list[RatedPair]
    X: np.ndarray
    combos: list[str]
    missing: int  # pairs left out because an article was rejected
    days: np.ndarray | None = None  # publication-date gap when both are publication-dated, else NaN
    mean_vector: np.ndarray | None = None  # the corpus's mean whole-text vector

    @property
    def overall(self) -> np.ndarray:
        return np.array([p.overall if p.overall is not None else np.nan for p in self.pairs])

    @property
    def labels(self) -> list[bool | None]:
        return [p.label for p in self.pairs]

    def soft_targets(self) -> np.ndarray:
        """Return training targets in [0, 1]: (4 - overall) / 3, or the same-story flag."""
        y = []
        for p in self.pairs:
            if p.overall is not None:
                y.append((4.0 - p.overall) / 3.0)
            else:
                y.append(1.0 if p.same_story else 0.0)
        return np.array(y)


def build_pair_table(
    dataset: PairDataset, pipeline: Pipeline, *, progress: Progress | None = None
) -> PairTable:
    """Ingest the dataset's articles through ``pipeline`` and return the features of every pair."""
    report = pipeline.ingest([dataset.articles_path], progress=progress)
    alias = {d.id: d.duplicate_of for d in report.known}
    wanted = {alias.get(i, i) for p in dataset.pairs for i in (p.id1, p.id2)}
    stored = [i for i in wanted if pipeline.store.has_article(i)]
    articles = list(pipeline.store.iter_articles(stored))
    extractor = SignalExtractor(pipeline.cache)
    if progress:
        progress("embed", extractor.pending(articles))
    signals = extractor.extract(articles, progress=(lambda n: progress("embedded", n)) if progress else None)
    set_backgrounds(signals)
    df = document_frequency(signals)
    by_id = {s.id: s for s in signals}
    kept: list[RatedPair] = []
    rows: list[list[float]] = []
    combos: list[str] = []
    days: list[float] = []
    missing = 0
    for p in dataset.pairs:
        a, b = by_id.get(alias.get(p.id1, p.id1)), by_id.get(alias.get(p.id2, p.id2))
        if a is None or b is None:
            missing += 1
            continue
        feats = pair_features(a, b, df=df)
        rows.append([feats[f] for f in FEATURES])
        kept.append(p)
        combos.append("-".join(sorted([a.lang or "??", b.lang or "??"])))
        if a.dated and b.dated and a.day is not None and b.day is not None:
            days.append(abs(a.day - b.day))
        else:
            days.append(np.nan)
    X = np.array(rows, dtype=float).reshape(len(rows), len(FEATURES))
    mean_vector = np.mean([s.full for s in signals], axis=0) if signals else None
    return PairTable(kept, X, combos, missing, np.array(days), mean_vector)


def report(
    scores: np.ndarray,
    table: PairTable,
    threshold: float,
    *,
    decisions: np.ndarray | None = None,
    min_pairs: int = 1,
) -> dict[str, Any]:
    """Return Pearson/Spearman against -overall and same-story P/R/F1, overall and per language combination.

    Same-story decisions are ``scores >= threshold`` unless ``decisions`` gives them (cross-validation,
    where each fold has its own threshold).
    """
    same = scores >= threshold if decisions is None else decisions

    def block(idx: np.ndarray) -> dict[str, Any]:
        ov = table.overall[idx]
        rated = ~np.isnan(ov)
        labels = [table.labels[i] for i in idx]
        decided = [j for j, lab in enumerate(labels) if lab is not None]
        m = prf([bool(same[idx][j]) for j in decided], [bool(labels[j]) for j in decided])
        return {
            "pairs": int(len(idx)),
            "pearson": pearson(scores[idx][rated], -ov[rated]),
            "spearman": spearman(scores[idx][rated], -ov[rated]),
            "precision": m["precision"],
            "recall": m["recall"],
            "f1": m["f1"],
        }

    out = block(np.arange(len(table.pairs)))
    out["threshold"] = threshold
    by: dict[str, Any] = {}
    for combo in sorted(set(table.combos)):
        idx = np.array([i for i, c in enumerate(table.combos) if c == combo])
        if len(idx) >= min_pairs:
            by[combo] = block(idx)
    out["by_language"] = by
    return out


def _best_threshold(p: np.ndarray, labels: list[bool | None]) -> float:
    idx = [i for i, lab in enumerate(labels) if lab is not None]
    y = np.array([bool(labels[i]) for i in idx])
    best, best_f1 = 0.5, -1.0
    for t in np.linspace(0.2, 0.8, 61):
        f1 = prf(p[idx] >= t, y)["f1"] or 0.0
        if f1 > best_f1:
            best, best_f1 = float(t), f1
    return best


# The L2 strengths ``fit_scorer`` chooses among by inner cross-validation; the default when fitting
# without a choice (tests, a fixed setting); clear pairs weigh as much as ambiguous ones.
L2_GRID = (1.0, 3.0, 10.0, 30.0, 100.0)
L2 = 10.0
CLEAR_WEIGHT = 1.0


def train_params(
    table: PairTable, idx: np.ndarray | None = None, *, l2: float = L2, clear_weight: float = CLEAR_WEIGHT
) -> dict[str, Any]:
    """Return pair-scorer parameters fitted on the pairs at ``idx`` (all by default).

    Targets are the ratings rescaled to [0, 1]; pairs that are clearly the same
    or clearly different stories weigh ``clear_weight`` times the ambiguous ones,
    since those are the decisions the clusterer makes.
    """
    idx = np.arange(len(table.pairs)) if idx is None else idx
    weights = np.array([clear_weight if table.labels[i] is not None else 1.0 for i in idx])
    params = fit_logistic(table.X[idx], table.soft_targets()[idx], l2=l2, sample_weight=weights)
    params["features"] = list(FEATURES)
    params["time_prior"] = dict(TIME_PRIOR)
    params["default_background"] = float(np.median(table.X[idx, FEATURES.index("cos_full")]
                                                   - table.X[idx, FEATURES.index("cos_vs_background")]))
    if table.mean_vector is not None:  # the prior the clusterer centres its first articles with
        params["mean_vector"] = [round(float(v), 6) for v in table.mean_vector]
    scorer = PairScorer(params={**params, "threshold": 0.5})
    params["threshold"] = _best_threshold(scorer.score_many(table.X[idx]), [table.labels[i] for i in idx])
    return params


def pair_folds(table: PairTable, *, folds: int = 5, seed: int = 0, idx: np.ndarray | None = None) -> np.ndarray:
    """Return each pair's fold (0 … folds-1) — of the pairs at ``idx``, all by default — drawn by pair
    group: machine-translated variants of one pair never straddle folds."""
    pairs = table.pairs if idx is None else [table.pairs[i] for i in idx]
    groups = sorted({p.group for p in pairs})
    rng = np.random.default_rng(seed)
    fold_of = {g: int(f) for g, f in zip(groups, rng.permutation(len(groups)) % folds, strict=True)}
    return np.array([fold_of[p.group] for p in pairs], dtype=int)


def choose_l2(table: PairTable, idx: np.ndarray, *, folds: int = 4, seed: int = 1) -> tuple[float, dict[float, float]]:
    """Return the L2 strength of ``L2_GRID`` whose scorers, trained on inner folds of the pairs at
    ``idx`` alone, give the held-out pairs the lowest log-loss against their targets, and each
    strength's mean log-loss.

    Log-loss is what the scorer is fitted on and moves smoothly with the strength. Same-story F1
    at a threshold (the criterion before) is flat across the grid within its noise, about 0.005
    from one draw of the inner folds to the next, so its argmax fell anywhere from 1 to 100
    (docs/encoders.md).
    """
    inner = pair_folds(table, folds=folds, seed=seed, idx=idx)
    targets = table.soft_targets()
    weights = np.array([CLEAR_WEIGHT if table.labels[i] is not None else 1.0 for i in idx])
    scores: dict[float, float] = {}
    for l2 in L2_GRID:
        p = np.zeros(len(idx))
        for k in range(folds):
            train, test = idx[inner != k], idx[inner == k]
            p[inner == k] = PairScorer(params=train_params(table, train, l2=l2)).score_many(table.X[test])
        q, y = np.clip(p, 1e-9, 1 - 1e-9), targets[idx]
        scores[l2] = float(-np.average(y * np.log(q) + (1 - y) * np.log(1 - q), weights=weights))
    best = min(L2_GRID, key=lambda v: (round(scores[v], 6), -v))  # ties: the stronger regularisation
    return best, scores


def fit_scorer(table: PairTable, idx: np.ndarray | None = None) -> dict[str, Any]:
    """Return pair-scorer parameters for the pairs at ``idx`` (all by default), their L2 strength
    chosen by cross-validation within those pairs alone: nested inside an outer fold, nothing the
    outer fold judges has chosen anything."""
    idx = np.arange(len(table.pairs)) if idx is None else idx
    l2, scores = choose_l2(table, idx)
    params = train_params(table, idx, l2=l2)
    params["chosen_by_cv"] = {"l2": l2, "inner_log_loss": {str(k): round(v, 5) for k, v in scores.items()}}
    return params


def cross_validate(table: PairTable, *, folds: int = 5, seed: int = 0) -> tuple[np.ndarray, np.ndarray, float]:
    """Return out-of-fold probabilities and decisions (each fold's scorer, its L2 strength and its
    threshold chosen and trained on the other folds: ``fit_scorer``), and the mean threshold.

    Folds are drawn by pair group, so machine-translated variants of one pair never straddle folds.
    """
    fold = pair_folds(table, folds=folds, seed=seed)
    out = np.zeros(len(table.pairs))
    decisions = np.zeros(len(table.pairs), bool)
    thresholds = []
    for k in range(folds):
        train, test = np.where(fold != k)[0], np.where(fold == k)[0]
        params = fit_scorer(table, train)
        scorer = PairScorer(params=params)
        out[test] = scorer.score_many(table.X[test], None if table.days is None else table.days[test])
        decisions[test] = out[test] >= params["threshold"]
        thresholds.append(params["threshold"])
    return out, decisions, float(np.mean(thresholds))


def evaluate_pairs(
    directory: str,
    store: Store,
    *,
    encoder: Any = None,
    scorer: PairScorer | None = None,
    folds: int = 5,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Return the figures of the packaged scorer on the dataset in ``directory``, and cross-validated ones."""
    dataset = load_pairs(directory)
    pipeline = Pipeline(store, encoder=encoder)
    table = build_pair_table(dataset, pipeline, progress=progress)
    scorer = scorer or scorer_for(pipeline.encoder)
    result = report(scorer.score_many(table.X, table.days), table, scorer.threshold)
    result["pairs_missing"] = table.missing
    result["encoder"] = pipeline.encoder.fingerprint
    if folds and folds > 1 and len(table.pairs) >= folds * 4:
        cv, decisions, thr = cross_validate(table, folds=folds)
        result["cross_validated"] = {"folds": folds, **report(cv, table, thr, decisions=decisions)}
    return result
