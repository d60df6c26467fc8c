from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.answer import Answer, Citation, Retrieved
from assistant.evaluation import (
    EvalFormatError,
    EvalReport,
    check_thresholds,
    compute_metrics,
    fold,
    grouped_metrics,
    is_relevant,
    judge,
    load_questions,
    load_thresholds,
    passed,
)

from .conftest import QUESTIONS, ROOT

THRESHOLDS = ROOT / "tests" / "eval_thresholds.toml"


def line(**fields) -> str:
    base = {"id": "q1", "question": "Hvad?", "answerable": True, "evidence": ["x"]}
    return json.dumps(base | fields, ensure_ascii=False)


def test_malformed_lines_fail_with_their_line_number(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(line() + "\n{not json\n", encoding="utf-8")
    with pytest.raises(EvalFormatError, match=r"q.jsonl:2"):
        load_questions(path)
    path.write_text(line() + "\n" + line(id="q2", answerable="yes") + "\n", encoding="utf-8")
    with pytest.raises(EvalFormatError, match=r":2: .*answerable"):
        load_questions(path)
    path.write_text(line() + "\n" + line() + "\n", encoding="utf-8")
    with pytest.raises(EvalFormatError, match="duplicate id"):
        load_questions(path)


def test_unknown_fields_are_ignored_and_history_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    history = [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]
    path.write_text(line(tags=["x"], history=history, extra=1) + "\n", encoding="utf-8")
    (question,) = load_questions(path)
    assert question.history == tuple(history)


def test_relevance_folds_case_and_white_space() -> None:
    assert is_relevant("Tænk  stort,\nog begynd SMÅT", ["tænk stort, og begynd småt"])
    assert fold("  A\tB ") == "a b"


def answer(citations: list[str], retrieved: list[str], text: str, abstained=False) -> Answer:
    return Answer(
        question="?",
        answer=text,
        abstained=abstained,
        citations=[
            Citation(i, f"c{i}", "s", "s", None, t, (t,)) for i, t in enumerate(citations, 1)
        ],
        retrieved=[Retrieved(f"r{i}", "s", t, 1.0) for i, t in enumerate(retrieved)],
        timings_ms={"total": 10.0},
    )


def test_verdicts_and_metrics_on_known_answers(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(
        line(evidence=["små skibe"], answer_contains=[["skibe"], ["søen", "havet"]])
        + "\n"
        + line(id="q2", answerable=False, evidence=[])
        + "\n",
        encoding="utf-8",
    )
    good, unanswerable = load_questions(path)
    first = answer(["små skibe i søen", "andet"], ["andet", "små skibe i søen"], "små skibe i søen")
    verdicts = judge(good, first)
    assert verdicts["rank"] == 2
    assert verdicts["citation_precision"] == 0.5
    assert verdicts["cited_correctly"] is True
    assert verdicts["answer_contains"] == 1.0
    assert not passed(good, verdicts)
    second = judge(unanswerable, answer([], [], "Det står der ikke noget om", abstained=True))
    assert passed(unanswerable, second)
    for v in (verdicts, second):
        v |= {"latency_ms": 10.0, "generated_sentences": 2, "supported_sentences": 1}
    metrics = compute_metrics([good, unanswerable], [verdicts, second])
    assert metrics["hit@1"] == 0.0 and metrics["hit@3"] == 1.0 and metrics["mrr"] == 0.5
    assert metrics["abstention_accuracy"] == 1.0 and metrics["false_abstention_rate"] == 0.0
    assert metrics["supported_sentence_share"] == 0.5


def report(metrics: dict, sealed: dict) -> EvalReport:
    return EvalReport("hybrid", metrics, groups={"split": {"sealed": sealed}})


def test_thresholds_fail_only_on_the_wrong_side() -> None:
    limits = {"all": {"mrr": 0.9, "false_abstention_rate": 0.05}, "sealed": {"mrr": 0.8}}
    good = {"mrr": 0.95, "false_abstention_rate": 0.01}
    assert check_thresholds(report(good, {"mrr": 0.85}), limits) == []
    failures = check_thresholds(report({"mrr": 0.5, "false_abstention_rate": 0.2}, good), limits)
    assert len(failures) == 2 and "mrr" in failures[0]
    (sealed,) = check_thresholds(report(good, {"mrr": 0.7}), limits)
    assert "sealed split" in sealed


def test_the_thresholds_file_gates_the_whole_set_and_the_sealed_split() -> None:
    limits = load_thresholds(THRESHOLDS)
    assert set(limits) == {"all", "sealed"}
    gated = {"hit@3", "mrr", "citation_precision", "answer_contains_recall"}
    gated |= {"abstention_accuracy", "false_abstention_rate"}
    assert all(gated <= set(table) for table in limits.values()), "each table gates them all"


def test_a_limit_outside_the_thresholds_table_is_an_error(tmp_path: Path) -> None:
    """A lost "[thresholds]" line made the whole-set limits gate nothing, silently."""
    path = tmp_path / "limits.toml"
    path.write_text("mrr = 0.8\n\n[thresholds.sealed]\nmrr = 0.7\n", encoding="utf-8")
    with pytest.raises(ValueError, match="outside"):
        load_thresholds(path)


def test_metrics_are_reported_per_split_and_per_type(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(
        line(split="sealed", type="typo")
        + "\n"
        + line(id="q2", answerable=False, evidence=[], type="unanswerable")
        + "\n",
        encoding="utf-8",
    )
    questions = load_questions(path)
    assert [(q.split, q.type) for q in questions] == [("sealed", "typo"), ("tune", "unanswerable")]
    verdicts = [
        judge(questions[0], answer(["x"], ["x"], "x")) | {"latency_ms": 1.0},
        judge(questions[1], answer([], [], "nej", abstained=True)) | {"latency_ms": 1.0},
    ]
    for v in verdicts:
        v |= {"generated_sentences": 0, "supported_sentences": 0}
    groups = grouped_metrics(questions, verdicts)
    assert groups["split"]["sealed"]["hit@1"] == 1.0
    assert groups["split"]["tune"]["abstention_accuracy"] == 1.0
    assert set(groups["type"]) == {"typo", "unanswerable"}
    with pytest.raises(EvalFormatError, match="split"):
        path.write_text(line(split="secret") + "\n", encoding="utf-8")
        load_questions(path)


# --- the development set itself


@pytest.fixture(scope="module")
def questions():
    return load_questions(QUESTIONS)


def test_every_evidence_phrase_occurs_in_a_passage(questions, chunks) -> None:
    texts = [fold(c.text) for c in chunks]
    for question in questions:
        for phrase in question.evidence:
            assert any(fold(phrase) in t for t in texts), (question.id, phrase)


def test_the_set_covers_what_the_team_needs(questions, chunks) -> None:
    assert len(questions) >= 80
    sealed = [q for q in questions if q.split == "sealed"]
    assert len(sealed) >= 60, "enough never-tuned-on questions to tell the truth"
    styles = {"typo", "chat", "paraphrase", "position", "multi", "english", "followup"}
    assert styles | {"unanswerable"} <= {q.type for q in sealed}
    assert sum(not q.answerable for q in questions) >= 15
    assert sum(bool(q.history) for q in questions) >= 10
    covered = {
        c.chunk_id
        for q in questions
        for c in chunks
        if q.answerable and is_relevant(c.text, q.evidence)
    }
    assert covered == {c.chunk_id for c in chunks}, "every section and every piece of advice"
    ordinals = re.compile(r"(første|andet|tredje|fjerde|femte|sjette|syvende|sidste) (gode )?råd")
    assert sum(bool(ordinals.search(q.question)) for q in questions) >= 5
    english = re.compile(r"^(What|When|Who|Where|How|Ignore)\b")
    assert sum(bool(english.match(q.question)) for q in questions) >= 3
