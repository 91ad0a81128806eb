"""The Cleaner: raw input -> Article with clean body, title, date and language."""

from __future__ import annotations

import logging
import re

from ..errors import RejectedInput
from ..model import Article, RawDocument, Removed
from ._dates import FoundDate, declared_date, find_date
from ._encoding import looks_binary, repair
from ._html import HtmlExtract, extract_html
from ._lang import detect_language, normalise_lang
from ._lines import (
    ALWAYS_BOILERPLATE,
    DATE,
    RECURRING,
    SHORT,
    TEXT,
    UI,
    Line,
    body_span,
    classify_line,
    classify_lines,
    mark_link_lists,
    weigh,
)
from ._memory import LineMemory, line_key
from ._title import fallback_title, pick_title, same_text
from ._tooltip import cut_tooltips
from ._walls import MIN_ARTICLE_LETTERS, cut_walls, wall_kind

__all__ = ["Cleaner"]

log = logging.getLogger(__name__)

_MIN_BODY_LETTERS = 12
_LETTER = re.compile(r"[^\W\d_]")
_DECLARED_LANG_CONFIDENCE = 0.5


def _furniture_walls(lines: list[Line]) -> tuple[list[tuple[str, str]], list[tuple[int, str, str]]]:
    """Find wall notices in the lines the line kinds call site furniture (cookie and JavaScript
    notices are), which the body never sees. A line that is all notice stays furniture, with the
    notice as its reason; a paragraph with a notice glued to it loses the notice and is text again.
    Return every notice (sentence, kind), and those cut from paragraphs (line index, sentence, kind).
    """
    notices: list[tuple[str, str]] = []
    glued: list[tuple[int, str, str]] = []
    for line in lines:
        if line.kind != UI:
            continue
        rest, cuts, _ = cut_walls(line.text)
        if not cuts:
            continue
        notices.extend(cuts)
        kind, words = classify_line(rest) if rest else (UI, 0)
        if kind == TEXT:
            line.text, line.kind, line.words = rest, TEXT, words
            glued.extend((line.index, sentence, k) for sentence, k in cuts)
        else:
            line.reason = f"{wall_kind(cuts)} notice"
    return notices, glued


def _lines_and_walls(source_text: str) -> tuple[list[Line], list[tuple[str, str]], list[tuple[int, str, str]]]:
    """Return the repaired, classified lines of ``source_text`` and its furniture walls (notices, glued)."""
    lines = classify_lines(repair(source_text).split("\n"))
    notices, glued = _furniture_walls(lines)
    return lines, notices, glued


def _source_text(raw: RawDocument) -> tuple[HtmlExtract | None, str]:
    """Return the page extract (HTML input only) and the text to clean.

    Raise RejectedInput for binary-looking or empty input, or a page without main text.
    """
    page: HtmlExtract | None = None
    if raw.html is not None:
        html = raw.html.replace("\x00", "")  # a stray NUL is dropped, not a reason to refuse the page
        if looks_binary(html):
            raise RejectedInput("binary-looking input")
        page = extract_html(html, raw.url)
        source_text = page.text
    else:
        source_text = (raw.text or "").replace("\x00", "")
    if not source_text.strip():
        raise RejectedInput("empty input" if not raw.raw.strip() else "no main text found")
    if looks_binary(source_text):
        raise RejectedInput("binary-looking input")
    return page, source_text


def _find_body(lines: list[Line], notices: list[tuple[str, str]]) -> tuple[int, int]:
    """Return the body's span (start, end) in ``lines``.

    Without a sentence-like line, long headline-like lines carry the body. Raise RejectedInput when
    there is still no body: a blocked page when furniture ``notices`` were found, else no body text.
    """
    span = body_span(lines)
    if span is None:
        # No sentence-like line at all: let long headline-like lines carry the body.
        for line in lines:
            if line.kind == SHORT and line.words >= 2:
                line.weight = float(line.words)
        span = body_span(lines)
    if span is None:
        wall = wall_kind(notices)
        raise RejectedInput(f"blocked page ({wall}), not an article" if wall else "no body text")
    return span


def _drop_boilerplate(inside: list[Line], removed: list[tuple[int, Removed]]) -> list[Line]:
    """Return the lines of the body span that are not always boilerplate; note the others in ``removed``."""
    body: list[Line] = []
    for line in inside:
        if line.kind in ALWAYS_BOILERPLATE:
            removed.append((line.index, Removed(line.text, line.reason)))
        else:
            body.append(line)
    return body


