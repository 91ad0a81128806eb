"""Test data the cluster tests share: a cosine-only scorer, a synthetic event stream, a report and its twin."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from babelwire.cluster.scoring import FEATURES, PairScorer

# A scorer on whole-text cosine alone (probability 0.5 at cosine 0.8), calibrated for ``event_stream``.
COS_ONLY = PairScorer(params={
    "features": list(FEATURES),
    "mean": [0.8] + [0.0] * (len(FEATURES) - 1), "scale": [0.05] + [1.0] * (len(FEATURES) - 1),
    "weights": [3.0] + [0.0] * (len(FEATURES) - 1),
    "bias": 0.0, "threshold": 0.5, "default_background": 0.5,
})

# One report, read by the fake encoder.
QUAKE = """Earthquake of magnitude 6.1 shakes Shamakhi
14 March 2023
An earthquake of magnitude 6.1 struck near the town of Shamakhi in Azerbaijan on Tuesday morning, the seismology service said.
Buildings were damaged in Shamakhi and Ismayilli, and 27 people were taken to hospital with light injuries.
The epicentre lay 12 kilometres north of Shamakhi at a depth of 10 kilometres.
Emergency minister Kamal Huseynov said rescue teams had checked 340 houses by the evening.
"""
# Its near-twin: a near-verbatim copy, or another story when copies and joins are switched off.
TWIN = QUAKE.replace("27 people", "28 people").replace("Tuesday", "Tuesday morning local time")


def write(d: Path, name: str, text: str) -> None:
    """Write ``text`` to ``d/name``, making ``d`` when needed."""
    d.mkdir(exist_ok=True)
    (d / name).write_text(text, encoding="utf-8")


def event_stream(seed: int = 0, n_events: int = 4, per_event: int = 5, dim: int = 32) -> list[dict]:
    """Reports of ``n_events`` events, ``per_event`` each, in a shuffled order; ``event`` is the gold label."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(n_events, dim))
    items = []
    for e in range(n_events):
        for j in range(per_event):
            v = centers[e] + 0.25 * rng.normal(size=dim)
            items.append({"id": f"e{e}-{j}", "vector": (v / np.linalg.norm(v)).astype(np.float32),
                          "published": f"2022-02-0{1 + j % 3}", "event": e})
    order = rng.permutation(len(items))
    return [items[i] for i in order]
