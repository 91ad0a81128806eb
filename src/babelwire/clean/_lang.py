"""Language of a cleaned body: py3langid for speed, lingua to arbitrate close pairs."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

__all__ = ["detect_language", "normalise_lang", "CLOSE_GROUPS"]

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


# ISO 639-1, and the retired codes some feeds still send.
_ISO_639_1 = frozenset(
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz "
    "ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik "
    "io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml "
    "mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd "
    "se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi "
    "vo wa wo xh yi yo za zh zu".split()
)
_RETIRED = {"iw": "he", "in": "id", "ji": "yi", "mo": "ro", "nb": "no", "sh": "sr"}
# Names and ISO 639-2/3 codes people write instead of the two-letter code (English and own names).
_NAMES = {
    "english": "en", "german": "de", "deutsch": "de", "french": "fr", "français": "fr", "francais": "fr",
    "spanish": "es", "español": "es", "espanol": "es", "castellano": "es", "portuguese": "pt", "português": "pt",
    "italian": "it", "italiano": "it", "polish": "pl", "polski": "pl", "russian": "ru", "русский": "ru",
    "ukrainian": "uk", "українська": "uk", "bulgarian": "bg", "български": "bg", "serbian": "sr",
    "српски": "sr", "srpski": "sr", "croatian": "hr", "hrvatski": "hr", "turkish": "tr", "türkçe": "tr",
    "azerbaijani": "az", "azərbaycan": "az", "azeri": "az", "indonesian": "id", "bahasa indonesia": "id",
    "chinese": "zh", "中文": "zh", "汉语": "zh", "japanese": "ja", "日本語": "ja", "korean": "ko", "한국어": "ko",
    "arabic": "ar", "العربية": "ar", "dutch": "nl", "nederlands": "nl", "swedish": "sv", "svenska": "sv",
    "norwegian": "no", "norsk": "no", "danish": "da", "dansk": "da", "czech": "cs", "čeština": "cs",
    "slovak": "sk", "greek": "el", "ελληνικά": "el", "hungarian": "hu", "magyar": "hu", "romanian": "ro",
    "română": "ro", "finnish": "fi", "suomi": "fi", "hebrew": "he", "עברית": "he", "persian": "fa",
    "farsi": "fa", "فارسی": "fa", "hindi": "hi", "हिन्दी": "hi", "macedonian": "mk", "македонски": "mk",
    "belarusian": "be", "slovenian": "sl", "slovene": "sl", "bosnian": "bs", "malay": "ms", "catalan": "ca",
    "català": "ca", "galician": "gl", "vietnamese": "vi", "thai": "th", "georgian": "ka", "armenian": "hy",
    "eng": "en", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "spa": "es", "por": "pt", "ita": "it",
    "pol": "pl", "rus": "ru", "ukr": "uk", "bul": "bg", "srp": "sr", "hrv": "hr", "tur": "tr", "aze": "az",
    "ind": "id", "zho": "zh", "chi": "zh", "cmn": "zh", "jpn": "ja", "kor": "ko", "ara": "ar", "nld": "nl",
    "dut": "nl", "swe": "sv", "nor": "no", "nob": "no", "nno": "nn", "dan": "da", "ces": "cs", "cze": "cs",
    "slk": "sk", "ell": "el", "gre": "el", "hun": "hu", "ron": "ro", "rum": "ro", "fin": "fi", "heb": "he",
    "fas": "fa", "per": "fa", "hin": "hi", "mkd": "mk", "bel": "be", "slv": "sl", "bos": "bs", "msa": "ms",
    "cat": "ca", "glg": "gl", "vie": "vi", "tha": "th",
}
_SUBTAG = re.compile(r"[-_\s.;,(]")


def normalise_lang(value: object) -> tuple[str | None, str | None]:
    """Return ``(ISO 639-1 code, None)`` for a declared language in any common spelling
    (``EN``, ``en-US``, ``en_GB``, ``English``, ``eng``, ``Deutsch``), else ``(None, reason)``."""
    if not isinstance(value, str) or not value.strip():
        return None, "no language given" if not value else f"language is a {type(value).__name__}, not text"
    text = value.strip().lower()
    if text in _NAMES:
        return _NAMES[text], None
    head = _SUBTAG.split(text, 1)[0]
    code = _RETIRED.get(head, head)
    if len(code) == 2 and code in _ISO_639_1:
        return code, None
    if head in _NAMES:
        return _NAMES[head], None
    return None, f"unknown language {value.strip()[:40]!r}"
