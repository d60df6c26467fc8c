"""One router per concern: questions, feedback, health, the widget's files."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.web.service import Service


def _service(request: Request) -> Service:
    return request.app.state.service


ServiceDep = Annotated[Service, Depends(_service)]
