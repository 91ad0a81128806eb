"""Replaying an ingest journal: the batches and passes several writers committed, in one process, in their order.

Writers take turns per batch (the store's write lock), so however many ingests and servers wrote to a
store, its journal is one serial order of batches and passes. Replaying it into a fresh store gives the
stories a single writer gets from that order: how the concurrency tests prove that taking turns decides
nothing differently, and a way to reproduce a store's stories from its inputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import ReplayDiverged
from ..model import RawDocument
from ._pipeline import IngestReport, Pipeline
from ._steps import journal_key

__all__ = ["replay"]


def replay(pipeline: Pipeline, journal: Iterable[Mapping[str, Any]], documents: Iterable[RawDocument]
           ) -> IngestReport:
    """Return the report of running ``journal``'s entries (``store.journal()``) through ``pipeline`` in order:
    each batch's inputs (found among ``documents`` by id and origin, as journalled) as one batch, each pass
    where it ran.

    Raises ``ReplayDiverged`` when an input is missing or a pass is owed other stories than it was.
    """
    by_key = {journal_key(d): d for d in documents}
    report = IngestReport()
    for entry in journal:
        items = list(entry["items"])
        if entry["kind"] == "batch":
            missing = [i for i in items if i not in by_key]
            if missing:
                raise ReplayDiverged(f"journal entry {entry['seq']}: no input {missing[0]!r} "
                                     f"({len(missing)} missing)")
            pipeline.ingest_batch([by_key[i] for i in items], report)
        elif entry["kind"] == "pass":
            owed = pipeline.store.owed_passes()
            if owed != set(items):
                raise ReplayDiverged(f"journal entry {entry['seq']}: the pass was owed {len(items)} stories, "
                                     f"the replay owes {len(owed)} ({len(owed ^ set(items))} differ)")
            pipeline.finish_passes()
        else:
            raise ReplayDiverged(f"journal entry {entry['seq']}: unknown kind {entry['kind']!r}")
    return report

