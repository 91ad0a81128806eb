"""CSV: one header row, RFC 4180 quoting (CRLF rows, quoted newlines), UTF-8; lists and evidence as JSON text."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, BinaryIO

from ._jsonl import iso_utc
from ._schema import Column

__all__ = ["CsvWriter"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(kind: str, value: Any, excel: bool) -> Any:
    if value is None:
        return ""
    if kind == "time":
        return iso_utc(value)
    if kind in ("strs", "json"):
        return json.dumps(value, ensure_ascii=False)
    if kind == "float":
        return repr(float(value))
    if kind == "str" and excel and value.startswith(_FORMULA_START):
        # A scraped title like "=HYPERLINK(...)" must not run as a formula when the sheet opens.
        return "'" + value
    return value


class CsvWriter:
    """Writes rows as CSV to a binary sink; ``excel`` adds a UTF-8 byte order mark and defuses formulas."""

    def __init__(self, sink: BinaryIO, columns: tuple[Column, ...], *, excel: bool = False, **_: Any) -> None:
        if any(c.kind == "vector" for c in columns):
            raise ValueError("CSV does not hold vectors")  # the request's validation says so to users
        self.sink = sink
        self.columns = columns
        self.excel = excel
        self._text = io.StringIO()
        self._csv = csv.writer(self._text, lineterminator="\r\n")
        self._csv.writerow([c.name for c in columns])
        self._flush(bom=excel)

    def _flush(self, *, bom: bool = False) -> None:
        data = self._text.getvalue()
        self._text.seek(0)
        self._text.truncate()
        self.sink.write(("\ufeff" if bom else "").encode("utf-8") + data.encode("utf-8"))

    def write(self, rows: list[dict[str, Any]]) -> None:
        """Write ``rows`` (one record each)."""
        for r in rows:
            self._csv.writerow([_cell(c.kind, r.get(c.name), self.excel) for c in self.columns])
        self._flush()

    def close(self) -> None:
        """Nothing to finish: every record is complete when written."""
