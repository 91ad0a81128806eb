"""Cleaning: encoding repair, title, date and language -> Article (interim; see the cleaning issue)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from ..errors import RejectedInput
from ..model import Article, RawDocument

__all__ = ["Cleaner", "LineMemory", "InMemoryLineMemory", "line_key"]


class LineMemory(Protocol):
    def documents(self, source: str) -> int: ...
    def count(self, source: str, key: str) -> int: ...
    def observe(self, source: str, keys: Iterable[str]) -> None: ...


def line_key(line: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d", "0", line.strip().lower()))


class InMemoryLineMemory:
    def __init__(self) -> None:
        self.docs: dict[str, int] = {}
        self.lines: dict[tuple[str, str], int] = {}

    def documents(self, source: str) -> int:
        return self.docs.get(source, 0)

    def count(self, source: str, key: str) -> int:
        return self.lines.get((source, key), 0)

    def observe(self, source: str, keys: Iterable[str]) -> None:
        self.docs[source] = self.docs.get(source, 0) + 1
        for k in set(keys):
            self.lines[(source, k)] = self.lines.get((source, k), 0) + 1


class Cleaner:
    def __init__(self, *, line_memory: LineMemory | None = None) -> None:
        self.line_memory = line_memory

    def clean(self, raw: RawDocument) -> Article:
        import ftfy
        import py3langid

        text = raw.text
        if text is None and raw.html is not None:
            import trafilatura

            text = trafilatura.extract(raw.html) or ""
        text = ftfy.fix_text(text or "")
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        if not lines:
            raise RejectedInput("no text")
        title = raw.title or lines[0]
        body = "\n".join(lines[1:] if not raw.title else lines) or title
        lang, conf = py3langid.classify(body)
        return Article(
            id=raw.id, source=raw.source, origin=raw.origin, format=raw.format, read_at=raw.read_at,
            raw=raw.raw, title=title, text=body, lang=raw.lang or lang, lang_confidence=float(conf),
            published=raw.published, url=raw.url, meta=dict(raw.meta),
        )
