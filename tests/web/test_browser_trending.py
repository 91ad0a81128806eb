"""In a real headless Chromium: /trending draws a chart per story, the story page its timeline with a legend."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_browser import CHROMIUM, CHROMIUM_ARGS, _serve, playwright_api
from .test_trending_web import _at, _demo

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    from babelwire.web import create_app

    mod = _demo()
    db = tmp_path_factory.mktemp("trend-web") / "demo.db"
    mod.build_demo(db)
    for address in _serve(create_app(str(db), encoder="fake", token="t")):
        yield mod, address


@pytest.fixture(scope="module")
def chromium():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def tab(chromium):
    context = chromium.new_context(viewport={"width": 1100, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def test_trending_page_shows_its_charts(demo_server, tab, tmp_path: Path):
    mod, base = demo_server
    tab.goto(f"{base}/trending?at={_at(mod)}")
    chart = tab.locator("li.trend-card svg.sparkline").first
    chart.wait_for(state="visible")
    box = chart.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 20
    assert tab.locator("li.trend-card svg.sparkline rect.bar.window").count() >= 3
    assert tab.locator("li.trend-card").count() == 1
    assert "9 independent sources" in tab.locator("li.trend-card .why").inner_text()
    tab.screenshot(path=str(tmp_path / "trending.png"), full_page=True)
    assert (tmp_path / "trending.png").stat().st_size > 5_000


def test_story_page_shows_its_timeline_with_bars_and_legend(demo_server, tab, tmp_path: Path):
    mod, base = demo_server
    tab.goto(f"{base}/stories/{mod.QUAKE_ID}")
    chart = tab.locator("figure.story-chart svg")
    chart.wait_for(state="visible")
    assert tab.locator("figure.story-chart rect.bar.original").count() >= 8
    assert tab.locator("figure.story-chart rect.bar.copy").count() >= 2
    legend = tab.locator("figure.story-chart g.legend")
    assert legend.is_visible()
    names = legend.locator("text").all_text_contents()
    assert {"Turkish", "Arabic", "copy (hatched)", "first report"} <= set(names)
    assert tab.locator("figure.story-chart g.first").is_visible()
    assert chart.get_attribute("role") == "img" and tab.locator("figure.story-chart svg > title").count() == 1
    tab.locator("figure.story-chart").screenshot(path=str(tmp_path / "story-timeline.png"))
    assert (tmp_path / "story-timeline.png").stat().st_size > 3_000
