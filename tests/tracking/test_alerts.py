"""Alert rules: a new matching story, a first report in a new language, N independent sources; each once."""

from __future__ import annotations

import pytest

from babelwire.errors import AlreadyExists, InvalidArgument, NotFound
from babelwire.tracking.alerts import add_alert, evaluate, remove_alert


def _fired(store, name=None):
    return sorted((f.alert, f.story_id, f.reason, f.value) for f in store.firings(name=name))


def test_a_new_matching_story_fires_once_and_others_do_not(wire):
    add_alert(wire.store, "volcano", "zorvatka volcano")
    wire.add("s1", ("a1", "en", "wire-a"))
    wire.add("s2", ("b1", "en", "wire-a"), text="The central bank kept its rate at 4.5 percent")
    first = evaluate(wire.store)
    assert [(f.story_id, f.reason) for f in first] == [("s1", "new_story")]
    assert first[0].data["headline"] == "Headline of s1" and first[0].data["matched"] == ["a1"]
    assert evaluate(wire.store) == []  # run again: nothing new, nothing twice
    wire.add("s1", ("a2", "en", "wire-b"))
    assert evaluate(wire.store) == []
    assert _fired(wire.store) == [("volcano", "s1", "new_story", "")]


def test_every_query_word_must_be_there_as_a_word_prefix_ignoring_case_and_accents(wire):
    add_alert(wire.store, "both", "ZÖRVATKA roads")  # "roads" is no prefix of "road"
    add_alert(wire.store, "prefix", "zörvat lava")
    wire.add("s1", ("a1", "en", "wire-a"))
    evaluate(wire.store)
    assert _fired(wire.store) == [("prefix", "s1", "new_story", "")]


def test_a_first_report_in_a_new_language_fires_once_per_language(wire):
    add_alert(wire.store, "volcano", "zorvatka")
    wire.add("s1", ("a1", "en", "wire-a"), ("a2", "is", "wire-b"))
    evaluate(wire.store)
    wire.add("s1", ("a3", "de", "wire-c"))
    wire.add("s1", ("a4", "en", "wire-d"))  # a language it had
    evaluate(wire.store)
    wire.add("s1", ("a5", "de", "wire-e"), ("a6", "ru", "wire-e"))
    evaluate(wire.store)
    evaluate(wire.store)
    assert _fired(wire.store) == [("volcano", "s1", "new_language", "de"), ("volcano", "s1", "new_language", "ru"),
                                  ("volcano", "s1", "new_story", "")]


def test_min_sources_counts_independent_sources_only(wire):
    add_alert(wire.store, "big", "zorvatka", min_sources=3)
    wire.add("s1", ("a1", "en", "wire-a"), ("a2", "en", "wire-a"))  # one outlet twice: one source
    wire.add("s1", ("a3", "en", "wire-b"))
    evaluate(wire.store)
    wire.add("s1", ("a4", "en", "wire-c", "a3"), ("a5", "de", "wire-d", "a1"))  # copies: no new source
    evaluate(wire.store)
    assert ("big", "s1", "min_sources", "3") not in _fired(wire.store)
    wire.add("s1", ("a6", "en", "wire-c"))  # an original from a third outlet
    evaluate(wire.store)
    wire.add("s1", ("a7", "en", "wire-f"))
    evaluate(wire.store)
    assert [r for r in _fired(wire.store) if r[2] == "min_sources"] == [("big", "s1", "min_sources", "3")]


def test_a_story_older_than_the_alert_fires_for_what_is_new_not_as_a_new_story(wire):
    wire.add("s1", ("a1", "en", "wire-a"), ("a2", "en", "wire-b"))
    add_alert(wire.store, "volcano", "zorvatka", min_sources=3)
    assert evaluate(wire.store) == []  # what came before the alert does not fire
    wire.add("s1", ("a3", "tr", "wire-c"))
    evaluate(wire.store)
    assert _fired(wire.store) == [("volcano", "s1", "min_sources", "3"), ("volcano", "s1", "new_language", "tr")]


def test_language_and_source_filters_choose_the_articles_that_match(wire):
    add_alert(wire.store, "german", "zorvatka", lang="de")
    add_alert(wire.store, "outlet", "zorvatka", source="wire-z")
    wire.add("s1", ("a1", "en", "wire-a"))
    evaluate(wire.store)
    assert _fired(wire.store) == []
    wire.add("s1", ("a2", "de", "wire-b"))  # the story now matches "german"; it is new since the alert
    evaluate(wire.store)
    assert _fired(wire.store) == [("german", "s1", "new_story", "")]


def test_alerts_are_named_once_and_checked(wire):
    s = wire.store
    a = add_alert(s, "volcano", "zorvatka", min_sources=2)
    assert s.get_alert("volcano") == a and [x.name for x in s.alerts()] == ["volcano"]
    with pytest.raises(AlreadyExists):
        add_alert(s, "volcano", "other")
    for kw in ({"name": "bad name", "query": "x"}, {"name": "ok", "query": "  "},
               {"name": "ok", "query": "x", "min_sources": 0}, {"name": "ok", "query": "x", "webhook": "ftp://h"},
               {"name": "ok", "query": "x", "secret": "s"}):
        with pytest.raises(InvalidArgument):
            add_alert(s, **kw)
    wire.add("s1", ("a1", "en", "wire-a"))
    evaluate(s)
    remove_alert(s, "volcano")
    assert s.alerts() == [] and s.firings() == []
    with pytest.raises(NotFound):
        remove_alert(s, "volcano")