def _drop_title_lines(
    body: list[Line],
    outside: list[Line],
    title: str,
    title_line: Line | None,
    removed: list[tuple[int, Removed]],
) -> list[Line]:
    """Return ``body`` without a first line that repeats the title; note it and every line
    ``outside`` the body span in ``removed`` (as the title, a repeat of it, or with its own reason).
    """
    if body and same_text(body[0].text, title):
        removed.append((body[0].index, Removed(body[0].text, "repeats title")))
        body = body[1:]
    for line in outside:
        if line is title_line:
            removed.append((line.index, Removed(line.text, "title")))
        elif same_text(line.text, title):
            removed.append((line.index, Removed(line.text, "repeats title")))
        else:
            removed.append((line.index, Removed(line.text, line.reason)))
    return body


def _body_text(
    body: list[Line], glued: list[tuple[int, str, str]], removed: list[tuple[int, Removed]]
) -> tuple[str, list[tuple[str, str]]]:
    """Return the body text without glossary tooltips and wall sentences, and the wall sentences
    cut (sentence, kind). Note the tooltips, the walls and the ``glued`` notices in ``removed``.
    """
    body_texts: list[str] = []
    for line in body:
        text, cuts = cut_tooltips(line.text)
        body_texts.extend([text] if text else [])
        removed.extend((line.index, Removed(cut, "glossary tooltip")) for cut in cuts)
    text = "\n".join(body_texts)
    text, walls, _ = cut_walls(text)
    for sentence, kind in walls:
        index = next((ln.index for ln in body if sentence in ln.text), body[-1].index if body else 0)
        removed.append((index, Removed(sentence, f"{kind} notice")))
    removed.extend((index, Removed(sentence, f"{kind} notice")) for index, sentence, kind in glued)
    return text, walls


def _check_body(text: str, notices: list[tuple[str, str]], walls: list[tuple[str, str]]) -> None:
    """Raise RejectedInput when ``text`` is a blocked page (the wall ``notices`` and ``walls`` are
    most of it and too little is left for an article) or has too few letters to be a body."""
    left = len(_LETTER.findall(text))
    wall_letters = sum(len(_LETTER.findall(sentence)) for sentence, _ in notices + walls)
    if wall_letters and left < MIN_ARTICLE_LETTERS and wall_letters >= left:
        # what is left is too short to be an article, and the wall is most of the page
        raise RejectedInput(f"blocked page ({wall_kind(notices + walls)}), not an article")
    if len(_LETTER.findall(text[:500])) < _MIN_BODY_LETTERS:
        raise RejectedInput("no body text")


def _language(raw: RawDocument, text: str, dropped: list[dict[str, str]]) -> tuple[str | None, float]:
    """Return the language detected in ``text`` and its confidence; when none is detected, the
    declared language. A declared language that cannot be read is noted in ``dropped``."""
    lang, lang_conf = detect_language(text)
    if raw.lang:
        declared, why = normalise_lang(raw.lang)
        if why:
            dropped.append({"field": "lang", "value": str(raw.lang)[:80], "reason": why})
        elif lang is None:
            lang, lang_conf = declared, _DECLARED_LANG_CONFIDENCE
    return lang, lang_conf


def _published(found: FoundDate | tuple[str, str, float] | None) -> tuple[str | None, str | None, float]:
    """Return the Article's published, published_provenance and published_confidence for ``found``."""
    if isinstance(found, FoundDate):
        return found.iso(), found.provenance, found.confidence
    if found:
        return found[0], found[1], found[2]
    return None, None, 0.0


