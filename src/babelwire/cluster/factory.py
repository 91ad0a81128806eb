"""One factory for the clusterer and its passes, so ingest, recluster and eval can never drift apart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .merge import MergeSplit
from .online import StoryClusterer
from .scoring import PairScorer, scorer_for

__all__ = ["build_clusterer", "build_passes"]


def build_clusterer(encoder: Any, params: Mapping[str, Any] | None = None, *,
                    scorer: PairScorer | None = None) -> StoryClusterer:
    """Return a fresh StoryClusterer with ``encoder``'s calibrated pair scorer (or ``scorer``) and ``params``."""
    return StoryClusterer(scorer=scorer if scorer is not None else scorer_for(encoder), **dict(params or {}))


def build_passes(params: Mapping[str, Any] | None = None) -> MergeSplit:
    """Return the merge/split/reassign pass that runs after the clusterer ``build_clusterer`` makes."""
    return MergeSplit(**dict(params or {}))
