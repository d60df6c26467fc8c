"""The web server: one FastAPI app with the JSON API, a health check and the Gradio chat.

The Assistant is built in the background at start-up (building the index first when it is
missing), so the server answers ``/healthz`` at once and reports ready only when the index
and the model are loaded.
"""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.app import Assistant, InputError, build_index, create_assistant
from assistant.feedback import FeedbackStore
from assistant.index import IndexMissingError
from assistant.resources import messages
from assistant.settings import Settings

log = logging.getLogger(__name__)


class Service:
    """What the edges share: the Assistant once it is ready, and the feedback store."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.feedback = FeedbackStore(settings.feedback_db)
        self.assistant: Assistant | None = None
        self.error: str | None = None

    def load(self) -> None:
        try:
            try:
                assistant = create_assistant(self.settings)
            except IndexMissingError:
                if not self.settings.build_index_on_start:
                    raise
                log.info("index missing; building it")
                build_index(self.settings, progress=False)
                assistant = create_assistant(self.settings)
            assistant.ask("Hvad er det første råd?")  # warm every path once
            self.assistant = assistant
            log.info("assistant ready")
        except Exception as exc:
            log.exception("the assistant could not start")
            self.error = str(exc)


class AskRequest(BaseModel):
    question: Any = None
    history: Any = None


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
    # Our own CORS policy (none: same origin only), so Gradio does not add its permissive one.
    app.add_middleware(CORSMiddleware, allow_origins=[], allow_credentials=False)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

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

    @app.post("/api/ask")
    def ask(body: AskRequest) -> JSONResponse:
        assistant = service.assistant
        if assistant is None:
            return _error(503, "starting", messages()["ui"]["starting"], "not ready yet")
        try:
            answer = assistant.ask(body.question, body.history)
        except InputError as exc:
            return _error(422, exc.code, errors[exc.code].format(limit=exc.limit), str(exc))
        return JSONResponse(answer.to_dict())

    texts = messages()["ui"]
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
        app_kwargs={"title": texts["page_title"]},
    )
