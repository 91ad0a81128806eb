"""`babelwire export` of the examples store in every format, read back with pyarrow, DuckDB, csv and json."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from babelwire.export import TABLES, Exporter, ExportRequest
from babelwire.store import Store


def _sql(query: str) -> list[tuple]:
    """Return the rows DuckDB answers ``query`` with (a fresh in-memory connection)."""
    with duckdb.connect() as con:
        return con.execute(query).fetchall()


TYPES = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "time": pa.timestamp("us", tz="UTC"),
         "strs": pa.list_(pa.string()), "json": pa.string()}


def _utc(text: str | None) -> datetime | None:
    if not text:
        return None
    dt = datetime.fromisoformat(text)
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _store_articles(db: str) -> dict[str, dict]:
    with Store(db) as store:
        rows = {r["id"]: r for r in store.article_rows()}
        for a in store.iter_articles():
            rows[a.id].update(title=a.title, text=a.text, lang=a.lang, source=a.source,
                              evidence=(store.membership(a.id) or {}).get("evidence"))
    return rows


def test_parquet_reads_back_with_pyarrow_and_duckdb_as_the_stories_command_lists(examples_db, tmp_path, run,
                                                                                   cli_json):
    stories = cli_json("stories", "--db", examples_db)
    articles = _store_articles(examples_db)
    for table in TABLES:
        out = tmp_path / f"{table}.parquet"
        r = run("export", "--db", examples_db, "--table", table, "-o", str(out))
        got = pq.read_table(out)
        for col in TABLES[table]:
            if col.kind != "vector":
                assert got.schema.field(col.name).type == TYPES[col.kind], col.name
                assert got.schema.field(col.name).metadata[b"description"] == col.help.encode()
        assert "vector" not in got.schema.names
        key = "article_id" if table == "memberships" else "id"
        ids = got.column(key).to_pylist()
        duck = _sql(f"SELECT count(*), list({key} ORDER BY {key}) FROM '{out}'")[0]
        expected = [s["id"] for s in stories] if table == "stories" else list(articles)
        assert got.num_rows == duck[0] == len(expected) and sorted(ids) == duck[1] == sorted(expected)
        assert f"exported {len(expected)} {table} (parquet" in r.stderr

    by_id = {s["id"]: s for s in pq.read_table(tmp_path / "stories.parquet").to_pylist()}
    for s in stories:
        row = by_id[s["id"]]
        for k in ("headline", "languages", "sources", "article_count", "independent_sources", "copies"):
            assert row[k] == s[k], k
        assert row["article_ids"] == [a["id"] for a in s["articles"]]
        assert row["first_published"] == _utc(s["first_published"]) and row["last_published"] == _utc(
            s["last_published"])
    # DuckDB sees the types: timestamps with a zone, lists, integers
    types = {r[0]: r[1] for r in _sql(f"DESCRIBE SELECT * FROM '{tmp_path / 'stories.parquet'}'")}
    assert types["first_published"] == "TIMESTAMP WITH TIME ZONE" and types["languages"] == "VARCHAR[]"
    assert types["article_count"] == "BIGINT"

    arts = {a["id"]: a for a in pq.read_table(tmp_path / "articles.parquet").to_pylist()}
    for aid, a in articles.items():
        row = arts[aid]
        assert (row["title"], row["text"], row["lang"], row["story_id"]) == (a["title"], a["text"], a["lang"],
                                                                            a["story_id"])
        assert row["published_text"] == a["published"] and row["published"] == _utc(a["published"])
    members = {m["article_id"]: m for m in pq.read_table(tmp_path / "memberships.parquet").to_pylist()}
    copies = {aid: a["copy_of"] for aid, a in articles.items() if a["copy_of"]}
    assert copies  # the examples hold near-verbatim re-posts
    assert {aid: m["copy_of"] for aid, m in members.items() if m["copy_of"]} == copies
    for aid, m in members.items():
        assert json.loads(m["evidence"]) == articles[aid]["evidence"]
        assert m["story_id"] == articles[aid]["story_id"]
    n = _sql(f"SELECT count(*) FROM '{tmp_path / 'memberships.parquet'}' "
             "WHERE json_extract_string(evidence, '$.reason') = 'copy'")[0][0]
    assert n == len(copies)


def test_parquet_to_a_pipe_is_the_file(examples_db, tmp_path, run):
    piped = run("export", "--db", examples_db, "--table", "articles", "--format", "parquet", "-q").stdout_bytes
    run("export", "--db", examples_db, "--table", "articles", "-o", str(tmp_path / "a.parquet"), "-q")
    assert pq.read_table(io.BytesIO(piped)).equals(pq.read_table(tmp_path / "a.parquet"))


def test_csv_reads_back_with_quoted_newlines_and_non_latin_text(examples_db, tmp_path, run):
    articles = _store_articles(examples_db)
    out = tmp_path / "articles.csv"
    run("export", "--db", examples_db, "--table", "articles", "-o", str(out))
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    assert header == [c.name for c in TABLES["articles"] if c.kind != "vector"]
    assert len(body) == len(articles)
    got = {r[header.index("id")]: dict(zip(header, r, strict=True)) for r in body}
    multi = [a for a in articles.values() if "\n" in a["text"]]
    assert multi  # paragraphs are separated by newlines: quoted inside one cell
    for aid, a in articles.items():
        assert got[aid]["text"] == a["text"] and got[aid]["title"] == a["title"]
        assert got[aid]["lang"] == (a["lang"] or "")
    scripts = {a["lang"] for a in articles.values()} & {"zh", "ar", "ru", "bg"}
    assert len(scripts) == 4  # Han, Arabic and Cyrillic titles came back as written

    stories = tmp_path / "stories.csv"
    run("export", "--db", examples_db, "-o", str(stories), "--excel")
    assert stories.read_bytes().startswith(b"\xef\xbb\xbf")
    with stories.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and all(isinstance(json.loads(r["languages"]), list) for r in rows)
    assert sum(int(r["article_count"]) for r in rows) == len(articles)


def test_excel_csv_defuses_formulas_and_keeps_quotes(db_path, tmp_path, run):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "f1", "title": '=HYPERLINK("http://x","click")',
                               "text": 'The minister said "yes, and no" to the plan, then left the hall.\n'
                                       'Reporters in the hall wrote 世界 and مرحبا on the board, with commas.\n'
                                       'A third line, with "quotes" and commas, closes the article.',
                               "lang": "en", "published": "2024-01-02"}) + "\n", encoding="utf-8")
    run("ingest", str(src), "--db", db_path, "-q")
    plain = run("export", "--db", db_path, "--table", "articles", "--format", "csv").stdout
    excel = run("export", "--db", db_path, "--table", "articles", "--format", "csv", "--excel").stdout
    with Store(db_path) as store:
        text = store.get_article("f1").text
    assert text.count("\n") >= 1 and '"' in text and "世界" in text  # what the CSV must quote
    (row,) = list(csv.DictReader(io.StringIO(plain, newline="")))
    assert row["title"] == '=HYPERLINK("http://x","click")'
    assert row["text"] == text
    (xrow,) = list(csv.DictReader(io.StringIO(excel.lstrip("\ufeff"), newline="")))
    assert xrow["title"] == "'" + row["title"] and xrow["text"] == row["text"]


def test_jsonl_lines_are_the_rows(examples_db, run, cli_json):
    stories = cli_json("stories", "--db", examples_db)
    out = run("export", "--db", examples_db, "-q").stdout  # stories to stdout by default
    lines = out.splitlines()
    assert len(lines) == len(stories) and out.endswith("\n")
    recs = [json.loads(line) for line in lines]
    assert sorted(r["id"] for r in recs) == sorted(s["id"] for s in stories)
    assert [list(r) for r in recs[:1]] == [[c.name for c in TABLES["stories"]]]
    members = run("export", "--db", examples_db, "--table", "memberships", "-q").stdout.splitlines()
    assert len(members) == 52
    m = [json.loads(line) for line in members]
    assert all(isinstance(r["evidence"], dict) for r in m)  # an object in JSONL, not a string
    assert all(r["assigned_at"].endswith("Z") for r in m)


def test_vectors_are_the_stored_embeddings(examples_db, tmp_path, run):
    out = tmp_path / "a.parquet"
    run("export", "--db", examples_db, "--table", "articles", "--vectors", "-o", str(out))
    t = pq.read_table(out)
    assert t.schema.field("vector").type == pa.list_(pa.float32(), 64)
    with Store(examples_db) as store:
        fp = store.get_setting("encoder")
        for row in t.select(["id", "vector"]).to_pylist():
            assert np.array_equal(np.asarray(row["vector"], np.float32), store.article_vector(row["id"], encoder=fp))
    # Parquet has no fixed-size list: DuckDB reads a list of floats, and the cast to an array holds
    assert _sql(f"SELECT DISTINCT typeof(vector), len(vector), typeof(vector::FLOAT[64]) FROM '{out}'") == [
        ("FLOAT[]", 64, "FLOAT[64]")]
    lines = run("export", "--db", examples_db, "--table", "articles", "--vectors", "-q").stdout.splitlines()
    assert {len(json.loads(line)["vector"]) for line in lines} == {64}


@pytest.mark.parametrize("page", [1, 7, 1000])
def test_pages_do_not_change_the_output(examples_db, page):
    def export(table: str, fmt: str, page_size: int) -> bytes:
        out = io.BytesIO()
        with Store(examples_db) as store:
            Exporter(store, ExportRequest(table=table, format=fmt, page_size=page_size)).write_to(out)
        return out.getvalue()

    for table in TABLES:
        assert export(table, "jsonl", page) == export(table, "jsonl", 100_000)
    assert pq.read_table(io.BytesIO(export("articles", "parquet", page))).equals(
        pq.read_table(io.BytesIO(export("articles", "parquet", 100_000))))


def test_the_store_is_read_a_page_at_a_time(examples_db, monkeypatch):
    calls = []
    page = Store.export_article_page

    def spy(self, **kw):
        rows = page(self, **kw)
        calls.append(len(rows))
        return rows

    monkeypatch.setattr(Store, "export_article_page", spy)
    with Store(examples_db) as store:
        chunks = Exporter(store, ExportRequest(table="articles", page_size=10)).chunks()
        next(chunks), next(chunks)  # the (empty) head, then the first page: one page read, not the store
        assert calls == [10]
        list(chunks)
    assert calls == [10, 10, 10, 10, 10, 2]


def test_an_empty_store_exports_empty_tables(db_path, tmp_path, run):
    for table in TABLES:
        assert run("export", "--db", db_path, "--table", table, "-q").stdout == ""
        head = run("export", "--db", db_path, "--table", table, "--format", "csv", "-q").stdout
        assert list(csv.reader(io.StringIO(head, newline=""))) == [
            [c.name for c in TABLES[table] if c.kind != "vector"]]
        out = tmp_path / f"{table}.parquet"
        r = run("export", "--db", db_path, "--table", table, "-o", str(out))
        assert f"exported 0 {table}" in r.stderr
        assert pq.read_table(out).num_rows == 0 and _sql(f"SELECT count(*) FROM '{out}'") == [(0,)]
    out = tmp_path / "v.parquet"
    run("export", "--db", db_path, "--table", "articles", "--vectors", "-o", str(out), "-q")
    assert pq.read_table(out).schema.field("vector").type == pa.list_(pa.float32())


def test_table_all_writes_one_file_per_table(examples_db, tmp_path, run):
    out = tmp_path / "dump"
    run("export", "--db", examples_db, "--table", "all", "-o", str(out), "--format", "csv", "-q")
    assert sorted(p.name for p in out.iterdir()) == ["articles.csv", "memberships.csv", "stories.csv"]
    run("export", "--db", examples_db, "--table", "all", "-o", str(out), "-q")  # JSON Lines by default
    assert len((out / "articles.jsonl").read_text(encoding="utf-8").splitlines()) == 52


def test_an_export_is_one_state_of_the_store_while_it_is_written_to(examples_db):
    from babelwire.model import Article

    with Store(examples_db) as store, Store(examples_db) as writer:
        chunks = Exporter(store, ExportRequest(table="articles", page_size=5)).chunks()
        out = [next(chunks), next(chunks)]  # the first page is read
        with writer.transaction():
            writer.add_article(Article(id="late", source="x", origin="/late.txt", format="text",
                                       read_at=datetime.now(UTC), raw="r", title="Late", text="Late news."),
                               embed_hash="h-late")
        out += list(chunks)
        assert writer.article_count() == 53
    ids = [json.loads(line)["id"] for line in b"".join(out).splitlines()]
    assert len(ids) == 52 and "late" not in ids
