"""The watcher against a real HTTP server on 127.0.0.1 (pytest-httpserver), with the fake encoder."""

from __future__ import annotations

import gzip
import random
import threading
import time

import pytest
from feed_data import DATES, item, page, rss, story_items
from werkzeug import Request, Response

from babelwire.pipeline import Pipeline
from babelwire.sources.feeds import Fetcher, Watcher, sources_from_args
from babelwire.store import Store

FAST = {"host_delay": 0, "retry_delay": 0, "retries": 0, "timeout": 5, "interval": 60}


def _watcher(store: Store, urls: list[str], **settings) -> Watcher:
    sources = sources_from_args(urls, overrides={**FAST, **settings})
    return Watcher(Pipeline(store, encoder="fake"), sources, fetcher=Fetcher(sleep=lambda s: None),
                   rng=random.Random(0))


def _feed_of(reports, base: str) -> str:
    return rss([item(g, t, b, link=f"{base}/a/{g}", pub=DATES[ev])
                for g, ev, t, b in reports])


class Growing:
    """A feed that lists more entries at each request (the newest first, the oldest dropping off)."""

    def __init__(self, reports, base: str, *, step: int = 2, window: int = 4) -> None:
        self.reports, self.base, self.step, self.window, self.calls = reports, base, step, window, 0

    def __call__(self, request: Request) -> Response:
        self.calls += 1
        shown = self.reports[: self.step * self.calls][-self.window:]
        return Response(_feed_of(shown, self.base), content_type="application/rss+xml")


def test_a_changing_feed_stores_each_entry_once_in_the_right_stories(httpserver, tmp_path):
    reports = story_items()
    feed = Growing(reports, httpserver.url_for(""))
    httpserver.expect_request("/feed.xml").respond_with_handler(feed)
    with Store(tmp_path / "w.db") as store:
        w = _watcher(store, [httpserver.url_for("/feed.xml")])
        results = [w.poll(w.sources[0]) for _ in range(6)]
        assert [r.status for r in results] == ["ok"] * 6
        assert sum(r.new for r in results) == len(reports)  # every entry new exactly once
        assert sum(r.stored for r in results) == len(reports) and results[-1].new == 0
        ids = [a.id for a in store.iter_articles()]
        assert sorted(ids) == sorted(f"{w.sources[0].name}:{g}" for g, *_ in reports)
        story = {a: store.membership(a)["story_id"] for a in ids}
        by_event: dict[str, set[str]] = {}
        for g, ev, *_ in reports:
            by_event.setdefault(ev, set()).add(story[f"{w.sources[0].name}:{g}"])
        assert all(len(s) == 1 for s in by_event.values()), by_event  # one story per event
        assert len({next(iter(s)) for s in by_event.values()}) == len(by_event)  # and events apart
        assert store.seen_count(w.sources[0].name) == len(reports)
    assert feed.calls == 6


