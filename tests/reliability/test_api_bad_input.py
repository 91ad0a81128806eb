"""A corpus of bad items posted to POST /api/articles next to good ones: each accounted for, the good ones stored."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from babelwire.web import create_app
from babelwire.web._ids import id_path

TOKEN = "reliability-token"


def _good(n: int) -> dict[str, Any]:
    topics = ["the budget vote in parliament", "floods in the river valley", "the central bank's rate decision",
              "a strike at the harbour", "the new rail bridge", "a heat wave in the south"]
    return {"id": f"good-{n}", "lang": "en", "published": f"2024-03-{n + 1:02d}", "url": f"https://news{n}.example/a",
            "title": f"Report {n} on {topics[n % len(topics)]}",
            "text": f"Report {n}: officials spoke about {topics[n % len(topics)]} on Monday.\n"
                    f"Residents said {n + 3} meetings were planned for the coming week."}


# (item, what should become of it). Raw JSON text, so lone surrogates and odd numbers survive encoding.
BAD_ITEMS: list[tuple[str, str]] = [
    ('{"id": ["list"], "text": "a list as id"}', "rejected"),
    ('{"id": {"an": "object"}, "text": "an object as id"}', "rejected"),
    ('{"id": 1.5, "text": "a float as id"}', "rejected"),
    ('{"id": "", "text": ""}', "rejected"),
    ('{"id": "tab\\tid", "text": "a control character in the id"}', "rejected"),
    ('{"text": 12345}', "rejected"),
    ('{"text": ["a", "list"]}', "rejected"),
    ('{"text": null, "html": null}', "rejected"),
    ('{"title": "only a title"}', "rejected"),
    ('{"text": "fine text", "title": 3}', "rejected"),
    ('{"text": "fine text", "url": ["https://x.example"]}', "rejected"),
    ('{"text": "fine text", "published": {"y": 2024}}', "rejected"),
    ('{"text": "fine text", "lang": 7}', "rejected"),
    ('{"text": "fine text", "source": false}', "rejected"),
    ('"just a string"', "rejected"),
    ("12", "rejected"),
    ("null", "rejected"),
    ("[]", "rejected"),
    ("[[[]]]", "rejected"),
    ('{"text": "  \\n\\t  "}', "rejected"),
    ('{"id": "lone-surrogate", "text": "A lone surrogate \\ud800 in the text of a report about the vote."}', "any"),
    ('{"id": "surrogate-\\udfff-id", "text": "A lone surrogate in the id of a report about the flood."}', "any"),
    ('{"id": "nul", "text": "A NUL \\u0000 inside the text of a report on the harbour strike."}', "any"),
    ('{"id": "bad-date", "published": "9999-99-99T99:99", "text": "A report whose date is impossible, about rail."}',
     "any"),
    ('{"id": "odd-lang", "lang": "zz-Qqqq", "text": "A report with a language code nobody uses, about heat."}', "any"),
    ('{"id": "punctuation", "title": "!!!", "text": "?!?! ... --- ,,,"}', "any"),
    ('{"id": "html-junk", "html": "<html><body><script>x()</script><div></div></body></html>"}', "any"),
    ('{"id": "extra", "text": "Extra fields ride along as metadata in this report about the bank.", '
     '"meta": {"a": [1, 2, {"b": null}]}, "tags": ["x"], "score": 1e308}', "any"),
    ('{"id": "meta-surrogate", "note": "\\ud800", "text": "A lone surrogate in an extra field, about the bridge."}',
     "any"),
    ('{"id": "key-surrogate", "\\udc00": 1, "text": "A lone surrogate in a key of this report on the heat wave."}',
     "any"),
    ('{"id": 4242, "text": "A numeric id is taken as its string form in this report on floods."}', "stored"),
    ('{"id": "https://example.org/a?b=1#c", "text": "A URL as an id, on the budget debate in parliament."}',
     "stored"),
]


def _post(app, body: bytes) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.post("/api/articles", content=body, headers={
                "Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})

    return asyncio.run(go())


def _get(app, path: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.get(path)

    return asyncio.run(go())


@pytest.fixture
def app(db_path):
    app = create_app(db_path, token=TOKEN, encoder="fake")
    yield app
    app.state.babelwire.close()


def test_every_bad_item_is_accounted_for_and_the_good_ones_are_stored(app):
    parts: list[str] = []
    expected: list[str] = []
    for n, (raw, fate) in enumerate(BAD_ITEMS):
        parts.append(json.dumps(_good(n)))
        expected.append("stored")
        parts.append(raw)
        expected.append(fate)
    r = _post(app, ("[" + ", ".join(parts) + "]").encode())
    assert r.status_code == 207, r.text
    results = r.json()["results"]
    assert [x["index"] for x in results] == list(range(len(parts)))
    for x, fate, raw in zip(results, expected, parts, strict=True):
        assert x["status"] in ("stored", "already_known", "rejected"), x
        if fate != "any":
            assert x["status"] == fate, (raw, x["status"], x["reason"])
        if x["status"] == "rejected":
            assert isinstance(x["reason"], str) and x["reason"], raw
            assert x["article"] is None
        else:
            assert x["article"] and x["article"]["id"], raw
            assert _get(app, "/api/articles/" + id_path(x["article"]["id"])).status_code == 200, raw
            assert _get(app, "/articles/" + id_path(x["article"]["id"])).status_code == 200, raw
    for n in range(len(BAD_ITEMS)):
        got = _get(app, f"/api/articles/good-{n}")
        assert got.status_code == 200 and got.json()["story_id"], n
    report = r.json()["report"]
    assert report["read"] == len(parts)
    assert report["stored"] == sum(1 for x in results if x["status"] == "stored")
    assert _get(app, "/").status_code == 200 and _get(app, "/api/stories").status_code == 200


@pytest.mark.parametrize("raw, fate", BAD_ITEMS)
def test_each_bad_item_alone_is_answered_never_500(app, raw, fate):
    r = _post(app, ("[" + raw + "]").encode())
    assert r.status_code in (201, 207), r.text
    (x,) = r.json()["results"]
    if fate != "any":
        assert x["status"] == fate
