"""Per-source line memory: which lines recur across the articles of one source."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Protocol, runtime_checkable

__all__ = ["LineMemory", "InMemoryLineMemory", "line_key"]

_DIGITS = re.compile(r"\d+")
_WS = re.compile(r"\s+")


def line_key(line: str) -> str:
    """Return the normalised hash of ``line``: lowercased, digits folded, whitespace squeezed."""
    norm = _WS.sub(" ", _DIGITS.sub("0", line.lower())).strip()
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=12).hexdigest()


@runtime_checkable
class LineMemory(Protocol):
    """What the cleaner needs to learn a source's recurring lines; the store persists it."""

    def documents(self, source: str) -> int:
        """Return how many articles of ``source`` were observed so far."""
        ...

    def count(self, source: str, key: str) -> int:
        """Return how many observed articles of ``source`` contained the line ``key``."""
        ...

    def observe(self, source: str, keys: Iterable[str]) -> None:
        """Record one article of ``source`` with its distinct line keys."""
        ...


class InMemoryLineMemory:
    """A LineMemory held in dictionaries; for tests and single runs."""

    def __init__(self) -> None:
        self._documents: dict[str, int] = {}
        self._counts: dict[str, dict[str, int]] = {}

    def documents(self, source: str) -> int:
        """Return how many articles of ``source`` were observed so far."""
        return self._documents.get(source, 0)

    def count(self, source: str, key: str) -> int:
        """Return how many observed articles of ``source`` contained the line ``key``."""
        counts = self._counts.get(source)
        return counts.get(key, 0) if counts is not None else 0

    def observe(self, source: str, keys: Iterable[str]) -> None:
        """Record one article of ``source`` with its distinct line keys."""
        self._documents[source] = self._documents.get(source, 0) + 1
        counts = self._counts.setdefault(source, {})
        for key in set(keys):
            counts[key] = counts.get(key, 0) + 1
