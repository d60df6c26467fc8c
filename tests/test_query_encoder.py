"""Questions embedded without torch: the ONNX export, its checks, and its parity with the model."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.app import make_embedder
from assistant.embeddings import SentenceEmbedder, model_folder
from assistant.evaluation import load_questions
from assistant.query_encoder import (
    FORMAT,
    GRAPH,
    MANIFEST,
    PARITY,
    TOKENIZER,
    OnnxQueryEncoder,
    check_export,
    export_folder,
    export_query_encoder,
    file_records,
    load_query_encoder,
)
from assistant.settings import BUNDLED_MODEL, Settings

from .conftest import QUESTIONS, ROOT

e2e = pytest.mark.e2e


def test_the_export_lives_beside_a_local_index_or_in_a_cache_per_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    local = Settings(index_dir=tmp_path / "index")
    assert export_folder(local, BUNDLED_MODEL) == tmp_path / "index" / "query-encoder"
    shared = Settings(chroma_url="http://127.0.0.1:8000")
    folder = export_folder(shared, BUNDLED_MODEL)
    assert folder.is_relative_to(tmp_path / "cache" / "assistant" / "query-encoders")
    assert export_folder(shared, "intfloat/multilingual-e5-small") != folder
    chosen = Settings(chroma_url="http://127.0.0.1:8000", query_encoder_dir=tmp_path / "q")
    assert export_folder(chosen, BUNDLED_MODEL) == tmp_path / "q"


@pytest.fixture
def stand_in_export(tmp_path: Path) -> Path:
    """An export folder whose manifest is right for the bundled model (its graph is not)."""
    folder = tmp_path / "query-encoder"
    folder.mkdir()
    (folder / GRAPH).write_bytes(b"not a graph")
    (folder / TOKENIZER).write_text("{}", encoding="utf-8")
    source = model_folder(BUNDLED_MODEL)
    assert source is not None
    manifest = {
        "format": FORMAT,
        "model": BUNDLED_MODEL,
        "prompt": "",
        "applied_prompt": "",
        "model_files": file_records(source),
        "files": file_records(folder, [GRAPH, TOKENIZER]),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_an_export_of_another_model_prompt_or_changed_files_is_not_used(
    stand_in_export: Path,
) -> None:
    assert check_export(stand_in_export, SentenceEmbedder())[0] is not None
    _, reason = check_export(stand_in_export, SentenceEmbedder(query_prompt="query: "))
    assert "another model, prompt" in reason
    _, reason = check_export(stand_in_export, SentenceEmbedder("another-model"))
    assert "another model" in reason
    (stand_in_export / GRAPH).write_bytes(b"not a graph either")
    _, reason = check_export(stand_in_export, SentenceEmbedder())
    assert "changed after it was written" in reason


def test_a_changed_model_is_detected(stand_in_export: Path) -> None:
    manifest = json.loads((stand_in_export / MANIFEST).read_text(encoding="utf-8"))
    size, _, _ = manifest["model_files"]["config.json"]
    manifest["model_files"]["config.json"] = [size, 0, "0" * 64]  # as if fine-tuned since
    (stand_in_export / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    _, reason = check_export(stand_in_export, SentenceEmbedder())
    assert "changed since the export" in reason


def test_an_export_that_does_not_load_falls_back_and_says_so(
    stand_in_export: Path, caplog: pytest.LogCaptureFixture
) -> None:
    embedder = SentenceEmbedder()
    with caplog.at_level(logging.WARNING):
        encode = load_query_encoder(embedder, stand_in_export)
    assert encode == embedder.embed_query
    assert "could not be loaded" in caplog.text


# --- with the real bundled model


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(np.asarray(a) * np.asarray(b), axis=1)


@e2e
def test_onnx_and_sentence_transformers_agree_on_every_question(real_index: Settings) -> None:
    folder = export_folder(real_index, BUNDLED_MODEL)
    embedder = make_embedder(real_index)
    manifest, reason = check_export(folder, embedder)
    assert manifest is not None, reason
    onnx = OnnxQueryEncoder(folder, manifest["applied_prompt"])
    questions = [q.question for q in load_questions(QUESTIONS)]
    reference = np.asarray(embedder.embed_query(questions))
    one_by_one = np.stack([onnx([q])[0] for q in questions])
    batched = onnx(questions)  # padded to the longest question of the batch
    assert _cosines(one_by_one, reference).min() >= PARITY
    assert _cosines(batched, reference).min() >= PARITY
    tokenizer = json.loads((folder / TOKENIZER).read_text(encoding="utf-8"))
    assert tokenizer["padding"]["strategy"] == "BatchLongest", "never a fixed length"
    assert tokenizer["truncation"]["max_length"] == manifest["max_seq_length"] == 256


@e2e
def test_a_query_prompt_is_exported_and_honoured(tmp_path: Path) -> None:
    prompted = SentenceEmbedder(query_prompt="query: ")
    manifest = export_query_encoder(prompted, tmp_path / "prompted")
    assert manifest["applied_prompt"] == "query: "
    onnx = OnnxQueryEncoder(tmp_path / "prompted", manifest["applied_prompt"])
    questions = ["Hvad er det sjette råd?", "hvem skrev artiklen"]
    assert _cosines(onnx(questions), prompted.embed_query(questions)).min() >= PARITY
    plain = np.asarray(SentenceEmbedder().embed_query(questions))
    assert _cosines(onnx(questions), plain).max() < PARITY, "the prompt changes the vector"


ANSWER_WITHOUT_TORCH = """
import json, sys
from assistant.cli import main
try:
    main(["ask", "Hvad går det sjette råd ud på?", "--json"])
except SystemExit as exit:
    assert not exit.code, exit.code
# The passage snapshot and the word table beside the index stand in for the last three.
heavy = ("torch", "sentence_transformers", "transformers", "gradio", "chromadb", "wordfreq",
         "simplemma")
loaded = [m for m in heavy if m in sys.modules]
print(json.dumps(loaded))
"""


@e2e
def test_answering_a_question_imports_no_torch_chromadb_or_word_libraries(
    real_index: Settings,
) -> None:
    env = os.environ | {
        "ASSISTANT_CORPUS_DIR": str(real_index.corpus_dir),
        "ASSISTANT_INDEX_DIR": str(real_index.index_dir),
    }
    result = subprocess.run(
        [sys.executable, "-c", ANSWER_WITHOUT_TORCH],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    answer_line, loaded_line = result.stdout.strip().splitlines()[-2:]
    assert "små skibe" in json.loads(answer_line)["answer"]
    assert json.loads(loaded_line) == []
    assert "sentence-transformers" not in result.stderr, "no fallback was needed"
