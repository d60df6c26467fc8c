"""The real server under concurrent load on 127.0.0.1: no errors, no lost feedback.

Bounded in requests and time; asserts outcomes only, never speed (machines are noisy).
"""

from __future__ import annotations

import sys

import pytest

from assistant.evaluation import load_questions
from assistant.settings import Settings

from .conftest import QUESTIONS, ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.server]


def test_fifty_concurrent_clients_get_answers_and_keep_their_feedback(real_index: Settings) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from bench_production import load
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    result = load(real_index, load_questions(QUESTIONS), clients=50, requests=200, seconds=120)
    assert result["requests"] == 200
    assert result["errors"] == 0
    assert result["feedback_posted"] == result["feedback_stored"] == 40
