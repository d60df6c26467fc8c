"""Several app instances share one index through a `chroma run` server on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.app import build_index, create_assistant
from assistant.index import IndexUnavailableError
from assistant.settings import Settings

from .conftest import CORPUS

pytestmark = [pytest.mark.e2e, pytest.mark.server]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory):
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    server = subprocess.Popen(
        [chroma, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(data)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("chroma run did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_index_into_a_chroma_server_and_answer_from_it(chroma_url: str, tmp_path: Path) -> None:
    settings = Settings(
        corpus_dir=CORPUS, chroma_url=chroma_url, query_encoder_dir=tmp_path / "indexer"
    )
    report = build_index(settings, progress=False)
    assert report.added > 0
    assert (tmp_path / "indexer" / "manifest.json").is_file(), "the indexer exports the encoder"
    assert not build_index(settings, progress=False).changed
    first = create_assistant(settings).ask("Hvad går det sjette råd ud på?")
    elsewhere = settings.model_copy(update={"query_encoder_dir": tmp_path / "another-machine"})
    second = create_assistant(elsewhere).ask("Hvad går det sjette råd ud på?")
    assert (tmp_path / "another-machine" / "manifest.json").is_file(), "built on first need"
    assert first.citations[0].chunk_id.endswith("raad-6")
    assert first.answer == second.answer


def test_a_server_that_is_down_is_a_clear_error() -> None:
    settings = Settings(corpus_dir=CORPUS, chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(IndexUnavailableError, match="not reachable"):
        create_assistant(settings)


def test_two_app_instances_share_one_chroma_server(chroma_url: str, tmp_path: Path) -> None:
    """N stateless app processes behind a load balancer, one index: the same cited answer."""
    import json
    import os
    import urllib.request

    from .test_browser import wait_ready

    encoder = tmp_path / "query-encoder"
    settings = Settings(corpus_dir=CORPUS, chroma_url=chroma_url, query_encoder_dir=encoder)
    build_index(settings, progress=False)
    servers, urls = [], []
    try:
        for n in range(2):
            port = free_port()
            env = os.environ | {
                "ASSISTANT_CORPUS_DIR": str(CORPUS),
                "ASSISTANT_CHROMA_URL": chroma_url,
                "ASSISTANT_QUERY_ENCODER_DIR": str(encoder),
                "ASSISTANT_FEEDBACK_DB": str(tmp_path / f"feedback-{n}.sqlite3"),
            }
            servers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "assistant", "serve", "--port", str(port)],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        answers = []
        for url, server in zip(urls, servers, strict=True):
            wait_ready(url, server)
            request = urllib.request.Request(
                f"{url}/api/ask",
                data=json.dumps({"question": "Hvad er det sidste råd?"}).encode(),
                headers={"content-type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                answers.append(json.loads(response.read()))
        assert answers[0]["answer"] == answers[1]["answer"]
        assert answers[0]["citations"][0]["chunk_id"].endswith("raad-7")
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
