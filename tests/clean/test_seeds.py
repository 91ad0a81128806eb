"""The two real seeds from the issue; skipped when the shared seeds are not next to the repo."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from babelwire.clean import Cleaner
from babelwire.model import RawDocument

SEEDS = Path(__file__).parents[2] / ".." / "shared" / "seeds"
pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds not present")


def clean_seed(name: str, read_at: datetime = datetime(2024, 11, 20, 9, 0)):
    text = (SEEDS / name).read_text(encoding="utf-8")
    raw = RawDocument(
        id=name, source="seed", origin=name, format="text", read_at=read_at, text=text
    )
    return Cleaner().clean(raw), text


def test_seed_000_bulgarian_portal() -> None:
    article, text = clean_seed("000_d46336bcb795b0ad.txt")
    assert article.raw == text
    assert article.text.startswith("Държавният секретар на САЩ")
    assert article.text.endswith('за следващите стъпки в процеса".')
    assert "колега Сергей Лавров в телефонен разговор днес" in article.text
    assert "Викторович" not in article.text and "руски дипломат" not in article.text
    for widget in (
        "Свързани новини",
        "Добави коментар",
        "Водещи новини",
        "Коментари 3",
        "202414:00",
        "3748",
        "Последвайте",
        "Пенсиите скачат",
    ):
        assert widget not in article.text
    assert len(article.text.split("\n")) == 8
    assert article.lang == "bg"
    assert article.published == "2022-02-01T18:02:00"
    assert article.published_provenance == "text:line 2"
    assert any(r.reason == "glossary tooltip" for r in article.removed)


def test_seed_002_azerbaijani_aggregator() -> None:
    article, _ = clean_seed("002_0da7f91d79ad1310.txt")
    assert article.title.startswith("Ukraynaya hücum etmədiyinə dair sübut tələb edən")
    assert "Bbabo NET" not in article.text and "Xəbərlər" not in article.text
    assert article.title not in article.text
    assert article.text.startswith("Vaşinqton, - Birləşmiş")
    assert article.lang == "az"
    assert article.published == "2022-02-01"  # 02.01.2022 with "çərşənbə axşamı" (Tuesday)
    assert article.published_provenance.startswith("weekday:")
    assert {r.reason for r in article.removed} >= {"title", "repeats title"}


def test_seed_read_time_bounds_the_date() -> None:
    """Read the day after, both readings are in the past; the weekday still picks 1 February."""
    article, _ = clean_seed("002_0da7f91d79ad1310.txt", read_at=datetime(2022, 2, 2, 9, 0))
    assert article.published == "2022-02-01"
