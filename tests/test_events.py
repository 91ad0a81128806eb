"""The team's look-alike set: same actors, another occurrence (tests/fixtures/events/).

Each group holds two occurrences of one kind of event involving the same people or
institutions a few days apart (another call, an earlier quake, the failed vote before
the successful one), each reported twice, mostly in two languages, the look-alikes
mostly undated. No look-alike may share a story with the event it resembles, and
every twin must join its event's story. Uses the real encoder (integration).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from babelwire.evaluate.clusters import evaluate_clusters
from babelwire.evaluate.datasets import load_pairs
from babelwire.pipeline import Pipeline
from babelwire.store import Store

pytestmark = pytest.mark.integration

EVENTS = Path(__file__).parent / "fixtures" / "events"


def _real_encoder():
    """The product's default encoder, or the one $BABELWIRE_REAL_ENCODER names (``onnx-late``, say: the
    unit tests' autouse fixture points $BABELWIRE_ENCODER at the fake)."""
    from babelwire.signals import available_encoders, get_encoder

    return get_encoder(os.environ.get("BABELWIRE_REAL_ENCODER") or available_encoders()[0])


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    """One store for the module, so each text is embedded once."""
    return str(tmp_path_factory.mktemp("events") / "events.db")


@pytest.fixture(scope="module")
def story_of(db) -> dict[str, str]:
    """Article id -> story id after one ingest of the whole set, as a user would run it."""
    with Store(db) as store:
        report = Pipeline(store, encoder=_real_encoder()).ingest([EVENTS / "articles.jsonl"])
        assert not report.rejected and not report.known, (report.rejected, report.known)
        return {aid: store.membership(aid)["story_id"] for aid in report.stored}


def test_the_set_is_what_its_readme_says():
    arts = [json.loads(x) for x in (EVENTS / "articles.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    pairs = load_pairs(EVENTS).pairs
    langs = {a["lang"] for a in arts}
    groups = {p.group for p in pairs if p.same_story is False}
    assert len(groups) >= 40 and len(langs) >= 8
    for g in groups:  # each look-alike group: two occurrences, each reported (at least) twice
        assert sum(1 for p in pairs if p.group == g and p.same_story) >= 2, g
    undated = [a for a in arts if a["id"].endswith(("l1", "l2")) and not a.get("published")]
    assert len(undated) > len([a for a in arts if a["id"].endswith(("l1", "l2"))]) / 2


def _errors(story_of: dict[str, str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return the look-alike pairs that share a story and the twin pairs that do not."""
    pairs = load_pairs(EVENTS).pairs
    merged = [(p.id1, p.id2) for p in pairs if p.same_story is False and story_of[p.id1] == story_of[p.id2]]
    split = [(p.id1, p.id2) for p in pairs if p.same_story is True and story_of[p.id1] != story_of[p.id2]]
    return merged, split


# What an ingest of the set (in file order, through the working set) gives today: 44 of 176 look-alike
# pairs share a story and 17 of 92 twin pairs are apart; clustered from scratch (eval clusters) 39 and 13,
# against 102 and 19 before the occurrence signals and story facts (docs/similarity.md).
# A change may only lower them; the target is 0 and 0.
MERGED_TODAY, SPLIT_TODAY = 44, 17


def test_look_alikes_and_twins_no_worse_than_today(story_of):
    merged, split = _errors(story_of)
    assert len(merged) <= MERGED_TODAY, f"{len(merged)} look-alike pairs share a story: {merged}"
    assert len(split) <= SPLIT_TODAY, f"{len(split)} twin pairs are in different stories: {split}"


@pytest.mark.xfail(strict=True, reason="issue 16's target, not met yet: today 44 look-alike merges, 17 twin splits")
def test_no_look_alike_joins_the_event_it_resembles_and_every_twin_joins(story_of):
    merged, split = _errors(story_of)
    assert not split, f"{len(split)} twin pairs are in different stories: {split}"
    assert not merged, f"{len(merged)} look-alike pairs share a story: {merged}"


def test_eval_clusters_reads_the_set(db, story_of):
    with Store(db) as store:  # embeddings cached by the ingest above
        result = evaluate_clusters(EVENTS, store, encoder=_real_encoder())
    assert result["labelled_pairs"] == len(load_pairs(EVENTS).pairs)
    # clustered from scratch, in one pass over the set (figures in docs/similarity.md)
    assert result["precision"] is not None and result["precision"] >= 0.66, result
    assert result["recall"] is not None and result["recall"] >= 0.85, result
