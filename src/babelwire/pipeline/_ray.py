"""Ingest on Ray: reading, cleaning and embedding on a pool of workers, everything order-dependent in the driver.

``RayExecutor`` is an ``Executor`` (``_steps.py``): for the same input it gives the stories a
``LocalExecutor`` gives, id for id. Per batch it makes three round trips to a pool of long-lived actors
(each loads the encoder once):

1. line keys: which lines each record's cleaning looks up in the source's line memory;
2. clean: each record cleaned against a frozen view of the line memory, the view the driver worked
   out by replaying the batch in order (``BatchLineMemory``: the store's counts plus the records of the
   same source earlier in the batch), so a remote clean sees exactly what a local one would;
3. signals: the kept articles' embeddings and signals, with the vectors the store caches shipped along,
   so a text is never embedded twice (texts two articles share go to one worker).

The driver runs every other step in order: skipping known ids, skipping known texts, assigning stories
and writing the batch in one transaction, as the local pipeline does. Workers never touch the store, so
a worker that dies is restarted and its call retried (``max_restarts``/``max_task_retries``) without
anything stored twice; a rerun skips what is stored, by id and by content hash.
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import EncoderMismatch, EngineError, MissingDependency, RejectedInput
from ..model import RawDocument, content_hash, failure
from ..sources import ReadResult, read_path
from ._ray_worker import Cleaned, LineView, SignalsResult, Worker
from ._steps import Batch, BatchLineMemory, BatchStep, Clean, RecordStep, Signals, SkipKnownId

__all__ = ["RayExecutor", "ray_available", "PIP_RAY"]

log = logging.getLogger(__name__)

PIP_RAY = 'pip install "babelwire[ray]"'
RETRIES = 3  # restarts of a dead worker, and retries of the call it was running
START_TIMEOUT = 300.0  # seconds for the pool to start (model loads included) before giving up


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise MissingDependency(f"the ray engine needs ray: {PIP_RAY}") from exc
    return ray


def ray_available() -> bool:
    """Return whether Ray is installed."""
    import importlib.util

    return importlib.util.find_spec("ray") is not None


def _reachable(address: str) -> None:
    """Raise EngineError unless a ``HOST:PORT`` address answers (Ray itself waits minutes on a wrong one)."""
    import socket

    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or "://" in address:
        return  # auto, or a ray:// client address: Ray's own errors are quick there
    try:
        socket.create_connection((host or "127.0.0.1", int(port)), timeout=5).close()
    except OSError as exc:
        raise EngineError(f"no Ray cluster answers at {address}: {exc}; start one with "
                          "`ray start --head`, or leave --address out to start Ray here") from exc


def _read_many(files: Sequence[str], max_article_mb: float | None) -> list[ReadResult]:
    return [read_path(f, max_article_mb=max_article_mb) for f in files]


def _chunks(items: Sequence[Any], n: int) -> list[list[Any]]:
    """Return ``items`` cut into at most ``n`` contiguous chunks of nearly equal size (none empty)."""
    n = max(1, min(n, len(items)))
    size, extra = divmod(len(items), n)
    out, start = [], 0
    for i in range(n):
        end = start + size + (1 if i < extra else 0)
        out.append(list(items[start:end]))
        start = end
    return out


class RayExecutor:
    """Runs the pipeline's steps on a Ray cluster; use it with ``with``, then set ``pipeline.executor``.

    ``address`` is a running cluster's (``auto``: the one ``ray start`` set up on this node); None starts
    a Ray instance in this process, or uses the one already started (``ray.init``). ``workers`` is how
    many actors (default: the cluster's CPUs divided by ``threads``); ``threads`` the CPU threads each
    gives its encoder (default 1).
    """

    def __init__(self, *, address: str | None = None, workers: int | None = None, threads: int | None = None) -> None:
        self.address = address
        self.workers = workers
        self.threads = threads
        self._started = False  # we started Ray, so we shut it down
        self._actors: list[Any] = []
        self._made_for: bytes | None = None  # what the workers were made with, pickled
        self.local_batches = 0  # batches whose record steps ran in the driver (see _remote_clean)

    # -- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> RayExecutor:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Connect to (or start) Ray."""
        ray = _ray()
        if ray.is_initialized():
            return
        if self.address:
            _reachable(self.address)
        # a Ray started here runs its workers on this install (a checkout on PYTHONPATH included); a cluster's
        # nodes have their own
        env = None if self.address else {"env_vars": {"PYTHONPATH": os.pathsep.join(
            p for p in (str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH")) if p)}}
        try:
            ray.init(address=self.address, include_dashboard=False, logging_level=logging.WARNING,
                     runtime_env=env)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = self.address or "a local instance"
            raise EngineError(f"could not start Ray ({where}): {exc}") from exc
        self._started = True

    def close(self) -> None:
        """Stop the workers, and Ray if this executor started it."""
        if not self._actors and not self._started:
            return
        ray = _ray()
        for a in self._actors:
            try:
                ray.kill(a)
            except Exception:  # noqa: BLE001 - a dead actor needs no killing
                log.debug("killing a Ray worker failed", exc_info=True)
        self._actors, self._made_for = [], None
        if self._started:
            ray.shutdown()
            self._started = False

    # -- the pool --------------------------------------------------------------------------------
    def _pool(self, cleaner: Any, pipeline: Any) -> list[Any]:
        """Return the actors for ``cleaner`` and ``pipeline``'s extractor and encoder, made on first use."""
        extractor = _without_cache(pipeline.extractor)
        if cleaner is not None:  # shipped without the driver's line memory (it holds the store)
            cleaner = copy.copy(cleaner)
            cleaner.line_memory = None
        self.start()
        ray = _ray()
        # the workers serve every pipeline that ships them the same things (each one's start-up costs seconds)
        made_for = ray.cloudpickle.dumps((cleaner, extractor, pipeline.encoder))
        if self._actors and self._made_for == made_for:
            return self._actors
        self.close_workers()
        threads = self.threads or 1
        n = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1) // threads))
        actor = ray.remote(Worker).options(num_cpus=threads, max_restarts=RETRIES, max_task_retries=RETRIES)
        self._actors = [actor.remote(cleaner, extractor, pipeline.encoder, threads) for _ in range(n)]
        self._made_for = made_for
        fps = self._get([a.fingerprint.remote() for a in self._actors], timeout=START_TIMEOUT,
                        waiting=f"{n} workers of {threads} CPU(s) each to start (the cluster has "
                                f"{ray.available_resources().get('CPU', 0):g} CPUs free)")
        want = pipeline.encoder.fingerprint
        if any(fp != want for fp in fps):
            other = next(fp for fp in fps if fp != want)
            raise EncoderMismatch(f"a Ray worker's encoder is {other!r}, not this ingest's {want!r}; "
                                  "install the same babelwire and model on every node")
        log.info("ray: %d workers, %d thread(s) each", n, threads)
        return self._actors

    def close_workers(self) -> None:
        """Stop the workers (Ray stays up)."""
        if self._actors:
            ray = _ray()
            for a in self._actors:
                try:
                    ray.kill(a)
                except Exception:  # noqa: BLE001 - a dead actor needs no killing
                    log.debug("killing a Ray worker failed", exc_info=True)
        self._actors, self._made_for = [], None

    def _get(self, refs: list[Any], *, timeout: float | None = None, waiting: str = "") -> list[Any]:
        ray = _ray()
        try:
            return list(ray.get(refs, timeout=timeout))
        except ray.exceptions.GetTimeoutError as exc:
            self.close_workers()
            raise EngineError(f"waited {timeout:g} s for {waiting}; use fewer --workers, or free the "
                              "cluster's CPUs") from exc
        except ray.exceptions.RayActorError as exc:
            raise EngineError(f"a Ray worker died {RETRIES + 1} times; nothing of this batch was stored "
                              f"(rerun to go on where it stopped): {exc}") from exc
        except ray.exceptions.RayError as exc:
            raise EngineError(f"a Ray worker failed: {exc}") from exc

    def _map(self, actors: list[Any], method: str, items: Sequence[Any]) -> list[Any]:
        """Return ``method`` over ``items``, cut into one contiguous chunk per actor, results in order."""
        if not items:
            return []
        chunks = _chunks(items, len(actors))
        parts = self._get([getattr(a, method).remote(c) for a, c in zip(actors, chunks, strict=False)])
        return [x for part in parts for x in part]

    # -- reading ---------------------------------------------------------------------------------
    def read_files(self, files: Iterable[Path], *, max_article_mb: float | None = None) -> Iterator[ReadResult]:
        """Yield what the readers found in each of ``files``, in order, read by Ray tasks on this node
        (where the files are), as many tasks as workers."""
        paths = [str(f) for f in files]
        if not paths:
            return
        self.start()
        ray = _ray()
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        here = NodeAffinitySchedulingStrategy(ray.get_runtime_context().get_node_id(), soft=False)
        # no CPU reserved: the workers may hold every CPU between batches, and reading must not wait for them
        task = ray.remote(_read_many).options(num_cpus=0, max_retries=RETRIES, scheduling_strategy=here)
        n = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        for part in self._get([task.remote(c, max_article_mb) for c in _chunks(paths, n)]):
            yield from part

    # -- one batch -------------------------------------------------------------------------------
    def run(self, records: Sequence[RecordStep], steps: Sequence[BatchStep], batch: Batch) -> Batch:
        """Return ``batch`` after every step: cleaning and signals on the workers, the rest here, in order."""
        clean = next((s for s in records if isinstance(s, Clean)), None)
        sig = next((s for s in steps if isinstance(s, Signals)), None)
        if sig is None:
            raise EngineError("the ray executor needs the pipeline's Signals step")
        actors = self._pool(clean.cleaner if clean else None, sig.pipeline)
        cleaned = self._remote_clean(actors, records, clean, batch)
        for i, raw in enumerate(batch.docs):
            kept = len(batch.articles)
            try:
                for step in records:
                    ok = self._take(cleaned, i, raw, batch) if step is clean and cleaned is not None \
                        else step(raw, batch)
                    if not ok:
                        break
            except RejectedInput as exc:
                del batch.articles[kept:]
                batch.reject(raw, str(exc))
            except Exception as exc:  # noqa: BLE001 - a bug met by one record must not stop the batch
                log.warning("cleaning %s failed: %s", raw.origin, failure(exc))
                del batch.articles[kept:]
                batch.reject(raw, failure(exc))
        for bstep in steps:
            if bstep is sig:
                self._remote_signals(actors, sig, batch)
            else:
                bstep(batch)
        return batch

    @staticmethod
    def _take(cleaned: dict[int, Cleaned], i: int, raw: RawDocument, batch: Batch) -> bool:
        """Do what the Clean step does with record ``i``, from its remote result."""
        c = cleaned.get(i)
        if c is None:
            raise EngineError(f"record {raw.id!r} reached cleaning without a result from the workers")
        if c.article is not None:
            batch.articles.append(c.article)
            return True
        if c.rejected is not None:
            return batch.reject(raw, c.rejected)
        log.warning("cleaning %s failed: %s", raw.origin, c.failed)
        return batch.reject(raw, c.failed or "cleaning failed")

    def _remote_clean(self, actors: list[Any], records: Sequence[RecordStep], clean: Clean | None,
                      batch: Batch) -> dict[int, Cleaned] | None:
        """Return record index -> its cleaning, done by the workers, for every record that will reach the
        Clean step; None where cleaning must run here (``local_batches`` counts those batches).

        Which records reach it is known up front when only SkipKnownId steps come before it and no id
        repeats in the batch (whether a repeat is known depends on how its twin's cleaning went); and what
        the line memory tells each one is known by replaying the batch's observations in order, as the
        cleaner makes them: every record that reaches the Clean step and gets past reading its lines.
        """
        if clean is None:
            return None
        before = [s for s in records[: list(records).index(clean)] if isinstance(s, SkipKnownId)]
        memory = clean.memory
        if len(before) < list(records).index(clean) or (
                memory is None and getattr(clean.cleaner, "line_memory", None) is not None):
            self.local_batches += 1  # a step we cannot foresee, or a cleaner with a memory of its own
            return None
        todo = [(i, raw) for i, raw in enumerate(batch.docs)
                if not any(s.store.has_article(raw.id) for s in before)]
        if len({raw.id for _, raw in todo}) < len(todo):
            self.local_batches += 1
            return None
        views: list[LineView | None] = [None] * len(todo)
        if memory is not None:
            keys = self._map(actors, "line_keys", [raw for _, raw in todo])
            views = _replay(memory, clean.cleaner, [raw for _, raw in todo], keys)
        done = self._map(actors, "clean", [(raw, v) for (_, raw), v in zip(todo, views, strict=True)])
        return {i: c for (i, _), c in zip(todo, done, strict=True)}

    def _remote_signals(self, actors: list[Any], step: Signals, batch: Batch) -> None:
        """Do the Signals step on the workers: ship each article with the cached vectors of its texts; the
        texts no one cached yet are embedded once, by the worker that gets every article needing them."""
        if not batch.articles:
            return
        p = step.pipeline
        fp = p.encoder.fingerprint
        hashes = [[content_hash(t) for t in p.extractor.embedded_texts(a)] for a in batch.articles]
        cached = p.cache.store.get_vectors({h for hs in hashes for h in hs}, encoder=fp)
        groups = _share_groups([[h for h in hs if h not in cached] for hs in hashes])
        plan = _balance(groups, hashes, cached, len(actors))
        calls = [(idx, [batch.articles[i] for i in idx], {h: cached[h] for i in idx for h in hashes[i] if h in cached})
                 for idx in plan]
        results: list[SignalsResult] = self._get([a.signals.remote(arts, vecs, fp)
                                                  for a, (_, arts, vecs) in zip(actors, calls, strict=False)])
        signals: dict[int, Any] = {}
        keep = [True] * len(batch.articles)
        reasons: dict[int, str] = {}
        new: dict[str, Any] = {}
        for (idx, _, _), r in zip(calls, results, strict=True):
            it = iter(r.signals)
            for j, i in enumerate(idx):
                if r.keep[j]:
                    signals[i] = next(it)
                else:
                    keep[i], reasons[i] = False, r.reasons[j]
            new.update(r.vectors)
        # cached in the order the local Signals step would embed them: first use in the batch
        order = list(dict.fromkeys(h for hs in hashes for h in hs if h in new))
        if new:
            p.cache.store.put_vectors({h: new[h] for h in order}, encoder=fp)
        p.cache.embedded += len(new)
        batch.embedded = len(new)
        batch.signals = [signals[i] for i in range(len(batch.articles)) if keep[i]]
        if not all(keep):
            log.warning("embedding failed for %d article(s); rejected with the reason", keep.count(False))
            batch.drop(keep, reasons)


def _replay(memory: BatchLineMemory, cleaner: Any, docs: Sequence[RawDocument],
            keys: Sequence[frozenset[str] | None]) -> list[LineView | None]:
    """Return what the line memory tells each record, observing each record's keys after it, in order, as
    the Clean step and the cleaner do locally (a record whose cleaning fails before the memory observes
    nothing and gets no view)."""
    least = getattr(cleaner, "recur_min_documents", 0)
    views: list[LineView | None] = []
    for raw, ks in zip(docs, keys, strict=True):
        memory.cleaning(raw.id)
        if ks is None:
            views.append(None)
            continue
        source = raw.source
        seen = memory.documents(source)
        counts = {k: c for k in ks if (c := memory.count(source, k))} if seen >= least else {}
        views.append(LineView(seen, counts))
        memory.observe(source, ks)
    return views


def _share_groups(missing: list[list[str]]) -> list[list[int]]:
    """Return the articles grouped so that two articles needing one uncached text are in one group
    (connected components), each group in article order, groups in order of their first article."""
    parent = list(range(len(missing)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, hs in enumerate(missing):
        for h in hs:
            if h in owner:
                a, b = find(owner[h]), find(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                owner[h] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(missing)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _balance(groups: list[list[int]], hashes: list[list[str]], cached: dict[str, Any], n: int) -> list[list[int]]:
    """Return ``groups`` dealt to at most ``n`` workers, each next group to the least loaded (load: texts to
    embed, plus a little per article for the rest of its signals); each worker's articles in order."""
    load = [0.0] * max(1, n)
    parts: list[list[int]] = [[] for _ in load]
    for g in groups:
        w = min(range(len(load)), key=lambda k: load[k])
        parts[w] += g
        load[w] += sum(1 for i in g for h in set(hashes[i]) if h not in cached) + 0.2 * len(g)
    return [sorted(p) for p in parts if p]


def _without_cache(extractor: Any) -> Any:
    """Return a copy of ``extractor`` without its cache (the store's; a worker gets its own)."""
    ex = copy.copy(extractor)
    ex.cache = None
    return ex

