"""The writing system an article is mostly written in (Latin, Cyrillic, Arabic, Han, …)."""

from __future__ import annotations

from collections import Counter

__all__ = ["dominant_script"]

# (first code point, last code point, script); letters outside these count as "other".
_RANGES = (
    (0x0041, 0x024F, "latin"),
    (0x1E00, 0x1EFF, "latin"),
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0530, 0x058F, "armenian"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0x0900, 0x097F, "devanagari"),
    (0x0E00, 0x0E7F, "thai"),
    (0x10A0, 0x10FF, "georgian"),
    (0x3040, 0x30FF, "kana"),
    (0x4E00, 0x9FFF, "han"),
    (0xAC00, 0xD7AF, "hangul"),
)


def _script(ch: str) -> str | None:
    cp = ord(ch)
    for lo, hi, name in _RANGES:
        if lo <= cp <= hi:
            return name
    return "other" if ch.isalpha() else None


def dominant_script(text: str, *, sample: int = 1500) -> str | None:
    """Return the script of most letters in the first ``sample`` characters, or None without letters.

    Japanese kana and Han count together as "cjk" so Japanese with many kanji is one script.
    """
    counts: Counter[str] = Counter()
    for ch in text[:sample]:
        if ch.isalpha():
            s = _script(ch)
            if s:
                counts["cjk" if s in ("han", "kana") else s] += 1
    return counts.most_common(1)[0][0] if counts else None
