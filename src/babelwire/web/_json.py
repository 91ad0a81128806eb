"""Posted JSON, read with limits: nesting depth is measured before parsing (no recursion, no RecursionError)."""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np

from .errors import ApiError

__all__ = ["MAX_DEPTH", "json_depth", "load_json"]

MAX_DEPTH = 32
# A JSON string, escapes included (the unrolled form: linear, no backtracking).
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_OPEN = np.zeros(256, dtype=np.int8)
_OPEN[[ord("["), ord("{")]] = 1
_OPEN[[ord("]"), ord("}")]] = -1


def json_depth(data: bytes) -> int:
    """Return how deeply the arrays and objects in the JSON text ``data`` nest (0 for a bare scalar).

    Brackets inside strings do not count. Vectorised, so a 10 MiB body of ``[`` takes milliseconds.
    """
    outside = _STRING.sub(b'""', data)
    if not outside:
        return 0
    steps = _OPEN[np.frombuffer(outside, dtype=np.uint8)]
    if not steps.any():
        return 0
    return int(np.cumsum(steps, dtype=np.int64).max())


def load_json(data: bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """Return the parsed body; 400 ``invalid_json`` when it is not JSON, ``json_too_deep`` when it nests too deep."""
    if json_depth(data) > max_depth:
        raise ApiError(400, "json_too_deep", f"the JSON body nests deeper than {max_depth} levels")
    try:
        return json.loads(data or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # ValueError: bad JSON, or a 5000-digit number
        raise ApiError(400, "invalid_json", f"the body is not JSON: {exc}") from exc
