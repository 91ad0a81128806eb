"""The live-tracking commands: ``changes``, ``alert add|list|remove|run``, ``alerts``; and the alerts run after
each ``ingest``. ``cli.py`` adds them to the ``babelwire`` group (``register``)."""

from __future__ import annotations

import json
import logging
from typing import Any

import click

from . import settings
from .errors import BabelwireError, InvalidArgument
from .model import CHANGE_KINDS
from .store import Store

__all__ = ["after_ingest", "register"]

log = logging.getLogger(__name__)


# The shared options, as cli.py makes them (this module cannot import cli.py: cli.py imports it).
def _option(name: str, flag: str, **kw: Any) -> Any:
    s = settings.setting(name)
    return click.option(flag, envvar=s.env, default=s.default, show_default=s.default is not None,
                        show_envvar=True, help=s.help, **kw)


db_option = _option("db", "--db", type=click.Path(dir_okay=False))
encoder_option = _option("encoder", "--encoder")
format_option = click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
    help="table for people, json for programs (stdout only; logs and progress go to stderr).",
)


def open_store(db: str) -> Store:
    """Return the store ``db`` names (a SQLite file, ``sqlite:PATH`` or a ``postgresql://`` URL), as cli.py's does."""
    from .store import open_store as _open

    return _open(db)


def escape(text: str) -> str:
    from rich.markup import escape as _escape

    return _escape(text)


def _err_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def _out_console() -> Any:
    import shutil
    import sys

    from rich.console import Console

    width = None if sys.stdout.isatty() else max(shutil.get_terminal_size((140, 24)).columns, 140)
    return Console(soft_wrap=False, width=width)


def after_ingest(store: Store, encoder: Any, quiet: bool) -> None:
    """Run the alerts over what an ingest committed; a failure is reported and never fails the ingest."""
    from .tracking import run_alerts

    try:
        run = run_alerts(store, encoder)
    except BabelwireError as exc:  # the ingest is committed; the alerts run again after the next one
        log.warning("alerts not evaluated: %s", exc)
        return
    if not quiet and (run.fired or run.failed):
        _err_console().print(f"alerts: {len(run.fired)} fired, {run.delivered} delivered, "
                             f"{run.failed} deliveries failed", highlight=False)


def _since(value: str | None) -> str | None:
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise InvalidArgument(f"--since must be a date as YYYY-MM-DD, not {value!r}") from None


@click.command()
@db_option
@format_option
@click.option("--after", type=click.IntRange(min=0), default=0, show_default=True,
              help="Cursor: list the changes after this one (the 'next' of the previous page).")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True, help="At most this many.")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(CHANGE_KINDS),
              help="Only changes of this kind (repeat for several).")
