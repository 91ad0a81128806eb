"""`babelwire watch` as a process: kill -9 mid-poll then a restart loses nothing; SIGTERM exits cleanly; the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from click.testing import CliRunner
from feed_data import DATES, item, page, rss, story_items
from werkzeug import Request, Response

from babelwire.cli import cli
from babelwire.store import Store

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    path = os.pathsep.join(p for p in [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")] if p)
    return {**os.environ, "PYTHONPATH": path, "BABELWIRE_ENCODER": "fake"}


def _config(tmp_path: Path, urls: list[str], **extra) -> Path:
    lines = ["[defaults]", "host_delay = 0", "retry_delay = 0", "timeout = 5", "interval = 1"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in extra.items()]
    for n, u in enumerate(urls):
        lines += ["", "[[source]]", f'name = "s{n}"', f'url = "{u}"']
    cfg = tmp_path / "watch.toml"
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cfg


def _watch(cfg: Path, db: Path, *more: str) -> list[str]:
    return [sys.executable, "-m", "babelwire.cli", "watch", "--config", str(cfg), "--db", str(db), *more]


def test_kill_9_mid_poll_then_a_restart_loses_nothing(httpserver, tmp_path):
    reports = story_items()
    base = httpserver.url_for("")
    full = rss([item(g, t, b, link=f"{base}f/{g}", pub=DATES[ev]) for g, ev, t, b in reports[:4]])
    slow = rss([item(f"p-{g}", t, "Short.", link=f"{base}p/{g}", pub=DATES[ev], summary_only=True)
                for g, ev, t, b in reports[4:]] + [item(f"p-{g}", t, "Short.", link=f"{base}p/{g}", pub=DATES[ev],
                                                        summary_only=True) for g, ev, t, b in reports[:2]])
    pages_asked = threading.Event()
    stall = threading.Event()

    def slow_page(request: Request) -> Response:
        g = request.path.rsplit("/", 1)[1]
        pages_asked.set()
        stall.wait(5)  # the first watcher is killed while it waits here, mid-poll
        t, b = next((t, b) for gg, ev, t, b in reports if gg == g)
        return Response(page(t, b), content_type="text/html")

    httpserver.expect_request("/full.xml").respond_with_data(full, content_type="application/rss+xml")
    httpserver.expect_request("/slow.xml").respond_with_data(slow, content_type="application/rss+xml")
    for g, *_ in reports:
        httpserver.expect_request(f"/p/{g}").respond_with_handler(slow_page)
    db = tmp_path / "w.db"
    cfg = _config(tmp_path, [httpserver.url_for("/full.xml"), httpserver.url_for("/slow.xml")])
    proc = subprocess.Popen(_watch(cfg, db), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert pages_asked.wait(60), "the watcher never reached the slow source's pages"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        stall.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    done = subprocess.run(_watch(cfg, db, "--once"), env=_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with Store(db) as store:
        ids = sorted(a.id for a in store.iter_articles())
        listed = sorted([f"s0:{g}" for g, *_ in reports[:4]] + [f"s1:p-{g}" for g, *_ in reports[4:]]
                        + [f"s1:p-{g}" for g, *_ in reports[:2]])
        # every entry either feed still lists is stored once; the two page copies of full-feed reports are known
        assert set(ids) | {f"s1:p-{g}" for g, *_ in reports[:2]} == set(listed)
        assert len(ids) == len(set(ids))
        assert store.seen_count("s0") == 4 and store.seen_count("s1") == 5
    assert "s1: ok" in done.stderr


def test_sigterm_finishes_the_poll_and_exits_0(httpserver, tmp_path):
    reports = story_items()
    feed = rss([item(g, t, b, link=f"https://n.example.com/{g}", pub=DATES[ev]) for g, ev, t, b in reports[:3]])
    httpserver.expect_request("/feed.xml").respond_with_data(feed, content_type="application/rss+xml")
    db = tmp_path / "w.db"
    cfg = _config(tmp_path, [httpserver.url_for("/feed.xml")])
    proc = subprocess.Popen(_watch(cfg, db), env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(httpserver.log) < 2:  # polled at least twice: it is looping
            time.sleep(0.1)
        assert len(httpserver.log) >= 2
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "SIGTERM: finishing the poll in progress" in err and "Traceback" not in err
    with Store(db) as store:
        assert store.article_count() == 3 and store.source_state("s0").polls >= 2


def test_watch_once_and_sources_from_the_cli(httpserver, tmp_path):
    reports = story_items()
    feed = rss([item(g, t, b, link=f"https://n.example.com/{g}", pub=DATES[ev]) for g, ev, t, b in reports[:2]])
    httpserver.expect_request("/feed.xml").respond_with_data(feed, content_type="application/rss+xml")
    db = str(tmp_path / "w.db")
    cfg = _config(tmp_path, [httpserver.url_for("/feed.xml")])
    runner = CliRunner()
    r = runner.invoke(cli, ["watch", "--config", str(cfg), "ftp://127.0.0.1/x", "--once", "--db", db])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["sources", "--format", "json", "--db", db])
    rows = {s["name"]: s for s in json.loads(r.output)}
    assert rows["s0"]["status"] == "ok" and rows["s0"]["stored"] == 2 and rows["s0"]["seen"] == 2
    assert rows["ftp://127.0.0.1/x"]["status"] == "error" and "only http and https" in rows["ftp://127.0.0.1/x"]["error"]
    r = runner.invoke(cli, ["sources", "--db", db])
    assert r.exit_code == 0 and "s0" in r.output and "only http" in r.output


def test_bad_watch_configs_are_one_line_errors(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "w.db")
    assert "nothing to watch" in runner.invoke(cli, ["watch", "--once", "--db", db]).output
    cases = {
        "[defaults]\nintervall = 3\n": "unknown key 'intervall'",
        "[[source]]\nurl = 'http://x/'\ninterval = 'soon'\n": "interval has the wrong type",
        "[[source]]\nname = 'a'\n": "exactly one of url",
        "[[source]]\nurl = 'http://x/'\n[[source]]\nurl = 'http://x/'\n": "given twice",
        "not toml = = 1": "not valid TOML",
    }
    for text, message in cases.items():
        cfg = tmp_path / "bad.toml"
        cfg.write_text(text, encoding="utf-8")
        r = runner.invoke(cli, ["watch", "--config", str(cfg), "--once", "--db", db])
        assert r.exit_code != 0 and message in r.output and "Traceback" not in r.output, (text, r.output)