def test_a_304_answer_ingests_nothing_and_keeps_the_validators(httpserver, tmp_path):
    body = _feed_of(story_items()[:2], httpserver.url_for(""))
    got: list[tuple[str | None, str | None]] = []

    def handler(request: Request) -> Response:
        got.append((request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since")))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(body, content_type="application/rss+xml",
                        headers={"ETag": '"v1"', "Last-Modified": "Wed, 15 Mar 2023 08:00:00 GMT"})

    httpserver.expect_request("/feed.xml").respond_with_handler(handler)
    with Store(tmp_path / "w.db") as store:
        w = _watcher(store, [httpserver.url_for("/feed.xml")], user_agent="test-agent/1")
        first, second = w.poll(w.sources[0]), w.poll(w.sources[0])
        assert (first.status, first.stored) == ("ok", 2) and (second.status, second.new) == ("not modified", 0)
        state = store.source_state(w.sources[0].name)
        assert state.etag == '"v1"' and state.last_modified.startswith("Wed") and state.status == "not modified"
    assert got == [(None, None), ('"v1"', "Wed, 15 Mar 2023 08:00:00 GMT")]
    assert httpserver.log[0][0].headers["User-Agent"] == "test-agent/1"


def test_500s_and_time_outs_back_off_then_the_source_recovers(httpserver, tmp_path):
    answers = ["500", "slow", "500", "ok"]
    body = _feed_of(story_items()[:3], httpserver.url_for(""))
    slept = threading.Event()

    def handler(request: Request) -> Response:
        what = answers.pop(0) if answers else "ok"
        if what == "500":
            return Response("oops", status=500)
        if what == "slow":
            time.sleep(1.0)
            slept.set()
        return Response(body, content_type="application/rss+xml")

    httpserver.expect_request("/feed.xml").respond_with_handler(handler)
    with Store(tmp_path / "w.db") as store:
        w = _watcher(store, [httpserver.url_for("/feed.xml")], timeout=0.5, interval=10, max_backoff=1000)
        name = w.sources[0].name
        backoffs = []
        for expected in ("HTTP 500", "timed out", "HTTP 500"):
            r = w.poll(w.sources[0])
            assert r.status == "error" and expected in r.error
            state = store.source_state(name)
            backoffs.append(state.backoff)
            assert state.next_poll > time.time() and state.error == r.error
            if expected == "timed out":
                assert slept.wait(10)  # the one-thread server answers the next request after this one
        assert backoffs == sorted(backoffs) and len(set(backoffs)) == 3  # each failure waits longer
        assert store.source_state(name).failures == 3 and store.article_count() == 0
        r = w.poll(w.sources[0])
        state = store.source_state(name)
        assert r.status == "ok" and r.stored == 3 and state.failures == 0 and state.backoff == 0
        assert state.errors_total == 3 and state.polls == 4


def test_transient_failures_are_retried_within_a_poll(httpserver, tmp_path):
    answers = [500, 503]
    body = _feed_of(story_items()[:1], httpserver.url_for(""))

    def handler(request: Request) -> Response:
        if answers:
            return Response("busy", status=answers.pop(0))
        return Response(body, content_type="application/rss+xml")

    httpserver.expect_request("/feed.xml").respond_with_handler(handler)
    with Store(tmp_path / "w.db") as store:
        w = _watcher(store, [httpserver.url_for("/feed.xml")], retries=2)
        r = w.poll(w.sources[0])
        assert (r.status, r.stored) == ("ok", 1) and w.fetcher.requests == 3


def test_a_gzip_body_is_read(httpserver, tmp_path):
    body = gzip.compress(_feed_of(story_items()[:2], httpserver.url_for("")).encode())
    httpserver.expect_request("/feed.xml").respond_with_data(body, content_type="application/rss+xml",
                                                             headers={"Content-Encoding": "gzip"})
    with Store(tmp_path / "w.db") as store:
        w = _watcher(store, [httpserver.url_for("/feed.xml")])
        assert w.poll(w.sources[0]).stored == 2
        assert "gzip" in httpserver.log[0][0].headers["Accept-Encoding"]


@pytest.mark.parametrize("case", ["html", "oversized", "bomb", "malformed", "not a feed"])
def test_a_bad_body_is_that_sources_error(httpserver, tmp_path, case):
    good = _feed_of(story_items()[:2], httpserver.url_for(""))
    bad = {
        "html": (b"<html><body>hello</body></html>", "text/html", {}, "wrong content type text/html"),
        "oversized": (good.encode() + b"<!--" + b"x" * 300_000 + b"-->", "application/rss+xml", {}, "over the"),
        "bomb": (gzip.compress(b" " * 5_000_000), "application/rss+xml", {"Content-Encoding": "gzip"}, "over the"),
        "malformed": (good[:-40].encode(), "application/rss+xml", {}, "malformed feed"),
        "not a feed": (b"<?xml version='1.0'?><html><p>no</p></html>", "text/xml", {}, "not a feed"),
    }[case]
    httpserver.expect_request("/bad.xml").respond_with_data(bad[0], content_type=bad[1], headers=bad[2])
    httpserver.expect_request("/good.xml").respond_with_data(good, content_type="application/rss+xml")
    with Store(tmp_path / "w.db") as store:
        w = _watcher(store, [httpserver.url_for("/bad.xml"), httpserver.url_for("/good.xml")], max_body_mb=0.25)
        results = w.run(once=True, on_poll=None) and [store.source_state(s.name) for s in w.sources]
        assert results[0].status == "error" and bad[3] in results[0].error and results[0].failures == 1
        assert results[1].status == "ok" and results[1].stored == 2  # the next source is polled as usual
        assert store.article_count() == 2


def test_a_redirect_loop_and_refused_schemes_are_errors_not_crashes(httpserver, tmp_path):
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=301, headers={"Location": "/a"})
    httpserver.expect_request("/c").respond_with_data("", status=302, headers={"Location": "ftp://127.0.0.1/x"})
    targets = [httpserver.url_for("/a"), "ftp://127.0.0.1/feed", "file:///etc/passwd", httpserver.url_for("/c")]
    with Store(tmp_path / "w.db") as store:
        w = _watcher(store, targets)
        errors = [w.poll(s).error or "" for s in w.sources]
    assert "redirect loop" in errors[0] and errors[0].count("->") == 2
    assert "ftp: is not fetched, only http and https" in errors[1]
    assert "file: is not fetched" in errors[2] and "ftp: is not fetched" in errors[3]
    assert len(httpserver.log) == 3  # /a, /b and /c; nothing else was requested


