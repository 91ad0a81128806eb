"""A polite HTTP GET on the standard library: http(s) only, conditional, bounded in time, size and redirects."""

from __future__ import annotations

import http.client
import logging
import random
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from ...errors import FetchError

__all__ = ["HttpPolicy", "Response", "Fetcher", "DEFAULT_USER_AGENT", "check_url"]

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "babelwire/0.1 (news story tracker; +https://github.com/babelwire)"
_REDIRECTS = (301, 302, 303, 307, 308)
_CHUNK = 65536


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    """How politely and how far one source is fetched."""

    timeout: float = 20.0  # seconds, for connecting and for each read
    max_bytes: int = 10 * 1024 * 1024  # of the body, compressed and decompressed alike
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    retries: int = 2  # further tries of a transient failure within one poll
    retry_delay: float = 1.0  # seconds before the first retry; doubled each time, with jitter
    host_delay: float = 1.0  # seconds between the end of one request to a host and the start of the next


@dataclass(slots=True)
class Response:
    """A fetched answer: 200 with its body, or 304 (not modified) without one."""

    url: str  # after redirects
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # names lower-cased
    body: bytes = b""

    @property
    def content_type(self) -> str:
        """Return the media type without parameters, lower-cased ('' when the server gave none)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def check_url(url: str) -> str:
    """Return ``url`` when it is an http(s) URL with a host; FetchError saying why not otherwise."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise FetchError(f"not a URL: {url!r} ({exc})") from exc
    if parts.scheme.lower() not in ("http", "https"):
        scheme = f"{parts.scheme}:" if parts.scheme else "no scheme"
        raise FetchError(f"refused {url!r}: {scheme} is not fetched, only http and https")
    if not parts.hostname:
        raise FetchError(f"refused {url!r}: no host")
    return url


