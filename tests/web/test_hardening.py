"""Hostile requests: deep or huge JSON, out-of-range numbers; every one answered in the one error shape."""

from __future__ import annotations

import json

import pytest

from babelwire.web._json import MAX_DEPTH, json_depth

from .test_api import _is_error

JSON = {"content-type": "application/json"}


@pytest.mark.parametrize("text, depth", [
    ("1", 0), ('"[[["', 0), ("[]", 1), ('{"a": [1, {"b": "]]]}"}]}', 3), ('["\\\\", ["\\"["]]', 2),
    ("[" * 100_000, 100_000),
])
def test_json_depth_counts_brackets_outside_strings(text, depth):
    assert json_depth(text.encode()) == depth


def _post(client, headers, body: bytes):
    return client.post("/api/articles", content=body, headers={**headers, **JSON})


def test_deep_json_is_400_without_recursion(client, headers):
    for body in (b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 100_000 + b"1" + b"}" * 100_000, b"[" * 100_000):
        _is_error(_post(client, headers, body), 400, "json_too_deep")
    nested = {"text": "Budget vote\nParliament passed the budget on Monday.", "meta": {}}
    inner = nested["meta"]
    for _ in range(MAX_DEPTH):
        inner["x"] = {}
        inner = inner["x"]
    _is_error(_post(client, headers, json.dumps(nested).encode()), 400, "json_too_deep")


def test_unparsable_json_is_400(client, headers):
    for body in (b"{not json", b"[1, 2", b'{"text": "\xff\xfe"}', ("[" + "9" * 5000 + "]").encode(), b"\x00"):
        _is_error(_post(client, headers, body), 400, "invalid_json")


def test_a_body_that_is_no_article_list_is_422(client, headers):
    for body in (b'"text"', b"42", b"null", b"true", b"[]"):
        _is_error(_post(client, headers, body), 422, "rejected_input")


def test_too_many_items_is_413(client, headers):
    items = [{"text": f"item {i}"} for i in range(1001)]
    _is_error(_post(client, headers, json.dumps(items).encode()), 413, "payload_too_large")


def test_body_over_the_size_limit_is_413(make_client, headers):
    client = make_client(max_upload_mb=0.01)
    _is_error(_post(client, headers, b"[" * 20_000), 413, "payload_too_large")


@pytest.mark.parametrize("path, params", [
    ("/api/stories", {"offset": "9223372036854775808"}),
    ("/api/stories", {"offset": str(10**20)}),
    ("/api/stories", {"offset": "-1"}),
    ("/api/stories", {"limit": "-5"}),
    ("/api/stories", {"limit": "9223372036854775808"}),
    ("/api/stories", {"offset": "1e3"}),
    ("/api/articles", {"offset": "9223372036854775808"}),
    ("/api/articles", {"limit": "0"}),
    ("/api/search", {"q": "x", "limit": str(10**20)}),
    ("/api/search", {"q": "x" * 1001}),
])
def test_numeric_query_parameters_are_range_checked(client, path, params):
    _is_error(client.get(path, params=params), 422, "invalid_request")


@pytest.mark.parametrize("page", ["0", "-1", str(10**20), "9223372036854775808", "two"])
def test_page_numbers_are_range_checked(client, page):
    r = client.get("/", params={"page": page})
    assert r.status_code == 422 and "text/html" in r.headers["content-type"]
    assert "Invalid request" in r.text and "page" in r.text


def test_the_largest_accepted_offsets_answer_empty_lists(corpus_client):
    assert corpus_client.get("/api/stories", params={"offset": 10**9}).json() == []
    assert corpus_client.get("/api/articles", params={"offset": 10**9}).json() == []
    assert corpus_client.get("/", params={"page": 10**6}).status_code == 200


def test_every_error_has_the_one_shape(client, headers):
    """Pinned: each hostile request above, and the ordinary errors, answer {"error": {"code", "message"}}."""
    cases = [
        (client.get("/api/stories", params={"offset": 2**63}), 422, "invalid_request"),
        (client.get("/api/articles/nope"), 404, "not_found"),
        (_post(client, headers, b"[" * 100_000), 400, "json_too_deep"),
        (_post(client, headers, b"{"), 400, "invalid_json"),
        (_post(client, headers, b"7"), 422, "rejected_input"),
        (_post(client, headers, json.dumps([{}] * 1001).encode()), 413, "payload_too_large"),
        (client.post("/api/articles", content=b"x", headers={**headers, "content-type": "text/plain"}), 415,
         "unsupported_media_type"),
        (client.post("/api/articles", json=[{"text": "x"}]), 401, "unauthorized"),
        (client.request("PUT", "/api/articles"), 405, "method_not_allowed"),
    ]
    for response, status, code in cases:
        _is_error(response, status, code)
