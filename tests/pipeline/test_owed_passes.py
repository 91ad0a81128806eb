"""Resumable passes: the merge/split/reassign pass a batch owes is recorded with the batch and cleared by the pass,
so an ingest stopped between the two is finished by the next one, with the stories of an uninterrupted run."""

from __future__ import annotations

import pytest
from crash_corpus import write_wire

from babelwire.pipeline import Pipeline
from babelwire.store import Store


class Killed(BaseException):
    """Stands in for a kill: not an Exception, so nothing on the way catches it."""


def _stories(store: Store) -> dict[str, str]:
    return dict(store.db.execute("SELECT article_id, story_id FROM memberships"))


def _pass_changes(store: Store) -> int:
    return store.db.execute("SELECT count(*) FROM audit_log WHERE action IN ('merge', 'split', 'move')").fetchone()[0]


@pytest.fixture(scope="module")
def wire(tmp_path_factory):
    root = tmp_path_factory.mktemp("wire")
    write_wire(root, seed=3, events=40, files=2)
    return root


@pytest.fixture(scope="module")
def one_run(wire, tmp_path_factory):
    with Store(tmp_path_factory.mktemp("one") / "one.db") as store:
        Pipeline(store, encoder="fake", batch_size=8).ingest([wire])
        assert _pass_changes(store) and not store.owed_passes()
        return _stories(store)


def _stop(monkeypatch, name: str, after: int) -> None:
    """Make ``Pipeline.<name>`` stop the process-to-be (raise ``Killed``) on its call number ``after + 1``."""
    real = getattr(Pipeline, name)
    calls = {"n": 0}

    def stopping(self, *a, **kw):
        calls["n"] += 1
        if calls["n"] > after:
            raise Killed
        return real(self, *a, **kw)

    monkeypatch.setattr(Pipeline, name, stopping)


def test_a_stop_before_the_pass_leaves_it_owed_and_a_rerun_finishes_it(wire, one_run, tmp_path, monkeypatch):
    db = tmp_path / "s.db"
    with monkeypatch.context() as m, Store(db) as store:
        _stop(m, "finish_passes", 0)
        with pytest.raises(Killed):
            Pipeline(store, encoder="fake", batch_size=8).ingest([wire])
        assert store.owed_passes() and not _pass_changes(store)
        assert set(_stories(store)) == set(one_run)  # every batch committed; the pass did not
    with Store(db) as store:
        report = Pipeline(store, encoder="fake", batch_size=8).ingest([wire])
        assert not report.stored and not store.owed_passes()
        assert _stories(store) == one_run


@pytest.mark.parametrize("after", [1, 4])
def test_a_stop_between_batches_reruns_to_the_stories_of_one_run(wire, one_run, tmp_path, monkeypatch, after):
    db = tmp_path / "s.db"
    with monkeypatch.context() as m, Store(db) as store:
        _stop(m, "_batch", after)
        with pytest.raises(Killed):
            Pipeline(store, encoder="fake", batch_size=8).ingest([wire])
        assert store.owed_passes()
    with Store(db) as store:
        Pipeline(store, encoder="fake", batch_size=8).ingest([wire])
        assert not store.owed_passes()
        assert _stories(store) == one_run


def test_another_writer_finishes_what_is_owed_first(wire, tmp_path, monkeypatch):
    db = tmp_path / "s.db"
    with monkeypatch.context() as m, Store(db) as store:
        _stop(m, "finish_passes", 0)
        with pytest.raises(Killed):
            Pipeline(store, encoder="fake", batch_size=8).ingest([wire])
    with Store(db) as store:
        a, b = sorted(_stories(store))[:2]
        Pipeline(store, encoder="fake", batch_size=8).link(a, b)
        assert not store.owed_passes() and _pass_changes(store)
