"""Behaviour on the annotated corpus: one test per feature, no aggregate figures."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from babelwire.clean import Cleaner, InMemoryLineMemory
from babelwire.model import Article, RawDocument

CORPUS = Path(__file__).parent / "corpus"
ANNOTATIONS = json.loads((CORPUS / "annotations.json").read_text(encoding="utf-8"))
_NORM = re.compile(r"[\W_]+")


def norm(text: str) -> str:
    return _NORM.sub(" ", text.lower()).strip()


def clean(doc_id: str, cleaner: Cleaner | None = None) -> tuple[Article, dict]:
    ann = ANNOTATIONS[doc_id]
    content = (CORPUS / ann["file"]).read_text(encoding="utf-8")
    html = ann["format"] == "html"
    raw = RawDocument(
        id=doc_id,
        source=ann["source"],
        origin=ann["file"],
        format=ann["format"],
        read_at=datetime.fromisoformat(ann["read_at"]),
        text=None if html else content,
        html=content if html else None,
    )
    return (cleaner or Cleaner()).clean(raw), ann


def ids(**match: object) -> list[str]:
    return sorted(i for i, a in ANNOTATIONS.items() if all(a.get(k) == v for k, v in match.items()))


def test_corpus_shape() -> None:
    langs = {a["lang"] for a in ANNOTATIONS.values()} - {None}
    templates = {a["template"] for a in ANNOTATIONS.values()} - {"none"}
    assert len(ANNOTATIONS) >= 60 and len(langs) >= 12 and len(templates) >= 6
    assert ids(format="html") and ids(mojibake=True)
    for ann in ANNOTATIONS.values():
        assert (CORPUS / ann["file"]).is_file()


@pytest.mark.parametrize("doc_id", ids(template="t1")[:4] + ids(template="t3")[:4])
def test_body_is_exactly_the_annotated_lines(doc_id: str) -> None:
    article, ann = clean(doc_id)
    assert [norm(x) for x in article.text.split("\n")] == [norm(x) for x in ann["body"]]
    assert norm(article.title) == norm(ann["title"])


@pytest.mark.parametrize("doc_id", ids(template="t2"))
def test_us_order_date_resolved_by_weekday(doc_id: str) -> None:
    article, ann = clean(doc_id)
    assert article.published[:10] == ann["date"]
    assert ann["title"] not in article.text


@pytest.mark.parametrize("doc_id", ids(template="t6"))
def test_relative_dates_against_read_time(doc_id: str) -> None:
    article, ann = clean(doc_id)
    assert article.published[:10] == ann["date"]
    assert article.published_provenance.startswith("relative")


@pytest.mark.parametrize("doc_id", ids(mojibake=True))
def test_mojibake_repaired(doc_id: str) -> None:
    article, ann = clean(doc_id)
    assert article.text == "\n".join(ann["body"])
    assert article.raw != article.text and "Ã" in article.raw


@pytest.mark.parametrize("doc_id", ids(format="html")[:6])
def test_html_pages(doc_id: str) -> None:
    article, ann = clean(doc_id)
    assert article.text == "\n".join(ann["body"])
    assert article.title == ann["title"] and article.published[:10] == ann["date"]
    assert article.raw.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("doc_id", ids(template="t1", lang="bg") + ids(template="t1", lang="en"))
def test_tooltip_cut(doc_id: str) -> None:
    article, ann = clean(doc_id)
    assert article.text.split("\n")[0] == ann["body"][0]


def test_uncertain_language_is_none() -> None:
    for doc_id in ids(template="none"):
        article, ann = clean(doc_id)
        assert ann["lang"] is None and article.lang is None


def test_per_source_learning_on_a_template() -> None:
    """Six pages of one site: the footer furniture is learned and named as recurring."""
    memory = InMemoryLineMemory()
    cleaner = Cleaner(line_memory=memory)
    pages = ids(template="t3")
    for doc_id in pages[:5]:
        clean(doc_id, cleaner)
    article, _ = clean(pages[5], cleaner)
    assert any(r.reason == "recurs across t3" for r in article.removed)
