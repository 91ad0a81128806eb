"""The cleaning stage's public contract: API shape, rejections, removals and per-source learning."""

from __future__ import annotations

import pickle
from datetime import datetime

import pytest

from babelwire.clean import Cleaner, InMemoryLineMemory, LineMemory, line_key
from babelwire.errors import RejectedInput
from babelwire.model import Article, RawDocument

READ_AT = datetime(2022, 2, 3, 9, 0)

BODY = [
    "The city council approved the new budget on Monday after a long debate that lasted "
    "well into the night, according to officials.",
    "The plan raises spending on public transport and schools, while cutting the cost of "
    "administration by almost a tenth over two years.",
    "Opposition members said the numbers did not add up and promised to challenge the vote "
    "in court before the summer.",
]


def raw(
    text: str | None = None, html: str | None = None, source: str = "site", **kw
) -> RawDocument:
    return RawDocument(
        id=kw.pop("id", "d1"),
        source=source,
        origin="test",
        format="text",
        read_at=kw.pop("read_at", READ_AT),
        text=text,
        html=html,
        **kw,
    )


def test_public_api() -> None:
    import babelwire.clean as clean

    assert set(clean.__all__) == {"Cleaner", "LineMemory", "InMemoryLineMemory", "line_key"}
    assert isinstance(InMemoryLineMemory(), LineMemory)
    cleaner = Cleaner(line_memory=None)
    assert cleaner.line_memory is None
    with pytest.raises(TypeError):
        Cleaner(None)  # type: ignore[misc]


def test_clean_returns_article_and_keeps_raw() -> None:
    text = (
        "Daily Courier\nCity\nCouncil approves budget after long night\n"
        + "\n".join(BODY)
        + "\nShare\nComments 4\n"
    )
    article = Cleaner().clean(raw(text))
    assert isinstance(article, Article)
    assert article.raw == text
    assert article.text == "\n".join(BODY)
    assert article.title == "Council approves budget after long night"
    assert article.lang == "en"
    assert {r.line for r in article.removed} >= {"Daily Courier", "Share", "Comments 4"}
    assert all(r.reason for r in article.removed)


@pytest.mark.parametrize(
    "text", ["", "   \n\n ", "\x00\x01\x02binary\x00\x00" * 20, "- 3\n12:00\n"]
)
def test_rejects_unusable_input(text: str) -> None:
    with pytest.raises(RejectedInput):
        Cleaner().clean(raw(text))


def test_line_key_normalises() -> None:
    assert line_key("Comments  12") == line_key("comments 7")
    assert line_key("Comments") != line_key("Share")


def test_memory_pickles_and_counts() -> None:
    memory = InMemoryLineMemory()
    memory.observe("a", ["k1", "k2", "k1"])
    memory.observe("a", ["k1"])
    assert memory.documents("a") == 2 and memory.count("a", "k1") == 2
    assert memory.count("a", "k2") == 1 and memory.count("b", "k1") == 0
    assert pickle.loads(pickle.dumps(memory)).count("a", "k1") == 2


def test_per_source_learning_removes_recurring_lines() -> None:
    """After five articles of one source, its recurring lines go even when they look like text."""
    footer = "Our reporters work independently and we check every story with two sources."
    memory = InMemoryLineMemory()
    cleaner = Cleaner(line_memory=memory)
    places = ["Lyon", "Porto", "Gdansk", "Varna", "Bergen", "Izmir", "Tartu"]
    stories = [
        f"The port of {place} reopened after the storm, officials said on a busy morning, "
        f"and traders in {place} expect ships to return within days."
        for place in places
    ]
    for i in range(5):
        article = cleaner.clean(
            raw(f"Storm news from {places[i]}\n{stories[i]}\n{footer}", id=str(i))
        )
        assert footer in article.text  # not learned yet: it looks like a sentence
    sixth = cleaner.clean(raw(f"Storm news from {places[5]}\n{stories[5]}\n{footer}", id="5"))
    assert footer not in sixth.text
    assert stories[5] in sixth.text
    assert any(r.line == footer and r.reason == "recurs across site" for r in sixth.removed)
    # Another source has learned nothing.
    other = Cleaner(line_memory=memory).clean(raw(f"{stories[6]}\n{footer}", source="other"))
    assert footer in other.text
    assert memory.documents("site") == 6


def test_mojibake_and_invisible_characters_repaired() -> None:
    text = (
        "Ankara\u200b'da aÃ§Ä±klama yapÄ±ldÄ±: belediye meclisi yeni bÃ¼tÃ§eyi "
        "uzun bir tartÄ±ÅŸmanÄ±n ardÄ±ndan onayladÄ±.\n"
    )
    article = Cleaner().clean(raw(text))
    assert "açıklama yapıldı" in article.text
    assert "\u200b" not in article.text and "Ã" not in article.text
    assert article.raw == text
