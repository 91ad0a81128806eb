"""A story's established facts: a report of another occurrence does not join it.

A pair score can be high for a look-alike (the same people, another meeting): it may
match one member strongly. What the story's members say about the occurrence is
checked as a whole. A report of the same family of event (a call or a meeting; a vote;
a quake) that gives another day or fixed figure (magnitude, duration, vote count)
than most of the members it can be compared with reports another occurrence —
the call three days later, the aftershock — and stays out. A report of another kind
of event on another day is not refused: a story develops (the shooting, then the
arrest), and the pair score decides.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..signals.occurrence import compare_values
from ..signals.profile import ArticleSignals

__all__ = ["STORY_FACETS", "contradicted", "stories_contradict"]

# The facets a recurrence is told by: the day and the fixed figures.
# Places are left to the pair score: on the development pairs, refusing on them cost more stories of
# one event split (0.009 cross-validated F1) than they kept look-alikes apart (docs/similarity.md).
STORY_FACETS: tuple[str, ...] = ("day", "measure")


# positions in compare_values' tuple (day, quantity, place, kind, measure, family)
_AT = {"day": 0, "quantity": 1, "place": 2, "kind": 3, "measure": 4}
_FAMILY = 5


def _votes(s: ArticleSignals, members: Sequence[ArticleSignals], facets: Sequence[str]) -> dict[str, list[int]]:
    """Per facet, [members that agree, members whose report is another occurrence on it]: a contradiction
    counts only between kinds of one family (computed on compare_values' tuple: this runs for every join)."""
    votes = {f: [0, 0] for f in facets}
    if s.occurrence is None or s.occurrence.empty:
        return votes
    at = [(f, _AT[f]) for f in facets]
    for m in members:
        if m.occurrence is None:
            continue
        values = compare_values(s.occurrence, m.occurrence, names_a=s.entities.keys(), names_b=m.entities.keys(),
                                same_script=bool(s.script and s.script == m.script))
        same_family = values[_FAMILY] > 0
        for f, i in at:
            v = values[i]  # a calendar day weighs twice a weekday (see OccurrenceComparison)
            if v > 0:
                votes[f][0] += v
            elif v < 0 and same_family:
                votes[f][1] -= v
    return votes


def contradicted(s: ArticleSignals, members: Sequence[ArticleSignals], *,
                 facets: Sequence[str] = STORY_FACETS) -> list[str]:
    """Return the facets on which ``s`` reports another occurrence than more of ``members`` than
    agree with it (votes weighed by the strength of each comparison: a calendar day twice a weekday)."""
    return [f for f, (agree, against) in _votes(s, members, facets).items() if against > agree]


def stories_contradict(a: Sequence[ArticleSignals], b: Sequence[ArticleSignals], *,
                       facets: Sequence[str] = STORY_FACETS) -> list[str]:
    """Return the facets on which the members of two stories report other occurrences more than they agree."""
    total = {f: [0, 0] for f in facets}
    for s in a:
        for f, (agree, against) in _votes(s, b, facets).items():
            total[f][0] += agree
            total[f][1] += against
    return [f for f, (agree, against) in total.items() if against > agree]
