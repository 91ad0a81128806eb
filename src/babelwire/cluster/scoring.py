"""The one pair scorer: signals of two articles -> calibrated probability they report the same story."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from ..signals.centring import centred
from ..signals.encoders.base import encoder_mode
from ..signals.entities import DocumentFrequency, weighted_overlap
from ..signals.occurrence import compare_values
from ..signals.profile import ArticleSignals

__all__ = ["FEATURES", "PairScorer", "pair_features", "feature_matrix", "ScoredPair", "scorer_for", "load_params",
           "PARAM_FILES", "fit_logistic"]

# The features, in the order the model's weights use. Each "has_*" feature is an
# indicator that lets the model learn what a missing signal means, so a pair
# without dates or names is not punished for it.
FEATURES: tuple[str, ...] = (
    "cos_full",
    "cos_centred",
    "cos_lead",
    "passage_max",
    "passage_mean",
    "cos_vs_background",
    "lead_vs_background",
    "crosslingual_cos",
    "same_lang",
    "cross_script",
    "cross_script_vs_background",
    "entities",
    "has_entities",
    "numbers",
    "has_numbers",
    "same_source",
    # Is it the same occurrence? (signals/occurrence.py): the event's day, measured quantities,
    # place and kind, each agreeing, contradicting, or unknown.
    "day_agree",
    "day_conflict",
    "has_days",
    "quantity_agree",
    "quantity_conflict",
    "has_quantities",
    "place_agree",
    "place_conflict",
    "has_places",
    "kind_agree",
    "kind_conflict",
    "has_kinds",
)

# Each occurrence facet and the name of its "has" column.
_FACETS = (("day", "has_days"), ("quantity", "has_quantities"), ("place", "has_places"), ("kind", "has_kinds"))


_COLUMN = {f: i for i, f in enumerate(FEATURES)}


def _passage_scores(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    if len(a) == 1 and len(b) == 1:
        v = float(a[0] @ b[0])
        return v, v
    sims = a @ b.T
    best_a = sims.max(axis=1).sum() / sims.shape[0]
    best_b = sims.max(axis=0).sum() / sims.shape[1]
    return float(sims.max()), float((best_a + best_b) / 2)


def _background(s: ArticleSignals, centre: tuple[np.ndarray, np.ndarray] | None, default: float) -> tuple[float, float]:
    if s.background is not None and s.lead_background is not None:
        return s.background, s.lead_background
    if centre is not None:
        return float(s.full @ centre[0]), float(s.lead @ centre[1])
    return default, default


def _centred(s: ArticleSignals, mean_vector: np.ndarray | None) -> np.ndarray:
    if s.centred is not None:
        return s.centred
    return s.full if mean_vector is None else centred(s.full, mean_vector)


def pair_features(
    a: ArticleSignals,
    b: ArticleSignals,
    *,
    df: DocumentFrequency | None = None,
    centre: tuple[np.ndarray, np.ndarray] | None = None,
    default_background: float = 0.82,
    mean_vector: np.ndarray | None = None,
) -> dict[str, float]:
    """Return the raw feature values of a pair (see FEATURES and ``feature_matrix``)."""
    row = feature_matrix(a, [b], df=df, centre=centre, default_background=default_background,
                         mean_vector=mean_vector)[0]
    return dict(zip(FEATURES, row.tolist(), strict=True))


def feature_matrix(
    a: ArticleSignals,
    others: Sequence[ArticleSignals],
    *,
    df: DocumentFrequency | None = None,
    centre: tuple[np.ndarray, np.ndarray] | None = None,
    default_background: float = 0.82,
    mean_vector: np.ndarray | None = None,
) -> np.ndarray:
    """Return the raw features of ``a`` paired with each of ``others``: one row each, FEATURES order.

    An article's background (its mean cosine to the corpus) comes from its
    signals when set, else from ``centre`` — the corpus's mean whole-text and
    lead vectors — else ``default_background``. Its language-centred vector
    likewise comes from its signals, else from taking out ``mean_vector``.
    """
    n = len(others)
    X = np.zeros((n, len(FEATURES)))
    if n == 0:
        return X
    col = _COLUMN
    bg_a, lbg_a = _background(a, centre, default_background)
    a_centred = _centred(a, mean_vector)
    full = np.stack([o.full for o in others])
    lead = np.stack([o.lead for o in others])
    cos_fulls = (full @ a.full).tolist()
    cos_leads = (lead @ a.lead).tolist()
    if centre is not None and all(o.background is None or o.lead_background is None for o in others):
        bgs = list(zip((full @ centre[0]).tolist(), (lead @ centre[1]).tolist(), strict=True))
    else:
        bgs = [_background(o, centre, default_background) for o in others]
    for i, o in enumerate(others):
        bg_o, lbg_o = bgs[i]
        cos_full, cos_lead = cos_fulls[i], cos_leads[i]
        vs_background = cos_full - (bg_a + bg_o) / 2
        same_lang = 1.0 if a.lang and a.lang == o.lang else 0.0
        # Texts in different writing systems share no subword tokens, so their cosines run lower.
        cross_script = 1.0 if a.script and o.script and a.script != o.script else 0.0
        ent = weighted_overlap(a.entities, o.entities, df)
        num = len(a.numbers & o.numbers) / len(a.numbers | o.numbers) if a.numbers and o.numbers else None
        row = X[i]
        row[col["cos_full"]] = cos_full
        row[col["cos_centred"]] = float(a_centred @ _centred(o, mean_vector))
        row[col["cos_lead"]] = cos_lead
        row[col["passage_max"]], row[col["passage_mean"]] = _passage_scores(a.passages, o.passages)
        row[col["cos_vs_background"]] = vs_background
        row[col["lead_vs_background"]] = cos_lead - (lbg_a + lbg_o) / 2
        row[col["crosslingual_cos"]] = cos_full * (1.0 - same_lang)
        row[col["same_lang"]] = same_lang
        row[col["cross_script"]] = cross_script
        row[col["cross_script_vs_background"]] = cross_script * vs_background
        row[col["entities"]] = ent or 0.0
        row[col["has_entities"]] = 0.0 if ent is None else 1.0
        row[col["numbers"]] = num or 0.0
        row[col["has_numbers"]] = 0.0 if num is None else 1.0
        row[col["same_source"]] = 1.0 if a.source and a.source == o.source else 0.0
        _occurrence_columns(row, a, o, cross_script == 0.0)
    return X


# (position in compare_values' tuple, agree column, conflict column, has column) per facet
_FACET_COLUMNS = tuple((i, _COLUMN[f"{f}_agree"], _COLUMN[f"{f}_conflict"], _COLUMN[has])
                       for i, (f, has) in enumerate(_FACETS))


def _occurrence_columns(row: np.ndarray, a: ArticleSignals, o: ArticleSignals, same_script: bool) -> None:
    if a.occurrence is None or o.occurrence is None:
        return  # the row's occurrence columns are zeros already
    values = compare_values(a.occurrence, o.occurrence, names_a=a.entities.keys(), names_b=o.entities.keys(),
                            same_script=same_script)
    for i, agree, conflict, has in _FACET_COLUMNS:
        v = values[i]
        if v:
            row[agree if v > 0 else conflict] = 1.0
            row[has] = 1.0


def _strongest_first(kv: tuple[str, float]) -> float:
    return -abs(kv[1])


@dataclass(slots=True)
class ScoredPair:
    """A pair's probability of being one story, with the evidence: values and contributions."""

    probability: float
    features: dict[str, float]
    contributions: dict[str, float]
    threshold: float

    @property
    def same_story(self) -> bool:
        return self.probability >= self.threshold

    def evidence(self) -> dict[str, Any]:
        """Return JSON-ready evidence, strongest contributions first (signals in the same order, those
        without a contribution last)."""
        order = sorted(self.contributions.items(), key=_strongest_first)
        feats = self.features
        signals = {k: round(feats[k], 4) for k, _ in order if k in feats}
        signals.update((k, round(v, 4)) for k, v in feats.items() if k not in self.contributions)
        return {
            "probability": round(self.probability, 4),
            "threshold": self.threshold,
            "signals": signals,
            "contributions": {k: round(v, 4) for k, v in order},
        }


