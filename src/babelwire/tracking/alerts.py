"""Alerts: saved watches matched against what the changes feed says is new, fired once per story and reason.

An alert is a query in any language (semantic and keyword, as ``babelwire search`` matches) with optional
language and source filters and a number of independent sources. After each ingest ``run_alerts`` reads
each alert's part of the changes feed (from its own cursor), looks at the stories that gained articles,
and fires when

* ``new_story``: a story opened after the alert was added matches it;
* ``new_language``: a matching story gains its first report in a language (value: the language);
* ``min_sources``: a matching story reaches the alert's number of independent sources (copies and
  near-duplicates do not count; value: the number).

A firing is stored once per alert, story, reason and value, in the transaction that moves the alert's
cursor, so evaluating again (every batch, every poll) never fires twice. Delivery is ``tracking.webhooks``.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import settings, views
from ..errors import EncoderError, InvalidArgument, MissingDependency
from ..model import Alert, Firing
from ..search import query_terms
from ..signals import EmbeddingCache, Encoder, get_encoder
from ..store import StoreInterface

__all__ = ["add_alert", "remove_alert", "evaluate", "run_alerts", "AlertsRun", "REASONS", "story_matches"]

log = logging.getLogger(__name__)

REASONS = ("new_story", "new_language", "min_sources")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_WORD = re.compile(r"\w+", re.UNICODE)
_PAGE = 1000


@dataclass(slots=True)
class AlertsRun:
    """What one run of the alerts did: firings made, deliveries made and failed."""

    fired: list[Firing] = field(default_factory=list)
    delivered: int = 0
    failed: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the run as JSON-ready data."""
        return {"fired": [f.as_dict() for f in self.fired], "delivered": self.delivered, "failed": self.failed,
                "warnings": self.warnings}


def add_alert(store: StoreInterface, name: str, query: str, *, lang: str | None = None,
              source: str | None = None, min_sources: int | None = None, webhook: str | None = None,
              secret: str | None = None) -> Alert:
    """Save an alert (it sees what happens from now on); raises InvalidArgument or AlreadyExists."""
    if not _NAME.match(name or ""):
        raise InvalidArgument(f"alert name {name!r}: 1 to 64 letters, digits, '.', '_' or '-', first a letter "
                              "or digit")
    query = (query or "").strip()
    if not query:
        raise InvalidArgument("an alert needs a --query")
    if min_sources is not None and min_sources < 1:
        raise InvalidArgument(f"--min-sources must be 1 or more, not {min_sources}")
    if webhook is not None and not re.match(r"^https?://[^\s/]+", webhook):
        raise InvalidArgument(f"--webhook must be an http:// or https:// URL, not {webhook!r}")
    if secret is not None and webhook is None:
        raise InvalidArgument("--secret signs webhook deliveries: give a --webhook too")
    with store.transaction():
        return store.add_alert(Alert(name, query, lang or None, source or None, min_sources, webhook, secret))


def remove_alert(store: StoreInterface, name: str) -> None:
    """Delete the alert called ``name`` and its firings; raises NotFound."""
    with store.transaction():
        store.remove_alert(name)


