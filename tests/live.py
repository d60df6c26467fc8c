"""A real `assistant serve` on 127.0.0.1 for tests: started, waited for, stopped."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Live:
    url: str
    process: subprocess.Popen
    env: dict[str, str]

    def rss_kb(self) -> int:
        """The server's resident memory now."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(next(x for x in status.splitlines() if x.startswith("VmRSS")).split()[1])


def app_env(settings: Settings, folder: Path, **extra: str) -> dict[str, str]:
    """The server's environment: the test index and corpus, its own feedback database and
    Gradio folder under ``folder``, and ``ASSISTANT_<NAME>`` for each extra."""
    return {
        "ASSISTANT_CORPUS_DIR": str(settings.corpus_dir),
        "ASSISTANT_INDEX_DIR": str(settings.index_dir),
        "ASSISTANT_FEEDBACK_DB": str(folder / "feedback.sqlite3"),
        "GRADIO_TEMP_DIR": str(folder / "gradio"),
    } | {f"ASSISTANT_{k.upper()}": v for k, v in extra.items()}


def health(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return json.loads(refused.read())
    except OSError:
        return None


def wait_until(url: str, server: subprocess.Popen, parts: dict[str, str], seconds: float) -> None:
    """Until /healthz reports every part in ``parts`` (e.g. {"api": "ready"})."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited with {server.returncode}")
        body = health(url) or {}
        if all(body.get("parts", {}).get(k) == v for k, v in parts.items()):
            return
        time.sleep(0.3)
    pytest.fail(f"the server did not reach {parts}")


@contextlib.contextmanager
def serve(
    env: dict[str, str], parts: dict[str, str] | None = None, seconds: float = 180
) -> Iterator[Live]:
    """`python -m assistant serve` with ``env`` added, once /healthz reports ``parts``
    (default: the API is ready)."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--port", str(port)],
        env=os.environ | {"GRADIO_ANALYTICS_ENABLED": "False"} | env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(url, server, parts or {"api": "ready"}, seconds)
        yield Live(url, server, env)
    finally:
        server.terminate()
        server.wait(timeout=30)
