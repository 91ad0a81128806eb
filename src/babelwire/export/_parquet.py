"""Parquet (pyarrow): a typed schema with each column's meaning in its field metadata, one row group a page."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np

from ..errors import MissingDependency
from ._schema import Column

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["ParquetWriter", "require_pyarrow", "arrow_schema"]

PIP_HINT = 'pip install "babelwire[export]"'
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
ROW_GROUP_ROWS = 10_000  # rows buffered before a row group is written: big enough for readers, small in memory


def require_pyarrow() -> None:
    """Raise MissingDependency, with the pip line, unless pyarrow is installed."""
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError as exc:
        raise MissingDependency(f"Parquet export needs pyarrow: {PIP_HINT}") from exc


def _arrow_type(kind: str, dim: int | None) -> pa.DataType:
    import pyarrow as pa

    return {
        "str": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "time": pa.timestamp("us", tz="UTC"),
        "strs": pa.list_(pa.string()),
        "json": pa.string(),
        # the store's encoder makes vectors of one length; with none stored the length is unknown
        "vector": pa.list_(pa.float32(), dim) if dim else pa.list_(pa.float32()),
    }[kind]


def arrow_schema(columns: tuple[Column, ...], *, table: str, dim: int | None = None) -> pa.Schema:
    """Return the Arrow schema of ``columns``, each field's meaning in its ``description`` metadata."""
    import pyarrow as pa

    fields = [pa.field(c.name, _arrow_type(c.kind, dim), metadata={"description": c.help}) for c in columns]
    return pa.schema(fields, metadata={"babelwire_table": table})


class ParquetWriter:
    """Writes rows as Parquet to a binary sink, a row group per ``ROW_GROUP_ROWS`` rows."""

    def __init__(self, sink: BinaryIO, columns: tuple[Column, ...], *, table: str, dim: int | None = None,
                 **_: Any) -> None:
        require_pyarrow()
        import pyarrow.parquet as pq

        self.columns = columns
        self.dim = dim
        self.schema = arrow_schema(columns, table=table, dim=dim)
        self._writer = pq.ParquetWriter(sink, self.schema, compression="zstd")
        self._pending: list[dict[str, Any]] = []

    def write(self, rows: list[dict[str, Any]]) -> None:
        """Buffer ``rows``, writing a row group when enough are buffered."""
        self._pending.extend(rows)
        if len(self._pending) >= ROW_GROUP_ROWS:
            self._write_pending()

    def _write_pending(self) -> None:
        if not self._pending:
            return
        import pyarrow as pa

        rows, self._pending = self._pending, []
        arrays = []
        for c, field in zip(self.columns, self.schema, strict=True):
            values = [r.get(c.name) for r in rows]
            if c.kind == "json":
                values = [None if v is None else json.dumps(v, ensure_ascii=False) for v in values]
            elif c.kind == "time":  # microseconds since the epoch, what the timestamp type holds
                values = [None if v is None else (v - _EPOCH) // _MICROSECOND for v in values]
            if c.kind == "vector" and self.dim:
                arrays.append(self._vectors(values))
            else:
                arrays.append(pa.array(values, type=field.type))
        self._writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))

    def _vectors(self, values: list[Any]) -> pa.Array:
        import pyarrow as pa

        dim = self.dim or 0
        missing = [v is None or len(v) != dim for v in values]
        flat = np.zeros((len(values), dim), dtype=np.float32)
        for i, v in enumerate(values):
            if not missing[i]:
                flat[i] = v
        return pa.FixedSizeListArray.from_arrays(pa.array(flat.reshape(-1)), dim, mask=pa.array(missing))

    def close(self) -> None:
        """Write what is buffered and the file's footer."""
        self._write_pending()
        self._writer.close()
