"""Receive babelwire's alert webhooks on 127.0.0.1: verify each signature, print each firing.

    python examples/webhook_receiver.py --secret S [--port 8766]

Answers 204 to a POST whose ``X-Babelwire-Signature: sha256=<hex>`` is the HMAC-SHA256 of the raw
body with ``--secret`` and whose ``X-Babelwire-Timestamp`` is within five minutes (docs/alerts.md),
and prints one line per firing; a POST that fails the check gets 401 and is printed as refused.
Stop it with Ctrl-C.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sys
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_SKEW = 300  # seconds a delivery's timestamp may be off


def verify(secret: str, body: bytes, headers: Any, *, now: float | None = None) -> str | None:
    """Return None when ``body`` and ``headers`` are a delivery signed with ``secret``, else why not."""
    want = "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    got = headers.get("X-Babelwire-Signature") or ""
    if not hmac.compare_digest(want, got):
        return "bad signature" if got else "no signature"
    try:
        ts = int(headers.get("X-Babelwire-Timestamp") or "")
    except ValueError:
        return "no timestamp"
    if abs((time.time() if now is None else now) - ts) > MAX_SKEW:
        return "stale timestamp"
    return None


def line(firing: dict[str, Any]) -> str:
    """Return the one line printed for a firing."""
    story = firing.get("story") or {}
    value = f" {firing['value']}" if firing.get("value") else ""
    langs = ", ".join(story.get("languages", []))
    return (f"alert {firing.get('alert')!r} fired: {firing.get('reason')}{value}; story {story.get('id')} "
            f"\"{story.get('headline')}\" ({story.get('article_count')} articles, "
            f"{story.get('independent_sources')} independent sources, languages {langs})")


def make_server(secret: str, port: int = 0, *, on_firing: Callable[[dict[str, Any]], None] | None = None,
                on_refused: Callable[[str], None] | None = None) -> ThreadingHTTPServer:
    """Return the receiver bound to 127.0.0.1:``port`` (0: a free one); ``on_firing`` gets each verified
    firing, ``on_refused`` the reason of each POST refused."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            try:
                size = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                size = -1
            if not 0 <= size <= 1 << 20:
                return self._answer(400, "refused: bad Content-Length")
            body = self.rfile.read(size)
            why = verify(secret, body, self.headers)
            if why is not None:
                return self._answer(401, f"refused: {why}")
            try:
                firing = json.loads(body)
            except ValueError:
                return self._answer(400, "refused: not JSON")
            print(line(firing), flush=True)
            if on_firing is not None:
                on_firing(firing)
            self._answer(204, None)

        def _answer(self, status: int, message: str | None) -> None:
            if message:
                print(message, file=sys.stderr, flush=True)
                if on_refused is not None:
                    on_refused(message)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, fmt: str, *args: object) -> None:
            pass

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--secret", required=True, help="the alert's secret (babelwire alert add … --secret S)")
    parser.add_argument("--port", type=int, default=8766, help="port on 127.0.0.1 (default 8766)")
    args = parser.parse_args()
    server = make_server(args.secret, args.port)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
