"""Report times in SQLite: who reported which story when, read through the indexes (for trending and charts)."""

from __future__ import annotations

import sqlite3
from typing import Any

__all__ = ["SqliteTrends", "REPORT_KEYS"]

# What each report row holds: the article, its story, its outlet (and whether the outlet is known, or only the
# folder it came from), its language, the two clocks it can be placed on, and the original it copies.
REPORT_KEYS = ("id", "story_id", "source", "source_known", "lang", "published", "ingested_at", "copy_of")

_SELECT = """SELECT a.id, m.story_id, a.source, coalesce(json_extract(a.meta, '$.source_known'), 1), a.lang,
                    a.published, a.ingested_at, m.copy_of
             FROM articles a LEFT JOIN memberships m ON m.article_id = a.id"""


class SqliteTrends:
    """The report-times part of the store (``TrendStore``)."""

    db: sqlite3.Connection

    def report_rows(self, *, published: tuple[str, str], ingested: tuple[str, str]) -> list[dict[str, Any]]:
        """Return the report rows (``REPORT_KEYS``) of the articles whose ``published`` value lies in
        ``[published[0], published[1])`` (ISO strings compared as text), and of those ingested in
        ``[ingested[0], ingested[1])`` that have no publication time (no date, or a date without a clock).

        The first range reads the publication-date index; the second finds its first and last ingest
        sequence numbers by a binary search over ``seq`` (ingest order is ``ingested_at`` order), so
        neither reads the articles outside its range.
        """
        rows = self.db.execute(f"{_SELECT} WHERE a.published >= ? AND a.published < ?", published).fetchall()
        lo, hi = self._seq_at(ingested[0]), self._seq_at(ingested[1])
        if lo is not None:
            rows += self.db.execute(
                f"""{_SELECT} WHERE a.seq >= ? AND a.seq < ? AND a.ingested_at >= ? AND a.ingested_at < ?
                    AND (a.published IS NULL OR length(a.published) <= 10)
                    AND NOT (coalesce(a.published, '') >= ? AND coalesce(a.published, '') < ?)""",
                (lo, hi if hi is not None else 1 << 62, *ingested, *published),
            ).fetchall()
        return [dict(zip(REPORT_KEYS, r, strict=True)) for r in rows]

    def story_report_rows(self, story_id: str) -> list[dict[str, Any]]:
        """Return the report rows (``REPORT_KEYS``) of the story's articles, in ingest order."""
        rows = self.db.execute(
            f"{_SELECT} WHERE a.id IN (SELECT article_id FROM memberships WHERE story_id = ?) ORDER BY a.seq",
            (story_id,),
        ).fetchall()
        return [dict(zip(REPORT_KEYS, r, strict=True)) for r in rows]

    def _seq_at(self, when: str) -> int | None:
        """Return the first ingest sequence number of an article ingested at or after ``when``, or None."""
        lo_hi = self.db.execute("SELECT min(seq), max(seq) FROM articles").fetchone()
        if lo_hi[0] is None:
            return None
        lo, hi = int(lo_hi[0]), int(lo_hi[1]) + 1  # the answer lies in [lo, hi]; hi: none
        while lo < hi:
            mid = (lo + hi) // 2
            row = self.db.execute("SELECT seq, ingested_at FROM articles WHERE seq >= ? ORDER BY seq LIMIT 1",
                                  (mid,)).fetchone()
            if row is None or row[1] >= when:
                hi = mid
            else:
                lo = int(row[0]) + 1
        return lo if lo <= int(lo_hi[1]) else None
