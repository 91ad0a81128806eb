"""`babelwire eval clusters`: cluster a labelled set from scratch and score the stories."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from ..cluster.factory import build_clusterer, build_passes
from ..cluster.scoring import PairScorer
from ..errors import ReadError
from ..pipeline import Pipeline
from ..signals.profile import ArticleSignals
from ..store import Store
from .datasets import load_pairs
from .metrics import bcubed, prf
from .pairs import build_pair_table, fit_scorer, pair_folds

__all__ = ["evaluate_clusters", "cluster_signals", "load_gold"]

log = logging.getLogger(__name__)

Progress = Callable[[str, int], None]


def load_gold(directory: Path) -> tuple[list[Path], dict[str, str], list[tuple[str, str, bool]]]:
    """Return the inputs to ingest, gold story per article id, and labelled pairs for a dataset folder.

    A folder with ``articles.jsonl`` (and ``pairs.jsonl``) is a pair dataset; a
    ``story`` field on articles gives gold stories. A folder with
    ``expected.json`` (like ``examples/``) is a corpus with gold stories.
    """
    arts = directory / "articles.jsonl"
    if arts.is_file():
        gold = {}
        for line in arts.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                if rec.get("story") is not None:
                    gold[str(rec["id"])] = str(rec["story"])
        pairs: list[tuple[str, str, bool]] = []
        if (directory / "pairs.jsonl").is_file():
            pairs = [(p.id1, p.id2, bool(p.label)) for p in load_pairs(directory).pairs if p.label is not None]
        return [arts], gold, pairs
    expected = directory / "expected.json"
    if expected.is_file():
        data = json.loads(expected.read_text(encoding="utf-8"))
        gold = {aid: label for label, story in data["stories"].items() for aid in story["articles"]}
        return [directory], gold, []
    raise ReadError(f"{directory}: needs articles.jsonl (+ pairs.jsonl) or expected.json")


def cluster_signals(
    signals: Sequence[ArticleSignals],
    *,
    encoder: Any,
    order: Sequence[int] | np.ndarray | None = None,
    batch_size: int = 32,
    scorer: PairScorer | None = None,
) -> dict[str, str]:
    """Return article id -> story id after clustering ``signals`` from an empty state, then the merge,
    split and reassign pass (with ``scorer``, or the encoder's packaged one)."""
    c = build_clusterer(encoder, scorer=scorer)
    xs = [{"id": signals[i].id, "signals": signals[i]} for i in (order if order is not None else range(len(signals)))]
    for i in range(0, len(xs), batch_size):  # in the batches the pipeline ingests in
        c.learn_many(xs[i : i + batch_size])
    build_passes().run(c)
    return c.assignments()


def _pair_scores(assign: dict[str, str], pairs: list[tuple[str, str, bool]]) -> dict[str, Any]:
    usable = [(a, b, y) for a, b, y in pairs if a in assign and b in assign]
    m = prf([assign[a] == assign[b] for a, b, _ in usable], [y for _, _, y in usable])
    return {"precision": m["precision"], "recall": m["recall"], "f1": m["f1"], "labelled_pairs": len(usable)}


def evaluate_clusters(
    directory: str | Path,
    store: Store,
    *,
    encoder: Any = None,
    orders: int = 1,
    seed: int = 0,
    folds: int = 0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Return same-story P/R/F1 over labelled pairs, story counts, singleton rate and BCubed for a dataset.

    Articles are ingested into ``store`` (which caches their embeddings); the
    clustering itself starts empty, in input order, and — with ``orders`` > 1 —
    again in shuffled orders, reporting the spread of F1. With ``folds`` > 1 on a
    pair dataset, also ``cross_validated``: pair P/R/F1 where each fold's pairs are
    judged by stories clustered with a scorer trained on the other folds' pairs.
    """
    directory = Path(directory)
    inputs, gold, pairs = load_gold(directory)
    pipeline = Pipeline(store, encoder=encoder)
    report = pipeline.ingest(inputs, progress=progress)
    alias = {d.id: d.duplicate_of for d in report.known}
    wanted_ids = list(dict.fromkeys([*report.stored, *(d.duplicate_of for d in report.known)]))
    articles = list(store.iter_articles(wanted_ids))
    signals = pipeline.extractor.extract(articles)
    expand = partial(_expand, alias=alias)
    result = _scores(expand(cluster_signals(signals, encoder=pipeline.encoder)), pairs, gold,
                     encoder=pipeline.encoder.fingerprint)
    if folds > 1 and pairs:
        result["cross_validated"] = _cross_validated(directory, pipeline, signals, expand, folds=folds, seed=seed)
    elif folds > 1:
        log.warning("%s has no labelled pairs (pairs.jsonl) to cross-validate on; folds ignored", directory)
    if orders > 1:
        result["orders"] = _shuffled_orders(signals, pipeline.encoder, expand, pairs, gold, orders=orders, seed=seed)
    return result


def _expand(assign: dict[str, str], *, alias: dict[str, str]) -> dict[str, str]:
    """Return ``assign`` with each duplicate input (``alias``: its id -> the article stored for it) in the
    story of the article stored for it."""
    out = dict(assign)
    for dup, twin in alias.items():
        if twin in assign:
            out[dup] = assign[twin]
    return out


def _scores(assign: dict[str, str], pairs: list[tuple[str, str, bool]], gold: dict[str, str], *,
            encoder: str) -> dict[str, Any]:
    """Return the figures of one clustering ``assign``: counts, singleton rate, pair P/R/F1 (None without
    ``pairs``) and BCubed against ``gold`` (when given)."""
    sizes: dict[str, int] = {}
    for sid in assign.values():
        sizes[sid] = sizes.get(sid, 0) + 1
    result: dict[str, Any] = {
        "articles": len(assign),
        "stories": len(sizes),
        "singleton_rate": sum(1 for n in sizes.values() if n == 1) / max(len(sizes), 1),
        "encoder": encoder,
    }
    if pairs:
        result.update(_pair_scores(assign, pairs))
    else:
        result.update({"precision": None, "recall": None, "f1": None, "labelled_pairs": 0})
    if gold:
        b = bcubed(assign, gold)
        result["bcubed"] = b
        result["gold_stories"] = len(set(gold.values()))
    return result


def _shuffled_orders(
    signals: Sequence[ArticleSignals],
    encoder: Any,
    expand: Callable[[dict[str, str]], dict[str, str]],
    pairs: list[tuple[str, str, bool]],
    gold: dict[str, str],
    *,
    orders: int,
    seed: int,
) -> dict[str, Any]:
    """Return the runs of clustering ``signals`` in ``orders`` shuffled orders and the spread of their pair
    F1 (BCubed F1 without pairs)."""
    rng = np.random.default_rng(seed)
    runs = []
    for _ in range(orders):
        perm = rng.permutation(len(signals))
        a = expand(cluster_signals(signals, encoder=encoder, order=perm))
        run: dict[str, Any] = {"stories": len(set(a.values()))}
        if pairs:
            run["f1"] = _pair_scores(a, pairs)["f1"]
        if gold:
            run["bcubed_f1"] = bcubed(a, gold)["f1"]
        runs.append(run)
    key = "f1" if pairs else "bcubed_f1"
    vals = [r[key] for r in runs if r.get(key) is not None]
    return {"runs": runs, "metric": key,
            "spread": (max(vals) - min(vals)) if vals else None,
            "min": min(vals) if vals else None, "max": max(vals) if vals else None}


def _cross_validated(
    directory: Path,
    pipeline: Pipeline,
    signals: Sequence[ArticleSignals],
    expand: Callable[[dict[str, str]], dict[str, str]],
    *,
    folds: int,
    seed: int,
) -> dict[str, Any]:
    """Pair P/R/F1 with no pair judged by a scorer trained on it: for each fold (as ``eval pairs`` draws
    them), a scorer trained on the other folds clusters every article, and the fold's pairs are scored."""
    table = build_pair_table(load_pairs(directory), pipeline)
    fold = pair_folds(table, folds=folds, seed=seed)
    predicted: list[bool] = []
    actual: list[bool] = []
    for k in range(folds):
        log.info("cross-validation: fold %d of %d", k + 1, folds)
        scorer = PairScorer(params=fit_scorer(table, np.where(fold != k)[0]))
        assign = expand(cluster_signals(signals, encoder=pipeline.encoder, scorer=scorer))
        for i in np.where(fold == k)[0]:
            p = table.pairs[i]
            if p.label is not None and p.id1 in assign and p.id2 in assign:
                predicted.append(assign[p.id1] == assign[p.id2])
                actual.append(bool(p.label))
    m = prf(predicted, actual)
    return {"folds": folds, "precision": m["precision"], "recall": m["recall"], "f1": m["f1"],
            "labelled_pairs": len(actual)}
