"""The running totals a StoryClusterer keeps beside its articles, as plain data a store can save."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .online import StoryClusterer

__all__ = ["ClusterTotals"]


@dataclass(slots=True)
class ClusterTotals:
    """Language means, whole-text and lead sums, and entity document frequencies.

    ``vectors`` maps a name (``all``, ``lang:<code>``, ``sum_full``, ``sum_lead``) to
    ``(count, float64 sum)``; ``df`` holds document frequencies by key (all of them,
    or only those a batch changed) and ``df_docs`` how many documents were counted.
    """

    vectors: dict[str, tuple[int, np.ndarray]]
    df_docs: int
    df: dict[str, int] = field(default_factory=dict)

    @property
    def dim(self) -> int:
        """Return the vectors' dimension."""
        return len(self.vectors["sum_full"][1])

    @classmethod
    def of(cls, c: StoryClusterer, article_ids: Iterable[str] | None = None) -> ClusterTotals:
        """Return ``c``'s totals; only the frequencies of the names of ``article_ids`` when given."""
        n = c.n_learned_
        m = c.means_
        vectors = {"all": (m.count, m.total.copy()), "sum_full": (n, c.sum_full_.copy()),
                   "sum_lead": (n, c.sum_lead_.copy())}
        vectors.update({f"lang:{lang}": (k, total.copy()) for lang, (total, k) in m.by_lang.items()})
        if article_ids is None:
            df = dict(c.df_.df)
        else:
            keys = {k for a in article_ids for k in c.signals_[a].entities}
            df = {k: c.df_.df[k] for k in sorted(keys)}
        return cls(vectors, c.df_.docs, df)

    def apply(self, c: StoryClusterer) -> None:
        """Set ``c``'s totals to these (``df`` must hold every key)."""
        m = c.means_
        m.count, total = self.vectors["all"]
        m.total = total.copy()
        m.by_lang = {name[5:]: (v.copy(), k) for name, (k, v) in self.vectors.items() if name.startswith("lang:")}
        c.sum_full_ = self.vectors["sum_full"][1].copy()
        c.sum_lead_ = self.vectors["sum_lead"][1].copy()
        c.n_learned_ = self.vectors["sum_full"][0]
        c.df_.docs = self.df_docs
        c.df_.df = Counter(self.df)
        c.df_.log_df = {k: math.log(v + 0.5) for k, v in self.df.items()}
