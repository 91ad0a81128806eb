"""The Ray executor against the local one: the same input gives the same stories, on a real local Ray.

One small Ray instance (2 CPUs) serves the module. Deselect with ``-m "not ray"``; without ray installed
the module is skipped with the pip line.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from babelwire.model import RawDocument, content_hash
from babelwire.pipeline import LocalExecutor, Pipeline
from babelwire.signals import FakeEncoder
from babelwire.store import Store

ray = pytest.importorskip("ray", reason='ray is not installed: pip install "babelwire[ray]"')

from babelwire.pipeline._ray import RayExecutor  # noqa: E402 - after the skip

pytestmark = pytest.mark.ray

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SRC = Path(sys.modules["babelwire"].__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ray_cluster():
    """A real local Ray instance for the module: 2 CPUs, no dashboard; shut down after."""
    if ray.is_initialized():
        ray.shutdown()
    # workers import babelwire from this checkout, and this module's encoders by value
    path = os.pathsep.join(p for p in (str(SRC), os.environ.get("PYTHONPATH", "")) if p)
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": path, "BABELWIRE_ENCODER": "fake"}})
    yield
    ray.shutdown()
    ray.cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


class LoggingEncoder(FakeEncoder):
    """The fake encoder, writing the hash of every text it embeds to a file (workers are other processes);
    with ``die_once``, the first worker to embed anything exits the process once (flagged by a file)."""

    def __init__(self, log: Path, *, die_once: Path | None = None, dim: int = 64) -> None:
        super().__init__(dim=dim)
        self.log, self.die_once = str(log), str(die_once) if die_once else None

    def encode(self, texts, *, kind="passage") -> np.ndarray:
        if self.die_once and texts:
            try:
                fd = os.open(self.die_once, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                pass
            else:
                os.close(fd)
                os._exit(1)  # a worker killed mid-job, before it embeds or answers anything
        with open(self.log, "a", encoding="utf-8") as f:
            f.writelines(content_hash(t) + "\n" for t in texts)
        return super().encode(texts, kind=kind)


def _embedded(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").split() if log.exists() else []


FOOTER = ["Read more stories at the Harbour Gazette website",
          "Follow the Harbour Gazette on social media for live updates",
          "Copyright Harbour Gazette. All rights reserved."]
TOPICS = ["dock workers strike in Varna over pay", "new ferry line opens between Burgas and Odesa",
          "storm closes the port of Constanta for two days", "grain exports rise through the Bosphorus",
          "container ship runs aground near Istanbul", "fishermen protest fuel prices in Trabzon",
          "cruise season starts early in Batumi", "tanker inspection delays traffic at the strait",
          "port workers end strike after wage deal", "oil spill cleanup continues near Novorossiysk"]


def _raw(i: str, source: str, text: str, day: int) -> RawDocument:
    return RawDocument(id=i, source=source, origin=f"/gen/{source}/{i}.txt", format="text",
                       read_at=datetime(2025, 3, 1, tzinfo=UTC), text=text, published=f"2025-02-{day:02d}")


def corpus() -> list[RawDocument]:
    """Three sources whose articles share footer lines (the line memory learns them across batches),
    one copy of an article under another id, an article that is only boilerplate, and a repeated id."""
    docs = []
    for s, source in enumerate(["gazette", "portnews", "seawire"]):
        for k in range(8):
            t = TOPICS[(k + s * 3) % len(TOPICS)]
            body = (f"Reporters said on Monday that {t}. Officials confirmed the details to the {source} "
                    f"desk and said more information would follow later in the week, item {k}.\n"
                    f"Local residents described how {t} had changed their plans for the month.")
            docs.append(_raw(f"{source}-{k}", source, f"{t.capitalize()}\n\n{body}\n" + "\n".join(FOOTER), 3 + k))
    docs.insert(5, _raw("copy-of-gazette-1", "mirror", docs[1].text or "", 4))  # identical clean text
    docs.insert(9, _raw("only-footer", "gazette", "\n".join(FOOTER), 9))
    docs.insert(12, _raw("portnews-0", "portnews", "A second record under a stored id, said the wire.", 9))
    return docs


def snapshot(store: Store) -> dict:
    """Return what an ingest left in ``store``: memberships with scores, stories with headlines, the
    cleaned articles, rejections, duplicates and the line memory."""
    rows = store.article_rows()
    arts = {a.id: (a.title, a.text, a.lang, a.published, [(r.line, r.reason) for r in a.removed])
            for a in store.iter_articles()}
    members = {r["id"]: (r["story_id"], (store.membership(r["id"]) or {}).get("score")) for r in rows}
    dups = store.db.execute("SELECT article_id, duplicate_of, reason FROM duplicates ORDER BY rowid").fetchall()
    sources = {a.source for a in store.iter_articles()} | {"gazette"}
    return {"members": members, "stories": sorted(store.story_rows()), "articles": arts,
            "rejected": sorted((r.id or "", r.reason) for r in store.rejections(limit=1000)),
            "duplicates": [tuple(d) for d in dups],
            "lines": {s: store.line_documents(s) for s in sorted(sources)}}


def _ingest(tmp_path: Path, name: str, executor, docs=None, paths=None, encoder=None):
    with Store(tmp_path / f"{name}.db") as store:
        p = Pipeline(store, encoder=encoder or FakeEncoder(), batch_size=4)
        p.executor = executor
        report = p.ingest(paths) if paths else p.ingest_documents(docs)
        return report, snapshot(store)


def _report(r) -> dict:
    return {**r.as_dict(), "results": [x.as_dict() for x in r.results]}


@pytest.fixture(scope="module")
def ray_executor(ray_cluster):
    """One executor for the module: its workers serve every test that ships them the same things."""
    with RayExecutor(workers=2) as ex:
        yield ex


def test_generated_corpus_gives_the_same_stories_on_ray(tmp_path, ray_executor):
    in_driver = ray_executor.local_batches
    local_report, local = _ingest(tmp_path, "local", LocalExecutor(), corpus())
    ray_report, remote = _ingest(tmp_path, "ray", ray_executor, corpus())
    # the corpus exercises what depends on order: the line memory learned the footer within and across batches
    removed = [why for a in local["articles"].values() for _, why in a[4]]
    assert "recurs across gazette" in removed
    assert "only-footer" in {i for i, _ in local["rejected"]}
    assert local["duplicates"] and local["lines"]["gazette"] > 5
    assert remote == local
    assert _report(ray_report) == _report(local_report)
    assert ray_executor.local_batches == in_driver  # every batch was cleaned by the workers


def test_examples_give_the_same_stories_on_ray(tmp_path, ray_executor):
    paths = [EXAMPLES / "articles", EXAMPLES / "html", EXAMPLES / "feeds"]
    local_report, local = _ingest(tmp_path, "local", LocalExecutor(), paths=paths)
    ray_report, remote = _ingest(tmp_path, "ray", ray_executor, paths=paths)
    assert len(local["members"]) > 20 and len(local["stories"]) > 5
    assert remote == local
    assert _report(ray_report) == _report(local_report)


def test_a_repeated_id_in_one_batch_is_cleaned_in_the_driver_with_the_same_result(tmp_path, ray_executor):
    docs = corpus()
    docs.insert(1, _raw("gazette-0", "gazette", "Another text under the id just read, said the desk.", 3))
    in_driver = ray_executor.local_batches
    _, local = _ingest(tmp_path, "local", LocalExecutor(), docs)
    _, remote = _ingest(tmp_path, "ray", ray_executor, docs)
    assert remote == local
    assert ray_executor.local_batches == in_driver + 1


def test_no_text_is_embedded_twice_and_a_rerun_stores_nothing_twice(tmp_path, ray_executor):
    log = tmp_path / "embedded.txt"
    enc = LoggingEncoder(log)
    with Store(tmp_path / "s.db") as store:
        p = Pipeline(store, encoder=enc, batch_size=4)
        p.executor = ray_executor
        first = p.ingest_documents(corpus())
        sent = _embedded(log)
        assert sent and len(sent) == len(set(sent)) == first.embedded
        before = snapshot(store)
        again = p.ingest_documents(corpus())  # an interrupted job run again: everything is stored already
        assert again.stored == [] and again.embedded == 0
        assert len(again.known) + len(again.rejected) == again.read  # the boilerplate-only record: rejected again
        assert [r.id for r in again.rejected] == [r.id for r in first.rejected] == ["only-footer"]
        assert _embedded(log) == sent  # nothing shipped to an encoder
        assert snapshot(store)["members"] == before["members"]
        assert store.article_count() == len(first.stored)


def test_a_worker_that_dies_is_retried_and_the_result_is_the_same(tmp_path, ray_executor):
    _, local = _ingest(tmp_path, "local", LocalExecutor(), corpus())
    flag = tmp_path / "died"
    enc = LoggingEncoder(tmp_path / "embedded.txt", die_once=flag)
    report, remote = _ingest(tmp_path, "ray", ray_executor, corpus(), encoder=enc)
    assert flag.exists()  # a worker did die
    assert remote == local
    assert len(report.stored) == len(local["members"])
    sent = _embedded(tmp_path / "embedded.txt")
    assert len(sent) == len(set(sent))


def test_without_ray_the_error_names_the_extra(monkeypatch):
    from babelwire.errors import MissingDependency
    from babelwire.pipeline import _ray

    monkeypatch.setitem(sys.modules, "ray", None)  # import ray fails
    with pytest.raises(MissingDependency, match=r'pip install "babelwire\[ray\]"'):
        _ray.RayExecutor().start()


def test_the_cli_ingests_on_ray_with_the_same_report(tmp_path, ray_executor):
    import json

    from click.testing import CliRunner

    from babelwire.cli import cli

    ray_executor.close_workers()  # the CLI's executor starts its own on the module's 2 CPUs
    runner = CliRunner()
    out = {}
    for engine in ("local", "ray"):
        args = ["ingest", str(EXAMPLES / "articles"), "--db", str(tmp_path / f"{engine}.db"), "-q",
                "--format", "json", "--engine", engine] + (["--workers", "2"] if engine == "ray" else [])
        r = runner.invoke(cli, args)
        assert r.exit_code == 0, r.output
        out[engine] = json.loads(r.stdout)
    assert out["ray"] == out["local"] and out["local"]["stored"] > 20


def test_workers_without_the_ray_engine_is_a_one_line_error(tmp_path):
    from click.testing import CliRunner

    from babelwire.cli import cli

    r = CliRunner().invoke(cli, ["ingest", str(EXAMPLES / "articles"), "--db", str(tmp_path / "s.db"),
                                 "--workers", "2"])
    assert r.exit_code == 1
    assert "--address and --workers are for --engine ray" in r.output


def test_workers_that_cannot_start_are_a_named_error_not_a_hang(tmp_path, ray_executor, monkeypatch):
    from babelwire.errors import EngineError
    from babelwire.pipeline import _ray

    monkeypatch.setattr(_ray, "START_TIMEOUT", 3.0)
    with RayExecutor(workers=3) as ex:  # 3 workers of 1 CPU on a 2-CPU instance: never all up
        with pytest.raises(EngineError, match="3 workers of 1 CPU"):
            _ingest(tmp_path, "ray", ex, corpus()[:2])


def test_a_cluster_address_nobody_answers_is_a_quick_named_error():
    import socket

    from babelwire.errors import EngineError
    from babelwire.pipeline._ray import _reachable

    with socket.socket() as s:  # a port nobody listens on once closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(EngineError, match=f"no Ray cluster answers at 127.0.0.1:{port}"):
        _reachable(f"127.0.0.1:{port}")
