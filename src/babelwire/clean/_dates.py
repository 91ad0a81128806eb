"""Publication dates: metadata first, else candidates near the top of the text in any language."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

__all__ = ["FoundDate", "find_date", "normalise_declared", "declared_date", "date_order", "EARLIEST_YEAR"]

log = logging.getLogger(__name__)

# An article is not published after it was read; allow a day for time zones.
_READ_SLACK = timedelta(days=1)
_FALLBACK_LANG = "en"


@dataclass(slots=True)
class FoundDate:
    """A publication date with where it came from and how sure we are."""

    value: datetime
    has_time: bool
    provenance: str
    confidence: float

    def iso(self) -> str:
        """Return the date as ISO 8601: a date, or a datetime when a time was found."""
        if self.has_time:
            return (
                self.value.replace(tzinfo=None).isoformat(timespec="seconds")
                if self.value.tzinfo is None
                else self.value.isoformat(timespec="seconds")
            )
        return self.value.date().isoformat()


@dataclass(slots=True, frozen=True)
class _Tables:
    months: re.Pattern[str] | None
    month_of: dict[str, int]
    weekdays: re.Pattern[str] | None
    weekday_of: dict[str, int]
    order: str
    relative: re.Pattern[str] | None = None


_MONTH_KEYS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_DAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Word boundaries for alphabetic scripts; CJK names sit between other CJK characters.
_CJK_CHARS = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"
_BOUND_L = r"(?<![^\W\d_" + _CJK_CHARS + "])"
_BOUND_R = r"(?![^\W\d_" + _CJK_CHARS + "])"


def _alternation(names: dict[str, int]) -> re.Pattern[str] | None:
    if not names:
        return None
    alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(_BOUND_L + "(" + alts + ")" + _BOUND_R + r"\.?", re.IGNORECASE)


@lru_cache(maxsize=64)
def _tables(lang: str) -> _Tables:
    """Return month and weekday names of ``lang`` from dateparser's locale data."""
    from dateparser.languages.loader import default_loader

    try:
        info = default_loader.get_locale(lang).info
    except Exception:  # noqa: BLE001 - KeyError, ValueError … for a language dateparser lacks
        log.debug("no dateparser locale for %s", lang)
        info = {}

    def names(keys: tuple[str, ...], min_len: int) -> dict[str, int]:
        out: dict[str, int] = {}
        for number, key in enumerate(keys):
            for name in info.get(key, []):
                name = name.lower()
                cjk = re.search("[" + _CJK_CHARS + "]", name) is not None
                # CJK month names carry digits ("2月") and are read by _CJK_DATE instead.
                if any(ch.isdigit() for ch in name) or name.startswith("("):
                    continue
                if len(name) >= (2 if cjk else min_len):
                    out.setdefault(name, number)
        return out

    months = names(_MONTH_KEYS, 3)
    days = names(_DAY_KEYS, 3)
    # Words that make a line worth handing to dateparser as a relative date.
    rel_words: set[str] = set()
    for key in ("ago", "in", "hour", "minute", "day", "week"):
        rel_words.update(w.lower() for w in info.get(key, []) if len(w) >= 2)
    for words in (info.get("relative-type") or {}).values():
        rel_words.update(w.lower() for w in words if len(w) >= 2)
    relative = (
        re.compile("|".join(re.escape(w) for w in sorted(rel_words, key=len, reverse=True)))
        if rel_words
        else None
    )
    return _Tables(
        _alternation(months),
        {k: v + 1 for k, v in months.items()},
        _alternation(days),
        days,
        str(info.get("date_order", "DMY")),
        relative,
    )


def date_order(lang: str | None) -> str:
    """Return the usual order of day, month and year for ``lang`` ("DMY", "MDY" or "YMD")."""
    return _tables(lang or _FALLBACK_LANG).order


_TIME = re.compile(
    r"[\s,|·•–—\-/(]*(?:[^\W\d_]{1,5}\.?\s*)?(\d{1,2})(?::|h)(\d{2})(?::(\d{2}))?"
    r"(?!\d)\s*(a\.?m\.?|p\.?m\.?)?",
    re.IGNORECASE,
)
_YEAR_END = r"(?=\D|$|\d{1,2}:\d{2})"
_YMD = re.compile(r"(?<!\d)(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?!\d)(?:T(?=\d))?")
_XYZ = re.compile(r"(?<![\d.])(\d{1,2})([-./])(\d{1,2})\2(\d{4}|\d{2})" + _YEAR_END)
_CJK_DATE = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?")


@dataclass(slots=True)
class _Candidate:
    year: int
    first: int  # day or month, as written first
    second: int
    ambiguous_order: bool  # first/second may be day/month or month/day
    day_first: bool  # the reading when not ambiguous
    start: int
    end: int
    named_month: bool
    has_year: bool = True


