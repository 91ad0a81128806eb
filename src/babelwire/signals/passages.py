"""Splitting an article into the texts that get embedded: the whole, the title+lead, and passages."""

from __future__ import annotations

import re

__all__ = ["sentences", "passages", "lead"]

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
