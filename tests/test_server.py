"""The web server over HTTP: health, the JSON API and its errors, in-process."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from assistant.settings import Settings
from assistant.web import create_app
from assistant.web.service import Service

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def client(real_index: Settings, tmp_path_factory: pytest.TempPathFactory):
    settings = real_index.model_copy(
        update={"feedback_db": tmp_path_factory.mktemp("fb") / "feedback.sqlite3"}
    )
    with TestClient(create_app(settings)) as client:
        deadline = time.monotonic() + 120
        while client.get("/healthz").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        yield client


def test_health_reports_ready(client: TestClient) -> None:
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "ready" and health.json()["parts"]["api"] == "ready"


def test_health_reports_starting_before_the_assistant_is_loaded(tmp_path) -> None:
    service = Service(Settings(feedback_db=tmp_path / "f.sqlite3"))
    app = create_app(service.settings, service=service)
    service.assistant = None
    response = TestClient(app).get("/healthz")  # no lifespan: nothing loads
    assert response.status_code == 503 and response.json()["status"] == "starting"


def test_api_ask_returns_the_cli_json_object(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": "Hvad går det sjette råd ud på?"})
    assert response.status_code == 200
    data = response.json()
    assert data["citations"][0]["chunk_id"].endswith("raad-6")
    assert set(data) >= {"question", "answer", "abstained", "citations", "retrieved", "timings_ms"}


def test_api_ask_with_history(client: TestClient) -> None:
    history = [
        {"role": "user", "content": "Hvad er det fjerde råd?"},
        {"role": "assistant", "content": "Råd 4: Arbejd behovsorienteret [1]"},
    ]
    data = client.post("/api/ask", json={"question": "Og det femte?", "history": history}).json()
    assert data["citations"][0]["advice"] == 5


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"question": ""}, "empty"),
        ({"question": "   "}, "empty"),
        ({"question": 42}, "empty"),
        ({"question": "x" * 1001}, "too_long"),
        ({"question": "Hvad?", "history": "nej"}, "history"),
        ({"question": "Hvad?", "history": [{"role": "system", "content": "x"}]}, "history"),
        ({"question": "Hvad?", "history": [{"role": "user", "content": 7}]}, "history"),
        ([1, 2], "invalid_request"),
    ],
)
def test_bad_input_gets_a_clear_4xx(client: TestClient, body, code: str) -> None:
    response = client.post("/api/ask", json=body)
    assert 400 <= response.status_code < 500
    assert response.json()["error"] == code
    assert response.json()["message"]


def test_malformed_json_is_a_4xx(client: TestClient) -> None:
    response = client.post(
        "/api/ask", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422 and response.json()["error"] == "invalid_request"


def test_no_cross_origin_access_by_default(client: TestClient) -> None:
    response = client.post(
        "/api/ask", json={"question": "Hvad er råd 1?"}, headers={"Origin": "http://evil.test"}
    )
    assert "access-control-allow-origin" not in response.headers


def test_a_missing_model_is_explained_in_danish(tmp_path) -> None:
    from assistant.app import build_index

    from .conftest import CORPUS, FakeEmbedder

    missing = str(tmp_path / "no-such-model")
    settings = Settings(
        corpus_dir=CORPUS,
        feedback_db=tmp_path / "f.sqlite3",
        index_dir=tmp_path / "index",
        embedding_model=missing,
    )
    build_index(settings, progress=False, embedder=FakeEmbedder(missing))  # index fits
    service = Service(settings)
    service.load()
    client = TestClient(create_app(settings, service=service))
    assert client.get("/healthz").json()["status"] == "error"
    response = client.post("/api/ask", json={"question": "Hvad er råd 1?"})
    assert response.status_code == 503
    assert response.json()["error"] == "model_missing"
    assert response.json()["message"] == "Sprogmodellen til søgning mangler på serveren."


def test_the_chat_loads_only_after_the_api_can_answer(tmp_path, monkeypatch) -> None:
    """Gradio's import takes seconds of CPU: started beside the Assistant's load, it delayed
    the first answer; the chat now waits until the API is ready (or has failed)."""
    import asyncio

    from fastapi import FastAPI

    from assistant.web import chat

    service = Service(Settings(feedback_db=tmp_path / "f.sqlite3"))
    built: list[bool] = []
    monkeypatch.setattr(
        chat, "build_chat_app", lambda s: built.append(s.settled.is_set()) or FastAPI()
    )

    async def run() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(chat.serve_chat(service, chat.ChatMount(), stop))
        await asyncio.sleep(0.3)
        assert built == [] and service.chat == "loading"
        service.settled.set()  # what Service.load does when it is done
        while service.chat != "ready":
            await asyncio.sleep(0.05)
        stop.set()
        await task

    asyncio.run(run())
    assert built == [True]
