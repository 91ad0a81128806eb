"""Server-rendered pages through the in-process ASGI client."""

from __future__ import annotations

import re

from click.testing import CliRunner

from babelwire.cli import cli
from babelwire.store import Store


def _section(html: str, marker: str) -> str:
    return html[html.index(marker):]


def test_front_page_lists_stories_with_counts_and_filters(corpus_client):
    html = corpus_client.get("/").text
    assert html.count('class="story-card"') == 3
    assert "3 articles" in html and "3 independent sources" in html and "3 languages" in html
    assert 'option value="bg"' in html  # language filter from the store's facets
    filtered = corpus_client.get("/", params={"lang": "fr"}).text
    assert filtered.count('class="story-card"') == 1 and "EZB" in filtered


def test_story_page_of_the_seeds_groups_by_language_with_dates(seeds_dir, db_path, make_client):
    CliRunner().invoke(cli, ["ingest", str(seeds_dir), "--db", db_path, "-q"], catch_exceptions=False)
    with Store(db_path) as store:
        (story,) = store.stories()
        # The interim cleaner finds no dates in these texts; give them the seeds' publication dates.
        store.db.execute("UPDATE articles SET published = '2022-02-01T18:02:00' WHERE id = '000_bg'")
        store.db.execute("UPDATE articles SET published = '2022-02-02T10:02:00' WHERE id = '002_az'")
    html = make_client().get(f"/stories/{story['id']}").text
    groups = {g.split('"', 1)[0]: g for g in _section(html, "By language").split('id="lang-')[1:]}
    assert set(groups) == {"bg", "az"}
    assert "/articles/000_bg" in groups["bg"] and "2022-02-01 18:02" in groups["bg"]
    assert "/articles/002_az" in groups["az"] and "2022-02-02 10:02" in groups["az"]
    timeline = html[html.index("Timeline"):html.index("By language")]
    assert timeline.index("2022-02-01") < timeline.index("2022-02-02")
    assert "Key names" in html and "Blinken" in html


def test_copies_collapse_under_their_original(corpus_client, db_path):
    with Store(db_path) as store:
        m = store.membership("call-ru")
        store.assign("call-ru", m["story_id"], score=m["score"], evidence={**m["evidence"], "copy_of": "call-bg"})
        sid = m["story_id"]
    html = corpus_client.get(f"/stories/{sid}").text
    groups = _section(html, "By language")
    details = groups[groups.index("<details"):groups.index("</details>")]
    assert "/articles/call-ru" in details and "1 copy of this article" in details
    assert 'id="lang-ru"' not in groups  # the copy sits under its original's language
    assert "2 independent sources" in html


def test_article_page_shows_text_removed_lines_and_evidence(corpus_client, db_path):
    with Store(db_path) as store:
        store.db.execute("""UPDATE articles SET removed = '[{"line": "Subscribe now!", "reason": "repeated on 9 of 10 pages"}]'
                            WHERE id = 'flood-en'""")
    html = corpus_client.get("/articles/flood-en").text
    assert "Torrential rain flooded Valencia" in html
    removed = _section(html, "Removed as boilerplate")
    assert 'class="removed-line"' in removed and "Subscribe now!" in removed and "repeated on 9 of 10 pages" in removed
    assert "Why it is in this story" in html and "pair-scorer" in html
    assert 'href="https://en.example.com/spain-floods"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_search_page_shows_stories_and_articles(corpus_client):
    html = corpus_client.get("/search", params={"q": "Блинкен Лавров телефон"}).text
    stories = html[html.index("results-stories"):html.index("results-articles")]
    first = re.search(r'href="/stories/(\w+)"', stories).group(1)
    assert "/articles/call-" in html and "<mark>" in html
    assert corpus_client.get(f"/api/stories/{first}").json()["languages"] == ["az", "bg", "ru"]
    assert "Search" in corpus_client.get("/search").text  # empty query: just the form


def test_unknown_pages_render_the_error_page(client):
    r = client.get("/stories/nope")
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]
    assert "no story with id" in r.text


def test_ingest_form(client):
    page = client.get("/ingest").text
    assert 'enctype="multipart/form-data"' in page and 'name="token"' in page
    text = "Flood title\nTorrential rain flooded Valencia on Thursday."
    r = client.post("/ingest", data={"text": text, "token": "wrong"})
    assert r.status_code == 401 and "wrong token" in r.text and "Torrential rain" in r.text  # the paste is kept
    r = client.post("/ingest", data={"text": text, "token": "test-write-token"},
                    files=[("file", ("b.txt", b"Budget title\nParliament approved the budget.", "text/plain"))])
    assert r.status_code == 201 and r.text.count('class="status-stored"') == 2
    assert client.get("/api/stories").json()


def test_untrusted_content_is_escaped(client, hostile, headers):
    r = client.post("/api/articles", json=hostile, headers=headers)
    assert r.status_code == 201, r.text
    sid = r.json()["results"][0]["story"]["id"]
    for url in ("/", f"/stories/{sid}", "/articles/hostile", "/search?q=Blinken+Lavrov"):
        html = client.get(url).text
        assert "<script>" not in html, url
        assert "onerror=" not in html.replace("onerror=&#34;", "").replace("onerror=&quot;", ""), url
        assert 'href="javascript:' not in html, url
        assert "&lt;script&gt;" in html, url
