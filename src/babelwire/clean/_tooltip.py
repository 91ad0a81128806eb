"""Glossary tooltips fused into a sentence ("…ЛавровСергей Викторович Лавров е руски дипломат…")."""

from __future__ import annotations

import re

__all__ = ["cut_tooltips"]

# A capitalised word glued to the next capitalised word: what a scraper makes of
# <span>Name<span class="tooltip">Full Name is …</span></span>.
_WORDS = re.compile(r"[^\W\d_]{6,}")
_TOKEN = re.compile(r"\S+")

# Copulas that open a definitional clause ("X is a …"); dashes stand in for Russian's zero copula.
_COPULAS = frozenset(
    "е је є is was are est était ist war es fue era é foi è jest był była je är er var on "
    "adalah merupakan — – -".split()
)
# Words a definition never contains but the host sentence often does: reporting verbs,
# which follow the name directly, and deictic adverbs, which end an adjunct after it.
_HOST_VERBS = frozenset(
    "каза заяви съобщи посочи обяви заявил сказал сообщил заявила сказала заявив сказав "
    "повідомив рекао изјавио rekao izjavio said says told announced sagte erklärte déclaré dit "
    "dijo afirmó disse afirmou detto powiedział dedi açıkladı bildirib mengatakan".split()
)
_HOST_ADVERBS = frozenset(
    "днес вчера утре сегодня вчера завтра сьогодні вчора данас јуче danas juče jučer today "
    "yesterday tomorrow heute gestern aujourd'hui hier hoy ayer hoje ontem oggi ieri dziś "
    "dzisiaj wczoraj bugün dün dünən kemarin".split()
)
# Prepositions that bind inside a noun phrase ("minister *of* foreign affairs"): no boundary.
_NP_PREPOSITIONS = frozenset("на of de del da do di von der des od z ze iz из".split())
_CUT_TRAIL = ",;"


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and (len(word) < 2 or not word[1:].isupper())


def _strip(word: str) -> str:
    return word.strip("\"'«»“”„().,;:!?")


def _definition_end(tokens: list[re.Match[str]], first: int) -> int | None:
    """Return the index of the first host token after a definition starting at ``first``."""
    for i in range(first, len(tokens)):
        word = tokens[i].group(0)
        if (
            word.endswith(".")
            and len(_strip(word)) >= 2
            and i + 1 < len(tokens)
            and _is_capitalised(tokens[i + 1].group(0))
        ):
            return i + 1
        if _strip(word).lower() in _HOST_VERBS:
            return i
        if _strip(word).lower() in _HOST_ADVERBS:
            # Back up to the last adjunct boundary (a short lowercase function word or a
            # comma) between the definition's head and the host word.
            for j in range(i - 1, first + 2, -1):
                prev = tokens[j - 1].group(0)
                cand = tokens[j].group(0)
                if prev.endswith(","):
                    return j
                if (
                    cand.islower()
                    and len(cand) <= 3
                    and cand not in _NP_PREPOSITIONS
                    and cand not in _COPULAS
                ):
                    return j
            return i
    return None


def _find_glue(line: str, pos: int) -> tuple[str, int] | None:
    """Return the capitalised name glued to a following capital, and where the glued part starts."""
    for match in _WORDS.finditer(line, pos):
        word = match.group(0)
        if not _is_capitalised(word):
            continue
        for i in range(3, len(word) - 2):
            if word[i].isupper() and word[i - 1].islower() and word[i + 1].islower():
                return word[:i], match.start() + i
    return None


def cut_tooltips(line: str) -> tuple[str, list[str]]:
    """Return ``line`` with glued glossary tooltips cut out, and the removed snippets."""
    removed: list[str] = []
    search_from = 0
    while True:
        glue = _find_glue(line, search_from)
        if glue is None:
            return line, removed
        name, start = glue
        tokens = list(_TOKEN.finditer(line, start))
        # The glued run of capitalised words (the tooltip's subject), then a copula or a
        # repeat of the name.
        k = 0
        while k < len(tokens) and k < 6 and _is_capitalised(_strip(tokens[k].group(0))):
            k += 1
        subject = [_strip(t.group(0)) for t in tokens[:k]]
        repeats = name in subject
        copula = k < len(tokens) and tokens[k].group(0) in _COPULAS
        if not (repeats or (copula and k >= 2)) or k == 0:
            search_from = start
            continue
        end = _definition_end(tokens, k + 1)
        if end is None:
            comma = next(
                (i for i in range(k, len(tokens)) if tokens[i].group(0).endswith(",")), None
            )
            end = comma + 1 if comma is not None else len(tokens)
        stop = tokens[end].start() if end < len(tokens) else len(line)
        snippet = line[start:stop].rstrip()
        if snippet.endswith(tuple(_CUT_TRAIL)) and stop < len(line):
            snippet = snippet[:-1]
            stop = start + len(snippet)
        removed.append(snippet)
        rest = line[stop:].lstrip()
        if rest[:1] in (",", ".", ";", ":", ")"):
            joiner = ""
        elif snippet.endswith(".") and rest[:1].isupper():
            joiner = ". "  # the definition's full stop also closed the host sentence
        else:
            joiner = " "
        line = (line[:start] + joiner + rest).rstrip()
        search_from = start
