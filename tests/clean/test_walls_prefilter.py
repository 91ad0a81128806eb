"""The wall check's anchor prefilter changes nothing it finds: every phrase match holds one of its
kind's anchors, the fold agrees with IGNORECASE matching, and ``cut_walls`` gives byte-identical
output to the implementation before the prefilter (kept here, ``reference_cut_walls``) on random
texts and on every input the fixtures, the examples and the benchmark sets give it.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import babelwire.clean._cleaner as cleaner_module
from babelwire.clean import Cleaner
from babelwire.clean._walls import (
    _ANCHORS,
    _LETTER,
    _MAX_NEAR,
    _NEAR_WALL,
    _SENTENCE,
    MIN_ARTICLE_LETTERS,
    WALL_KINDS,
    _fold,
    cut_walls,
)
from babelwire.errors import BabelwireError
from babelwire.sources import iter_files, read_path

ROOT = Path(__file__).resolve().parents[2]


# The implementation before the prefilter: every kind's alternation searched over every text.
def _reference_patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [(kind, re.compile("|".join(f"(?:{p})" for p in phrases), re.IGNORECASE))
            for kind, phrases in WALL_KINDS.items()]


_REFERENCE_PATTERNS = _reference_patterns()


def _reference_kind(sentence: str) -> str | None:
    for kind, pattern in _REFERENCE_PATTERNS:
        if pattern.search(sentence):
            return kind
    return None


def reference_cut_walls(text: str) -> tuple[str, list[tuple[str, str]], str | None]:
    if not any(p.search(text) for _, p in _REFERENCE_PATTERNS):
        return text, [], None
    sentences = [m.group(0) for m in _SENTENCE.finditer(text) if m.group(0)]
    kinds: list[str | None] = [_reference_kind(x) for x in sentences]
    changed = True
    while changed:
        changed = False
        for i, x in enumerate(sentences):
            if kinds[i] is not None or len(x) > _MAX_NEAR:
                continue
            before = [kinds[j] for j in (i - 1, i - 2) if j >= 0 and kinds[j] is not None]
            after = [kinds[j] for j in (i + 1, i + 2) if j < len(sentences) and kinds[j] is not None]
            if (before or after) and _NEAR_WALL.search(x) or (
                i > 0 and i + 1 < len(sentences) and kinds[i - 1] is not None and kinds[i + 1] is not None
            ):
                kinds[i] = (before or after)[0]
                changed = True
    kept: list[str] = []
    cuts: list[tuple[str, str]] = []
    letters: dict[str, int] = {}
    for x, kind in zip(sentences, kinds, strict=True):
        if kind is None:
            kept.append(x)
            continue
        if x.strip():
            cuts.append((x.strip(), kind))
            letters[kind] = letters.get(kind, 0) + len(_LETTER.findall(x))
        if x.endswith("\n"):
            kept.append("\n")
    rest = re.sub(r"[ \t]*\n[ \t\n]*", "\n", "".join(kept)).strip()
    wall = None
    if cuts and len(_LETTER.findall(rest)) < MIN_ARTICLE_LETTERS:
        wall = max(letters, key=lambda k: letters[k])
    return rest, cuts, wall


PHRASES = [(kind, phrase) for kind, phrases in WALL_KINDS.items() for phrase in phrases]


def test_every_kind_has_anchors() -> None:
    assert set(_ANCHORS) == set(WALL_KINDS)
    for anchors in _ANCHORS.values():
        assert anchors and all(a and a == _fold(a) for a in anchors)


@pytest.mark.parametrize(("kind", "phrase"), PHRASES, ids=[p for _, p in PHRASES])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_match_of_a_phrase_holds_an_anchor_of_its_kind(kind: str, phrase: str, data: st.DataObject) -> None:
    match = data.draw(st.from_regex(re.compile(phrase, re.IGNORECASE), fullmatch=True))
    assert any(a in _fold(match) for a in _ANCHORS[kind]), (kind, match)


def test_fold_agrees_with_ignorecase_matching_for_every_anchor_character() -> None:
    """Every character IGNORECASE takes for an anchor's character folds to the anchor's fold;
    the fold keeps a text's length and folds each character on its own."""
    anchor_chars = sorted({c for anchors in _ANCHORS.values() for a in anchors for c in a})
    any_anchor_char = re.compile("[" + "".join(re.escape(c) for c in anchor_chars) + "]", re.IGNORECASE)
    single = {c: re.compile(re.escape(c), re.IGNORECASE) for c in anchor_chars}
    checked = 0
    for code in range(sys.maxunicode + 1):
        t = chr(code)
        assert len(_fold(t)) == 1
        if not any_anchor_char.fullmatch(t):
            continue
        for c in anchor_chars:
            if single[c].fullmatch(t):
                assert _fold(t) == _fold(c), (hex(code), c)
                checked += 1
    assert checked > len(anchor_chars)  # the upper-case forms, at least, were seen


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=60) | st.text(alphabet="İıIiſsSKΣσς aб.", max_size=30))
def test_fold_folds_each_character_on_its_own(text: str) -> None:
    # str.lower() looks at neighbours only for a final sigma, which folds to no anchor character
    folded = _fold(text)
    assert len(folded) == len(text)
    assert all(f == _fold(c) for f, c in zip(folded, text, strict=True) if c != "Σ")