class Cleaner:
    """Turns a RawDocument into an Article: body, title, date, language, with removals explained.

    ``line_memory`` learns each source's recurring lines; a line whose key was seen in
    at least ``recur_share`` of at least ``recur_min_documents`` earlier articles of the
    same source is boilerplate. ``date_lines`` is how many lines of the body's start are
    searched for a date after those before it.
    """

    def __init__(
        self,
        *,
        line_memory: LineMemory | None = None,
        recur_share: float = 0.6,
        recur_min_documents: int = 5,
        date_lines: int = 3,
    ) -> None:
        self.line_memory = line_memory
        self.recur_share = recur_share
        self.recur_min_documents = recur_min_documents
        self.date_lines = date_lines

    def clean(self, raw: RawDocument) -> Article:
        """Return the cleaned Article for ``raw``; raise RejectedInput if nothing usable remains."""
        page, source_text = _source_text(raw)
        lines, notices, glued = self._classify(raw.source, source_text)
        start, end = _find_body(lines, notices)
        before, inside, after = lines[:start], lines[start:end], lines[end:]

        removed: list[tuple[int, Removed]] = []
        body = _drop_boilerplate(inside, removed)
        title, title_line = self._title(raw, page, before, after)
        body = _drop_title_lines(body, before + after, title, title_line, removed)
        text, walls = _body_text(body, glued, removed)
        _check_body(text, notices, walls)
        if not title:
            title = fallback_title(text)

        dropped: list[dict[str, str]] = []  # declared metadata that was not usable, with the reason
        lang, lang_conf = _language(raw, text, dropped)
        found = self._date(raw, page, before, body, lines, lang, dropped)

        removed.sort(key=lambda item: item[0])
        published, provenance, confidence = _published(found)
        return Article(
            id=raw.id,
            source=raw.source,
            origin=raw.origin,
            format=raw.format,
            read_at=raw.read_at,
            raw=raw.raw,
            title=title,
            text=text,
            lang=lang,
            lang_confidence=round(lang_conf, 4),
            published=published,
            published_provenance=provenance,
            published_confidence=confidence,
            url=raw.url,
            removed=[r for _, r in removed],
            meta={**raw.meta, "dropped": dropped} if dropped else dict(raw.meta),
        )

    def _classify(
        self, source: str, source_text: str
    ) -> tuple[list[Line], list[tuple[str, str]], list[tuple[int, str, str]]]:
        """Split ``source_text`` into lines, classify and weigh them; mark furniture walls and the
        lines this source repeats. Return the lines and the wall notices of ``_furniture_walls``."""
        lines, notices, glued = _lines_and_walls(source_text)
        self._recall_recurring(source, lines)
        mark_link_lists(lines)
        weigh(lines)
        return lines, notices, glued

    def line_keys(self, raw: RawDocument) -> frozenset[str]:
        """Return the line keys ``clean(raw)`` looks up in (and adds to) the line memory; raise as ``clean``
        would before it reaches the memory. Lets an executor tell a remote cleaner what the memory holds."""
        _page, source_text = _source_text(raw)
        lines, _notices, _glued = _lines_and_walls(source_text)
        return frozenset(line_key(line.text) for line in lines)

    def _recall_recurring(self, source: str, lines: list[Line]) -> None:
        """Mark lines this source repeats across articles, then record this article's lines."""
        memory = self.line_memory
        if memory is None:
            return
        keys = [line_key(line.text) for line in lines]
        seen = memory.documents(source)
        if seen >= self.recur_min_documents:
            recurring = [line for line, key in zip(lines, keys, strict=True)
                         if memory.count(source, key) >= self.recur_share * seen]
            sentences = [line for line in lines if line.kind == TEXT]
            marked = {id(line) for line in recurring}
            if sentences and all(id(line) in marked for line in sentences):
                # Every sentence recurs: short posts of one shape ("level at 3.1 m"), whose lines
                # differ in their digits. Their sentences are the article; the rest is still furniture.
                recurring = [line for line in recurring if line.kind != TEXT]
            for line in recurring:
                line.kind = RECURRING
                line.reason = f"recurs across {source}"
        memory.observe(source, set(keys))

    @staticmethod
    def _title(
        raw: RawDocument, page: HtmlExtract | None, before: list[Line], after: list[Line]
    ) -> tuple[str, Line | None]:
        """Return the title and, when it came from the text, its line."""
        declared = (raw.title or "").strip() or (page.title if page else None)
        if declared:
            match = next((ln for ln in before if same_text(ln.text, declared)), None)
            return repair(declared), match
        line = pick_title(before, after)
        return (line.text, line) if line else ("", None)

    def _date(
        self,
        raw: RawDocument,
        page: HtmlExtract | None,
        before: list[Line],
        body: list[Line],
        lines: list[Line],
        lang: str | None,
        dropped: list[dict[str, str]],
    ) -> FoundDate | tuple[str, str, float] | None:
        """Return the publication date: declared, page metadata, or found in the text.

        A declared or metadata date that is not a possible publication date is noted in ``dropped``.
        """
        if raw.published:
            value, why = declared_date(raw.published, lang, raw.read_at)
            if value:
                return value, "declared", 0.95
            dropped.append({"field": "published", "value": str(raw.published)[:80], "reason": str(why)})
        if page is not None and page.date:
            value, why = declared_date(page.date, lang, raw.read_at)
            if value:
                return value, "metadata", 0.8
            dropped.append({"field": "page date", "value": str(page.date)[:80], "reason": str(why)})
        top = [(ln.index + 1, ln.text) for ln in before + body[: self.date_lines]]
        relative = [
            (ln.index + 1, ln.text) for ln in before if ln.kind in (DATE, SHORT) and ln.words <= 8
        ]
        return find_date(
            top,
            lang,
            raw.read_at,
            page=[ln.text for ln in lines if ln.kind != TEXT],
            relative=relative,
        )
