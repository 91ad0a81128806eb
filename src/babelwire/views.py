"""JSON-ready views of stored articles and stories, shared by the CLI and the REST API."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import numpy as np

from .errors import NotFound
from .store import Store

__all__ = ["article_json", "explain_article", "story_view", "copy_of"]


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

    story = store.story(story_id)
    members = story["articles"]
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
        **story,
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
) -> dict[str, Any]:
    """Return why the article sits in its story: the stored evidence and score, and the stories
    whose articles are closest to it by cosine (with the store's encoder), its own included.

    ``vectors`` is ``store.article_vectors(encoder=...)`` when the caller keeps it (the web app
    does, so each explanation need not load every vector again).
    """
    store.get_article(article_id)  # NotFound for unknown ids
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
    ids, matrix = vectors if vectors is not None else store.article_vectors(encoder=fp)
    try:
        row = ids.index(article_id)
    except ValueError:
        return out
    sims = matrix @ matrix[row]
    best: dict[str, tuple[float, str]] = {}
    for i in _most_similar(sims):
        other = ids[i]
        if other == article_id:
            continue
        om = store.membership(other)
        sid = om["story_id"] if om else None
        if sid is None or sid in best:
            continue
        best[sid] = (float(sims[i]), other)
        if len(best) >= nearest + 1:
            break
    for sid, (cos, other) in sorted(best.items(), key=lambda kv: -kv[1][0])[: nearest + 1]:
        try:
            headline = store.story(sid)["headline"]
        except NotFound:
            headline = None
        out["nearest_stories"].append(
            {"story_id": sid, "headline": headline, "cosine": round(cos, 4), "closest_article": other,
             "is_own_story": sid == out["story_id"]}
        )
    return out


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
