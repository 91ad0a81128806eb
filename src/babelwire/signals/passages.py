"""Splitting an article into the texts that get embedded: the whole, the title+lead, and passages."""

from __future__ import annotations

import re

__all__ = ["sentences", "passages", "lead", "sentence_spans", "passage_spans", "lead_span"]

Span = tuple[int, int]

# Sentence ends: Latin/Cyrillic punctuation followed by space+capital/quote, or CJK/Arabic full stops.
_SENT = re.compile(r"(?<=[.!?…])\s+(?=[\"'«“„(\[]?[A-ZА-ЯЁÀ-ÖØ-ÞĀ-ſΑ-Ω\d])|(?<=[。！？؟])|\n+")


def sentences(text: str) -> list[str]:
    """Return the sentences of ``text`` (a rough, language-independent split)."""
    return [s.strip() for s in _SENT.split(text) if s and s.strip()]


def passages(text: str, *, max_chars: int = 360, min_chars: int = 80) -> list[str]:
    """Return consecutive groups of whole sentences of about ``max_chars`` characters each."""
    out: list[str] = []
    cur = ""
    for s in sentences(text):
        if cur and len(cur) + 1 + len(s) > max_chars:
            out.append(cur)
            cur = s
        else:
            cur = f"{cur} {s}" if cur else s
    if cur:
        if out and len(cur) < min_chars:
            out[-1] = f"{out[-1]} {cur}"
        else:
            out.append(cur)
    return out


def lead(title: str, text: str, *, max_chars: int = 300) -> str:
    """Return the title followed by the body's first sentences, up to about ``max_chars``."""
    body = text[len(title):].lstrip() if title and text.startswith(title) else text
    out = title.strip()
    for s in sentences(body):
        if len(out) >= max_chars * 0.6:
            break
        out = f"{out}\n{s}" if out else s
    return out[: max_chars * 2]


def sentence_spans(text: str) -> list[Span]:
    """Return the ``(start, end)`` of each of ``sentences(text)`` in ``text``."""
    out: list[Span] = []
    pos = 0
    for m in _SENT.finditer(text):
        _strip_into(text, pos, m.start(), out)
        pos = m.end()
    _strip_into(text, pos, len(text), out)
    return out


def _strip_into(text: str, a: int, b: int, out: list[Span]) -> None:
    part = text[a:b]
    left = len(part) - len(part.lstrip())
    right = len(part.rstrip())
    if right > left:
        out.append((a + left, a + right))


def passage_spans(text: str, *, max_chars: int = 360, min_chars: int = 80) -> list[Span]:
    """Return the spans of ``passages(text)``: consecutive whole sentences, each group counted as
    ``passages`` counts it (sentences joined by one space)."""
    out: list[Span] = []
    size = 0  # the length passages() would give the current group
    cur: Span | None = None
    for a, b in sentence_spans(text):
        if cur is not None and size + 1 + (b - a) > max_chars:
            out.append(cur)
            cur, size = (a, b), b - a
        elif cur is None:
            cur, size = (a, b), b - a
        else:
            cur, size = (cur[0], b), size + 1 + (b - a)
    if cur is not None:
        if out and size < min_chars:
            out[-1] = (out[-1][0], cur[1])
        else:
            out.append(cur)
    return out


def lead_span(text: str, *, max_chars: int = 300) -> Span:
    """Return the span of ``text``'s opening (the title line, then the first sentences), about
    ``max_chars`` long: what ``lead`` gives when ``text`` starts with the title."""
    end = 0
    for _a, b in sentence_spans(text):
        if end >= max_chars * 0.6:
            break
        end = b
    return (0, min(end, max_chars * 2))
