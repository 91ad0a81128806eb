"""The occurrence signals: the event's day, quantities, place and kind, read and compared."""

from __future__ import annotations

import json
from datetime import date

import pytest

from babelwire.clean._mentions import day_mentions
from babelwire.signals.occurrence import (
    Occurrence,
    compare,
    event_days,
    event_kinds,
    occurrence_of,
    places,
    quantities,
)


def _doy(month: int, day: int) -> int:
    return date(2000, month, day).timetuple().tm_yday


@pytest.mark.parametrize(
    ("text", "lang", "month_day"),
    [
        ("Lavrov and Blinken spoke by phone on Tuesday, February 1, 2022.", "en", (2, 1)),
        ("Лавров и Блинкен провели телефонный разговор 1 февраля.", "ru", (2, 1)),
        ("Le 1er février, les deux ministres se sont parlé.", "fr", (2, 1)),
        ("Am 1. Februar telefonierten die Minister.", "de", (2, 1)),
        ("2022年2月1日，两国外长通电话。", "zh", (2, 1)),
        ("Bakanlar 21 Ocak'ta Cenevre'de bir araya geldi.", "tr", (1, 21)),
        ("El 1 de febrero de 2022 hablaron por teléfono.", "es", (2, 1)),
    ],
)
def test_lead_days_are_read_in_many_languages(text, lang, month_day):
    days, _ = event_days(text, lang, None)
    assert _doy(*month_day) in days


def test_impossible_and_ambiguous_dates_name_no_day():
    assert day_mentions("on 30 February and on 03/04/2022", "en")[0] == []


def test_weekdays_in_inflected_slavic_forms():
    assert day_mentions("Встреча прошла в среду в Женеве.", "ru")[1] == [2]
    assert day_mentions("Spotkanie odbyło się w środę.", "pl")[1] == [2]


def test_yesterday_and_a_bare_weekday_resolve_against_the_publication_date():
    published = date(2022, 2, 2)  # a Wednesday
    days, weekdays = event_days("Вчера министрите разговаряха по телефона.", "bg", published)
    assert days == {_doy(2, 1)} and 1 in weekdays
    days, _ = event_days("The ministers met on Friday in Geneva.", "en", published)
    assert days == {_doy(1, 28)}


def test_a_lead_that_names_no_day_gives_none():
    assert event_days("The ministers spoke by phone.", "en", date(2022, 2, 2)) == (frozenset(), frozenset())


def test_without_a_publication_date_a_weekday_stays_a_weekday():
    days, weekdays = event_days("The ministers met on Friday in Geneva.", "en", None)
    assert not days and weekdays == {4}


def test_different_days_contradict_and_close_days_agree():
    a = occurrence_of("Call", "The ministers spoke by phone on 1 February.", "en", None)
    b = occurrence_of("Встреча", "Министры встретились 21 января в Женеве.", "ru", None)
    c = occurrence_of("Разговор", "Министры говорили 2 февраля.", "ru", None)
    d = occurrence_of("Разговор", "Министры говорили 1 февраля.", "ru", None)
    assert compare(a, b).day == -2
    assert compare(a, c).day == 0  # a day apart: time zones, an evening's report filed the next day
    assert compare(a, d).day == 2  # calendar days weigh twice weekdays


def test_weekday_against_a_dated_day_uses_the_days_weekday():
    dated = occurrence_of("x", "The ministers spoke on 1 February 2022.", "en", None)  # a Tuesday
    friday = occurrence_of("x", "The ministers met on Friday.", "en", None)
    tuesday = occurrence_of("x", "Die Minister telefonierten am Dienstag.", "de", None)
    monday = occurrence_of("x", "Los ministros hablaron el lunes.", "es", None)
    sunday = occurrence_of("x", "Les ministres se sont parlé dimanche.", "fr", None)
    assert compare(dated, friday).day == -1
    assert compare(dated, tuesday).day == 1
    assert compare(dated, monday).day == 0
    assert compare(sunday, tuesday).day == -1  # weekdays are a cycle: Sunday is two days before Tuesday


def test_quantities_measure_the_same_thing_across_languages():
    a = quantities("The call lasted 45 minutes, officials said.", "en")
    b = quantities("Разговор продолжался около 20 минут.", "ru")
    c = quantities("Разговорът продължи 45 минути.", "bg")
    assert ("minute", 45.0) in a and ("minute", 20.0) in b and ("minute", 45.0) in c
    oa, ob, oc = (Occurrence(quantities=q) for q in (a, b, c))
    assert compare(oa, ob).quantity == -1
    assert compare(oa, oc).quantity == 1


def test_percent_and_scaled_amounts():
    q = quantities("Turnout was 61.5% and 100 000 troops massed; 2 million people", "en")
    assert ("percent", 61.5) in q and ("troops", 100000.0) in q and ("people", 2e6) in q


def test_event_kinds_tell_a_call_from_a_meeting():
    call = event_kinds("Blinken and Lavrov hold phone call on Ukraine", "en")
    meeting = event_kinds("Блинкън и Лавров се срещнаха в Женева", "bg")
    assert "call" in call and "meeting" in meeting
    assert compare(Occurrence(kinds=call), Occurrence(kinds=meeting)).kind == -1
    quake = event_kinds("Magnitude 6.1 earthquake strikes eastern Turkey", "en")
    assert "quake" in quake and "quake" in event_kinds("Doğu Türkiye'de 6,1 büyüklüğünde deprem", "tr")


def test_datelines_and_locatives_give_places():
    body = "GENEVA (Reuters) - The two ministers met for ninety minutes."
    assert places(body, "Ministers meet", "en")
    a = Occurrence(places=places(body, "Ministers meet", "en"))
    b = Occurrence(places=places("MOSCOW (Reuters) - The two ministers spoke.", "x", "en"))
    assert compare(a, b).place == -1
    same = Occurrence(places=places("The ministers met in Geneva on Friday.", "The ministers met in Geneva", "en"))
    assert compare(a, same).place == 1


def test_a_place_the_other_mentions_is_no_contradiction():
    a = Occurrence(places=frozenset({"knv"}))
    b = Occurrence(places=frozenset({"msk"}))
    assert compare(a, b).place == -1
    assert compare(a, b, names_b={"knv"}).place == 0
    assert compare(a, b, same_script=False).place == 0


def test_nothing_known_is_no_evidence():
    empty = Occurrence()
    some = Occurrence(kinds=frozenset({"call"}))
    for x, y in ((None, some), (empty, some), (some, None)):
        assert compare(x, y).conflicts() == []
        assert (compare(x, y).day, compare(x, y).kind) == (0, 0)


def test_an_occurrence_survives_json():
    occ = occurrence_of("Call", "GENEVA (Reuters) - The call lasted 45 minutes on 1 February.", "en", None)
    assert not occ.empty
    assert Occurrence.from_json(json.loads(json.dumps(occ.as_json()))) == occ
