"""The changes feed: written with each change, paged by cursor, and enough to rebuild the store's stories."""

from __future__ import annotations

import pytest
from crash_corpus import write_wire

from babelwire.errors import InvalidArgument
from babelwire.model import CHANGE_KINDS
from babelwire.pipeline import Pipeline
from babelwire.store import Store, open_store
from babelwire.tracking.changes import changes_page, replay


def _memberships(store: Store) -> dict[str, str]:
    return {r["id"]: r["story_id"] for r in store.article_rows() if r["story_id"] is not None}


def _follow(store: Store, *, limit: int, kinds=None) -> list[dict]:
    """Return every change after 0, read a page of ``limit`` at a time, as a feed reader would."""
    out, cursor = [], 0
    while True:
        page = changes_page(store, cursor, limit=limit, kinds=kinds)
        assert len(page["changes"]) <= limit
        out += page["changes"]
        if not page["more"]:
            assert page["next"] == page["head"] or kinds
            return out
        assert page["next"] == page["changes"][-1]["cursor"] > cursor
        cursor = page["next"]


@pytest.fixture(scope="module")
def wire(tmp_path_factory):
    root = tmp_path_factory.mktemp("wire")
    write_wire(root, seed=5, events=30, files=2)
    return root


@pytest.fixture
def worked(wire, spec):
    """A store after an ingest (with its merge/split/reassign pass) and a manual link, unlink and split."""
    store = open_store(spec)
    p = Pipeline(store, encoder="fake", batch_size=8)
    p.ingest([wire])
    stories = {}
    for aid, sid in _memberships(store).items():
        stories.setdefault(sid, []).append(aid)
    big = sorted((s for s in stories.values() if len(s) >= 3), key=len)
    assert len(big) >= 2, "the wire should give stories of three or more"
    p.link(big[0][0], big[1][0])
    p.unlink(big[0][1])
    p.split(store.membership(big[-1][0])["story_id"])
    yield store
    store.close()


def test_following_the_feed_in_pages_rebuilds_the_memberships(worked):
    kinds = {c["kind"] for c in _follow(worked, limit=1000)}
    # the pass and the corrections are all in it
    assert {"article.stored", "story.created", "article.moved", "story.split", "correction"} <= kinds
    assert kinds <= set(CHANGE_KINDS)
    actions = [c["data"]["action"] for c in _follow(worked, limit=1000) if c["kind"] == "correction"]
    assert actions == ["link", "unlink", "split"]
    for limit in (1, 7, 1000):
        changes = _follow(worked, limit=limit)
        assert [c["cursor"] for c in changes] == sorted({c["cursor"] for c in changes})
        assert replay(changes) == _memberships(worked)


def test_every_stored_article_is_in_the_feed_once(worked):
    stored = [c["data"]["article_id"] for c in _follow(worked, limit=50, kinds=["article.stored"])]
    assert sorted(stored) == sorted(_memberships(worked))


def test_a_merge_pass_writes_merges_and_replay_follows_them(tmp_path, spec):
    # with two files of the same events, the second file's reports join the first's stories or merge them
    root = tmp_path / "wire"
    write_wire(root, seed=3, events=40, files=2)
    with open_store(spec) as store:
        Pipeline(store, encoder="fake", batch_size=8).ingest([root])
        changes = _follow(store, limit=25)
        passes = {c["kind"] for c in changes if c["data"].get("by") == "merge pass"}
        assert passes & {"story.merged", "story.split", "article.moved"}
        assert replay(changes) == _memberships(store)


def test_a_rolled_back_batch_leaves_no_change(spec, wire, monkeypatch):
    with open_store(spec) as store:
        p = Pipeline(store, encoder="fake", batch_size=8)

        def boom(self, *a, **kw):
            raise KeyboardInterrupt

        monkeypatch.setattr(Pipeline, "save_learned", boom)
        with pytest.raises(KeyboardInterrupt):
            p.ingest([wire])
        assert store.changes_head() == 0 and not _memberships(store)


def test_a_cursor_outside_the_feed_and_bad_arguments_are_refused(worked):
    head = worked.changes_head()
    assert changes_page(worked, head)["changes"] == [] and changes_page(worked, head)["next"] == head
    for bad in (-1, head + 1):
        with pytest.raises(InvalidArgument, match="cursor"):
            changes_page(worked, bad)
    with pytest.raises(InvalidArgument, match="kind"):
        changes_page(worked, 0, kinds=["article.deleted"])
    with pytest.raises(InvalidArgument, match="limit"):
        changes_page(worked, 0, limit=0)


def test_a_kind_filter_pages_to_the_head(worked):
    page = changes_page(worked, 0, limit=1000, kinds=["correction"])
    assert [c["kind"] for c in page["changes"]] == ["correction"] * 3
    assert page["next"] == worked.changes_head() and not page["more"]


def test_the_moves_matter_to_the_replay(worked):
    # the stored entries alone give the stories as first assigned, not as they are now
    stored = _follow(worked, limit=1000, kinds=["article.stored"])
    assert replay(stored) != _memberships(worked)
