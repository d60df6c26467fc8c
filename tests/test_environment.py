"""What the process around the assistant sees: the Hugging Face offline switches follow
``ASSISTANT_OFFLINE``, and the default log carries our lines and warnings only."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from assistant.cli import configure_logging

from .conftest import CORPUS

# Stands in for sentence-transformers: records what the real loader would see, then fails as a
# model that cannot be had fails, so nothing is downloaded and no network is needed.
FAKE_LOADER = """
import json, os
from pathlib import Path


class SentenceTransformer:
    def __init__(self, name, **kwargs):
        import huggingface_hub.constants

        Path(os.environ["LOAD_RECORD"]).write_text(json.dumps({
            "name": name,
            "local_files_only": kwargs.get("local_files_only"),
            "HF_HUB_OFFLINE": os.environ.get("HF_HUB_OFFLINE"),
            "TRANSFORMERS_OFFLINE": os.environ.get("TRANSFORMERS_OFFLINE"),
            "hub_offline": huggingface_hub.constants.HF_HUB_OFFLINE,
        }))
        raise OSError("the fake loader stops here")
"""


def model_load(tmp_path: Path, offline: str) -> dict[str, object]:
    """What the model loader saw when `assistant index` ran with ASSISTANT_OFFLINE=offline."""
    fake = tmp_path / "fake"
    (fake / "sentence_transformers").mkdir(parents=True)
    (fake / "sentence_transformers" / "__init__.py").write_text(textwrap.dedent(FAKE_LOADER))
    record = tmp_path / "load.json"
    env = os.environ | {
        "PYTHONPATH": str(fake),
        "LOAD_RECORD": str(record),
        "HF_HUB_OFFLINE": "1",  # a stale value in the shell must not decide
        "ASSISTANT_OFFLINE": offline,
        "ASSISTANT_EMBEDDING_MODEL": "example-org/danish-model",
        "ASSISTANT_CORPUS_DIR": str(CORPUS),
        "ASSISTANT_INDEX_DIR": str(tmp_path / "index"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "index"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 3, result.stderr[-2000:]
    assert "could not be loaded" in result.stderr
    return json.loads(record.read_text())


def test_offline_true_lets_the_loader_use_local_files_only(tmp_path: Path) -> None:
    seen = model_load(tmp_path, "true")
    assert seen["name"] == "example-org/danish-model"
    assert seen["local_files_only"] is True
    assert seen["HF_HUB_OFFLINE"] == "1" and seen["TRANSFORMERS_OFFLINE"] == "1"
    assert seen["hub_offline"] is True


def test_offline_false_lets_the_loader_download_the_model(tmp_path: Path) -> None:
    seen = model_load(tmp_path, "false")
    assert seen["local_files_only"] is False
    assert seen["HF_HUB_OFFLINE"] == "0" and seen["TRANSFORMERS_OFFLINE"] == "0"
    assert seen["hub_offline"] is False


@pytest.fixture
def default_log():
    """The log `assistant serve` configures, written to a buffer; the test's own logging is put
    back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging()
    buffer = io.StringIO()
    for handler in root.handlers:
        handler.setStream(buffer)  # type: ignore[attr-defined]
    try:
        yield buffer.getvalue
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def test_default_log_has_our_lines_and_warnings_but_no_library_debug(default_log) -> None:
    import bm25s  # sets its own logger to DEBUG when imported

    assert bm25s.logger.isEnabledFor(logging.DEBUG)
    bm25s.logger.debug("Building index from tokens")
    logging.getLogger("httpx").info("HTTP Request: GET http://127.0.0.1:1/")
    logging.getLogger("assistant.requests").info("answer")
    logging.getLogger("chromadb").warning("the index is nearly full")
    lines = [json.loads(line) for line in default_log().splitlines()]
    assert [(line["logger"], line["message"]) for line in lines] == [
        ("assistant.requests", "answer"),
        ("chromadb", "the index is nearly full"),
    ]
