"""Limits and headers that apply to every request of the county server, as one
ASGI middleware (it sees the raw byte stream, before FastAPI parses anything).

- A body limit enforced *while the body is read*: a declared Content-Length
  over the limit is refused at once, and a chunked upload (no length) is
  counted as it arrives and cut off at the limit, so no request can make the
  server hold more than the limit in memory.
- Security headers on every response: X-Content-Type-Options, Referrer-Policy,
  X-Frame-Options, a Content-Security-Policy (pages that set their own keep
  it), and HSTS when the request came over HTTPS.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MiB = 1024 * 1024
DEFAULT_LIMIT = 1 * MiB  # forms, enrollment, logins
HSTS = "max-age=31536000; includeSubDomains"
API_CSP = "default-src 'none'; frame-ancestors 'none'"


class BodyTooLarge(Exception):  # noqa: N818
    def __init__(self, limit: int) -> None:
        super().__init__(f"body over {limit} bytes")
        self.limit = limit


def _too_large_body(limit: int) -> bytes:
    mib = max(1, limit // MiB)
    return json.dumps({"code": "too_large", "reason": f"the request is larger than {mib} MiB; send less at once",
                       "reason_zh": f"请求超过 {mib} MiB；请分批发送"}, ensure_ascii=False).encode("utf-8")


class Hardening:
    """The middleware; ``limits`` maps a path prefix to its body limit in bytes."""

    def __init__(self, app: ASGIApp, limits: dict[str, int], default_limit: int = DEFAULT_LIMIT) -> None:
        self.app = app
        self.state: Any = getattr(app, "state", None)  # the wrapped app's state (its County)
        self.limits = sorted(limits.items(), key=lambda kv: -len(kv[0]))
        self.default_limit = default_limit

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.limits:
            if path.startswith(prefix):
                return limit
        return self.default_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(str(scope.get("path", "")))
        https = scope.get("scheme") == "https"
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers") or [])
                have = {k.lower() for k, _v in headers}
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                         (b"x-frame-options", b"DENY"), (b"content-security-policy", API_CSP.encode())]
                if https:
                    extra.append((b"strict-transport-security", HSTS.encode()))
                headers.extend((k, v) for k, v in extra if k not in have)
                message["headers"] = headers
            await send(message)

        declared = next((v for k, v in scope.get("headers") or [] if k.lower() == b"content-length"), None)
        try:
            too_big = declared is not None and int(declared) > limit
        except ValueError:
            too_big = True
        if too_big:
            await self._refuse(send_with_headers, limit)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        try:
            await self.app(scope, counting_receive, send_with_headers)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(send_with_headers, limit)

    @staticmethod
    async def _refuse(send: Send, limit: int) -> None:
        body = _too_large_body(limit)
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
