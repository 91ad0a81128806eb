"""Everything the pair scorer needs about one article, built from cached embeddings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..model import Article, day_number
from .cache import EmbeddingCache
from .entities import DocumentFrequency, entity_keys
from .numbers import number_keys
from .passages import passages
from .sketch import minhash

__all__ = ["ArticleSignals", "SignalExtractor", "day_number", "set_backgrounds", "document_frequency"]


@dataclass(slots=True)
class ArticleSignals:
    """Signals of one article: its vectors (whole, title+lead, passages), names, numbers, date, outlet."""

    id: str
    lang: str | None
    source: str | None
    day: float | None
    full: np.ndarray
    lead: np.ndarray
    passages: np.ndarray
    entities: Counter[str] = field(default_factory=Counter)
    numbers: set[str] = field(default_factory=set)
    background: float | None = None  # mean cosine to the article's nearest neighbours (hubness)
    minhash: np.ndarray | None = None  # near-duplicate sketch of the body


class SignalExtractor:
    """Builds ArticleSignals through an EmbeddingCache, so each text is embedded once ever."""

    def __init__(self, cache: EmbeddingCache, *, max_passages: int = 8, passage_chars: int = 500) -> None:
        self.cache = cache
        self.max_passages = max_passages
        self.passage_chars = passage_chars

    def texts(self, article: Article) -> list[str]:
        """Return the passages embedded for ``article``: title and lead first, then the body in order.

        Only passages are embedded (each text once); the whole-article vector is
        their length-weighted mean and the title+lead vector is the first passage,
        so an article costs one pass of the encoder over its text.
        """
        body = article.text
        if article.title and not body.startswith(article.title.rstrip("…").rstrip()):
            body = f"{article.title}\n{body}"
        ps = passages(body, max_chars=self.passage_chars)
        return (ps[: self.max_passages] or [body or article.title])

    def extract(
        self, articles: Sequence[Article], *, progress: Callable[[int], None] | None = None
    ) -> list[ArticleSignals]:
        """Return the signals of each article, embedding whatever is not cached yet."""
        plan = [self.texts(a) for a in articles]
        flat = [p for ps in plan for p in ps]
        vecs = self.cache.embed(flat, progress=progress)
        out: list[ArticleSignals] = []
        i = 0
        for a, ps in zip(articles, plan, strict=True):
            v_ps = vecs[i : i + len(ps)]
            i += len(ps)
            weights = np.array([len(p) for p in ps], dtype=np.float32)
            full = (weights[:, None] * v_ps).sum(axis=0)
            full /= max(float(np.linalg.norm(full)), 1e-12)
            out.append(
                ArticleSignals(
                    id=a.id,
                    lang=a.lang,
                    source=a.source,
                    day=day_number(a.published),
                    full=full.astype(np.float32),
                    lead=v_ps[0],
                    passages=v_ps,
                    entities=entity_keys(f"{a.title}\n{a.text}", lang=a.lang),
                    numbers=number_keys(a.text),
                    minhash=minhash(a.text),
                )
            )
        return out


def set_backgrounds(signals: Sequence[ArticleSignals], *, k: int = 10) -> None:
    """Set each article's background: the mean cosine to its ``k`` nearest other articles."""
    if len(signals) < 2:
        return
    m = np.stack([s.full for s in signals])
    sims = m @ m.T
    np.fill_diagonal(sims, -np.inf)
    kk = min(k, len(signals) - 1)
    top = -np.sort(-sims, axis=1)[:, :kk]
    for s, row in zip(signals, top, strict=True):
        s.background = float(row.mean())


def document_frequency(signals: Sequence[ArticleSignals]) -> DocumentFrequency:
    """Return the entity document frequencies over ``signals``."""
    df = DocumentFrequency()
    for s in signals:
        df.add(s.entities)
    return df
