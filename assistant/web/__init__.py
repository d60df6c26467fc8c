"""The HTTP edge: app factory, one router per concern, pydantic models, the limits."""

from assistant.web.app import create_app

__all__ = ["create_app"]
