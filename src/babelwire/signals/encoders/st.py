"""Bring your own model: a sentence-transformers model directory on disk (``st:PATH``)."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ...errors import EncoderError, MissingDependency
from .base import Kind

__all__ = ["SentenceTransformerEncoder"]

_PIP = (
    "the st encoder needs sentence-transformers and torch: "
    'pip install torch==2.13.0 "babelwire[st]" (install the CPU torch wheel first to keep it small)'
)


class SentenceTransformerEncoder:
    """A local sentence-transformers model; never downloads anything.

    ``kind`` picks the model's own prompt of that name when it defines one
    (``prompts`` in ``config_sentence_transformers.json``, e.g. e5's
    ``"query: "``); otherwise texts are embedded as they are.
    """

    name = "st"

    def __init__(self, path: str, *, threads: int | None = None, batch_size: int = 16) -> None:
        self.path = path
        self.threads = threads
        self.batch_size = batch_size
        self._model = None
        self._fingerprint: str | None = None
        self._lock = threading.Lock()

    @property
    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = f"st/{Path(self.path).name}/{_dir_hash(self._dir())}"
        return self._fingerprint

    @property
    def dim(self) -> int:
        with self._lock:
            return _dimension(self._load())

    def encode(self, texts: Sequence[str], *, kind: Kind = "passage") -> np.ndarray:
        """Return (n, dim) float32 L2-normalised vectors."""
        texts = list(texts)
        with self._lock:
            model = self._load()
            if not texts:
                return np.empty((0, _dimension(model)), dtype=np.float32)
            prompt = kind if kind in (getattr(model, "prompts", None) or {}) else None
            out = model.encode(
                texts,
                prompt_name=prompt,
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(out, dtype=np.float32)

    def _dir(self) -> Path:
        path = Path(self.path).expanduser()
        if not (path / "modules.json").is_file():
            raise EncoderError(
                f"{self.path} is not a sentence-transformers model directory (no modules.json); "
                "st:PATH takes a local model, babelwire never downloads one"
            )
        return path

    def _load(self):
        if self._model is None:
            path = self._dir()
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise MissingDependency(_PIP) from exc
            if self.threads:
                import torch

                torch.set_num_threads(self.threads)
            try:
                self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
            except Exception as exc:  # noqa: BLE001 - surface any loader failure by name
                raise EncoderError(
                    f"could not load sentence-transformers model {path}: {exc}"
                ) from exc
        return self._model

    def __getstate__(self):
        return {"path": self.path, "threads": self.threads, "batch_size": self.batch_size}

    def __setstate__(self, state):
        self.__init__(state["path"], threads=state["threads"], batch_size=state["batch_size"])


def _dimension(model) -> int:
    """Return the model's output width (the method was renamed in sentence-transformers 6)."""
    get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(get())


def _dir_hash(path: Path) -> str:
    """Return 16 hex digits of SHA-256 over every file's relative name and bytes."""
    h = hashlib.sha256()
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for name in sorted(files):
            full = Path(root, name)
            h.update(str(full.relative_to(path)).encode() + b"\0")
            with open(full, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
    return h.hexdigest()[:16]
