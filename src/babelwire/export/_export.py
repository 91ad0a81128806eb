"""An export: a validated request (table, format, filters) and the bytes it streams, page by page."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import PurePath
from typing import Any, BinaryIO

from ..errors import InvalidArgument, NotFound
from ..store import StoreInterface
from ._csv import CsvWriter
from ._jsonl import JsonlWriter
from ._parquet import ParquetWriter, require_pyarrow
from ._rows import table_pages
from ._schema import TABLES, columns

__all__ = ["ExportRequest", "Exporter", "FORMATS", "MEDIA_TYPES", "format_for_path"]

FORMATS = ("jsonl", "csv", "parquet")
MEDIA_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8",
               "parquet": "application/vnd.apache.parquet"}
SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
WRITERS: dict[str, Callable[..., Any]] = {"jsonl": JsonlWriter, "csv": CsvWriter, "parquet": ParquetWriter}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def format_for_path(path: str) -> str | None:
    """Return the format a file name's suffix names (``.jsonl``/``.ndjson``, ``.csv``, ``.parquet``/``.pq``)."""
    return SUFFIXES.get(PurePath(path).suffix.lower())


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What to export: one table, in one format, optionally filtered.

    ``since``/``until`` are YYYY-MM-DD, both days included; ``story`` is a story id (merge redirects
    followed). ``vectors`` adds the articles' embeddings (articles table; JSONL or Parquet);
    ``excel`` makes CSV open cleanly in a spreadsheet (a byte order mark, formulas defused).
    """

    table: str = "stories"
    format: str = "jsonl"
    lang: str | None = None
    source: str | None = None
    since: str | None = None
    until: str | None = None
    story: str | None = None
    vectors: bool = False
    excel: bool = False
    page_size: int = 1000

    def validated(self) -> ExportRequest:
        """Return the request with blank filters dropped; raises InvalidArgument naming what is wrong."""
        if self.table not in TABLES:
            raise InvalidArgument(f"no table {self.table!r}: choose one of {', '.join(TABLES)}")
        if self.format not in FORMATS:
            raise InvalidArgument(f"no format {self.format!r}: choose one of {', '.join(FORMATS)}")
        clean: dict[str, Any] = {k: (getattr(self, k) or "").strip() or None
                                 for k in ("lang", "source", "since", "until", "story")}
        for name in ("since", "until"):
            value = clean[name]
            if value is not None:
                try:
                    if not _DATE.match(value):
                        raise ValueError
                    date.fromisoformat(value)
                except ValueError:
                    raise InvalidArgument(f"{name} must be a date as YYYY-MM-DD, not {value!r}") from None
        if clean["since"] and clean["until"] and clean["until"] < clean["since"]:
            raise InvalidArgument(f"until ({clean['until']}) is before since ({clean['since']})")
        if self.vectors and self.table != "articles":
            raise InvalidArgument(f"vectors are a column of the articles table, not of {self.table}")
        if self.vectors and self.format == "csv":
            raise InvalidArgument("CSV does not hold vectors: export them as JSONL or Parquet")
        if self.excel and self.format != "csv":
            raise InvalidArgument(f"the Excel option is for CSV, not {self.format}")
        if self.page_size < 1:
            raise InvalidArgument("page_size must be at least 1")
        return replace(self, **clean)


class Exporter:
    """One export from a store: checked when made (bad requests, unknown story, missing pyarrow), then
    streamed by :meth:`chunks` or :meth:`write_to`; ``rows`` counts the rows written so far."""

    def __init__(self, store: StoreInterface, request: ExportRequest) -> None:
        self.store = store
        self.request = request.validated()
        if self.request.format == "parquet":
            require_pyarrow()
        self.story_id: str | None = None
        if self.request.story is not None:
            self.story_id = store.resolve_story(self.request.story)
            if not store.story_exists(self.story_id):
                raise NotFound(f"no story with id {self.request.story!r}")
        self.encoder = store.get_setting("encoder") if self.request.vectors else None
        self.rows = 0

    @property
    def filters(self) -> dict[str, Any]:
        """Return the store's filter arguments of the request."""
        r = self.request
        return {"lang": r.lang, "source": r.source, "since": r.since, "until": r.until, "story_id": self.story_id}

    def total(self) -> int | None:
        """Return how many rows the export will write when that is cheap to know (no filters), else None."""
        if any(self.filters.values()):
            return None
        return self.store.story_count() if self.request.table == "stories" else self.store.article_count()

    def chunks(self, progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
        """Yield the export's bytes, a chunk per page of rows; ``progress(n)`` after each page of ``n`` rows.

        The pages are read in one ``read_snapshot``: close the generator (or run it out) to end it.
        """
        r = self.request
        sink = _Chunks()
        cols = columns(r.table, vectors=r.vectors)
        dim = self.store.vector_dim(encoder=self.encoder) if self.encoder else None
        writer = WRITERS[r.format](sink, cols, table=r.table, dim=dim, excel=r.excel)
        yield sink.drain()
        with self.store.read_snapshot():  # pages of one state of the store, even while it is written to
            for rows in table_pages(self.store, r.table, self.filters, page=r.page_size, encoder=self.encoder):
                writer.write(rows)
                self.rows += len(rows)
                if progress is not None:
                    progress(len(rows))
                if chunk := sink.drain():
                    yield chunk
        writer.close()
        yield sink.drain()

    def write_to(self, out: BinaryIO, progress: Callable[[int], None] | None = None) -> int:
        """Write the export to ``out``; return how many bytes were written."""
        n = 0
        for chunk in self.chunks(progress):
            if chunk:
                out.write(chunk)
                n += len(chunk)
        out.flush()
        return n


class _Chunks:
    """A write-only binary sink the writers fill and :meth:`drain` empties (Parquet's writer asks ``tell``)."""

    closed = False

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._written = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._written += len(data)
        return len(data)

    def tell(self) -> int:
        return self._written

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def drain(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data
