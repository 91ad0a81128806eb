"""Search stored articles in any language: semantic (query embedding vs article vectors) plus keyword
(SQLite full-text), fused by reciprocal rank and grouped by story."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from . import views
from .errors import EncoderError, MissingDependency
from .signals import Encoder, get_encoder
from .store import Store

__all__ = ["Reach", "Searcher", "search", "query_terms"]

log = logging.getLogger(__name__)

Mode = Literal["hybrid", "semantic", "keyword"]

_WORD = re.compile(r"\w+", re.UNICODE)


def query_terms(query: str) -> list[str]:
    """Return the distinct words of ``query`` that keyword search matches (as prefixes), in order."""
    return list(dict.fromkeys(w.lower() for w in _WORD.findall(query) if len(w) >= 2 or w.isdigit()))


def fold(text: str) -> str:
    """Return ``text`` lower-cased with its diacritics removed (as the full-text index folds words)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_PIECE = re.compile(r"[^\W_]+", re.UNICODE)  # the full-text tokenizer also splits words at "_"


@dataclass(frozen=True, slots=True)
class Reach:
    """Which articles stored after a search could change its result, besides changes to its hits' stories.

    An article enters the semantic half's pool when its cosine to ``vector`` (the query's, ``encoder``'s)
    reaches ``floor`` (the pool's lowest; minus infinity when the pool held every article), and the keyword
    half's when its folded title or text holds a piece of one of ``terms`` (any substring: a superset of the
    index's word-prefix match). ``stories`` are the result's stories: a change to one of them changes it.
    The keyword ranks of the hits it keeps may still move a little with the index's corpus statistics
    (BM25's document count), which an unrelated article changes; that alone does not count as a change.
    """

    stories: frozenset[str]
    encoder: str | None = None
    vector: np.ndarray | None = None
    floor: float = float("-inf")
    terms: tuple[str, ...] = ()

    def admits(self, title: str, text: str, vector: np.ndarray | None) -> bool:
        """Return whether an article with this ``title``, ``text`` and ``vector`` (of ``encoder``; None when
        it has none) could enter the result."""
        if self.vector is not None and vector is not None and float(vector @ self.vector) >= self.floor:
            return True
        if self.terms:
            folded = fold(title) + "\n" + fold(text)
            return any(piece in folded for term in self.terms for piece in _PIECE.findall(fold(term)))
        return False