def _named(year: int, day: int, month: int, start: int, end: int, *, has_year: bool = True) -> _Candidate:
    """Return a candidate with a named month: day and month are never ambiguous."""
    return _Candidate(year, day, month, False, True, start, end, True, has_year)


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _year(text: str) -> int:
    y = int(text)
    return y + 2000 if y < 100 and len(text) == 2 else y


def _candidates(line: str, tables: list[_Tables]) -> list[_Candidate]:
    """Return the dates written in ``line``, in the order they start.

    Numeric dates come first; month names are then looked for in each of ``tables`` with month
    names, until a table (or a CJK date) has given a date with a named month.
    """
    found = _numeric_candidates(line)
    for t in tables:
        if t.months is None:
            continue
        found.extend(_month_name_candidates(line, t.months, t.month_of))
        if any(c.named_month for c in found):
            break
    found.sort(key=lambda c: c.start)
    return found


def _numeric_candidates(line: str) -> list[_Candidate]:
    """Return the numeric dates in ``line``: year-month-day, CJK (2022年2月1日), then day and month
    in either order with the year last, unless it starts inside a date already found."""
    found: list[_Candidate] = []
    for m in _YMD.finditer(line):
        found.append(
            _Candidate(
                int(m.group(1)),
                int(m.group(3)),
                int(m.group(2)),
                False,
                True,
                m.start(),
                m.end(),
                False,
            )
        )
    for m in _CJK_DATE.finditer(line):  # 2022年2月1日: the month is marked, so the order is known
        found.append(_named(int(m.group(1)), int(m.group(3)), int(m.group(2)), m.start(), m.end()))
    for m in _XYZ.finditer(line):
        if any(c.start <= m.start() < c.end for c in found):
            continue
        a, b = int(m.group(1)), int(m.group(3))
        found.append(
            _Candidate(
                _year(m.group(4)),
                a,
                b,
                a <= 12 and b <= 12 and a != b,
                a > 12 or b <= 12,
                m.start(),
                m.end(),
                False,
            )
        )
    return found


def _month_name_candidates(line: str, months: re.Pattern[str], month_of: dict[str, int]) -> list[_Candidate]:
    """Return the dates in ``line`` written with one of the month names ``months`` matches
    (``month_of`` gives each name's number), in the order the names occur."""
    found: list[_Candidate] = []
    for m in months.finditer(line):
        month = month_of.get(m.group(1).lower())
        if month is None:
            continue
        cand = _around_month(line, m, month)
        if cand is not None:
            found.append(cand)
    return found


def _around_month(line: str, m: re.Match[str], month: int) -> _Candidate | None:
    """Return the date around the month name ``m`` in ``line``, or None when no day is next to it.

    A day before the name ("1 February", "1. Februar", "1 de febrero") takes a year after it,
    or none; a day after it ("February 1st") takes a year after the day, else one before the name.
    """
    before = line[max(0, m.start() - 8) : m.start()]
    after = line[m.end() : m.end() + 14]
    day_before = re.search(r"(?<!\d)(\d{1,2})\.?\s*(?:de\s+|of\s+)?$", before)
    year_before = re.search(r"(?<!\d)(\d{4})\.?\s*$", before)
    day_after = re.match(r"\s*(\d{1,2})(?:st|nd|rd|th|\.)?(?!\d)", after)
    year_after = re.match(r",?\s*(?:de\s+|г\.\s*)?(\d{4})" + _YEAR_END, after)
    start = m.start()
    if day_before:
        day, first = int(day_before.group(1)), start - len(day_before.group(0))
        if year_after:
            return _named(int(year_after.group(1)), day, month, first, m.end() + year_after.end())
        return _named(0, day, month, first, m.end(), has_year=False)
    if day_after:
        day = int(day_after.group(1))
        rest = after[day_after.end() :]
        y_after = re.match(r",?\s*(\d{4})" + _YEAR_END, rest)
        if y_after:
            return _named(int(y_after.group(1)), day, month, start,
                          m.end() + day_after.end() + y_after.end())
        if year_before:
            return _named(int(year_before.group(1)), day, month,
                          start - len(year_before.group(0)), m.end() + day_after.end())
    return None


def _time_after(line: str, end: int) -> tuple[int, int, int] | None:
    m = _TIME.match(line, end)
    if not m or m.end() - end > 24:
        return None
    h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    ampm = (m.group(4) or "").lower().replace(".", "")
    if ampm == "pm" and h < 12:
        h += 12
    elif ampm == "am" and h == 12:
        h = 0
    if h > 23 or mi > 59 or s > 59:
        return None
    return h, mi, s


