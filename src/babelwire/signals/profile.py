"""Everything the pair scorer needs about one article, built from cached embeddings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ..model import Article, day_number
from .cache import EmbeddingCache
from .centring import LanguageMeans
from .encoders.base import Span, encoder_mode
from .entities import DocumentFrequency, entity_keys
from .numbers import number_keys
from .occurrence import Occurrence, occurrence_of
from .passages import lead, lead_span, passage_spans, passages
from .scripts import dominant_script
from .sketch import minhash

__all__ = ["ArticleSignals", "SignalExtractor", "set_backgrounds", "document_frequency", "publication_dated"]


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
    # Mean cosine of the whole text / the lead to the other articles of the corpus: how much this
    # article looks like everything (language, genre), subtracted from pair cosines.
    background: float | None = None
    lead_background: float | None = None
    minhash: np.ndarray | None = None  # near-duplicate sketch of the body
    dated: bool = False  # the date is a publication date (metadata, a dateline, or checked by its weekday)
    script: str | None = None  # the writing system of most of the text
    # The whole-text vector with its language's mean vector taken out (signals/centring.py): set by
    # the clusterer from its running means, or by set_backgrounds for a whole corpus.
    centred: np.ndarray | None = None
    # What occurrence it reports (the event's day, quantities, place, kind): tells two events of one topic apart.
    occurrence: Occurrence | None = None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def publication_dated(article: Article, *, dateline_chars: int = 120) -> bool:
    """Return True when the article's date is a publication date, not just a date its text mentions.

    Dates from metadata count, and so do dates confirmed by the weekday the text
    names; a date read from the text counts when it stands on a short line (a
    dateline), not inside a paragraph.
    """
    prov = article.published_provenance or ""
    if not article.published:
        return False
    if prov in ("declared", "metadata") or prov.startswith("weekday:"):
        return True
    if prov.startswith("text:line "):
        try:
            n = int(prov.rsplit(" ", 1)[1])
        except ValueError:
            return False
        lines = article.raw.splitlines()
        return 0 < n <= len(lines) and len(lines[n - 1].strip()) <= dateline_chars
    return False


class SignalExtractor:
    """Builds ArticleSignals through an EmbeddingCache, so each text is embedded once ever.

    With a ``late``-mode encoder the lead and passages are character spans of the
    whole text, pooled from its one encoder run; otherwise each is embedded on its own.
    """

    def __init__(
        self,
        cache: EmbeddingCache,
        *,
        lead_chars: int = 300,
        long_chars: int = 1500,
        passage_chars: int = 600,
        max_passages: int = 8,
    ) -> None:
        self.cache = cache
        self.lead_chars = lead_chars
        self.long_chars = long_chars
        self.passage_chars = passage_chars
        self.max_passages = max_passages

    def texts(self, article: Article) -> tuple[str, str, list[str]]:
        """Return what is embedded for ``article``: the whole text, the title+lead, and the passages.

        The whole text is embedded as one (the encoder windows long texts);
        passages are embedded only for articles longer than ``long_chars``, where
        one shared paragraph must still be found; shorter ones use the whole.
        """
        full = article.embed_text
        ld = lead(article.title, article.text, max_chars=self.lead_chars)
        ps = passages(article.text, max_chars=self.passage_chars) if len(article.text) > self.long_chars else []
        return full, ld, ps[: self.max_passages]

    def spans(self, article: Article) -> tuple[str, list[Span]]:
        """Return the whole text and, in it, the spans of the title+lead and of the passages (late mode).

        The same pieces as ``texts``: the opening of the whole text (title line, first
        sentences), and passages of the body only for articles longer than ``long_chars``.
        """
        full = article.embed_text
        spans = [lead_span(full, max_chars=self.lead_chars)]
        if len(article.text) > self.long_chars:
            body = len(full) - len(article.text)  # the whole text ends with the body
            ps = passage_spans(article.text, max_chars=self.passage_chars)[: self.max_passages]
            spans += [(a + body, b + body) for a, b in ps]
        return full, spans

    @property
    def late(self) -> bool:
        """Return whether lead and passage vectors are pooled from the whole text's run."""
        return encoder_mode(self.cache.encoder) == "late"

    def embedded_texts(self, article: Article) -> list[str]:
        """Return every text ``extract`` embeds on its own for ``article``: whole, title+lead, passages
        (only the whole text in late mode)."""
        if self.late:
            return [article.embed_text]
        full, ld, ps = self.texts(article)
        return [full, ld, *ps]

    def pending(self, articles: Sequence[Article]) -> int:
        """Return how many encoder runs ``extract(articles)`` would make (what is not cached yet)."""
        if self.late:
            return self.cache.missing_spans([self.spans(a) for a in articles])
        return self.cache.missing([t for a in articles for t in self.embedded_texts(a)])

    def vectors(
        self, articles: Sequence[Article], *, progress: Callable[[int], None] | None = None
    ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Return each article's (whole, title+lead, passages) vectors, embedding what is not cached."""
        if self.late:
            pooled = self.cache.embed_spans([self.spans(a) for a in articles], progress=progress)
            return [(full, sp[0], sp[1:] if len(sp) > 1 else full[None, :]) for full, sp in pooled]
        plan = [self.texts(a) for a in articles]
        flat = [t for full, ld, ps in plan for t in (full, ld, *ps)]
        vecs = self.cache.embed(flat, progress=progress)
        out = []
        i = 0
        for _full, _ld, ps in plan:
            v_full = vecs[i]
            out.append((v_full, vecs[i + 1], vecs[i + 2 : i + 2 + len(ps)] if ps else v_full[None, :]))
            i += 2 + len(ps)
        return out

    def extract(
        self, articles: Sequence[Article], *, progress: Callable[[int], None] | None = None
    ) -> list[ArticleSignals]:
        """Return the signals of each article, embedding whatever is not cached yet."""
        out: list[ArticleSignals] = []
        for a, (v_full, v_lead, v_ps) in zip(articles, self.vectors(articles, progress=progress), strict=True):
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
                    dated=(dated := publication_dated(a)),
                    script=dominant_script(a.text),
                    occurrence=occurrence_of(a.title, a.text, a.lang, _date(a.published) if dated else None),
                )
            )
        return out


def set_backgrounds(signals: Sequence[ArticleSignals]) -> None:
    """Set what each article is compared against, from the whole corpus ``signals``.

    Its backgrounds (its mean cosine, whole text and lead, to every other article)
    and its language-centred vector (the corpus's mean of its language taken out).
    """
    n = len(signals)
    if n < 2:
        return
    means = LanguageMeans.fit(((s.lang, s.full) for s in signals), len(signals[0].full))
    for s in signals:
        s.centred = means.centred(s.full, s.lang)
    full = np.stack([s.full for s in signals]).astype(np.float64)
    lead_ = np.stack([s.lead for s in signals]).astype(np.float64)
    for m, attr in ((full, "background"), (lead_, "lead_background")):
        total = m.sum(axis=0)
        means = (m @ total - (m * m).sum(axis=1)) / (n - 1)
        for s, v in zip(signals, means, strict=True):
            setattr(s, attr, float(v))


def document_frequency(signals: Sequence[ArticleSignals]) -> DocumentFrequency:
    """Return the entity document frequencies over ``signals``."""
    df = DocumentFrequency()
    for s in signals:
        df.add(s.entities)
    return df
