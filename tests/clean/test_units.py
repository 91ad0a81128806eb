# ruff: noqa: E501  (fixture sentences and page templates read better unbroken)
"""Unit checks of the pieces: dates, tooltips, language, line kinds, encoding."""

from __future__ import annotations

from datetime import datetime

import pytest

from babelwire.clean._dates import find_date, normalise_declared
from babelwire.clean._encoding import looks_binary, repair
from babelwire.clean._lang import detect_language
from babelwire.clean._lines import classify_line
from babelwire.clean._tooltip import cut_tooltips

READ = datetime(2022, 2, 3, 12, 0)


@pytest.mark.parametrize(
    ("line", "lang", "expected"),
    [
        ("01 февруари 2022 18:02", "bg", "2022-02-01T18:02:00"),
        ("Published February 1, 2022 at 6:02 pm", "en", "2022-02-01T18:02:00"),
        ("Dienstag, 1. Februar 2022, 18:02 Uhr", "de", "2022-02-01T18:02:00"),
        ("martes, 1 de febrero de 2022", "es", "2022-02-01"),
        ("2022年2月1日 18:02", "zh", "2022-02-01T18:02:00"),
        ("2022. február 1. 18:02", "hu", "2022-02-01T18:02:00"),
        ("Добави2022.02.01 | 19:16", "bg", "2022-02-01T19:16:00"),
        ("çərşənbə axşamı (02.01.2022)", "az", "2022-02-01"),  # Tuesday: month first
        ("mardi 01/02/2022", "fr", "2022-02-01"),
        ("01.02.2022", "de", "2022-02-01"),  # no weekday: the locale's order
        ("02/01/2022", "en", "2022-02-01"),  # US locale
    ],
)
def test_dates_in_many_languages(line: str, lang: str, expected: str) -> None:
    found = find_date([(1, line)], lang, READ)
    assert found is not None and found.iso() == expected


def test_date_not_after_read_time() -> None:
    # "04/03/2022" read on 5 March: 3 April is impossible, so 4 March (day first).
    found = find_date([(1, "04/03/2022")], "en", datetime(2022, 3, 5))
    assert found is not None and found.iso() == "2022-03-04"
    assert find_date([(1, "19 ноември 2024 14:00")], "bg", READ) is None


def test_relative_dates() -> None:
    found = find_date([], "en", READ, relative=[(3, "2 hours ago")])
    assert found is not None and found.iso() == "2022-02-03T10:00:00"
    assert found.provenance == "relative:line 3"
    found = find_date([], "bg", READ, relative=[(2, "вчера, 14:30")])
    assert found is not None and found.iso() == "2022-02-02T14:30:00"


def test_declared_dates() -> None:
    assert normalise_declared("2022-02-01") == "2022-02-01"
    assert normalise_declared("2022-02-01T18:02:00") == "2022-02-01T18:02:00"
    assert normalise_declared("2022-02-01T18:02:00+02:00") == "2022-02-01T18:02:00+02:00"
    assert normalise_declared("not a date at all, really") is None


@pytest.mark.parametrize(
    ("line", "host", "cut"),
    [
        (
            "The minister met LavrovSergey Lavrov is a Russian diplomat, who has been foreign minister "
            "since 2004 in Geneva today, officials said.",
            "The minister met Lavrov in Geneva today, officials said.",
            "Sergey Lavrov is a Russian",
        ),
        (
            "Министр встретился с ЛавровымСергей Лавров — российский дипломат, министр иностранных дел "
            "в Женеве вчера, сообщили источники.",
            "Министр встретился с Лавровым в Женеве вчера, сообщили источники.",
            "российский дипломат",
        ),
        (
            "Der Kanzler traf ScholzOlaf Scholz ist ein deutscher Politiker der SPD. Danach sprach er.",
            "Der Kanzler traf Scholz. Danach sprach er.",
            "deutscher Politiker",
        ),
    ],
)
def test_tooltips(line: str, host: str, cut: str) -> None:
    text, removed = cut_tooltips(line)
    assert text == host and cut in removed[0]


@pytest.mark.parametrize(
    "line",
    [
        "YouTube is a video platform owned by Google.",
        "McDonald said iPhone sales rose in NewYork.",
        "MacBook users met PayPal staff in Berlin.",
    ],
)
def test_camel_case_is_not_a_tooltip(line: str) -> None:
    assert cut_tooltips(line) == (line, [])


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "Rusiya Ukrayna sərhədi yaxınlığında 100 mindən çox hərbçi toplayıb. Digər tərəfdən, Rusiya "
            "zərbə endirmək planlarını rədd edir.",
            "az",
        ),
        (
            "Rusya, Ukrayna sınırı yakınında 100 binden fazla asker topladı. Öte yandan Rusya saldırı "
            "planlarını reddediyor.",
            "tr",
        ),
        (
            "Русия е струпала над 100 000 войници в близост до украинските граници и отрича плановете си.",
            "bg",
        ),
        (
            "Россия сосредоточила более 100 000 военнослужащих вблизи украинской границы и отрицает планы.",
            "ru",
        ),
        (
            "Росія зосередила понад 100 тисяч військових поблизу українського кордону і заперечує плани.",
            "uk",
        ),
        (
            "Rusija je okupila više od sto tisuća vojnika u blizini ukrajinske granice i poriče planove napada.",
            "hr",
        ),
        (
            "A Rússia reuniu mais de cem mil soldados perto da fronteira ucraniana e nega planos de invasão.",
            "pt",
        ),
    ],
)
def test_close_language_pairs(text: str, lang: str) -> None:
    assert detect_language(text)[0] == lang


def test_short_text_is_uncertain() -> None:
    assert detect_language("Ok, thanks!") == (None, 0.0)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("19 ноември 202414:00", "date"),
        ("- 3748", "counter"),
        ("Коментари 3", "ui"),
        ("-", "symbol"),
        ("https://example.com/a/b", "url"),
        ("Read also: Storm hits the coast", "ui"),
        ("The council approved the budget on Monday after a long debate.", "text"),
        ("Council approves budget after long debate", "short"),
    ],
)
def test_line_kinds(line: str, kind: str) -> None:
    assert classify_line(line)[0] == kind


def test_encoding_repair() -> None:
    assert repair("caf\u00c3\u00a9\u200b  au   lait\r\nnext\u00a0line") == "café au lait\nnext line"
    assert repair("“quoted” ＡＢＣ") == "“quoted” ＡＢＣ"  # repair only, no restyling
    assert looks_binary("\x00\x01\x02" * 10) and not looks_binary("plain text")
