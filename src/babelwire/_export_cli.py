"""The edge of ``babelwire export``: where the bytes go (a file, a folder of tables, stdout), the bar, the summary."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

import click

from .export import Exporter, ExportRequest, format_for_path

__all__ = ["run_export"]

TABLES = ("stories", "articles", "memberships")
SUFFIX = {"jsonl": ".jsonl", "csv": ".csv", "parquet": ".parquet"}


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return f"{n} B"  # pragma: no cover


def _stdout_is_tty() -> bool:
    return sys.stdout.isatty()


def run_export(db: str, *, table: str, output: str, fmt: str | None, quiet: bool, vectors: bool,
               filters: dict[str, Any]) -> None:
    """Run ``babelwire export``: check the destination, stream each table to it, then summarise on stderr."""
    from .cli import _err_console, _progress_bar, open_store

    to_stdout = output == "-"
    if table == "all":
        if to_stdout or format_for_path(output):
            raise click.UsageError("--table all writes one file per table: give -o a folder")
        if Path(output).exists() and not Path(output).is_dir():
            raise click.UsageError(f"--table all writes one file per table: {output} is a file, not a folder")
        fmt = fmt or "jsonl"
        targets: list[tuple[str, Path | None]] = [(t, Path(output) / f"{t}{SUFFIX[fmt]}") for t in TABLES]
    else:
        fmt = fmt or ("jsonl" if to_stdout else format_for_path(output))
        if fmt is None:
            raise click.UsageError(f"cannot tell the format of {output!r} from its suffix: give --format "
                                   "jsonl, csv or parquet")
        targets = [(table, None if to_stdout else Path(output))]
    if to_stdout and fmt == "parquet" and _stdout_is_tty():
        raise click.UsageError("Parquet is binary: write it to a file with -o PATH, or pipe stdout elsewhere")
    with open_store(db) as store:
        exporters = [(Exporter(store, ExportRequest(table=t, format=fmt, vectors=vectors and t == "articles",
                                                    **filters)), path) for t, path in targets]
        summary = []
        with store.read_snapshot(), _progress_bar(quiet) as bar:  # --table all: three tables of one state
            for exporter, path in exporters:
                task = bar.add_task(f"exporting {exporter.request.table}", total=exporter.total())

                def progress(n: int, task: Any = task) -> None:
                    bar.advance(task, n)

                if path is None:
                    try:
                        size = exporter.write_to(sys.stdout.buffer, progress)
                    except BrokenPipeError:  # `babelwire export | head`: the reader has what it wanted
                        devnull = os.open(os.devnull, os.O_WRONLY)
                        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush is quiet too
                        return
                else:
                    try:
                        size = _write_file(exporter, path, progress)
                    except OSError as exc:
                        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc
                summary.append((exporter, path, size))
    if not quiet:
        c = _err_console()
        for exporter, path, size in summary:
            where = "stdout" if path is None else str(path)
            c.print(f"exported {exporter.rows} {exporter.request.table} ({fmt}, {_size(size)}) to {where}",
                    highlight=False, markup=False)


def _write_file(exporter: Exporter, path: Path, progress: Any) -> int:
    """Write the export next to ``path`` and move it there when complete: a failed export leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            size = exporter.write_to(_as_binary(out), progress)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's file is private; the export is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return size


def _as_binary(out: Any) -> BinaryIO:
    return out
