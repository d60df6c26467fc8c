"""What the web edges share: the Assistant once it is ready, the answer threads, the feedback
store, which parts are ready, and the request log.

Answering is CPU-bound Python, so it runs in a thread pool sized to the machine, off the event
loop: health checks, static files and the chat's page stay quick while answers are computed.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

from assistant.answer import Answer
from assistant.app import Assistant, create_assistant
from assistant.feedback import FeedbackStore
from assistant.resources import messages
from assistant.settings import Settings
from ui import NotReady

log = logging.getLogger(__name__)
requests_log = logging.getLogger("assistant.requests")
_STARTUP_ERRORS = {
    "ModelMissingError": "model_missing",
    "IndexMismatchError": "index_mismatch",
    "IndexMissingError": "index_missing",
    "IndexUnavailableError": "index_unavailable",
}
_END = object()

ApiState = Literal["starting", "ready", "error"]
ChatState = Literal["off", "loading", "ready", "error"]


class Service:
    """The server's state, built once per app; implements the chat's ``ChatBackend``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.feedback = FeedbackStore(settings.feedback_db)
        purged = self.feedback.purge(settings.feedback_retention_days)
        if purged:
            log.info("purged %d feedback rows older than the retention period", purged)
        self.assistant: Assistant | None = None
        self.error_code = "starting"
        self.settled = threading.Event()
        """Set when ``load`` has finished, ready or not: the chat loads after it, so that
        Gradio's import (seconds of CPU) does not delay the first API answer."""
        self.chat: ChatState = "off"
        self.executor = ThreadPoolExecutor(
            max_workers=settings.answer_threads or os.cpu_count() or 1,
            thread_name_prefix="answer",
        )

    @property
    def api(self) -> ApiState:
        if self.assistant is not None:
            return "ready"
        return "starting" if self.error_code == "starting" else "error"

    def record(self, route: str, answer: Answer | None, status: int = 200) -> None:
        """One structured log line per question: timings and outcome, no question text
        unless ``log_questions`` is on."""
        fields: dict[str, Any] = {"route": route, "status": status}
        if answer is not None:
            fields |= {
                "abstained": answer.abstained,
                "citations": len(answer.citations),
                "timings_ms": answer.timings_ms,
                "llm_fallback": answer.notice is not None,
            }
            if self.settings.log_questions:
                fields["question"] = answer.question
        requests_log.info("answer", extra={"fields": fields})

    def load(self) -> None:
        """Build the Assistant (and the index when missing); a failure is kept as a code for
        users, its detail goes to the log only."""
        try:
            build = self.settings.build_index_on_start  # one model load builds and answers
            assistant = create_assistant(self.settings, build_missing_index=build)
            assistant.ask("Hvad er det første råd?")  # warm every path once
            self.assistant = assistant
            log.info("assistant ready")
            assistant.preload()  # before the chat, which waits for this
        except Exception as exc:
            log.exception("the assistant could not start")
            self.error_code = _STARTUP_ERRORS.get(type(exc).__name__, "unexpected")
        finally:
            self.settled.set()

    def unavailable_message(self) -> str:
        """Why there is no answer yet, in Danish, for the chat and the API."""
        texts = messages()
        return texts["errors"].get(self.error_code) or texts["ui"][self.error_code]

    def stream(self, question: Any, history: Any = None) -> Iterator[tuple[str, Answer | None]]:
        """``Assistant.stream`` with every step computed in the answer threads (for callers
        that are threads themselves, like Gradio's workers)."""
        assistant = self._ready()
        steps = assistant.stream(question, history)
        while (step := self.executor.submit(next, steps, _END).result()) is not _END:
            yield step

    def validate(self, question: Any) -> str:
        return self._ready().validate(question)

    def _ready(self) -> Assistant:
        if self.assistant is None:
            raise NotReady(self.unavailable_message())
        return self.assistant

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
