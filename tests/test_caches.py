"""Remembered question vectors and answers: computed once, bounded, keyed by all that shapes
an answer, and never carried over to a changed index."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant import app
from assistant.answer import Draft
from assistant.app import Assistant, build_index, create_assistant
from assistant.settings import Settings

from .conftest import FakeEmbedder

QUESTION = "Hvorfor skal man tænke sikkerhed ind i digitaliseringen?"
"""A question about content: it is embedded (one that names a piece of advice is not)."""


class Counting:
    """Wraps the real answerer; counts the answers it computes, optionally slowly."""

    def __init__(self, real, delay: float = 0.0, notice: str | None = None) -> None:
        self.real, self.delay, self.notice = real, delay, notice
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self, question, history, result) -> Draft:
        with self._lock:
            self.calls += 1
        time.sleep(self.delay)
        draft = self.real(question, history, result)
        return Draft(draft.answer, draft.citations, notice=self.notice)


def assistant_for(settings: Settings, **kwargs) -> tuple[Assistant, FakeEmbedder, Counting]:
    embedder = FakeEmbedder()
    build_index(settings, progress=False, embedder=embedder)
    assistant = create_assistant(settings, embedder=embedder)
    counting = Counting(assistant.answerer, **kwargs)
    assistant.answerer = counting
    return assistant, embedder, counting


def test_a_repeated_question_is_answered_from_memory(fake_settings: Settings) -> None:
    assistant, embedder, counting = assistant_for(fake_settings)
    first = assistant.ask(QUESTION)
    embedded = embedder.embedded
    second = assistant.ask(f"  {QUESTION} ")
    assert counting.calls == 1 and embedder.embedded == embedded
    assert second.answer == first.answer and second.citations == first.citations
    assert second.timings_ms["retrieve"] == 0.0 and set(second.timings_ms) == set(first.timings_ms)
    streamed = list(assistant.stream(QUESTION))
    assert streamed[-1][1].answer == first.answer and counting.calls == 1


def test_a_hundred_users_asking_at_once_cost_one_answer(fake_settings: Settings) -> None:
    assistant, _, counting = assistant_for(fake_settings, delay=0.2)
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: assistant.ask(QUESTION), range(100)))
    assert counting.calls == 1
    assert len({a.answer for a in answers}) == 1


def test_history_and_retrieval_mode_are_part_of_the_key(fake_settings: Settings) -> None:
    assistant, _, counting = assistant_for(fake_settings)
    assistant.ask("Hvad betyder det?")
    history = [
        {"role": "user", "content": "Hvad er det fjerde råd?"},
        {"role": "assistant", "content": "Råd 4: Arbejd behovsorienteret [1]"},
    ]
    assistant.ask("Hvad betyder det?", history)
    assert counting.calls == 2, "a follow-up is answered in its conversation"
    bm25 = assistant.with_retrieval_mode("bm25")
    bm25.ask("Hvad betyder det?")
    assert counting.calls == 3
    bm25.ask("Hvad betyder det?")
    assert counting.calls == 3


def test_the_caches_are_bounded(fake_settings: Settings) -> None:
    settings = fake_settings.model_copy(update={"answer_cache_size": 2, "query_cache_size": 2})
    assistant, embedder, counting = assistant_for(settings)
    questions = ("Hvad siger han om sikkerhed?", "Hvad er governance?", "Hvad er et middel?")
    for question in (*questions, questions[0]):
        assistant.ask(question)
    assert counting.calls == 4, "the oldest answer made room"
    before = embedder.embedded
    assistant.ask(questions[2])
    assert counting.calls == 4 and embedder.embedded == before


def test_size_zero_remembers_nothing(fake_settings: Settings) -> None:
    settings = fake_settings.model_copy(update={"answer_cache_size": 0, "query_cache_size": 0})
    assistant, embedder, counting = assistant_for(settings)
    assistant.ask(QUESTION)
    before = embedder.embedded
    assistant.ask(QUESTION)
    assert counting.calls == 2 and embedder.embedded == before + 1


def test_a_fallback_answer_is_not_remembered(fake_settings: Settings) -> None:
    assistant, _, counting = assistant_for(fake_settings, notice="Sprogmodellen svarede ikke.")
    assistant.ask(QUESTION)
    assistant.ask(QUESTION)
    assert counting.calls == 2, "the next asker may get the language model's answer"


def test_a_changed_index_starts_with_empty_caches(
    fake_settings: Settings, corpus_copy: Path
) -> None:
    before, _, _ = assistant_for(fake_settings)
    article = corpus_copy / "haderslev-7-gode-raad.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("i fuld gang", "afsluttet"), encoding="utf-8")
    after, _, counting = assistant_for(fake_settings)
    assert after.caches.fingerprint != before.caches.fingerprint
    after.ask(QUESTION)
    assert counting.calls == 1


def test_a_first_serve_builds_the_index_and_answers_with_one_model(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    made: list[FakeEmbedder] = []
    monkeypatch.setattr(
        app, "make_embedder", lambda settings: made.append(FakeEmbedder()) or made[-1]
    )
    with caplog.at_level(logging.INFO):
        assistant = create_assistant(fake_settings, build_missing_index=True)
        assistant.ask(QUESTION)
        assistant.ask("Hvad er det første råd?")
    assert len(made) == 1, "the index is built and questions answered with one model"
    fallbacks = [r for r in caplog.records if "embedded with sentence-transformers" in r.message]
    assert len(fallbacks) == 1, "a missing ONNX export is said once"
