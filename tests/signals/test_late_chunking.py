"""Late chunking: lead and passage vectors pooled from the whole text's one encoder run.

Fast tests check the spans, the cache and the extractor with the fake encoder; the
integration ones check the onnx encoder's pooled vectors against the graph's own
token states, taken independently of the encoder's span code.
"""

from __future__ import annotations

import numpy as np
import pytest

from babelwire.cluster.scoring import load_params, scorer_for
from babelwire.model import Article
from babelwire.signals.cache import EmbeddingCache, MemoryVectorStore
from babelwire.signals.encoders import FakeEncoder, SpanEncoder, encoder_mode, get_encoder
from babelwire.signals.encoders.onnx import OnnxEncoder
from babelwire.signals.passages import lead, lead_span, passage_spans, passages, sentence_spans, sentences
from babelwire.signals.profile import SignalExtractor

TEXTS = [
    "Floods hit Valencia. Rescuers said on Tuesday that 40 people were missing!  Roads closed.\n\nMore rain is due.",
    "东京发生地震。没有海啸警报。\n居民说：“房子在摇晃。” 专家称余震可能持续。",
    "  Leading spaces. Then “Quoted” text? Yes… Done.",
    "",
]


def _squash(s: str) -> str:
    return "".join(s.split())


@pytest.mark.parametrize("text", TEXTS)
def test_spans_are_where_the_separate_pieces_come_from(text):
    assert [text[a:b] for a, b in sentence_spans(text)] == sentences(text)
    for max_chars in (30, 60, 600):
        got = [_squash(text[a:b]) for a, b in passage_spans(text, max_chars=max_chars, min_chars=10)]
        assert got == [_squash(p) for p in passages(text, max_chars=max_chars, min_chars=10)]


def test_lead_span_is_the_title_and_first_sentences():
    title = "Floods hit Valencia"
    body = "Rescuers said 40 people were missing. Roads closed. " * 20
    full = f"{title}\n{body}"
    a, b = lead_span(full, max_chars=100)
    assert a == 0 and full[a:b].startswith(title)
    assert _squash(full[a:b]) == _squash(lead(title, body, max_chars=100))


def _article(i: int, text: str, title: str = "Title") -> Article:
    return Article(id=f"a{i}", raw=text, title=title, text=text, lang="en", source="s", origin="o", format="text",
                   read_at="2024-01-01T00:00:00Z")


LONG = " ".join(f"Sentence number {i} tells of the storm in place {i % 7}." for i in range(60))


def test_late_extractor_runs_the_encoder_once_per_article_and_caches():
    enc = FakeEncoder(late=True)
    assert isinstance(enc, SpanEncoder) and encoder_mode(enc) == "late"
    cache = EmbeddingCache(enc, MemoryVectorStore())
    ex = SignalExtractor(cache)
    arts = [_article(0, LONG), _article(1, "A short report. Nothing more.")]
    assert ex.pending(arts) == 2
    sig = ex.extract(arts)
    assert cache.embedded == 2  # one run per article, passages included
    assert ex.pending(arts) == 0
    again = ex.extract(arts)
    assert cache.embedded == 2
    for s, t in zip(sig, again, strict=True):
        assert np.array_equal(s.full, t.full) and np.array_equal(s.passages, t.passages)
    full, spans = ex.spans(arts[0])
    assert len(spans) > 2  # the lead and the long article's passages
    # each piece's vector is the (context-free) fake vector of its characters
    assert np.allclose(sig[0].lead, enc.encode([full[spans[0][0]:spans[0][1]]])[0])
    assert np.allclose(sig[0].passages, enc.encode([full[a:b] for a, b in spans[1:]]))
    assert np.array_equal(sig[1].passages, sig[1].full[None, :])  # short: the whole stands in


