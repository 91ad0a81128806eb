#!/usr/bin/env python
"""How a store of 10k, 100k or 1M articles behaves: restore, a 10-article batch, memory, bytes, clustering.

    PYTHONPATH=src python benchmarks/store_scale.py --sizes 10000 100000 1000000 --dir /tmp/scale

For each size a store is built once (kept in ``--dir`` for the next run):
synthetic articles, vectors and signals written through the real store code
(``add_article``, ``assign``, ``put_signals``, ``put_totals``), about five reports
per event, publication dates spread over a year and arriving in date order.
Then a fresh process opens it and measures:

* restore: open the store and a pipeline, and restore the clusterer;
* batch: ingest 10 new articles end to end (clean, signals, assign, merge pass,
  write), the encoder's own time taken out (embedding excluded), warm: the
  language identifier and MinHash library, loaded on first use (about 2 s of
  imports a CLI process pays once), are loaded before it;
* link / unlink / split: the CLI commands, each its own process (start-up included);
* peak RSS of the measuring process, database bytes per article;
* clustering: ``learn_many`` over 2,000 more synthetic articles, batches of 32.

Prints a table; asserts nothing. Vectors are 384-d (the e5 size; fake:384 encoder).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from babelwire.model import Article, RawDocument
from babelwire.signals.profile import ArticleSignals
from babelwire.store import Store

DIM, PER_EVENT, DAYS, START = 384, 5, 365, date(2025, 1, 1)
ENCODER = "fake:384"


def _event_signals(rng, e: int, n_events: int, shared: np.ndarray, centre: np.ndarray, i: int) -> ArticleSignals:
    v = 0.85 * shared + 0.45 * centre + 0.2 * rng.normal(size=DIM).astype(np.float32) / np.sqrt(DIM)
    v = (v / np.linalg.norm(v)).astype(np.float32)
    day = START.toordinal() + DAYS * e / n_events + float(rng.random())
    return ArticleSignals(id=f"a{i:07d}", lang=("en", "de", "bg")[i % 3], source=f"s{i % 50}", day=day,
                          full=v, lead=v, passages=v[None, :], centred=v, dated=True, script="Latn",
                          entities=Counter({f"e{e}n{k}": 1 for k in rng.choice(8, 3, replace=False)}),
                          numbers={str(e), str(e * 7)}, minhash=rng.integers(0, 2**32, 64, dtype=np.uint32))


def _article(s: ArticleSignals) -> Article:
    d = datetime.fromordinal(int(s.day)) + timedelta(days=s.day % 1)
    text = f"Report {s.id} on event {sorted(s.entities)[0]}: numbers {' '.join(sorted(s.numbers))}."
    return Article(id=s.id, source=s.source or "", origin=f"/synthetic/{s.id}.txt", format="text",
                   read_at=datetime.now(UTC), raw=text, title=f"Title {s.id}", text=text, lang=s.lang,
                   published=d.isoformat(timespec="minutes"), published_provenance="metadata")


def build(path: Path, n: int, seed: int = 0) -> None:
    """Write a synthetic store of ``n`` articles to ``path``."""
    rng = np.random.default_rng(seed)
    n_events = max(1, n // PER_EVENT)
    shared = rng.normal(size=DIM).astype(np.float32)
    shared /= np.linalg.norm(shared)
    sums = {"all": np.zeros(DIM), "sum_full": np.zeros(DIM), "sum_lead": np.zeros(DIM)}
    by_lang: dict[str, np.ndarray] = {}
    counts: Counter[str] = Counter()
    df: Counter[str] = Counter()
    with Store(path) as store:
        store.set_setting("encoder", f"fake/{DIM}")
        store.set_setting("encoder_name", ENCODER)
        for lo in range(0, n, 5000):
            with store.transaction():
                batch = []
                for i in range(lo, min(n, lo + 5000)):
                    e = i // PER_EVENT  # events in date order, their reports together
                    centre = np.random.default_rng(e).normal(size=DIM).astype(np.float32)
                    batch.append(_event_signals(rng, e, n_events, shared, centre / np.linalg.norm(centre), i))
                for s in batch:
                    sid = f"s{int(s.id[1:]) // PER_EVENT:07d}"
                    store.add_article(_article(s), embed_hash=f"h{s.id}")
                    store.upsert_story(sid, f"Title {s.id}")
                    store.assign(s.id, sid, score=0.9, evidence={"method": "synthetic"})
                    for k in ("all", "sum_full", "sum_lead"):
                        sums[k] += s.full
                    by_lang[s.lang] = by_lang.get(s.lang, np.zeros(DIM)) + s.full
                    counts[s.lang] += 1
                    df.update(set(s.entities))
                store.put_signals(batch)
        vectors = {k: (n, v) for k, v in sums.items()}
        vectors.update({f"lang:{k}": (counts[k], v) for k, v in by_lang.items()})
        with store.transaction():
            store.put_totals(vectors, n, dict(df), replace=True)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _new_docs(clock: float, k: int = 10) -> list[RawDocument]:
    day = datetime.fromordinal(int(clock)) + timedelta(hours=12)
    return [RawDocument(id=f"new{i}", source=f"s{i}", origin=f"/new/{i}.txt", format="text",
                        read_at=datetime.now(UTC), title=f"Port strike number {i} enters its second day",
                        text=f"Port strike number {i} enters its second day.\n\nWorkers at the harbour of city {i} "
                             f"walked out on Monday demanding a raise of {10 + i} percent, the union said. "
                             "Ships queued outside the port while talks with the operator stalled.",
                        published=day.isoformat(timespec="minutes"))
            for i in range(k)]


def _cli(*args: str, db: Path) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "babelwire.cli", *args, "--db", str(db)], check=True,
                   capture_output=True, env={**os.environ, "BABELWIRE_ENCODER": ENCODER})
    return time.perf_counter() - t


def measure(path: Path) -> dict[str, float]:
    """Return the figures for the store at ``path`` (run in a fresh process)."""
    from babelwire.pipeline import Pipeline
    from babelwire.signals import get_encoder

    encoder = get_encoder(ENCODER)
    spent = [0.0]
    encode = encoder.encode

    def timed(texts, **kw):
        t = time.perf_counter()
        try:
            return encode(texts, **kw)
        finally:
            spent[0] += time.perf_counter() - t

    encoder.encode = timed  # type: ignore[method-assign]
    from babelwire.clean._lang import detect_language
    from babelwire.signals.sketch import minhash

    detect_language("A warm-up sentence, so the language model is loaded before the clock runs.")
    minhash("a warm up text for the minhash library")
    out: dict[str, float] = {}
    t = time.perf_counter()
    with Store(path) as store:
        p = Pipeline(store, encoder=encoder)
        c = p.clusterer
        out["restore_s"] = time.perf_counter() - t
        out["held"] = len(c.assignments())
        out["articles"] = store.article_count()
        clock = store.newest_day()
        t = time.perf_counter()
        report = p.ingest_documents(_new_docs(clock))
        out["batch_s"] = time.perf_counter() - t - spent[0]
        assert len(report.stored) == 10, report.as_dict()
        rng = np.random.default_rng(1)
        shared = np.asarray(c.signals(c.labels_[0]).full)
        xs = []
        for i in range(2000):
            centre = rng.normal(size=DIM).astype(np.float32)
            s = _event_signals(rng, 10**7 + i // PER_EVENT, 1, shared, centre / np.linalg.norm(centre), 10**7 + i)
            s.day = clock + i / 2000
            s.centred = None
            xs.append({"id": s.id, "signals": s})
        t = time.perf_counter()
        for i in range(0, len(xs), 32):
            p.clusterer.learn_many(xs[i : i + 32])
        out["cluster_per_s"] = len(xs) / (time.perf_counter() - t)
    size = sum(os.path.getsize(f) for f in (path, Path(f"{path}-wal")) if f.exists())
    out["bytes_per_article"] = size / out["articles"]
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def corrections(path: Path, n: int) -> dict[str, float]:
    """Return the wall time of ``babelwire link``, ``unlink`` and ``split`` on the store, each a new process:
    link and unlink on recent stories, split on the oldest (which the working set must load)."""
    last = (n - 1) // PER_EVENT
    a, b = f"a{(last - 1) * PER_EVENT:07d}", f"a{(last - 2) * PER_EVENT:07d}"
    return {"link_s": _cli("link", a, b, db=path), "unlink_s": _cli("unlink", f"a{(last - 1) * PER_EVENT + 1:07d}",
                                                                    db=path),
            "split_s": _cli("split", "s0000000", db=path)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--dir", type=Path, default=Path("/tmp/babelwire-scale"))
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in args.sizes:
        path = args.dir / f"store-{n}.db"
        if not path.exists():
            t = time.perf_counter()
            build(path, n)
            print(f"built {n} articles in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        fresh = args.dir / f"measure-{n}.db"  # measured on a copy, so every run starts from the same store
        subprocess.run(["cp", str(path), str(fresh)], check=True)
        child = subprocess.run([sys.executable, __file__, "--measure", str(fresh)], check=True,
                               capture_output=True, text=True)
        r = json.loads(child.stdout.strip().splitlines()[-1])
        r.update(corrections(fresh, n))
        rows.append((n, r))
        fresh.unlink()
        for suffix in ("-wal", "-shm"):
            Path(f"{fresh}{suffix}").unlink(missing_ok=True)
    cols = [("restore_s", "restore s", "{:.2f}"), ("batch_s", "10-article batch s", "{:.2f}"),
            ("peak_rss_mib", "peak RSS MiB", "{:.0f}"), ("bytes_per_article", "bytes/article", "{:.0f}"),
            ("cluster_per_s", "clustering art/s", "{:.0f}"), ("held", "held", "{:.0f}"),
            ("link_s", "link s", "{:.2f}"), ("unlink_s", "unlink s", "{:.2f}"), ("split_s", "split s", "{:.2f}")]
    print("| articles | " + " | ".join(c[1] for c in cols) + " |")
    print("|---:|" + "---:|" * len(cols))
    for n, r in rows:
        print(f"| {n:,} | " + " | ".join(fmt.format(r[k]) for k, _, fmt in cols) + " |")


if __name__ == "__main__":
    main()
