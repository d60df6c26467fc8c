"""The command line against a real index built with the real bundled model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.settings import Settings

pytestmark = pytest.mark.e2e


@pytest.fixture
def run(real_index: Settings, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(real_index.corpus_dir))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(real_index.index_dir))

    def invoke(*args: str):
        return CliRunner().invoke(main, list(args))

    return invoke


def test_ask_json_prints_exactly_one_object_with_the_contract(run) -> None:
    result = run("ask", "Hvad går det sjette råd ud på?", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"question", "answer", "abstained", "citations", "retrieved", "timings_ms"}
    assert data["abstained"] is False
    citation = data["citations"][0]
    assert set(citation) >= {"n", "chunk_id", "section", "text", "quote"}
    assert citation["n"] == 1 and citation["quote"] in citation["text"]
    assert citation["chunk_id"].endswith("raad-6")
    assert len(data["retrieved"]) >= 5
    assert {"chunk_id", "text", "score"} <= set(data["retrieved"][0])
    assert set(data["timings_ms"]) == {"retrieve", "answer", "total"}


def test_ask_prints_answer_and_numbered_sources(run) -> None:
    result = run("ask", "Hvornår blev artiklen skrevet?")
    assert result.exit_code == 0
    assert "Artiklen er fra 18. maj 2022. [1]" in result.stdout
    assert "[1] Om artiklen" in result.stdout


def test_history_file_makes_follow_ups_work(run, tmp_path: Path) -> None:
    history = tmp_path / "history.json"
    history.write_text(
        json.dumps(
            [
                {"role": "user", "content": "Hvad er det fjerde råd?"},
                {"role": "assistant", "content": "Råd 4: Arbejd behovsorienteret [1]"},
            ]
        ),
        encoding="utf-8",
    )
    result = run("ask", "Og det femte?", "--json", "--history", str(history))
    assert json.loads(result.stdout)["citations"][0]["chunk_id"].endswith("raad-5")


@pytest.mark.parametrize("question", ["", "   ", "x" * 1001])
def test_bad_questions_exit_2_and_write_nothing_to_stdout(run, question: str) -> None:
    result = run("ask", question, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Error:" in result.stderr


def test_a_missing_index_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "none"))
    result = CliRunner().invoke(main, ["ask", "Hvad er det sjette råd?"])
    assert result.exit_code == 3
    assert "run `assistant index`" in result.stderr
    assert result.stdout == ""


def test_index_says_when_nothing_changed(run) -> None:
    result = run("index")
    assert result.exit_code == 0
    assert "up to date" in result.stdout and "nothing re-embedded" in result.stdout


def test_chat_keeps_the_conversation(run) -> None:
    result = CliRunner().invoke(
        main, ["chat"], input="Hvad er det tredje råd?\nHvad med det fjerde?\n\n"
    )
    assert result.exit_code == 0
    assert "Organiser jer hensigtsmæssigt" in result.stdout
    assert "Arbejd behovsorienteret" in result.stdout


def test_feedback_export_writes_csv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from assistant.feedback import FeedbackStore

    database = tmp_path / "feedback.sqlite3"
    store = FeedbackStore(database)
    row = store.add("down", "Hvad er råd 1?", "Råd 1: … [1]", [{"n": 1, "chunk_id": "x:raad-1"}])
    store.comment(row, "Mangler noget")
    monkeypatch.setenv("ASSISTANT_FEEDBACK_DB", str(database))
    out = tmp_path / "feedback.csv"
    result = CliRunner().invoke(main, ["feedback", "export", "--out", str(out)])
    assert result.exit_code == 0 and "Exported 1" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "id,created_at,rating,question,answer,citations,comment"
    assert "Mangler noget" in text and "x:raad-1" in text