def test_modes_never_share_vectors_or_scorers():
    sep, late = FakeEncoder(), FakeEncoder(late=True)
    assert sep.fingerprint != late.fingerprint and encoder_mode(sep) == "separate"
    assert OnnxEncoder(late=True).fingerprint != OnnxEncoder(late=False).fingerprint  # lazy: nothing loads
    assert encoder_mode(get_encoder("onnx-late")) == "late"
    assert encoder_mode(get_encoder("onnx")) == "separate"
    assert scorer_for(OnnxEncoder(late=True)).params == load_params("late")
    assert scorer_for(OnnxEncoder(late=False)).params is None  # the packaged default, loaded on use
    assert load_params("late")["trained_on"]["encoder"] == OnnxEncoder(late=True).fingerprint
    assert load_params("separate")["trained_on"]["encoder"] == OnnxEncoder(late=False).fingerprint


def test_a_document_does_not_depend_on_its_batch_mates_in_the_cache():
    docs = [(LONG, [(0, 50), (100, 400)]), ("Another text. Short.", [(0, 13)]), (LONG, [(0, 50)])]
    one = EmbeddingCache(FakeEncoder(late=True), MemoryVectorStore()).embed_spans(docs[:1])
    many = EmbeddingCache(FakeEncoder(late=True), MemoryVectorStore()).embed_spans(docs[::-1], batch=2)
    assert np.array_equal(one[0][0], many[2][0]) and np.array_equal(one[0][1], many[2][1])
    assert many[0][1].shape == (1, 64)  # the same text with other spans: its own span keys


# --- integration: the real model ----------------------------------------------------------

REAL = (
    "Valencia, 30 October. Flash floods swept through towns south of the city overnight. "
    + " ".join(
        f"Rescue team {i} reported that the water in district {i} had reached {i + 1} metres, "
        f"and that {3 * i} residents were taken to shelters."
        for i in range(40)
    )
    + " 東京の専門家は、気候変動が豪雨を強めたと述べた。"
)


@pytest.fixture(scope="module")
def late_enc(tmp_path_factory):
    for module in ("onnxruntime", "onnx", "sentencepiece"):
        pytest.importorskip(module)
    mp = pytest.MonkeyPatch()
    mp.setenv("BABELWIRE_CACHE_DIR", str(tmp_path_factory.mktemp("lc-cache")))
    yield OnnxEncoder(threads=1, late=True)
    mp.undo()


def _states_independently(enc: OnnxEncoder, text: str) -> tuple[list[int], np.ndarray]:
    """Return the content token ids and their last-layer states, run window by window on the graph."""
    with enc._lock:
        rt = enc._load()
    ids = rt.content_ids(text, "passage")
    rows = []
    for start in range(0, len(ids), rt.window):
        chunk = [rt.bos, *ids[start : start + rt.window], rt.eos]
        x = rt._word[chunk]
        from babelwire.signals.encoders._e5file import dequantize_q4

        x = dequantize_q4(x) + rt._pos_type[: len(chunk)]
        (states,) = rt._session.run(["states"], {"x": x[None]})
        rows.append(states[0, 1:-1])
    return ids, np.concatenate(rows).astype(np.float64)


def _tokens_before(enc: OnnxEncoder, text: str, cut: int) -> int:
    """Return how many content tokens (prefix included) come before ``text[cut]``, a word's start or
    the end of the text, found by tokenizing what precedes it alone (without the space before it:
    a trailing space would be a token of its own, where in the whole it starts the next word)."""
    with enc._lock:
        rt = enc._load()
    if cut == 0:
        return len(rt.content_ids("", "passage")) - 1  # "passage:" and ":", not the lone "▁"
    return len(rt.content_ids(text[:cut].rstrip(" "), "passage"))


