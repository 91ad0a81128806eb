"""Property-based tests: readers and cleaner on arbitrary text, bytes and JSON values never let an
exception escape (the cleaner's only exception is RejectedInput, its way of saying "not an article")."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from babelwire.clean import Cleaner, InMemoryLineMemory
from babelwire.clean._dates import declared_date
from babelwire.clean._lang import normalise_lang
from babelwire.errors import RejectedInput
from babelwire.model import RawDocument
from babelwire.sources import decode_bytes, read_path

SMALL = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
READ_AT = datetime(2026, 12, 1, tzinfo=UTC)
_DIR = Path(tempfile.mkdtemp(prefix="babelwire-props-"))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
FIELDS = ("id", "text", "html", "title", "url", "source", "lang", "published")
records = st.dictionaries(st.sampled_from(FIELDS), json_values | st.text(min_size=0, max_size=200), max_size=8)
# Text that looks a little like articles: words, digits, dates, markup and junk characters.
texty = st.text(
    alphabet=st.sampled_from(list("abcdefgh ийклмн 0123456789.,:-/|\n\t<>&;\x00\ufeff\u200b\u2028年月日"))
    | st.characters(exclude_categories=()),  # lone surrogates included
    max_size=400,
)


def _write(name: str, data: bytes) -> Path:
    path = _DIR / name
    path.write_bytes(data)
    return path


def _well_formed(result) -> None:
    for doc in result.documents:
        assert isinstance(doc.id, str) and doc.id
        assert (doc.text and doc.text.strip()) or (doc.html and doc.html.strip())
        for name in ("title", "url", "lang", "published"):
            assert getattr(doc, name) is None or isinstance(getattr(doc, name), str)
    for rej in result.rejected + result.skipped:
        assert rej.reason


@SMALL
@given(st.binary(max_size=2000))
def test_decode_bytes_never_raises(data):
    text, encoding = decode_bytes(data)
    assert isinstance(text, str) and "\x00" not in text and encoding


@SMALL
@given(st.binary(max_size=1500), st.sampled_from([".txt", ".jsonl", ".json", ".csv", ".tsv", ".html", ".xml"]))
def test_readers_never_raise_on_bytes(data, ext):
    _well_formed(read_path(_write("bytes" + ext, data)))


@SMALL
@given(st.lists(records | json_values, max_size=6))
def test_jsonl_and_json_readers_take_any_json_values(values):
    lines = "\n".join(json.dumps(v) for v in values)
    _well_formed(read_path(_write("values.jsonl", lines.encode())))
    _well_formed(read_path(_write("values.json", json.dumps(values).encode())))


@SMALL
@given(st.lists(st.lists(texty, min_size=1, max_size=4), max_size=5))
def test_csv_reader_takes_any_cells(rows):
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["id", "title", "text", "lang"])
    w.writerows(rows)
    _well_formed(read_path(_write("cells.csv", buf.getvalue().encode("utf-8", errors="replace"))))


@SMALL
@given(texty, st.sampled_from(["text", "html"]), st.none() | texty, st.none() | texty, st.none() | texty)
def test_cleaner_only_rejects(body, kind, title, lang, published):
    raw = RawDocument(id="p", source="s", origin="o", format=kind, read_at=READ_AT,
                      text=body if kind == "text" else None, html=body if kind == "html" else None,
                      title=title, lang=lang, published=published)
    try:
        article = Cleaner(line_memory=InMemoryLineMemory()).clean(raw)
    except RejectedInput as exc:
        assert str(exc)
        return
    assert article.text and isinstance(article.title, str)
    assert article.lang is None or len(article.lang) == 2
    assert article.published is None or article.published[:4] >= "1800"


@SMALL
@given(texty, st.none() | st.sampled_from(["en", "ru", "EN", "English", "zz", "de-DE"]))
def test_declared_fields_never_raise(value, lang):
    code, reason = normalise_lang(value)
    assert (code is None) != (reason is None)
    iso, why = declared_date(value, lang, READ_AT)
    assert (iso is None) != (why is None)
    if iso is not None:
        assert "1800" <= iso[:4] <= "2026"
