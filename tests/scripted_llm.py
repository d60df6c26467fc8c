"""A scripted OpenAI-compatible chat server on 127.0.0.1 for tests: replies as told."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from dataclasses import dataclass, field

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse


@dataclass
class Script:
    mode: str = "reply"  # reply | error | slow
    text: str = ""
    delay: float = 0.0
    requests: list[dict] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    """Ends a slow reply's wait before ``delay`` (a test that holds the reply until it has
    seen what happens meanwhile)."""


def _chunk(content: str, finish: str | None = None) -> str:
    body = {
        "id": "scripted",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "scripted",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n"


def make_app(script: Script) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def completions(request: Request):
        body = await request.json()
        script.requests.append(body)
        if script.mode == "error":
            return JSONResponse({"error": {"message": "boom"}}, status_code=500)
        if script.mode == "slow":
            await asyncio.to_thread(script.release.wait, script.delay)

        async def events():
            for word in script.text.split(" "):
                yield _chunk(word + " ")
                await asyncio.sleep(0.01)
            yield _chunk("", "stop")
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.post("/api/chat")
    async def ollama_chat(request: Request):
        """The Ollama API: newline-delimited JSON messages."""
        body = await request.json()
        script.requests.append(body)
        if script.mode == "error":
            return JSONResponse({"error": "boom"}, status_code=500)

        async def lines():
            for word in script.text.split(" "):
                message = {"role": "assistant", "content": word + " "}
                yield json.dumps({"model": "scripted", "message": message, "done": False}) + "\n"
            done = {
                "model": "scripted",
                "message": {"role": "assistant", "content": ""},
                "done": True,
                "done_reason": "stop",
            }
            yield json.dumps(done) + "\n"

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    return app


class ScriptedServer:
    def __init__(self) -> None:
        self.script = Script()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            make_app(self.script), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
