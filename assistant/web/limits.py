"""The limits every request meets before it reaches a route, as plain ASGI middleware.

Plain ASGI (not ``@app.middleware("http")``) so that each limit sees what really happens:
the body limit counts the bytes received, chunked or not, and the concurrency slot is held
until the last byte of a streamed answer has been sent, not only until its headers.
"""

from __future__ import annotations

import threading

from fastapi import FastAPI
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.settings import Settings
from assistant.web.errors import ui_error

QUESTION_ROUTES = frozenset({"/api/ask", "/api/ask/stream", "/gradio_api/queue/join"})
ANSWER_ROUTES = frozenset({"/api/ask", "/api/ask/stream"})
FEEDBACK_ROUTES = frozenset({"/api/feedback"})

# What the chat page itself uses of Gradio's routes; everything else under /gradio_api
# (upload, run/predict, call/…, the API pages, file and proxy routes) answers 404.
GRADIO_POST = frozenset({"/gradio_api/queue/join", "/gradio_api/cancel"})
GRADIO_GET = ("/gradio_api/queue/data", "/gradio_api/heartbeat/", "/gradio_api/startup-events")


class BodyLimit:
    """Refuses a body over ``max_bytes`` by counting what arrives, then replays it to the app.

    Every body this app accepts is small, so reading it first costs little and no route,
    ours or Gradio's, can read past the limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"body over {self.max_bytes} bytes"
        await ui_error(413, "too_large", detail, connection="close")(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # so a streaming response still hears a disconnect
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class GradioRoutes:
    """Only the Gradio routes the chat page uses are reachable."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] == "http"
            and path.startswith("/gradio_api/")
            and not _chat_route(scope["method"], path)
        ):
            await ui_error(404, "not_found", "not a route of this app")(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _chat_route(method: str, path: str) -> bool:
    if method == "POST":
        return path in GRADIO_POST
    return method in ("GET", "HEAD") and path.startswith(GRADIO_GET)


class RateLimit:
    """Questions, and feedback, per client per minute (separate budgets).

    The client is the connection's address, or the proxy's ``X-Forwarded-For`` when uvicorn
    was told to trust that proxy (``ASSISTANT_TRUSTED_PROXIES``).
    """

    def __init__(self, app: ASGIApp, per_minute: int, limiter: MovingWindowRateLimiter) -> None:
        self.app = app
        self.limit = parse(f"{per_minute}/minute") if per_minute else None
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        bucket = _bucket(scope)
        if self.limit is not None and bucket is not None:
            client = scope["client"][0] if scope.get("client") else "unknown"
            if not self.limiter.hit(self.limit, bucket, client):
                detail = f"too many {bucket} per minute"
                response = ui_error(429, "rate_limited", detail, **{"retry-after": "60"})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _bucket(scope: Scope) -> str | None:
    if scope["type"] != "http" or scope["method"] != "POST":
        return None
    if scope["path"] in QUESTION_ROUTES:
        return "questions"
    return "feedback" if scope["path"] in FEEDBACK_ROUTES else None


class Concurrency:
    """At most ``slots`` API answers at once; more get 503 at once instead of waiting.

    The slot is held until the app has sent the whole response, the last streamed line
    included. (The chat's own queue has its own maximum.)
    """

    def __init__(self, app: ASGIApp, slots: threading.BoundedSemaphore) -> None:
        self.app = app
        self.slots = slots

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in ANSWER_ROUTES:
            await self.app(scope, receive, send)
            return
        if not self.slots.acquire(blocking=False):
            await ui_error(503, "queue_full", "too many questions at once")(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.slots.release()


class SecurityHeaders:
    """Pages from other origins get no API answers; only allowed origins may frame us; no
    response is sniffed or leaks the referrer."""

    def __init__(self, app: ASGIApp, allowed_origins: list[str]) -> None:
        self.app = app
        self.allowed = set(allowed_origins)
        self.frame_ancestors = " ".join(["'self'", *allowed_origins])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self._origin_allowed(scope):
            detail = "the origin is not in ASSISTANT_ALLOWED_ORIGINS"
            await ui_error(403, "origin_not_allowed", detail)(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("content-security-policy", self.policy())
                headers.setdefault("x-content-type-options", "nosniff")
                headers.setdefault("referrer-policy", "no-referrer")
            await send(message)

        await self.app(scope, receive, with_headers)

    def policy(self) -> str:
        return f"frame-ancestors {self.frame_ancestors}"

    def _origin_allowed(self, scope: Scope) -> bool:
        origin = Headers(scope=scope).get("origin")
        if not origin or not scope["path"].startswith("/api/"):
            return True
        host = Headers(scope=scope).get("host", "")
        return origin in self.allowed or origin == f"{scope['scheme']}://{host}"


def install(app: FastAPI, settings: Settings) -> None:
    """Add the limits in the order they must run (the last added runs first).

    The counters are made here, once: Starlette may build its middleware stack more than
    once (two first requests at the same time), and every copy must share them.
    """
    slots = threading.BoundedSemaphore(settings.queue_max_size)
    limiter = MovingWindowRateLimiter(MemoryStorage())
    app.add_middleware(Concurrency, slots=slots)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RateLimit, per_minute=settings.rate_limit_per_minute, limiter=limiter)
    app.add_middleware(GradioRoutes)
    app.add_middleware(SecurityHeaders, allowed_origins=list(settings.allowed_origins))
