"""Turning an article's stored evidence into a readable explanation."""

from __future__ import annotations

from typing import Any

__all__ = ["explain_text"]

_SIGNAL_NAMES = {
    "cos_full": "whole-text similarity",
    "cos_lead": "title+lead similarity",
    "passage_max": "best matching passages",
    "passage_mean": "passage alignment",
    "cos_vs_background": "similarity above the usual for these articles",
    "cos_centred": "similarity, language offsets taken out",
    "lead_vs_background": "title+lead similarity above the usual",
    "cross_script": "different writing systems",
    "cross_script_vs_background": "similarity above the usual, across scripts",
    "time_prior": "publication dates far apart",
    "crosslingual_cos": "cross-language similarity",
    "same_lang": "same language",
    "entities": "shared names",
    "has_entities": "both name people/places",
    "numbers": "shared numbers",
    "has_numbers": "both give numbers",
    "same_source": "same outlet",
    "day_agree": "the event's day agrees",
    "day_conflict": "the event's day differs",
    "has_days": "both give the event's day",
    "quantity_agree": "the same measured quantity agrees",
    "quantity_conflict": "the same measured quantity differs",
    "has_quantities": "both measure the same quantity",
    "place_agree": "the event's place agrees",
    "place_conflict": "the event's place differs",
    "has_places": "both give the event's place",
    "kind_agree": "the kind of event agrees",
    "kind_conflict": "the kind of event differs",
    "has_kinds": "both name the kind of event",
}


_FACT_NAMES = {"day": "event's day", "place": "place", "kind": "kind of event", "quantity": "figures",
               "measure": "fixed figures (magnitude, duration, votes)"}


def explain_text(article: dict[str, Any]) -> str:
    """Return a plain-text explanation of why ``article`` (as ``article_json`` gives it) is in its story."""
    ev = article.get("evidence") or {}
    lines = [f"{article['id']} is in story {article['story_id']}."]
    if ev.get("reason") == "copy":
        lines.append(f"It is a {ev['copy_kind']} copy of {ev['copy_of']} (similarity {ev['copy_similarity']}), "
                     "so it joined that article's story and does not count as an independent source.")
        if ev.get("original_arrived_later"):
            lines.append(f"It was stored first, but {ev['copy_of']}, which arrived later, was published before it.")
    elif ev.get("reason") == "original of a copy":
        lines.append(f"It was published before {ev['original_of']}, stored earlier, which is a {ev['copy_kind']} "
                     f"copy of it (similarity {ev['copy_similarity']}): it joined that story as the original.")
    elif ev.get("reason") == "linked by a user":
        lines.append(f"A user linked it to {ev.get('linked_to')}.")
    elif ev.get("reason") == "unlinked by a user":
        lines.append(f"A user took it out of story {ev.get('unlinked_from')}.")
    elif "story_score" in ev and "candidate_story" not in ev:
        lines.append(f"It joined because its match with the story scored {ev['story_score']} "
                     f"(threshold {ev['threshold']}); best match: {ev.get('best_match')}.")
    elif "story_score" in ev and any(r["story"] == ev["candidate_story"] for r in ev.get("refused", [])):
        lines.append(f"It opened a new story: every story that scored at the threshold ({ev['threshold']}) "
                     "reports another occurrence (below).")
    elif "story_score" in ev:
        lines.append(f"It opened a new story: the closest story, {ev['candidate_story']}, scored only "
                     f"{ev['story_score']} (threshold {ev['threshold']}).")
    else:
        lines.append("It opened a new story: no earlier story was close enough (or in its time window).")
    for r in ev.get("refused", []):
        facts = " and ".join(_FACT_NAMES.get(f, f) for f in r["conflicts"])
        lines.append(f"It did not join story {r['story']} (scored {r['story_score']}): it reports another "
                     f"occurrence of that kind of event — its {facts} contradicts what most of that story's "
                     "articles report.")
    for m in ev.get("matches", []):
        lines.append(f"  match {m['article']}: probability {m['probability']}")
    contrib = ev.get("contributions") or {}
    if contrib:
        lines.append("Signals of the best match (value, contribution to the log-odds):")
        for k, c in contrib.items():
            if abs(c) < 0.005:
                continue
            lines.append(f"  {_SIGNAL_NAMES.get(k, k):<48} {ev['signals'].get(k, 0):>8.3f}  {c:+.3f}")
    if ev.get("moved"):
        mv = ev["moved"]
        lines.append(f"It was later moved by the {mv.get('by')} (from story {mv.get('from')}).")
    return "\n".join(lines)
