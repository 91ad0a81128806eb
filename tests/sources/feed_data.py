"""Feeds and articles the watch tests serve: two events reported several times, and unrelated singletons."""

from __future__ import annotations

from xml.sax.saxutils import escape

QUAKE = [
    ("A magnitude 6.1 earthquake struck the Shamakhi district of Azerbaijan early on Tuesday, killing two people "
     "and injuring 41, the Emergency Situations Ministry said. The quake damaged more than 300 homes in Shamakhi "
     "and the village of Malham. Rescuers were sent to Shamakhi and tents were set up for 1,100 people."),
    ("Two people died and 41 were injured when a 6.1 magnitude earthquake hit Shamakhi in Azerbaijan on Tuesday. "
     "The Emergency Situations Ministry said over 300 homes were damaged around Shamakhi and Malham, and that "
     "rescuers and tents for 1,100 people had been sent to the Shamakhi district."),
    ("The Shamakhi earthquake of magnitude 6.1 on Tuesday killed two people and injured 41, officials in "
     "Azerbaijan said. More than 300 homes were damaged in Shamakhi and Malham; the Emergency Situations "
     "Ministry sent rescuers to Shamakhi and set up tents for 1,100 people."),
]
RATES = [
    ("The Bank of Lisbon raised its key interest rate by 75 basis points to 9.25 percent on Thursday, its third "
     "increase this year, governor Marta Valente said. Inflation reached 11.4 percent in August. The Bank of "
     "Lisbon said the 9.25 percent rate would hold inflation back by the spring."),
    ("Governor Marta Valente said on Thursday the Bank of Lisbon lifted its key rate 75 basis points to 9.25 "
     "percent, a third rise this year, as inflation hit 11.4 percent in August. The Bank of Lisbon expects the "
     "9.25 percent rate to cool inflation by the spring."),
]
ALONE = [
    ("A botanical garden in Uppsala opened a greenhouse for desert cacti on Saturday, with 480 species from "
     "Mexico and Chile. The garden's director Ingrid Holm said the greenhouse cost 12 million kronor and would "
     "welcome school classes from next week."),
    ("The ferry line between Kiel and Klaipeda will add a third weekly sailing from June, the operator Baltic "
     "Sealink announced on Monday. The new sailing leaves Kiel on Sundays at 21:00 and carries up to 220 lorries "
     "and 600 passengers."),
]
DATES = {"quake": "Tue, 14 Mar 2023 08:00:00 +0000", "rates": "Thu, 08 Sep 2022 12:00:00 +0000",
         "alone-0": "Mon, 06 May 2024 09:00:00 +0000", "alone-1": "Sun, 10 Jan 2021 09:00:00 +0000"}


def item(guid: str, title: str, body: str, *, link: str | None = None, pub: str | None = None,
         summary_only: bool = False) -> str:
    """Return one RSS <item>: full content, or only a <description> when ``summary_only``."""
    parts = [f"<item><guid isPermaLink=\"false\">{escape(guid)}</guid><title>{escape(title)}</title>"]
    if link:
        parts.append(f"<link>{escape(link)}</link>")
    if pub:
        parts.append(f"<pubDate>{pub}</pubDate>")
    if summary_only:
        parts.append(f"<description>{escape(body)}</description>")
    else:
        parts.append(f"<content:encoded><![CDATA[{paragraphs(body)}]]></content:encoded>")
    parts.append("</item>")
    return "".join(parts)


def paragraphs(body: str) -> str:
    """Return ``body`` as HTML, a paragraph per sentence."""
    return "".join(f"<p>{escape(s.strip().rstrip('.'))}.</p>" for s in body.split(". ") if s.strip())


def rss(items: list[str], *, link: str = "https://news.example.com/", lang: str = "en") -> str:
    """Return an RSS 2.0 document holding ``items``."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Example</title>'
            f"<link>{link}</link><language>{lang}</language>{''.join(items)}</channel></rss>")


def story_items() -> list[tuple[str, str, str, str]]:
    """Return (guid, event, title, body) of every report: 3 on the quake, 2 on the rates, 2 alone."""
    out = []
    for i, body in enumerate(QUAKE):
        out.append((f"quake-{i}", "quake", f"Shamakhi earthquake kills two (report {i})", body))
    for i, body in enumerate(RATES):
        out.append((f"rates-{i}", "rates", f"Bank of Lisbon raises rate to 9.25% (report {i})", body))
    for i, body in enumerate(ALONE):
        out.append((f"alone-{i}", f"alone-{i}", body.split(",")[0][:60], body))
    return out


def page(title: str, body: str) -> str:
    """Return an article page: navigation, the article, a footer (the cleaner keeps the article)."""
    return (f"<!doctype html><html><head><title>{escape(title)}</title></head><body>"
            "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
            f"<article><h1>{escape(title)}</h1>{paragraphs(body)}</article>"
            "<footer>© Example News. All rights reserved.</footer></body></html>")
