"""Production hardening: limits, bad input, faults, privacy of the logs."""

from __future__ import annotations

import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from assistant.app import build_index, create_assistant
from assistant.feedback import FeedbackStore
from assistant.index import IndexUnavailableError
from assistant.settings import Settings
from assistant.web import create_app
from assistant.web.service import Service

from .conftest import CORPUS, FakeEmbedder


class SlowAssistant:
    """Stands in for the real one where only the server's behaviour is under test."""

    def __init__(self, real, delay: float = 0.0) -> None:
        self._real, self._delay = real, delay

    def ask(self, question, history=None):
        time.sleep(self._delay)
        return self._real.ask(question, history)

    def __getattr__(self, name):
        return getattr(self._real, name)


def app_with(lexical_assistant, tmp_path: Path, delay: float = 0.0, **overrides) -> TestClient:
    settings = Settings(feedback_db=tmp_path / "feedback.sqlite3", **overrides)
    service = Service(settings)
    service.assistant = SlowAssistant(lexical_assistant, delay)
    return TestClient(create_app(settings, service=service))


def test_per_client_rate_limit_answers_429_in_danish(lexical_assistant, tmp_path: Path) -> None:
    client = app_with(lexical_assistant, tmp_path, rate_limit_per_minute=3)
    statuses = [
        client.post("/api/ask", json={"question": "Hvad er råd 1?"}).status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    refused = client.post("/api/ask", json={"question": "Hvad er råd 1?"})
    assert refused.json()["error"] == "rate_limited"
    assert "Vent et øjeblik" in refused.json()["message"]
    assert refused.headers["retry-after"] == "60"


def test_a_full_queue_says_try_again_instead_of_hanging(lexical_assistant, tmp_path) -> None:
    client = app_with(lexical_assistant, tmp_path, delay=1.0, queue_max_size=1)
    results: list[int] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(
                client.post("/api/ask", json={"question": "Hvad er råd 2?"}).status_code
            )
        )
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [200, 503, 503]
    busy = client.post("/api/ask", json={"question": "Hvad er råd 2?"})
    assert busy.status_code == 200, "the server serves again once the queue has room"


