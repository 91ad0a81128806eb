"""POST /api/articles answers per item: 201 when all were stored, 207 with a result for each otherwise; never 500."""

from __future__ import annotations

import pytest

from babelwire.errors import EncoderMismatch
from babelwire.pipeline import Pipeline

from .conftest import CORPUS
from .test_api import _is_error

GOOD = {"id": "good-1", "title": "Budget passes", "text": "Parliament passed the budget on Monday after a long debate."}


def _statuses(r):
    return [(x["index"], x["status"]) for x in r.json()["results"]]


def test_all_stored_is_201(client, headers):
    r = client.post("/api/articles", json=CORPUS[:3], headers=headers)
    assert r.status_code == 201
    assert _statuses(r) == [(0, "stored"), (1, "stored"), (2, "stored")]


@pytest.mark.parametrize("bad, reason", [
    ({"id": ["a"], "text": "x y z"}, "'id' must be a string, not a JSON array"),
    ({"id": True, "text": "x y z"}, "'id' must be a string, not a JSON boolean"),
    ({"id": "  ", "text": "x y z"}, "'id' is blank"),
    ({"id": "a\nb", "text": "x y z"}, "'id' holds control characters"),
    ({"id": "x" * 3000, "text": "x y z"}, "'id' is longer than 2048 characters"),
    ({"text": 42}, "'text' must be a string, not a JSON number"),
    ({"text": "x y z", "title": {"en": "t"}}, "'title' must be a string, not a JSON object"),
    ({"text": "x y z", "url": 7}, "'url' must be a string, not a JSON number"),
    ({"text": "x y z", "published": 20240101}, "'published' must be a string, not a JSON number"),
    ({"text": "x y z", "lang": ["en"]}, "'lang' must be a string, not a JSON array"),
    ({"text": "x y z", "lang": "e" * 65}, "'lang' is longer than 64 characters"),
    ({"text": "x y z", "html": False}, "'html' must be a string, not a JSON boolean"),
    ({"text": "x y z", "source": 1.5}, "'source' must be a string, not a JSON number"),
    ({"title": "no body"}, "record has no 'text' or 'html'"),
    ({"text": "   "}, "record has no 'text' or 'html'"),
    ("a string", "record is a JSON string, not an object"),
    (None, "record is a JSON null, not an object"),
    ([1, 2], "record is a JSON array, not an object"),
])
def test_a_bad_item_is_rejected_with_its_reason_next_to_a_good_one(client, headers, bad, reason):
    r = client.post("/api/articles", json=[GOOD, bad], headers=headers)
    assert r.status_code == 207, r.text
    good, rejected = r.json()["results"]
    assert good["status"] == "stored" and good["article"]["id"] == "good-1"
    assert rejected["status"] == "rejected" and rejected["index"] == 1 and rejected["reason"] == reason
    assert rejected["origin"] == "web:json#2" and rejected["article"] is None
    assert client.get("/api/articles/good-1").status_code == 200


def test_known_and_repeated_items_are_already_known(client, headers):
    client.post("/api/articles", json=[GOOD], headers=headers)
    other = {"id": "good-2", "text": "The senate rejected the tax reform in a narrow vote on Tuesday."}
    r = client.post("/api/articles", json=[GOOD, other, other, {**GOOD, "id": "good-copy"}], headers=headers)
    assert r.status_code == 207
    assert _statuses(r) == [(0, "already_known"), (1, "stored"), (2, "already_known"), (3, "already_known")]
    assert all(x["article"] for x in r.json()["results"])
    assert r.json()["results"][3]["article"]["id"] == "good-1"  # the same text: the stored one


def test_a_single_object_still_works(client, headers):
    assert client.post("/api/articles", json=GOOD, headers=headers).status_code == 201
    r = client.post("/api/articles", json={"title": "no text"}, headers=headers)
    assert r.status_code == 207 and r.json()["results"][0]["reason"] == "record has no 'text' or 'html'"


def test_a_failing_item_is_rejected_and_the_others_stored(client, headers, monkeypatch, caplog):
    """Whatever the pipeline raises for one item (here: a bug), that item is rejected; the rest are stored."""
    real = Pipeline._batch

    def fragile(self, docs, report):
        if any("EXPLODE" in (d.text or "") for d in docs):
            raise RuntimeError("secret detail of a bug")
        return real(self, docs, report)

    monkeypatch.setattr(Pipeline, "_batch", fragile)
    items = [CORPUS[0], {"id": "boom", "text": "This one will EXPLODE in the pipeline, it is long enough."},
             CORPUS[3], CORPUS[4]]
    r = client.post("/api/articles", json=items, headers=headers)
    assert r.status_code == 207, r.text
    assert _statuses(r) == [(0, "stored"), (1, "rejected"), (2, "stored"), (3, "stored")]
    boom = r.json()["results"][1]
    assert boom["id"] == "boom" and "could not be stored" in boom["reason"] and "secret" not in r.text
    assert r.json()["report"]["stored"] == 3
    assert client.get("/api/articles/boom").status_code == 404
    for item in (CORPUS[0], CORPUS[3], CORPUS[4]):
        assert client.get(f"/api/articles/{item['id']}").json()["story_id"]
    # The stories stayed consistent: the two flood reports still form one story.
    assert client.get("/api/articles/flood-es").json()["story_id"] == client.get("/api/articles/flood-en").json()[
        "story_id"]
    # Alone, the failing item is rejected too (not a 500), and the server keeps working afterwards.
    r = client.post("/api/articles", json={"id": "boom", "text": "EXPLODE again, on its own this time."},
                    headers=headers)
    assert r.status_code == 207 and r.json()["results"][0]["status"] == "rejected"
    assert client.post("/api/articles", json=CORPUS[1], headers=headers).status_code == 201


