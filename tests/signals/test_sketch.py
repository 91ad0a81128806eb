"""MinHash sketches: the shared empty sketch gives exactly what a fresh MinHash per text gave."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from babelwire.signals.sketch import NUM_PERM, _shingles, jaccard_estimate, minhash
from babelwire.sources import read_path

ROOT = Path(__file__).resolve().parents[2]


def reference_minhash(text: str, *, k: int = 4, num_perm: int = NUM_PERM, seed: int = 1) -> np.ndarray:
    """The sketch as it was made before the empty one was shared: a fresh MinHash per text."""
    m = MinHash(num_perm=num_perm, seed=seed)
    m.update_batch(sorted(_shingles(text, k)))
    return m.hashvalues.copy()


_words = st.lists(st.sampled_from(["the", "council", "vote", "Совет", "budget", "市议会", "2024", "vote."]), max_size=40)


@settings(max_examples=200, deadline=None)
@given(words=_words, k=st.integers(1, 5), seed=st.integers(0, 3), num_perm=st.sampled_from([16, NUM_PERM]))
def test_minhash_equals_a_fresh_sketch(words: list[str], k: int, seed: int, num_perm: int) -> None:
    text = " ".join(words)
    got = minhash(text, k=k, num_perm=num_perm, seed=seed)
    want = reference_minhash(text, k=k, num_perm=num_perm, seed=seed)
    assert got.dtype == want.dtype and np.array_equal(got, want)


def test_minhash_equals_a_fresh_sketch_on_the_example_articles() -> None:
    docs = [d for p in sorted((ROOT / "examples" / "articles").glob("*.txt")) for d in read_path(p).documents]
    assert len(docs) > 20
    sketches = []
    for d in docs:
        got = minhash(d.text or "")
        assert np.array_equal(got, reference_minhash(d.text or ""))
        sketches.append(got)
    # sketching one text does not change the next one's (the shared empty sketch stays empty)
    assert np.array_equal(minhash(docs[0].text or ""), sketches[0])
    assert jaccard_estimate(sketches[0], sketches[0]) == 1.0