BODY = (
    "The city council approved the new budget on Monday after a long debate that lasted into the night.",
    "Officials said the plan raises spending on schools and cuts the cost of administration.",
    "Killer robots top the agenda as diplomats meet in Geneva.",
    "About 40 percent of users run an ad blocker, according to a survey.",
    "Cookie sales by the scouts rose by 12 percent this spring.",
    "Kurier Nadwiślański poinformował o decyzji rady miasta.",
    "İstanbul'da belediye meclisi yeni bütçeyi onayladı.",
    "Совет города утвердил новый бюджет.",
)
WALL_WORDS = ("cookies", "JavaScript", "log in", "subscribe", "password", "İP", "ıp", "ſite", "uſes", "ROBOT", "ad-Block")
SEPARATORS = (" ", "\n", ". ", "! ", "? ", "… ", "。", "\n\n", " \t\n", "")
_phrase_matches = st.sampled_from(PHRASES).flatmap(
    lambda kp: st.from_regex(re.compile(kp[1], re.IGNORECASE), fullmatch=True)
)
_pieces = st.one_of(
    _phrase_matches,
    st.sampled_from(BODY),
    st.sampled_from(WALL_WORDS),
    st.sampled_from(SEPARATORS),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.text(alphabet="aeiou cklpsrtnİıIſKᲂᲃ.!?\n", max_size=40),
)
_texts = st.lists(st.tuples(_pieces, st.sampled_from(SEPARATORS)), max_size=14).map(
    lambda parts: "".join(a + b for a, b in parts)
)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_texts)
def test_cut_walls_equals_the_reference_on_random_texts(text: str) -> None:
    assert cut_walls(text) == reference_cut_walls(text)


def _fixture_files() -> list[Path]:
    folders = [
        ROOT / "tests" / "fixtures",
        ROOT / "tests" / "clean" / "corpus" / "docs",
        ROOT / "examples",
        ROOT / "benchmarks" / "data" / "fulllength",
    ]
    suffixes = {".txt", ".html", ".htm", ".jsonl", ".json", ".csv", ".xml", ".rss", ".atom"}
    return sorted(p for p in iter_files(folders) if p.suffix in suffixes)


def _test_module_texts() -> list[str]:
    """Return the string constants (and lists of them) of the wall tests: the pages written for them."""
    spec = importlib.util.spec_from_file_location("_wall_pages", Path(__file__).with_name("test_walls.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    texts: list[str] = []
    for value in vars(module).values():
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value):
            texts.extend(["\n".join(value), " ".join(value)])
    return texts


def test_cut_walls_equals_the_reference_on_every_fixture_and_example_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole plain texts, and exactly what the Cleaner hands cut_walls while
    cleaning every document (HTML pages included)."""
    seen: list[str] = []
    real = cleaner_module.cut_walls

    def recording(text: str) -> tuple[str, list[tuple[str, str]], str | None]:
        seen.append(text)
        return real(text)

    monkeypatch.setattr(cleaner_module, "cut_walls", recording)
    files = _fixture_files()
    assert len(files) > 100
    texts = _test_module_texts()
    cleaner = Cleaner()
    documents = 0
    for path in files:
        docs = read_path(path).documents  # never raises; files that are no articles give none
        for doc in docs:
            documents += 1
            texts.extend([doc.text] if doc.text else [])  # a page's text is what extraction gives: seen
            try:
                cleaner.clean(doc)
            except BabelwireError:
                pass  # rejected inputs still handed cut_walls their text
    assert documents > 400 and seen
    inputs = texts + seen
    walls = 0
    for text in inputs:
        expected = reference_cut_walls(text)
        assert cut_walls(text) == expected, text[:200]
        walls += bool(expected[1])
    assert walls  # some inputs had walls, so the cutting path was compared too

