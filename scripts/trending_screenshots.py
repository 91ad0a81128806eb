"""Build a demo store (a burst, steady stories, a re-posted wire text) and shoot /trending and a story page.

    PYTHONPATH=src python scripts/trending_screenshots.py [--out docs/screenshots] [--db /tmp/demo.db]

Writes ``trending.png`` and ``story-timeline.png`` (needs the [web] extra, playwright and /usr/bin/chromium).
The store is written through the store interface with known stories and copy marks, so the pictures show
the rendering, whatever the clusterer would make of the demo texts. ``build_demo`` is also what the browser
test serves.
"""

from __future__ import annotations

import argparse
import logging
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from babelwire.model import Article
from babelwire.store import Store

log = logging.getLogger("trending_screenshots")

AT = datetime(2024, 5, 4, 13, 0, tzinfo=UTC)  # the replay's "now"
BURST = AT - timedelta(hours=4)
QUAKE_ID = "demo-quake"

# (minutes from the burst, outlet, language, title); the first is a local outlet's early report
QUAKE = [
    (-1500, "haberhatti.tr", "tr", "Kahramanmaraş'ta hafif sarsıntı"),
    (0, "anadolu-ajans.tr", "tr", "Kahramanmaraş'ta 6,4 büyüklüğünde deprem"),
    (12, "wirenews.com", "en", "Magnitude 6.4 earthquake strikes Kahramanmaras"),
    (25, "tagesblatt.de", "de", "Erdbeben der Stärke 6,4 erschüttert Kahramanmaras"),
    (31, "lequotidien.fr", "fr", "Un séisme de magnitude 6,4 frappe Kahramanmaras"),
    (44, "kavkazinfo.ru", "ru", "Землетрясение магнитудой 6,4 в Кахраманмараше"),
    (58, "sadaalmal.ae", "ar", "زلزال بقوة 6.4 يضرب كهرمان مرعش"),
    (70, "dailyglobe.co.uk", "en", "Rescuers search rubble after Turkish quake"),
    (95, "elpais-demo.es", "es", "Un terremoto de 6,4 sacude Kahramanmaras"),
    (130, "haberhatti.tr", "tr", "Elbistan'da enkaz altında arama sürüyor"),
]
# copies: (minutes, outlet, language, index of the original in QUAKE)
QUAKE_COPIES = [(20, "regionalpost.com", "en", 2), (40, "newsfeed24.com", "en", 2), (50, "portal-tr.com", "tr", 1),
                (140, "aggregator.de", "de", 3)]
STEADY = [("demo-strike", "Rotterdam dockers' strike enters its third week", "nl"),
          ("demo-budget", "Ljubljana parliament debates the Golob budget", "sl"),
          ("demo-drought", "Andalusia drought: Guadalquivir reservoirs at a record low", "es")]


def _article(aid: str, source: str, lang: str, title: str, at: datetime) -> Article:
    return Article(id=aid, source=source, origin=f"demo/{aid}.txt", format="text", read_at=AT, raw=title,
                   title=title, text=f"{title}. (demo text {aid})", lang=lang,
                   published=at.isoformat(timespec="seconds"), meta={"source_known": True})


def build_demo(db: str | Path) -> str:
    """Write the demo store at ``db`` and return the id of its bursting story (trending as of ``AT``)."""
    with Store(db) as store, store.transaction():
        store.upsert_story(QUAKE_ID, QUAKE[1][3])
        for i, (minutes, source, lang, title) in enumerate(QUAKE):
            store.add_article(_article(f"quake-{i}", source, lang, title, BURST + timedelta(minutes=minutes)),
                              embed_hash=f"q{i}")
            store.assign(f"quake-{i}", QUAKE_ID, score=0.9, evidence={})
        for j, (minutes, source, lang, of) in enumerate(QUAKE_COPIES):
            aid = f"quake-copy-{j}"
            store.add_article(_article(aid, source, lang, QUAKE[of][3], BURST + timedelta(minutes=minutes)),
                              embed_hash=f"qc{j}")
            store.assign(aid, QUAKE_ID, score=1.0, evidence={"reason": "copy", "copy_of": f"quake-{of}",
                                                             "copy_kind": "near-verbatim", "copy_similarity": 0.9})
        for t, (sid, title, lang) in enumerate(STEADY):
            store.upsert_story(sid, title)
            for k in range(24):  # one report every three hours for three days, four outlets in turn
                at = AT - timedelta(hours=72 - 3 * k - t)
                aid = f"{sid}-{k}"
                store.add_article(_article(aid, f"{lang}-outlet{k % 4}.example", lang, f"{title} ({k})", at),
                                  embed_hash=aid)
                store.assign(aid, sid, score=0.8, evidence={})
        store.upsert_story("demo-wire", "Toyota recalls 400,000 Prius hybrids over brake software")
        for k in range(8):  # one wire text, seven re-posts: one independent source
            aid = f"wire-{k}"
            store.add_article(_article(aid, f"site{k}.example", "en", "Toyota recalls 400,000 Prius hybrids",
                                       AT - timedelta(hours=3, minutes=-9 * k)), embed_hash=aid)
            store.assign(aid, "demo-wire", score=1.0,
                         evidence={"reason": "copy", "copy_of": "wire-0", "copy_kind": "near-verbatim"} if k else {})
    return QUAKE_ID


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def shoot(db: Path, out: Path) -> None:
    """Serve the demo store on a free local port and save the two screenshots under ``out``."""
    import uvicorn
    from playwright.sync_api import sync_playwright

    from babelwire.web import create_app

    out.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(str(db), encoder="fake", token="demo"), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base, at = f"http://127.0.0.1:{port}", AT.isoformat(timespec="minutes").replace("+00:00", "Z")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(f"{base}/trending?at={at}")
            page.screenshot(path=str(out / "trending.png"), full_page=True)
            page.goto(f"{base}/stories/{QUAKE_ID}")
            page.locator("figure.story-chart").screenshot(path=str(out / "story-timeline.png"))
            browser.close()
    finally:
        server.should_exit = True
        thread.join(10)
    log.info("wrote %s and %s", out / "trending.png", out / "story-timeline.png")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    ap.add_argument("--db", type=Path, default=Path("/tmp/babelwire-trending-demo.db"))
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    build_demo(args.db)
    shoot(args.db, args.out)


if __name__ == "__main__":
    main()