def test_a_one_megabyte_body_is_refused(lexical_assistant, tmp_path: Path) -> None:
    client = app_with(lexical_assistant, tmp_path)
    response = client.post(
        "/api/ask",
        content=b'{"question": "' + b"a" * 1_000_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413 and response.json()["error"] == "too_large"


# Every code point, lone surrogates included (Hypothesis leaves them out unless asked), and
# control characters on their own.
texts = st.text(alphabet=st.characters(exclude_categories=()), max_size=300) | st.text(
    alphabet=st.characters(max_codepoint=0x1F), max_size=50
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
    max_leaves=12,
)
turns = st.lists(
    st.fixed_dictionaries(
        {"role": st.sampled_from(["user", "assistant", "system", ""]), "content": json_values}
    ),
    max_size=30,
)


@pytest.fixture(scope="module")
def fuzz_client(lexical_assistant, tmp_path_factory):
    return app_with(lexical_assistant, tmp_path_factory.mktemp("fuzz"), rate_limit_per_minute=0)


@hsettings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(question=json_values | texts, history=st.none() | turns | json_values)
def test_any_input_gets_an_answer_or_a_clear_4xx(fuzz_client, question, history) -> None:
    body = json.dumps({"question": question, "history": history})  # \udXXX escapes: valid JSON
    response = fuzz_client.post(
        "/api/ask", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200 or 400 <= response.status_code < 500
    if response.status_code != 200:
        assert response.json()["message"]


@hsettings(max_examples=60, deadline=None)
@given(raw=st.binary(max_size=2000))
def test_malformed_bodies_get_a_4xx(fuzz_client, raw: bytes) -> None:
    response = fuzz_client.post(
        "/api/ask", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200 or 400 <= response.status_code < 500


@hsettings(max_examples=100, deadline=None)
@given(question=texts.filter(bool) | st.text(min_size=1, max_size=1000))
def test_the_chain_takes_any_unicode(lexical_assistant, question: str) -> None:
    from assistant.app import InputError

    try:
        answer = lexical_assistant.ask(question)
    except InputError:
        assert not question.strip()
        return
    assert answer.abstained or answer.citations


def test_the_server_keeps_serving_after_the_fuzzing(fuzz_client) -> None:
    assert fuzz_client.post("/api/ask", json={"question": "Hvad er råd 6?"}).status_code == 200


def test_feedback_api_and_retention_purge(lexical_assistant, tmp_path: Path) -> None:
    client = app_with(lexical_assistant, tmp_path)
    created = client.post(
        "/api/feedback",
        json={"rating": "down", "question": "Q", "answer": "A", "citations": [], "comment": "c"},
    )
    assert created.status_code == 201
    assert client.post("/api/feedback", json={"rating": "meh"}).status_code == 422
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    old = (datetime.now(UTC) - timedelta(days=400)).isoformat(timespec="seconds")
    with sqlite3.connect(store.path) as db:
        db.execute(
            "INSERT INTO feedback (created_at, rating, question, answer, citations) "
            "VALUES (?, 'up', 'gammel', 'svar', '[]')",
            (old,),
        )
    assert store.purge(180) == 1
    assert [r["question"] for r in store.rows()] == ["Q"]


def test_request_log_has_no_question_text_unless_enabled(
    lexical_assistant, tmp_path, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="assistant.requests")
    quiet = app_with(lexical_assistant, tmp_path / "a")
    quiet.post("/api/ask", json={"question": "Hvad er det hemmelige spørgsmål om råd 3?"})
    fields = caplog.records[-1].fields
    assert {"route", "status", "abstained", "citations", "timings_ms"} <= set(fields)
    assert "question" not in fields
    assert "hemmelige" not in json.dumps(fields)
    loud = app_with(lexical_assistant, tmp_path / "b", log_questions=True)
    loud.post("/api/ask", json={"question": "Hvad er råd 3?"})
    assert caplog.records[-1].fields["question"] == "Hvad er råd 3?"


# --- faults


def test_a_corrupted_index_is_a_clear_error_and_rebuild_recovers(tmp_path: Path) -> None:
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index")
    embedder = FakeEmbedder()
    build_index(settings, progress=False, embedder=embedder)
    (settings.index_dir / "chroma.sqlite3").write_bytes(b"not a database" * 100)
    with pytest.raises(IndexUnavailableError, match="--rebuild"):
        create_assistant(settings, embedder=embedder)
    build_index(settings, rebuild=True, progress=False, embedder=embedder)
    answer = create_assistant(settings, embedder=embedder).ask("Hvad er det sjette råd?")
    assert answer.citations[0].advice == 6


INDEXER = """
import os, sys
os.environ["HF_HUB_OFFLINE"] = "1"
sys.path.insert(0, sys.argv[2])
from tests.conftest import FakeEmbedder, CORPUS
from assistant.app import build_index
from assistant.settings import Settings
report = build_index(Settings(corpus_dir=CORPUS, index_dir=sys.argv[1]), progress=False,
                     embedder=FakeEmbedder())
print(report.added, report.unchanged)
"""


def test_two_index_runs_at_once_leave_the_index_whole(tmp_path: Path, chunks) -> None:
    root = str(Path(__file__).resolve().parent.parent)
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", INDEXER, str(tmp_path / "index"), root],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = sorted(run.communicate(timeout=120)[0].split() for run in runs)
    assert all(run.returncode == 0 for run in runs)
    assert outputs == sorted([[str(len(chunks)), "0"], ["0", str(len(chunks))]])
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index")
    create_assistant(settings, embedder=FakeEmbedder())  # whole and in step with the corpus


WRITER = """
import sys
from pathlib import Path
from assistant.feedback import FeedbackStore
store = FeedbackStore(Path(sys.argv[1]))
n = 0
while True:
    store.add("up", f"spørgsmål {n}", "svar", [{"n": 1}])
    n += 1
    print(n, flush=True)
"""


def test_feedback_survives_the_server_being_killed_mid_write(tmp_path: Path) -> None:
    database = tmp_path / "feedback.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(database)],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    acknowledged = 0
    assert writer.stdout is not None
    for line in writer.stdout:
        acknowledged = int(line)
        if acknowledged >= 200:
            break
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=10)
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        rows = db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0]
    assert rows >= acknowledged, "every acknowledged row is still there"
