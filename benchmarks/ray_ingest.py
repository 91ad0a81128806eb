#!/usr/bin/env python
"""Ingest on Ray against ingest in this process: articles/s, the ratio, identical stories, a projection.

    python benchmarks/ray_ingest.py /work/shared/data/semeval-dev/articles.jsonl --limit 300
    python benchmarks/ray_ingest.py ARTICLES.jsonl --workers 1,2,4 --encoder onnx

The first N articles are ingested from a fresh store three ways (or more): locally with one encoder
thread, then on a local Ray instance with 1 and 2 workers of one thread each (the same encoder, real).
Each Ray run is preceded by a small warm-up ingest into a throwaway store, so the workers' start-up
(process, model load, the cleaner's language models) is reported apart from the throughput. The
stories (memberships, scores, headlines) are compared with the local run's.

The projection: the driver's own time per article (everything outside waiting on the workers: dedupe,
line memory, assigning, writing) caps what any cluster can do; the workers' rate adds up until then.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from babelwire.pipeline import LocalExecutor, Pipeline
from babelwire.signals import get_encoder
from babelwire.store import Store


def _stories(store: Store) -> dict[str, Any]:
    members = {r["id"]: (r["story_id"], (store.membership(r["id"]) or {}).get("score"))
               for r in store.article_rows()}
    return {"members": members, "stories": sorted(store.story_rows())}


def _ingest(tmp: Path, name: str, data: Path, encoder: Any, executor: Any) -> tuple[float, Any, dict]:
    with Store(tmp / f"{name}.db") as store:
        p = Pipeline(store, encoder=encoder)
        p.executor = executor
        t = time.perf_counter()
        report = p.ingest([data])
        dt = time.perf_counter() - t
        return dt, report, _stories(store)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="a JSONL file of articles (semeval-dev/articles.jsonl)")
    ap.add_argument("--limit", type=int, default=300, help="ingest only the first N articles (default 300)")
    ap.add_argument("--encoder", default="onnx", help="encoder (default onnx, the real model)")
    ap.add_argument("--workers", default="1,2", help="Ray worker counts to run, comma-separated (default 1,2)")
    ap.add_argument("--project", default="4,8,16,32", help="worker counts to project to (default 4,8,16,32)")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    counts = [int(x) for x in args.workers.split(",")]

    import ray

    from babelwire.pipeline._ray import RayExecutor

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        data, warm = tmp / "articles.jsonl", tmp / "warm.jsonl"
        with args.data.open(encoding="utf-8") as f:
            lines = list(itertools.islice(f, args.limit + 8))
        data.write_text("".join(lines[: args.limit]), encoding="utf-8")
        warm.write_text("".join(lines[args.limit:]), encoding="utf-8")  # not in the measured set: nothing cached
        n = len(lines[: args.limit])

        encoder = get_encoder(args.encoder, threads=1)
        encoder.encode(["warm up"])
        _ingest(tmp, "local-warm", warm, encoder, LocalExecutor())  # the cleaner's models, as the workers get
        local_dt, local_report, local = _ingest(tmp, "local", data, encoder, LocalExecutor())
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before Ray")
        print(f"encoder: {encoder.fingerprint}; {n} articles, stored {len(local_report.stored)}, "
              f"{local_report.embedded} texts embedded")
        print(f"local (1 thread):       {n / local_dt:6.2f} articles/s  ({local_dt:.1f}s)")

        src = str(Path(__file__).resolve().parents[1] / "src")
        ray.init(num_cpus=max(counts), include_dashboard=False, logging_level="ERROR", log_to_driver=False,
                 runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join(
                     p for p in (src, os.environ.get("PYTHONPATH")) if p)}})
        per_worker, driver_per_article = 0.0, 0.0
        try:
            for k in counts:
                with RayExecutor(workers=k, threads=1) as ex:
                    t = time.perf_counter()
                    _ingest(tmp, f"ray{k}-warm", warm, encoder, ex)
                    startup = time.perf_counter() - t
                    waited = [0.0]
                    get = ex._get

                    def timed(refs: list[Any], get: Any = get, waited: list[float] = waited) -> list[Any]:
                        t0 = time.perf_counter()
                        try:
                            return get(refs)
                        finally:
                            waited[0] += time.perf_counter() - t0

                    ex._get = timed  # type: ignore[method-assign]
                    dt, report, stories = _ingest(tmp, f"ray{k}", data, encoder, ex)
                same = stories == local and report.as_dict() == local_report.as_dict()
                driver = dt - waited[0]
                per_worker = n / (waited[0] * k)  # the workers' rate, each, with the round trips in it
                driver_per_article = driver / n
                print(f"ray, {k} worker(s):     {n / dt:6.2f} articles/s  ({dt:.1f}s; ratio to local "
                      f"{local_dt / dt:.2f}; start-up {startup:.1f}s apart; driver busy {driver:.1f}s, "
                      f"waiting {waited[0]:.1f}s) stories identical: {'yes' if same else 'NO'}")
        finally:
            ray.shutdown()
        ceiling = 1 / driver_per_article if driver_per_article else float("inf")
        print(f"per worker: {per_worker:.2f} articles/s; the driver's own work caps a cluster at {ceiling:.1f} "
              f"articles/s ({driver_per_article * 1000:.0f} ms an article)")
        for k in (int(x) for x in args.project.split(",")):
            rate = 1 / (driver_per_article + 1 / (k * per_worker))
            print(f"  projected, {k:3d} workers: {rate:6.1f} articles/s")


if __name__ == "__main__":
    main()
