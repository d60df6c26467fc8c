"""The embeddable widget's files: the script, its frame page and the frame's assets."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from ui import WIDGET_DIR

router = APIRouter(include_in_schema=False)
assets = StaticFiles(directory=WIDGET_DIR)


@router.get("/widget.js")
def widget_script() -> FileResponse:
    return FileResponse(
        WIDGET_DIR / "widget.js",
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/widget/frame")
def widget_frame(request: Request) -> FileResponse:
    """The frame page, with a policy naming the origins that may embed it."""
    ancestors = " ".join(["'self'", *request.app.state.service.settings.allowed_origins])
    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data:; connect-src 'self'; frame-ancestors {ancestors}"
    )
    return FileResponse(
        WIDGET_DIR / "widget-frame.html",
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": policy},
    )
