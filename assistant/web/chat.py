"""The Gradio chat, mounted at ``/`` once it has loaded.

Gradio takes seconds to import, so the API does not wait for it, and it is only imported once
the Assistant has loaded (both are CPU-bound Python and would share one interpreter lock):
until the chat is ready, ``/`` answers a small Danish page that reloads itself, and
``/healthz`` says ``parts.chat: "loading"``.
"""

from __future__ import annotations

import asyncio
import logging
from html import escape

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.resources import messages
from assistant.web.service import Service

log = logging.getLogger(__name__)


class ChatMount:
    """An ASGI app that is the chat once ``app`` is set, and a 'starting' page before."""

    def __init__(self) -> None:
        self.app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is not None:
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        text = escape(messages()["ui"]["chat_loading"])
        page = (
            '<!doctype html><html lang="da"><head><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="3"><title>{text}</title></head>'
            f"<body><p>{text}</p></body></html>"
        )
        await HTMLResponse(page, status_code=503, headers={"Retry-After": "3"})(
            scope, receive, send
        )


def build_chat_app(service: Service) -> FastAPI:
    """The Gradio chat inside a small FastAPI shell (runs in a thread: it is slow)."""
    import gradio as gr

    from ui.chat import build_chat, static_text, theme

    shell = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    # The outer app answers CORS; a CORSMiddleware here tells Gradio not to add its own
    # permissive one (any origin, with credentials).
    shell.add_middleware(CORSMiddleware, allow_origins=list(service.settings.allowed_origins))
    return gr.mount_gradio_app(
        shell,
        build_chat(service),
        path="/",
        theme=theme(),
        css=static_text("chat.css"),
        head=f"<script>{static_text('chat.js')}</script>",
        footer_links=[],
        run_history=False,
        show_error=False,
        favicon_path=None,
        app_kwargs={"title": messages()["ui"]["page_title"]},
    )


async def serve_chat(service: Service, mount: ChatMount, stop: asyncio.Event) -> None:
    """Once the Assistant has loaded (or failed), load the chat, start its queue (Gradio's
    lifespan) and serve it until ``stop``."""
    service.chat = "loading"
    while service.assistant is None and not service.settled.is_set():
        if stop.is_set():
            return
        await asyncio.sleep(0.1)
    try:
        shell = await asyncio.to_thread(build_chat_app, service)
    except Exception:
        log.exception("the chat could not be loaded")
        service.chat = "error"
        return
    async with shell.router.lifespan_context(shell):
        mount.app = shell
        service.chat = "ready"
        log.info("chat ready")
        await stop.wait()
