"""The web server: one FastAPI app with the JSON API, a health check and the Gradio chat.

The Assistant is built in the background at start-up (building the index first when it is
missing), so the server answers ``/healthz`` at once and reports ready only when the index
and the model are loaded.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from contextlib import asynccontextmanager
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.answer import Answer
from assistant.app import Assistant, InputError, create_assistant
from assistant.feedback import FeedbackStore
from assistant.resources import messages
from assistant.settings import Settings

log = logging.getLogger(__name__)
WIDGET_FILES = {
    "widget-frame.js": "text/javascript; charset=utf-8",
    "widget-frame.css": "text/css; charset=utf-8",
}


requests_log = logging.getLogger("assistant.requests")
_STARTUP_ERRORS = {
    "ModelMissingError": "model_missing",
    "IndexMismatchError": "index_mismatch",
    "IndexMissingError": "index_missing",
    "IndexUnavailableError": "index_unavailable",
}


class Service:
    """What the edges share: the Assistant once it is ready, the feedback store, the log."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.feedback = FeedbackStore(settings.feedback_db)
        purged = self.feedback.purge(settings.feedback_retention_days)
        if purged:
            log.info("purged %d feedback rows older than the retention period", purged)
        self.assistant: Assistant | None = None
        self.error: str | None = None
        self.error_code = "starting"

    def record(self, route: str, answer: Answer | None, status: int = 200) -> None:
        """One structured log line per question: timings and outcome, no question text
        unless ``log_questions`` is on."""
        fields: dict[str, Any] = {"route": route, "status": status}
        if answer is not None:
            fields |= {
                "abstained": answer.abstained,
                "citations": len(answer.citations),
                "timings_ms": answer.timings_ms,
                "llm_fallback": answer.notice is not None,
            }
            if self.settings.log_questions:
                fields["question"] = answer.question
        requests_log.info("answer", extra={"fields": fields})

    def load(self) -> None:
        try:
            build = self.settings.build_index_on_start  # one model load builds and answers
            assistant = create_assistant(self.settings, build_missing_index=build)
            assistant.ask("Hvad er det første råd?")  # warm every path once
            self.assistant = assistant
            log.info("assistant ready")
        except Exception as exc:
            log.exception("the assistant could not start")
            self.error = str(exc)
            self.error_code = _STARTUP_ERRORS.get(type(exc).__name__, "unexpected")

    def unavailable_message(self) -> str:
        """Why there is no answer yet, in Danish, for the chat and the API."""
        texts = messages()
        return texts["errors"].get(self.error_code) or texts["ui"][self.error_code]


class AskRequest(BaseModel):
    question: Any = None
    history: Any = None


class FeedbackRequest(BaseModel):
    rating: Literal["up", "down"]
    question: str = Field(max_length=4000)
    answer: str = Field(max_length=20000)
    citations: list[dict[str, Any]] = Field(default_factory=list, max_length=20)
    comment: str = Field("", max_length=2000)


