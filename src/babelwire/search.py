"""Search stored articles in any language: semantic (query embedding vs article vectors) plus keyword
(SQLite full-text), fused by reciprocal rank and grouped by story."""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Literal

import numpy as np

from . import views
from .errors import EncoderError, MissingDependency
from .signals import Encoder, get_encoder
from .store import Store

__all__ = ["Searcher", "search", "query_terms"]

log = logging.getLogger(__name__)

Mode = Literal["hybrid", "semantic", "keyword"]

_WORD = re.compile(r"\w+", re.UNICODE)


def query_terms(query: str) -> list[str]:
    """Return the distinct words of ``query`` that keyword search matches (as prefixes), in order."""
    return list(dict.fromkeys(w.lower() for w in _WORD.findall(query) if len(w) >= 2 or w.isdigit()))


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
        store = store or self.store
        query = query.strip()
        out: dict[str, Any] = {"query": query, "mode": mode, "stories": [], "articles": [], "warnings": []}
        if not query:
            return out
        terms = query_terms(query)
        ranked = self._fused(store, query, terms, max(limit * 3, 50), mode, out["warnings"])
        out["articles"] = _article_hits(store, ranked, terms, lang=lang, limit=limit)
        out["stories"] = _story_hits(store, out["articles"])
        return out

    def _fused(self, store: Store, query: str, terms: list[str], pool: int, mode: Mode,
               warnings: list[str]) -> dict[str, dict[str, Any]]:
        """Return article id -> ``{"score", "cosine", "keyword_rank"}``: the reciprocal-rank fusion of the
        best ``pool`` semantic and keyword hits (those ``mode`` asks for), in the order first found."""
        ranked: dict[str, dict[str, Any]] = {}
        if mode in ("hybrid", "semantic"):
            for rank, (aid, cos) in enumerate(self._semantic(store, query, pool, warnings)):
                hit = ranked.setdefault(aid, {"score": 0.0, "cosine": None, "keyword_rank": None})
                hit["cosine"] = round(cos, 4)
                hit["score"] += 1.0 / (self.rrf_k + rank + 1)
        if mode in ("hybrid", "keyword"):
            for rank, (aid, _) in enumerate(store.keyword_search(terms, limit=pool)):
                hit = ranked.setdefault(aid, {"score": 0.0, "cosine": None, "keyword_rank": None})
                hit["keyword_rank"] = rank + 1
                hit["score"] += 1.0 / (self.rrf_k + rank + 1)
        return ranked

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

    def _semantic(self, store: Store, query: str, pool: int, warnings: list[str]) -> list[tuple[str, float]]:
        fp = store.get_setting("encoder")
        if fp is None:
            return []
        try:
            encoder = self.encoder
            mine = encoder.fingerprint
        except (EncoderError, MissingDependency) as exc:  # keyword search still works without a model
            warnings.append(f"semantic search off: the encoder is unavailable ({exc})")
            log.warning("semantic search off: %s", exc)
            return []
        if mine != fp:
            warnings.append(
                f"semantic search off: this store's vectors come from encoder {fp!r}, not {mine!r}; "
                "use the encoder the store was built with (--encoder or BABELWIRE_ENCODER)"
            )
            return []
        ids, matrix = self._vectors_of(store, fp) if self._vectors_of else self._vectors(store, fp)
        if not ids:
            return []
        q = self._query_vector(encoder, query)
        sims = matrix @ q
        if len(sims) > pool:  # the best ``pool`` by a partial sort, then those in order
            best = np.argpartition(-sims, pool)[:pool]
            top = best[np.argsort(-sims[best], kind="stable")]
        else:
            top = np.argsort(-sims, kind="stable")
        return [(ids[i], float(sims[i])) for i in top]


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
