"""The ``babelwire`` command: parse arguments, call the library, turn errors into messages."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from . import settings, views
from .errors import BabelwireError, MissingDependency
from .store import Store
from .views import article_json

__all__ = ["main", "cli"]


def escape(text: str) -> str:
    """Return ``text`` with rich markup escaped (titles are untrusted scraped content)."""
    from rich.markup import escape as _escape

    return _escape(text)


def _err_console():
    from rich.console import Console

    return Console(stderr=True)


def _out_console():
    import shutil

    from rich.console import Console

    # Piped output gets a reading width rather than rich's 80 columns.
    width = None if sys.stdout.isatty() else max(shutil.get_terminal_size((140, 24)).columns, 140)
    return Console(soft_wrap=False, width=width)


def option_from_setting(name: str, *flags: str, **kw: Any) -> Callable:
    """Return a click option whose default, environment variable and help come from the settings registry."""
    s = settings.setting(name)
    return click.option(*(flags or (f"--{name.replace('_', '-')}",)), envvar=s.env, default=s.default,
                        show_default=s.default is not None, show_envvar=True, help=s.help, **kw)


db_option = option_from_setting("db", "--db", type=click.Path(dir_okay=False))
encoder_option = option_from_setting("encoder", "--encoder")
threads_option = option_from_setting("threads", "--threads", type=int)
max_article_option = option_from_setting("max_article_mb", "--max-article-mb",
                                         type=click.FloatRange(min=0, min_open=True))
def engine_options(f: Callable) -> Callable:
    """Add --engine, --address and --workers (where an ingest runs) to a command."""
    for o in reversed([option_from_setting("engine", "--engine", type=click.Choice(["local", "ray"])),
                       option_from_setting("ray_address", "--address"),
                       option_from_setting("ray_workers", "--workers", type=click.IntRange(min=1))]):
        f = o(f)
    return f


format_option = click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
    help="table for people, json for programs (stdout only; logs and progress go to stderr).",
)


class BabelwireGroup(click.Group):
    """Turns library errors into one-line messages with exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MissingDependency as exc:
            raise click.ClickException(str(exc)) from exc
        except BabelwireError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=BabelwireGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="babelwire")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
