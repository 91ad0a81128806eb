"""Names across scripts: capitalised spans and acronyms, transliterated and folded to fuzzy keys."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

from anyascii import anyascii

__all__ = ["entity_keys", "name_key", "weighted_overlap", "DocumentFrequency"]

_WORD = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)
_SENT_END = re.compile(r"[.!?…:;\"«»“”]\s*$")
_CASELESS = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u4E00-\u9FFF\u3040-\u30FF\uAC00-\uD7AF\u0590-\u05FF]")
_CJK_RUN = re.compile(r"[\u4E00-\u9FFF\u3040-\u30FF]{2,}")

# Folding that makes transliterations of one name meet: Vashington / Vasinqton / Washington -> "vsnktn".
_FOLD = str.maketrans(
    {"w": "v", "q": "k", "g": "k", "c": "k", "z": "s", "x": "k", "j": "y", "f": "p", "d": "t", "b": "p"}
)


_NOT_LETTER = re.compile(r"[^a-z]")
_VOWEL = re.compile(r"[aeiouy]")
_REPEAT = re.compile(r"(.)\1+")


@lru_cache(maxsize=1 << 16)  # a profile of ingest found one call per word; names and words repeat
def name_key(word: str, *, length: int = 5) -> str:
    """Return the fuzzy key of a name: transliterated, consonant skeleton, folded, first ``length`` letters."""
    ascii_ = _NOT_LETTER.sub("", anyascii(word).lower())
    if not ascii_:
        return ""
    ascii_ = ascii_.replace("sch", "s").replace("sh", "s").replace("ch", "k").replace("th", "t").replace("ph", "p")
    skel = ascii_[0] + _VOWEL.sub("", ascii_[1:])
    skel = _REPEAT.sub(r"\1", skel.translate(_FOLD))
    return skel[:length]


def entity_keys(text: str, *, lang: str | None = None) -> Counter[str]:
    """Return fuzzy keys of the names in ``text`` with their counts.

    Capitalised words that do not start a sentence, and acronyms, count as
    names; a sentence-initial capitalised word counts when the same word also
    appears capitalised mid-sentence. In caseless scripts (Arabic, Chinese,
    Japanese, Hebrew, Korean) every word, or CJK run, is a candidate and
    document frequency does the filtering.
    """
    keys: Counter[str] = Counter()
    caseless = bool(_CASELESS.search(text[:2000]))
    if caseless:
        # No word boundaries: character trigrams of CJK runs stand in for names (within-script only).
        for run in _CJK_RUN.findall(text):
            for i in range(len(run) - 2):
                keys["~" + run[i : i + 3]] += 1
    initial: list[str] = []
    mid: set[str] = set()
    prev_end = True
    for m in _WORD.finditer(text):
        w = m.group(0)
        start_of_sentence = prev_end
        before = text[max(0, m.start() - 3) : m.start()]
        prev_end = False
        after = text[m.end() : m.end() + 2]
        if _SENT_END.search(after) or "\n" in after:
            prev_end = True
        if _SENT_END.search(before) or "\n" in before or m.start() == 0:
            start_of_sentence = True
        if len(w) < 2:
            continue
        is_acronym = w.isupper() and 2 <= len(w) <= 6
        is_cap = w[0].isupper() and not w.isupper() and len(w) >= 3
        if caseless and not (is_acronym or is_cap):
            if len(w) >= 4 and not _CJK_RUN.fullmatch(w):
                k = name_key(w)
                if len(k) >= 3:
                    keys[k] += 1
            continue
        if is_acronym:
            keys["#" + anyascii(w).upper()] += 1
        elif is_cap:
            if start_of_sentence:
                initial.append(w)
            else:
                mid.add(w)
                k = name_key(w)
                if len(k) >= 3:
                    keys[k] += 1
    for w in initial:
        if w in mid:
            k = name_key(w)
            if len(k) >= 3:
                keys[k] += 1
    return keys


_LOG_HALF = math.log(0.5)


class DocumentFrequency:
    """How many documents each key occurs in, for rarity weights (idf)."""

    def __init__(self) -> None:
        self.docs = 0
        self.df: Counter[str] = Counter()
        self.log_df: dict[str, float] = {}  # log(df + 0.5), kept in step with df for fast idf

    def add(self, keys: Iterable[str]) -> None:
        """Count one more document holding ``keys``."""
        self.docs += 1
        for k in set(keys):
            self.df[k] += 1
            self.log_df[k] = math.log(self.df[k] + 0.5)

    def idf(self, key: str) -> float:
        """Return the smoothed inverse document frequency of ``key``."""
        return math.log(self.docs + 1) - self.log_df.get(key, _LOG_HALF)


def weighted_overlap(a: Mapping[str, float], b: Mapping[str, float], df: DocumentFrequency | None) -> float | None:
    """Return the idf-weighted Jaccard overlap of two key sets, or None when either is empty."""
    if not a or not b:
        return None
    ka, kb = a.keys(), b.keys()
    if df is None:
        inter, union = float(len(ka & kb)), float(len(ka | kb))
    else:
        log_n, get = math.log(df.docs + 1), df.log_df.get
        inter = sum(max(log_n - get(k, _LOG_HALF), 0.0) for k in ka & kb)
        union = inter + sum(max(log_n - get(k, _LOG_HALF), 0.0) for k in ka ^ kb)
    return inter / union if union > 0 else None
