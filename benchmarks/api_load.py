#!/usr/bin/env python
"""Load on the REST API and pages: N concurrent clients against `babelwire serve` on 127.0.0.1.

    python benchmarks/api_load.py                          # builds a 10,000-article store, 50 clients, 30 s
    python benchmarks/api_load.py --db /tmp/load.db --clients 20 --seconds 10

Builds (or takes, with --db) a store of synthetic multilingual articles through the real
pipeline (fake encoder vectors), starts `babelwire serve` as a subprocess on a free port of
127.0.0.1, and runs the clients for a bounded time with a mix of reads (story list, story,
article, search) and writes (POST /api/articles). Prints requests/s and p50/p95/p99 per route,
and every error. The clients are asyncio keep-alive HTTP/1.1 connections written here, light
enough to share the machine with the server. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

TOKEN = "load-test-token"
LANGS = ["en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "ro"]
WORDS = ("council vote budget minister river flood storm bank rate inflation court ruling strike union "
         "election border talks treaty summit harbour airport rail bridge energy price grain export import "
         "factory plant mine school hospital police protest market shares bond currency tax reform coalition "
         "parliament senate mayor governor army navy drought fire quake ceasefire aid refugees vaccine").split()
NAMES = ("Adler Berg Castro Dahl Eriksen Ferrari Garcia Horvat Ivanova Jensen Kowalski Larsen Moreau Novak "
         "Olsen Petrov Quinn Rossi Silva Tanaka Ueda Varga Weber Xu Yilmaz Zeller").split()
PLACES = ("Lisbon Porto Lyon Gdansk Brno Cluj Turin Ghent Malmo Tartu Split Varna Graz Bergen Kassel "
          "Seville Bilbao Nantes Aarhus Utrecht").split()


# -- the store ---------------------------------------------------------------------------------
def synthetic_records(n: int, *, seed: int = 7, per_event: int = 5) -> list[dict]:
    """Return ``n`` article records: events of about ``per_event`` reports each, in several languages."""
    rng = random.Random(seed)
    records = []
    event = 0
    while len(records) < n:
        names = rng.sample(NAMES, 2)
        place = rng.choice(PLACES)
        topic = rng.sample(WORDS, 4)
        number = rng.randint(2, 9999)
        day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        for k in range(rng.randint(max(1, per_event - 3), per_event + 3)):
            words = topic + rng.sample(WORDS, 6)
            rng.shuffle(words)
            records.append({
                "id": f"ev{event:05d}-{k}",
                "lang": rng.choice(LANGS),
                "published": day,
                "url": f"https://outlet{rng.randint(1, 40)}.example/{event}/{k}",
                "title": f"{names[0]} and {names[1]} in {place}: {' '.join(topic[:3])}",
                "text": f"{names[0]} met {names[1]} in {place} about the {topic[0]} and the {topic[1]}.\n"
                        f"{' '.join(words)} {number}.\n"
                        f"Officials in {place} said {number} people were affected by the {topic[2]} {topic[3]}.",
            })
        event += 1
    return records[:n]


def build_store(path: str, n: int) -> float:
    """Ingest ``n`` synthetic articles into a new store at ``path`` through the pipeline; return seconds."""
    from babelwire.pipeline import Pipeline
    from babelwire.signals import get_encoder
    from babelwire.sources._readers import record_to_document
    from babelwire.store import Store

    docs = [record_to_document(r, origin=f"synthetic:{i}", path=Path("synthetic") / "load", fmt="jsonl",
                               fallback_id=f"synthetic-{i}") for i, r in enumerate(synthetic_records(n))]
    t = time.perf_counter()
    with Store(path) as store:
        Pipeline(store, encoder=get_encoder("fake"), batch_size=500).ingest_documents(docs)
    return time.perf_counter() - t


# -- the server ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str, port: int, log_path: str, workers: int = 1) -> subprocess.Popen:
    """Start `babelwire serve` on 127.0.0.1:``port`` (this interpreter, this checkout's sources)."""
    env = {**os.environ, "BABELWIRE_TOKEN": TOKEN}
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [os.environ.get("PYTHONPATH")])])
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "babelwire.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--db", db,
         "--encoder", "fake", "--workers", str(workers)], env=env, stdout=log, stderr=subprocess.STDOUT)


# -- a small keep-alive HTTP/1.1 client (much lighter than a general one, so the server gets the CPU) ---
class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes | None = None,
                      headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if body is not None:
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b""))
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
            status_line, *header_lines = head.decode("latin-1").split("\r\n")
            status = int(status_line.split(" ", 2)[1])
            fields = {}
            for line in header_lines:
                if ":" in line:
                    k, v = line.split(":", 1)
                    fields[k.strip().lower()] = v.strip()
            if "content-length" in fields:
                data = await self.reader.readexactly(int(fields["content-length"]))
            elif fields.get("transfer-encoding") == "chunked":
                parts = []
                while True:
                    size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                    parts.append(await self.reader.readexactly(size + 2))
                    if size == 0:
                        break
                data = b"".join(p[:-2] for p in parts)
            else:
                data = await self.reader.read()
            if fields.get("connection") == "close":
                await self.close()
            return status, data
        except (asyncio.IncompleteReadError, ConnectionError):
            await self.close()
            raise

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


