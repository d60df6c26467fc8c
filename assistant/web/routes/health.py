"""Readiness: 200 ``{"status": "ready"}`` as soon as the API can answer, with the parts.

The chat page (Gradio, slow to import) may still be loading then: ``parts.chat`` says so.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assistant.web.models import Health, WidgetStatus
from assistant.web.routes import ServiceDep

router = APIRouter()


@router.get(
    "/healthz",
    response_model=Health,
    responses={503: {"model": Health, "description": "Starting, or could not start."}},
)
def healthz(service: ServiceDep) -> JSONResponse:
    parts = {"api": service.api, "chat": service.chat}
    if service.api == "ready":
        return JSONResponse({"status": "ready", "parts": parts})
    body: dict[str, object] = {"status": service.api, "parts": parts}
    if service.api == "error":
        body |= {"error": service.error_code, "message": service.unavailable_message()}
    return JSONResponse(body, status_code=503)


@router.get("/api/widget", response_model=WidgetStatus)
def widget_allowed(service: ServiceDep) -> JSONResponse:
    """The widget asks first: from an origin that is not allowed, this is refused (403)."""
    return JSONResponse({"ok": service.assistant is not None})
