"""The README's live demo, end to end: examples/feeds_demo.py serving on a free port, `watch --once` polls,
the burst tops `trending`, and examples/webhook_receiver.py gets exactly one signed POST for the alert."""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from babelwire.cli import cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BURST_AT = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
SECRET = "demo-secret"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_example_{name}", EXAMPLES / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture
def servers() -> Iterator[tuple[int, int, list[dict], list[str]]]:
    """The demo feeds (20 entries per request, the burst from world.xml's second request) and the receiver."""
    demo, receiver = _module("feeds_demo"), _module("webhook_receiver")
    feeds = demo.ThreadingHTTPServer(("127.0.0.1", 0), demo._handler(demo.Feeds(20, burst_after=2,
                                                                                 burst_at=BURST_AT)))
    firings: list[dict] = []
    refused: list[str] = []
    hook = receiver.make_server(SECRET, 0, on_firing=firings.append, on_refused=refused.append)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (feeds, hook)]
    for t in threads:
        t.start()
    try:
        yield feeds.server_address[1], hook.server_address[1], firings, refused
    finally:
        for s in (feeds, hook):
            s.shutdown()
            s.server_close()
        sys.modules.pop("burst_reports", None)


def _config(tmp_path: Path, port: int) -> Path:
    text = (EXAMPLES / "watch.toml").read_text(encoding="utf-8").replace("127.0.0.1:8765", f"127.0.0.1:{port}")
    assert text.count(f"127.0.0.1:{port}") == 12  # eleven languages and the aggregator
    cfg = tmp_path / "watch.toml"
    cfg.write_text(text, encoding="utf-8")
    return cfg


def test_the_burst_tops_trending_and_the_alert_arrives_signed_once(servers, tmp_path) -> None:
    feeds_port, hook_port, firings, refused = servers
    db, cfg = str(tmp_path / "live.db"), _config(tmp_path, feeds_port)
    run = CliRunner().invoke
    r = run(cli, ["alert", "add", "kazbegi", "--query", "Kazbegi landslide", "--webhook",
                  f"http://127.0.0.1:{hook_port}/", "--secret", SECRET, "--db", db])
    assert r.exit_code == 0, r.output
    for _ in range(4):  # the corpus fills up; the burst arrives with world.xml's second poll
        r = run(cli, ["watch", "--once", "--config", str(cfg), "--db", db])
        assert r.exit_code == 0, r.output
    r = run(cli, ["trending", "--at", "2024-05-06T10:00Z", "--db", db, "--format", "json"])
    assert r.exit_code == 0, r.output
    top = json.loads(r.output)["stories"][0]
    assert top["sources"] == 7 and set(top["languages"]) == {"az", "de", "en", "es", "fr", "tr"}
    assert "Kazbegi" in top["headline"]
    assert refused == []
    assert [(f["alert"], f["reason"], f["story"]["id"]) for f in firings] == [("kazbegi", "new_story",
                                                                               top["story_id"])]
    assert firings[0]["story"]["independent_sources"] == 7


def test_the_receiver_refuses_an_unsigned_or_badly_signed_post(servers) -> None:
    _, hook_port, firings, refused = servers
    body = json.dumps({"alert": "x"}).encode()
    for headers in ({}, {"X-Babelwire-Signature": "sha256=00", "X-Babelwire-Timestamp": "1"}):
        req = urllib.request.Request(f"http://127.0.0.1:{hook_port}/", data=body, headers=headers, method="POST")
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=5)
        assert err.value.code == 401
    assert refused == ["refused: no signature", "refused: bad signature"] and firings == []
