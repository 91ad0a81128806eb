"""A verified on-disk cache of built model files: atomic writes, SHA-256 sidecars."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["cache_dir", "load_or_build"]

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    """Return babelwire's cache directory: ``$BABELWIRE_CACHE_DIR``, else the XDG user cache."""
    explicit = os.environ.get("BABELWIRE_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "babelwire"


def load_or_build(name: str, meta: dict[str, str], build: Callable[[], bytes]) -> bytes:
    """Return the bytes cached under ``name``, building and storing them if absent or corrupt.

    A sidecar ``name.json`` records ``meta`` with the file's size and SHA-256; a
    file whose bytes or metadata don't match it (truncated, corrupt, stale) is
    rebuilt. Writes go to a temp file renamed into place, so readers never see
    a partial file, and concurrent builders simply race to the same bytes.
    """
    directory = cache_dir()
    path, sidecar = directory / name, directory / f"{name}.json"
    data = _read_verified(path, sidecar, meta)
    if data is not None:
        return data
    data = build()
    record = {**meta, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _atomic_write(path, data)
        _atomic_write(sidecar, (json.dumps(record, indent=1, sort_keys=True) + "\n").encode())
    except OSError as exc:  # a read-only cache costs a rebuild per start, not a failure
        log.warning("could not write %s to the cache (%s); it will be rebuilt next time", name, exc)
    return data


def _read_verified(path: Path, sidecar: Path, meta: dict[str, str]) -> bytes | None:
    try:
        record = json.loads(sidecar.read_text())
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("unreadable cache entry %s (%s); rebuilding", path, exc)
        return None
    if not isinstance(record, dict) or any(record.get(k) != v for k, v in meta.items()):
        log.warning("cache entry %s was built for something else; rebuilding", path)
        return None
    if record.get("size") != len(data) or record.get("sha256") != hashlib.sha256(data).hexdigest():
        log.warning("cache entry %s is corrupt or partial; rebuilding", path)
        return None
    return data


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a cache is fine to share
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
