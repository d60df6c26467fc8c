"""The web front end: the Gradio chat (and the widget assets), thin edges over the Assistant."""

from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
WIDGET_DIR = STATIC_DIR / "widget"


class NotReady(Exception):
    """A chat backend cannot answer yet (still loading, or failed); the message is Danish."""
