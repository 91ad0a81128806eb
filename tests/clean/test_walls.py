# ruff: noqa: E501  (page texts read better unbroken)
"""Wall pages (bot checks, consent, ad-blocker and login walls) are rejected; wall sentences in an
article are cut and explained; reporting *about* robots, cookies or ad blockers is left alone.

Every page here was written for these tests; none is copied from a real site.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from babelwire.clean import Cleaner
from babelwire.clean._walls import MIN_ARTICLE_LETTERS, WALL_KINDS, cut_walls
from babelwire.errors import RejectedInput
from babelwire.model import RawDocument
from babelwire.pipeline import Pipeline

READ_AT = datetime(2022, 2, 3, 9, 0)


def raw(text: str, *, id: str = "d1", source: str = "site", **kw) -> RawDocument:
    return RawDocument(id=id, source=source, origin=f"test/{id}", format="text", read_at=READ_AT, text=text, **kw)


BOT_EN = """Northfield Gazette
Checking your browser before accessing northfield-gazette.example.
Our systems have detected unusual traffic from your computer network.
Please confirm that you are not a robot by ticking the box below.
This check is automatic and takes a few seconds.
Ray ID: 7a1b2c3d4e
"""

BOT_PL = """Kurier Nadwiślański
Wykryliśmy zbyt dużą ilość połączeń z adresu IP, z którego korzystasz.
Aby kontynuować, zaznacz pole „Nie jestem robotem”.
Jeśli problem się powtarza, skontaktuj się z administratorem serwisu.
"""

# A headline the scraper caught, then only the consent banner.
COOKIE_DE = """Stadtrat beschließt neuen Haushalt nach langer Nacht
Wir und unsere Partner setzen auf unserer Website Cookies und ähnliche Technologien ein.
Mit einem Klick auf „Alle akzeptieren“ stimmen Sie der Verwendung von Cookies zu.
Weitere Informationen finden Sie in unserer Datenschutzerklärung.
Alle akzeptieren
Einstellungen
"""

ADBLOCK = """The Harbour Times
It looks like you are using an ad blocker.
Advertising helps us keep our journalism free for everyone.
Please disable your ad blocker or add our site to your whitelist, then reload the page.
"""

LOGIN = """Valley Ledger
This story is for registered readers.
Please log in to continue reading this article.
Don't have an account? Register for free in under a minute.
Username
Password
"""

ADBLOCK_PL = """Gazeta Nadrzeczna
Wyłącz AdBlocka
Aby czytać nasze artykuły, wyłącz AdBlocka lub dodaj wyjątek dla naszej domeny.
"""

PAYWALL_ES = """Diario de la Ribera
El Gobierno regional aprueba el plan de regadío
Este contenido es exclusivo para suscriptores.
Suscríbase desde 1 euro el primer mes y lea sin límites.
"""


@pytest.mark.parametrize(
    ("page", "kind"),
    [
        (BOT_EN, "bot check"),
        (BOT_PL, "bot check"),
        (COOKIE_DE, "cookie consent"),
        (ADBLOCK, "ad-blocker wall"),
        (LOGIN, "login wall"),
        (PAYWALL_ES, "paywall"),
        (ADBLOCK_PL, "ad-blocker wall"),
    ],
    ids=["bot-en", "bot-pl", "cookie-de", "adblock-en", "login-en", "paywall-es", "adblock-pl"],
)
def test_wall_page_is_rejected_with_its_kind(page: str, kind: str) -> None:
    assert kind in WALL_KINDS
    with pytest.raises(RejectedInput) as exc:
        Cleaner().clean(raw(page))
    assert str(exc.value) == f"blocked page ({kind}), not an article"


def test_declared_title_does_not_save_a_wall_page() -> None:
    with pytest.raises(RejectedInput, match=r"blocked page \(bot check\)"):
        Cleaner().clean(raw(BOT_EN, title="Council approves budget after long night"))


def test_wall_page_as_html_is_rejected() -> None:
    html = (
        "<html><head><title>Northfield Gazette</title></head><body>"
        "<h1>Just a moment</h1>"
        "<p>Our systems have detected unusual traffic from your computer network.</p>"
        "<p>Please confirm that you are not a robot by ticking the box below.</p>"
        "</body></html>"
    )
    doc = RawDocument(id="h1", source="site", origin="test/h1", format="html", read_at=READ_AT, html=html)
    with pytest.raises(RejectedInput, match=r"^blocked page \(bot check\), not an article$"):
        Cleaner().clean(doc)


BODY = [
    "The city council approved the new budget on Monday after a long debate that lasted well into the night, according to officials.",
    "The plan raises spending on public transport and schools, while cutting the cost of administration by almost a tenth over two years.",
    "Opposition members said the numbers did not add up and promised to challenge the vote in court before the summer.",
]
JS = "Please enable JavaScript to view the comments."


@pytest.mark.parametrize(
    "page",
    [
        # the notice on a line of its own, after the article
        "Council approves budget after long night\n" + "\n".join(BODY) + f"\n{JS}\n",
        # the notice glued to the last paragraph by the scraper
        "Council approves budget after long night\n" + "\n".join(BODY[:2]) + f"\n{BODY[2]} {JS}\n",
        # the notice inside the body, between two paragraphs
        "Council approves budget after long night\n" + "\n".join(BODY[:2]) + f"\n{JS}\n{BODY[2]}\n",
    ],
    ids=["own-line", "glued", "between"],
)
def test_javascript_notice_is_cut_from_an_article(page: str) -> None:
    article = Cleaner().clean(raw(page))
    assert article.text == "\n".join(BODY)
    assert "JavaScript" not in article.text
    notices = [r for r in article.removed if r.reason.endswith(" notice")]
    assert [(r.line, r.reason) for r in notices] == [(JS, "JavaScript required notice")]


def test_cookie_notice_inside_a_long_article_is_cut_not_rejected() -> None:
    notice = "This website uses cookies to remember your settings."
    text, cuts, wall = cut_walls("\n".join([BODY[0], notice, BODY[1], BODY[2]]))
    assert text == "\n".join(BODY)
    assert cuts == [(notice, "cookie consent")] and wall is None


@pytest.mark.parametrize(
    "notice",
    [
        "It looks like you're using an ad blocker.",
        "Please disable AdBlock, uBlock Origin or any other blocker and reload the page.",
        "Turn off your ad-blocker to keep reading.",
        "Ad blocker detected.",
    ],
)
def test_ad_blocker_notices_in_an_article(notice: str) -> None:
    text, cuts, wall = cut_walls(f"{BODY[0]} {notice} {BODY[1]}")
    assert text == f"{BODY[0]} {BODY[1]}"
    assert cuts == [(notice, "ad-blocker wall")] and wall is None


def test_cut_walls_leaves_text_without_walls_identical() -> None:
    text = "\n".join(BODY)
    assert cut_walls(text) == (text, [], None)


def test_wall_sentences_spread_to_short_wall_worded_neighbours() -> None:
    text, cuts, wall = cut_walls(LOGIN)
    # "This story is for registered readers." names no wall phrase itself, but is a short sentence
    # with a wall word ("regist...") next to one; the page's name, with no wall word, stays.
    assert ("This story is for registered readers.", "login wall") in cuts
    assert ("Please log in to continue reading this article.", "login wall") in cuts
    assert text.startswith("Valley Ledger\n") and wall == "login wall"


def test_too_little_left_is_a_wall_enough_left_is_not() -> None:
    notice = "Please log in to continue reading this article."
    short = "The council met on Monday."
    assert cut_walls(f"{short} {notice}")[2] == "login wall"
    long_enough = " ".join(BODY)
    assert len([c for c in long_enough if c.isalpha()]) >= MIN_ARTICLE_LETTERS
    assert cut_walls(f"{long_enough} {notice}") == (long_enough, [(notice, "login wall")], None)


def test_headline_glued_to_a_wall_sentence_goes_with_it() -> None:
    # The documented limit: with no stop between them, headline and notice are one sentence.
    glued = "Council approves budget This site uses cookies to improve your experience."
    text, cuts, _ = cut_walls(glued + "\n" + "\n".join(BODY))
    assert text == "\n".join(BODY)
    assert cuts == [(glued, "cookie consent")]


NEWS_ROBOTS = [
    "Killer robots top the agenda as diplomats meet in Geneva",
    "Diplomats from more than 70 countries met in Geneva on Tuesday to discuss a treaty banning so-called killer robots, weapons that select and attack targets without human control.",
    "Campaigners said autonomous drones had already been used in two conflicts, and urged governments to agree on rules before the end of next year.",
    "A spokesman for the foreign ministry said the country was not a robot superpower and would back limits on fully autonomous weapons.",
]
# The line classifier has its own rule that takes lines of up to 40 words mentioning cookies as
# site furniture (clean/_ui.py); the cookie paragraph here is longer, so only the walls are tested.
NEWS_COOKIES = [
    "Scout troops report record season despite higher prices",
    "Cookie sales by the scouts rose by 12 percent this spring, even though a box now costs a dollar more than last year, the organisation said on Monday, adding that the mint flavour sold out in most states by the middle of March and that two bakeries ran extra shifts to keep up.",
    "Bakers who supply the troops said demand was so strong that two factories ran extra shifts through March.",
    "Local troop leaders said many buyers ordered online for the first time, and that deliveries to rural areas took up to three weeks.",
]
NEWS_ADBLOCK = [
    "Publishers sue maker of popular ad blocker",
    "A group of European newspaper publishers filed a lawsuit in Cologne on Wednesday against the company behind a widely used ad blocker, claiming lost revenue.",
    "The publishers say the ad blocker strips paid placements from their pages while letting some advertisers pay to be shown, a practice they call unfair.",
    "About 40 percent of German internet users now run an ad blocker, according to an industry survey published in March.",
    "The company said that millions of users chose to install the extension, and that the courts had rejected similar claims four times since 2015.",
]


@pytest.mark.parametrize("news", [NEWS_ROBOTS, NEWS_COOKIES, NEWS_ADBLOCK], ids=["robots", "cookies", "adblock"])
def test_reporting_about_robots_cookies_and_ad_blockers_is_not_a_wall(news: list[str]) -> None:
    title, body = news[0], "\n".join(news[1:])
    assert cut_walls(body) == (body, [], None)
    article = Cleaner().clean(raw("\n".join(news) + "\n"))
    assert article.text == body and article.title == title
    assert not [r for r in article.removed if r.reason.endswith(" notice")]


def test_pipeline_records_a_wall_page_as_a_rejection(db_path: str, open_store) -> None:
    p = Pipeline(open_store(db_path), encoder="fake")
    good = raw("Council approves budget after long night\n" + "\n".join(BODY) + "\n", id="budget")
    report = p.ingest_documents([raw(COOKIE_DE, id="wall"), good])
    assert report.stored == ["budget"]
    assert [(r.id, r.reason) for r in report.rejected] == [("wall", "blocked page (cookie consent), not an article")]
    stored = p.store.rejections()
    assert [(r.id, r.reason) for r in stored] == [("wall", "blocked page (cookie consent), not an article")]
    assert not p.store.has_article("wall")


def test_short_brief_longer_than_its_cookie_notice_is_kept() -> None:
    brief = ("Harbour closed after fuel spill\n"
             "The port authority closed the northern harbour on Friday after a tanker spilled diesel near pier 4.\n"
             "This site uses cookies.\n")
    article = Cleaner().clean(raw(brief))
    assert "tanker spilled diesel" in article.text
    assert "cookies" not in article.text
