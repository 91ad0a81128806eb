from __future__ import annotations

import json

from click.testing import CliRunner

from babelwire.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cluster_seeds_json_puts_both_in_one_story(seeds_dir, db_path):
    r = run("cluster", str(seeds_dir), "--db", db_path, "--format", "json")
    assert r.exit_code == 0, r.output
    stories = json.loads(r.stdout)
    assert len(stories) == 1
    s = stories[0]
    assert s["article_count"] == 2
    assert {a["id"] for a in s["articles"]} == {"000_bg", "002_az"}
    assert "read 2, stored 2" in r.stderr


def test_ingest_twice_stores_nothing_new(seeds_dir, db_path):
    assert run("ingest", str(seeds_dir), "--db", db_path).exit_code == 0
    r = run("ingest", str(seeds_dir), "--db", db_path, "--format", "json")
    rep = json.loads(r.stdout)
    assert rep["stored"] == 0 and rep["already_known"] == 2 and rep["embedded"] == 0
    assert "nothing new" in r.stderr


def test_awkward_folder_accounts_for_every_input(awkward_dir, db_path):
    r = run("ingest", str(awkward_dir), "--db", db_path, "--format", "json")
    assert r.exit_code == 0, r.output
    rep = json.loads(r.stdout)
    reasons = [x["reason"] for x in rep["rejected"]]
    assert "empty file" in reasons
    assert any(x.startswith("binary") for x in reasons)
    assert any(x.startswith("malformed JSON") for x in reasons)
    assert any("no 'text' or 'html' column" in x for x in reasons)
    assert rep["stored"] >= 4  # good.txt, latin1.txt, j1, c1
    assert rep["stored"] + rep["already_known"] + len(rep["rejected"]) == rep["read"]
    ids = {a["id"] for s in json.loads(run("stories", "--db", db_path, "--format", "json").stdout) for a in s["articles"]}
    assert {"good", "latin1", "j1", "c1"} <= ids


def test_stories_story_article_commands(seeds_dir, db_path):
    run("ingest", str(seeds_dir), "--db", db_path, "-q")
    stories = json.loads(run("stories", "--db", db_path, "--format", "json").stdout)
    sid = stories[0]["id"]
    s = json.loads(run("story", sid, "--db", db_path, "--format", "json").stdout)
    assert s == stories[0]
    a = json.loads(run("article", "000_bg", "--db", db_path, "--format", "json").stdout)
    assert {"id", "lang", "title", "published", "source", "path", "story_id", "text"} <= set(a)
    assert a["story_id"] == sid and a["source"] == "seeds"
    table = run("stories", "--db", db_path)
    assert sid in table.stdout
    assert sid in run("story", sid, "--db", db_path).stdout
    assert "000_bg" in run("article", "000_bg", "--db", db_path).stdout


def test_unknown_ids_are_clean_errors(db_path):
    r = CliRunner().invoke(cli, ["story", "nope", "--db", db_path])
    assert r.exit_code == 1 and "no story with id 'nope'" in r.output
    r = CliRunner().invoke(cli, ["article", "nope", "--db", db_path])
    assert r.exit_code == 1 and "no article" in r.output


def test_every_command_has_help():
    for name, cmd in cli.commands.items():
        r = run(name, "--help")
        assert r.exit_code == 0 and "--db" in r.output or name in {"eval", "alert"}, name  # groups: subcommands
        assert cmd.help, name


def test_db_from_environment(seeds_dir, db_path, monkeypatch):
    monkeypatch.setenv("BABELWIRE_DB", db_path)
    run("ingest", str(seeds_dir), "-q")
    assert json.loads(run("stories", "--db", db_path, "--format", "json").stdout)


def test_encoder_mismatch_is_refused(seeds_dir, db_path):
    run("ingest", str(seeds_dir), "--db", db_path, "-q")
    r = CliRunner().invoke(cli, ["ingest", str(seeds_dir), "--db", db_path, "--encoder", "fake:32", "-q"])
    assert r.exit_code == 1 and "reembed" in r.output


def test_reembed_switches_encoder(seeds_dir, db_path):
    run("ingest", str(seeds_dir), "--db", db_path, "-q")
    r = run("reembed", "--db", db_path, "--encoder", "fake:32", "--format", "json", "-q")
    out = json.loads(r.stdout)
    assert out["to"] == "fake/32" and out["from"] == "fake/64" and out["embedded"] > 0
    r = CliRunner().invoke(cli, ["ingest", str(seeds_dir), "--db", db_path, "--encoder", "fake:32", "-q"])
    assert r.exit_code == 0
    again = json.loads(run("reembed", "--db", db_path, "--encoder", "fake:32", "--format", "json", "-q").stdout)
    assert again["embedded"] == 0
