"""Numbers, amounts and years in a text, normalised so that 100 000, 100,000 and 100.000 meet."""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["number_keys", "iter_numbers"]

_NUM = re.compile(r"(?<![\w.,])(\d{1,3}(?:[ \u00a0\u202f.,’']\d{3})+|\d+)(?:[.,](\d+))?(?![\w])")
# Magnitude words: stems of at least 4 letters match as prefixes ("хиляди", "millones"); shorter
# words must match whole, since "min" is a thousand in Azerbaijani but minutes in English.
_MULT_STEMS = {
    "thousand": 1e3, "тыс": 1e3, "хиляд": 1e3, "tausend": 1e3, "mille": 1e3, "тисяч": 1e3,
    "million": 1e6, "милион": 1e6, "миллион": 1e6, "мільйон": 1e6, "milyon": 1e6, "millón": 1e6, "millones": 1e6,
    "billion": 1e9, "милиард": 1e9, "миллиард": 1e9, "milliard": 1e9, "milyar": 1e9,
}
_MULT_WORDS = {
    "min": 1e3, "mindən": 1e3, "minə": 1e3, "bin": 1e3, "binden": 1e3, "mil": 1e3, "млн": 1e6, "mln": 1e6,
    "mio": 1e6, "mn": 1e6, "млрд": 1e9, "mrd": 1e9, "bn": 1e9,
}
_CJK_MULT = {"万": 1e4, "亿": 1e8}
_TOKEN = re.compile(r"[^\W\d_]+")


def _value(intpart: str, frac: str | None) -> float:
    digits = re.sub(r"[ \u00a0\u202f.,’']", "", intpart)
    return float(f"{digits}.{frac}") if frac else float(digits)


def iter_numbers(text: str) -> Iterator[tuple[float, int]]:
    """Yield (value, end) for each number of ``text``: its value scaled by a magnitude word that follows
    (``100 хиляди`` -> 100000), and where it ends (after the magnitude word, if any)."""
    for m in _NUM.finditer(text):
        try:
            v = _value(m.group(1), m.group(2))
        except ValueError:
            continue
        end = m.end()
        tail = text[end : end + 16].lower()
        stripped = tail.lstrip()
        if stripped[:1] in _CJK_MULT:
            v *= _CJK_MULT[stripped[0]]
            end += len(tail) - len(stripped) + 1
        elif (tok := _TOKEN.match(stripped)) is not None:
            word = tok.group(0)
            mult = _MULT_WORDS.get(word) or next((f for st, f in _MULT_STEMS.items() if word.startswith(st)), None)
            if mult:
                v *= mult
                end += len(tail) - len(stripped) + tok.end()
        yield v, end


def number_keys(text: str) -> set[str]:
    """Return canonical keys of the informative numbers in ``text``.

    Numbers 0–10 are dropped (too common to tell stories apart); a number
    followed by a magnitude word is scaled (``100 хиляди`` -> 100000).
    """
    return {f"{v:.6g}" for v, _ in iter_numbers(text) if not (v <= 10 and v == int(v))}
