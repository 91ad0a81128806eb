"""The REST API through an in-process ASGI client: JSON contract, tokens, errors, ingest."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from babelwire.cli import cli


def _is_error(r, status: int, code: str) -> None:
    """The one error shape, pinned: exactly {"error": {"code", "message"}} with the right status."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


def _cli_json(*args: str):
    r = CliRunner().invoke(cli, [*args, "--format", "json"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_stories_and_story_are_the_cli_json(seeds_dir, db_path, make_client):
    CliRunner().invoke(cli, ["ingest", str(seeds_dir), "--db", db_path, "-q"], catch_exceptions=False)
    client = make_client()
    api = client.get("/api/stories").json()
    assert api == _cli_json("stories", "--db", db_path)
    sid = api[0]["id"]
    assert client.get(f"/api/stories/{sid}").json() == _cli_json("story", sid, "--db", db_path)
    article = client.get("/api/articles/000_bg").json()
    cli_article = _cli_json("article", "000_bg", "--db", db_path)
    assert {k: article[k] for k in cli_article} == cli_article
    assert article["explanation"]["story_id"] == sid
    assert article["explanation"]["nearest_stories"][0]["is_own_story"]


def test_story_filters(corpus_client):
    stories = corpus_client.get("/api/stories").json()
    assert len(stories) == 3
    assert stories[0]["last_published"] >= stories[-1]["last_published"]  # newest first
    (flood,) = corpus_client.get("/api/stories", params={"lang": "es"}).json()
    assert {a["id"] for a in flood["articles"]} == {"flood-es", "flood-en"}
    assert len(corpus_client.get("/api/stories", params={"since": "2022-03-01"}).json()) == 2
    assert len(corpus_client.get("/api/stories", params={"until": "2022-02-28"}).json()) == 1
    assert len(corpus_client.get("/api/stories", params={"source": "fr.example.com"}).json()) == 1
    assert len(corpus_client.get("/api/stories", params={"limit": 1, "offset": 1}).json()) == 1
    articles = corpus_client.get("/api/articles", params={"lang": "de"}).json()
    assert [a["id"] for a in articles] == ["rate-de"] and articles[0]["story_id"]


def test_post_requires_the_token(client, corpus):
    r = client.post("/api/articles", json=corpus[0])
    _is_error(r, 401, "unauthorized")
    assert r.headers["www-authenticate"] == "Bearer"
    _is_error(client.post("/api/articles", json=corpus[0], headers={"Authorization": "Bearer nope"}), 401,
              "unauthorized")
    assert client.get("/api/stories").json() == []  # nothing was stored


def test_post_stores_and_assigns(client, corpus, headers):
    r = client.post("/api/articles", json=corpus[0], headers=headers)
    assert r.status_code == 201, r.text
    (result,) = r.json()["results"]
    assert result["status"] == "stored" and result["id"] == "call-bg"
    assert result["article"]["story_id"] == result["story"]["id"]
    assert result["article"]["source"] == "bg.example.com"
    r = client.post("/api/articles", json=corpus[1], headers=headers)
    assert r.json()["results"][0]["story"]["id"] == result["story"]["id"]  # joined the same story
    assert r.json()["results"][0]["story"]["article_count"] == 2
    again = client.post("/api/articles", json=corpus[0], headers=headers)
    assert again.status_code == 207 and again.json()["results"][0]["status"] == "already_known"
    assert client.get("/api/articles/call-bg").json()["story_id"] == result["story"]["id"]


def test_post_without_id_gets_a_stable_one(client, headers):
    body = {"title": "A title", "text": "Parliament approved the budget on Monday after a long debate."}
    first = client.post("/api/articles", json=body, headers=headers).json()["results"][0]
    assert first["id"].startswith("web-") and first["status"] == "stored"
    second = client.post("/api/articles", json=body, headers=headers).json()["results"][0]
    assert second["id"] == first["id"] and second["status"] == "already_known"


def test_post_multipart_files_and_fields(client, headers, corpus):
    jsonl = "\n".join(json.dumps(r, ensure_ascii=False) for r in corpus[3:5]) + "\n{broken\n"
    files = [("file", ("floods.jsonl", jsonl.encode(), "application/x-ndjson")),
             ("file", ("rate.txt", "EZB Leitzins\nDie EZB unter Christine Lagarde belässt den Leitzins.".encode(),
                       "text/plain"))]
    r = client.post("/api/articles", files=files, data={"source": "desk"}, headers=headers)
    assert r.status_code == 207, r.text  # one line of floods.jsonl is rejected
    by_status = {}
    for item in r.json()["results"]:
        by_status.setdefault(item["status"], []).append(item)
    assert {i["id"] for i in by_status["stored"]} == {"flood-es", "flood-en", "rate"}
    assert by_status["rejected"][0]["origin"] == "upload:floods.jsonl:3"
    assert "malformed JSON" in by_status["rejected"][0]["reason"]
    assert client.get("/api/articles/rate").json()["source"] == "desk"
    assert r.json()["report"]["stored"] == 3

    r = client.post("/api/articles", data={"text": "Parliament passes the budget after a night of debate\n"
                                                    "A pasted body about the budget vote in parliament on Monday."},
                    headers=headers)
    assert r.status_code == 201
    assert r.json()["results"][0]["article"]["title"] == "Parliament passes the budget after a night of debate"


def test_error_shape_is_pinned(client, headers, monkeypatch):
    _is_error(client.get("/api/stories/nope"), 404, "not_found")
    _is_error(client.get("/api/articles/nope"), 404, "not_found")
    _is_error(client.get("/api/nope"), 404, "not_found")
    _is_error(client.get("/api/stories", params={"limit": 0}), 422, "invalid_request")
    _is_error(client.get("/api/stories", params={"since": "yesterday"}), 422, "invalid_request")
    _is_error(client.get("/api/search"), 422, "invalid_request")
    _is_error(client.request("DELETE", "/api/stories"), 405, "method_not_allowed")
    _is_error(client.post("/api/articles", content=b"{not json", headers={**headers, "content-type": "application/json"}),
              400, "invalid_json")
    _is_error(client.post("/api/articles", content=b"text", headers={**headers, "content-type": "text/plain"}),
              415, "unsupported_media_type")
    _is_error(client.post("/api/articles", json="an article", headers=headers), 422, "rejected_input")
    _is_error(client.post("/api/articles", json=[], headers=headers), 422, "rejected_input")

    from babelwire.store import Store

    def boom(*a, **kw):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(Store, "story_rows", boom)  # what the story list reads
    r = client.get("/api/stories")
    _is_error(r, 500, "internal_error")
    assert "secret" not in r.text


def test_writes_disabled_without_a_token(make_client, corpus, monkeypatch):
    monkeypatch.delenv("BABELWIRE_TOKEN", raising=False)
    client = make_client(token="")
    _is_error(client.post("/api/articles", json=corpus[0], headers={"Authorization": "Bearer x"}), 403,
              "writes_disabled")


def test_upload_size_limit(make_client, headers):
    client = make_client(max_upload_mb=0.01)  # about 10 KB
    big = {"text": "word " * 5000}
    _is_error(client.post("/api/articles", json=big, headers=headers), 413, "payload_too_large")
    small = {"text": "A title\nA short body about a vote in parliament."}
    assert client.post("/api/articles", json=small, headers=headers).status_code == 201

    async def chunks():  # no Content-Length: the limit still holds
        for _ in range(20):
            yield b"x" * 1024

    _is_error(client.post("/api/articles", content=chunks(), headers={**headers, "content-type": "application/json"}),
              413, "payload_too_large")


def test_read_token(make_client, corpus):
    client = make_client(read_token="reader")
    _is_error(client.get("/api/stories"), 401, "unauthorized")
    assert client.get("/api/stories", headers={"Authorization": "Bearer reader"}).status_code == 200
    assert client.get("/api/stories", headers={"Authorization": "Bearer test-write-token"}).status_code == 200
    page = client.get("/")
    assert page.status_code == 401 and "text/html" in page.headers["content-type"] and "/login" in page.text
    assert client.post("/login", data={"token": "wrong", "next": "/"}).status_code == 401
    r = client.post("/login", data={"token": "reader", "next": "//evil.example/"})
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert "reader" not in cookie and "HttpOnly" in cookie
    session = cookie.split(";")[0]
    assert client.get("/", headers={"Cookie": session}).status_code == 200


def test_search_api_finds_the_story_across_languages(corpus_client, events):
    for q in ("Blinken Lavrov telefon", "Блинкен Лавров телефон"):
        result = corpus_client.get("/api/search", params={"q": q}).json()
        assert {a["id"] for a in result["stories"][0]["articles"]} == events["call"], q
        assert result["articles"][0]["story_id"] == result["stories"][0]["id"]
    only = corpus_client.get("/api/search", params={"q": "Valencia", "mode": "keyword"}).json()
    assert {a["id"] for a in only["articles"]} == events["flood"]
    assert all(a["cosine"] is None for a in only["articles"])
    de = corpus_client.get("/api/search", params={"q": "Lagarde", "lang": "de"}).json()
    assert [a["id"] for a in de["articles"]] == ["rate-de"]


def test_explain(corpus_client):
    e = corpus_client.get("/api/articles/flood-en/explain").json()
    assert e["story_id"] and e["evidence"]["method"]
    assert e["nearest_stories"][0]["story_id"] == e["story_id"]
    assert len(e["nearest_stories"]) == 3  # its own story and the two others


def test_openapi(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for p in ("/api/stories", "/api/stories/{story_id}", "/api/articles", "/api/articles/{article_id}",
              "/api/articles/{article_id}/explain", "/api/search"):
        assert "get" in paths[p], p
    post = paths["/api/articles"]["post"]
    assert set(post["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    assert not any(p.startswith("/stories") for p in paths)  # pages stay out of the API document
    assert client.get("/docs").status_code == 404  # no CDN-backed docs UI


def test_security_headers(client):
    r = client.get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_missing_web_extra_names_the_pip_line(monkeypatch):
    import sys

    from babelwire.errors import MissingDependency
    from babelwire.web import create_app

    monkeypatch.setitem(sys.modules, "fastapi", None)
    with pytest.raises(MissingDependency, match=r'pip install "babelwire\[web\]"'):
        create_app(":memory:")