def _fold(text: str) -> str:
    """Return ``text`` lower-cased without diacritics, as the keyword index compares words."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class _Matcher:
    """Says whether an article matches one alert: its language and source filters, then the query's meaning
    (cosine of the query's and the article's vectors) or every query word (as word prefixes)."""

    def __init__(self, store: StoreInterface, alert: Alert, query_vector: np.ndarray | None, encoder_fp: str | None,
                 min_similarity: float) -> None:
        self.store, self.alert = store, alert
        self.vector, self.fp, self.min_similarity = query_vector, encoder_fp, min_similarity
        self.terms = [_fold(t) for t in query_terms(alert.query)]
        self._seen: dict[str, bool] = {}

    def __call__(self, article_id: str) -> bool:
        if article_id not in self._seen:
            self._seen[article_id] = self._matches(article_id)
        return self._seen[article_id]

    def _matches(self, article_id: str) -> bool:
        a = self.store.get_article(article_id)
        if (self.alert.lang and a.lang != self.alert.lang) or (self.alert.source and a.source != self.alert.source):
            return False
        if self.vector is not None and self.fp is not None:
            v = self.store.article_vector(article_id, encoder=self.fp)
            if v is not None and v.shape == self.vector.shape and float(v @ self.vector) >= self.min_similarity:
                return True
        if not self.terms:
            return False
        words = {_fold(w) for w in _WORD.findall(f"{a.title}\n{a.text}")}
        return all(any(w.startswith(t) for w in words) for t in self.terms)


def story_matches(store: StoreInterface, alert: Alert, story_id: str, *, encoder: Encoder | None = None,
                  min_similarity: float | None = None) -> list[str]:
    """Return the ids of the articles of ``story_id`` that match ``alert`` (empty: the story does not)."""
    matcher = _matcher(store, alert, encoder, _min_similarity(min_similarity), [])
    return [m["id"] for m in store.story_members(story_id) if matcher(m["id"])]


def _min_similarity(value: float | None) -> float:
    return float(value if value is not None else settings.get("alert_min_similarity") or 0.82)


def _query_encoder(store: StoreInterface, encoder: Encoder | str | None, warnings: list[str]) -> Encoder | None:
    """Return the encoder that embeds alert queries: the store's own; None (keyword matching only) with a
    warning when it cannot load or differs from the one the store's vectors were made with."""
    fp = store.get_setting("encoder")
    if fp is None:
        return None
    try:
        enc = encoder if isinstance(encoder, Encoder) else get_encoder(encoder or store.get_setting("encoder_name"))
        mine = enc.fingerprint
    except (EncoderError, MissingDependency) as exc:
        warnings.append(f"alerts match by keyword only: the encoder is unavailable ({exc})")
        return None
    if mine != fp:
        warnings.append(f"alerts match by keyword only: this store's vectors come from encoder {fp!r}, not {mine!r}")
        return None
    return enc


def _matcher(store: StoreInterface, alert: Alert, encoder: Encoder | None, min_similarity: float,
             warnings: list[str]) -> _Matcher:
    """Return the alert's matcher; its query is embedded once per encoder and kept in the store's cache."""
    if encoder is None:
        return _Matcher(store, alert, None, None, min_similarity)
    vector = EmbeddingCache(encoder, store).embed([alert.query], kind="query")[0]
    return _Matcher(store, alert, vector, encoder.fingerprint, min_similarity)


@dataclass(slots=True)
class _Window:
    """What the changes after an alert's cursor did to stories: who arrived where, what merged into what."""

    last: int
    arrivals: dict[str, set[str]] = field(default_factory=dict)  # story -> articles that came in
    merged_from: dict[str, set[str]] = field(default_factory=dict)  # story -> stories merged into it

    def arrive(self, story_id: str, articles: Iterable[str]) -> None:
        self.arrivals.setdefault(story_id, set()).update(articles)


def _window(store: StoreInterface, cursor: int) -> _Window:
    """Return what happened to stories after ``cursor``, read from the changes feed a page at a time."""
    w = _Window(cursor)
    kinds = ["article.stored", "article.moved", "story.merged", "story.split"]
    while page := store.changes_after(w.last, _PAGE, kinds):
        for ch in page:
            d = ch.data
            if ch.kind == "article.stored":
                w.arrive(d["story_id"], [d["article_id"]])
            elif ch.kind == "article.moved":
                w.arrive(d["to"], [d["article_id"]])
            elif ch.kind == "story.merged":
                w.arrive(d["into"], d["articles"])
                w.merged_from.setdefault(d["into"], set()).add(d["from"])
            else:
                w.arrive(d["new_story"], d["articles"])
        w.last = page[-1].cursor
    w.last = max(w.last, store.changes_head())
    return w


def _languages(members: list[dict[str, Any]]) -> set[str]:
    return {m["lang"] for m in members if m["lang"]}


def _snapshot(store: StoreInterface, story_id: str, members: list[dict[str, Any]],
              matched: list[str]) -> dict[str, Any]:
    row = store.story_row(story_id)
    dates = sorted(m["published"] for m in members if m["published"])
    return {"id": story_id, "headline": row[1] if row else "", "languages": sorted(_languages(members)),
            "sources": sorted({m["source"] for m in members}),
            "independent_sources": views.independent_sources(members), "article_count": len(members),
            "first_published": dates[0] if dates else None, "last_published": dates[-1] if dates else None,
            "matched": matched}


