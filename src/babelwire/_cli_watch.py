"""The ``watch`` and ``sources`` commands: thin edges over ``babelwire.sources.feeds``."""

from __future__ import annotations

import json
import logging
import signal
from datetime import UTC, datetime
from typing import Any

import click

__all__ = ["register"]


def register(group: click.Group, edge: Any) -> None:
    """Add ``watch`` and ``sources`` to ``group``, with the shared options and helpers of ``edge`` (cli.py)."""
    _open_pipeline, _out_console = edge._open_pipeline, edge._out_console
    escape, open_store = edge.escape, edge.open_store
    db_option, encoder_option, threads_option = edge.db_option, edge.encoder_option, edge.threads_option
    max_article_option, format_option = edge.max_article_option, edge.format_option

    @click.command()
    @click.argument("urls", nargs=-1)
    @click.option("--config", "config", type=click.Path(dir_okay=False),
                  help="TOML file listing the sources and their settings (docs/watch.md).")
    @click.option("--interval", type=click.FloatRange(min=0, min_open=True),
                  help="Seconds between polls for the URLs given here and for config sources that set none "
                       "[default: 300].")
    @click.option("--once", is_flag=True, help="Poll every source once, ingest what is new, and exit (cron, tests).")
    @click.option("-q", "--quiet", is_flag=True, help="Log only failed polls, not one line per poll.")
    @db_option
    @encoder_option
    @threads_option
    @max_article_option
    def watch(urls, config, interval, once, quiet, db, encoder, threads, max_article_mb):
        """Keep the store up to date from feeds (RSS, Atom, JSON Feed), news sitemaps and inbox folders.

        URLS are feed or sitemap URLs (http or https) or inbox folders; --config adds the sources of a
        TOML file. Each entry is ingested once, however often it is polled; one log line per poll goes
        to stderr. SIGINT or SIGTERM lets the poll in progress finish, then exits with status 0.
        """
        from .sources.feeds import Watcher, load_config, sources_from_args

        overrides = {"interval": interval} if interval else {}
        sources = load_config(config, overrides=overrides) if config else []
        sources += sources_from_args(list(urls), overrides=overrides)
        names = [s.name for s in sources]
        if len(set(names)) < len(names):
            raise click.UsageError("a URL on the command line is also a source of the config file")
        if not sources:
            raise click.UsageError("nothing to watch: give feed URLs or inbox folders, or --config watch.toml")
        logging.getLogger("babelwire.watch").setLevel(logging.WARNING if quiet else logging.INFO)
        with open_store(db) as store:
            pipeline = _open_pipeline(store, encoder, threads, by_name=False, max_article_mb=max_article_mb)
            watcher = Watcher(pipeline, sources)

            def stop(signum: int, frame: Any) -> None:
                logging.getLogger("babelwire.watch").info("%s: finishing the poll in progress, then exiting",
                                                          signal.Signals(signum).name)
                watcher.stop.set()

            before = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
            from ._cli_tracking import after_ingest

            def alerts_after(result: Any) -> None:  # the alerts see each poll's stories as ingest's do
                if result.stored:
                    after_ingest(store, pipeline.encoder, quiet)

            try:
                watcher.run(once=once, on_poll=alerts_after)
            finally:
                for s, handler in before.items():
                    signal.signal(s, handler)


    group.add_command(watch)

    def _when(ts: float | None) -> str:
        if not ts:
            return ""
        return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


    @click.command(name="sources")
    @db_option
    @format_option
    def sources_command(db, fmt):
        """List the watched sources: last poll, its status, new entries and stored articles, errors, next poll."""
        with open_store(db) as store:
            states = store.source_states()
            seen = {s.name: store.seen_count(s.name) for s in states}
        if fmt == "json":
            rows = [{**s.as_dict(), "next_poll": _when(s.next_poll), "seen": seen[s.name]} for s in states]
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        from rich.table import Table

        t = Table(title=f"{len(states)} sources")
        for col in ("name", "kind", "last poll", "status", "new", "stored", "seen", "errors", "next poll"):
            t.add_column(col, overflow="fold")
        for s in states:
            errors = f"{s.failures} in a row: {s.error}" if s.failures else (s.error or "")
            t.add_row(escape(s.name), s.kind, s.last_poll or "", s.status or "", str(s.new_entries), str(s.stored),
                      str(seen[s.name]), escape(errors), _when(s.next_poll))
        _out_console().print(t)

    group.add_command(sources_command)
