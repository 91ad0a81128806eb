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

    name: str
    fingerprint: str
    dim: int

    def encode(self, texts: Sequence[str], *, kind: Kind = "passage") -> np.ndarray:
        """Return an array of shape (len(texts), dim), float32, each row L2-normalised."""
        ...
