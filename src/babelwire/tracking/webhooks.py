"""Alert delivery to webhooks: a signed JSON POST per firing, retried with backoff, its outcome stored.

The body is the firing as JSON; ``X-Babelwire-Signature: sha256=<hex>`` is the HMAC-SHA256 of the body
with the alert's secret, ``X-Babelwire-Timestamp`` the Unix time of the request (also in the body, so
it is signed). A firing delivered (a 2xx answer) is never sent again; one that failed keeps its error
and is tried again by later runs, up to ``MAX_RUNS`` runs' worth of tries.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from .. import __version__, settings
from ..model import Alert, Firing
from ..store import StoreInterface

__all__ = ["deliver", "payload", "signature", "MAX_RUNS"]

log = logging.getLogger(__name__)

MAX_RUNS = 3  # a failing firing gets the tries of this many runs in all, then stays "failed"


def payload(alert: Alert, firing: Firing, *, timestamp: int) -> dict[str, Any]:
    """Return the JSON body of a firing's webhook request."""
    return {"event": "alert.fired", "alert": alert.name, "query": alert.query, "firing_id": firing.id,
            "reason": firing.reason, "value": firing.value, "fired_at": firing.at, "cursor": firing.cursor,
            "story": firing.data, "timestamp": timestamp}


def signature(secret: str, body: bytes) -> str:
    """Return the ``X-Babelwire-Signature`` value of ``body``: ``sha256=`` and the hex HMAC-SHA256."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _post_once(url: str, body: bytes, headers: dict[str, str], timeout: float) -> str | None:
    """POST ``body``; return None on a 2xx answer, else what went wrong."""
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - http(s) checked at add
            status = resp.status
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
    return None if 200 <= status < 300 else f"HTTP {status}"


def _send(alert: Alert, firing: Firing, *, tries: int, backoff: float, timeout: float,
          sleep: Callable[[float], None]) -> tuple[int, str | None]:
    """Try to deliver ``firing`` up to ``tries`` times; return the tries made and the last error (None: sent)."""
    error: str | None = None
    for attempt in range(tries):
        if attempt:
            sleep(backoff * 2 ** (attempt - 1))
        ts = int(time.time())
        body = json.dumps(payload(alert, firing, timestamp=ts), ensure_ascii=False, sort_keys=True).encode("utf-8")
        headers = {"Content-Type": "application/json", "User-Agent": f"babelwire/{__version__}",
                   "X-Babelwire-Timestamp": str(ts), "X-Babelwire-Event": "alert.fired",
                   "X-Babelwire-Delivery": str(firing.id)}
        if alert.secret:
            headers["X-Babelwire-Signature"] = signature(alert.secret, body)
        error = _post_once(alert.webhook or "", body, headers, timeout)
        if error is None:
            return attempt + 1, None
        log.warning("alert %s: webhook delivery of firing %d failed (try %d of %d): %s", alert.name, firing.id,
                    attempt + 1, tries, error)
    return tries, error


def deliver(store: StoreInterface, *, tries: int | None = None, backoff: float = 0.5, timeout: float | None = None,
            sleep: Callable[[float], None] = time.sleep) -> tuple[int, int]:
    """Send every firing owed to a webhook (pending, or failed with tries left), oldest first; return how many
    were delivered and how many failed. A failure is logged and stored with its error; it stops nothing."""
    tries = max(1, int(tries or int(settings.get("webhook_tries") or 3)))
    timeout = float(timeout or float(settings.get("webhook_timeout") or 10))
    alerts = {a.name: a for a in store.alerts() if a.webhook}
    delivered = failed = 0
    for f in store.firings(delivery=["pending", "failed"], newest_first=False):
        alert = alerts.get(f.alert)
        if alert is None or f.attempts >= tries * MAX_RUNS:
            continue
        made, error = _send(alert, f, tries=min(tries, tries * MAX_RUNS - f.attempts), backoff=backoff,
                            timeout=timeout, sleep=sleep)
        with store.transaction():  # the request is made outside: the write lock is not held over the network
            store.set_delivery(f.id, "failed" if error else "delivered", attempts=f.attempts + made, error=error)
        if error:
            failed += 1
        else:
            delivered += 1
    return delivered, failed
