"""Key names of a group of texts: capitalised terms shared across reports, merged across scripts."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

__all__ = ["key_terms"]

_TOKEN = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?:;\"«»“”„]\s*$")


def _capitalised(text: str) -> list[str]:
    """Return the capitalised words of ``text`` that do not open a sentence or a line."""
    out = []
    for line in text.splitlines():
        prev_end = 0
        for i, m in enumerate(_TOKEN.finditer(line)):
            word = m.group(0).strip("'’-")
            opens = i == 0 or bool(_SENTENCE_END.search(line[prev_end : m.start()]))
            prev_end = m.end()
            if len(word) >= 3 and word[0].isupper() and not word.isupper() and not opens:
                out.append(word)
    return out


def _key(word: str) -> str:
    from anyascii import anyascii

    return anyascii(word).lower()[:5]


def key_terms(texts: Sequence[str], *, top: int = 8) -> list[dict[str, object]]:
    """Return up to ``top`` names shared by the most texts: ``{"term", "articles", "forms"}``, most shared first.

    A heuristic stand-in for entity recognition: mid-sentence capitalised words,
    grouped by the first letters of their Latin transliteration so that
    ``Лавров``, ``Lavrov`` and ``Lavrova`` count as one name.
    """
    in_texts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        words = _capitalised(text)
        for w in words:
            forms[_key(w)][w] += 1
        in_texts.update({_key(w) for w in words})
    ranked = sorted(in_texts, key=lambda k: (-in_texts[k], -sum(forms[k].values()), k))
    need = 2 if len(texts) > 1 else 1
    out: list[dict[str, object]] = []
    for k in ranked:
        if in_texts[k] < need or len(out) >= top:
            break
        common = sorted(forms[k], key=lambda w: (-forms[k][w], len(w), w))
        out.append({"term": common[0], "articles": in_texts[k], "forms": common[:4]})
    return out
