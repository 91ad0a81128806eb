"""Ids that are URLs (or hold ``/ ? # %``, spaces, any script) work in every route and every rendered link."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest

from babelwire.pipeline import Pipeline
from babelwire.signals import get_encoder
from babelwire.sources._readers import record_to_document
from babelwire.store import Store
from babelwire.web._ids import id_from_segment, id_path

AWKWARD_IDS = [
    "https://example.org/news/2024/05/flood?id=7&lang=en#top",
    "100% sure / or not",
    "киев: Новости дня",
    "東京 ニュース #1",
    "a?b#c%2Fd e",
    "~looks-like-a-token",
    "ends/with/explain",
]
STORY_ID = "story https://example.org/x?y=1#z 100% Ω"


def _record(i: int, article_id: str) -> dict:
    return {"id": article_id, "lang": "en", "published": f"2024-05-{i + 1:02d}", "url": f"https://e{i}.example/",
            "title": f"Flood in Valencia, report {i}",
            "text": f"Torrential rain flooded Valencia and Alzira, report {i}.\n"
                    "Civil Protection evacuated three thousand residents of Alzira."}


@pytest.fixture
def awkward_client(db_path, make_client):
    """A client over a store holding articles with awkward ids, one of them in a story with an awkward id."""
    docs = [record_to_document(_record(i, aid), origin=f"test:{i}", path=__import__("pathlib").Path("t"),
                               fmt="jsonl", fallback_id=f"x{i}") for i, aid in enumerate(AWKWARD_IDS)]
    with Store(db_path) as store:
        report = Pipeline(store, encoder=get_encoder("fake")).ingest_documents(docs)
        assert sorted(report.stored) == sorted(AWKWARD_IDS)
        with store.transaction():
            store.upsert_story(STORY_ID, "A story whose id is awkward")
            store.assign(AWKWARD_IDS[0], STORY_ID, score=1.0, evidence={"method": "test"})
            store.drop_empty_stories()
    return make_client()


@pytest.mark.parametrize("value", [*AWKWARD_IDS, STORY_ID, "plain-id_1.2", "", "~", "~!!", "x" * 500])
def test_id_path_round_trips_and_is_one_safe_segment(value):
    segment = id_path(value)
    assert re.fullmatch(r"[A-Za-z0-9_.~-]*", segment)
    assert id_from_segment(segment) == value


def test_plain_ids_keep_their_links():
    assert id_path("call-bg") == "call-bg" and id_path("002_0da7f91d79ad1310") == "002_0da7f91d79ad1310"


def _links(html: str, prefix: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="(' + re.escape(prefix) + r'[^"]*)"', html)]


def test_every_route_takes_awkward_ids_encoded_either_way(awkward_client):
    c = awkward_client
    for aid in AWKWARD_IDS:
        for segment in (id_path(aid), quote(aid, safe="")):
            r = c.get(f"/api/articles/{segment}")
            assert r.status_code == 200, (aid, segment, r.text)
            assert r.json()["id"] == aid and r.json()["explanation"]["article_id"] == aid
            r = c.get(f"/api/articles/{segment}/explain")
            assert r.status_code == 200 and r.json()["article_id"] == aid, (aid, segment, r.text)
            page = c.get(f"/articles/{segment}")
            assert page.status_code == 200 and "Flood in Valencia" in page.text, (aid, segment)
    for segment in (id_path(STORY_ID), quote(STORY_ID, safe="")):
        r = c.get(f"/api/stories/{segment}")
        assert r.status_code == 200 and r.json()["id"] == STORY_ID, r.text
        assert c.get(f"/stories/{segment}").status_code == 200


def test_an_id_ending_in_explain_is_not_its_explanation(awkward_client):
    # "ends/with/explain" percent-encoded: its own "%2Fexplain" is part of the id, not the sub-route.
    r = awkward_client.get("/api/articles/" + quote("ends/with/explain", safe=""))
    assert r.status_code == 200 and r.json()["id"] == "ends/with/explain" and "text" in r.json()
    r = awkward_client.get("/api/articles/" + id_path("ends/with/explain") + "/explain")
    assert r.json()["article_id"] == "ends/with/explain" and "text" not in r.json()


def test_every_rendered_link_leads_to_its_page(awkward_client):
    c = awkward_client
    front = c.get("/").text
    story_links = _links(front, "/stories/")
    assert story_links and all("/" not in link[len("/stories/"):] for link in story_links)
    seen_articles: set[str] = set()
    seen_stories: set[str] = set()
    pages = [front, c.get("/search", params={"q": "Valencia flood"}).text]
    for link in story_links + _links(pages[1], "/stories/"):
        r = c.get(link)
        assert r.status_code == 200, link
        seen_stories.add(r.text)
        pages.append(r.text)
    for html in list(pages):
        for link in _links(html, "/articles/"):
            r = c.get(link)
            assert r.status_code == 200, link
            seen_articles.add(link)
            pages.append(r.text)
    for html in pages:  # the article pages' own links: their story, their copy-of, the nearest stories, the JSON
        for link in _links(html, "/stories/") + _links(html, "/api/articles/") + _links(html, "/api/stories/"):
            assert c.get(link).status_code == 200, link
    linked = {id_from_segment(link[len("/articles/"):]) for link in seen_articles}
    assert linked == set(AWKWARD_IDS)


def test_unknown_awkward_ids_are_404_not_500(awkward_client):
    for segment in (id_path("https://nowhere.example/?a#b"), quote("nope/nope", safe=""), "~%%%", "~AAAA"):
        r = awkward_client.get(f"/api/articles/{segment}")
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", (segment, r.text)
        assert awkward_client.get(f"/articles/{segment}").status_code == 404
        assert awkward_client.get(f"/api/stories/{segment}").status_code == 404
