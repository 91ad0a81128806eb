"""What the story list and the facets were before the store kept summaries (m012, m013): the queries that
grouped every membership and counted every article, kept here as the reference the kept columns must equal."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

__all__ = ["sql", "grouped_stats", "kept_stats", "assert_stats_right", "old_story_rows", "old_value_counts"]


def sql(store: Any, query: str, params: Iterable[Any] = ()) -> list[tuple]:
    """Run ``query`` (``%s`` placeholders) on either backend; return its rows (none for a write)."""
    if isinstance(getattr(store, "db", None), sqlite3.Connection):
        cur = store.db.execute(query.replace("%s", "?"), list(params))
    else:
        cur = store._q(query, list(params))
    return [tuple(r) for r in cur.fetchall()] if cur.description else []


def grouped_stats(store: Any) -> dict[str, tuple]:
    """Return story id -> (members, first date, last date, newest seq), grouped from scratch."""
    rows = sql(store, """SELECT m.story_id, count(*), min(a.published), max(a.published), max(a.seq)
                         FROM memberships m JOIN articles a ON a.id = m.article_id GROUP BY m.story_id""")
    return {sid: tuple(r) for sid, *r in rows}


def kept_stats(store: Any) -> dict[str, tuple]:
    """Return story id -> the summary columns the store keeps, for every story row."""
    rows = sql(store, "SELECT id, article_count, first_pub, last_pub, newest_seq FROM stories")
    return {sid: tuple(r) for sid, *r in rows}


def assert_stats_right(store: Any) -> None:
    """Assert every story row's kept summary is what grouping its members gives (a story without any: 0)."""
    want = grouped_stats(store)
    got = kept_stats(store)
    assert got == {sid: want.get(sid, (0, None, None, None)) for sid in got}


def old_story_rows(store: Any, *, article_ids: Iterable[str] | None = None, lang: str | None = None,
                   source: str | None = None, since: str | None = None, until: str | None = None,
                   limit: int | None = None, offset: int = 0) -> list[tuple[str, str]]:
    """Return ``story_rows`` as the store computed it before m012_story_stats (the same SQL on both backends)."""
    where: list[str] = []
    params: list[Any] = []
    if article_ids is not None:
        ids = list(article_ids)
        if not ids:
            return []
        where.append(f"s.id IN (SELECT story_id FROM memberships WHERE article_id IN ({','.join(['%s'] * len(ids))}))")
        params += ids
    for col, val in (("a.lang", lang), ("a.source", source)):
        if val:
            where.append("s.id IN (SELECT m.story_id FROM memberships m JOIN articles a ON a.id = m.article_id "
                         f"WHERE {col} = %s)")
            params.append(val)
    if since:
        where.append("x.last_pub >= %s")  # x.: the stories table has such columns now
        params.append(since)
    if until:
        where.append("x.first_pub <= %s")
        params.append(until + "~")
    is_sqlite = isinstance(getattr(store, "db", None), sqlite3.Connection)
    query = f"""SELECT s.id, s.headline FROM stories s
                JOIN (SELECT m.story_id, max(a.published) AS last_pub, min(a.published) AS first_pub,
                             count(*) AS n, max(a.seq) AS newest
                      FROM memberships m JOIN articles a ON a.id = m.article_id GROUP BY m.story_id) x
                  ON x.story_id = s.id
                {"WHERE " + " AND ".join(where) if where else ""}
                ORDER BY coalesce(x.last_pub, '') DESC, x.n DESC, x.newest DESC
                LIMIT %s OFFSET %s"""
    return [(i, h) for i, h in sql(store, query, [*params, -1 if limit is None and is_sqlite else limit, offset])]


def old_value_counts(store: Any, column: str) -> list[tuple[str, int]]:
    """Return ``value_counts(column)`` as the store computed it before m013_facet_counts."""
    return [(v, int(n)) for v, n in sql(
        store, f"SELECT {column}, count(*) AS n FROM articles WHERE {column} IS NOT NULL GROUP BY {column} "
               f"ORDER BY n DESC, {column}")]
