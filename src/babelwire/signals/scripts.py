"""The writing system an article is mostly written in (Latin, Cyrillic, Arabic, Han, …)."""

from __future__ import annotations

import re

__all__ = ["dominant_script"]

# Letters of each script; Japanese kana count with Han as "cjk", so Japanese with many kanji is one script.
_SCRIPTS = {
    "latin": re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]"),
    "greek": re.compile(r"[\u0370-\u03FF]"),
    "cyrillic": re.compile(r"[\u0400-\u052F]"),
    "armenian": re.compile(r"[\u0530-\u058F]"),
    "hebrew": re.compile(r"[\u0590-\u05FF]"),
    "arabic": re.compile(r"[\u0600-\u06FF\u0750-\u077F]"),
    "devanagari": re.compile(r"[\u0900-\u097F]"),
    "thai": re.compile(r"[\u0E00-\u0E7F]"),
    "georgian": re.compile(r"[\u10A0-\u10FF]"),
    "cjk": re.compile(r"[\u3040-\u30FF\u4E00-\u9FFF]"),
    "hangul": re.compile(r"[\uAC00-\uD7AF]"),
}


def dominant_script(text: str, *, sample: int = 1500) -> str | None:
    """Return the script of most letters in the first ``sample`` characters, or None without letters."""
    head = text[:sample]
    counts = {name: len(rx.findall(head)) for name, rx in _SCRIPTS.items()}
    best = max(counts, key=lambda k: counts[k])
    if counts[best]:
        return best
    return "other" if any(ch.isalpha() for ch in head) else None
