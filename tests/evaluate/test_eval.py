"""`eval clusters` and `eval pairs` on a small pair dataset written from the examples corpus (fake encoder)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from babelwire.evaluate.clusters import evaluate_clusters
from babelwire.evaluate.pairs import evaluate_pairs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def pair_dataset(tmp_path_factory) -> Path:
    """articles.jsonl from the examples' plain-text articles; pairs: every same-story pair (rated 1) and
    the pairs of each story's first article with the next story's (rated 4), plus a few ambiguous ones."""
    d = tmp_path_factory.mktemp("pairs")
    stories = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))["stories"]
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted((EXAMPLES / "articles").glob("*.txt"))}
    members = [[a for a in s["articles"] if a in texts] for s in stories.values()]
    members = [m for m in members if m]
    with (d / "articles.jsonl").open("w", encoding="utf-8") as fh:
        for aid, text in texts.items():
            fh.write(json.dumps({"id": aid, "text": text}, ensure_ascii=False) + "\n")
    pairs = [(a, b, 1.0) for m in members for a, b in itertools.combinations(m, 2)]
    pairs += [(m[0], n[0], 4.0) for m, n in itertools.pairwise(members)]
    pairs += [(m[-1], n[-1], 2.0) for m, n in itertools.pairwise(members[:4])]  # ambiguous: unlabelled
    with (d / "pairs.jsonl").open("w", encoding="utf-8") as fh:
        for a, b, overall in pairs:
            fh.write(json.dumps({"id1": a, "id2": b, "overall": overall}) + "\n")
    return d


def test_eval_clusters_reports_pairs_orders_and_cross_validation(pair_dataset, tmp_path, open_store):
    result = evaluate_clusters(pair_dataset, open_store(tmp_path / "e.db"), orders=2, folds=3)
    labelled = sum(1 for line in (pair_dataset / "pairs.jsonl").read_text().splitlines()
                   if json.loads(line)["overall"] != 2.0)
    assert result["labelled_pairs"] == labelled
    assert result["articles"] == len((pair_dataset / "articles.jsonl").read_text().splitlines())
    assert 0.0 <= result["f1"] <= 1.0 and result["stories"] >= 1
    cv = result["cross_validated"]
    assert cv["folds"] == 3 and cv["labelled_pairs"] == labelled  # every labelled pair judged in one fold
    assert cv["f1"] is not None and 0.0 <= cv["f1"] <= 1.0
    assert len(result["orders"]["runs"]) == 2


def test_eval_clusters_without_folds_skips_cross_validation(pair_dataset, tmp_path, open_store):
    result = evaluate_clusters(pair_dataset, open_store(tmp_path / "e.db"))
    assert "cross_validated" not in result and "orders" not in result


def test_eval_pairs_cross_validates(pair_dataset, tmp_path, open_store):
    result = evaluate_pairs(str(pair_dataset), open_store(tmp_path / "p.db"), folds=3)
    assert result["pairs_missing"] == 0
    assert result["cross_validated"]["folds"] == 3


def test_eval_clusters_says_when_there_is_nothing_to_cross_validate(tmp_path, caplog, open_store):
    d = tmp_path / "gold"
    d.mkdir()
    (d / "articles.jsonl").write_text(json.dumps({"id": "x", "text": (EXAMPLES / "articles" / "e01_en_caspianwire.txt")
                                                  .read_text(encoding="utf-8"), "story": "s1"}) + "\n")
    with caplog.at_level("WARNING"):
        result = evaluate_clusters(d, open_store(tmp_path / "g.db"), folds=5)
    assert "cross_validated" not in result and result["bcubed"]["f1"] == 1.0
    assert "no labelled pairs" in caplog.text
