"""What to watch: sources from a TOML file or the command line, each with its polling and politeness settings."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import InvalidArgument
from ._http import DEFAULT_USER_AGENT, HttpPolicy

__all__ = ["SourceConfig", "load_config", "sources_from_args", "SOURCE_KEYS", "DEFAULTS"]

KINDS = ("feed", "sitemap", "inbox")

# every key a [defaults] table or a [[source]] may set: (type, default, meaning) — docs/watch.md lists them
SOURCE_KEYS: dict[str, tuple[type | tuple[type, ...], Any, str]] = {
    "interval": ((int, float), 300.0, "seconds between two polls of the source"),
    "timeout": ((int, float), 20.0, "seconds to connect, and for each read of an answer"),
    "retries": (int, 2, "further tries of a time-out, refused connection, 5xx or 429 within one poll"),
    "retry_delay": ((int, float), 1.0, "seconds before the first retry; doubled each time, with jitter"),
    "max_backoff": ((int, float), 3600.0, "longest a failing source's next poll is pushed back, in seconds"),
    "max_body_mb": ((int, float), 10.0, "largest body read (feed, sitemap or page, after decompression), MiB"),
    "max_redirects": (int, 5, "redirects followed before the fetch fails"),
    "user_agent": (str, None, "User-Agent header (default: $BABELWIRE_USER_AGENT)"),
    "host_delay": ((int, float), 1.0, "seconds between two requests to one host"),
    "summary_chars": (int, 400, "an entry with only a summary shorter than this has its page fetched"),
    "fetch_pages": (bool, True, "fetch the article page of summary-only entries and sitemap URLs"),
    "max_pages": (int, 20, "article pages fetched per poll; the rest wait for the next poll"),
    "settle": ((int, float), 2.0, "inbox: seconds a file must be unchanged before it is read"),
}
DEFAULTS = {k: v[1] for k, v in SOURCE_KEYS.items()}
_SOURCE_ONLY = ("name", "url", "path", "kind")


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """One watched source: an http(s) URL (feed or sitemap) or an inbox folder, with its settings."""

    name: str
    kind: str  # feed (RSS, Atom, JSON Feed or sitemap, told apart by content), sitemap, or inbox
    url: str  # the URL, or the inbox folder's path
    interval: float = 300.0
    http: HttpPolicy = field(default_factory=HttpPolicy)
    max_backoff: float = 3600.0
    summary_chars: int = 400
    fetch_pages: bool = True
    max_pages: int = 20
    settle: float = 2.0

    @property
    def inbox(self) -> bool:
        return self.kind == "inbox"


def _checked(key: str, value: Any, where: str) -> Any:
    if key not in SOURCE_KEYS:
        known = ", ".join(sorted([*SOURCE_KEYS, *_SOURCE_ONLY]))
        raise InvalidArgument(f"{where}: unknown key {key!r} (known: {known})")
    want = SOURCE_KEYS[key][0]
    if isinstance(value, bool) and want is not bool:
        raise InvalidArgument(f"{where}: {key} must be a number, not {value!r}")
    if not isinstance(value, want):
        raise InvalidArgument(f"{where}: {key} has the wrong type ({type(value).__name__}: {value!r})")
    if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
        raise InvalidArgument(f"{where}: {key} must not be negative ({value!r})")
    if key in ("interval", "timeout", "max_body_mb") and value == 0:
        raise InvalidArgument(f"{where}: {key} must be above 0")
    return value


def _build(name: str, kind: str, url: str, values: dict[str, Any]) -> SourceConfig:
    from ... import settings

    v = {**DEFAULTS, **values}
    policy = HttpPolicy(timeout=float(v["timeout"]), max_bytes=max(1, int(float(v["max_body_mb"]) * 1048576)),
                        max_redirects=int(v["max_redirects"]),
                        user_agent=v["user_agent"] or settings.get("user_agent") or DEFAULT_USER_AGENT,
                        retries=int(v["retries"]), retry_delay=float(v["retry_delay"]),
                        host_delay=float(v["host_delay"]))
    return SourceConfig(name=name, kind=kind, url=url, interval=float(v["interval"]), http=policy,
                        max_backoff=float(v["max_backoff"]), summary_chars=int(v["summary_chars"]),
                        fetch_pages=bool(v["fetch_pages"]), max_pages=int(v["max_pages"]), settle=float(v["settle"]))


def _source(table: Any, n: int, defaults: dict[str, Any], base: Path) -> SourceConfig:
    where = f"[[source]] {n}"
    if not isinstance(table, dict):
        raise InvalidArgument(f"{where}: not a table")
    url, path = table.get("url"), table.get("path")
    if (url is None) == (path is None):
        raise InvalidArgument(f"{where}: give exactly one of url (a feed or sitemap) or path (an inbox folder)")
    kind = table.get("kind", "inbox" if path is not None else "feed")
    if kind not in KINDS:
        raise InvalidArgument(f"{where}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if (kind == "inbox") != (path is not None):
        raise InvalidArgument(f"{where}: an inbox has a path, a feed or sitemap a url")
    target = url if url is not None else path
    if not isinstance(target, str) or not target.strip():
        raise InvalidArgument(f"{where}: {'url' if url is not None else 'path'} must be a non-empty string")
    if path is not None:
        target = str((base / path).resolve()) if not Path(path).is_absolute() else path
    name = table.get("name", url if url is not None else path)
    if not isinstance(name, str) or not name.strip():
        raise InvalidArgument(f"{where}: name must be a non-empty string")
    values = {k: _checked(k, v, f"{where} ({name})") for k, v in table.items() if k not in _SOURCE_ONLY}
    return _build(name.strip(), kind, target.strip(), {**defaults, **values})


def load_config(path: str | Path, *, overrides: dict[str, Any] | None = None) -> list[SourceConfig]:
    """Return the sources of a watch TOML file (``[defaults]`` and ``[[source]]`` tables; docs/watch.md).

    ``overrides`` replace the file's defaults (``--interval`` from the command line); InvalidArgument
    names the first problem.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidArgument(f"{path}: cannot read the watch config ({exc.strerror or exc})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidArgument(f"{path}: not valid TOML ({exc})") from exc
    unknown = set(data) - {"defaults", "source"}
    if unknown:
        raise InvalidArgument(f"{path}: unknown table(s) {', '.join(sorted(unknown))} (known: defaults, source)")
    raw_defaults = data.get("defaults", {})
    if not isinstance(raw_defaults, dict):
        raise InvalidArgument(f"{path}: [defaults] must be a table")
    defaults = {k: _checked(k, v, f"{path} [defaults]") for k, v in raw_defaults.items()}
    defaults.update(overrides or {})
    tables = data.get("source", [])
    if not isinstance(tables, list):
        raise InvalidArgument(f"{path}: sources are [[source]] tables")
    sources = [_source(t, n, defaults, path.parent) for n, t in enumerate(tables, 1)]
    return _unique(sources, str(path))


def sources_from_args(targets: tuple[str, ...] | list[str], *, overrides: dict[str, Any] | None = None
                      ) -> list[SourceConfig]:
    """Return a source for each command-line target: a folder is an inbox, anything else a URL (checked when
    polled, so a refused scheme is that source's error with its reason)."""
    out = []
    for t in targets:
        kind = "inbox" if Path(t).is_dir() else "feed"
        target = str(Path(t).resolve()) if kind == "inbox" else t
        out.append(_build(t, kind, target, dict(overrides or {})))
    return _unique(out, "the command line")


def _unique(sources: list[SourceConfig], where: str) -> list[SourceConfig]:
    names = [s.name for s in sources]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InvalidArgument(f"{where}: source name(s) given twice: {', '.join(twice)}")
    return sources

