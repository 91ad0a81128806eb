# ruff: noqa: E501  (fixture sentences and page templates read better unbroken)
"""Write the cleaning test corpus: hand-written articles wrapped in seven site templates.

Run from the repository root: ``python tests/clean/corpus/_build.py``. It rewrites
``docs/`` and ``annotations.json``; the tests and benchmarks read only those files.
The templates copy the *structure* of real scraped pages (counters, related-news lists
with glued timestamps, widgets, repeated titles, aggregator prefixes, cookie banners).
"""

from __future__ import annotations

import html
import json
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)

sys.path.insert(0, str(Path(__file__).parent))
from _content import ARTICLES, MONTHS, SITE_WORDS, WEEKDAYS  # noqa: E402

HERE = Path(__file__).parent
SITES = ["Vesti Plus", "Newsgrid NET", "Daily Courier", "Metro Post", "Kurier 24", "Ekspres"]
TOOLTIP = {
    "bg": (
        "Иван Петров",
        "Петров",
        "Иван Георгиев Петров е български инженер, като от 2015 година е директор на общинското предприятие",
    ),
    "en": (
        "Anna Berg",
        "Berg",
        "Anna Maria Berg is a Swedish engineer, who has been head of the city transport company since 2018",
    ),
}


def fmt_named(lang: str, when: datetime, time: bool = True) -> str:
    """Return a date with the month's name as a site of this language writes it."""
    if lang == "zh":
        text = f"{when.year}年{when.month}月{when.day}日"
        return text + (f" {when:%H:%M}" if time else "")
    month = MONTHS[lang].split()[when.month - 1]
    if lang == "en":
        text = f"{month} {when.day}, {when.year}"
    elif lang == "de":
        text = f"{when.day}. {month} {when.year}"
    elif lang in ("es", "pt"):
        text = f"{when.day} de {month} de {when.year}"
    elif lang == "hr":
        text = f"{when.day}. {month} {when.year}."
    else:
        text = f"{when.day} {month} {when.year}"
    return text + (f" {when:%H:%M}" if time else "")


def weekday(lang: str, when: datetime) -> str:
    return WEEKDAYS[lang].split("|")[when.weekday()]


def glued(lang: str, when: datetime) -> str:
    """Return a related-list timestamp with the time glued to the year, as scrapers leave it."""
    return fmt_named(lang, when, time=False) + f"{when:%H:%M}"


def t1_counters(lang, title, paras, others, when, rng, words):
    """Date and counters on top, related list with glued timestamps and comment widgets after."""
    later = [when + timedelta(hours=rng.randint(2, 40)) for _ in range(6)]
    pre = [
        title,
        "-",
        fmt_named(lang, when),
        f"- {rng.randint(300, 9000)}",
        f"- {rng.randint(0, 9)}",
    ]
    post = [words[9], words[2]]
    for head, stamp in zip(others[:3], later, strict=False):
        post += [head, glued(lang, stamp)]
    post += [f"{words[0]} {rng.randint(1, 9)}", f"{words[1]}", words[3]]
    for head, stamp in zip(others[3:] + others[:2], later[3:], strict=False):
        post += [head, glued(lang, stamp)]
    return "\n".join(pre + paras + post) + "\n", "text"


def t2_aggregator(lang, title, paras, others, when, rng, words):
    """Site name and section word, blank-line paragraphs, the title repeated at the end."""
    lines = [SITES[1], "", words[7], "", title, ""]
    for p in paras:
        lines += [p, ""]
    lines.append(title)
    return "\n".join(lines), "text"


def t3_breadcrumbs(lang, title, paras, others, when, rng, words, date_text):
    """Breadcrumbs, byline with a numeric date, 'read also' inside, tags/share/most read after."""
    site = SITES[2]
    pre = [
        f"{site} › {words[7]}",
        title,
        f"{rng.choice(['A. Novak', 'M. Levi', 'K. Sato'])} | {date_text}",
    ]
    body = list(paras)
    body.insert(2, f"{words[5]}: {others[0]}")
    post = [f"{words[6]}: {others[1].split()[0]}, {others[2].split()[-1]}", words[4], words[3]]
    post += others[:4]
    post.append(f"© {when.year} {site}. All rights reserved.")
    return "\n".join(pre + body + post) + "\n", "text"


def t6_relative(lang, title, paras, others, when, rng, words, rel_text):
    """Site name, title, relative date and a view counter, follow prompt and list after."""
    pre = [SITES[3], title, rel_text, f"👁 {rng.randint(100, 5000)} {words[8]}"]
    post = [words[9], f"{words[0]} (0)", words[2]] + others[:3]
    return "\n".join(pre + paras + post) + "\n", "text"


def _page(title, site, head_extra, body_html):
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(title)} | {site}</title>'
        f"{head_extra}</head><body>\n{body_html}\n</body></html>\n"
    )