def changes(db, fmt, after, limit, kinds):
    """List what happened in the store after a cursor, oldest first: the changes feed."""
    from .tracking import changes_page

    with open_store(db) as store:
        page = changes_page(store, after, limit=limit, kinds=list(kinds) or None)
    if fmt == "json":
        click.echo(json.dumps(page, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    t = Table(title=f"changes after {after} (next {page['next']}{', more' if page['more'] else ''})")
    for col in ("cursor", "at", "kind", "data"):
        t.add_column(col, overflow="fold")
    for c in page["changes"]:
        t.add_row(str(c["cursor"]), c["at"], c["kind"], escape(json.dumps(c["data"], ensure_ascii=False)))
    _out_console().print(t)


@click.group(name="alert")
def alert_group() -> None:
    """Saved alerts: a query in any language watched across everything ingested from now on."""


@alert_group.command(name="add")
@click.argument("name")
@click.option("--query", required=True, help="What to watch for, in any language (meaning, or every word).")
@click.option("--lang", help="Only articles in this language (ISO 639-1) match.")
@click.option("--source", help="Only articles from this source match.")
@click.option("--min-sources", type=click.IntRange(min=1), help="Also fire when a matching story reaches this "
              "many independent sources (copies do not count).")
@click.option("--webhook", help="POST each firing to this http(s) URL, signed.")
@click.option("--secret", help="The webhook signature's key (default: one made up and printed once).")
@db_option
@format_option
def alert_add(name, query, lang, source, min_sources, webhook, secret, db, fmt):
    """Save alert NAME; it fires for what is ingested from now on."""
    import secrets as _secrets

    from .tracking.alerts import add_alert

    made_up = webhook is not None and secret is None
    if made_up:
        secret = _secrets.token_hex(16)
    with open_store(db) as store:
        alert = add_alert(store, name, query, lang=lang, source=source, min_sources=min_sources,
                          webhook=webhook, secret=secret)
    out = alert.as_dict(secret=made_up)
    if fmt == "json":
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    c = _err_console()
    c.print(f"alert {alert.name!r} saved: it watches what is ingested from now on", highlight=False, markup=False)
    if made_up:
        c.print(f"webhook secret (shown once; verify X-Babelwire-Signature with it): {secret}", highlight=False,
                markup=False)


@alert_group.command(name="list")
@db_option
@format_option
def alert_list(db, fmt):
    """List the saved alerts."""
    with open_store(db) as store:
        alerts = [a.as_dict() for a in store.alerts()]
    if fmt == "json":
        click.echo(json.dumps(alerts, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    t = Table(title=f"{len(alerts)} alerts")
    for col in ("name", "query", "lang", "source", "min sources", "webhook"):
        t.add_column(col, overflow="fold")
    for a in alerts:
        t.add_row(a["name"], escape(a["query"]), a["lang"] or "", a["source"] or "", str(a["min_sources"] or ""),
                  a["webhook"] or "")
    _out_console().print(t)


@alert_group.command(name="remove")
@click.argument("name")
@db_option
def alert_remove(name, db):
    """Delete alert NAME and its firings."""
    from .tracking.alerts import remove_alert

    with open_store(db) as store:
        remove_alert(store, name)
    _err_console().print(f"alert {name!r} removed", highlight=False, markup=False)


@alert_group.command(name="run")
@db_option
@encoder_option
@format_option
def alert_run(db, encoder, fmt):
    """Evaluate every alert now and deliver what is owed (ingest does this after each run)."""
    from .tracking import run_alerts

    with open_store(db) as store:
        run = run_alerts(store, encoder)
    if fmt == "json":
        click.echo(json.dumps(run.as_dict(), ensure_ascii=False, indent=2))
        return
    for w in run.warnings:
        _err_console().print(f"warning: {w}", highlight=False, markup=False)
    _err_console().print(f"{len(run.fired)} fired, {run.delivered} delivered, {run.failed} deliveries failed",
                         highlight=False)


@click.command()
@db_option
@format_option
@click.option("--since", help="Only firings on or after this date (YYYY-MM-DD).")
@click.option("--name", help="Only the firings of this alert.")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True, help="At most this many.")
def alerts(db, fmt, since, name, limit):
    """List alert firings, newest first, with their delivery status."""
    with open_store(db) as store:
        if name is not None:
            store.get_alert(name)  # an unknown name is an error, not an empty list
        rows = [f.as_dict() for f in store.firings(name=name, since=_since(since), limit=limit)]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    t = Table(title=f"{len(rows)} firings")
    for col in ("at", "alert", "story", "reason", "headline", "delivery"):
        t.add_column(col, overflow="fold")
    for f in rows:
        why = f["reason"] + (f" {f['value']}" if f["value"] else "")
        state = f["delivery"] + (f" ({f['last_error']})" if f["last_error"] else "")
        t.add_row(f["at"], f["alert"], f["story_id"], why, escape(f["story"].get("headline") or ""), escape(state))
    _out_console().print(t)


def register(group: click.Group) -> None:
    """Add ``changes``, ``alert`` and ``alerts`` to ``group``."""
    for cmd in (changes, alert_group, alerts):
        group.add_command(cmd)
