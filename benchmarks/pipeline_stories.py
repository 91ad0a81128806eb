"""Print BCubed of the stories the *pipeline* stores for a labelled folder (ingest as the CLI does it).

`babelwire eval clusters` clusters the signals from scratch in memory; this one
reads the stories an ordinary ingest wrote — the working set, the merge pass
after each ingest of ``--chunk N`` inputs, and with ``--restart`` a new
pipeline for each chunk — included.

    PYTHONPATH=src python benchmarks/pipeline_stories.py examples --db /tmp/x.db [--encoder fake]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from babelwire.evaluate.clusters import load_gold
from babelwire.evaluate.metrics import bcubed
from babelwire.pipeline import Pipeline
from babelwire.signals import get_encoder
from babelwire.store import Store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("directory")
    ap.add_argument("--db")
    ap.add_argument("--encoder")
    ap.add_argument("--chunk", type=int, default=0, help="ingest N inputs at a time")
    ap.add_argument("--restart", action="store_true", help="a new pipeline for every chunk")
    args = ap.parse_args()
    inputs, gold, _ = load_gold(Path(args.directory))
    db = args.db or str(Path(tempfile.mkdtemp()) / "stories.db")
    encoder = get_encoder(args.encoder)
    with Store(db) as store:
        p = Pipeline(store, encoder=encoder)
        docs = p.read(inputs).documents
        step = args.chunk or len(docs)
        for i in range(0, len(docs), step):
            p.ingest_documents(docs[i : i + step])
            if args.restart:
                p = Pipeline(store, encoder=encoder)
        predicted = {r["id"]: r["story_id"] for r in store.article_rows()}
        held = len(p.clusterer.assignments())
    b = bcubed(predicted, gold)
    print(f"{len(predicted)} articles stored, {held} held in the working set; "
          f"BCubed P {b['precision']:.3f} R {b['recall']:.3f} F1 {b['f1']:.3f}")


if __name__ == "__main__":
    main()
