"""The team's look-alike set: same actors, another occurrence (tests/fixtures/events/).

Each group holds two occurrences of one kind of event involving the same people or
institutions a few days apart (another call, an earlier quake, the failed vote before
the successful one), each reported twice, mostly in two languages, the look-alikes
mostly undated. No look-alike may share a story with the event it resembles, and
every twin must join its event's story. Uses the real encoder (integration).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from babelwire.evaluate.clusters import evaluate_clusters
from babelwire.evaluate.datasets import load_pairs
from babelwire.pipeline import Pipeline
from babelwire.store import Store

pytestmark = pytest.mark.integration

EVENTS = Path(__file__).parent / "fixtures" / "events"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    """One store for the module, so each text is embedded once."""
    return str(tmp_path_factory.mktemp("events") / "events.db")


@pytest.fixture(scope="module")
def story_of(db) -> dict[str, str]:
    """Article id -> story id after one ingest of the whole set, as a user would run it."""
    from babelwire.signals import get_encoder

    with Store(db) as store:
        report = Pipeline(store, encoder=get_encoder(None)).ingest([EVENTS / "articles.jsonl"])
        assert not report.rejected and not report.known, (report.rejected, report.known)
        return {aid: store.membership(aid)["story_id"] for aid in report.stored}


def test_the_set_is_what_its_readme_says():
    arts = [json.loads(x) for x in (EVENTS / "articles.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    pairs = load_pairs(EVENTS).pairs
    langs = {a["lang"] for a in arts}
    groups = {p.group for p in pairs if p.same_story is False}
    assert len(groups) >= 40 and len(langs) >= 8
    for g in groups:  # each look-alike group: two occurrences, each reported twice
        assert sum(1 for p in pairs if p.group == g and p.same_story) == 2, g
    undated = [a for a in arts if a["id"].endswith(("l1", "l2")) and not a.get("published")]
    assert len(undated) > len([a for a in arts if a["id"].endswith(("l1", "l2"))]) / 2


def test_no_look_alike_joins_the_event_it_resembles_and_every_twin_joins(story_of):
    pairs = load_pairs(EVENTS).pairs
    merged = [(p.id1, p.id2) for p in pairs if p.same_story is False and story_of[p.id1] == story_of[p.id2]]
    split = [(p.id1, p.id2) for p in pairs if p.same_story is True and story_of[p.id1] != story_of[p.id2]]
    assert not merged, f"{len(merged)} look-alike pairs share a story: {merged}"
    assert not split, f"{len(split)} twin pairs are in different stories: {split}"


def test_eval_clusters_reads_the_set(db, story_of):
    from babelwire.signals import get_encoder

    with Store(db) as store:  # embeddings cached by the ingest above
        result = evaluate_clusters(EVENTS, store, encoder=get_encoder(None))
    assert result["labelled_pairs"] == len(load_pairs(EVENTS).pairs)
    assert result["precision"] == 1.0 and result["recall"] == 1.0, result
