"""End to end in a real headless Chromium (Debian's, driven by Playwright): browse, search, and no XSS."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or `make browser`)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(app):
    """Yield the address of a real uvicorn server running ``app`` on a free port, then stop it."""
    import uvicorn

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real server over a fresh store, with the fake encoder."""
    from babelwire.web import create_app

    yield from _serve(create_app(str(tmp_path_factory.mktemp("web") / "browser.db"), encoder="fake",
                                 token="browser-token"))


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def _post(server: str, records) -> dict:
    r = httpx.post(f"{server}/api/articles", json=records, headers={"Authorization": "Bearer browser-token"})
    assert r.status_code in (200, 201), r.text
    return r.json()


def test_browse_a_story_and_find_it_from_another_language(server, page, corpus, events):
    _post(server, corpus)
    page.goto(server + "/")
    cards = page.locator(".story-card")
    assert cards.count() == 3
    page.get_by_role("link", name="Inundaciones en Valencia obligan a evacuar a miles").click()
    page.wait_for_url("**/stories/*")
    story_url = page.url
    assert page.locator("h1").inner_text() == "Inundaciones en Valencia obligan a evacuar a miles"
    assert page.locator("#lang-es").get_by_text("Inundaciones en Valencia").count() == 1
    assert page.locator("#lang-en").get_by_text("Floods in Valencia").count() == 1
    assert "2022-03-10" in page.locator(".timeline").inner_text()

    # Search in German, a language none of the story's articles is in.
    box = page.get_by_role("searchbox", name="Search")
    box.fill("Überschwemmung Valencia Alzira")
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    first = page.locator(".results-stories .story-card a.headline").first
    assert first.inner_text() == "Inundaciones en Valencia obligan a evacuar a miles"
    first.click()
    page.wait_for_url(story_url)

    # And the ingest form, as a person would use it.
    page.goto(server + "/ingest")
    page.get_by_label("Text").fill("Lagarde hält Kurs\nChristine Lagarde sagte in Frankfurt, die EZB bleibe bei null Prozent.")
    page.get_by_label("Write token").fill("browser-token")
    page.get_by_role("button", name="Ingest").click()
    assert "1 stored" in page.locator(".outcome").inner_text()
    page.locator(".outcome").get_by_role("link", name="Lagarde hält Kurs").click()
    page.wait_for_url("**/articles/web-*")
    assert "Christine Lagarde" in page.locator("section.text").inner_text()


def test_hostile_content_never_runs(server, page, hostile):
    # the charts babelwire draws (svg.chart) are its own; any other svg, img or b in a page came from content
    result = _post(server, hostile)["results"][0]
    fired: list[str] = []
    page.on("dialog", lambda d: (fired.append(d.message), d.dismiss()))
    sid = result["story"]["id"]
    for path in ("/", f"/stories/{sid}", "/articles/hostile", "/search?q=Blinken+Lavrov+telefon"):
        page.goto(server + path)
        page.wait_for_load_state("load")
        page.mouse.move(200, 200)
        found = page.evaluate(
            """() => ({
                pwned: window.__pwned === undefined ? null : String(window.__pwned),
                scripts: document.querySelectorAll('script').length,
                handlers: document.querySelectorAll('[onerror],[onload],[onmouseover],[onclick]').length,
                jsLinks: [...document.querySelectorAll('a[href]')].filter(a => a.href.trim().toLowerCase().startsWith('javascript:')).length,
                injected: document.querySelectorAll('main img, main svg:not(.chart), main svg.chart svg, main b').length,
            })"""
        )
        assert found == {"pwned": None, "scripts": 0, "handlers": 0, "jsLinks": 0, "injected": 0}, path
    # On the article page the markup shows as text, exactly as scraped.
    page.goto(server + "/articles/hostile")
    assert page.locator("h1").inner_text().startswith("<script>window.__pwned = 'title'</script>Blinken <img")
    assert "<a href=\"javascript:window.__pwned='link'\">more</a>" in page.locator("main").inner_text()
    page.get_by_text("javascript:window.__pwned='url'").click()
    assert page.evaluate("window.__pwned === undefined") and fired == []



EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def examples_server(tmp_path_factory):
    """The bundled examples/ corpus ingested through the pipeline (fake encoder), served by uvicorn."""
    from babelwire.pipeline import Pipeline
    from babelwire.store import Store
    from babelwire.web import create_app

    db = str(tmp_path_factory.mktemp("examples") / "examples.db")
    store = Store(db)
    report = Pipeline(store, encoder="fake").ingest([EXAMPLES])
    store.close()
    assert len(report.stored) >= 40
    yield from _serve(create_app(db, encoder="fake", token="browser-token"))


def test_examples_front_page_story_and_search_in_another_language(examples_server, page):
    page.goto(examples_server + "/")
    assert page.locator(".story-card").count() >= 10
    # Search in German (the transfer story has en, es, tr and ar reports, no German one).
    box = page.get_by_role("searchbox", name="Search")
    box.fill("Medina Galatasaray Wechsel")
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    page.locator(".results-stories .story-card a.headline").first.click()
    page.wait_for_url("**/stories/*")
    text = page.locator("main").inner_text()
    assert "Galatasaray" in text
    langs = [lang for lang in ("en", "es", "tr") if page.locator(f"#lang-{lang}").count()]
    assert len(langs) >= 2, langs
    assert "2023-08-30" in page.locator(".timeline").inner_text()


def test_links_with_url_ids_work_in_the_browser(server, page):
    """Articles whose ids are URLs with ? # % and non-Latin text: click through story and article pages."""
    ids = ["https://example.org/news/2024/05/flood?id=7#top", "киев 100%/ новости"]
    records = [{"id": aid, "lang": "en", "published": "2024-05-20", "url": "https://example.org/flood",
                "title": f"Hailstorm batters Zaragoza orchards, report {n}",
                "text": f"A hailstorm battered the orchards of Zaragoza on Monday, report {n}.\n"
                        "Farmers in Zaragoza counted the damage to the peach harvest."} for n, aid in enumerate(ids)]
    result = _post(server, records)
    story = result["results"][0]["story"]["id"]
    page.goto(server + "/")
    page.get_by_role("link", name="Hailstorm batters Zaragoza orchards, report 0").first.click()
    page.wait_for_url(f"**/stories/{story}")
    for n, aid in enumerate(ids):
        page.get_by_role("link", name=f"Hailstorm batters Zaragoza orchards, report {n}").first.click()
        page.wait_for_url("**/articles/~*")
        assert page.locator("h1").inner_text() == f"Hailstorm batters Zaragoza orchards, report {n}"
        assert aid in page.content()
        api = page.locator(".api-link a")
        api.click()
        page.wait_for_url("**/api/articles/~*")
        assert json.loads(page.locator("pre").first.inner_text())["id"] == aid
        page.go_back()
        page.locator(".crumbs a").nth(1).click()
        page.wait_for_url(f"**/stories/{story}")
