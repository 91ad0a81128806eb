"""Export filters agree with the stories command and the store; bad requests and a missing pyarrow fail clearly."""

from __future__ import annotations

import builtins
import io
import json

import pytest

from babelwire import _export_cli
from babelwire.errors import InvalidArgument, MissingDependency, NotFound
from babelwire.export import Exporter, ExportRequest, require_pyarrow
from babelwire.store import Store

PIP_LINE = 'Parquet export needs pyarrow: pip install "babelwire[export]"'


def _lines(run, *args: str) -> list[dict]:
    return [json.loads(line) for line in run("export", *args, "-q").stdout.splitlines()]


def _articles(db: str) -> list:
    with Store(db) as store:
        return list(store.iter_articles())


@pytest.mark.parametrize("flags", [["--lang", "ru"], ["--source", "example-news.de"], ["--since", "2024-01-01"],
                                   ["--until", "2023-06-30"], ["--since", "2023-10-09", "--until", "2023-11-12"],
                                   ["--lang", "tr", "--since", "2024-01-01"]])
def test_filters_agree_with_the_stories_command_and_the_store(examples_db, run, cli_json, flags):
    db = ["--db", examples_db]
    stories = cli_json("stories", *db, *flags)
    got = _lines(run, *db, *flags)
    assert stories and sorted(s["id"] for s in got) == sorted(s["id"] for s in stories)

    opts = dict(zip(flags[::2], flags[1::2], strict=True))

    def wanted(a) -> bool:
        day = (a.published or "")[:10]
        return ((opts.get("--lang") in (None, a.lang)) and (opts.get("--source") in (None, a.source))
                and ("--since" not in opts or (bool(day) and day >= opts["--since"]))
                and ("--until" not in opts or (bool(day) and day <= opts["--until"])))

    expected = [a.id for a in _articles(examples_db) if wanted(a)]
    assert expected and [a["id"] for a in _lines(run, *db, "--table", "articles", *flags)] == expected
    assert [m["article_id"] for m in _lines(run, *db, "--table", "memberships", *flags)] == expected


def test_story_filter_follows_the_story(examples_db, run, cli_json):
    db = ["--db", examples_db]
    story = max(cli_json("stories", *db), key=lambda s: s["article_count"])
    (row,) = _lines(run, *db, "--story", story["id"])
    assert row["id"] == story["id"] and row["article_ids"] == [a["id"] for a in story["articles"]]
    arts = _lines(run, *db, "--table", "articles", "--story", story["id"])
    assert sorted(a["id"] for a in arts) == sorted(a["id"] for a in story["articles"])
    assert {m["story_id"] for m in _lines(run, *db, "--table", "memberships", "--story", story["id"])} == {
        story["id"]}


def test_a_merged_story_id_exports_the_story_it_went_into(examples_db):
    with Store(examples_db) as store:
        sid = sorted(store.story_ids())[0]
        with store.transaction():
            store.add_redirect("s-old-id", sid)
        out = io.BytesIO()
        Exporter(store, ExportRequest(story="s-old-id")).write_to(out)
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == [sid]


@pytest.mark.parametrize("request_kw, message", [
    ({"table": "things"}, "no table 'things'"),
    ({"format": "xml"}, "no format 'xml'"),
    ({"since": "2024-13-01"}, "since must be a date as YYYY-MM-DD"),
    ({"until": "01/02/2024"}, "until must be a date as YYYY-MM-DD"),
    ({"since": "2024-05-01", "until": "2024-01-01"}, "until (2024-01-01) is before since (2024-05-01)"),
    ({"vectors": True}, "vectors are a column of the articles table"),
    ({"table": "articles", "format": "csv", "vectors": True}, "CSV does not hold vectors"),
    ({"excel": True}, "the Excel option is for CSV"),
    ({"page_size": 0}, "page_size must be at least 1"),
])
def test_bad_requests_are_invalid_arguments(store, request_kw, message):
    with pytest.raises(InvalidArgument, match=message.replace("(", r"\(").replace(")", r"\)")):
        Exporter(store, ExportRequest(**request_kw))


