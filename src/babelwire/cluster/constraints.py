"""User corrections as constraints: must-link and cannot-link pairs of articles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["Constraints"]


@dataclass(slots=True)
class Constraints:
    """Must-link and cannot-link pairs that every assignment, merge and recluster respects."""

    must: dict[str, set[str]] = field(default_factory=dict)
    cannot: dict[str, set[str]] = field(default_factory=dict)

    @staticmethod
    def _add(table: dict[str, set[str]], a: str, b: str) -> None:
        table.setdefault(a, set()).add(b)
        table.setdefault(b, set()).add(a)

    def link(self, a: str, b: str) -> None:
        """Require ``a`` and ``b`` to share a story (drops a contrary cannot-link)."""
        self.cannot.get(a, set()).discard(b)
        self.cannot.get(b, set()).discard(a)
        self._add(self.must, a, b)

    def unlink(self, a: str, b: str) -> None:
        """Forbid ``a`` and ``b`` from sharing a story (drops a contrary must-link)."""
        self.must.get(a, set()).discard(b)
        self.must.get(b, set()).discard(a)
        self._add(self.cannot, a, b)

    def must_link(self, a: str) -> set[str]:
        """Return the articles that must share ``a``'s story (transitively)."""
        seen, todo = {a}, [a]
        while todo:
            for b in self.must.get(todo.pop(), ()):
                if b not in seen:
                    seen.add(b)
                    todo.append(b)
        seen.discard(a)
        return seen

    def allows(self, group_a: Iterable[str], group_b: Iterable[str]) -> bool:
        """Return False when any article of one group may not share a story with one of the other."""
        gb = set(group_b)
        return not any(self.cannot.get(a, set()) & gb for a in group_a)

    def __bool__(self) -> bool:
        return bool(self.must) or bool(self.cannot)
