"""JSON Lines: one JSON object per row, UTF-8, lists as arrays, evidence as an object."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, BinaryIO

import numpy as np

from ._schema import Column

__all__ = ["JsonlWriter", "iso_utc"]


def iso_utc(value: datetime) -> str:
    """Return an aware UTC datetime as ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``."""
    return value.isoformat().replace("+00:00", "Z")


def _value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "time":
        return iso_utc(value)
    if kind == "vector":
        return np.asarray(value, dtype=np.float32).tolist()
    return value


class JsonlWriter:
    """Writes rows as JSON Lines to a binary sink."""

    def __init__(self, sink: BinaryIO, columns: tuple[Column, ...], **_: Any) -> None:
        self.sink = sink
        self.columns = columns

    def write(self, rows: list[dict[str, Any]]) -> None:
        """Write ``rows`` (one line each)."""
        lines = [json.dumps({c.name: _value(c.kind, r.get(c.name)) for c in self.columns}, ensure_ascii=False)
                 for r in rows]
        if lines:
            self.sink.write(("\n".join(lines) + "\n").encode("utf-8"))

    def close(self) -> None:
        """Nothing to finish: every line is complete when written."""
