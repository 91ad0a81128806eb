"""The ingest pipeline: sources -> clean -> signals -> cluster -> store, one batch per transaction."""

from ._pipeline import Duplicate, IngestReport, Pipeline, StoreLineMemory

__all__ = ["Pipeline", "IngestReport", "Duplicate", "StoreLineMemory"]
