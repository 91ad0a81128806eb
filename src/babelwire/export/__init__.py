"""Exports of a store's stories, articles and memberships as JSON Lines, CSV or Parquet, streamed page by page.

``Exporter(store, ExportRequest(table="articles", format="parquet")).write_to(file)``; the CLI
(``babelwire export``) and the API (``GET /api/export``) are thin edges on it. Parquet needs the
``[export]`` extra (pyarrow). The columns are in ``TABLES``, documented in docs/export.md.
"""

from ._export import FORMATS, MEDIA_TYPES, Exporter, ExportRequest, format_for_path
from ._parquet import PIP_HINT, arrow_schema, require_pyarrow
from ._schema import KINDS, TABLES, Column, columns

__all__ = ["ExportRequest", "Exporter", "FORMATS", "MEDIA_TYPES", "TABLES", "KINDS", "Column", "columns",
           "format_for_path", "arrow_schema", "require_pyarrow", "PIP_HINT"]
