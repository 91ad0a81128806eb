"""The ingest pipeline: sources -> clean -> signals -> cluster -> store, one batch per transaction."""

from ._engines import ENGINES, open_executor
from ._pipeline import Duplicate, IngestReport, Pipeline, RecordResult
from ._replay import replay
from ._steps import Batch, BatchLineMemory, Executor, LocalExecutor

__all__ = ["Pipeline", "IngestReport", "RecordResult", "Duplicate", "Batch", "BatchLineMemory", "Executor",
           "LocalExecutor", "ENGINES", "open_executor", "replay"]