def t4_html_meta(lang, title, paras, others, when, rng, words):
    """A full page whose markup declares title and publication time."""
    site = SITES[4]
    head = (
        f'<meta property="og:title" content="{html.escape(title)}">'
        f'<meta property="og:site_name" content="{site}">'
        f'<meta property="article:published_time" content="{when:%Y-%m-%dT%H:%M:%S}+00:00">'
    )
    nav = "".join(f'<li><a href="/s{i}">{html.escape(w)}</a></li>' for i, w in enumerate(words[:4]))
    related = "".join(
        f'<li><a href="/a{i}">{html.escape(h)}</a></li>' for i, h in enumerate(others[:4])
    )
    ps = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras)
    body = (
        f'<header><div class="logo">{site}</div><nav><ul>{nav}</ul></nav></header>\n'
        f"<main><article><h1>{html.escape(title)}</h1>\n"
        f'<div class="share"><a href="#">{html.escape(words[4])}</a></div>\n{ps}\n'
        f'<div class="tags">{html.escape(words[6])}: <a href="/t">{html.escape(words[7])}</a></div>'
        f"</article>\n<aside><h3>{html.escape(words[2])}</h3><ul>{related}</ul></aside></main>\n"
        f'<section id="comments"><h3>{html.escape(words[0])}</h3><p>{html.escape(words[1])}</p></section>\n'
        f"<footer><p>© {when.year} {site}. All rights reserved.</p></footer>"
    )
    return _page(title, site, head, body), "html"


def t5_html_byline(lang, title, paras, others, when, rng, words, date_text):
    """A page with no date in its markup: the date sits in the byline text, before the body."""
    site = SITES[5]
    ps = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras)
    related = "".join(
        f'<li><a href="/r{i}">{html.escape(h)}</a></li>' for i, h in enumerate(others[:3])
    )
    body = (
        f'<div id="cookie-banner"><p>We use cookies to improve your experience on our site.</p></div>\n'
        f'<div class="top"><a href="/">{site}</a> <a href="/sec">{html.escape(words[7])}</a></div>\n'
        f'<div class="post"><h1 class="entry-title">{html.escape(title)}</h1>\n'
        f'<p class="byline">{html.escape(date_text)}</p>\n<div class="entry-content">{ps}</div>\n'
        f'<div class="related"><h4>{html.escape(words[2])}</h4><ul>{related}</ul></div></div>\n'
        f'<div class="footer">{html.escape(words[9])}</div>'
    )
    return _page(title, site, "", body), "html"


def numeric(when: datetime, order: str, sep: str = ".") -> str:
    if order == "MDY":
        return f"{when.month:02d}{sep}{when.day:02d}{sep}{when.year}"
    return f"{when.day:02d}{sep}{when.month:02d}{sep}{when.year}"


