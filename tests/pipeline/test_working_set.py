"""The bounded working set: memory follows the window, late articles and corrections bring old stories back."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

from babelwire.model import RawDocument
from babelwire.pipeline import Pipeline
from babelwire.store import Store


def _word(topic: int, k: int) -> str:
    h = hashlib.sha256(f"{topic}/{k}".encode()).digest()
    return "".join("abcdefghijklmnopqrstuvwxyz"[b % 26] for b in h[: 5 + h[31] % 5])


def _doc(i: int, day: date | None, topic: int, tag: str = "") -> RawDocument:
    w = [_word(topic, k) for k in range(40)]
    text = (f"{w[0].title()} {w[1]} {w[2]}.\n\n"
            + " ".join(" ".join(w[j : j + 8]).capitalize() + "." for j in range(0, 40, 8)) + f" {tag}")
    return RawDocument(id=f"d{i}{tag}", source=f"src{i % 5}", origin=f"/x/{i}{tag}.txt", format="text",
                       read_at=datetime(2025, 1, 1, tzinfo=UTC), title=f"{w[0].title()} {w[1]} {w[2]}",
                       text=text, published=None if day is None else day.isoformat())


def _feed(n_days: int, per_day: int = 3) -> list[RawDocument]:
    start = date(2024, 1, 1)
    return [_doc(d * per_day + k, start + timedelta(days=d), d * per_day + k) for d in range(n_days)
            for k in range(per_day)]


def test_memory_follows_the_window_not_the_store(tmp_path):
    with Store(tmp_path / "s.db") as store:
        p = Pipeline(store, encoder="fake", batch_size=6)
        p.ingest_documents(_feed(60))
        held = p.clusterer.assignments()
        assert store.article_count() == 180
        # window + margin + step of days, three articles a day, and the older members of their stories
        assert 0 < len(held) < 180 // 3
        assert "d177" in held and "d0" not in held
        horizon = p.working.horizon
    with Store(tmp_path / "s.db") as store:  # a restart holds the same set
        p = Pipeline(store, encoder="fake")
        assert p.clusterer.assignments() == held and p.working.horizon == horizon


def test_a_late_article_finds_its_old_story(tmp_path):
    with Store(tmp_path / "s.db") as store:
        p = Pipeline(store, encoder="fake", batch_size=6)
        p.ingest_documents(_feed(60))
        old_story = store.membership("d3")["story_id"]
        assert "d3" not in p.clusterer.assignments()
        late = _doc(3, date(2024, 1, 2), 3, tag="late")  # the same report of day 1, arriving two months on
        p.ingest_documents([late])
        assert store.membership("d3late")["story_id"] == old_story
        held = p.clusterer.assignments()
        assert "d3" in held
    with Store(tmp_path / "s.db") as store:
        assert Pipeline(store, encoder="fake").clusterer.assignments() == held


def test_corrections_reach_stories_out_of_the_working_set(tmp_path):
    with Store(tmp_path / "s.db") as store:
        p = Pipeline(store, encoder="fake", batch_size=6)
        p.ingest_documents(_feed(60))
        sid = p.link("d177", "d0")
        assert store.membership("d0")["story_id"] == sid == store.membership("d177")["story_id"]
        new = p.unlink("d0")
        assert store.membership("d0")["story_id"] == new != sid


def test_undated_articles_age_with_the_clock(tmp_path):
    with Store(tmp_path / "s.db") as store:
        p = Pipeline(store, encoder="fake", batch_size=6)
        feed = _feed(60)
        feed.insert(3, _doc(999, None, 999))  # undated, arriving on the first day
        p.ingest_documents(feed)
        assert "d999" not in p.clusterer.assignments()  # it left memory with the articles of its day
        assert store.membership("d999") is not None