# -- the load ----------------------------------------------------------------------------------
QUERIES = [f"{a} {b}" for a, b in zip(NAMES, PLACES * 2, strict=False)] + [
    f"{w} {p}" for w, p in zip(WORDS[:24], PLACES, strict=False)]
GROUPS = {"GET /api/stories": "story list", "GET /": "story list",
          "GET /api/stories/{id}": "story", "GET /stories/{id}": "story",
          "GET /api/articles/{id}": "article", "GET /articles/{id}": "article",
          "GET /api/search": "search", "GET /search": "search", "POST /api/articles": "write"}


def id_path(value: str) -> str:
    """An id as the pages link it (see babelwire.web._ids), else percent-encoded."""
    try:
        from babelwire.web._ids import id_path as web_id_path
    except ImportError:  # an older checkout: plain percent-encoding
        return quote(value, safe="")
    return web_id_path(value)


class Load:
    def __init__(self, args: argparse.Namespace, story_ids: list[str], article_ids: list[str]) -> None:
        self.args = args
        self.story_ids = story_ids
        self.article_ids = article_ids
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[tuple[str, str], int] = defaultdict(int)
        self.samples: dict[tuple[str, str], str] = {}
        self.written = 0
        self.rng = random.Random(args.seed)

    def pick(self) -> tuple[str, str, str, bytes | None]:
        """Return (route, method, path, body) of the next request."""
        r = self.rng.random()
        w = self.args.write_share
        if r < w:
            self.written += 1
            n = self.written
            who, where, what = self.rng.choice(NAMES), self.rng.choice(PLACES), self.rng.choice(WORDS)
            rec = {"id": f"load-{os.getpid()}-{n}", "lang": self.rng.choice(LANGS), "published": "2024-12-30",
                   "title": f"{who} visits {where} for the {what} talks",
                   "text": " ".join(self.rng.sample(WORDS, 12)) + f" {n}.\nOfficials said more talks would follow."}
            return "POST /api/articles", "POST", "/api/articles", json.dumps([rec]).encode()
        r = (r - w) / (1 - w)
        api = self.rng.random() < 0.5
        if r < 0.25:
            if api:
                offset = 50 * self.rng.choice([0, 0, 0, 1, 2])
                return "GET /api/stories", "GET", f"/api/stories?limit=50&offset={offset}", None
            return "GET /", "GET", f"/?page={self.rng.choice([1, 1, 1, 2, 3])}", None
        if r < 0.5:
            sid = id_path(self.rng.choice(self.story_ids))
            return ("GET /api/stories/{id}", "GET", f"/api/stories/{sid}", None) if api else \
                ("GET /stories/{id}", "GET", f"/stories/{sid}", None)
        if r < 0.85:
            aid = id_path(self.rng.choice(self.article_ids))
            return ("GET /api/articles/{id}", "GET", f"/api/articles/{aid}", None) if api else \
                ("GET /articles/{id}", "GET", f"/articles/{aid}", None)
        q = quote(self.rng.choice(QUERIES))
        return ("GET /api/search", "GET", f"/api/search?q={q}", None) if api else \
            ("GET /search", "GET", f"/search?q={q}", None)

    async def client(self, port: int, deadline: float) -> None:
        conn = Connection("127.0.0.1", port)
        headers_get: dict[str, str] = {}
        headers_post = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        while time.perf_counter() < deadline:
            route, method, path, body = self.pick()
            t = time.perf_counter()
            try:
                status, data = await conn.request(method, path, body, headers_post if body is not None else headers_get)
            except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
                self.errors[(route, type(exc).__name__)] += 1
                self.samples.setdefault((route, type(exc).__name__), str(exc)[:200])
                continue
            self.latencies[route].append(time.perf_counter() - t)
            ok = status in (201, 207) if method == "POST" else status == 200
            if not ok:
                self.errors[(route, str(status))] += 1
                self.samples.setdefault((route, str(status)), data[:200].decode("utf-8", "replace"))
        await conn.close()

    async def run(self, port: int) -> float:
        t = time.perf_counter()
        deadline = t + self.args.seconds
        await asyncio.gather(*(self.client(port, deadline) for _ in range(self.args.clients)))
        return time.perf_counter() - t


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def report(load: Load, elapsed: float) -> None:
    def line(name: str, lat: list[float]) -> str:
        ms = [x * 1000 for x in lat]
        return (f"  {name:<24} {len(lat) / elapsed:8.1f} req/s   p50 {percentile(ms, 50):7.1f} ms   "
                f"p95 {percentile(ms, 95):7.1f} ms   p99 {percentile(ms, 99):7.1f} ms   ({len(lat)} requests)")

    print("per route:")
    for route in GROUPS:
        if load.latencies.get(route):
            print(line(route, load.latencies[route]))
    print("per kind:")
    by_group: dict[str, list[float]] = defaultdict(list)
    for route, lat in load.latencies.items():
        by_group[GROUPS[route]] += lat
    reads = by_group["story list"] + by_group["story"] + by_group["article"]
    print(line("reads (list+story+article)", reads))
    for group in ("story list", "story", "article", "write"):
        if by_group.get(group):
            print(line(group, by_group[group]))
    print(line("search", by_group.get("search", [])))
    total = sum(len(v) for v in load.latencies.values())
    errors = sum(load.errors.values())
    print(f"all: {total / elapsed:.1f} req/s over {elapsed:.1f}s, {total} responses, {errors} errors")
    for (route, what), n in sorted(load.errors.items()):
        print(f"  error {route} {what}: {n}x, e.g. {load.samples[(route, what)]!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", help="store to serve (built with --articles synthetic articles if missing; "
                                 "default: a new temporary one)")
    ap.add_argument("--articles", type=int, default=10_000, help="articles in a built store")
    ap.add_argument("--clients", type=int, default=50, help="concurrent clients (keep-alive connections)")
    ap.add_argument("--seconds", type=float, default=30.0, help="how long the load runs")
    ap.add_argument("--write-share", type=float, default=0.01, help="share of requests that POST an article")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=1, help="server processes (`serve --workers`)")
    ap.add_argument("--port", type=int, help="load a server already running on this port of 127.0.0.1 "
                                             f"(its write token must be {TOKEN!r}) instead of starting one")
    args = ap.parse_args()

    from babelwire.store import Store

    with tempfile.TemporaryDirectory(prefix="babelwire-load-") as tmp:
        db = args.db or os.path.join(tmp, "load.db")
        if not os.path.exists(db):
            print(f"building a store of {args.articles} synthetic articles at {db} …", flush=True)
            print(f"  built in {build_store(db, args.articles):.1f}s")
        with Store(db) as store:
            article_ids = [r["id"] for r in store.article_rows()]
            story_ids = [s["id"] for s in store.stories()]
        print(f"store: {len(article_ids)} articles, {len(story_ids)} stories")
        port = args.port or free_port()
        log_path = os.path.join(tmp, "serve.log")
        t = time.perf_counter()
        server = start_server(db, port, log_path, args.workers) if not args.port else None
        if server is None:
            own_cpu = time.process_time()
            load = Load(args, story_ids, article_ids)
            elapsed = asyncio.run(load.run(port))
            report(load, elapsed)
            print(f"CPU: these clients {time.process_time() - own_cpu:.1f} s")
            return
        try:
            asyncio.run(wait_ready(port, server))
            ready = time.perf_counter() - t
            asyncio.run(first_write(port))
            print(f"server: first answer after {ready:.1f}s, first write done after {time.perf_counter() - t:.1f}s")
            load = Load(args, story_ids, article_ids)
            load_before = os.getloadavg()[0]
            print(f"load: {args.clients} clients for {args.seconds:g}s, writes {args.write_share:.0%} "
                  f"(machine: {os.cpu_count()} cores, load average {load_before:.1f} before)", flush=True)
            cpu, own = cpu_seconds(server.pid), time.process_time()
            elapsed = asyncio.run(load.run(port))
            cpu, own = cpu_seconds(server.pid) - cpu, time.process_time() - own
            report(load, elapsed)
            total = sum(len(v) for v in load.latencies.values())
            print(f"CPU: the server used {cpu:.1f} s over {elapsed:.1f} s ({cpu / elapsed:.0%} of a core; "
                  f"{total / cpu if cpu else float('nan'):.0f} responses per server CPU-second), "
                  f"these clients {own:.1f} s")
            print(f"load average {os.getloadavg()[0]:.1f} at the end (1 min; includes this run)")
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
            if server.returncode not in (0, -15, None):
                print(Path(log_path).read_text()[-2000:])


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU time a process and its live children (serve's workers) have used so far
    (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return own + sum(cpu_seconds(c) for c in children)


async def wait_ready(port: int, server: subprocess.Popen) -> None:
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"babelwire serve exited with {server.returncode}")
        try:
            conn = Connection("127.0.0.1", port)
            status, _ = await conn.request("GET", "/api/stories?limit=1")
            await conn.close()
            if status == 200:
                return
        except OSError:
            pass
        await asyncio.sleep(0.2)
    raise SystemExit("the server did not answer within 120 s")


async def first_write(port: int) -> None:
    """One POST before the clock starts: a server's first write may wait for its clusterer to load."""
    conn = Connection("127.0.0.1", port)
    body = json.dumps({"id": f"load-warmup-{os.getpid()}", "title": "Warm-up report",
                       "text": "A warm-up report about the council vote in Lisbon.\nNothing else."}).encode()
    status, data = await conn.request("POST", "/api/articles", body,
                                      {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    await conn.close()
    if status not in (201, 207):
        raise SystemExit(f"the warm-up write answered {status}: {data[:300]!r}")


if __name__ == "__main__":
    main()
