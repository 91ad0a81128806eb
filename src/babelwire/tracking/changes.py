"""The changes feed: what happened in a store after a cursor, in order, a page at a time.

Every entry is written in the transaction of the change it records (see ``pipeline/_changes.py``),
so a reader that follows the feed from 0 sees every change exactly once, in commit order, and
``replay`` rebuilds the store's story memberships from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..errors import InvalidArgument
from ..model import CHANGE_KINDS, Change
from ..store import StoreInterface

__all__ = ["changes_page", "replay", "check_kinds", "MAX_LIMIT"]

MAX_LIMIT = 1000


class InvalidCursor(InvalidArgument):
    """A changes-feed cursor that is not a count of changes this store has made."""


def check_kinds(kinds: Iterable[str] | None) -> list[str] | None:
    """Return ``kinds`` as a list (None for every kind); raises InvalidArgument for one the feed does not have."""
    if kinds is None:
        return None
    kinds = list(dict.fromkeys(kinds))
    if not kinds:
        return None
    unknown = [k for k in kinds if k not in CHANGE_KINDS]
    if unknown:
        raise InvalidArgument(f"unknown change kind {unknown[0]!r}; kinds are: {', '.join(CHANGE_KINDS)}")
    return kinds


def changes_page(store: StoreInterface, after: int = 0, *, limit: int = 100,
                 kinds: Sequence[str] | None = None) -> dict[str, Any]:
    """Return ``{"changes", "next", "more", "head"}``: the first ``limit`` changes after cursor ``after``
    (of ``kinds`` only, when given), oldest first; ``next`` is the cursor to ask from next time, ``more``
    says whether changes after it were left out, ``head`` is the newest cursor of the store.

    Raises InvalidCursor for a negative cursor or one past the store's newest change (a cursor
    from another store), InvalidArgument for a limit outside 1..1000 or an unknown kind.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidArgument(f"limit must be from 1 to {MAX_LIMIT}, not {limit}")
    head = store.changes_head()
    if after < 0 or after > head:
        raise InvalidCursor(f"cursor {after} is not in this store's changes feed (0 to {head})")
    rows = store.changes_after(after, limit + 1, check_kinds(kinds))
    page, more = rows[:limit], len(rows) > limit
    # without a kind filter the next page starts after the last row; with one, nothing up to head is left
    nxt = page[-1].cursor if page else after
    if not more and kinds:
        nxt = max(nxt, head)
    return {"changes": [c.as_dict() for c in page], "next": nxt, "more": more, "head": head}


def replay(changes: Iterable[Change | dict[str, Any]]) -> dict[str, str]:
    """Return article id -> story id after applying ``changes`` (entries or their ``as_dict``) in order."""
    story: dict[str, str] = {}
    for ch in changes:
        kind, data = (ch.kind, ch.data) if isinstance(ch, Change) else (ch["kind"], ch["data"])
        if kind == "article.stored":
            story[data["article_id"]] = data["story_id"]
        elif kind == "article.moved":
            story[data["article_id"]] = data["to"]
        elif kind == "story.merged":
            story.update(dict.fromkeys(data["articles"], data["into"]))
        elif kind == "story.split":
            story.update(dict.fromkeys(data["articles"], data["new_story"]))
    return story