@pytest.mark.integration
def test_pooled_spans_are_the_token_state_means_of_the_graph(late_enc):
    ids, states = _states_independently(late_enc, REAL)
    assert len(ids) > 2 * 510  # three windows: some spans cross a cut
    # spans at word boundaries (a space follows their end, a space or the start precedes their start)
    bounds = [0] + [i + 1 for i, c in enumerate(REAL) if c == " "]
    picks = [(bounds[0], bounds[40]), (bounds[100], bounds[400]), (bounds[300], bounds[330]),
             (bounds[420], len(REAL))]
    spans = [(a, b - 1 if b < len(REAL) else b) for a, b in picks]  # end before the space
    full, pooled = late_enc.encode_spans(REAL, spans)
    assert np.array_equal(full, late_enc.encode([REAL])[0])
    assert np.array_equal(full, get_encoder("onnx", threads=1).encode([REAL])[0])
    cut_crossed = False
    for (a, b), got in zip(spans, pooled, strict=True):
        lo, hi = _tokens_before(late_enc, REAL, a), _tokens_before(late_enc, REAL, b)
        assert ids[:hi] == _ids_of(late_enc, REAL[:b])  # the prefix tokenizes as the whole does
        cut_crossed |= lo < 510 <= hi or lo < 1020 <= hi
        want = states[lo:hi].mean(axis=0)
        want /= np.linalg.norm(want)
        assert np.allclose(got, want, atol=2e-6)
    assert cut_crossed


def _ids_of(enc: OnnxEncoder, text: str) -> list[int]:
    with enc._lock:
        rt = enc._load()
    return rt.content_ids(text, "passage")


@pytest.mark.integration
def test_span_vectors_never_depend_on_batch_mates(late_enc):
    docs = [(REAL, [(0, 100), (2000, 2600)]), ("Kurz: Hochwasser in Valencia.", [(0, 5)]),
            ("Короткая заметка о наводнении.", [(0, 8)])]
    alone = EmbeddingCache(late_enc, MemoryVectorStore()).embed_spans(docs[:1])[0]
    mixed = EmbeddingCache(late_enc, MemoryVectorStore()).embed_spans(docs[::-1], batch=2)[2]
    assert np.array_equal(alone[0], mixed[0]) and np.array_equal(alone[1], mixed[1])
    assert np.allclose(np.linalg.norm(alone[1], axis=1), 1.0, atol=1e-5)


@pytest.mark.integration
def test_token_offsets_point_at_the_text(late_enc):
    with late_enc._lock:
        tok = late_enc._load()._tok
    for text in TEXTS + [REAL, "passage:   two  spaces\u00a0nbsp ☃☃ ﬁne"]:
        ids, offsets = tok.content_ids_and_offsets(text)
        assert ids == tok.content_ids(text)
        assert all(0 <= a <= b <= len(text) for a, b in offsets)
        assert [a for a, _ in offsets] == sorted(a for a, _ in offsets)


def test_a_store_an_older_release_built_with_onnx_opens_in_the_separate_mode(tmp_path):
    pytest.importorskip("onnxruntime")
    from babelwire.cli import _open_pipeline
    from babelwire.store import Store

    store = Store(tmp_path / "old.db")
    store.set_setting("encoder", OnnxEncoder(late=False).fingerprint)
    store.set_setting("encoder_name", "onnx")  # what builder 1 recorded
    assert _open_pipeline(store, upgrade=False).encoder.name == "onnx"
    store.set_setting("encoder", OnnxEncoder(late=True).fingerprint)  # a store built with onnx-late keeps it
    assert _open_pipeline(store, upgrade=False).encoder.name == "onnx-late"
    store.close()


def test_a_late_mode_ingest_makes_one_encoder_run_per_article(tmp_path):
    import json

    from babelwire.pipeline import Pipeline
    from babelwire.sources import read_path
    from babelwire.store import Store

    rows = [{"id": f"d{i}", "title": f"Storm report {i}", "text": LONG.replace("storm", f"storm {i}")}
            for i in range(3)] + [{"id": "short", "title": "Brief", "text": "A short note about the storm. " * 4}]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    store = Store(tmp_path / "late.db")
    report = Pipeline(store, encoder=FakeEncoder(late=True)).ingest_documents(read_path(path).documents)
    assert len(report.stored) == 4 and report.embedded == 4  # passages and leads pooled, not embedded
    assert store.get_setting("encoder") == "fake/64/late"
    store.close()
