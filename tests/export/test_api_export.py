"""GET /api/export through an in-process ASGI client: the CLI's bytes, streamed; bad parameters in the one error shape."""

from __future__ import annotations

import builtins
import csv
import io
import json

import pyarrow.parquet as pq
import pytest

from babelwire.export import TABLES


def _is_error(r, status: int, code: str, says: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code and says in body["error"]["message"]


@pytest.mark.parametrize("table", list(TABLES))
def test_every_format_is_what_the_cli_writes(examples_db, make_client, run, tmp_path, table):
    client = make_client(examples_db)
    for fmt, media in (("jsonl", "application/x-ndjson"), ("csv", "text/csv")):
        r = client.get(f"/api/export?table={table}&format={fmt}")
        assert r.status_code == 200 and r.headers["content-type"].startswith(media)
        assert r.headers["content-disposition"] == f'attachment; filename="babelwire-{table}.{fmt}"'
        assert r.content == run("export", "--db", examples_db, "--table", table, "--format", fmt, "-q").stdout_bytes
    r = client.get(f"/api/export?table={table}&format=parquet")
    assert r.status_code == 200 and r.headers["content-type"] == "application/vnd.apache.parquet"
    out = tmp_path / "cli.parquet"
    run("export", "--db", examples_db, "--table", table, "-o", str(out), "-q")
    assert pq.read_table(io.BytesIO(r.content)).equals(pq.read_table(out))


def test_filters_and_options(examples_db, make_client, run):
    client = make_client(examples_db)
    query = "table=articles&lang=ru&since=2023-01-01&until=2023-12-31"
    r = client.get(f"/api/export?{query}")
    cli = run("export", "--db", examples_db, "--table", "articles", "--lang", "ru", "--since", "2023-01-01",
              "--until", "2023-12-31", "-q").stdout_bytes
    assert r.status_code == 200 and r.content == cli and r.content.count(b"\n") >= 2
    assert all(json.loads(line)["lang"] == "ru" for line in r.content.splitlines())
    stories = [json.loads(line) for line in client.get("/api/export?table=stories").content.splitlines()]
    sid = stories[0]["id"]
    one = client.get(f"/api/export?table=memberships&story={sid}").content.splitlines()
    assert sorted(json.loads(m)["article_id"] for m in one) == sorted(stories[0]["article_ids"])
    vec = client.get("/api/export?table=articles&vectors=true&format=parquet")
    assert pq.read_table(io.BytesIO(vec.content)).schema.field("vector").type.list_size == 64
    excel = client.get("/api/export?table=stories&format=csv&excel=true").content
    assert excel.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(excel.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(stories)


def test_an_empty_store(db_path, make_client):
    client = make_client(db_path)
    assert client.get("/api/export").content == b""
    assert client.get("/api/export?format=csv&table=memberships").text.splitlines() == [
        ",".join(c.name for c in TABLES["memberships"])]
    assert pq.read_table(io.BytesIO(client.get("/api/export?format=parquet").content)).num_rows == 0


@pytest.mark.parametrize("query, status, code, says", [
    ("format=xml", 422, "invalid_request", "format"),
    ("table=everything", 422, "invalid_request", "table"),
    ("since=2024-1-1", 422, "invalid_request", "since"),
    ("until=yesterday", 422, "invalid_request", "until"),
    ("vectors=maybe", 422, "invalid_request", "vectors"),
    ("tabel=articles", 422, "invalid_request", "unknown parameter(s) tabel"),
    ("since=2024-02-30", 400, "bad_request", "since must be a date"),
    ("since=2024-05-01&until=2024-01-01", 400, "bad_request", "is before since"),
    ("table=articles&format=csv&vectors=true", 400, "bad_request", "CSV does not hold vectors"),
    ("table=stories&vectors=true", 400, "bad_request", "vectors are a column of the articles table"),
    ("excel=true", 400, "bad_request", "the Excel option is for CSV"),
    ("story=nope", 404, "not_found", "no story with id 'nope'"),
])
def test_bad_parameters_answer_the_one_error_shape(db_path, make_client, query, status, code, says):
    _is_error(make_client(db_path).get(f"/api/export?{query}"), status, code, says)


def test_reads_need_the_read_token_when_one_is_set(db_path, make_client):
    client = make_client(db_path, read_token="reader")
    _is_error(client.get("/api/export"), 401, "unauthorized", "")
    assert client.get("/api/export", headers={"Authorization": "Bearer reader"}).status_code == 200


def test_a_missing_pyarrow_is_503_with_the_pip_line(db_path, make_client, monkeypatch):
    client = make_client(db_path)
    real = builtins.__import__

    def blocked(name, *args, **kwargs):
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", blocked)
    _is_error(client.get("/api/export?format=parquet"), 503, "missing_dependency",
              'pip install "babelwire[export]"')
    assert client.get("/api/export?format=csv").status_code == 200


def test_streams_return_their_connection(examples_db, make_client):
    client = make_client(examples_db)
    state = client.app.state.babelwire
    for _ in range(3):
        assert client.get("/api/export?table=articles").status_code == 200
        assert client.get("/api/export?story=nope").status_code == 404
    assert len(state._idle) == len(state._opened) - 1  # every reader is back in the pool; the writer is not
