"""Which executor an ingest runs on: ``local`` (this process) or ``ray`` (a Ray cluster)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import InvalidArgument
from ._steps import Executor, LocalExecutor

__all__ = ["ENGINES", "open_executor"]

ENGINES = ("local", "ray")


@contextmanager
def open_executor(engine: str = "local", *, address: str | None = None, workers: int | None = None,
                  threads: int | None = None) -> Iterator[Executor]:
    """Yield the executor for ``engine``, stopped on leaving: ``local``, or ``ray`` at ``address`` (None: a
    Ray instance started here) with ``workers`` workers of ``threads`` encoder threads each."""
    if engine == "local":
        if address or workers:
            raise InvalidArgument("--address and --workers are for --engine ray")
        yield LocalExecutor()
        return
    if engine != "ray":
        raise InvalidArgument(f"unknown engine {engine!r}; choose {' or '.join(ENGINES)}")
    if workers is not None and workers < 1:
        raise InvalidArgument(f"--workers must be at least 1, not {workers}")
    from ._ray import RayExecutor

    with RayExecutor(address=address, workers=workers, threads=threads) as ex:
        yield ex