def main() -> None:
    rng = random.Random(20220201)
    docs_dir = HERE / "docs"
    docs_dir.mkdir(exist_ok=True)
    for old in docs_dir.iterdir():
        old.unlink()
    annotations = {}
    start = datetime(2022, 1, 3, 8, 0)
    n = 0
    for lang, articles in ARTICLES.items():
        words = SITE_WORDS[lang]
        titles = [a[0] for a in articles]
        for k, (title, paras) in enumerate(articles):
            others = [t for t in titles if t != title] + [titles[(k + 1) % 4] + " (2)"]
            template = ["t1", "t2", "t3", "t4", "t5", "t6"][n % 6]
            # Days up to the 12th make every numeric date ambiguous between D/M and M/D.
            when = start + timedelta(days=(n * 37) % 340, hours=(n * 5) % 11, minutes=(n * 13) % 60)
            if template in ("t2", "t3", "t5"):
                when = (
                    when.replace(day=1 + n % 12)
                    if when.month != 1 + n % 12
                    else when.replace(day=1 + (n + 1) % 12)
                )
            read_at = when + timedelta(hours=rng.randint(3, 30))
            paras = list(paras)
            body = list(paras)
            expect_time = None
            if template == "t1":
                raw, fmt = t1_counters(lang, title, paras, others, when, rng, words)
                expect_time = when
            elif template == "t2":
                # Machine-translated aggregator: the date sits in the first paragraph in
                # US order, and the weekday beside it says which order.
                swapped = when.replace(month=when.day, day=when.month)
                if swapped.weekday() == when.weekday():
                    # Both readings fall on the same weekday: nothing could tell them apart.
                    when += timedelta(days=1)
                    read_at += timedelta(days=1)
                stamp = f"{weekday(lang, when)} ({numeric(when, 'MDY')})"
                body[0] = (
                    f"{stamp} {paras[0][0].lower()}{paras[0][1:]}"
                    if lang != "zh"
                    else stamp + "，" + paras[0]
                )
                raw, fmt = t2_aggregator(lang, title, body, others, when, rng, words)
            elif template == "t3":
                order = "MDY" if lang == "en" and k != 2 else "DMY"
                if lang == "en" and k == 2:
                    # A British page: the US reading would be after the article was read.
                    when = when.replace(
                        day=min(when.month + 1, 12) if when.month < 12 else 5,
                        month=when.month if when.month < 12 else 11,
                    )
                    read_at = when + timedelta(hours=20)
                date_text = numeric(when, order, "/" if lang == "en" else ".") + f" {when:%H:%M}"
                raw, fmt = t3_breadcrumbs(lang, title, paras, others, when, rng, words, date_text)
                expect_time = when
            elif template == "t4":
                raw, fmt = t4_html_meta(lang, title, paras, others, when, rng, words)
                expect_time = when
            elif template == "t5":
                if k % 2 == 0:
                    date_text = f"{weekday(lang, when)}, {numeric(when, 'DMY', '/')}"
                else:
                    date_text = fmt_named(lang, when, time=False)
                raw, fmt = t5_html_byline(lang, title, paras, others, when, rng, words, date_text)
            else:
                hours = rng.randint(2, 9)
                if k % 2 == 0:
                    read_at = when + timedelta(hours=hours)
                    rel = words[10].format(n=hours)
                else:
                    read_at = (when + timedelta(days=1)).replace(hour=10, minute=15)
                    rel = f"{words[11]}, {when:%H:%M}"
                raw, fmt = t6_relative(lang, title, paras, others, when, rng, words, rel)
            mojibake = (
                fmt == "text"
                and template in ("t3", "t6")
                and lang in ("tr", "pl", "de", "fr", "es", "pt")
                and k % 2 == 1
            )
            if mojibake:
                raw = raw.encode("utf-8").decode("sloppy-windows-1252")
            doc_id = f"{n:03d}_{lang}_{template}"
            ext = "html" if fmt == "html" else "txt"
            (docs_dir / f"{doc_id}.{ext}").write_text(raw, encoding="utf-8")
            annotations[doc_id] = {
                "file": f"docs/{doc_id}.{ext}",
                "format": fmt,
                "template": template,
                "source": template,
                "lang": lang,
                "title": title,
                "body": body,
                "date": when.date().isoformat(),
                "datetime": expect_time.isoformat(timespec="seconds") if expect_time else None,
                "read_at": read_at.isoformat(timespec="seconds"),
                "mojibake": mojibake,
            }
            n += 1
    # Special cases: a glued glossary tooltip, and texts too short or mixed to name a language.
    for lang in ("bg", "en"):
        title, paras = ARTICLES[lang][0]
        full, short, definition = TOOLTIP[lang]
        clean_first = f"{full} " + (
            "каза днес, че пазарът ще бъде готов до края на годината."
            if lang == "bg"
            else "said today that the new line would be ready by the end of the year."
        )
        # "Иван Петров" + tooltip "Иван Георгиев Петров е …" -> "…ПетровИван Георгиев Петров е …"
        glued_first = clean_first.replace(f"{full} ", f"{full}{definition} ", 1)
        when = datetime(2022, 3, 8, 9, 30)
        others = [a[0] for a in ARTICLES[lang][1:]]
        raw, _ = t1_counters(
            lang, title, [glued_first] + paras, others, when, rng, SITE_WORDS[lang]
        )
        doc_id = f"{n:03d}_{lang}_tooltip"
        (docs_dir / f"{doc_id}.txt").write_text(raw, encoding="utf-8")
        annotations[doc_id] = {
            "file": f"docs/{doc_id}.txt",
            "format": "text",
            "template": "t1",
            "source": "t1",
            "lang": lang,
            "title": title,
            "body": [clean_first] + paras,
            "date": when.date().isoformat(),
            "datetime": when.isoformat(timespec="seconds"),
            "read_at": (when + timedelta(days=2)).isoformat(timespec="seconds"),
            "mojibake": False,
        }
        n += 1
    specials = {
        "short": ["Полиция закрыла улицу.", None],
        "mixed": [
            "The committee met on Tuesday and agreed the budget for the next two years without a vote.\n"
            "Die Kommission hat am Dienstag den Haushalt für die nächsten zwei Jahre ohne Abstimmung beschlossen.",
            None,
        ],
    }
    for name, (text, lang) in specials.items():
        doc_id = f"{n:03d}_xx_{name}"
        (docs_dir / f"{doc_id}.txt").write_text(text + "\n", encoding="utf-8")
        annotations[doc_id] = {
            "file": f"docs/{doc_id}.txt",
            "format": "text",
            "template": "none",
            "source": "none",
            "lang": lang,
            "title": None,
            "body": text.split("\n"),
            "date": None,
            "datetime": None,
            "read_at": "2022-06-01T12:00:00",
            "mojibake": False,
        }
        n += 1
    (HERE / "annotations.json").write_text(
        json.dumps(annotations, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"wrote {n} documents")


if __name__ == "__main__":
    main()
