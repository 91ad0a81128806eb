"""JSON-ready views of stored articles and stories, shared by the CLI and the REST API."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

import numpy as np

from .errors import NotFound
from .store import Store

T = TypeVar("T")

__all__ = ["article_json", "explain_article", "story_view", "copy_of", "story", "stories", "story_dict", "facets",
           "article_summaries", "independent_sources", "story_from_members"]


def independent_sources(members: list[dict[str, Any]]) -> int:
    """Return how many independent sources ``members`` (``story_members`` rows) come from: distinct outlets
    among the originals (copies and near-duplicates do not count); an original whose outlet is unknown (only
    its folder is) counts on its own."""
    originals = [m for m in members if not m["copy_of"]]
    return len({m["source"] for m in originals if m["source_known"]}) + sum(
        1 for m in originals if not m["source_known"])


def story_dict(store: Store, story_id: str, headline: str) -> dict[str, Any]:
    """Return the story in the JSON contract's shape: languages, dates, sources, copies and its articles."""
    return story_from_members(story_id, headline, store.story_members(story_id))


def story_from_members(story_id: str, headline: str, members: list[dict[str, Any]]) -> dict[str, Any]:
    """Return ``story_dict``'s shape from the story's members as ``Store.story_members`` gives them."""
    dates = sorted(m["published"] for m in members if m["published"])
    independent = independent_sources(members)
    return {
        "id": story_id,
        "headline": headline,
        "languages": sorted({m["lang"] for m in members if m["lang"]}),
        "article_count": len(members),
        "first_published": dates[0] if dates else None,
        "last_published": dates[-1] if dates else None,
        "sources": sorted({m["source"] for m in members}),
        "independent_sources": independent,
        "copies": sum(1 for m in members if m["copy_of"]),
        "articles": [
            {k: m[k] for k in ("id", "source", "lang", "title", "published", "path", "copy_of")} for m in members
        ],
    }


def story(store: Store, story_id: str) -> dict[str, Any]:
    """Return one story in the JSON contract's shape, following merge redirects; raises NotFound."""
    row = store.story_row(story_id)
    if row is None:
        raise NotFound(f"no story with id {story_id!r}")
    return story_dict(store, row[0], row[1])


def stories(store: Store, **filters: Any) -> list[dict[str, Any]]:
    """Return stories in the JSON contract's shape, most recently published first (filters: ``article_ids``,
    ``lang``, ``source``, ``since``, ``until``, ``limit``, ``offset``, as ``Store.story_rows`` takes them)."""
    rows = store.story_rows(**filters)
    members = store.story_members_of([i for i, _ in rows])  # one query, not one per story
    return [story_from_members(i, h, members.get(i, [])) for i, h in rows]


def facets(store: Store) -> dict[str, list[tuple[str, int]]]:
    """Return the languages and sources of stored articles with their article counts, most common first."""
    return {col: store.value_counts(col) for col in ("lang", "source")}


_SUMMARY_KEYS = ("id", "source", "lang", "title", "published", "path", "url", "story_id")


def article_summaries(store: Store, *, lang: str | None = None, source: str | None = None, limit: int = 100,
                      offset: int = 0) -> list[dict[str, Any]]:
    """Return articles (id, source, lang, title, published, path, url, story_id), newest ingested first."""
    rows = store.article_summary_rows(lang=lang, source=source, limit=limit, offset=offset)
    return [dict(zip(_SUMMARY_KEYS, r, strict=True)) for r in rows]


def article_json(store: Store, article_id: str) -> dict[str, Any]:
    """Return the article in the JSON contract's shape, with removed lines and membership evidence."""
    a = store.get_article(article_id)
    m = store.membership(article_id)
    return {
        "id": a.id,
        "lang": a.lang,
        "title": a.title,
        "published": a.published,
        "source": a.source,
        "path": a.origin,
        "story_id": m["story_id"] if m else None,
        "text": a.text,
        "url": a.url,
        "lang_confidence": a.lang_confidence,
        "published_provenance": a.published_provenance,
        "published_confidence": a.published_confidence,
        "removed": [{"line": r.line, "reason": r.reason} for r in a.removed],
        "evidence": m["evidence"] if m else None,
    }


def copy_of(evidence: dict[str, Any] | None) -> str | None:
    """Return the id of the article this one copies, when its evidence says so (``copy_of``)."""
    if not evidence:
        return None
    value = evidence.get("copy_of")
    if isinstance(value, dict):
        value = value.get("id") or value.get("article_id")
    return str(value) if value else None


