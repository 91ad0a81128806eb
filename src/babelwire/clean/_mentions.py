"""Dates and weekdays a passage of text mentions (not publication dates): what the event signals read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ._dates import _CJK_DATE, _FALLBACK_LANG, _YMD, _tables, _valid

__all__ = ["DayMention", "day_mentions"]

# Weekday names as dateparser lists them are nominative; Slavic leads say "в среду", "w środę".
_EXTRA_WEEKDAYS: dict[str, dict[str, int]] = {
    "ru": {"среду": 2, "пятницу": 4, "субботу": 5},
    "uk": {"середу": 2, "п'ятницю": 4, "п’ятницю": 4, "суботу": 5, "неділю": 6},
    "bg": {"сряда": 2},
    "pl": {"środę": 2, "sobotę": 5, "niedzielę": 6},
    "cs": {"středu": 2, "sobotu": 5, "neděli": 6},
}
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


@dataclass(slots=True, frozen=True)
class DayMention:
    """A calendar day a text names: month and day, and the year when written."""

    month: int
    day: int
    year: int | None


@lru_cache(maxsize=64)
def _weekday_pattern(lang: str) -> tuple[re.Pattern[str] | None, dict[str, int]]:
    names = {k: v for k, v in _tables(lang).weekday_of.items() if len(k) >= 4 or _CJK.search(k)}
    names.update(_EXTRA_WEEKDAYS.get(lang, {}))
    if not names:
        return None, {}
    return _names_pattern(names), names


def _names_pattern(names: dict[str, int]) -> re.Pattern[str]:
    """Return a pattern of whole words ``names``; CJK names match anywhere (no spaces between words)."""
    cjk = [re.escape(n) for n in sorted(names, key=len, reverse=True) if _CJK.search(n)]
    words = [re.escape(n) for n in sorted(names, key=len, reverse=True) if not _CJK.search(n)]
    alts = ([r"(?<![^\W\d_])(?:" + "|".join(words) + r")(?![^\W\d_])"] if words else []) + cjk
    return re.compile("(" + "|".join(alts) + ")", re.IGNORECASE)


# A day number right before a month name ("1 февраля", "1. Februar", "1er février", "1 de febrero")
# or right after it ("February 1", "Jan. 21"), and a year after either.
_DAY_BEFORE = re.compile(r"(?<!\d)(\d{1,2})(?:\.|er|st|nd|rd|th)?\s*(?:de\s+|of\s+)?$")
_DAY_AFTER = re.compile(r"\.?\s*(\d{1,2})(?:st|nd|rd|th|\.)?(?!\d)")
_YEAR_AFTER = re.compile(r",?\s*(?:de\s+|г\.\s*)?((?:19|20)\d{2})(?!\d)")


def _named_days(text: str, lang: str) -> list[tuple[int, DayMention]]:
    t = _tables(lang)
    if t.months is None:
        return []
    out: list[tuple[int, DayMention]] = []
    for m in t.months.finditer(text):
        month = t.month_of.get(m.group(1).lower().rstrip("."))
        if month is None:
            continue
        before = _DAY_BEFORE.search(text[max(0, m.start() - 10) : m.start()])
        after = _DAY_AFTER.match(text, m.end()) if before is None else None
        if before is None and after is None:
            continue
        day = int((before or after).group(1))  # type: ignore[union-attr]
        year = _YEAR_AFTER.match(text, after.end() if after else m.end())
        out.append((m.start(), DayMention(month, day, int(year.group(1)) if year else None)))
    return out


def _numeric_days(text: str) -> list[tuple[int, DayMention]]:
    out = [(m.start(), DayMention(int(m.group(2)), int(m.group(3)), int(m.group(1)))) for m in _YMD.finditer(text)]
    out += [(m.start(), DayMention(int(m.group(2)), int(m.group(3)), int(m.group(1))))
            for m in _CJK_DATE.finditer(text)]
    cjk_md = re.finditer(r"(?<!\d|年)(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]", text)
    return out + [(m.start(), DayMention(int(m.group(1)), int(m.group(2)), None)) for m in cjk_md]


def _langs(lang: str | None) -> list[str]:
    return [lang, _FALLBACK_LANG] if lang and lang != _FALLBACK_LANG else [_FALLBACK_LANG]


def day_mentions(text: str, lang: str | None) -> tuple[list[DayMention], list[int]]:
    """Return the calendar days (in order) and the weekdays (0 = Monday) that ``text`` names.

    Only day-and-month dates count (a bare year or month does not name a day; 03/04
    cannot be read without the site's convention); impossible dates are dropped.
    Names are read in ``lang`` and in English.
    """
    found = _numeric_days(text)
    for code in _langs(lang):
        found += _named_days(text, code)
    days: list[DayMention] = []
    for _, d in sorted(found, key=lambda t: t[0]):
        # 2000 is a leap year: 29 February stays possible when the year is not written
        if _valid(d.year or 2000, d.month, d.day) is not None and d not in days:
            days.append(d)
    weekdays: list[int] = []
    for code in _langs(lang):
        pattern, names = _weekday_pattern(code)
        if pattern is None:
            continue
        for match in pattern.finditer(text):
            wd = names.get(match.group(1).lower())
            if wd is not None and wd not in weekdays:
                weekdays.append(wd)
    return days, weekdays
