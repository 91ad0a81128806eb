"""ASGI middleware: request size limit and security headers on every response."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_response

__all__ = ["Guard", "SECURITY_HEADERS"]

# No inline script, no third-party anything: even markup that slipped past escaping could not run.
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


class Guard:
    """Refuses bodies over ``max_bytes`` with 413 (before the app reads them) and adds security headers."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(scope, receive, send_with_headers)
            return
        if scope.get("method") in ("POST", "PUT", "PATCH"):
            # Read the body up front so an undeclared (chunked) body is held to the limit too.
            chunks, size, more = [], 0, True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.max_bytes:
                    await self._too_large(scope, receive, send_with_headers)
                    return
                chunks.append(chunk)
                more = message.get("more_body", False)
            body, sent = b"".join(chunks), False

            async def replay() -> Message:
                nonlocal sent
                if not sent:
                    sent = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            await self.app(scope, replay, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        from starlette.requests import Request

        mib = self.max_bytes / (1 << 20)
        request = Request(scope, receive)
        try:
            response = error_response(
                request, scope["path"], 413, "payload_too_large",
                f"request body over the limit of {mib:g} MiB (BABELWIRE_MAX_UPLOAD_MB)",
            )
        except Exception:  # noqa: BLE001 - the app state may be missing; JSON always works
            response = error_response(None, scope["path"], 413, "payload_too_large", "request body too large")
        await response(scope, receive, send)
