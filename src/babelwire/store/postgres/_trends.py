"""Report times in PostgreSQL: who reported which story when, read through the indexes (for trending and charts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..sqlite._trends import REPORT_KEYS

__all__ = ["PgTrends"]

# source_known as SQLite's json_extract gives it: 0 for a JSON false, else 1 (true, or no such key)
_SELECT = """SELECT a.id, m.story_id, a.source,
                    CASE WHEN a.meta::json ->> 'source_known' IN ('false', '0') THEN 0 ELSE 1 END, a.lang,
                    a.published, a.ingested_at, m.copy_of
             FROM articles a LEFT JOIN memberships m ON m.article_id = a.id"""


class PgTrends:
    """The report-times part of the store (``TrendStore``)."""

    _q: Callable[..., Any]

    def report_rows(self, *, published: tuple[str, str], ingested: tuple[str, str]) -> list[dict[str, Any]]:
        """Return the report rows (``REPORT_KEYS``) of the articles whose ``published`` value lies in
        ``[published[0], published[1])`` (ISO strings compared as text), and of those ingested in
        ``[ingested[0], ingested[1])`` that have no publication time (no date, or a date without a clock).

        The first range reads the publication-date index (``articles_published``); the second finds its
        first and last ingest sequence numbers by a binary search over the ``articles_seq`` index (ingest
        order is ``ingested_at`` order), as the SQLite part does, so neither reads the articles outside it.
        """
        rows = self._q(f"{_SELECT} WHERE a.published >= %s AND a.published < %s", published).fetchall()
        lo, hi = self._seq_at(ingested[0]), self._seq_at(ingested[1])
        if lo is not None:
            rows += self._q(
                f"""{_SELECT} WHERE a.seq >= %s AND a.seq < %s AND a.ingested_at >= %s AND a.ingested_at < %s
                    AND (a.published IS NULL OR length(a.published) <= 10)
                    AND NOT (coalesce(a.published, '') >= %s AND coalesce(a.published, '') < %s)""",
                (lo, hi if hi is not None else 1 << 62, *ingested, *published),
            ).fetchall()
        return [dict(zip(REPORT_KEYS, r, strict=True)) for r in rows]

    def story_report_rows(self, story_id: str) -> list[dict[str, Any]]:
        """Return the report rows (``REPORT_KEYS``) of the story's articles, in ingest order."""
        rows = self._q(
            f"{_SELECT} WHERE a.id IN (SELECT article_id FROM memberships WHERE story_id = %s) ORDER BY a.seq",
            (story_id,),
        ).fetchall()
        return [dict(zip(REPORT_KEYS, r, strict=True)) for r in rows]

    def _seq_at(self, when: str) -> int | None:
        """Return the first ingest sequence number of an article ingested at or after ``when``, or None."""
        lo_hi = self._q("SELECT min(seq), max(seq) FROM articles").fetchone()
        if lo_hi[0] is None:
            return None
        lo, hi = int(lo_hi[0]), int(lo_hi[1]) + 1  # the answer lies in [lo, hi]; hi: none
        while lo < hi:
            mid = (lo + hi) // 2
            row = self._q("SELECT seq, ingested_at FROM articles WHERE seq >= %s ORDER BY seq LIMIT 1",
                          (mid,)).fetchone()
            if row is None or row[1] >= when:
                hi = mid
            else:
                lo = int(row[0]) + 1
        return lo if lo <= int(lo_hi[1]) else None