def _snippet(text: str, terms: list[str], width: int = 220) -> str:
    """Return a window of ``text`` around the first term found (else its start)."""
    low = text.lower()
    hits = [i for i in (low.find(t) for t in terms) if i >= 0]
    start = max(0, min(hits) - width // 3) if hits else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    piece = text[start : start + width].replace("\n", " ")
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def _article_hits(store: Store, ranked: dict[str, dict[str, Any]], terms: list[str], *, lang: str | None,
                  limit: int) -> list[dict[str, Any]]:
    """Return the best ``limit`` of the ``ranked`` articles (in ``lang`` when given), best first, each its
    summary with its scores and a snippet around ``terms``."""
    order = sorted(ranked, key=lambda a: -ranked[a]["score"])
    articles: list[dict[str, Any]] = []
    step = limit if not lang else max(limit, 50)  # read in slices: a language filter may skip many
    for start in range(0, len(order), step):
        part = order[start : start + step]
        read = {a.id: a for a in store.iter_articles(part)}
        story_of = store.stories_of(part)  # one query for the slice's memberships
        for aid in part:
            a = read.get(aid)
            if a is None or (lang and a.lang != lang):
                continue
            articles.append({
                "id": a.id, "title": a.title, "lang": a.lang, "source": a.source, "published": a.published,
                "story_id": story_of.get(aid), **ranked[aid],
                "score": round(ranked[aid]["score"], 6), "snippet": _snippet(a.text, terms),
            })
            if len(articles) >= limit:
                return articles
    return articles


def _story_hits(store: Store, articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the stories of the hits ``articles``, each in ``Store.stories``' shape plus ``score`` (its best
    hit's) and ``matched`` (its hits' ids), best first."""
    by_story: dict[str, list[dict[str, Any]]] = {}
    for hit in articles:
        if hit["story_id"]:
            by_story.setdefault(hit["story_id"], []).append(hit)
    if not by_story:
        return []
    # the hits' stories only (two queries, not a pass over every story): their rows, then their members
    headlines = dict(store.story_rows(article_ids=[h["id"] for hits in by_story.values() for h in hits]))
    members = store.story_members_of([sid for sid in by_story if sid in headlines])
    stories = []
    for sid, hits in by_story.items():
        if sid not in headlines or sid not in members:  # gone since the hit was read
            continue
        s = views.story_from_members(sid, headlines[sid], members[sid])
        s["score"] = round(max(h["score"] for h in hits), 6)
        s["matched"] = [h["id"] for h in hits]
        stories.append(s)
    stories.sort(key=lambda s: -s["score"])  # stable: equal scores keep their best hit's order
    return stories


class Searcher:
    """Searches one store, caching the matrix of article vectors until articles change.

    ``encoder`` embeds queries (``kind="query"``); it must be the encoder the
    store's vectors were made with, else semantic search is switched off and
    the result says why. Thread-safe: the web app shares one.

    ``rrf_k`` is the reciprocal-rank-fusion constant: each list contributes
    ``1 / (rrf_k + rank)`` to an article's score. The embeddings of the last ``query_cache``
    distinct queries are kept (an LRU keyed by the text), so a repeated query is not encoded again.
    ``vectors(store, encoder_fingerprint)``, when given, returns the article vectors instead of
    the searcher's own cache (the web app shares one index between search and explanations).
    """

    def __init__(
        self,
        store: Store,
        encoder: Encoder | str | None = None,
        *,
        rrf_k: int = 60,
        query_cache: int = 1024,
        vectors: Callable[[Store, str], tuple[list[str], np.ndarray]] | None = None,
    ) -> None:
        self.store = store
        self._encoder = encoder
        self.rrf_k = rrf_k
        self.query_cache = query_cache
        self._vectors_of = vectors
        self._lock = threading.Lock()
        self._cache: tuple[Any, str, list[str], np.ndarray] | None = None
        self._queries: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()

    @property
    def encoder(self) -> Encoder:
        """Return the query encoder (created on first use)."""
        if self._encoder is None or isinstance(self._encoder, str):
            self._encoder = get_encoder(self._encoder)
        return self._encoder

    def _vectors(self, store: Store, fp: str) -> tuple[list[str], np.ndarray]:
        version = store.version()
        with self._lock:
            if self._cache is None or self._cache[:2] != (version, fp):
                ids, matrix = store.article_vectors(encoder=fp)
                self._cache = (version, fp, ids, matrix)
            return self._cache[2], self._cache[3]

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        mode: Mode = "hybrid",
        lang: str | None = None,
        store: Store | None = None,
    ) -> dict[str, Any]:
        """Return ``{"query", "mode", "stories", "articles", "warnings"}`` for ``query``.

        ``articles`` are the best ``limit`` hits, each the article's summary with
        ``score`` (fused), ``cosine`` and ``keyword_rank`` (None where that
        half did not find it) and a ``snippet``; ``stories`` group them, each in
        ``Store.stories``' shape plus ``score`` and ``matched`` (hit ids).
        ``store`` overrides the searcher's store for this call (one per thread).
        """
        return self.search_reach(query, limit=limit, mode=mode, lang=lang, store=store)[0]

    def search_reach(
        self,
        query: str,
        *,
        limit: int = 20,
        mode: Mode = "hybrid",
        lang: str | None = None,
        store: Store | None = None,
    ) -> tuple[dict[str, Any], Reach | None]:
        """Return :meth:`search`'s result and its :class:`Reach` (what later articles could change it), or
        None in place of the reach when it cannot be bounded (a hit without a story, semantic search off)."""
        store = store or self.store
        query = query.strip()
        out: dict[str, Any] = {"query": query, "mode": mode, "stories": [], "articles": [], "warnings": []}
        if not query:
            return out, Reach(frozenset())
        terms = query_terms(query)
        ranked, semantic = self._fused(store, query, terms, max(limit * 3, 50), mode, out["warnings"])
        out["articles"] = _article_hits(store, ranked, terms, lang=lang, limit=limit)
        out["stories"] = _story_hits(store, out["articles"])
        return out, _reach(out, terms if mode != "semantic" else [], semantic if mode != "keyword" else None,
                           semantic_asked=mode != "keyword")

    def _fused(self, store: Store, query: str, terms: list[str], pool: int, mode: Mode,
               warnings: list[str]) -> tuple[dict[str, dict[str, Any]], _Semantic | None]:
        """Return article id -> ``{"score", "cosine", "keyword_rank"}``: the reciprocal-rank fusion of the
        best ``pool`` semantic and keyword hits (those ``mode`` asks for), in the order first found; and the
        semantic half's pool (None when it did not run)."""
        ranked: dict[str, dict[str, Any]] = {}
        semantic = None
        if mode in ("hybrid", "semantic"):
            semantic = self._semantic(store, query, pool, warnings)
            for rank, (aid, cos) in enumerate(semantic.hits if semantic else []):
                hit = ranked.setdefault(aid, {"score": 0.0, "cosine": None, "keyword_rank": None})
                hit["cosine"] = round(cos, 4)
                hit["score"] += 1.0 / (self.rrf_k + rank + 1)
        if mode in ("hybrid", "keyword"):
            for rank, (aid, _) in enumerate(store.keyword_search(terms, limit=pool)):
                hit = ranked.setdefault(aid, {"score": 0.0, "cosine": None, "keyword_rank": None})
                hit["keyword_rank"] = rank + 1
                hit["score"] += 1.0 / (self.rrf_k + rank + 1)
        return ranked, semantic

    def _query_vector(self, encoder: Encoder, query: str) -> np.ndarray:
        """Return the query's embedding, from the LRU when the same text was embedded before."""
        key = (encoder.fingerprint, query)
        with self._lock:
            vector = self._queries.get(key)
            if vector is not None:
                self._queries.move_to_end(key)
                return vector
        vector = encoder.encode([query], kind="query")[0]
        with self._lock:
            self._queries[key] = vector
            while len(self._queries) > self.query_cache:
                self._queries.popitem(last=False)
        return vector

    def _semantic(self, store: Store, query: str, pool: int, warnings: list[str]) -> _Semantic | None:
        """Return the best ``pool`` articles by cosine to the query (None when semantic search is off or the store
        has no vectors to rank)."""
        fp = store.get_setting("encoder")
        if fp is None:
            return None
        try:
            encoder = self.encoder
            mine = encoder.fingerprint
        except (EncoderError, MissingDependency) as exc:  # keyword search still works without a model
            warnings.append(f"semantic search off: the encoder is unavailable ({exc})")
            log.warning("semantic search off: %s", exc)
            return None
        if mine != fp:
            warnings.append(
                f"semantic search off: this store's vectors come from encoder {fp!r}, not {mine!r}; "
                "use the encoder the store was built with (--encoder or BABELWIRE_ENCODER)"
            )
            return None
        ids, matrix = self._vectors_of(store, fp) if self._vectors_of else self._vectors(store, fp)
        if not ids:  # nothing to rank (the query is not embedded); any article stored later may enter
            return None
        q = self._query_vector(encoder, query)
        sims = matrix @ q
        if len(sims) > pool:  # the best ``pool`` by a partial sort, then those in order
            best = np.argpartition(-sims, pool)[:pool]
            top = best[np.argsort(-sims[best], kind="stable")]
        else:
            top = np.argsort(-sims, kind="stable")
        return _Semantic(fp, q, [(ids[i], float(sims[i])) for i in top], complete=len(sims) <= pool)


@dataclass(frozen=True, slots=True)
class _Semantic:
    """The semantic half's pool: ``hits`` (best first) of ``encoder``'s ``vector``; ``complete`` when it
    holds every article."""

    encoder: str
    vector: np.ndarray
    hits: list[tuple[str, float]]
    complete: bool


def _reach(out: dict[str, Any], terms: Iterable[str], semantic: _Semantic | None, *,
           semantic_asked: bool) -> Reach | None:
    """Return the :class:`Reach` of the search result ``out``, or None when it cannot be bounded."""
    if semantic_asked and semantic is None:  # off or nothing ranked (no vectors yet, another encoder): unbounded
        return None
    if any(hit["story_id"] is None for hit in out["articles"]):
        return None
    stories = frozenset(hit["story_id"] for hit in out["articles"])
    if semantic is None:
        return Reach(stories, terms=tuple(terms))
    floor = float("-inf") if semantic.complete else semantic.hits[-1][1]
    return Reach(stories, encoder=semantic.encoder, vector=semantic.vector, floor=floor, terms=tuple(terms))


def search(
    store: Store,
    query: str,
    *,
    encoder: Encoder | str | None = None,
    limit: int = 20,
    mode: Mode = "hybrid",
    lang: str | None = None,
) -> dict[str, Any]:
    """Return the stories and articles matching ``query`` in ``store`` (see :meth:`Searcher.search`)."""
    return Searcher(store, encoder).search(query, limit=limit, mode=mode, lang=lang)
