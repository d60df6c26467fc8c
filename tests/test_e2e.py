"""End to end with the real bundled model: a real index, real questions, the evaluation gate."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import QUESTIONS, ROOT

pytestmark = pytest.mark.e2e


def test_real_questions_get_cited_answers(real_assistant) -> None:
    sixth = real_assistant.ask("Hvad går det sjette råd ud på?")
    assert "små skibe" in sixth.answer and sixth.citations[0].advice == 6
    security = real_assistant.ask("Hvorfor skal man tænke sikkerhed ind i digitaliseringen?")
    assert "tillid" in security.answer
    assert real_assistant.ask("Hvem er borgmester i Haderslev?").abstained


def test_a_follow_up_in_everyday_words_goes_on_with_the_passage_begun(real_assistant) -> None:
    history = [
        {"role": "user", "content": "Hvem har Haderslev lavet analysen sammen med?"},
        {
            "role": "assistant",
            "content": '"Vi har jo fået lavet denne analyse i samarbejde med KL og Komponent. [1]',
        },
    ]
    answer = real_assistant.ask("og hvad har de så gjort siden?", history)
    assert "samlet IT og Digitalisering i ét" in answer.answer


def test_dense_vectors_take_part_in_the_ranking(real_assistant) -> None:
    documents = real_assistant.retriever.search("Hvad siger han om små skibe?").documents
    assert any(d.metadata["dense"] > 0 for d in documents)


def test_evaluation_gate_on_the_development_set(real_index, tmp_path) -> None:
    """The CI gate: the development set must not fall below the kept thresholds."""
    out = ROOT / "build" / "eval"
    env = os.environ | {
        "ASSISTANT_CORPUS_DIR": str(real_index.corpus_dir),
        "ASSISTANT_INDEX_DIR": str(real_index.index_dir),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant",
            "eval",
            str(QUESTIONS),
            "--thresholds",
            str(ROOT / "tests" / "eval_thresholds.toml"),
            "--out",
            str(out / "report.json"),
            "--report",
            str(out / "report.html"),
            "--compare",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in report["compare"]] == ["dense", "bm25"]
    hybrid, dense = report["metrics"], report["compare"][0]["metrics"]
    assert hybrid["mrr"] > dense["mrr"], "the real pipeline beats dense-only retrieval"
    assert "<svg" in (out / "report.html").read_text(encoding="utf-8")
