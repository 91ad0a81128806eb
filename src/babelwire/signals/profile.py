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
from .passages import lead, passages
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

    def __init__(self, cache: EmbeddingCache, *, max_passages: int = 6) -> None:
        self.cache = cache
        self.max_passages = max_passages

    def texts(self, article: Article) -> tuple[str, str, list[str]]:
        """Return the whole text, the title+lead and the passages that get embedded for ``article``."""
        full = article.embed_text
        body = article.text
        ps = passages(body)[: self.max_passages]
        if len(ps) < 2:
            ps = [full]
        return full, lead(article.title, body), ps

    def extract(
        self, articles: Sequence[Article], *, progress: Callable[[int], None] | None = None
    ) -> list[ArticleSignals]:
        """Return the signals of each article, embedding whatever is not cached yet."""
        plan = [self.texts(a) for a in articles]
        flat: list[str] = []
        for full, ld, ps in plan:
            flat.append(full)
            flat.append(ld)
            flat.extend(ps)
        vecs = self.cache.embed(flat, progress=progress)
        out: list[ArticleSignals] = []
        i = 0
        for a, (_full, _ld, ps) in zip(articles, plan, strict=True):
            v_full, v_lead = vecs[i], vecs[i + 1]
            v_ps = vecs[i + 2 : i + 2 + len(ps)]
            i += 2 + len(ps)
            out.append(
                ArticleSignals(
                    id=a.id,
                    lang=a.lang,
                    source=a.source,
                    day=day_number(a.published),
                    full=v_full,
                    lead=v_lead,
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
