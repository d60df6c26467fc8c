"""Questions: the whole answer, or the answer as it grows (JSON Lines)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterator

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response, StreamingResponse

from assistant.answer import Answer
from assistant.app import InputError
from assistant.resources import messages
from assistant.web.errors import error
from assistant.web.models import AnswerResponse, AskRequest, ErrorBody
from assistant.web.routes import ServiceDep
from assistant.web.service import Service

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api")
_ERRORS = {
    413: {"model": ErrorBody, "description": "The body is too large."},
    422: {"model": ErrorBody, "description": "The question or history cannot be used."},
    429: {"model": ErrorBody, "description": "Too many questions from this client."},
    503: {"model": ErrorBody, "description": "Not ready yet, or too many questions at once."},
}
_END = object()


def not_ready(service: Service) -> JSONResponse:
    return error(503, service.error_code, service.unavailable_message(), "not ready")


def invalid(service: Service, route: str, exc: InputError) -> JSONResponse:
    service.record(route, None, 422)
    text = messages()["errors"][exc.code].format(limit=exc.limit)
    return error(422, exc.code, text, str(exc))


@router.post("/ask", response_model=AnswerResponse, responses=_ERRORS)
async def ask(body: AskRequest, service: ServiceDep) -> Response:
    """The whole answer with its citations; the same object as ``assistant ask --json``."""
    assistant = service.assistant
    if assistant is None:
        return not_ready(service)
    loop = asyncio.get_running_loop()
    try:
        answer = await loop.run_in_executor(
            service.executor, assistant.ask, body.question, body.plain_history()
        )
    except InputError as exc:
        return invalid(service, "api", exc)
    service.record("api", answer)
    return JSONResponse(answer.to_dict())


@router.post(
    "/ask/stream",
    responses=_ERRORS
    | {200: {"content": {"application/x-ndjson": {}}, "description": "delta …, then answer"}},
)
async def ask_stream(body: AskRequest, service: ServiceDep) -> Response:
    """The answer as it grows, one JSON object per line: ``delta`` …, then ``answer``
    (or ``error``)."""
    assistant = service.assistant
    if assistant is None:
        return not_ready(service)
    try:
        request = assistant.prepare(body.question, body.plain_history())
    except InputError as exc:
        return invalid(service, "stream", exc)
    steps = assistant.stream(request.question, request.history)
    return StreamingResponse(_lines(service, steps), media_type="application/x-ndjson")


async def _lines(
    service: Service, steps: Iterator[tuple[str, Answer | None]]
) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    try:
        while (step := await loop.run_in_executor(service.executor, next, steps, _END)) is not _END:
            text, answer = step
            if answer is None:
                event = {"type": "delta", "text": text}
            else:
                event = {"type": "answer", "answer": answer.to_dict()}
                service.record("stream", answer)
            yield json.dumps(event, ensure_ascii=False) + "\n"
    except Exception:
        log.exception("streaming an answer failed")
        event = {"type": "error", "message": messages()["ui"]["unexpected"]}
        yield json.dumps(event, ensure_ascii=False) + "\n"
