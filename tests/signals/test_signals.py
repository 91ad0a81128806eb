from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from babelwire.model import Article
from babelwire.signals import EmbeddingCache, FakeEncoder, MemoryVectorStore
from babelwire.signals.entities import DocumentFrequency, entity_keys, name_key, weighted_overlap
from babelwire.signals.numbers import number_keys
from babelwire.signals.passages import lead, passages, sentences
from babelwire.signals.profile import SignalExtractor, set_backgrounds


def test_name_keys_meet_across_scripts():
    assert name_key("Washington") == name_key("Вашингтон") == name_key("Vaşinqton")
    assert name_key("Blinken") == name_key("Блинкън") == name_key("بلينكن") == name_key("布林肯")
    assert name_key("Lavrov") == name_key("Лаврова")
    assert name_key("Blinken") != name_key("Lavrov")


def test_entity_keys_skip_sentence_initial_words_unless_seen_mid_sentence():
    keys = entity_keys("Today Blinken met Lavrov. Blinken said talks were frank. Yesterday it rained.")
    assert keys[name_key("Blinken")] == 2 and name_key("Lavrov") in keys
    assert name_key("Today") not in keys and name_key("Yesterday") not in keys
    assert "#NATO" in entity_keys("Talks with NATO stalled.")


def test_weighted_overlap_uses_rarity_and_handles_missing():
    df = DocumentFrequency()
    for keys in (["a", "common"], ["b", "common"], ["c", "common"], ["rare", "common"]):
        df.add(keys)
    assert weighted_overlap({}, {"a": 1}, df) is None
    rare = weighted_overlap({"rare": 1, "x": 1}, {"rare": 1, "y": 1}, df)
    common = weighted_overlap({"common": 1, "x": 1}, {"common": 1, "y": 1}, df)
    assert rare > common


def test_numbers_meet_across_formats():
    assert "100000" in number_keys("над 100 000 войници") and "100000" in number_keys("100 mindən çox hərbçi")
    assert "100000" in number_keys("more than 100,000 troops")
    assert "4.5" in number_keys("rate of 4,5%") and "4.5" in number_keys("rate of 4.5%")
    assert number_keys("one 2 three 7") == set()


def test_passages_and_lead():
    text = " ".join(f"Sentence number {i} is here and it is long enough." for i in range(30))
    ps = passages(text, max_chars=200)
    assert len(ps) > 3 and all(len(p) <= 260 for p in ps)
    assert " ".join(ps) == " ".join(sentences(text))
    ld = lead("Title", "First sentence here. Second sentence here. " * 20, max_chars=100)
    assert ld.startswith("Title\nFirst sentence here.") and len(ld) < 200
    assert sentences("中国经济增长。出口增加！") == ["中国经济增长。", "出口增加！"]


def _article(i, title, text, lang="en", published="2022-02-01"):
    return Article(id=i, source="s", origin=i, format="text", read_at=datetime.now(UTC), raw=text,
                   title=title, text=text, lang=lang, published=published)


def test_extractor_embeds_each_text_once_and_builds_signals():
    cache = EmbeddingCache(FakeEncoder(), MemoryVectorStore())
    ex = SignalExtractor(cache)
    body = "Blinken spoke with Lavrov for 30 minutes. " * 45
    arts = [_article("a", "Blinken calls Lavrov", body), _article("b", "Other", "Rain fell in Paris today on 12 roofs.")]
    sig = ex.extract(arts)
    first = cache.embedded
    ex.extract(arts)
    assert cache.embedded == first
    assert sig[0].passages.shape[0] >= 2 and sig[1].passages.shape[0] == 1
    assert name_key("Lavrov") in sig[0].entities and "30" in sig[0].numbers
    assert sig[0].day == sig[1].day
    set_backgrounds(sig)
    assert sig[0].background is not None and np.isclose(sig[0].background, float(sig[0].full @ sig[1].full))