class _Hosts:
    """One request per host at a time, and ``host_delay`` between two requests to one host."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}

    def lock(self, host: str) -> threading.Lock:
        with self._guard:
            if len(self._locks) > 1024:  # forget idle hosts, so the table stays bounded
                for h in [h for h, lk in self._locks.items() if not lk.locked()]:
                    self._locks.pop(h, None)
                    self._last.pop(h, None)
            return self._locks.setdefault(host, threading.Lock())

    def wait(self, host: str, delay: float, sleep: Callable[[float], None]) -> None:
        last = self._last.get(host)
        if last is not None and delay > 0:
            left = last + delay - time.monotonic()
            if left > 0:
                sleep(left)

    def done(self, host: str) -> None:
        self._last[host] = time.monotonic()


class Fetcher:
    """GETs URLs under an :class:`HttpPolicy`; shared by every source so the per-host rules hold across them."""

    def __init__(self, *, sleep: Callable[[float], None] = time.sleep, rng: random.Random | None = None) -> None:
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.hosts = _Hosts()
        self.requests = 0  # requests sent, retries and redirects included

    def get(self, url: str, policy: HttpPolicy, *, etag: str | None = None,
            last_modified: str | None = None, accept: str = "*/*") -> Response:
        """Return the answer for ``url``, retrying transient failures ``policy.retries`` times with backoff.

        Raises FetchError (``transient`` set for what a later poll may get past).
        """
        headers = {"User-Agent": policy.user_agent, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            try:
                return self._follow(url, headers, policy)
            except FetchError as exc:
                if not exc.transient or attempt >= policy.retries:
                    raise
                delay = policy.retry_delay * 2**attempt * self.rng.uniform(0.5, 1.0)
                log.debug("retrying %s in %.1fs: %s", url, delay, exc)
                attempt += 1
                if delay > 0:
                    self.sleep(delay)

    def _follow(self, url: str, headers: dict[str, str], policy: HttpPolicy) -> Response:
        seen = [url]
        while True:
            check_url(url)
            status, got, body = self._request(url, headers, policy)
            if status not in _REDIRECTS:
                break
            location = got.get("location")
            if not location:
                raise FetchError(f"HTTP {status} redirect without a Location from {url}")
            nxt = urljoin(url, location)
            if nxt in seen:
                raise FetchError("redirect loop: " + " -> ".join([*seen[seen.index(nxt):], nxt]))
            if len(seen) > policy.max_redirects:
                raise FetchError(f"more than {policy.max_redirects} redirects from {seen[0]}")
            seen.append(nxt)
            url = nxt
        if status == 304:
            return Response(url, 304, got)
        if status == 429 or status >= 500:
            raise FetchError(f"HTTP {status} from {url}", transient=True)
        if status != 200:
            raise FetchError(f"HTTP {status} from {url}")
        return Response(url, 200, got, body)

    def _request(self, url: str, headers: dict[str, str], policy: HttpPolicy) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        conn_cls = http.client.HTTPSConnection if parts.scheme.lower() == "https" else http.client.HTTPConnection
        with self.hosts.lock(host):
            self.hosts.wait(host, policy.host_delay, self.sleep)
            self.requests += 1
            conn = conn_cls(host, parts.port, timeout=policy.timeout)
            try:
                conn.request("GET", path, headers={**headers, "Host": parts.netloc.rsplit("@", 1)[-1]})
                resp = conn.getresponse()
                got = {k.lower(): v for k, v in resp.getheaders()}
                body = b"" if resp.status in _REDIRECTS or resp.status == 304 else _read_body(resp, url, policy)
                return resp.status, got, body
            except TimeoutError as exc:
                raise FetchError(f"timed out after {policy.timeout:g}s: {url}", transient=True) from exc
            except ssl.SSLError as exc:
                raise FetchError(f"TLS error from {url}: {exc}") from exc
            except (OSError, http.client.HTTPException) as exc:
                raise FetchError(f"cannot fetch {url}: {type(exc).__name__}: {exc}", transient=True) from exc
            finally:
                conn.close()
                self.hosts.done(host)


def _read_body(resp: http.client.HTTPResponse, url: str, policy: HttpPolicy) -> bytes:
    """Return the body, decompressed; FetchError once it passes ``policy.max_bytes`` (read no further)."""
    limit = policy.max_bytes
    over = FetchError(f"body over the {limit / 1048576:g} MB limit (max_body_mb): {url}")
    declared = resp.getheader("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise over
    coding = (resp.getheader("content-encoding") or "identity").strip().lower()
    if coding in ("gzip", "x-gzip"):
        inflate: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif coding == "deflate":
        inflate = None  # zlib-wrapped or raw: told apart on the first bytes
    elif coding in ("identity", ""):
        inflate = None
        coding = "identity"
    else:
        raise FetchError(f"unsupported Content-Encoding {coding!r} from {url}")
    out = bytearray()
    raw = 0
    while True:
        chunk = resp.read(_CHUNK)
        if not chunk:
            break
        raw += len(chunk)
        if raw > limit:
            raise over
        if coding == "identity":
            out += chunk
        else:
            if inflate is None:  # deflate: a zlib header has (CMF*256 + FLG) % 31 == 0
                wrapped = len(chunk) >= 2 and chunk[0] & 0x0F == 8 and (chunk[0] * 256 + chunk[1]) % 31 == 0
                inflate = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
            try:
                out += inflate.decompress(chunk, limit + 1 - len(out))
            except zlib.error as exc:
                raise FetchError(f"corrupt {coding} body from {url}: {exc}") from exc
            if inflate.unconsumed_tail:  # more output than the limit leaves room for
                raise over
        if len(out) > limit:
            raise over
    if inflate is not None:
        try:
            out += inflate.flush()
        except zlib.error as exc:
            raise FetchError(f"corrupt {coding} body from {url}: {exc}") from exc
        if len(out) > limit:
            raise over
    return bytes(out)
