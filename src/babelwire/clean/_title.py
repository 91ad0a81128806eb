"""Title: declared or from metadata, else the headline-like line before the body."""

from __future__ import annotations

import re

from ._lines import DATE, TEXT, UI, Line

__all__ = ["pick_title", "same_text", "fallback_title"]

_NORM = re.compile(r"[\W_]+")
_MAX_TITLE_WORDS = 40
_FALLBACK_WORDS = 16
_SENTENCE = re.compile(r"(?<=[.!?…。！？])\s")


def _norm(text: str) -> str:
    return _NORM.sub(" ", text.lower()).strip()


def same_text(a: str, b: str) -> bool:
    """Return True when two lines are the same text up to case, spacing and punctuation."""
    na = _norm(a)
    return bool(na) and na == _norm(b)


def pick_title(before: list[Line], after: list[Line]) -> Line | None:
    """Return the line before the body that is the title, or None.

    A line that is repeated after the body wins; otherwise the longest headline-like
    line (site names and section words are short, author lines shorter than titles).
    """
    candidates = [
        ln
        for ln in before
        if ln.kind not in (DATE, UI)
        and 3 <= ln.words <= _MAX_TITLE_WORDS
        and not ln.reason.startswith("recurs")
    ]
    if not candidates:
        return None
    after_norm = {_norm(ln.text) for ln in after}
    for ln in candidates:
        if _norm(ln.text) in after_norm:
            return ln
    headline = [ln for ln in candidates if ln.kind != TEXT] or candidates
    return max(headline, key=lambda ln: (min(ln.words, 20), ln.index))


def fallback_title(body: str) -> str:
    """Return the first sentence of ``body``, cut to a headline's length."""
    first = _SENTENCE.split(body.split("\n", 1)[0], maxsplit=1)[0]
    words = first.split()
    if len(words) > _FALLBACK_WORDS:
        return " ".join(words[:_FALLBACK_WORDS]) + " …"
    return first
