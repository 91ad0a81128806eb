"""Docs that keep up: every CLI command and every setting is in the README."""

from __future__ import annotations

from pathlib import Path

import click

from babelwire.cli import cli
from babelwire.settings import SETTINGS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "babelwire") -> list[str]:
    out = []
    for name, cmd in group.commands.items():
        full = f"{prefix} {name}"
        if isinstance(cmd, click.Group):
            out += _commands(cmd, full)
        else:
            out.append(full)
    return out


def test_every_command_is_in_the_readme():
    missing = [c for c in _commands(cli) if c not in README]
    assert not missing, f"not in README.md: {missing}"


def test_every_setting_is_in_the_readme():
    missing = [s.env for s in SETTINGS if s.env not in README]
    assert not missing, f"not in README.md: {missing}"


def test_every_command_and_option_has_help():
    def walk(group: click.Group):
        for cmd in group.commands.values():
            if isinstance(cmd, click.Group):
                yield from walk(cmd)
            else:
                yield cmd

    for cmd in walk(cli):
        assert cmd.help, cmd.name
        for p in cmd.params:
            if isinstance(p, click.Option):
                assert p.help, f"{cmd.name} {p.opts}"


def test_every_scorer_feature_has_a_readable_name():
    from babelwire.cluster.scoring import FEATURES
    from babelwire.explain import _SIGNAL_NAMES

    assert set(FEATURES) | {"time_prior"} <= set(_SIGNAL_NAMES)