class PairScorer:
    """Logistic model over FEATURES; parameters from the packaged ``pair_scorer.json`` by default.

    ``params`` holds ``features``, ``mean``, ``scale``, ``weights``, ``bias``,
    ``threshold``, ``default_background`` and ``mean_vector`` (the training
    corpus's mean whole-text vector; what the training script writes).
    """

    def __init__(self, *, params: Mapping[str, Any] | None = None) -> None:
        self.params = params

    def _p(self) -> Mapping[str, Any]:
        if self.params is None:
            self.params = load_params()
        return self.params

    @property
    def threshold(self) -> float:
        return float(self._p()["threshold"])

    def _arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        if not hasattr(self, "arrays_"):
            p = self._p()
            if tuple(p["features"]) != FEATURES:
                raise ValueError("pair scorer parameters were trained on other features; retrain")
            self.arrays_ = (
                np.asarray(p["mean"], float),
                np.asarray(p["scale"], float),
                np.asarray(p["weights"], float),
                float(p["bias"]),
            )
        return self.arrays_

    def vector(self, feats: Mapping[str, float]) -> np.ndarray:
        """Return the features as an array in FEATURES order."""
        return np.array([feats[f] for f in FEATURES], dtype=float)

    def time_prior(self, days_apart: float | None) -> float:
        """Return the log-odds penalty for two publication dates ``days_apart`` (0 when unknown or close).

        Reports of one event appear within days of each other. The rated pairs the
        model is trained on carry no publication dates, so this part is a declared
        prior in the parameter file (``time_prior``), not a learned weight.
        """
        tp = self._p().get("time_prior")
        if not tp or days_apart is None:
            return 0.0
        return -min(max(days_apart - tp["grace_days"], 0.0) * tp["per_day"], tp["max"])

    def score_features(self, feats: Mapping[str, float], *, days_apart: float | None = None) -> ScoredPair:
        """Return the probability and per-feature contributions for raw feature values."""
        mean, scale, w, bias = self._arrays()
        z = (self.vector(feats) - mean) / scale
        contrib = dict(zip(FEATURES, (w * z).tolist(), strict=True))
        prior = self.time_prior(days_apart)
        if prior:
            contrib["time_prior"] = prior
        logit = float(sum(contrib.values()) + bias)
        prob = 1.0 / (1.0 + math.exp(-max(min(logit, 50.0), -50.0)))
        feats = dict(feats)
        if days_apart is not None:
            feats["publication_days_apart"] = days_apart
        return ScoredPair(prob, feats, contrib, self.threshold)

    def score(
        self,
        a: ArticleSignals,
        b: ArticleSignals,
        *,
        df: DocumentFrequency | None = None,
        centre: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> ScoredPair:
        """Return the scored pair for two articles' signals (see ``pair_features`` for ``df`` and ``centre``)."""
        bg = float(self._p().get("default_background", 0.82))
        days = abs(a.day - b.day) if a.dated and b.dated and a.day is not None and b.day is not None else None
        feats = pair_features(a, b, df=df, centre=centre, default_background=bg,
                              mean_vector=self.mean_vector(len(a.full)))
        return self.score_features(feats, days_apart=days)

    def probabilities(
        self,
        a: ArticleSignals,
        others: Sequence[ArticleSignals],
        *,
        df: DocumentFrequency | None = None,
        centre: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> np.ndarray:
        """Return ``score(a, o).probability`` for each of ``others``, computed at once."""
        return self.score_all(a, others, df=df, centre=centre)[0]

    def score_all(
        self,
        a: ArticleSignals,
        others: Sequence[ArticleSignals],
        *,
        df: DocumentFrequency | None = None,
        centre: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the probabilities, raw features (``feature_matrix``) and publication-date gaps
        (NaN when unknown) of ``a`` paired with each of ``others``; ``scored`` turns a row into evidence."""
        if not others:
            return np.zeros(0), np.zeros((0, len(FEATURES))), np.zeros(0)
        bg = float(self._p().get("default_background", 0.82))
        X = feature_matrix(a, others, df=df, centre=centre, default_background=bg,
                           mean_vector=self.mean_vector(len(a.full)))
        days = np.array([abs(a.day - o.day) if a.dated and o.dated and a.day is not None and o.day is not None
                         else np.nan for o in others])
        return self.score_many(X, days), X, days

    def scored(self, row: np.ndarray, days_apart: float) -> ScoredPair:
        """Return the scored pair (with contributions) for one row of ``score_all``'s features and gaps."""
        return self.score_features(dict(zip(FEATURES, row.tolist(), strict=True)),
                                   days_apart=None if np.isnan(days_apart) else float(days_apart))

    def mean_vector(self, dim: int) -> np.ndarray | None:
        """Return the encoder's mean news vector the parameters were trained with, when it has ``dim``
        dimensions (None otherwise: parameters trained for another encoder carry no usable prior)."""
        if not hasattr(self, "mean_vector_"):
            mv = self._p().get("mean_vector")
            self.mean_vector_ = None if mv is None else np.asarray(mv, np.float64)
        mv = self.mean_vector_
        return mv if mv is not None and mv.shape == (dim,) else None

    def score_many(self, X: np.ndarray, days_apart: np.ndarray | None = None) -> np.ndarray:
        """Return probabilities for a matrix of raw features (rows in FEATURES order).

        ``days_apart`` gives each pair's publication-date gap (NaN when unknown) for the time prior.
        """
        mean, scale, w, bias = self._arrays()
        z = (X - mean) / scale @ w + bias
        if days_apart is not None:
            z = z + np.array([self.time_prior(None if np.isnan(d) else float(d)) for d in days_apart])
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def scorer_for(encoder: Any) -> PairScorer:
    """Return the pair scorer calibrated for ``encoder``'s vectors: its own parameters if it brings
    them, else the packaged e5 ones of its mode (lead and passages embedded separately, or late)."""
    params = getattr(encoder, "scorer_params", None)
    if params is not None:
        return PairScorer(params=params)
    mode = encoder_mode(encoder)
    return PairScorer() if mode == "separate" else PairScorer(params=load_params(mode))


#: The packaged parameter file of each encoder mode (signals/encoders/base.py ``Mode``).
PARAM_FILES = {"separate": "pair_scorer.json", "late": "pair_scorer-late.json"}


def load_params(mode: str = "separate") -> dict[str, Any]:
    """Return the packaged pair-scorer parameters trained on vectors of encoder mode ``mode``."""
    text = resources.files("babelwire.data").joinpath(PARAM_FILES[mode]).read_text(encoding="utf-8")
    return json.loads(text)


def fit_logistic(
    X: np.ndarray, y: np.ndarray, *, l2: float = 1.0, sample_weight: np.ndarray | None = None, iters: int = 50
) -> dict[str, Any]:
    """Return standardisation and weights of an L2-regularised logistic model fitted by Newton's method.

    ``y`` may hold soft labels in [0, 1] (e.g. a rescaled similarity rating).
    """
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    Z = np.hstack([(X - mean) / scale, np.ones((len(X), 1))])
    sw = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, float)
    w = np.zeros(Z.shape[1])
    reg = np.full(Z.shape[1], l2)
    reg[-1] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(Z @ w, -50, 50)))
        g = Z.T @ (sw * (p - y)) + reg * w
        H = (Z * (sw * p * (1 - p))[:, None]).T @ Z + np.diag(reg) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return {"mean": mean.tolist(), "scale": scale.tolist(), "weights": w[:-1].tolist(), "bias": float(w[-1])}
