"""The watcher: polls each source when due, reads what is new once, and ingests it through the pipeline."""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import FeedError, FetchError
from ...model import RawDocument, Rejection, SourceState, failure
from .._common import decode_bytes, now_utc, source_from_url
from ._config import SourceConfig
from ._http import Fetcher, Response
from ._parse import Entry, ParsedBody, check_feed_type, parse_body

if TYPE_CHECKING:
    from ...pipeline import IngestReport, Pipeline

__all__ = ["Watcher", "PollResult", "article_id"]

log = logging.getLogger("babelwire.watch")

_FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
                "text/xml;q=0.9, application/json;q=0.8, */*;q=0.5")
_PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "")
_GLOBAL_KEY = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|urn:|tag:)", re.I)
_MAX_SITEMAPS = 10  # children of one sitemap index read per poll
_INBOX_CHUNK = 256  # inbox files read and ingested per batch


def article_id(source: str, key: str) -> str:
    """Return the article id of an entry: its key when it is a URL or URN (the same article however it is
    reached), else the key under the source's name (a guid such as ``42`` is only unique in its feed)."""
    return key if _GLOBAL_KEY.match(key) else f"{source}:{key}"


@dataclass(slots=True)
class PollResult:
    """What one poll of one source did: every entry counted once (new ones stored, known or rejected)."""

    source: str
    status: str = "ok"  # ok, not modified, error
    entries: int = 0  # entries the source listed
    new: int = 0  # entries not seen before
    stored: int = 0
    known: int = 0  # duplicates of a stored article
    rejected: int = 0
    skipped: int = 0  # inbox files that are not articles (README, code)
    pending: int = 0  # new entries left for the next poll (page budget spent, page server failing)
    error: str | None = None
    next_poll: float = 0.0

    def line(self) -> str:
        """Return the poll's one log line."""
        nxt = datetime.fromtimestamp(self.next_poll, UTC).isoformat(timespec="seconds")
        text = (f"{self.source}: {self.status}, {self.entries} entries, {self.new} new, {self.stored} stored, "
                f"{self.known} known, {self.rejected} rejected")
        if self.skipped:
            text += f", {self.skipped} skipped"
        if self.pending:
            text += f", {self.pending} pending"
        text += f", errors: {self.error or 'none'}; next poll {nxt}"
        return text

    def as_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data."""
        return {k: getattr(self, k) for k in self.__slots__}  # type: ignore[attr-defined]


class Watcher:
    """Keeps ``pipeline.store`` up to date from ``sources``.

    Each source's state (validators, next poll, failures, backoff) and the keys of the entries it has
    ingested live in the store, so a restarted watcher resumes where it stopped and holds nothing that
    grows with the polls. An entry is marked seen in the transaction that records the poll, after the
    pipeline has committed it: a watcher killed in between reads it again, and the pipeline knows it.
    """

    def __init__(self, pipeline: Pipeline, sources: Sequence[SourceConfig], *, fetcher: Fetcher | None = None,
                 clock: Callable[[], float] = time.time, rng: random.Random | None = None) -> None:
        self.pipeline = pipeline
        self.store = pipeline.store
        self.sources = list(sources)
        self.fetcher = fetcher or Fetcher()
        self.clock = clock
        self.rng = rng or random.Random()
        self.stop = threading.Event()

    # -- the loop --------------------------------------------------------------------------
    def run(self, *, once: bool = False, on_poll: Callable[[PollResult], None] | None = None) -> int:
        """Poll sources until :attr:`stop` is set (``once``: every source once, then return); return polls run.

        A stop request lets the poll in progress finish and commit; the next one is not started.
        """
        polls = 0
        while not self.stop.is_set():
            due = self.sources if once else self.due()
            for source in due:
                if self.stop.is_set():
                    break
                result = self.poll(source)
                polls += 1
                if on_poll:
                    on_poll(result)
            if once:
                break
            self.stop.wait(self._sleep_for())
        return polls

    def due(self) -> list[SourceConfig]:
        """Return the sources whose next poll is due now (never polled ones included)."""
        now = self.clock()
        out = []
        for s in self.sources:
            st = self.store.source_state(s.name)
            if st is None or st.next_poll <= now:
                out.append(s)
        return out

    def _sleep_for(self) -> float:
        now = self.clock()
        nexts = [st.next_poll for s in self.sources if (st := self.store.source_state(s.name)) is not None]
        if len(nexts) < len(self.sources):
            return 0.0
        return max(0.0, min(60.0, min(nexts) - now))

    # -- one poll --------------------------------------------------------------------------
    def poll(self, source: SourceConfig) -> PollResult:
        """Poll ``source`` once, ingest what is new, record the poll in the store and log its line."""
        state = self.store.source_state(source.name) or SourceState(source.name, source.kind, source.url)
        if (state.url, state.kind) != (source.url, source.kind):  # pointed elsewhere: old validators mean nothing
            state = replace(state, url=source.url, kind=source.kind, etag=None, last_modified=None)
        result = PollResult(source.name)
        try:
            if source.inbox:
                self._poll_inbox(source, state, result)
            else:
                self._poll_feed(source, state, result)
        except (FetchError, FeedError) as exc:
            self._failed(source, state, result, str(exc))
        except OSError as exc:
            self._failed(source, state, result, f"{type(exc).__name__}: {exc}")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:  # a parser's surprise stays the source's
            log.debug("poll of %s failed", source.name, exc_info=True)
            self._failed(source, state, result, failure(exc))
        (log.warning if result.status == "error" else log.info)("%s", result.line())
        return result

    def _record(self, source: SourceConfig, state: SourceState, result: PollResult, seen: Sequence[str],
                response: Response | None) -> None:
        """Mark ``seen`` and write the good poll's state, in one transaction."""
        now = self.clock()
        state.last_poll = _iso(now)
        state.failures, state.backoff, state.error = 0, 0.0, None
        state.status = result.status
        if response is not None and response.status == 200:
            # with entries left over, the next poll must get the whole body again, not a 304
            keep = not result.pending
            state.etag = response.headers.get("etag") if keep else None
            state.last_modified = response.headers.get("last-modified") if keep else None
        state.next_poll = result.next_poll = now + source.interval
        state.new_entries, state.stored = result.new, result.stored
        state.polls += 1
        state.stored_total += result.stored
        with self.store.transaction():
            self.store.mark_entries_seen(source.name, seen)
            self.store.put_source_state(state)

    def _failed(self, source: SourceConfig, state: SourceState, result: PollResult, error: str) -> None:
        now = self.clock()
        state.failures += 1
        state.backoff = min(source.max_backoff, source.interval * 2 ** min(state.failures, 20))
        # jitter in [0.75, 1]: sources failing together spread out, and each failure still waits longer
        delay = state.backoff * self.rng.uniform(0.75, 1.0)
        state.last_poll, state.status, state.error = _iso(now), "error", error
        state.next_poll = result.next_poll = now + delay
        state.new_entries = state.stored = 0
        state.polls += 1
        state.errors_total += 1
        result.status, result.error = "error", error
        with self.store.transaction():
            self.store.put_source_state(state)

    # -- feeds and sitemaps ----------------------------------------------------------------------
    def _poll_feed(self, source: SourceConfig, state: SourceState, result: PollResult) -> None:
        resp = self.fetcher.get(source.url, source.http, etag=state.etag, last_modified=state.last_modified,
                                accept=_FEED_ACCEPT)
        if resp.status == 304:
            result.status = "not modified"
            self._record(source, state, result, [], resp)
            return
        check_feed_type(resp.content_type, resp.url)
        parsed = parse_body(resp.body, url=resp.url, source=source.name, summary_chars=source.summary_chars)
        entries = self._entries(source, parsed)
        result.entries = len(entries)
        seen = self.store.seen_entries(source.name, [e.key for e in entries])
        fresh = [e for e in entries if e.key not in seen]
        result.new = len(fresh)
        docs, done, rejections = self._documents(source, fresh, result)
        report = self._ingest(docs, rejections)
        self._count(result, report)
        self._record(source, state, result, done, resp)

    def _entries(self, source: SourceConfig, parsed: ParsedBody) -> list[Entry]:
        """Return the body's entries, a sitemap index's children read in, each key once."""
        entries = list(parsed.entries)
        for child in parsed.sitemaps[:_MAX_SITEMAPS]:
            resp = self.fetcher.get(child, source.http, accept=_FEED_ACCEPT)
            check_feed_type(resp.content_type, resp.url)
            sub = parse_body(resp.body, url=resp.url, source=source.name, summary_chars=source.summary_chars)
            entries.extend(sub.entries)  # an index inside an index is not followed
        unique: dict[str, Entry] = {}
        for e in entries:
            unique.setdefault(e.key, e)
        return list(unique.values())

    def _documents(self, source: SourceConfig, fresh: Sequence[Entry], result: PollResult
                   ) -> tuple[list[RawDocument], list[str], list[Rejection]]:
        """Return the documents to ingest, the keys this poll settles, and the entries rejected before ingest."""
        docs: list[RawDocument] = []
        done: list[str] = []
        rejections: list[Rejection] = []
        pages = 0
        for e in fresh:
            if e.rejection is not None:
                rejections.append(Rejection(e.origin, e.rejection, id=e.key))
                done.append(e.key)
                continue
            doc = e.doc
            if e.page and (source.fetch_pages or doc is None):
                if not source.fetch_pages:
                    rejections.append(Rejection(e.origin, "sitemap URL, and fetch_pages is off", id=e.key))
                    done.append(e.key)
                    continue
                if pages >= source.max_pages:
                    result.pending += 1
                    continue
                pages += 1
                try:
                    doc = self._page(source, e)
                except FetchError as exc:
                    if exc.transient:
                        result.pending += 1
                        continue
                    if doc is None:
                        rejections.append(Rejection(e.origin, f"article page: {exc}", id=e.key))
                        done.append(e.key)
                        continue
                    log.info("%s: page of %s not read (%s); its summary is ingested", source.name, e.key, exc)
                except FeedError as exc:
                    if doc is None:
                        rejections.append(Rejection(e.origin, f"article page: {exc}", id=e.key))
                        done.append(e.key)
                        continue
                    log.info("%s: page of %s not read (%s); its summary is ingested", source.name, e.key, exc)
            assert doc is not None
            doc.id = article_id(source.name, e.key)
            docs.append(doc)
            done.append(e.key)
        return docs, done, rejections

    def _page(self, source: SourceConfig, e: Entry) -> RawDocument:
        """Return the article page of ``e`` as an HTML document (the cleaner extracts its main text)."""
        assert e.page is not None
        resp = self.fetcher.get(e.page, source.http, accept=_PAGE_ACCEPT)
        if resp.content_type not in _PAGE_TYPES:
            raise FeedError(f"wrong content type {resp.content_type} for an article page: {resp.url}")
        html = _decode_page(resp)
        summary = e.doc.raw if e.doc is not None else None
        return RawDocument(
            id=e.key, source=source_from_url(resp.url) or (e.doc.source if e.doc else source.name),
            origin=e.page, format="html", read_at=now_utc(), html=html, url=e.page, title=e.title,
            lang=e.lang, published=e.published,
            meta={"feed": source.url, "source_known": source_from_url(resp.url) is not None, "page": True,
                  **({"summary": summary[:2000]} if summary else {})},
        )

    # -- inbox folders -----------------------------------------------------------------------
    def _poll_inbox(self, source: SourceConfig, state: SourceState, result: PollResult) -> None:
        from .. import iter_files, read_path

        folder = Path(source.url)
        if not folder.is_dir():
            raise FeedError(f"inbox folder {folder} does not exist or is not a folder")
        skipped: list[Rejection] = []
        now = time.time()
        files: list[tuple[str, Path]] = []
        for f in iter_files([folder], skipped=skipped):
            try:
                st = f.stat()
            except OSError:
                continue  # gone since the walk: the next poll will not see it either
            if now - st.st_mtime < source.settle:  # still being written
                result.pending += 1
                continue
            files.append((f"{f.relative_to(folder)}|{st.st_size}|{st.st_mtime_ns}", f))
        result.entries = len(files)
        for i in range(0, len(files), _INBOX_CHUNK):
            chunk = files[i : i + _INBOX_CHUNK]
            seen = self.store.seen_entries(source.name, [k for k, _ in chunk])
            fresh = [(k, f) for k, f in chunk if k not in seen]
            result.new += len(fresh)
            docs: list[RawDocument] = []
            rejections: list[Rejection] = []
            for _, f in fresh:
                read = read_path(f, max_article_mb=self.pipeline.max_article_mb)
                docs.extend(read.documents)
                rejections.extend(read.rejected)
                result.skipped += len(read.skipped)  # not articles (README, code): settled, nothing to store
            report = self._ingest(docs, rejections)
            self._count(result, report)
            with self.store.transaction():
                self.store.mark_entries_seen(source.name, [k for k, _ in fresh])
            if self.stop.is_set():
                break
        self._record(source, state, result, [], None)

    # -- ingest ------------------------------------------------------------------------------
    def _ingest(self, docs: list[RawDocument], rejections: list[Rejection]) -> IngestReport | None:
        """Record ``rejections`` and run ``docs`` through the pipeline (dedupe, clean, assign as any ingest)."""
        from ...pipeline import IngestReport

        report = IngestReport()
        if rejections:
            with self.store.transaction():
                for r in rejections:
                    self.store.add_rejection(r)
                    report.reject(r)
        if not docs:
            return report if rejections else None
        return self.pipeline.ingest_documents(docs, report=report)

    @staticmethod
    def _count(result: PollResult, report: IngestReport | None) -> None:
        if report is not None:
            result.stored += len(report.stored)
            result.known += len(report.known)
            result.rejected += len(report.rejected)


def _decode_page(resp: Response) -> str:
    m = re.search(r"charset=[\"']?([\w.:-]+)", resp.headers.get("content-type", ""), re.I)
    if m:
        try:
            return resp.body.decode(m.group(1))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(resp.body)[0]


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")
