"""GET /api/trending and the /trending page over the in-process ASGI client; the story page's timeline chart."""

from __future__ import annotations

import importlib.util
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .conftest import ASGIClient

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


def _demo():
    spec = importlib.util.spec_from_file_location("trending_screenshots", ROOT / "scripts" / "trending_screenshots.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture
def demo(db_path, make_client):
    mod = _demo()
    mod.build_demo(db_path)
    return mod, make_client()


def _at(mod) -> str:
    return mod.AT.isoformat(timespec="minutes").replace("+00:00", "Z")


def test_api_trending_ranks_the_burst_and_says_why(demo):
    mod, client = demo
    r = client.get(f"/api/trending?at={_at(mod)}")
    assert r.status_code == 200, r.text
    data = r.json()
    assert [s["story_id"] for s in data["stories"]] == [mod.QUAKE_ID]  # the steady ones and the wire do not
    top = data["stories"][0]
    assert top["sources"] == 9 and top["copies"] == 4 and "ar" in top["languages"] and "9 independent" in top["why"]
    assert data["at"] == "2024-05-04T13:00:00Z" and data["hours"] == 6 and data["time_axis"]
    r = client.get(f"/api/trending?at={_at(mod)}&lang=tr")  # two Turkish outlets: under the three it takes
    assert r.json()["lang"] == "tr" and r.json()["stories"] == []


@pytest.mark.parametrize("query, where", [("hours=0", "hours"), ("hours=1000", "hours"), ("limit=0", "limit"),
                                          ("at=tomorrow", "at"), ("hours=six", "hours"), ("at=" + "9" * 80, "at")])
def test_api_trending_validates_its_parameters(client: ASGIClient, query, where):
    r = client.get(f"/api/trending?{query}")
    assert r.status_code == 422
    body = r.json()
    assert set(body) == {"error"} and body["error"]["code"] == "invalid_request"
    assert body["error"]["message"].startswith(where)


def test_api_trending_on_an_empty_store(client):
    r = client.get("/api/trending")
    assert r.status_code == 200 and r.json()["stories"] == []


def test_trending_page_draws_a_chart_per_story(demo):
    mod, client = demo
    r = client.get(f"/trending?at={_at(mod)}")
    assert r.status_code == 200 and "Kahramanmaraş" in r.text and "independent sources in the last 6 h" in r.text
    start = r.text.index("<svg")
    svg = ET.fromstring(r.text[start : r.text.index("</svg>", start) + 6])
    assert svg.get("role") == "img" and svg.find(f"{SVG}title") is not None
    assert len([b for b in svg.iter(f"{SVG}rect") if "window" in (b.get("class") or "").split()]) >= 3
    assert 'aria-current="page">Trending' in r.text
    assert client.get("/trending?hours=0").status_code == 422
    empty = client.get("/trending?at=2020-01-01T00:00Z")
    assert empty.status_code == 200 and "Nothing trends" in empty.text


def test_story_page_has_its_timeline_chart(demo):
    mod, client = demo
    r = client.get(f"/stories/{mod.QUAKE_ID}")
    assert r.status_code == 200
    start = r.text.index("<svg")
    svg = ET.fromstring(r.text[start : r.text.index("</svg>", start) + 6])
    bars = [b for b in svg.iter(f"{SVG}rect") if "bar" in (b.get("class") or "").split()]
    assert {b.get("data-lang") for b in bars} == {"tr", "en", "de", "fr", "ru", "ar", "es"}
    assert any("copy" in b.get("class") for b in bars)
    desc = svg.find(f"{SVG}desc").text
    assert "10 original reports and 4 copies" in desc and "by haberhatti.tr" in desc
    assert any(g.get("class") == "legend" for g in svg.iter(f"{SVG}g"))