def test_a_summary_only_entry_gets_its_page_fetched_and_cleaned(httpserver, tmp_path):
    g, ev, title, body = story_items()[0]
    link = httpserver.url_for(f"/a/{g}")
    feed = rss([item(g, title, "Two killed in quake.", link=link, pub=DATES[ev], summary_only=True)])
    httpserver.expect_request("/feed.xml").respond_with_data(feed, content_type="application/rss+xml")
    httpserver.expect_request(f"/a/{g}").respond_with_data(page(title, body), content_type="text/html; charset=utf-8")
    with Store(tmp_path / "w.db") as store:
        w = _watcher(store, [httpserver.url_for("/feed.xml")])
        assert w.poll(w.sources[0]).stored == 1 and w.poll(w.sources[0]).new == 0
        (article,) = list(store.iter_articles())
    assert "Malham" in article.text and "All rights reserved" not in article.text and "Sport" not in article.text
    assert article.format == "html" and article.url == link
    assert [r.path for r, _ in httpserver.log].count(f"/a/{g}") == 1  # fetched once, not at every poll


def test_a_restart_resumes_from_the_stored_state_and_reads_nothing_twice(httpserver, tmp_path):
    body = _feed_of(story_items(), httpserver.url_for(""))
    httpserver.expect_request("/feed.xml").respond_with_data(body, content_type="application/rss+xml")
    with Store(tmp_path / "w.db") as store:
        w = _watcher(store, [httpserver.url_for("/feed.xml")])
        assert w.poll(w.sources[0]).stored == len(story_items())
    with Store(tmp_path / "w.db") as store:
        w = _watcher(store, [httpserver.url_for("/feed.xml")])
        assert w.due() == []  # its next poll is an interval away
        r = w.poll(w.sources[0])
        assert (r.entries, r.new, r.stored) == (len(story_items()), 0, 0)
        assert store.article_count() == len(story_items()) and store.source_state(w.sources[0].name).polls == 2


