"""Error bodies: a code for programs, a Danish message for people, a fixed English detail.

No path, exception text or request content ever goes into a body; that goes to the log.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.resources import messages

log = logging.getLogger(__name__)


def error(
    status: int, code: str, message: str, detail: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"error": code, "message": message, "detail": detail}
    return JSONResponse(body, status_code=status, headers=headers)


def ui_error(status: int, code: str, detail: str, **headers: str) -> JSONResponse:
    """An error whose Danish message is ``[ui].<code>`` in messages_da.toml."""
    return error(status, code, messages()["ui"][code], detail, headers or None)


def _validation_code(path: str, exc: RequestValidationError) -> tuple[str, str]:
    """Which message fits: feedback has its own; for questions, the field that was wrong."""
    if path == "/api/feedback":
        return "invalid_feedback", messages()["ui"]["invalid_feedback"]
    errors = messages()["errors"]
    for problem in exc.errors():
        loc = problem.get("loc", ())
        if loc[:2] == ("body", "question"):
            return "empty", errors["empty"]
        if loc[:2] == ("body", "history"):
            return "history", errors["history"]
    return "invalid_request", errors["empty"]


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        code, message = _validation_code(request.url.path, exc)
        return error(422, code, message, "the body does not match the API schema (/openapi.json)")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = "not_found" if exc.status_code == 404 else "unexpected"
        return ui_error(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error on %s", request.url.path, exc_info=exc)
        return ui_error(500, "unexpected", "an unexpected error; see the server log")
