#!/usr/bin/env python
"""Train the pair scorer on a rated pair dataset and write the packaged parameter file.

    python scripts/train_scorer.py ../shared/data/semeval-dev --db semeval.db

It ingests DIR through the normal pipeline (embeddings cached in --db), computes
the pair features, fits the logistic model on all pairs, and writes
src/babelwire/data/pair_scorer.json. `babelwire eval pairs DIR` reports both the
packaged (in-sample) figures and 5-fold cross-validated ones.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from babelwire.evaluate.datasets import load_pairs
from babelwire.evaluate.pairs import CLEAR_WEIGHT, L2, TIME_PRIOR, build_pair_table, fit_scorer, train_params
from babelwire.pipeline import Pipeline
from babelwire.signals import get_encoder
from babelwire.store import Store

OUT = Path(__file__).resolve().parents[1] / "src" / "babelwire" / "data" / "pair_scorer.json"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("directory", help="dataset folder with articles.jsonl and pairs.jsonl")
    ap.add_argument("--db", default="train-scorer.db", help="store caching the embeddings")
    ap.add_argument("--encoder", default=None, help="encoder (default: the fastest installed)")
    ap.add_argument("--l2", type=float, default=None,
                    help="L2 regularisation strength (default: chosen by cross-validation among L2_GRID)")
    ap.add_argument("--clear-weight", type=float, default=CLEAR_WEIGHT,
                    help="weight of clearly same / clearly different pairs against ambiguous ones")
    ap.add_argument("--out", default=str(OUT), help="parameter file to write")
    ap.add_argument("--grace-days", type=float, default=TIME_PRIOR["grace_days"],
                    help="time prior: days apart that cost nothing")
    ap.add_argument("--per-day", type=float, default=TIME_PRIOR["per_day"],
                    help="time prior: log-odds lost per further day")
    ap.add_argument("--max-penalty", type=float, default=TIME_PRIOR["max"],
                    help="time prior: largest log-odds penalty")
    args = ap.parse_args()
    encoder = get_encoder(args.encoder)
    table = build_pair_table(load_pairs(args.directory), Pipeline(Store(args.db), encoder=encoder))
    if args.l2 is None and args.clear_weight == CLEAR_WEIGHT:
        params = fit_scorer(table)  # L2 chosen by cross-validation on the pairs
    else:
        params = train_params(table, l2=L2 if args.l2 is None else args.l2, clear_weight=args.clear_weight)
    # The rated pairs carry no publication dates, so the time gap cannot be learned from them:
    # a declared prior says that reports more than a few days apart are rarely one story.
    params["time_prior"] = {"grace_days": args.grace_days, "per_day": args.per_day, "max": args.max_penalty}
    params["trained_on"] = {"dataset": Path(args.directory).name, "pairs": len(table.pairs),
                            "encoder": encoder.fingerprint,
                            "l2": params.get("chosen_by_cv", {}).get("l2", args.l2),
                            "clear_weight": args.clear_weight}
    Path(args.out).write_text(json.dumps(params, indent=1) + "\n", encoding="utf-8")
    weights = dict(zip(params["features"], params["weights"], strict=True))
    print(f"wrote {args.out}: {len(table.pairs)} pairs, threshold {params['threshold']:.2f}")
    for name, w in sorted(weights.items(), key=lambda kv: -abs(kv[1])):
        print(f"  {name:<20} {w:+.3f}")


if __name__ == "__main__":
    main()
