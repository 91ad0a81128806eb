"""Encoding repair: mojibake, control characters, zero-width junk and whitespace."""

from __future__ import annotations

import re
import unicodedata

import ftfy
from ftfy.badness import is_bad

__all__ = ["repair", "looks_binary"]

# Zero-width and invisible formatting characters that carry no text. ZWNJ/ZWJ are
# kept: Persian and Indic scripts need them.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffc]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_BINARY_JUNK = re.compile("[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f]")
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")


def looks_binary(text: str) -> bool:
    """Return True when ``text`` looks like binary data decoded as text."""
    sample = text[:4000]
    if not sample:
        return False
    if "\x00" in sample:
        return True
    bad = len(_BINARY_JUNK.findall(sample))
    return bad / len(sample) > 0.05


def repair(text: str) -> str:
    """Return ``text`` with mojibake fixed, junk characters removed and whitespace normalised.

    Lines are kept (one paragraph a line); each line is stripped and inner runs of
    spaces are squeezed. Blank lines are preserved as empty strings.
    """
    text = _LINE_BREAKS.sub("\n", text)
    # ftfy is the slow step: run it only where there is mojibake or an entity to fix.
    if is_bad(text) or _ENTITY.search(text):
        # Repair only: keep curly quotes, full-width forms and ligatures as written.
        text = ftfy.fix_text(
            text,
            normalization="NFC",
            fix_line_breaks=False,
            uncurl_quotes=False,
            fix_character_width=False,
            fix_latin_ligatures=False,
        )
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFC", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
