"""docs/export.md documents every column of every export table, with its type, as the code defines it."""

from __future__ import annotations

from pathlib import Path

from babelwire.export import KINDS, TABLES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "export.md").read_text(encoding="utf-8")


def doc_row(name: str, kind: str, help: str) -> str:
    parquet, text = KINDS[kind]
    return f"| `{name}` | `{parquet}` | {text} | {help} |"


def test_every_column_is_documented_as_defined():
    for table, cols in TABLES.items():
        section = DOC.split(f"### {table}\n", 1)[1].split("\n### ", 1)[0]
        rows = [line for line in section.splitlines() if line.startswith("| `")]
        assert rows == [doc_row(c.name, c.kind, c.help) for c in cols], table


def test_every_option_is_documented():
    from babelwire.cli import cli

    for p in cli.commands["export"].params:
        for opt in p.opts:
            if opt.startswith("--") and opt != "--db":
                assert f"`{opt}" in DOC, opt