def test_json_feed_and_news_sitemap(httpserver, tmp_path):
    reports = story_items()
    jf = {"version": "https://jsonfeed.org/version/1.1", "title": "J", "home_page_url": "https://j.example.org/",
          "items": [{"id": g, "title": t, "content_text": b, "date_published": "2023-03-14T08:00:00Z"}
                    for g, ev, t, b in reports[:2]] + [{"id": "empty", "title": "nothing"}, "junk"]}
    urls = "".join(
        f"<url><loc>{httpserver.url_for(f'/p/{g}')}</loc><news:news><news:publication><news:name>X</news:name>"
        f"<news:language>en</news:language></news:publication><news:publication_date>2022-09-08</news:publication_date>"
        f"<news:title>{t}</news:title></news:news></url>" for g, ev, t, b in reports[3:5])
    sitemap = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
               f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}'
               f'<url><loc>{httpserver.url_for("/p/missing")}</loc><lastmod>2022-09-08</lastmod></url></urlset>')
    httpserver.expect_request("/feed.json").respond_with_json(jf)
    httpserver.expect_request("/sitemap.xml").respond_with_data(sitemap, content_type="application/xml")
    for g, _ev, t, b in reports[3:5]:
        httpserver.expect_request(f"/p/{g}").respond_with_data(page(t, b), content_type="text/html")
    httpserver.expect_request("/p/missing").respond_with_data("gone", status=404)
    with Store(tmp_path / "w.db") as store:
        w = _watcher(store, [httpserver.url_for("/feed.json"), httpserver.url_for("/sitemap.xml")])
        jr, sr = (w.poll(s) for s in w.sources)
        assert (jr.entries, jr.stored, jr.rejected) == (4, 2, 2)
        assert (sr.entries, sr.stored, sr.rejected) == (3, 2, 1)
        reasons = {r.reason for r in store.rejections()}
        assert any("HTTP 404" in r for r in reasons) and any("not an object" in r for r in reasons)
        assert all(w.poll(s).new == 0 for s in w.sources)  # rejected entries are settled too
        stored = {a.url or a.id: a for a in store.iter_articles()}
    assert stored[httpserver.url_for(f"/p/{reports[3][0]}")].lang == "en"


def test_the_page_budget_leaves_entries_for_the_next_poll(httpserver, tmp_path):
    reports = story_items()
    base = httpserver.url_for("")
    feed = rss([item(g, t, "Short.", link=f"{base}a/{g}", pub=DATES[ev], summary_only=True)
                for g, ev, t, b in reports])
    httpserver.expect_request("/feed.xml").respond_with_data(feed, content_type="application/rss+xml",
                                                             headers={"ETag": '"same"'})
    for g, _ev, t, b in reports:
        httpserver.expect_request(f"/a/{g}").respond_with_data(page(t, b), content_type="text/html")
    with Store(tmp_path / "w.db") as store:
        w = _watcher(store, [httpserver.url_for("/feed.xml")], max_pages=3)
        first = w.poll(w.sources[0])
        assert (first.stored, first.pending) == (3, len(reports) - 3)
        assert store.source_state(w.sources[0].name).etag is None  # so the next poll is not a 304
        while w.poll(w.sources[0]).pending:
            pass
        assert store.article_count() == len(reports)
    assert len(httpserver.log) == len(reports) + 3  # each page once, and the feed at each of three polls


def test_an_inbox_folder_reads_each_new_file_once(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    reports = story_items()
    (inbox / "a.txt").write_text(f"{reports[0][2]}\n{reports[0][3]}\n", encoding="utf-8")
    (inbox / "README.md").write_text("# not an article\n", encoding="utf-8")
    with Store(tmp_path / "w.db") as store:
        w = _watcher(store, [str(inbox)], settle=0)
        first = w.poll(w.sources[0])
        assert (first.new, first.stored, first.skipped) == (2, 1, 1)
        (inbox / "b.txt").write_text(f"{reports[3][2]}\n{reports[3][3]}\n", encoding="utf-8")
        (inbox / "empty.txt").write_bytes(b"")
        second = w.poll(w.sources[0])
        assert (second.entries, second.new, second.stored, second.rejected) == (4, 2, 1, 1)
        third = w.poll(w.sources[0])
        assert (third.new, third.stored) == (0, 0) and store.article_count() == 2
        assert {a.id for a in store.iter_articles()} == {"a", "b"}


def test_an_inbox_waits_for_a_file_to_settle(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    g, ev, t, b = story_items()[0]
    (inbox / "new.txt").write_text(f"{t}\n{b}\n", encoding="utf-8")
    with Store(tmp_path / "w.db") as store:
        w = _watcher(store, [str(inbox)], settle=3600)
        r = w.poll(w.sources[0])
        assert (r.pending, r.new, store.article_count()) == (1, 0, 0)