def _weekday_near(line: str, cand: _Candidate, tables: list[_Tables]) -> int | None:
    best: tuple[int, int] | None = None
    for t in tables:
        if t.weekdays is None:
            continue
        for m in t.weekdays.finditer(line):
            dist = cand.start - m.end() if m.end() <= cand.start else m.start() - cand.end
            if 0 <= dist <= 40 or -1 <= dist <= 0:
                day = t.weekday_of.get(m.group(1).lower())
                if day is not None and (best is None or dist < best[0]):
                    best = (max(dist, 0), day)
    return best[1] if best else None


@dataclass(slots=True)
class _Context:
    read_at: datetime | None
    order: str
    site_day_first: bool | None
    year_lines: list[str] | None = None  # where the year of a date written without one may be found
    tables: list[_Tables] | None = None
    _page_year: int | None = -1

    @property
    def page_year(self) -> int | None:
        """Return the one year the page's full dates agree on (computed on first use), or None."""
        if self._page_year == -1:
            self._page_year = _page_year(self.year_lines or [], self.tables or [], self.read_at)
        return self._page_year


def _resolve(cand: _Candidate, weekday: int | None, ctx: _Context) -> tuple[date, float] | None:
    """Return the calendar date a candidate means, and the confidence of that reading."""
    limit = (ctx.read_at + _READ_SLACK).date() if ctx.read_at else None
    readings: list[tuple[date, bool]] = []
    orders = (True, False) if cand.ambiguous_order else (cand.day_first,)
    for day_first in orders:
        d, m = (cand.first, cand.second) if day_first else (cand.second, cand.first)
        if cand.has_year:
            years = [cand.year]
        elif ctx.page_year is not None:
            years = [ctx.page_year]
        else:
            # "1 февраля" alone: the read time says nothing about the year (an old report read today)
            return None
        for y in years:
            value = _valid(y, m, d)
            if value is not None and (limit is None or value <= limit):
                readings.append((value, day_first))
                break
    if not readings:
        return None
    base_conf = 0.9 if cand.named_month else 0.85
    if not cand.has_year:
        base_conf = 0.6
    if weekday is not None:
        matching = [r for r in readings if r[0].weekday() == weekday]
        if matching:
            return matching[0][0], base_conf
        base_conf -= 0.2  # the weekday contradicts every reading
    if len(readings) == 1:
        conf = base_conf if not cand.ambiguous_order else 0.75
        return readings[0][0], conf
    if ctx.site_day_first is not None:
        pick = [r for r in readings if r[1] == ctx.site_day_first]
        if pick:
            return pick[0][0], 0.7
    locale_day_first = not ctx.order.startswith("M")
    pick = [r for r in readings if r[1] == locale_day_first] or readings
    return pick[0][0], 0.6


def _site_order(lines: list[str]) -> bool | None:
    """Return True/False when unambiguous numeric dates in the page show day-first/month-first."""
    votes = [0, 0]
    for line in lines:
        for m in _XYZ.finditer(line):
            a, b = int(m.group(1)), int(m.group(3))
            if a > 12 and b <= 12:
                votes[0] += 1
            elif b > 12 and a <= 12:
                votes[1] += 1
    if votes[0] and not votes[1]:
        return True
    if votes[1] and not votes[0]:
        return False
    return None


def _page_year(lines: list[str], tables: list[_Tables], read_at: datetime | None) -> int | None:
    """Return the year every full date on the page is in, when there is exactly one such year."""
    last = (read_at + _READ_SLACK).year if read_at else date.today().year + 1
    years = {c.year for line in lines for c in _candidates(line, tables) if c.has_year}
    years = {y for y in years if EARLIEST_YEAR <= y <= last}
    return years.pop() if len(years) == 1 else None


