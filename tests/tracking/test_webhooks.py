"""Webhook delivery to a real local HTTP server: signed, sent once, a failing one retried, kept and harmless."""

from __future__ import annotations

import hashlib
import hmac
import json

from werkzeug import Request, Response

from babelwire.tracking.alerts import add_alert, run_alerts


def _recorder(httpserver, path: str, status: int = 200) -> list[Request]:
    got: list[Request] = []

    def handler(request: Request) -> Response:
        got.append(request)
        return Response("ok" if status < 300 else "boom", status=status)

    httpserver.expect_request(path, method="POST").respond_with_handler(handler)
    return got


def test_a_firing_is_posted_once_signed_and_marked_delivered(wire, httpserver):
    got = _recorder(httpserver, "/hook")
    add_alert(wire.store, "volcano", "zorvatka", webhook=httpserver.url_for("/hook"), secret="s3cret")
    wire.add("s1", ("a1", "en", "wire-a"))
    run = run_alerts(wire.store, backoff=0)
    assert (len(run.fired), run.delivered, run.failed) == (1, 1, 0)
    run_alerts(wire.store, backoff=0)  # evaluated again: nothing fires or is sent again
    wire.add("s1", ("a2", "en", "wire-b"))
    run_alerts(wire.store, backoff=0)
    assert len(got) == 1
    req = got[0]
    body = req.get_data()
    want = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert req.headers["X-Babelwire-Signature"] == want
    data = json.loads(body)
    assert data["alert"] == "volcano" and data["reason"] == "new_story" and data["story"]["id"] == "s1"
    assert str(data["timestamp"]) == req.headers["X-Babelwire-Timestamp"]
    [f] = wire.store.firings()
    assert f.delivery == "delivered" and f.attempts == 1 and f.delivered_at


def test_a_failing_webhook_is_retried_then_kept_failed_and_stops_nothing(wire, httpserver):
    bad = _recorder(httpserver, "/broken", status=500)
    good = _recorder(httpserver, "/fine")
    add_alert(wire.store, "a-broken", "zorvatka", webhook=httpserver.url_for("/broken"), secret="x")
    add_alert(wire.store, "b-fine", "zorvatka", webhook=httpserver.url_for("/fine"), secret="y")
    add_alert(wire.store, "c-plain", "zorvatka")  # no webhook: its firings are only listed
    wire.add("s1", ("a1", "en", "wire-a"))
    waits: list[float] = []
    run = run_alerts(wire.store, tries=3, backoff=0.5, sleep=waits.append)
    assert (run.delivered, run.failed) == (1, 1)
    assert len(bad) == 3 and len(good) == 1 and waits == [0.5, 1.0]  # exponential backoff between tries
    by = {f.alert: f for f in wire.store.firings()}
    assert by["a-broken"].delivery == "failed" and by["a-broken"].attempts == 3
    assert "500" in by["a-broken"].last_error
    assert by["b-fine"].delivery == "delivered" and by["c-plain"].delivery == "none"
    # later runs try the failed one again, bounded; the delivered one is never re-sent
    for _ in range(4):
        run_alerts(wire.store, tries=3, backoff=0, sleep=waits.append)
    assert len(bad) == 9 and len(good) == 1
    assert wire.store.firings(name="a-broken")[0].attempts == 9


def test_an_unreachable_webhook_is_an_error_kept_not_a_crash(wire):
    add_alert(wire.store, "volcano", "zorvatka", webhook="http://127.0.0.1:9/nothing-listens", secret="x")
    wire.add("s1", ("a1", "en", "wire-a"))
    run = run_alerts(wire.store, tries=2, backoff=0, timeout=2)
    assert run.failed == 1
    [f] = wire.store.firings()
    assert f.delivery == "failed" and f.last_error and f.attempts == 2
