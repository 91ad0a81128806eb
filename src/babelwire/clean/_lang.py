"""Language of a cleaned body: py3langid for speed, lingua to arbitrate close pairs."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

__all__ = ["detect_language", "CLOSE_GROUPS"]

log = logging.getLogger(__name__)

# Languages that a character n-gram model confuses; lingua decides within the group.
CLOSE_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"bg", "mk", "ru", "sr", "uk", "be"}),
    frozenset({"az", "tr"}),
    frozenset({"hr", "bs", "sr", "sl"}),
    frozenset({"es", "pt", "gl", "ca"}),
    frozenset({"id", "ms"}),
    frozenset({"no", "nb", "nn", "da", "sv"}),
    frozenset({"cs", "sk"}),
)
# py3langid labels outside ISO 639-1 that are a variant of one inside it.
_ALIASES = {
    "wuu": "zh",
    "yue": "zh",
    "ary": "ar",
    "arz": "ar",
    "nb": "no",
    "crh": "tr",
    "uzs": "uz",
    "gug": "gn",
    "sdh": "ku",
    "ltg": "lv",
}
# Candidates for lingua per py3langid guess, including the alias-derived ones.
_LINGUA_NAMES = {
    "bg": "BULGARIAN",
    "mk": "MACEDONIAN",
    "ru": "RUSSIAN",
    "sr": "SERBIAN",
    "uk": "UKRAINIAN",
    "be": "BELARUSIAN",
    "az": "AZERBAIJANI",
    "tr": "TURKISH",
    "hr": "CROATIAN",
    "bs": "BOSNIAN",
    "sl": "SLOVENE",
    "es": "SPANISH",
    "pt": "PORTUGUESE",
    "ca": "CATALAN",
    "id": "INDONESIAN",
    "ms": "MALAY",
    "no": "BOKMAL",
    "nn": "NYNORSK",
    "da": "DANISH",
    "sv": "SWEDISH",
    "cs": "CZECH",
    "sk": "SLOVAK",
}
_LINGUA_TO_ISO = {v: k for k, v in _LINGUA_NAMES.items()}

_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LETTERS = re.compile(r"[^\W\d_]")
_SAMPLE = 800
_ARBITER_SAMPLE = 400
MIN_LETTERS = 40
MIN_CONFIDENCE = 0.6


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=16)
def _lingua(codes: frozenset[str]) -> Any:
    from lingua import Language, LanguageDetectorBuilder

    langs = [getattr(Language, _LINGUA_NAMES[c]) for c in sorted(codes) if c in _LINGUA_NAMES]
    return LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def _group(code: str, text: str = "") -> frozenset[str] | None:
    for group in CLOSE_GROUPS:
        if code in group:
            # Serbian is written in both scripts; pick the group of the script at hand.
            if code == "sr" and text and not _CYRILLIC.search(text[:300]) and "ru" in group:
                continue
            return group
    return None


def _arbitrate(text: str, guess: str, prob: float) -> tuple[str, float]:
    group = _group(guess, text)
    if group is None:
        return guess, prob
    candidates = frozenset(c for c in group if c in _LINGUA_NAMES)
    if guess == "gl" and prob >= 0.9:
        return guess, prob  # lingua has no Galician; trust a confident guess
    values = _lingua(candidates).compute_language_confidence_values(text[:_ARBITER_SAMPLE])
    if not values:
        return guess, prob
    top = values[0]
    code = _LINGUA_TO_ISO.get(top.language.name, guess)
    return code, float(top.value)


def _raw_guess(text: str) -> tuple[str, float]:
    if _KANA.search(text):
        return "ja", 1.0
    if len(_HANGUL.findall(text)) > len(text) // 10:
        return "ko", 1.0
    code, prob = _identifier().classify(text)
    code = _ALIASES.get(code, code)
    if code == "zh" or _HAN.search(text[:200]) and code in ("ja", "ko", "zh"):
        return "zh", float(prob)
    return code, float(prob)


def detect_language(text: str) -> tuple[str | None, float]:
    """Return (ISO 639-1 code, confidence) for ``text``, or (None, confidence) when uncertain.

    Short texts and texts whose halves disagree are uncertain rather than guessed.
    """
    sample = text[:_SAMPLE]
    letters = len(_LETTERS.findall(sample))
    if letters < MIN_LETTERS:
        return None, 0.0
    code, prob = "", 0.0
    cut = sample.rfind("\n", 0, len(sample) // 2 + 1) if letters >= 4 * MIN_LETTERS else -1
    if (
        cut > 0
        and min(len(_LETTERS.findall(sample[:cut])), len(_LETTERS.findall(sample[cut:])))
        > MIN_LETTERS
    ):
        # Two halves: agreeing halves give the answer; halves in unrelated languages say "mixed".
        (first, p1), (second, p2) = _raw_guess(sample[:cut]), _raw_guess(sample[cut:])
        if first == second:
            code, prob = first, (p1 + p2) / 2
        elif _group(first, sample) != _group(second, sample) or _group(first, sample) is None:
            log.debug("mixed language: %s / %s", first, second)
            return None, min(p1, p2, 0.5)
    if not code:
        code, prob = _raw_guess(sample)
    if len(code) != 2:
        return None, prob
    code, prob = _arbitrate(sample, code, prob)
    if prob < MIN_CONFIDENCE:
        return None, prob
    return code, prob