def _evaluate_story(store: StoreInterface, alert: Alert, story_id: str, w: _Window, matcher: _Matcher) -> list[Firing]:
    """Fire what ``story_id`` owes ``alert`` after the window ``w``, and remember what the alert saw of it."""
    members = store.story_members(story_id)
    if not members:
        return []
    seen = store.alert_story(alert.name, story_id)
    arrived = set()
    for sid in [story_id, *w.merged_from.get(story_id, ())]:
        arrived |= w.arrivals.get(sid, set())
    # what the alert knew before: its own record, else the story as it was before the window's arrivals
    # (with what it knew of any story merged into this one)
    if seen is None:
        matched = [m["id"] for m in members if matcher(m["id"])]
        if not matched:
            return []
        is_new = bool(store.changes_after(alert.start_cursor, 1, ["story.created"], story_id=story_id))
        before = [m for m in members if m["id"] not in arrived]
        langs_before, sources_before = _languages(before), views.independent_sources(before)
        for old in w.merged_from.get(story_id, ()):
            if (known := store.alert_story(alert.name, old)) is not None:
                langs_before |= known[0]
                sources_before = max(sources_before, known[1])
        if is_new:
            langs_before, sources_before = _languages(members), 0
    else:
        matched = [m["id"] for m in members if m["id"] in arrived and matcher(m["id"])]
        langs_before, sources_before = seen
        is_new = False
    langs, sources = _languages(members), views.independent_sources(members)
    due: list[tuple[str, str]] = [("new_story", "")] if is_new else []
    due += [("new_language", lang) for lang in sorted(langs - langs_before)]
    n = alert.min_sources
    if n is not None and sources_before < n <= sources:
        due.append(("min_sources", str(n)))
    store.set_alert_story(alert.name, story_id, langs | langs_before, max(sources, sources_before))
    snap = _snapshot(store, story_id, members, matched)
    fired = []
    for reason, value in due:
        f = store.add_firing(alert.name, story_id, reason, value, cursor=w.last,
                             data={**snap, "query": alert.query}, delivery="pending" if alert.webhook else "none")
        if f is not None:
            fired.append(f)
    return fired


def _evaluate_alert(store: StoreInterface, name: str, encoder: Encoder | None, min_similarity: float,
                    warnings: list[str]) -> list[Firing]:
    """Evaluate one alert against the changes after its cursor, in one transaction; return its new firings."""
    with store.transaction():
        alert = store.get_alert(name)  # its cursor as committed, read under the write lock
        w = _window(store, alert.cursor)
        if w.last == alert.cursor:
            return []
        matcher = _matcher(store, alert, encoder, min_similarity, warnings)
        touched = dict.fromkeys(store.resolve_story(s) for s in w.arrivals)
        fired = [f for sid in touched for f in _evaluate_story(store, alert, sid, w, matcher)]
        store.set_alert_cursor(alert.name, w.last)
    for f in fired:
        log.info("alert %s fired for story %s: %s %s", f.alert, f.story_id, f.reason, f.value)
    return fired


def evaluate(store: StoreInterface, encoder: Encoder | str | None = None, *, min_similarity: float | None = None,
             warnings: list[str] | None = None) -> list[Firing]:
    """Evaluate every alert against the changes after its own cursor; return the new firings (none twice).

    ``encoder`` embeds the queries (default: the store's own encoder); without a usable one, alerts match by
    keyword only and ``warnings`` says why.
    """
    warnings = [] if warnings is None else warnings
    alerts = store.alerts()
    if not alerts:
        return []
    enc = _query_encoder(store, encoder, warnings)
    for message in warnings:
        log.warning("%s", message)
    threshold = _min_similarity(min_similarity)
    return [f for a in alerts for f in _evaluate_alert(store, a.name, enc, threshold, warnings)]


def run_alerts(store: StoreInterface, encoder: Encoder | str | None = None, **delivery: Any) -> AlertsRun:
    """Evaluate every alert, then deliver what is owed to webhooks; what ``ingest`` and ``watch`` call after
    each batch or poll. A failing webhook is recorded with its error and stops nothing else."""
    from .webhooks import deliver

    run = AlertsRun()
    if not store.alerts():
        return run
    run.fired = evaluate(store, encoder, warnings=run.warnings)
    run.delivered, run.failed = deliver(store, **delivery)
    return run
