"""Verdicts on answers from the widget or any other client of the API."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assistant.web.models import ErrorBody, FeedbackCreated, FeedbackRequest
from assistant.web.routes import ServiceDep

router = APIRouter(prefix="/api")


@router.post(
    "/feedback",
    status_code=201,
    response_model=FeedbackCreated,
    responses={
        413: {"model": ErrorBody, "description": "The body is too large."},
        422: {"model": ErrorBody, "description": "Not a valid verdict."},
        429: {"model": ErrorBody, "description": "Too much feedback from this client."},
    },
)
async def feedback(body: FeedbackRequest, service: ServiceDep) -> JSONResponse:
    """Store a verdict (and an optional comment); no address or user id is kept."""
    citations = [c.model_dump() for c in body.citations]
    store = service.feedback
    row = await asyncio.to_thread(store.add, body.rating, body.question, body.answer, citations)
    if body.comment.strip():
        await asyncio.to_thread(store.comment, row, body.comment.strip())
    return JSONResponse({"id": row}, status_code=201)
