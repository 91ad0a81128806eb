"""What occurrence an article reports: the event's day, its measured quantities, its place and its kind.

Embeddings see the same people and vocabulary in two reports of one topic; these
facts tell two occurrences apart (another call of the same ministers three days
earlier, an aftershock after the quake). Each is read cheaply and offline from the
title and lead (quantities from the whole body) and compared pairwise in
``compare``: agreement is evidence for one story, a contradiction evidence against.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from anyascii import anyascii

from ..clean._mentions import DayMention, day_mentions
from ._lexicon import EVENT_KINDS, UNITS
from .entities import name_key
from .numbers import iter_numbers
from .passages import lead

__all__ = ["FIXED_UNITS", "KIND_FAMILY", "Occurrence", "OccurrenceComparison", "occurrence_of", "compare",
           "compare_values", "event_kinds", "quantities",
           "places", "event_days", "fold"]

_LEAD_CHARS = 400
_QUANTITY_CHARS = 3000


@dataclass(slots=True, frozen=True)
class Occurrence:
    """The facts of the reported occurrence that two reports of one event share.

    ``days``: days of the year (1–366, in a leap year) the lead gives for the event,
    with ``years`` beside them where known; ``weekdays``: weekdays the lead names or
    its dated days fall on; ``quantities``: (unit, value) pairs of the body;
    ``places``: name keys of the dateline and of the places the lead puts the event in;
    ``kinds``: kinds of event the title and lead name (call, meeting, vote, quake…).
    """

    days: frozenset[int] = frozenset()
    weekdays: frozenset[int] = frozenset()
    quantities: frozenset[tuple[str, float]] = frozenset()
    places: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    # derived once, for pairwise comparison: unit -> values, and whether anything is known
    by_unit: dict[str, tuple[float, ...]] = field(init=False, compare=False, repr=False)
    empty: bool = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        by_unit: dict[str, list[float]] = {}
        for u, v in self.quantities:
            by_unit.setdefault(u, []).append(v)
        object.__setattr__(self, "by_unit", {u: tuple(vs) for u, vs in by_unit.items()})
        object.__setattr__(self, "empty",
                           not (self.days or self.weekdays or self.quantities or self.places or self.kinds))

    def as_json(self) -> dict[str, list]:
        """Return the occurrence as JSON-ready lists (sorted, so equal occurrences give equal JSON)."""
        return {"days": sorted(self.days), "weekdays": sorted(self.weekdays),
                "quantities": sorted([u, v] for u, v in self.quantities), "places": sorted(self.places),
                "kinds": sorted(self.kinds)}

    @classmethod
    def from_json(cls, data: dict[str, list]) -> Occurrence:
        """Return the occurrence ``as_json`` wrote."""
        return cls(frozenset(data.get("days", ())), frozenset(data.get("weekdays", ())),
                   frozenset((str(u), float(v)) for u, v in data.get("quantities", ())),
                   frozenset(data.get("places", ())), frozenset(data.get("kinds", ())))


# -- days ---------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _relative_words(lang: str) -> tuple[tuple[str, int], ...]:
    from dateparser.languages.loader import default_loader

    try:
        rel = default_loader.get_locale(lang).info.get("relative-type") or {}
    except (KeyError, ValueError, AttributeError):
        return ()
    out = [(w.lower(), 0) for w in rel.get("0 day ago", []) if len(w) >= 3]
    out += [(w.lower(), 1) for w in rel.get("1 day ago", []) if len(w) >= 3]
    return tuple(sorted(out, key=lambda t: -len(t[0])))


def _day_of_year(month: int, day: int) -> int:
    return date(2000, month, day).timetuple().tm_yday  # a leap year: 29 February has a place


def event_days(text: str, lang: str | None, published: date | None) -> tuple[frozenset[int], frozenset[int]]:
    """Return the days of the year and the weekdays ``text`` (a lead) gives for its event.

    With a publication date, "yesterday"/"today" and a bare weekday resolve to days
    (the last such weekday on or before it), a year-less date takes the year that
    puts it on or before publication. A lead that names no day gives none: taking
    the publication day instead cost 0.01 cross-validated pair F1 on the development
    pairs (a follow-up filed days later reads as another day).
    """
    mentions, weekdays = day_mentions(text, lang)
    days: set[int] = set()
    wds: set[int] = set(weekdays)
    for m in mentions:
        days.add(_day_of_year(m.month, m.day))
        when = _dated(m, published)
        if when is not None:
            wds.add(when.weekday())
    if published is not None:
        low = text.lower()
        for word, back in _relative_words(lang or "en"):
            if _word_in(word, low):
                days.add((published - timedelta(days=back)).timetuple().tm_yday)
                wds.add((published - timedelta(days=back)).weekday())
        for wd in weekdays:
            back = (published.weekday() - wd) % 7
            days.add(_doy(published - timedelta(days=back)))
    return frozenset(days), frozenset(wds)


def _doy(d: date) -> int:
    return _day_of_year(d.month, d.day)


def _dated(m: DayMention, published: date | None) -> date | None:
    years = [m.year] if m.year else ([published.year, published.year - 1] if published else [])
    for y in years:
        try:
            d = date(y, m.month, m.day)
        except ValueError:
            continue
        if m.year or published is None or d <= published + timedelta(days=1):
            return d
    return None


def _word_in(word: str, low: str) -> bool:
    i = low.find(word)
    while i >= 0:
        before = low[i - 1] if i else " "
        after = low[i + len(word)] if i + len(word) < len(low) else " "
        if not before.isalnum() and not after.isalnum():
            return True
        i = low.find(word, i + 1)
    return False


# -- kinds and quantities -----------------------------------------------------------------

_TOKEN = re.compile(r"\w+", re.UNICODE)
_WORD_STEM = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
# Scripts whose words \w splits (Devanagari vowel signs are not word characters): matched as substrings.
_UNSEGMENTED = re.compile(r"[\u0900-\u097f\uac00-\ud7af]")
_AR_PREFIX = re.compile(r"^(?:و|ب|ل|ف)?(?:ال)?")


@dataclass(slots=True, frozen=True)
class _Stems:
    words: dict[str, tuple[tuple[str, str], ...]]  # first 3 letters -> (stem, label)
    phrases: tuple[tuple[str, str], ...]  # multi-word, CJK, very short or unsegmentable stems: substrings


def fold(text: str) -> str:
    """Return ``text`` as the lexicon is matched: casefolded, accents and vowel marks taken off, one
    space between words (Turkish İ folds to i, not to i and a combining dot)."""
    text = unicodedata.normalize("NFD", text.replace("İ", "i").casefold())
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).split())


def _is_word(stem: str) -> bool:
    return len(stem) >= 3 and _WORD_STEM.fullmatch(stem) is not None and not _CJK.search(stem)


def _stems(table: dict[str, dict[str, tuple[str, ...]]], lang: str) -> _Stems:
    words: dict[str, list[tuple[str, str]]] = {}
    phrases: list[tuple[str, str]] = []
    for label, by_lang in table.items():
        for stem in by_lang.get(lang, ()):
            stem = fold(stem)
            if _is_word(stem):
                words.setdefault(stem[:3], []).append((stem, label))
            else:
                phrases.append((stem, label))
    return _Stems({k: tuple(v) for k, v in words.items()}, tuple(phrases))


@lru_cache(maxsize=64)
def _kind_stems(lang: str) -> _Stems:
    return _stems(EVENT_KINDS, lang)


@lru_cache(maxsize=64)
def _unit_stems(lang: str) -> _Stems:
    return _stems(UNITS, lang)


def _labels_of_token(token: str, stems: _Stems) -> set[str]:
    out = {label for stem, label in stems.words.get(token[:3], ()) if token.startswith(stem)}
    if not out and token[:1] in "وبلف" or token.startswith("ال"):
        bare = _AR_PREFIX.sub("", token)
        if bare != token:
            out = {label for stem, label in stems.words.get(bare[:3], ()) if bare.startswith(stem)}
    return out


def _langs(lang: str | None) -> tuple[str, ...]:
    return (lang, "en") if lang and lang != "en" else ("en",)


def _kinds_in(text: str, lang: str | None) -> set[str]:
    low = fold(text)
    tokens = _TOKEN.findall(low)
    kinds: set[str] = set()
    for code in _langs(lang):
        stems = _kind_stems(code)
        kinds.update(label for phrase, label in stems.phrases if _phrase_in(phrase, low))
        for tok in tokens:
            kinds |= _labels_of_token(tok, stems)
    if "call" in kinds:  # a phone call is talks too: the more specific kind is the kind
        kinds.discard("meeting")
    return kinds


def event_kinds(text: str, lang: str | None) -> frozenset[str]:
    """Return the kinds of event (EVENT_KINDS) that ``text`` — a title and lead — names.

    All of them: a headline often names one aspect ("as pay talks resume") and the
    lead another, so two reports of one event share a kind where their sets meet.
    """
    return frozenset(_kinds_in(text, lang))


def _phrase_in(phrase: str, low: str) -> bool:
    """A phrase matches as a prefix at a word start; CJK and other unsegmented scripts anywhere."""
    if _CJK.search(phrase) or not phrase[:1].isalnum() or _UNSEGMENTED.search(phrase):
        return phrase in low
    i = low.find(phrase)
    while i >= 0:
        if i == 0 or not low[i - 1].isalnum():
            return True
        i = low.find(phrase, i + 1)
    return False


_PERCENT = re.compile(r"\s?%|\s?٪")
# "euro" would read "European" as a currency
_NOT_UNITS = ("europ", "европ", "європ", "ευρωπ")


def quantities(text: str, lang: str | None) -> frozenset[tuple[str, float]]:
    """Return (unit, value) for the numbers of ``text`` that say what they measure ("45 minutes")."""
    out: set[tuple[str, float]] = set()
    stems = [_unit_stems(code) for code in _langs(lang)]
    for value, end in iter_numbers(text[:_QUANTITY_CHARS]):
        tail = text[end : end + 24]
        if _PERCENT.match(tail):
            out.add(("percent", value))
            continue
        for unit in _units_after(fold(tail), stems):
            out.add((unit, value))
    return frozenset(out)


def _units_after(tail: str, stems: list[_Stems]) -> set[str]:
    found: set[str] = set()
    tokens = [t for t in _TOKEN.findall(tail)[:2] if not t.startswith(_NOT_UNITS)]  # a magnitude word, the unit
    for s in stems:
        found.update(label for phrase, label in s.phrases if tail.startswith(phrase))
        for tok in tokens:
            found |= _labels_of_token(tok, s)
            if found:
                break
    return found


# -- places -------------------------------------------------------------------------------

# A dateline: a capitalised place (or two) at the very start of the body, then a dash, an
# agency in brackets, or a comma and a date: "GENEVA (Reuters) -", "Москва, 1 февраля. /ТАСС/".
_DATELINE = re.compile(
    r"^\s*([^\W\d_][\w'’.\-]*(?:[ \-][^\W\d_][\w'’.\-]*)?)\s*(?:\([^)]{1,30}\)\s*)?(?:[—–\-]|,\s*\d|,\s*[^\W\d_]+\s+\d)"
)
# Prepositions that put an event in a place, by language, before a capitalised name.
_LOCATIVE = {
    "en": ("in", "at"), "de": ("in", "im"), "fr": ("à", "au"), "es": ("en",), "pt": ("em", "no", "na"),
    "it": ("a", "in", "ad"), "nl": ("in", "te"), "pl": ("w", "we"), "ru": ("в", "во"), "uk": ("в", "у"),
    "bg": ("в", "във"), "cs": ("v", "ve"), "ro": ("la", "în"), "sv": ("i",), "el": ("στη", "στην", "στο"),
}
_CAP_WORD = re.compile(r"[^\W\d_a-zа-яёα-ω][\w'’\-]+")
# Turkish marks the locative of a name after an apostrophe (Cenevre'de); Azerbaijani writes it on (Bakıda).
_TR_LOCATIVE = re.compile(r"([^\W\d_][\w\-]+)['’](?:da|de|ta|te|nda|nde)\b")
_AZ_LOCATIVE = re.compile(r"\b([A-ZÇƏĞIİÖŞÜ][\wəğıöşüç]{2,}?)(?:nda|ndə|da|də|ta|tə)\b")


def places(body: str, lead_text: str, lang: str | None) -> frozenset[str]:
    """Return name keys of the dateline of ``body`` and of the places ``lead_text`` puts the event in."""
    keys: set[str] = set()
    m = _DATELINE.match(body)
    if m and (m.group(1)[:1].isupper()):
        keys.update(_keys(m.group(1)))
    preps = _LOCATIVE.get(lang or "", ()) + (_LOCATIVE["en"] if lang != "en" else ())
    for prep in preps:
        for hit in re.finditer(r"(?<!\w)" + re.escape(prep) + r"\s+(" + _CAP_WORD.pattern + ")", lead_text):
            keys.update(_keys(hit.group(1)))
    if lang in ("tr", "az"):
        keys.update(k for hit in _TR_LOCATIVE.finditer(lead_text) for k in _keys(hit.group(1)))
    if lang == "az":
        keys.update(k for hit in _AZ_LOCATIVE.finditer(lead_text) for k in _keys(hit.group(1)))
    return frozenset(keys)


def _keys(span: str) -> list[str]:
    words = [w for w in re.split(r"[\s\-]+", span) if w[:1].isupper() or w.isupper()]
    return [k for w in words if len(k := name_key(w)) >= 3 and len(anyascii(w)) >= 3]


# -- the whole occurrence and pairwise comparison -------------------------------------------


def occurrence_of(title: str, text: str, lang: str | None, published: date | None) -> Occurrence:
    """Return the occurrence an article reports, from its title, body, language and publication date
    (pass the date only when it is publication-grade: it resolves "yesterday" and bare weekdays)."""
    ld = lead(title, text, max_chars=_LEAD_CHARS)
    body = text[len(title):].lstrip() if title and text.startswith(title) else text
    days, weekdays = event_days(ld, lang, published)
    return Occurrence(days, weekdays, quantities(text, lang), places(body, ld, lang), event_kinds(ld, lang))


# Quantities one occurrence has once and for all (a quake's magnitude, how long a call lasted, how
# many voted for a bill), unlike tolls and counts that grow as an event is reported.
FIXED_UNITS = frozenset({"magnitude", "minute", "hour", "votes", "seats"})


@dataclass(slots=True, frozen=True)
class OccurrenceComparison:
    """How two occurrences compare, facet by facet: above 0 agree, below 0 contradict, 0 unknown.

    ``day`` is ±2 when calendar days were compared and ±1 when only weekdays were (the same
    weekday a week later is common: weekly meetings, a strike every Monday).
    ``quantity`` compares every measured quantity the two share; ``measure`` only those
    in FIXED_UNITS, which reports of one occurrence cannot disagree on.
    """

    day: int
    quantity: int
    place: int
    kind: int
    measure: int = 0
    family: int = 0  # the kinds belong to one family (a call and a meeting are both encounters)

    def conflicts(self) -> list[str]:
        """Return the facets that contradict each other."""
        return [f for f in ("day", "quantity", "place", "kind", "measure") if getattr(self, f) < 0]


_UNKNOWN = OccurrenceComparison(0, 0, 0, 0, 0, 0)

# Kinds of one family: an event recurring in another kind of the family is another occurrence.
KIND_FAMILY = {"call": "encounter", "meeting": "encounter", "summit": "encounter", "vote": "vote",
               "election": "vote", "strike": "mobilisation", "protest": "mobilisation"}


@lru_cache(maxsize=4096)
def _families(kinds: frozenset[str]) -> frozenset[str]:
    return frozenset(KIND_FAMILY.get(k, k) for k in kinds)


def _gap(a: int, b: int, cycle: int) -> int:
    d = abs(a - b)
    return min(d, cycle - d)


def _compare_sets(a: frozenset[int], b: frozenset[int], cycle: int) -> int:
    """+1 when the sets share a day; -1 when every day of one is at least two from every day of the
    other; 0 otherwise (a day apart: time zones, a report of the evening filed the next day)."""
    if a & b:
        return 1
    return -1 if all(_gap(x, y, cycle) >= 2 for x in a for y in b) else 0


def _compare_days(a: Occurrence, b: Occurrence) -> int:
    if a.days and b.days:
        return 2 * _compare_sets(a.days, b.days, 366)
    if a.weekdays and b.weekdays:
        return _compare_sets(a.weekdays, b.weekdays, 7)
    return 0


def _compare_quantities(a: Occurrence, b: Occurrence) -> tuple[int, int]:
    """Return how all shared units compare, and how the FIXED_UNITS among them compare."""
    by_a, by_b = a.by_unit, b.by_unit
    if not by_a or not by_b:
        return 0, 0
    agree = conflict = fixed_agree = fixed_conflict = 0
    for u, vb in by_b.items():
        va = by_a.get(u)
        if va is None:
            continue
        same = any(abs(x - y) <= 0.02 * max(abs(x), abs(y)) for x in va for y in vb)
        agree += same
        conflict += not same
        if u in FIXED_UNITS:
            fixed_agree += same
            fixed_conflict += not same
    if not (agree or conflict):
        return 0, 0
    fixed = 0 if not (fixed_agree or fixed_conflict) else (1 if fixed_agree >= fixed_conflict else -1)
    return (1 if agree >= conflict else -1), fixed


def _compare_places(a: Occurrence, b: Occurrence, ents_a: Set[str], ents_b: Set[str]) -> int:
    if not a.places or not b.places:
        return 0
    if a.places & b.places:
        return 1
    # a place one names that the other mentions anywhere is no contradiction
    if a.places & ents_b or b.places & ents_a:
        return 0
    return -1


def compare(a: Occurrence | None, b: Occurrence | None, *, names_a: Set[str] = frozenset(),
            names_b: Set[str] = frozenset(), same_script: bool = True) -> OccurrenceComparison:
    """Return how two occurrences compare; ``names_*`` are each article's name keys (a place one
    names and the other mentions anywhere is no contradiction); places are compared only within
    one script, since name keys of one place in two scripts need not meet."""
    return OccurrenceComparison(*compare_values(a, b, names_a=names_a, names_b=names_b, same_script=same_script))


def compare_values(a: Occurrence | None, b: Occurrence | None, *, names_a: Set[str] = frozenset(),
                   names_b: Set[str] = frozenset(),
                   same_script: bool = True) -> tuple[int, int, int, int, int, int]:
    """Return ``compare``'s facets as a tuple (day, quantity, place, kind, measure, family): the pair
    scorer's hot path, without building the comparison object."""
    if a is None or b is None or a.empty or b.empty:
        return _NOTHING
    kind = family = 0
    if a.kinds and b.kinds:
        kind = 1 if a.kinds & b.kinds else -1
        family = 1 if kind > 0 or _families(a.kinds) & _families(b.kinds) else -1
    place = _compare_places(a, b, names_a, names_b) if same_script else 0
    quantity, measure = _compare_quantities(a, b)
    return _compare_days(a, b), quantity, place, kind, measure, family


_NOTHING = (0, 0, 0, 0, 0, 0)
