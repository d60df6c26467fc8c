"""The app factory: one FastAPI app with the JSON API, the widget, a health check and the
Gradio chat, behind the limits in ``assistant.web.limits``.

The Assistant is built in the background at start-up (building the index first when it is
missing), and the chat loads beside it, so ``/healthz`` answers at once and says 200
``ready`` as soon as questions can be answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from assistant.settings import Settings
from assistant.web import limits
from assistant.web.chat import ChatMount, serve_chat
from assistant.web.errors import install_handlers
from assistant.web.routes import ask, feedback, health, widget
from assistant.web.service import Service


def create_app(
    settings: Settings | None = None, *, service: Service | None = None, chat: bool = True
) -> FastAPI:
    """The whole web app; ``chat=False`` leaves the Gradio chat out (API-only tests)."""
    settings = settings or Settings()
    service = service or Service(settings)
    mount = ChatMount()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if service.assistant is None:
            threading.Thread(target=service.load, name="assistant-loader", daemon=True).start()
        stop = asyncio.Event()
        chat_task = asyncio.create_task(serve_chat(service, mount, stop)) if chat else None
        try:
            yield
        finally:
            stop.set()
            if chat_task is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(chat_task, timeout=10)
            service.close()

    app = FastAPI(title="Spørg artiklen", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.service = service
    for module in (ask, feedback, health, widget):
        app.include_router(module.router)
    app.mount("/widget/static", widget.assets, name="widget-assets")
    app.mount("/", mount, name="chat")
    install_handlers(app)
    limits.install(app, settings)
    # Our own CORS allowlist; added last, it runs first and answers preflight requests.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.allowed_origins),
        allow_methods=["GET", "POST"],
        allow_headers=["content-type"],
        allow_credentials=False,
    )
    return app