class JsonLines(logging.Formatter):
    """Log records as one JSON object per line, for log shippers."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line |= getattr(record, "fields", {})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(line, ensure_ascii=False)


def configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines())
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)


def _error(status: int, code: str, message: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message, "detail": detail}, status_code=status)


def create_app(settings: Settings | None = None, *, service: Service | None = None) -> FastAPI:
    import gradio as gr

    from ui.chat import build_chat, static_text, theme

    settings = settings or Settings()
    service = service or Service(settings)
    errors = messages()["errors"]

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if service.assistant is None:
            threading.Thread(target=service.load, name="assistant-loader", daemon=True).start()
        yield

    app = FastAPI(title="Spørg artiklen", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.service = service
    allowed = list(settings.allowed_origins)
    frame_ancestors = " ".join(["'self'", *allowed])

    ui_texts = messages()["ui"]
    limiter = MovingWindowRateLimiter(MemoryStorage())
    per_client = parse(f"{settings.rate_limit_per_minute}/minute")
    asking = ("/api/ask", "/api/ask/stream", "/gradio_api/queue/join")
    in_flight = threading.BoundedSemaphore(settings.queue_max_size)

    @app.middleware("http")
    async def limits(request: Request, call_next):
        """Body size, questions per client per minute, and how many API answers at once."""
        size = request.headers.get("content-length")
        if size and size.isdigit() and int(size) > settings.max_body_bytes:
            return _error(
                413,
                "too_large",
                ui_texts["too_large"],
                f"body over {settings.max_body_bytes} bytes",
            )
        if request.method != "POST" or request.url.path not in asking:
            return await call_next(request)
        client = request.client.host if request.client else "unknown"
        if settings.rate_limit_per_minute and not limiter.hit(per_client, client):
            response = _error(
                429, "rate_limited", ui_texts["rate_limited"], "too many questions per minute"
            )
            response.headers["Retry-After"] = "60"
            return response
        if request.url.path.startswith("/gradio_api"):
            return await call_next(request)  # the Gradio queue has its own maximum
        if not in_flight.acquire(blocking=False):
            return _error(503, "busy", ui_texts["queue_full"], "too many questions at once")
        try:
            return await call_next(request)
        finally:
            in_flight.release()

    @app.middleware("http")
    async def origins_and_headers(request: Request, call_next):
        """Pages from other origins get no API answers; only allowed origins may frame us."""
        origin = request.headers.get("origin")
        own = f"{request.url.scheme}://{request.url.netloc}"
        if (
            origin
            and origin != own
            and origin not in allowed
            and request.url.path.startswith("/api/")
        ):
            return _error(
                403,
                "origin_not_allowed",
                ui_texts["origin_not_allowed"],
                f"origin {origin} is not in ASSISTANT_ALLOWED_ORIGINS",
            )
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", f"frame-ancestors {frame_ancestors}")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    # Our own CORS allowlist, so Gradio does not add its permissive one (any origin, with
    # credentials). Added last, it runs first and answers preflight requests.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=allowed,
        allow_methods=["GET", "POST"],
        allow_headers=["content-type"],
        allow_credentials=False,
    )

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        if service.assistant is not None:
            return JSONResponse({"status": "ready"})
        if service.error:
            return JSONResponse({"status": "error", "detail": service.error}, status_code=503)
        return JSONResponse({"status": "starting"}, status_code=503)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(422, "invalid_request", errors["empty"], "send JSON: {question, history?}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, "http_error", str(exc.detail), str(exc.detail))

    def not_ready() -> JSONResponse:
        detail = service.error or "not ready yet"
        return _error(503, service.error_code, service.unavailable_message(), detail)

    def invalid(route: str, exc: InputError) -> JSONResponse:
        service.record(route, None, 422)
        return _error(422, exc.code, errors[exc.code].format(limit=exc.limit), str(exc))

    @app.post("/api/ask")
    def ask(body: AskRequest) -> JSONResponse:
        assistant = service.assistant
        if assistant is None:
            return not_ready()
        try:
            answer = assistant.ask(body.question, body.history)
        except InputError as exc:
            return invalid("api", exc)
        service.record("api", answer)
        return JSONResponse(answer.to_dict())

    @app.post("/api/feedback")
    def feedback(body: FeedbackRequest) -> JSONResponse:
        """A verdict on an answer, from the widget or any other client of the API."""
        row = service.feedback.add(body.rating, body.question, body.answer, body.citations)
        if body.comment.strip():
            service.feedback.comment(row, body.comment.strip())
        return JSONResponse({"id": row}, status_code=201)

    @app.post("/api/ask/stream")
    def ask_stream(body: AskRequest) -> Response:
        """The answer as it grows, one JSON object per line: delta …, then answer."""
        assistant = service.assistant
        if assistant is None:
            return not_ready()
        try:
            request = assistant.prepare(body.question, body.history)
        except InputError as exc:
            return invalid("stream", exc)

        def lines() -> Iterator[str]:
            try:
                for text, answer in assistant.stream(request.question, request.history):
                    if answer is None:
                        event = {"type": "delta", "text": text}
                    else:
                        event = {"type": "answer", "answer": answer.to_dict()}
                        service.record("stream", answer)
                    yield json.dumps(event, ensure_ascii=False) + "\n"
            except Exception:
                log.exception("streaming an answer failed")
                message = ui_texts["unexpected"]
                yield json.dumps({"type": "error", "message": message}, ensure_ascii=False) + "\n"

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    @app.get("/api/widget")
    def widget_allowed() -> JSONResponse:
        """The widget asks first: from an origin that is not allowed, this is refused."""
        return JSONResponse({"ok": service.assistant is not None})

    @app.get("/widget.js")
    def widget_script() -> Response:
        return Response(
            static_text("widget.js"),
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": "public, max-age=300"},
        )

    @app.get("/widget/frame")
    def widget_frame() -> HTMLResponse:
        return HTMLResponse(
            static_text("widget-frame.html"),
            headers={
                "Content-Security-Policy": (
                    "default-src 'self'; script-src 'self'; style-src 'self'; "
                    f"img-src 'self' data:; connect-src 'self'; frame-ancestors {frame_ancestors}"
                )
            },
        )

    @app.get("/widget/static/{name}")
    def widget_static(name: str) -> Response:
        if name not in WIDGET_FILES:
            return _error(404, "not_found", "Ikke fundet.", f"no widget file {name}")
        return Response(static_text(name), media_type=WIDGET_FILES[name])

    return gr.mount_gradio_app(
        app,
        build_chat(service),
        path="/",
        theme=theme(),
        css=static_text("chat.css"),
        head=f"<script>{static_text('chat.js')}</script>",
        footer_links=[],
        run_history=False,
        show_error=False,
        favicon_path=None,
        app_kwargs={"title": ui_texts["page_title"]},
    )
