"""ArticleSignals as one typed, versioned record: small fields as JSON, arrays (float32 vectors, the
MinHash signature) as one blob.

A store writes an article's signals once, at ingest, and reads them back on
start instead of recomputing them. Adding a field to ``ArticleSignals`` is one
line in ``FIELDS``; a change to what a field means (or how the extractor
computes it) bumps ``SIGNALS_VERSION``, and stores holding older records
recompute them once (``Pipeline.upgrade_signals``).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

from .occurrence import Occurrence
from .profile import ArticleSignals

__all__ = ["SIGNALS_VERSION", "FIELDS", "encode_signals", "decode_signals"]

# 2: the occurrence (event day, quantities, places, kinds) joined the record
SIGNALS_VERSION = 2

# field -> codec. "json": a scalar as is; "set"/"tuple"/"counter": sorted list / list / {key: count};
# "occurrence": Occurrence.as_json / from_json;
# "array": a numpy array of any shape, its dtype and shape recorded; None stays None for every codec.
FIELDS: dict[str, str] = {
    "lang": "json",
    "source": "json",
    "day": "json",
    "dated": "json",
    "script": "json",
    "background": "json",
    "lead_background": "json",
    "entities": "counter",
    "numbers": "set",
    "full": "array",
    "lead": "array",
    "passages": "array",
    "centred": "array",
    "minhash": "array",
    "occurrence": "occurrence",
}

_TO_JSON: dict[str, Callable[[Any], Any]] = {
    "json": lambda v: v,
    "set": lambda v: sorted(v),
    "tuple": list,
    "counter": lambda v: dict(sorted(v.items())),
    "occurrence": lambda v: v.as_json(),
}
_FROM_JSON: dict[str, Callable[[Any], Any]] = {
    "json": lambda v: v,
    "set": set,
    "tuple": tuple,
    "counter": Counter,
    "occurrence": Occurrence.from_json,
}


def encode_signals(s: ArticleSignals) -> tuple[str, bytes]:
    """Return ``(meta, blob)``: the JSON of the small fields with the arrays' layout, and the arrays' bytes."""
    meta: dict[str, Any] = {}
    layout: list[list[Any]] = []
    parts: list[bytes] = []
    for name, codec in FIELDS.items():
        value = getattr(s, name)
        if value is None:
            meta[name] = None
        elif codec == "array":
            a = np.ascontiguousarray(value)
            layout.append([name, a.dtype.str, list(a.shape)])
            parts.append(a.tobytes())
        else:
            meta[name] = _TO_JSON[codec](value)
    meta["_arrays"] = layout
    return json.dumps(meta, ensure_ascii=False, separators=(",", ":")), b"".join(parts)


def decode_signals(article_id: str, meta: str, blob: bytes) -> ArticleSignals:
    """Return the ArticleSignals ``encode_signals`` wrote (fields a record lacks keep their defaults)."""
    m = json.loads(meta)
    kw: dict[str, Any] = {}
    for name, value in m.items():
        codec = FIELDS.get(name)
        if codec is not None and codec != "array":
            kw[name] = None if value is None else _FROM_JSON[codec](value)
    offset = 0
    for name, dtype_str, shape in m["_arrays"]:
        dtype = np.dtype(dtype_str)
        n = math.prod(shape)
        a = np.frombuffer(blob, dtype=dtype, count=n, offset=offset).reshape(shape)
        offset += n * dtype.itemsize
        if name in FIELDS:
            kw[name] = a
    return ArticleSignals(id=article_id, **kw)
