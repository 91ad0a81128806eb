"""The sentence-transformers backend, offline, with a tiny model the test builds on disk."""

from __future__ import annotations

import pickle
import socket
import sys

import numpy as np
import pytest

from babelwire.errors import EncoderError, MissingDependency
from babelwire.signals.encoders import get_encoder
from babelwire.signals.encoders.st import SentenceTransformerEncoder


def test_missing_dependency_names_the_pip_line(monkeypatch, tmp_path):
    (tmp_path / "modules.json").write_text("[]")
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import fails
    with pytest.raises(MissingDependency, match="pip install torch==2.13.0"):
        get_encoder(f"st:{tmp_path}").encode(["x"])


def test_a_path_that_is_no_model_is_refused(tmp_path):
    with pytest.raises(EncoderError, match="never downloads"):
        SentenceTransformerEncoder("intfloat/multilingual-e5-small").encode(["x"])
    with pytest.raises(EncoderError, match="modules.json"):
        _ = SentenceTransformerEncoder(str(tmp_path)).fingerprint


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A 2-layer, 32-wide random BERT with a tiny vocabulary, saved as sentence-transformers."""
    pytest.importorskip("sentence_transformers")
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import BertConfig, BertModel, BertTokenizerFast

    root = tmp_path_factory.mktemp("st")
    words = "the a bank rate raised storm hit coast query passage : . , 4 5 %".split()
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words, *"abcdefghijklmnopqrstuvwxyz"]
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64,
    )  # fmt: skip
    BertModel(config).save_pretrained(root / "hf")
    BertTokenizerFast(vocab={w: i for i, w in enumerate(vocab)}).save_pretrained(root / "hf")
    try:
        from sentence_transformers.sentence_transformer import modules
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers import models as modules
    word = modules.Transformer(str(root / "hf"), max_seq_length=64)
    pool = modules.Pooling(32, "mean")
    model = SentenceTransformer(
        modules=[word, pool, modules.Normalize()],
        device="cpu",
        prompts={"query": "query: ", "passage": "passage: "},
    )
    model.save(str(root / "tiny"))
    return root / "tiny"


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the st encoder tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_tiny_local_model_embeds_offline(tiny_model, no_network):
    enc = get_encoder(f"st:{tiny_model}", threads=1)
    assert isinstance(enc, SentenceTransformerEncoder) and enc.dim == 32
    texts = ["the bank raised the rate", "storm hit the coast", "a", ""]
    v = enc.encode(texts)
    assert v.shape == (4, 32) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    alone = np.stack([enc.encode([t])[0] for t in texts])
    assert np.allclose(v, alone, atol=1e-5)  # padding in a batch barely moves a vector
    assert not np.allclose(enc.encode(texts[:1], kind="query"), v[:1])  # the model's own prompts
    assert enc.encode([]).shape == (0, 32)
    clone = pickle.loads(pickle.dumps(enc))
    assert clone.fingerprint == enc.fingerprint and clone.fingerprint.startswith("st/tiny/")
    assert np.allclose(clone.encode(texts), v, atol=1e-6)