def test_a_failure_after_part_of_the_batch_committed_still_counts_it_stored(client, headers, monkeypatch):
    """The pipeline commits in batches; when a later batch fails, the earlier ones are reported stored."""
    real = Pipeline._batch
    calls = {"n": 0}

    def second_batch_fails(self, docs, report):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("second batch")
        return real(self, docs, report)

    monkeypatch.setattr(Pipeline, "__init__", _small_batches(Pipeline.__init__))
    monkeypatch.setattr(Pipeline, "_batch", second_batch_fails)
    r = client.post("/api/articles", json=CORPUS[:4], headers=headers)
    assert r.status_code == 201, r.text  # retried one by one: every item ends up stored, none twice
    assert [x["status"] for x in r.json()["results"]] == ["stored"] * 4
    assert r.json()["report"]["stored"] == 4


def _small_batches(init):
    def wrapped(self, *a, **kw):
        init(self, *a, **kw)
        self.batch_size = 2

    return wrapped


def test_server_wide_errors_are_not_blamed_on_items(client, headers, monkeypatch):
    def mismatch(self):
        raise EncoderMismatch("this store was built with another encoder")

    monkeypatch.setattr(Pipeline, "_check_encoder", mismatch)
    _is_error(client.post("/api/articles", json=[GOOD], headers=headers), 409, "encoder_mismatch")


def test_an_upload_over_the_article_limit_is_that_items_rejection(make_client, headers):
    """The readers' article limit (BABELWIRE_MAX_ARTICLE_MB) holds for uploads, per file and per JSONL line,
    with the readers' reason; the body limit (BABELWIRE_MAX_UPLOAD_MB) still refuses the whole request."""
    client = make_client(max_article_mb=1 / 64)  # 16 KiB
    big = ("A very long report about the budget vote. " * 400).encode()  # about 17 KB
    lines = b"\n".join([
        b'{"id": "small-line", "text": "The harbour strike ended on Friday after a week of talks."}',
        b'{"id": "big-line", "text": "' + big + b'"}',
    ])
    files = [("file", ("big.txt", big, "text/plain")),
             ("file", ("small.txt", b"Budget passes\nParliament passed the budget on Monday.", "text/plain")),
             ("file", ("mixed.jsonl", lines, "application/jsonl"))]
    r = client.post("/api/articles", files=files, headers=headers)
    assert r.status_code == 207, r.text
    by_origin = {x["origin"]: x for x in r.json()["results"]}
    assert by_origin["upload:big.txt"]["status"] == "rejected"
    assert by_origin["upload:big.txt"]["reason"] == "file is 0.0 MB, over the 0.015625 MB article limit (--max-article-mb)"
    assert by_origin["upload:mixed.jsonl:2"]["reason"] == "record is over the 0.015625 MB article limit (--max-article-mb)"
    assert by_origin["upload:small.txt"]["status"] == "stored"
    assert by_origin["upload:mixed.jsonl:1"]["status"] == "stored"
    _is_error(make_client(max_article_mb=1 / 64, max_upload_mb=0.01).post("/api/articles", files=files,
                                                                         headers=headers), 413, "payload_too_large")


def test_a_posted_article_over_the_article_limit_is_rejected(make_client, headers):
    client = make_client(max_article_mb=1 / 64)
    big = {"id": "big", "text": "A very long report about the budget vote. " * 400}
    r = client.post("/api/articles", json=[GOOD, big], headers=headers)
    assert r.status_code == 207, r.text
    good, rejected = r.json()["results"]
    assert good["status"] == "stored"
    assert rejected == {"index": 1, "status": "rejected", "id": "big", "origin": "web:json#2",
                        "reason": "record is over the 0.015625 MB article limit (--max-article-mb)",
                        "article": None, "story": None}
    assert client.get("/api/articles/big").status_code == 404


def test_the_report_has_a_result_for_every_item(client, headers, monkeypatch):
    """Rejections read before the pipeline (fields, readers) and skipped files are in IngestReport.results too."""
    from babelwire.web import _ingest

    seen = []
    real = _ingest._results

    def spy(state, batch, report):
        seen.append(report)
        return real(state, batch, report)

    monkeypatch.setattr(_ingest, "_results", spy)
    files = [("file", ("README.md", b"# not an article", "text/markdown")),
             ("file", ("bad.bin", b"\x00\x01\x02", "application/octet-stream"))]
    client.post("/api/articles", files=files, data={"text": "Parliament passed the budget on Monday."},
                headers=headers)
    client.post("/api/articles", json=[GOOD, {"id": ["x"], "text": "x y z"}, GOOD], headers=headers)
    uploads, posted = seen
    assert sorted((r.origin, r.status) for r in uploads.results) == [
        ("upload:README.md", "skipped"), ("upload:bad.bin", "rejected"), ("web:form", "stored")]
    assert sorted((r.origin, r.status) for r in posted.results) == [
        ("web:json#1", "stored"), ("web:json#2", "rejected"), ("web:json#3", "known")]
    assert len(uploads.rejected) == 1 and len(uploads.skipped) == 1 and len(posted.rejected) == 1
