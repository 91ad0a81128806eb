"""Line-level boilerplate classification of plain text and the choice of the body region."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._ui import has_ui_phrase, is_ui_line

__all__ = ["Line", "classify_lines", "body_span", "mark_link_lists"]

# What a line looks like decides its kind; the kind's weight decides whether it pulls
# the body region towards it (positive) or pushes it away (negative).
TEXT, SHORT, DATE, COUNTER, UI, SYMBOL, URL, RECURRING, LINKLIST = (
    "text",
    "short",
    "date",
    "counter",
    "ui",
    "symbol",
    "url",
    "recurring",
    "link list",
)

REASONS = {
    SHORT: "headline-like line outside the body",
    DATE: "date/time line",
    COUNTER: "counter",
    UI: "site interface text",
    SYMBOL: "no letters",
    URL: "link or address",
    LINKLIST: "link list",
    TEXT: "text outside the body",
}

# Kinds that never belong to a body, wherever they sit.
ALWAYS_BOILERPLATE = frozenset({DATE, COUNTER, UI, SYMBOL, URL, RECURRING})

_WEIGHTS = {
    SHORT: -2.0,
    DATE: -3.0,
    COUNTER: -3.0,
    UI: -6.0,
    SYMBOL: -1.0,
    URL: -3.0,
    RECURRING: -8.0,
    LINKLIST: -4.0,
}

_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"\S+")
_DATEISH = re.compile(
    r"\d{1,2}:\d{2}|(?<!\d)\d{4}(?!\d)|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2}"
    r"|\d+\s*(?:年|월|月)"
)
_NUMBER = re.compile(r"\d")
_FULL_DATE_OR_TIME = re.compile(
    r"\d{1,2}:\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2}"
)
_URLISH = re.compile(
    r"^(?:https?://|www\.)\S+$|^\S+@\S+\.\w+$|^\S+\.(?:com|org|net|bg|ru|az)\S*$", re.I
)
# Sentence-final punctuation, allowing closing quotes/brackets after it.
_TERMINAL = re.compile(r"[.!?…。！？;:»\"”’')\]]\s*$")
_SENTENCE_END = re.compile(r"[.!?…。！？](?:[\"”’»')\]]*)\s*$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# A navigation bar flattened into one line: "Home | News | World | Sports".
_MENU_SEP = re.compile(r"\s*[|•·›]\s*|\s{2,}|\s+/\s+")


@dataclass(slots=True)
class Line:
    """One non-blank input line with its kind, the reason it would be removed and its weight."""

    index: int
    text: str
    kind: str
    words: int
    weight: float = 0.0
    reason: str = ""


def _word_count(text: str) -> int:
    cjk = len(_CJK.findall(text))
    # CJK scripts write no spaces; about two characters make a word.
    return len(_WORD.findall(text)) + cjk // 2


def _is_menu(text: str) -> bool:
    parts = [p for p in _MENU_SEP.split(text) if p.strip()]
    return len(parts) >= 3 and all(_word_count(p) <= 3 for p in parts) and not _SENTENCE_END.search(text)


def classify_line(text: str, anywhere_possible: bool = True) -> tuple[str, int]:
    """Return the kind of one stripped line and its word count."""
    words = _word_count(text)
    letters = len(_LETTER.findall(text))
    if letters == 0:
        if _FULL_DATE_OR_TIME.search(text):
            return DATE, words
        return (COUNTER if _NUMBER.search(text) else SYMBOL), words
    if _URLISH.match(text):
        return URL, words
    if is_ui_line(text, words, anywhere_possible) or _is_menu(text):
        return UI, words
    if words <= 6 and _DATEISH.search(text) and letters <= 22:
        return DATE, words
    if words <= 4 and _NUMBER.search(text) and letters <= 12:
        return COUNTER, words
    if _SENTENCE_END.search(text) and words >= 4:
        return TEXT, words
    if _TERMINAL.search(text) and words >= 8:
        return TEXT, words
    if words >= 25:
        return TEXT, words
    return SHORT, words


def classify_lines(texts: list[str]) -> list[Line]:
    """Return a Line for each non-blank text, keeping its position in ``texts``."""
    lines = []
    anywhere = has_ui_phrase("\n".join(texts))
    for i, text in enumerate(texts):
        if not text:
            continue
        kind, words = classify_line(text, anywhere)
        lines.append(Line(i, text, kind, words))
    return lines


def mark_link_lists(lines: list[Line]) -> None:
    """Mark runs of headline/timestamp pairs and of bare headlines as link lists, in place."""
    n = len(lines)
    # Headline followed by a timestamp line, repeated: a related-news list.
    paired = [False] * n
    for i in range(n - 1):
        if lines[i].kind in (TEXT, SHORT) and lines[i + 1].kind == DATE:
            paired[i] = True
    for i in range(n):
        if not paired[i]:
            continue
        prev_pair = i >= 2 and paired[i - 2]
        next_pair = i + 2 < n and paired[i + 2]
        if prev_pair or next_pair:
            lines[i].kind = LINKLIST
    # Three or more headline-like lines in a row, or continuing a list.
    i = 0
    while i < n:
        if lines[i].kind != SHORT:
            i += 1
            continue
        j = i
        while j < n and lines[j].kind == SHORT:
            j += 1
        touches_list = (i > 0 and lines[i - 1].kind in (LINKLIST, DATE)) or (
            j < n and lines[j].kind == LINKLIST
        )
        if j - i >= 3 or (touches_list and j - i >= 2):
            for k in range(i, j):
                lines[k].kind = LINKLIST
        i = j


def weigh(lines: list[Line]) -> None:
    """Set each line's weight and removal reason from its kind, in place."""
    for line in lines:
        if line.kind == TEXT:
            line.weight = float(min(line.words, 60))
        else:
            line.weight = _WEIGHTS.get(line.kind, -2.0)
        if not line.reason:
            line.reason = REASONS.get(line.kind, line.kind)


def body_span(lines: list[Line]) -> tuple[int, int] | None:
    """Return [start, end) of the contiguous run of lines with the largest total weight."""
    best = 0.0
    best_span = None
    total = 0.0
    start = 0
    for i, line in enumerate(lines):
        if total <= 0:
            total = 0.0
            start = i
        total += line.weight
        if total > best:
            best = total
            best_span = (start, i + 1)
    return best_span
