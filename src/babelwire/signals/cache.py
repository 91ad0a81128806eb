"""Embeddings cached by content hash: the same text is never embedded twice."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

import numpy as np

from ..model import content_hash
from .encoders.base import Encoder, Kind, Span

__all__ = ["VectorStore", "EmbeddingCache", "MemoryVectorStore"]

log = logging.getLogger(__name__)


class VectorStore(Protocol):
    """Where cached vectors live (the SQLite store implements it)."""

    def get_vectors(self, hashes: Iterable[str], *, encoder: str, kind: str = "passage") -> dict[str, np.ndarray]: ...

    def put_vectors(self, vectors: dict[str, np.ndarray], *, encoder: str, kind: str = "passage") -> None: ...


class MemoryVectorStore:
    """A VectorStore in a dict, for tests and one-off runs."""

    def __init__(self) -> None:
        self.data: dict[tuple[str, str, str], np.ndarray] = {}

    def get_vectors(self, hashes: Iterable[str], *, encoder: str, kind: str = "passage") -> dict[str, np.ndarray]:
        return {h: self.data[(h, encoder, kind)] for h in hashes if (h, encoder, kind) in self.data}

    def put_vectors(self, vectors: dict[str, np.ndarray], *, encoder: str, kind: str = "passage") -> None:
        for h, v in vectors.items():
            self.data[(h, encoder, kind)] = v


class EmbeddingCache:
    """Embeds texts through ``encoder``, reading and writing vectors in ``store`` by content hash."""

    def __init__(self, encoder: Encoder, store: VectorStore) -> None:
        self.encoder = encoder
        self.store = store
        self.embedded = 0  # texts actually sent to the encoder
        self.hits = 0

    def embed(
        self,
        texts: Sequence[str],
        *,
        kind: Kind = "passage",
        progress: Callable[[int], None] | None = None,
        batch: int = 16,
    ) -> np.ndarray:
        """Return one vector per text (rows aligned with ``texts``), embedding only unseen texts."""
        hashes = [content_hash(t) for t in texts]
        fp = self.encoder.fingerprint
        found = self.store.get_vectors(hashes, encoder=fp, kind=kind)
        missing: dict[str, str] = {}
        for h, t in zip(hashes, texts, strict=True):
            if h not in found and h not in missing:
                missing[h] = t
        self.hits += len(texts) - len(missing)
        items = list(missing.items())
        for i in range(0, len(items), batch):
            part = items[i : i + batch]
            vecs = self.encoder.encode([t for _, t in part], kind=kind)
            new = {h: v for (h, _), v in zip(part, vecs, strict=True)}
            self.store.put_vectors(new, encoder=fp, kind=kind)
            found.update(new)
            self.embedded += len(part)
            if progress is not None:
                progress(len(part))
        out = np.empty((len(texts), self.encoder.dim), dtype=np.float32)
        for i, h in enumerate(hashes):
            out[i] = found[h]
        return out

    def embed_spans(
        self,
        docs: Sequence[tuple[str, Sequence[Span]]],
        *,
        kind: Kind = "passage",
        progress: Callable[[int], None] | None = None,
        batch: int = 16,
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Return each text's vector and its spans' vectors, from one encoder run per text not cached yet.

        The encoder must be a ``SpanEncoder``. A span's vector is cached under a key made
        of the text's hash and the span, so it is found again only for the same text.
        """
        fp = self.encoder.fingerprint
        keys = [_span_keys(text, spans) for text, spans in docs]
        found = self.store.get_vectors([k for ks in keys for k in ks], encoder=fp, kind=kind)
        todo: dict[tuple[str, ...], int] = {}
        for i, ks in enumerate(keys):
            if any(k not in found for k in ks):
                todo.setdefault(tuple(ks), i)
        self.hits += len(docs) - len(todo)
        items = list(todo.items())
        encode_spans = self.encoder.encode_spans  # type: ignore[attr-defined]
        for start in range(0, len(items), batch):
            new: dict[str, np.ndarray] = {}
            for doc_keys, i in items[start : start + batch]:
                text, spans = docs[i]
                full, pooled = encode_spans(text, spans, kind=kind)
                new[doc_keys[0]] = full
                new.update(zip(doc_keys[1:], pooled, strict=True))
            self.store.put_vectors(new, encoder=fp, kind=kind)
            found.update(new)
            part = len(items[start : start + batch])
            self.embedded += part
            if progress is not None:
                progress(part)
        dim = self.encoder.dim
        return [(found[ks[0]], np.stack([found[k] for k in ks[1:]]) if len(ks) > 1 else np.empty((0, dim), np.float32))
                for ks in keys]

    def missing_spans(self, docs: Sequence[tuple[str, Sequence[Span]]], *, kind: Kind = "passage") -> int:
        """Return how many distinct texts ``embed_spans`` would send to the encoder."""
        keys = list(dict.fromkeys(tuple(_span_keys(text, spans)) for text, spans in docs))
        found = self.store.get_vectors([k for ks in keys for k in ks], encoder=self.encoder.fingerprint, kind=kind)
        return sum(any(k not in found for k in ks) for ks in keys)

    def missing(self, texts: Sequence[str], *, kind: Kind = "passage") -> int:
        """Return how many distinct texts are not cached yet (what ``embed`` would send to the encoder)."""
        hashes = list(dict.fromkeys(content_hash(t) for t in texts))
        return len(hashes) - len(self.store.get_vectors(hashes, encoder=self.encoder.fingerprint, kind=kind))


def _span_keys(text: str, spans: Sequence[Span]) -> list[str]:
    """Return the cache keys of ``text``'s vector and of each span's (the text's hash with the span)."""
    h = content_hash(text)
    return [h, *(content_hash(f"span\x00{a}:{b}\x00{h}") for a, b in spans)]
