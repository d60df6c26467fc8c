"""The API's request and response bodies: the OpenAPI schema is the contract clients and the
fuzzing tests (schemathesis) rely on, so every field is typed and bounded here.

Limits that depend on settings (question length, history turns) are checked by the Assistant,
which gives them a user message code; the bounds here keep any one body small and finite.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from assistant.app import clean_text

# No JSON number in a body may be NaN or infinite (Python's json module reads both).
_FINITE = ConfigDict(allow_inf_nan=False)
# Text with lone surrogates (valid JSON, not valid Unicode) made checkable: each becomes "?".
Text = Annotated[str, BeforeValidator(lambda v: clean_text(v) if isinstance(v, str) else v)]


class ContentPart(BaseModel):
    """Gradio's browser form of a message: ``{"type": "text", "text": ...}`` parts."""

    model_config = _FINITE
    type: str = Field("text", max_length=20)
    text: Text = ""


class HistoryTurn(BaseModel):
    model_config = _FINITE
    role: Literal["user", "assistant"]
    content: Text | list[ContentPart]


class AskRequest(BaseModel):
    model_config = _FINITE
    question: Text = Field(
        min_length=1, pattern=r"\S", description="The question, in Danish (or English)."
    )
    history: list[HistoryTurn] | None = Field(
        None, max_length=1000, description="Earlier turns, oldest first, for follow-ups."
    )

    def plain_history(self) -> list[dict[str, Any]]:
        return [turn.model_dump() for turn in self.history or []]


class CitationOut(BaseModel):
    n: int
    chunk_id: str
    section: str
    label: str
    advice: int | None
    text: str
    quote: str
    sentences: list[str]


class CorrectionOut(BaseModel):
    """A word of the question read as another (a typo, an abbreviation, an English word)."""

    model_config = ConfigDict(populate_by_name=True)
    source: str = Field(alias="from")
    target: str = Field(alias="to")


class RetrievedOut(BaseModel):
    chunk_id: str
    section: str
    text: str
    score: float


class AnswerResponse(BaseModel):
    """The same object as ``assistant ask --json``."""

    model_config = ConfigDict(extra="allow")
    question: str
    answer: str
    abstained: bool
    reason: str | None
    confidence: Literal["high", "low"] | None = Field(
        None, description="high: the passages cover the question; low: only in part."
    )
    corrections: list[CorrectionOut] = Field(default_factory=list)
    citations: list[CitationOut]
    suggestions: list[str]
    notice: str | None
    retrieved: list[RetrievedOut]
    timings_ms: dict[str, float]


class FeedbackCitation(BaseModel):
    """A citation as the answer carried it; unknown fields are dropped, known ones bounded."""

    model_config = ConfigDict(allow_inf_nan=False, extra="ignore")
    n: int = Field(ge=0, le=1000)
    chunk_id: Text = Field(max_length=200)
    section: Text = Field("", max_length=500)
    label: Text = Field("", max_length=500)
    advice: int | None = Field(None, ge=0, le=1000)
    quote: Text = Field("", max_length=4000)


class FeedbackRequest(BaseModel):
    model_config = _FINITE
    rating: Literal["up", "down"]
    question: Text = Field(max_length=4000)
    answer: Text = Field(max_length=20000)
    citations: list[FeedbackCitation] = Field(default_factory=list, max_length=20)
    comment: Text = Field("", max_length=2000)


class FeedbackCreated(BaseModel):
    id: int


class Parts(BaseModel):
    api: Literal["starting", "ready", "error"]
    chat: Literal["off", "loading", "ready", "error"]


class Health(BaseModel):
    status: Literal["starting", "ready", "error"]
    parts: Parts
    error: str | None = None
    message: str | None = None


class WidgetStatus(BaseModel):
    ok: bool


class ErrorBody(BaseModel):
    """Every error: a code for programs, a Danish message for people, an English detail."""

    error: str
    message: str
    detail: str
