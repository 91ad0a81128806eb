"""One record's failure rejects that record alone; the edge checks on declared fields, sizes and walks."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from babelwire.clean import Cleaner, InMemoryLineMemory
from babelwire.clean._dates import declared_date, find_date
from babelwire.clean._lang import normalise_lang
from babelwire.errors import RejectedInput
from babelwire.model import RawDocument, failure
from babelwire.pipeline import Pipeline
from babelwire.signals.encoders.fake import FakeEncoder
from babelwire.sources import decode_bytes, iter_files, read_path

READ_AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TEXTS = [
    "The regional parliament approved the new budget on Monday after a long debate about schools.",
    "Heavy rain flooded the valley town on Sunday and rescuers moved two hundred families to safety.",
    "The central bank kept its interest rate at four and a half percent on Thursday, as expected.",
    "A strong earthquake shook the coastal region on Tuesday night, damaging old houses near the port.",
]


def _raw(i: int, text: str, **kw) -> RawDocument:
    return RawDocument(id=f"r{i}", source="wire", origin=f"batch:{i}", format="text", read_at=READ_AT, text=text, **kw)


def _pipeline(store, cleaner=None) -> Pipeline:
    return Pipeline(store, encoder=FakeEncoder(), cleaner=cleaner)


class _Breaks(Cleaner):
    """A cleaner with a bug that one record meets."""

    def clean(self, raw):
        if raw.id == "r1":
            return {}["missing"]  # KeyError, as a real bug would raise
        return super().clean(raw)


def test_a_bug_in_cleaning_rejects_one_record_with_class_message_and_place(store):
    report = _pipeline(store, _Breaks(line_memory=InMemoryLineMemory())).ingest_documents(
        [_raw(i, t) for i, t in enumerate(TEXTS)])
    assert sorted(report.stored) == ["r0", "r2", "r3"]
    (rej,) = report.rejected
    assert rej.id == "r1" and rej.origin == "batch:1"
    assert rej.reason.startswith("KeyError: 'missing' (at ") and "test_isolation.py:" in rej.reason
    assert [r.status for r in report.results].count("stored") == 3
    assert {r.id: r.status for r in report.results}["r1"] == "rejected"
    assert all(r.story_id for r in report.results if r.status == "stored")


def test_an_encoder_failure_on_one_text_rejects_that_article(store, monkeypatch):
    enc = FakeEncoder()
    real = enc.encode

    def encode(texts, *, kind="passage"):
        if any("earthquake" in t for t in texts):
            raise RuntimeError("encoder fell over")
        return real(texts, kind=kind)

    monkeypatch.setattr(enc, "encode", encode)
    report = Pipeline(store, encoder=enc).ingest_documents([_raw(i, t) for i, t in enumerate(TEXTS)])
    assert sorted(report.stored) == ["r0", "r1", "r2"]
    assert report.rejected[0].id == "r3" and "could not embed: RuntimeError: encoder fell over" in report.rejected[0].reason


def test_a_scoring_failure_on_one_article_rejects_it(store, monkeypatch):
    p = _pipeline(store)
    clusterer = p.clusterer
    real = clusterer.learn_many

    def learn_many(xs):
        if any(x["id"] == "r2" for x in xs):
            raise ValueError("bad vector")
        return real(xs)

    monkeypatch.setattr(clusterer, "learn_many", learn_many)
    report = p.ingest_documents([_raw(i, t) for i, t in enumerate(TEXTS)])
    assert sorted(report.stored) == ["r0", "r1", "r3"]
    assert report.rejected[0].id == "r2" and "could not score: ValueError: bad vector" in report.rejected[0].reason


def test_new_stories_agree_with_the_stories_that_exist(store):
    p = _pipeline(store)
    first = p.ingest_documents([_raw(i, t) for i, t in enumerate(TEXTS[:2])])
    assert len(first.new_stories) == len(store.story_ids())
    second = p.ingest_documents([_raw(i + 2, t) for i, t in enumerate(TEXTS[2:], 0)])
    assert len(first.new_stories) + len(second.new_stories) == len(store.story_ids())
    assert second.new_stories <= store.story_ids()


def test_rejections_are_recorded_once(store, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    p = _pipeline(store)
    for _ in range(3):
        p.ingest([tmp_path])
    assert [r.reason for r in store.rejections()] == ["empty file"]


def test_short_posts_of_one_source_differing_in_digits_are_all_kept():
    cleaner = Cleaner(line_memory=InMemoryLineMemory())
    for i in range(10):
        text = f"Water level at the bridge reached {i}.{i + 1} metres at {10 + i}:00 on Monday, the agency said."
        assert cleaner.clean(_raw(i, text)).text == text
    # furniture that recurs is still furniture
    a = cleaner.clean(_raw(11, "Water level at the bridge reached 9.9 metres at 23:00 on Monday, the agency said.\n"
                                "Follow us on Telegram"))
    assert "Telegram" not in a.text


@pytest.mark.parametrize("value, code", [
    ("EN", "en"), ("en-US", "en"), ("en_GB", "en"), ("English", "en"), ("eng", "en"), ("Deutsch", "de"),
    ("de-DE", "de"), ("zh-Hans-CN", "zh"), ("pt-BR", "pt"), ("iw", "he"), ("nb", "no"), ("Русский", "ru"),
    (" fr ", "fr"), ("sr-Latn", "sr"),
])
def test_languages_in_common_spellings(value, code):
    assert normalise_lang(value) == (code, None)


@pytest.mark.parametrize("value", ["Klingon", "xx", "x-default", "und", "12", "", "e"])
def test_unknown_languages_are_dropped_with_a_reason(value):
    code, reason = normalise_lang(value)
    assert code is None and reason


@pytest.mark.parametrize("value, why", [
    ("2024-06-01T25:61", "not a date"), ("2024-13-45T10:00", "not a date"), ("2024-02-30", "not a date"),
    ("9999-12-31", "after"), ("2031-01-01", "after"), ("0001-01-01", "before"), ("", "no date"),
])
def test_impossible_declared_dates_are_not_publication_dates(value, why):
    got, reason = declared_date(value, "en", READ_AT)
    assert got is None and why in reason


def test_declared_dates_in_any_language_spelling_never_raise():
    assert declared_date("1 February 2022", "en", READ_AT) == ("2022-02-01", None)
    assert declared_date("1 февраля 2022", "ru", READ_AT) == ("2022-02-01", None)
    assert declared_date("1 February 2022", "EN", READ_AT)[0] == "2022-02-01"  # not a dateparser code: English used
    assert declared_date("2022-02-01T18:02:00+02:00", None, READ_AT) == ("2022-02-01T18:02:00+02:00", None)


def test_a_date_without_a_year_takes_the_pages_year_or_none():
    assert find_date([(1, "1 февраля"), (2, "Текст.")], "ru", READ_AT) is None
    found = find_date([(1, "1 февраля")], "ru", READ_AT, page=["© Газета, 03.02.2022"])
    assert found is not None and found.iso() == "2022-02-01"
    # two different years on the page: not safe to pick one
    assert find_date([(1, "1 февраля")], "ru", READ_AT, page=["03.02.2022", "05.06.2019"]) is None


def test_declared_dates_dropped_are_noted_in_meta():
    cleaner = Cleaner()
    a = cleaner.clean(_raw(0, TEXTS[0], published="2024-02-30", lang="Klingon"))
    assert a.published != "2024-02-30"
    fields = {d["field"]: d["reason"] for d in a.meta["dropped"]}
    assert "not a date" in fields["published"] and "unknown language" in fields["lang"]


def test_files_over_the_limit_are_rejected_unread(tmp_path):
    f = tmp_path / "big.txt"
    f.write_text("Title\n" + "A sentence that repeats itself. " * 40000)
    rej = read_path(f, max_article_mb=0.5).rejected
    assert rej and "over the 0.5 MB article limit" in rej[0].reason
    assert read_path(f, max_article_mb=5).documents


@pytest.mark.parametrize("data", [
    b"\xff\xfe" + "Привет, мир".encode("utf-16-le"),
    "Привет, мир".encode("utf-16-le"),
    "Hello, world".encode("utf-16-be"),
    "Hello, world".encode("utf-32"),
    "Hello, world".encode("utf-32-be"),
    b"Hello,\x00 world",
])
def test_wide_encodings_and_stray_nuls(data):
    text, _ = decode_bytes(data)
    assert text in ("Привет, мир", "Hello, world")


def test_unreadable_folders_and_link_loops_are_reported(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "ok.txt").write_text("x")
    os.symlink(tmp_path, tmp_path / "a" / "up")
    os.symlink(tmp_path / "a" / "me.txt", tmp_path / "a" / "me.txt")
    (tmp_path / "locked").mkdir()
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda p=".": (_ for _ in ()).throw(PermissionError(13, "Permission denied", str(p)))
                        if str(p).endswith("locked") else real(p))
    skipped = []
    files = list(iter_files([tmp_path], skipped=skipped))
    assert files == [tmp_path / "a" / "ok.txt"]
    reasons = {Path(s.origin).name: s.reason for s in skipped}
    assert "loop" in reasons["up"] and "loop" in reasons["me.txt"] and "cannot read folder" in reasons["locked"]


def test_failure_names_class_message_and_place():
    try:
        int("x")
    except ValueError as exc:
        text = failure(exc)
    assert text.startswith("ValueError: invalid literal") and "test_isolation.py:" in text


def test_a_cleaner_never_lets_anything_but_rejected_input_escape_on_odd_declared_fields():
    cleaner = Cleaner()
    for published in ("2024-06-01T25:61", "∞", "1e309", "2024-02-30T10:00Z", "32/13/2022", "yesterday 25:99"):
        for lang in ("EN", "English", "en-US", "??", "zz-ZZ", "x" * 500):
            try:
                cleaner.clean(_raw(0, "Short text here.", published=published, lang=lang))
            except RejectedInput:
                pass