def cli(verbose: int) -> None:
    """babelwire: group multilingual news reports of the same event into stories.

    Start with `babelwire cluster FOLDER` to ingest a folder of articles and see its stories.
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")


def open_store(db: str) -> Store:
    """Return the store ``db`` names: an SQLite file (or ``sqlite:PATH``) or a ``postgresql://`` URL (created and
    migrated if new)."""
    from .store import open_store as _open

    return _open(db)


# ---------------------------------------------------------------------------------------------
# ingest / cluster


def _progress_bar(quiet: bool):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=_err_console(), disable=quiet)


def _one_bar(bar, description: str):
    """Return a progress(event, n) callback for one bar: ``read`` sets its total, anything else advances it."""
    task = bar.add_task(description, total=None)

    def progress(event: str, n: int) -> None:
        if event == "read":
            bar.update(task, total=n)
        else:
            bar.advance(task, n)

    return progress


def _run_ingest(store: Store, paths: tuple[str, ...], encoder: str | None, threads: int | None, quiet: bool,
                max_article_mb: float | None = None, engine: str = "local", address: str | None = None,
                workers: int | None = None):
    from .pipeline import open_executor

    pipeline = _open_pipeline(store, encoder, threads, quiet, by_name=False, max_article_mb=max_article_mb)
    with open_executor(engine, address=address, workers=workers, threads=threads) as executor:
        pipeline.executor = executor
        with _progress_bar(quiet) as bar:
            report = pipeline.ingest(list(paths), progress=_one_bar(bar, "ingesting"))
    from ._cli_tracking import after_ingest

    after_ingest(store, pipeline.encoder, quiet)  # the alerts, over what the ingest committed
    return report


def _print_summary(report, quiet: bool) -> None:
    if quiet:
        return
    c = _err_console()
    c.print(
        f"read {report.read}, stored {len(report.stored)}, already known {len(report.known)}, "
        f"rejected {len(report.rejected)}"
        + (f", skipped {len(report.skipped)} (not articles, or not readable)" if report.skipped else "")
        + f"; {len(report.new_stories)} new stories, {len(report.touched_stories)} touched"
        + f"; embedded {report.embedded} texts",
        highlight=False,
    )
    if not report.stored and not report.rejected and report.known:
        c.print("nothing new: every input is already in the store", highlight=False)
    for d in report.known[:20]:
        c.print(f"  known    {d.id}: {d.reason}" + (f" ({d.duplicate_of})" if d.duplicate_of != d.id else ""),
                highlight=False, markup=False)
    if len(report.known) > 20:
        c.print(f"  … and {len(report.known) - 20} more already known", highlight=False)
    for r in report.rejected:
        c.print(f"  rejected {r.origin}: {r.reason}", highlight=False, markup=False)
    for r in report.skipped:
        c.print(f"  skipped  {r.origin}: {r.reason}", highlight=False, markup=False)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@db_option
@encoder_option
@threads_option
@max_article_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
@format_option
@engine_options
def ingest(paths, db, encoder, threads, max_article_mb, quiet, fmt, engine, address, workers):
    """Ingest files and folders of articles (txt, html, jsonl/json, csv, rss/atom) into the store.

    The summary goes to stderr; with --format json the full report (stored,
    already known, rejected and skipped inputs with reasons) goes to stdout.
    With --engine ray, reading, cleaning and embedding run on a Ray cluster
    (--threads: encoder threads per worker); the stories are the same.
    """
    with open_store(db) as store:
        report = _run_ingest(store, paths, encoder, threads, quiet, max_article_mb, engine, address,
                             workers)
    _print_summary(report, quiet)
    if fmt == "json":
        out = {**report.as_dict(), "results": [r.as_dict() for r in report.results]}
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@db_option
@encoder_option
@threads_option
@max_article_option
@format_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
@engine_options
def cluster(paths, db, encoder, threads, max_article_mb, fmt, quiet, engine, address, workers):
    """Ingest PATHS, then print the stories that hold what they contain (the newcomer's one command)."""
    with open_store(db) as store:
        report = _run_ingest(store, paths, encoder, threads, quiet, max_article_mb, engine, address,
                             workers)
        _print_summary(report, quiet)
        ids = set(report.stored) | {d.duplicate_of for d in report.known}
        _print_stories(views.stories(store, article_ids=ids), fmt)


# ---------------------------------------------------------------------------------------------
# reading the store


def _print_stories(stories: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(stories, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    t = Table(title=f"{len(stories)} stories", show_lines=False)
    t.add_column("id", no_wrap=True, min_width=12)
    t.add_column("headline", overflow="ellipsis", no_wrap=True, max_width=64)
    for col, width in (("languages", 14), ("articles", 8), ("first", 10), ("last", 10)):
        t.add_column(col, no_wrap=True, min_width=width)
    for s in stories:
        t.add_row(s["id"], escape(s["headline"]), ",".join(s["languages"]), str(s["article_count"]),
                  (s["first_published"] or "")[:10], (s["last_published"] or "")[:10])
    _out_console().print(t)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


@cli.command()
@db_option
@format_option
@click.option("--lang", help="Only stories with an article in this language (ISO 639-1).")
@click.option("--source", help="Only stories with an article from this source.")
@click.option("--since", help="Only stories with an article published on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Only stories with an article published on or before this date (YYYY-MM-DD).")
@click.option("--limit", type=int, default=None, help="At most this many stories.")
def stories(db, fmt, lang, source, since, until, limit):
    """List stories, most recently published first."""
    with open_store(db) as store:
        _print_stories(views.stories(store, lang=lang, source=source, since=since, until=until, limit=limit),
                       fmt)


@cli.command()
@click.argument("story_id")
@db_option
@format_option
def story(story_id, db, fmt):
    """Show one story: its articles in order of publication."""
    with open_store(db) as store:
        s = views.story(store, story_id)
    if fmt == "json":
        click.echo(json.dumps(s, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    c = _out_console()
    c.print(f"[bold]{escape(s['headline'])}[/bold]  ({s['id']})", highlight=False)
    c.print(f"languages: {', '.join(s['languages'])}   articles: {s['article_count']}   "
            f"published: {s['first_published'] or '?'} … {s['last_published'] or '?'}", highlight=False)
    t = Table()
    for col in ("published", "lang", "source", "id", "title"):
        t.add_column(col, overflow="fold")
    for a in s["articles"]:
        t.add_row(a["published"] or "", a["lang"] or "?", a["source"], a["id"], _short(a["title"], 60))
    c.print(t)


@cli.command()
@click.argument("article_id")
@db_option
@format_option
@click.option("--raw", is_flag=True, help="Print the raw input as it was read instead of the clean text.")
@click.option("--explain", is_flag=True, help="Say why the article is in its story: matches, signals, copies.")
def article(article_id, db, fmt, raw, explain):
    """Show one article: clean text, metadata and its story."""
    with open_store(db) as store:
        data = article_json(store, article_id)
        raw_text = store.get_article(article_id).raw if raw else None
    if raw_text is not None:
        click.echo(raw_text)
        return
    if explain and fmt != "json":
        from .explain import explain_text

        click.echo(explain_text(data))
        return
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    c = _out_console()
    c.print(f"[bold]{escape(data['title'])}[/bold]", highlight=False)
    c.print(f"id {data['id']}  lang {data['lang'] or 'uncertain'}  published {data['published'] or 'unknown'}"
            f"  source {data['source']}  story {data['story_id']}", highlight=False, markup=False)
    c.print(f"path {data['path']}", highlight=False, markup=False)
    c.print()
    c.print(data["text"], highlight=False, markup=False)
    if data["removed"]:
        c.print(f"\n[dim]{len(data['removed'])} lines removed as boilerplate (see --format json)[/dim]")


# ---------------------------------------------------------------------------------------------
# evaluation


@cli.group(name="eval")
def eval_group() -> None:
    """Measure babelwire against labelled data (rated pairs, gold stories)."""


def _stage_progress(bar):
    """Return a progress(event, n) callback drawing one bar per stage."""
    tasks: dict[str, Any] = {}
    starts = {"read": "ingesting", "embed": "embedding passages"}
    ticks = {"done": "ingesting", "embedded": "embedding passages"}

    def progress(event: str, n: int) -> None:
        if event in starts:
            tasks[starts[event]] = bar.add_task(starts[event], total=n)
        elif event in ticks and ticks[event] in tasks:
            bar.advance(tasks[ticks[event]], n)

    return progress


def _fmt(x: Any) -> str:
    return "—" if x is None else (f"{x:.3f}" if isinstance(x, float) else str(x))


@eval_group.command(name="pairs")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@db_option
@encoder_option
@threads_option
@format_option
@click.option("--folds", type=int, default=5, show_default=True,
              help="Also report K-fold cross-validated figures (scorer retrained on the other folds); 0 to skip.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
def eval_pairs(directory, db, encoder, threads, fmt, folds, quiet):
    """Score rated article pairs in DIRECTORY (articles.jsonl + pairs.jsonl) with the pair scorer.

    Reports Pearson/Spearman against -overall and same-story precision/recall/F1
    (overall <= 1.5 same, >= 3.0 different), overall and per language combination.
    Embeddings are cached in --db, so a second run embeds nothing.
    """
    from .evaluate.pairs import evaluate_pairs
    from .signals import get_encoder

    with open_store(db) as store, _progress_bar(quiet) as bar:
        result = evaluate_pairs(directory, store, encoder=get_encoder(encoder, threads=threads), folds=folds,
                                progress=_stage_progress(bar))
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    t = Table(title=f"pair scorer on {directory} ({result['pairs']} pairs; encoder {result['encoder']})")
    cv = result.get("cross_validated") or {}
    for col in ("languages", "pairs", "pearson", "spearman", "F1", "CV pearson", "CV F1"):
        t.add_column(col, justify="right" if col != "languages" else "left")
    rows = [("all", result, cv)] + [(k, v, (cv.get("by_language") or {}).get(k, {}))
                                    for k, v in result["by_language"].items()]
    for name, r, c in rows:
        t.add_row(name, str(r["pairs"]), _fmt(r["pearson"]), _fmt(r["spearman"]), _fmt(r["f1"]),
                  _fmt(c.get("pearson")), _fmt(c.get("f1")))
    _out_console().print(t)
    if result["pairs_missing"]:
        _err_console().print(f"{result['pairs_missing']} pairs left out: one of their articles was rejected "
                             "(see `babelwire ingest` for the reasons)", highlight=False)


@eval_group.command(name="clusters")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@db_option
@encoder_option
@threads_option
@format_option
@click.option("--orders", type=int, default=1, show_default=True,
              help="Also cluster in this many shuffled orders and report the spread of F1.")
@click.option("--folds", type=int, default=0, show_default=True,
              help="Also cross-validate (pair datasets): each fold's pairs judged by stories clustered with "
                   "a scorer trained on the other folds. 5 is usual; 0 skips it.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the shuffled orders and the folds.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
def eval_clusters(directory, db, encoder, threads, fmt, orders, folds, seed, quiet):
    """Cluster every article of DIRECTORY from an empty state and score the stories.

    DIRECTORY is a pair dataset (articles.jsonl + pairs.jsonl; a `story` field on
    articles adds BCubed) or a corpus with expected.json (like examples/).
    Reports same-story precision/recall/F1 over the labelled pairs, the number of
    stories and the singleton rate. Embeddings are cached in --db.
    """
    from .evaluate.clusters import evaluate_clusters
    from .signals import get_encoder

    with open_store(db) as store, _progress_bar(quiet) as bar:
        result = evaluate_clusters(directory, store, encoder=get_encoder(encoder, threads=threads), orders=orders,
                                   seed=seed, folds=folds, progress=_stage_progress(bar))
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    c = _out_console()
    c.print(f"{result['articles']} articles -> {result['stories']} stories "
            f"(singletons {result['singleton_rate']:.1%}); encoder {result['encoder']}", highlight=False)
    if result.get("labelled_pairs"):
        c.print(f"same-story pairs ({result['labelled_pairs']} labelled): precision {_fmt(result['precision'])} "
                f"recall {_fmt(result['recall'])} F1 {_fmt(result['f1'])}", highlight=False)
    if "bcubed" in result:
        b = result["bcubed"]
        c.print(f"BCubed against {result['gold_stories']} gold stories: precision {_fmt(b['precision'])} "
                f"recall {_fmt(b['recall'])} F1 {_fmt(b['f1'])}", highlight=False)
    if "cross_validated" in result:
        v = result["cross_validated"]
        c.print(f"{v['folds']}-fold cross-validated (scorer trained without the pairs it judges): precision "
                f"{_fmt(v['precision'])} recall {_fmt(v['recall'])} F1 {_fmt(v['f1'])}", highlight=False)
    if "orders" in result:
        o = result["orders"]
        c.print(f"{len(o['runs'])} shuffled orders: {o['metric']} from {_fmt(o['min'])} to {_fmt(o['max'])} "
                f"(spread {_fmt(o['spread'])})", highlight=False)


# ---------------------------------------------------------------------------------------------
# corrections and rebuilding


def _open_pipeline(store: Store, encoder: str | None = None, threads: int | None = None, quiet: bool = True, *,
                   by_name: bool = True, upgrade: bool = True, max_article_mb: float | None = None):
    """Return a pipeline over ``store`` (with the store's own encoder when ``by_name`` and none is given) that
    draws a bar for the one-off signals upgrade of a store an older release wrote."""
    from .pipeline import Pipeline
    from .signals import get_encoder

    name = encoder or (store.get_setting("encoder_name") if by_name else None)
    if name == "onnx" and not encoder and "-late" in (store.get_setting("encoder") or ""):
        name = "onnx-late"  # a store built with the late mode keeps it
    pipe = Pipeline(store, encoder=get_encoder(name, threads=threads), max_article_mb=max_article_mb)
    if upgrade and store.signals_outdated():  # upgrade now, under a bar, rather than lazily inside the command
        with _progress_bar(quiet) as bar:
            pipe.upgrade_progress = _one_bar(bar, "computing signals once")
            pipe.clusterer  # noqa: B018 - restoring runs the upgrade
        pipe.upgrade_progress = None
    return pipe


@contextmanager
def _pipeline(db: str, encoder: str | None = None, threads: int | None = None) -> Iterator[Any]:
    with open_store(db) as store:
        yield _open_pipeline(store, encoder, threads)


@cli.command()
@click.argument("article_id")
@click.argument("other_id")
@db_option
@encoder_option
def link(article_id, other_id, db, encoder):
    """Put OTHER_ID in ARTICLE_ID's story, and keep them together from now on."""
    with _pipeline(db, encoder) as pipe:
        sid = pipe.link(article_id, other_id)
    _err_console().print(f"linked: {other_id} is now in story {sid} with {article_id}", highlight=False)


@cli.command()
@click.argument("article_id")
@db_option
@encoder_option
def unlink(article_id, db, encoder):
    """Take ARTICLE_ID out of its story into one of its own, and keep it out from now on."""
    with _pipeline(db, encoder) as pipe:
        sid = pipe.unlink(article_id)
    _err_console().print(f"unlinked: {article_id} is now alone in story {sid}", highlight=False)


@cli.command()
@click.argument("story_id")
@db_option
@encoder_option
def split(story_id, db, encoder):
    """Split STORY_ID into its two most separate groups, kept apart from now on."""
    with _pipeline(db, encoder) as pipe:
        ids = pipe.split(story_id)
    _err_console().print(f"split into {', '.join(ids)}", highlight=False)


@cli.command()
@db_option
@encoder_option
@format_option
@click.option("--since", help="Rebuild only the stories with an article published on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Rebuild only the stories with an article published on or before this date (YYYY-MM-DD).")
@click.option("--undated", is_flag=True,
              help="With --since/--until: also rebuild the stories that have no publication date at all.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def recluster(db, encoder, fmt, since, until, undated, quiet):
    """Rebuild every story from stored embeddings (no re-embedding), keeping ids where membership holds.

    With --since and/or --until, only the stories of the articles published in that range (publication
    dates, both days included) are rebuilt, whole: a story with a member in the range is rebuilt with all
    its members, wherever their dates lie. Stories without a publication date are left alone unless
    --undated is given; every other story stays as it is.
    """
    if undated and since is None and until is None:
        raise click.UsageError("--undated needs --since or --until")
    with _pipeline(db, encoder) as pipe, _progress_bar(quiet) as bar:
        if since is None and until is None:
            result = pipe.recluster(progress=_one_bar(bar, "reclustering"))
        else:
            result = pipe.recluster_range(since, until, undated=undated, progress=_one_bar(bar, "reclustering"))
    if fmt == "json":
        click.echo(json.dumps(result, indent=2))
    else:
        _err_console().print(
            f"{result['articles']} articles in {result['stories']} stories; {result['moved']} moved; "
            f"{result['kept_ids']} story ids kept", highlight=False)


@cli.command()
@db_option
@encoder_option
@threads_option
@format_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def reembed(db, encoder, threads, fmt, quiet):
    """Switch the store to --encoder: embed what it has not embedded yet, then recluster.

    Vectors of different encoders are never compared, so ingest refuses a store
    built with another encoder until you run this.
    """
    with open_store(db) as store, _progress_bar(quiet) as bar:
        pipe = _open_pipeline(store, encoder, threads, quiet, by_name=False, upgrade=False)  # signals anew
        result = pipe.reembed(progress=_one_bar(bar, "embedding"))
    if fmt == "json":
        click.echo(json.dumps(result, indent=2))
    else:
        _err_console().print(f"now using {result['to']} (was {result['from']}); embedded {result['embedded']} texts; "
                             f"{result['articles']} articles in {result['stories']} stories", highlight=False)


@cli.command()
@db_option
@format_option
@click.option("--story", "story_id", help="Only entries about this story.")
@click.option("--limit", type=int, default=50, show_default=True, help="At most this many entries.")
def audit(db, fmt, story_id, limit):
    """Show the audit log: merges, splits, links, unlinks and reclusters, newest first."""
    with open_store(db) as store:
        entries = store.audit_log(story_id=story_id, limit=limit)
    if fmt == "json":
        click.echo(json.dumps(entries, ensure_ascii=False, indent=2))
        return
    for e in entries:
        details = json.dumps(e["details"], ensure_ascii=False)
        click.echo(f"{e['at']}  {e['action']:<9} {e['story_id'] or '':<13} {details}")


# ---------------------------------------------------------------------------------------------
# tracking


@cli.command()
@db_option
@format_option
@click.option("--hours", type=click.IntRange(1, 168), default=6, show_default=True,
              help="The window: independent sources in the last this many hours are scored.")
@click.option("--baseline-days", type=click.FloatRange(0, 60, min_open=True), default=3.0, show_default=True,
              help="How far back before the window the story's own and the store's rates are measured.")
@click.option("--min-sources", type=click.IntRange(min=1), default=3, show_default=True,
              help="Fewest independent sources in the window for a story to trend.")
@click.option("--lang", help="Count only reports in this language (ISO 639-1).")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most this many stories.")
@click.option("--at", "at", help="Score as of this time (ISO 8601, UTC unless it says otherwise), for replays; "
              "default: now.")
def trending(db, fmt, hours, baseline_days, min_sources, lang, limit, at):
    """List trending stories: bursts of independent sources in the last hours against their baseline."""
    from .tracking import Trending

    with open_store(db) as store:
        result = Trending(hours=hours, baseline_days=baseline_days, min_sources=min_sources).rank(
            store, at=at, lang=lang, limit=limit)
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    t = Table(title=f"{len(result['stories'])} trending stories at {result['at']} (last {hours} h)")
    for col in ("id", "headline", "score", "sources", "expected", "languages"):
        t.add_column(col, no_wrap=col != "headline", overflow="ellipsis", max_width=60 if col == "headline" else None)
    for s in result["stories"]:
        t.add_row(s["story_id"], escape(s["headline"]), f"{s['score']:.1f}", str(s["sources"]),
                  f"{s['expected']:.2f}", ",".join(s["languages"]))
    out = _out_console()
    out.print(t)
    for s in result["stories"]:
        out.print(f"{s['story_id']}: {s['why']}", highlight=False, markup=False)
    _err_console().print(f"time axis: {result['time_axis']}", highlight=False, markup=False)


# ---------------------------------------------------------------------------------------------
# search and the web app


@cli.command()
@click.argument("query")
@db_option
@encoder_option
@format_option
@click.option("--mode", type=click.Choice(["hybrid", "semantic", "keyword"]), default="hybrid", show_default=True,
              help="hybrid fuses meaning (embeddings) and words (full text); or use one of them.")
@click.option("--lang", help="Only articles in this language (ISO 639-1).")
@click.option("--limit", type=int, default=20, show_default=True, help="At most this many articles.")
def search(query, db, encoder, fmt, mode, lang, limit):
    """Search stories and articles by meaning and words, in any language."""
    from .search import search as run_search

    with open_store(db) as store:
        result = run_search(store, query, encoder=encoder, limit=limit, mode=mode, lang=lang)
    c = _err_console()
    for w in result["warnings"]:
        c.print(f"warning: {w}", highlight=False, markup=False)
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    t = Table(title=f"{len(result['stories'])} stories")
    for col in ("id", "headline", "languages", "articles", "matched"):
        t.add_column(col, overflow="fold")
    for s in result["stories"]:
        t.add_row(s["id"], escape(_short(s["headline"], 60)), ",".join(s["languages"]), str(s["article_count"]),
                  str(len(s["matched"])))
    out = _out_console()
    out.print(t)
    t = Table(title=f"{len(result['articles'])} articles")
    for col in ("id", "lang", "title", "story", "meaning", "words"):
        t.add_column(col, overflow="fold")
    for a in result["articles"]:
        t.add_row(a["id"], a["lang"] or "?", escape(_short(a["title"], 50)), a["story_id"] or "",
                  "" if a["cosine"] is None else f"{a['cosine']:.3f}",
                  "" if a["keyword_rank"] is None else f"#{a['keyword_rank']}")
    out.print(t)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@db_option
@encoder_option
@threads_option
@max_article_option
@option_from_setting("workers", "--workers", type=click.IntRange(min=1))
@click.option("--access-log/--no-access-log", default=False, show_default=True,
              help="Log every request (one line each, on stderr).")
@click.option("--writer/--no-writer", "own_writer", default=True, show_default=True,
              help="Run posted batches in a writer process of their own (reads keep their core), "
                   "or in the serving process.")
def serve(host, port, db, encoder, threads, max_article_mb, workers, access_log, own_writer):
    """Serve the web UI and the REST API (needs the [web] extra).

    Writes need BABELWIRE_TOKEN; without one a token is made up for this run and printed.
    A posted article or uploaded file over --max-article-mb is that item's rejection.
    Posted batches go to one writer process (restarted if it dies), so writes never hold up reads
    and one clusterer decides however many serving processes there are. With --workers N, N
    processes serve reads in parallel; each gets an equal share of the encoder threads unless
    --threads says otherwise.
    """
    import os
    import secrets

    from .web import require_web

    require_web()
    import uvicorn

    token = settings.get("token")
    c = _err_console()
    if not token:
        token = secrets.token_urlsafe(18)
        c.print(f"write token for this run (set BABELWIRE_TOKEN to choose one): {token}", highlight=False,
                markup=False)
    if workers > 1 and db == ":memory:":
        raise click.UsageError("--workers needs a store file or a PostgreSQL URL: each worker opens it")
    if own_writer and db == ":memory:":
        raise click.UsageError("the writer process needs a store file or a PostgreSQL URL (or pass --no-writer)")
    from .store import display_spec, is_postgres, open_store

    with open_store(db):  # create and migrate it once, before the writer and the servers open it
        pass
    writer = _start_writer(db, encoder, threads) if own_writer else None
    try:
        shown = f"[{host}]" if ":" in host else host
        where = display_spec(db) if is_postgres(db) else os.path.abspath(db)
        c.print(f"serving {where} on http://{shown}:{port}/  (API: /api, OpenAPI: /openapi.json)",
                highlight=False, markup=False)
        if workers > 1:  # each worker process builds its app from the settings: hand them over in the environment
            per_worker = threads or max(1, (os.cpu_count() or 1) // workers)
            given = {"db": db, "encoder": encoder, "threads": per_worker, "token": token,
                     "max_article_mb": max_article_mb}
            os.environ.update({settings.setting(k).env: str(v) for k, v in given.items() if v is not None})
            uvicorn.run("babelwire.web.app:app_from_settings", factory=True, workers=workers, host=host, port=port,
                        log_level="info", access_log=access_log)
        else:
            from .signals import get_encoder
            from .web import create_app

            app = create_app(db, encoder=get_encoder(encoder, threads=threads), token=token,
                             max_article_mb=max_article_mb)
            uvicorn.run(app, host=host, port=port, log_level="info", access_log=access_log)
    finally:
        if writer is not None:
            writer.stop()


def _start_writer(db: str, encoder: str | None, threads: int | None) -> Any:
    """Start serve's writer process and put its address and key in the environment the servers read."""
    import os

    from .web._writer import WriterProcess

    writer = WriterProcess(db, encoder=encoder, threads=threads)
    writer.start()
    os.environ.update(writer.env())
    return writer


@cli.command(name="migrate")
@click.option("--to", "target", required=True, metavar="STORE",
              help="The store to copy into: a postgresql:// URL, or an SQLite file (or sqlite:PATH).")
@db_option
@click.option("--overwrite", is_flag=True, help="Replace what a target that is not empty holds (else refused).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
def migrate_store(target, db, overwrite, quiet):
    """Copy the store (--db) into another (--to): SQLite to PostgreSQL or back.

    Every table travels: articles, vectors, signals and totals, stories with their
    memberships and evidence, ids and redirects, corrections, the audit log,
    rejections, duplicates, line memory, settings and owed passes. The target is
    written in one transaction; one that already holds data is refused unless --overwrite.
    """
    from .store import display_spec
    from .store._copy import copy_store

    with open_store(db) as source, open_store(target) as dest, _progress_bar(quiet) as bar:
        copied = copy_store(source, dest, overwrite=overwrite, progress=_one_bar(bar, "copying"))
    if not quiet:
        _err_console().print(f"copied {copied['articles']} articles, {copied['stories']} stories, "
                             f"{sum(copied.values())} rows in all into {display_spec(target)}",
                             highlight=False, markup=False)


# ---------------------------------------------------------------------------------------------
# exports


@cli.command(name="export")
@db_option
@click.option("--table", type=click.Choice(["stories", "articles", "memberships", "all"]), default="stories",
              show_default=True, help="What to export; all writes one file per table into the folder -o names.")
@click.option("-o", "--output", default="-", show_default=True,
              help="File to write (its suffix names the format: .jsonl, .csv, .parquet), - for stdout, or a "
                   "folder with --table all.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default=None,
              help="Output format (default: from the file's suffix; JSON Lines on stdout). Parquet needs the "
                   "[export] extra.")
@click.option("--lang", help="Only articles in this language (stories: with an article in it).")
@click.option("--source", help="Only articles from this source (stories: with an article from it).")
@click.option("--since", help="Only articles published on or after this date, YYYY-MM-DD (stories: with one).")
@click.option("--until", help="Only articles published on or before this date, YYYY-MM-DD (stories: with one).")
@click.option("--story", "story_id", help="Only this story (its row, its articles, their memberships).")
@click.option("--vectors", is_flag=True, help="Add each article's embedding (articles table; JSONL or Parquet).")
@click.option("--excel", is_flag=True, help="CSV for spreadsheets: a UTF-8 byte order mark, formulas defused.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
def export_command(db, table, output, fmt, lang, source, since, until, story_id, vectors, excel, quiet):
    """Export stories, articles or memberships (with evidence and copy relations) as JSONL, CSV or Parquet.

    Streams page by page, whatever the store's size. The columns of each table are in docs/export.md.
    """
    from ._export_cli import run_export

    run_export(db, table=table, output=output, fmt=fmt, quiet=quiet, vectors=vectors,
               filters={"lang": lang, "source": source, "since": since, "until": until, "story": story_id,
                        "excel": excel})


from ._cli_tracking import register as _register_tracking  # noqa: E402 - after the helpers it imports

_register_tracking(cli)  # changes, alert, alerts

from ._cli_watch import register as _register_watch  # noqa: E402 - its commands use the options above

_register_watch(cli, sys.modules[__name__])


def main() -> None:
    """Entry point of the ``babelwire`` console script."""
    cli(prog_name="babelwire")


if __name__ == "__main__":  # pragma: no cover
    main()
