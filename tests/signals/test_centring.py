"""Language-centred vectors: shrunk language means, and cosines comparable across languages."""

from __future__ import annotations

import numpy as np
import pytest

from babelwire.signals.centring import LanguageMeans, centred
from babelwire.signals.profile import ArticleSignals, set_backgrounds

DIM = 48


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def _corpus(seed: int = 0, n_events: int = 12):
    """Two reports of each event in English and two in Chinese, each language pushing its texts
    strongly to one side: an event part of length 4, a language part of length 5, a little noise."""
    rng = np.random.default_rng(seed)
    events = [4 * _unit(rng.normal(size=DIM)) for _ in range(n_events)]
    side = {lang: 5 * _unit(rng.normal(size=DIM)) for lang in ("en", "zh")}
    items = []
    for e in range(n_events):
        for lang in ("en", "zh"):
            for j in range(2):
                v = events[e] + side[lang] + 0.1 * rng.normal(size=DIM)
                items.append((f"{lang}-{e}-{j}", lang, e, _unit(v)))
    return items


def test_unseen_language_and_none_use_the_overall_mean() -> None:
    m = LanguageMeans(3, strength=2.0)
    m.add("en", np.array([1.0, 0.0, 0.0]))
    m.add("de", np.array([0.0, 1.0, 0.0]))
    np.testing.assert_allclose(m.overall(), [1 / 4, 1 / 4, 0.0])  # (total + 2 * zero prior) / (2 + 2)
    np.testing.assert_allclose(m.mean("xx"), m.overall())
    np.testing.assert_allclose(m.mean(None), m.overall())
    m.add(None, np.array([0.0, 0.0, 1.0]))  # counts for the overall mean only
    assert set(m.by_lang) == {"en", "de"} and m.count == 3


def test_rare_language_is_centred_by_the_overall_mean_frequent_one_by_its_own() -> None:
    rng = np.random.default_rng(1)
    en_side, ko_side = np.eye(DIM)[0] * 2, np.eye(DIM)[1] * 2
    m = LanguageMeans(DIM, strength=20.0)
    en = [en_side + 0.1 * rng.normal(size=DIM) for _ in range(2000)]
    for v in en:
        m.add("en", v)
    m.add("ko", ko_side + 0.1 * rng.normal(size=DIM))
    g = m.overall()
    # seen once: its mean is the overall one, moved 1/21 of the way toward its one vector
    assert np.linalg.norm(m.mean("ko") - g) < 0.15 * np.linalg.norm(ko_side - g)
    assert np.linalg.norm(m.mean("ko") - ko_side) > 0.8 * np.linalg.norm(ko_side - g)
    # seen 2,000 times: its own mean, hardly shrunk
    own = np.mean(en, axis=0)
    assert np.linalg.norm(m.mean("en") - own) < 0.02 * np.linalg.norm(own)
    # and centring uses exactly those means
    v = ko_side + 0.1 * rng.normal(size=DIM)
    np.testing.assert_allclose(m.centred(v, "ko"), centred(v, m.mean("ko")), rtol=1e-5, atol=1e-6)


def test_shrinkage_formula() -> None:
    prior = np.array([0.0, 1.0])
    m = LanguageMeans(2, prior=prior, strength=4.0)
    np.testing.assert_allclose(m.overall(), prior)  # nothing seen yet: the prior
    m.add("fr", np.array([2.0, 0.0]))
    g = (np.array([2.0, 0.0]) + 4 * prior) / 5
    np.testing.assert_allclose(m.overall(), g)
    np.testing.assert_allclose(m.mean("fr"), (np.array([2.0, 0.0]) + 4 * g) / 5)


def test_prior_of_wrong_dimension_is_refused() -> None:
    with pytest.raises(ValueError, match="dimensions"):
        LanguageMeans(4, prior=[0.1, 0.2, 0.3])
    assert LanguageMeans(3, prior=[0.1, 0.2, 0.3]).prior.shape == (3,)


def test_fit_equals_adding_one_by_one() -> None:
    items = _corpus(2)
    fitted = LanguageMeans.fit(((lang, v) for _, lang, _, v in items), DIM)
    one = LanguageMeans(DIM)
    for _, lang, _, v in items:
        one.add(lang, v)
    for lang in ("en", "zh", None):
        np.testing.assert_allclose(fitted.mean(lang), one.mean(lang))


def test_centred_cosines_prefer_the_same_event_across_languages() -> None:
    items = _corpus(3)
    means = LanguageMeans.fit(((lang, v) for _, lang, _, v in items), DIM)
    vec = {aid: v for aid, _, _, v in items}
    cen = {aid: means.centred(v, lang) for aid, lang, _, v in items}
    wins_raw = wins_centred = 0
    n_events = max(e for *_, e, _ in items) + 1
    for e in range(n_events):
        f = (e + 1) % n_events
        same_event = (f"en-{e}-0", f"zh-{e}-0")  # one event, two languages
        same_lang = (f"zh-{e}-0", f"zh-{f}-0")  # one language, two events
        raw_cross, raw_lang = vec[same_event[0]] @ vec[same_event[1]], vec[same_lang[0]] @ vec[same_lang[1]]
        c_cross, c_lang = cen[same_event[0]] @ cen[same_event[1]], cen[same_lang[0]] @ cen[same_lang[1]]
        wins_raw += raw_cross > raw_lang
        wins_centred += c_cross > c_lang
    # the language offset dominates raw cosines; taking the language means out reverses that
    assert wins_raw == 0
    assert wins_centred == n_events


def test_centred_vectors_are_unit_length_and_safe_at_the_mean() -> None:
    rng = np.random.default_rng(4)
    v, mean = rng.normal(size=DIM), rng.normal(size=DIM)
    w = centred(v, mean)
    assert w.dtype == np.float32 and abs(float(np.linalg.norm(w)) - 1.0) < 1e-5
    np.testing.assert_allclose(w, (v - mean) / np.linalg.norm(v - mean), rtol=1e-5)
    same = _unit(rng.normal(size=DIM))
    out = centred(same, same.astype(np.float64))
    assert not np.isnan(out).any()
    np.testing.assert_array_equal(out, same)


def _signals(items) -> list[ArticleSignals]:
    return [ArticleSignals(id=aid, lang=lang, source="s", day=None, full=v, lead=v, passages=v[None, :])
            for aid, lang, _, v in items]


def test_set_backgrounds_sets_the_corpus_centred_vectors() -> None:
    items = _corpus(5, n_events=4)
    sig = _signals(items)
    assert all(s.centred is None for s in sig)
    set_backgrounds(sig)
    means = LanguageMeans.fit(((lang, v) for _, lang, _, v in items), DIM)
    for s in sig:
        assert s.centred is not None and abs(float(np.linalg.norm(s.centred)) - 1.0) < 1e-5
        np.testing.assert_allclose(s.centred, means.centred(s.full, s.lang), rtol=1e-5, atol=1e-6)
        assert s.background is not None and s.lead_background is not None
    # the backgrounds are still each article's mean cosine to the others
    full = np.stack([s.full for s in sig]).astype(np.float64)
    expect = [(full[i] @ full.sum(axis=0) - full[i] @ full[i]) / (len(sig) - 1) for i in range(len(sig))]
    np.testing.assert_allclose([s.background for s in sig], expect, rtol=1e-6)


def test_set_backgrounds_on_one_article_changes_nothing() -> None:
    sig = _signals(_corpus(6, n_events=1)[:1])
    set_backgrounds(sig)
    assert sig[0].centred is None and sig[0].background is None