def story_view(store: Store, story_id: str, *, top_terms: int = 8) -> dict[str, Any]:
    """Return the story (``Store.story``'s shape) with what its page shows beside it.

    Added keys: ``by_language`` (``[{"lang", "articles": [member + "copies"]}]``,
    copies nested under their original when the evidence names one),
    ``timeline`` (``[{"day", "articles"}]`` by publication day, undated last),
    and ``key_terms`` (``sources`` and ``independent_sources`` come with the story).
    """
    from .signals.terms import key_terms

    data = story(store, story_id)
    members = data["articles"]
    evidence = store.evidence_of(m["id"] for m in members)
    ids = {m["id"] for m in members}
    nodes = {m["id"]: {**m, "copy_of": copy_of(evidence.get(m["id"])), "copies": []} for m in members}
    originals = []
    for node in nodes.values():
        parent = node["copy_of"]
        if parent in ids and parent != node["id"]:
            nodes[parent]["copies"].append(node)
        else:
            originals.append(node)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node in originals:
        groups[node["lang"] or "?"].append(node)
    by_language = [
        {"lang": lang, "articles": arts}
        for lang, arts in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    days: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in members:
        days[(m["published"] or "")[:10]].append(m)
    timeline = [{"day": d or None, "articles": days[d]} for d in sorted(days, key=lambda d: (not d, d))]

    entities = _entities_from_evidence(evidence)
    if not entities:
        texts = [f"{a.title}\n{a.text}" for a in store.iter_articles([m["id"] for m in members])]
        entities = key_terms(texts, top=top_terms)
    return {
        **data,
        "by_language": by_language,
        "timeline": timeline,
        "key_terms": entities[:top_terms],
    }


def _entities_from_evidence(evidence: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the entities the scorer recorded in the members' evidence (``entities``: names), if any."""
    counts: dict[str, int] = defaultdict(int)
    for ev in evidence.values():
        names = ev.get("entities") or []
        if isinstance(names, dict):
            names = list(names)
        for name in {str(n) for n in names if isinstance(n, str | int)}:
            counts[name] += 1
    ranked = sorted(counts, key=lambda n: (-counts[n], n))
    return [{"term": n, "articles": counts[n], "forms": [n]} for n in ranked]


def explain_article(
    store: Store,
    article_id: str,
    *,
    nearest: int = 3,
    vectors: tuple[list[str], np.ndarray] | None = None,
    position: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Return why the article sits in its story: the stored evidence and score, and the stories
    whose articles are closest to it by cosine (with the store's encoder), its own included.

    ``vectors`` is ``store.article_vectors(encoder=...)`` when the caller keeps it (the web app
    does), with ``position`` (article id -> row) if it keeps that too; otherwise the store's
    nearest-neighbour look-up answers, without loading every vector.
    """
    if not store.has_article(article_id):
        raise NotFound(f"no article with id {article_id!r}")
    m = store.membership(article_id)
    out: dict[str, Any] = {
        "article_id": article_id,
        "story_id": m["story_id"] if m else None,
        "score": m["score"] if m else None,
        "evidence": m["evidence"] if m else None,
        "copy_of": copy_of(m["evidence"]) if m else None,
        "encoder": store.get_setting("encoder"),
        "nearest_stories": [],
    }
    fp = out["encoder"]
    if not fp:
        return out
    pool = 50 * (nearest + 1)  # nearest articles looked through for the nearest stories
    near: Iterator[tuple[str, float]]
    if vectors is not None:  # the caller's copy of every vector: rank them here
        ids, matrix = vectors
        row = position.get(article_id, -1) if position is not None else -1
        if not 0 <= row < len(ids) or ids[row] != article_id:  # no position, or one of another copy
            try:
                row = ids.index(article_id)
            except ValueError:
                return out
        sims = matrix @ matrix[row]
        near = ((ids[i], float(sims[i])) for i, _ in zip(_most_similar(sims), range(pool), strict=False))
    else:  # the store's look-up, which need not load every vector
        v = store.article_vector(article_id, encoder=fp)
        if v is None:
            return out
        near = iter(store.nearest_articles(v, pool, encoder=fp))
    best: dict[str, tuple[float, str]] = {}
    for chunk in _chunks(near, 25):  # the stories of the nearest articles, a query per chunk
        story_of = store.stories_of([other for other, _ in chunk])
        for other, cos in chunk:
            sid = story_of.get(other)
            if other == article_id or sid is None or sid in best:
                continue
            best[sid] = (cos, other)
            if len(best) >= nearest + 1:
                break
        if len(best) >= nearest + 1:
            break
    for sid, (cos, other) in sorted(best.items(), key=lambda kv: -kv[1][0])[: nearest + 1]:
        found = store.story_row(sid)
        headline = found[1] if found else None
        out["nearest_stories"].append(
            {"story_id": sid, "headline": headline, "cosine": round(cos, 4), "closest_article": other,
             "is_own_story": sid == out["story_id"]}
        )
    return out


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Yield ``items`` in lists of ``size`` (the last one shorter)."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _most_similar(sims: np.ndarray, first: int = 64) -> Iterator[int]:
    """Yield indices of ``sims`` from the largest down: the top ``first`` by a partial sort, then the rest."""
    if len(sims) <= first:
        yield from np.argsort(-sims).tolist()
        return
    top = np.argpartition(-sims, first)[:first]
    top = top[np.argsort(-sims[top])]
    yield from top.tolist()
    rest = np.ones(len(sims), dtype=bool)
    rest[top] = False
    others = np.flatnonzero(rest)
    yield from others[np.argsort(-sims[others])].tolist()