def find_date(
    top: list[tuple[int, str]],
    lang: str | None,
    read_at: datetime | None,
    page: list[str] | None = None,
    relative: list[tuple[int, str]] | None = None,
) -> FoundDate | None:
    """Return the publication date found in ``top`` (line number, text) pairs, or None.

    ``top`` is searched in order and the first date that is not after ``read_at``
    wins. ``page`` (all lines) shows the site's day/month order; ``relative`` lines
    are tried with dateparser for "yesterday" or "2 hours ago" when no absolute date is found.
    """
    langs = [lang] if lang else []
    if _FALLBACK_LANG not in langs:
        langs.append(_FALLBACK_LANG)
    tables = [_tables(code) for code in langs]
    ctx = _Context(read_at, tables[0].order, _site_order(page or [t for _, t in top]))
    ctx.year_lines, ctx.tables = [t for _, t in top] + list(page or []), tables
    for number, line in top:
        for cand in _candidates(line, tables):
            weekday = _weekday_near(line, cand, tables)
            resolved = _resolve(cand, weekday, ctx)
            if resolved is None:
                continue
            value, conf = resolved
            clock = _time_after(line, cand.end)
            when = datetime(value.year, value.month, value.day)
            if clock:
                when = when.replace(hour=clock[0], minute=clock[1], second=clock[2])
                if read_at is not None and when > read_at.replace(tzinfo=None) + _READ_SLACK:
                    continue
            how = "weekday" if weekday is not None and cand.ambiguous_order else "text"
            return FoundDate(when, clock is not None, f"{how}:line {number}", conf)
    for number, line in relative or []:
        low = line.lower()
        if not any(t.relative is not None and t.relative.search(low) for t in tables):
            continue
        if any(t.months is not None and t.months.search(line) for t in tables) and not _ANY_YEAR.search(line):
            continue  # "1 февраля, 14:30 часа": dateparser would put it in the current year
        found = _relative(line, langs, read_at)
        if found is not None:
            return FoundDate(found[0], found[1], f"relative:line {number}", 0.7)
    return None


_HAS_CLOCK = re.compile(r"\d{1,2}:\d{2}")
_ANY_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")


def _relative(
    line: str, langs: list[str], read_at: datetime | None
) -> tuple[datetime, bool] | None:
    import dateparser

    base = (read_at or datetime.now()).replace(tzinfo=None)
    settings = {
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "STRICT_PARSING": False,
    }
    try:
        value = dateparser.parse(line, languages=langs, settings=settings)  # type: ignore[arg-type]
    except (ValueError, OverflowError, TypeError):
        return None
    if value is None or value > base + _READ_SLACK or value < base - timedelta(days=3650):
        return None
    # A bare weekday or month name parses too; demand something date-like in the result.
    has_time = (
        bool(_HAS_CLOCK.search(line))
        or value.date() == base.date()
        and (value.hour, value.minute) != (base.hour, base.minute)
    )
    return value, has_time


_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
# Before this a "publication date" is a typo or a placeholder (0001-01-01, 1900-01-01 is kept).
EARLIEST_YEAR = 1800


def _dateparser_languages(lang: str | None) -> list[str]:
    from dateparser.languages.loader import default_loader

    langs = [_FALLBACK_LANG]
    if lang and lang != _FALLBACK_LANG:
        try:
            default_loader.get_locale(lang)
            langs.insert(0, lang)
        except Exception:  # noqa: BLE001 - dateparser raises several kinds for a language it lacks
            log.debug("dateparser has no language %r", lang)
    return langs


def _parse_declared(value: str, lang: str | None) -> datetime | date | None:
    if _ISO.match(value):
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
            return datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T"))
        except ValueError:  # ISO-shaped but impossible: 2024-02-30, 2024-06-01T25:61
            return None
    import dateparser

    try:
        return dateparser.parse(value, languages=_dateparser_languages(lang),
                                settings={"RETURN_AS_TIMEZONE_AWARE": False})
    except Exception:  # noqa: BLE001 - dateparser raises ValueError, OverflowError, TypeError … on odd input
        log.debug("dateparser failed on %r", value, exc_info=True)
        return None


def declared_date(
    value: str, lang: str | None = None, read_at: datetime | None = None
) -> tuple[str | None, str | None]:
    """Return ``(ISO 8601 date, None)`` for a declared date, or ``(None, reason)`` when it is not one.

    Impossible dates, dates before 1800 and dates after ``read_at`` (plus a day for
    time zones) are not publication dates.
    """
    value = value.strip() if isinstance(value, str) else ""
    if not value:
        return None, "no date given"
    parsed = _parse_declared(value, lang)
    if parsed is None:
        return None, f"not a date: {value[:40]!r}"
    day = parsed.date() if isinstance(parsed, datetime) else parsed
    if day.year < EARLIEST_YEAR:
        return None, f"date {day.isoformat()} is before {EARLIEST_YEAR}"
    limit = (read_at or datetime.now(UTC)) + _READ_SLACK
    if day > limit.date():
        return None, f"date {day.isoformat()} is after the article was read"
    if not isinstance(parsed, datetime):
        return parsed.isoformat(), None
    if (
        not _ISO.match(value)
        and (parsed.hour, parsed.minute, parsed.second) == (0, 0, 0)
        and not _HAS_CLOCK.search(value)
    ):
        return parsed.date().isoformat(), None
    return parsed.isoformat(timespec="seconds"), None


def normalise_declared(value: str, lang: str | None = None) -> str | None:
    """Return a declared date (metadata) as ISO 8601, or None when it cannot be read (never raises)."""
    return declared_date(value, lang)[0]