def test_an_unknown_story_is_not_found(store):
    with pytest.raises(NotFound, match="no story with id 'nope'"):
        Exporter(store, ExportRequest(story="nope"))


@pytest.mark.parametrize("args, code, message", [
    (["--since", "2024-02-30"], 1, "since must be a date as YYYY-MM-DD, not '2024-02-30'"),
    (["--story", "nope"], 1, "no story with id 'nope'"),
    (["--table", "articles", "--format", "csv", "--vectors"], 1, "CSV does not hold vectors"),
    (["-o", "out.txt"], 2, "cannot tell the format of 'out.txt' from its suffix"),
    (["--table", "all"], 2, "--table all writes one file per table: give -o a folder"),
    (["--table", "all", "-o", "x.parquet"], 2, "give -o a folder"),
    (["--format", "yaml"], 2, "'yaml' is not one of"),
])
def test_bad_options_are_one_line_errors(db_path, run, args, code, message):
    r = run("export", "--db", db_path, *args, ok=False)
    assert r.exit_code == code and message in r.stderr and "Traceback" not in r.output
    assert r.stdout == ""


def test_parquet_is_not_written_to_a_terminal(db_path, run, monkeypatch):
    monkeypatch.setattr(_export_cli, "_stdout_is_tty", lambda: True)
    r = run("export", "--db", db_path, "--format", "parquet", ok=False)
    assert r.exit_code == 2 and "Parquet is binary" in r.stderr and r.stdout_bytes == b""
    assert run("export", "--db", db_path, "--format", "jsonl").exit_code == 0  # text is fine on a terminal


@pytest.fixture
def no_pyarrow(monkeypatch):
    """Make ``import pyarrow`` fail, as where the [export] extra is not installed."""
    real = builtins.__import__

    def blocked(name, *args, **kwargs):
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError(f"No module named {name!r}")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", blocked)


def test_a_missing_pyarrow_names_the_extra(no_pyarrow, db_path, tmp_path, run):
    with pytest.raises(MissingDependency) as exc:
        require_pyarrow()
    assert str(exc.value) == PIP_LINE
    out = tmp_path / "s.parquet"
    r = run("export", "--db", db_path, "-o", str(out), ok=False)
    assert r.exit_code == 1 and r.stderr.strip() == f"Error: {PIP_LINE}" and not out.exists()
    for fmt in ("jsonl", "csv"):  # the text formats need no extra
        assert run("export", "--db", db_path, "--format", fmt).exit_code == 0


def test_a_failed_export_leaves_no_file(examples_db, tmp_path, run, monkeypatch):
    from babelwire.export import _jsonl

    def broken(self, rows):
        raise OSError("disk full")

    out = tmp_path / "articles.jsonl"
    out.write_text("the previous export\n", encoding="utf-8")
    monkeypatch.setattr(_jsonl.JsonlWriter, "write", broken)
    r = run("export", "--db", examples_db, "--table", "articles", "-o", str(out), "-q", ok=False)
    assert r.exit_code == 1 and r.stderr.strip() == f"Error: cannot write {out}: disk full"
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_a_file_where_the_folder_should_be_is_a_usage_error(examples_db, tmp_path, run):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    r = run("export", "--db", examples_db, "--table", "all", "-o", str(blocker), ok=False)
    assert r.exit_code == 2 and f"{blocker} is a file, not a folder" in r.stderr and "Traceback" not in r.output
    assert blocker.read_text(encoding="utf-8") == ""


def test_a_closed_pipe_ends_the_export_quietly(examples_db):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (os.environ.get("PYTHONPATH"), "src") if p)}
    cmd = [sys.executable, "-m", "babelwire.cli", "export", "--db", examples_db, "--table", "articles", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    assert proc.stdout is not None and proc.stdout.readline()  # read one line, then hang up
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and b"Traceback" not in err, err.decode()
