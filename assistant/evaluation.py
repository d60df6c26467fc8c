"""Evaluation: run a question set through the same chain as ``ask`` and score it.

The format is JSON Lines, one question per line (see README). A passage is relevant when it
contains one of the question's evidence phrases (case-insensitive, white space folded); an
answer meets an ``answer_contains`` group when it contains any string of the group.
"""

from __future__ import annotations

import json
import statistics
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.answer import Answer
from assistant.app import Assistant
from assistant.stats import percentile

METRICS = (
    "hit@1",
    "hit@3",
    "hit@5",
    "mrr",
    "citation_precision",
    "cited_correctly",
    "answer_contains_recall",
    "abstention_accuracy",
    "false_abstention_rate",
    "latency_median_ms",
    "latency_p95_ms",
    "supported_sentence_share",
)
SPLITS = ("tune", "sealed")
GROUPINGS = ("split", "type")
"""Metrics are reported for the whole set and per value of each of these question fields."""
LOWER_IS_BETTER = frozenset({"false_abstention_rate", "latency_median_ms", "latency_p95_ms"})


class EvalFormatError(ValueError):
    """A question set line that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    answerable: bool
    evidence: tuple[str, ...] = ()
    answer_contains: tuple[tuple[str, ...], ...] = ()
    history: tuple[dict[str, Any], ...] = ()
    split: str = "tune"
    """``tune`` questions may guide development; ``sealed`` ones are only ever scored."""
    type: str = "other"
    """The style of the question (typo, chat, paraphrase, position, multi, english, …)."""


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


def load_questions(path: Path) -> list[EvalQuestion]:
    questions: list[EvalQuestion] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            questions.append(_parse(json.loads(line)))
        except (ValueError, TypeError, KeyError) as exc:
            raise EvalFormatError(f"{path}:{number}: {exc}") from exc
        if questions[-1].id in seen:
            raise EvalFormatError(f"{path}:{number}: duplicate id {questions[-1].id!r}")
        seen.add(questions[-1].id)
    if not questions:
        raise EvalFormatError(f"{path}: no questions")
    return questions


def _parse(raw: Any) -> EvalQuestion:
    if not isinstance(raw, dict):
        raise TypeError("each line must be a JSON object")
    for name, kind in (("id", str), ("question", str), ("answerable", bool)):
        if not isinstance(raw.get(name), kind):
            raise TypeError(f"field {name!r} must be a {kind.__name__}")
    evidence = raw.get("evidence", [])
    groups = raw.get("answer_contains", [])
    history = raw.get("history", [])
    if not isinstance(evidence, list) or not all(isinstance(e, str) for e in evidence):
        raise TypeError("'evidence' must be a list of strings")
    if not isinstance(groups, list) or not all(
        isinstance(g, list) and all(isinstance(s, str) for s in g) for g in groups
    ):
        raise TypeError("'answer_contains' must be a list of lists of strings")
    if not isinstance(history, list) or not all(isinstance(t, dict) for t in history):
        raise TypeError("'history' must be a list of {role, content} objects")
    if raw["answerable"] and not evidence:
        raise ValueError("an answerable question needs at least one evidence phrase")
    split, kind = raw.get("split", "tune"), raw.get("type", "other")
    if split not in SPLITS:
        raise ValueError(f"'split' must be one of {', '.join(SPLITS)}")
    if not isinstance(kind, str) or not kind:
        raise TypeError("'type' must be a non-empty string")
    return EvalQuestion(
        id=raw["id"],
        question=raw["question"],
        answerable=raw["answerable"],
        evidence=tuple(evidence),
        answer_contains=tuple(tuple(g) for g in groups),
        history=tuple(history),
        split=split,
        type=kind,
    )


def is_relevant(passage: str, evidence: Iterable[str]) -> bool:
    text = fold(passage)
    return any(fold(phrase) in text for phrase in evidence)


def judge(question: EvalQuestion, answer: Answer) -> dict[str, Any]:
    """Per-question verdicts; None where a verdict does not apply."""
    verdicts: dict[str, Any] = {
        "abstention_correct": answer.abstained != question.answerable,
        "rank": None,
        "citation_precision": None,
        "cited_correctly": None,
        "answer_contains": None,
    }
    if not question.answerable:
        return verdicts
    ranks = [i for i, r in enumerate(answer.retrieved, 1) if is_relevant(r.text, question.evidence)]
    verdicts["rank"] = ranks[0] if ranks else None
    relevant = [is_relevant(c.text, question.evidence) for c in answer.citations]
    if relevant:
        verdicts["citation_precision"] = sum(relevant) / len(relevant)
    verdicts["cited_correctly"] = any(relevant)
    if question.answer_contains:
        text = fold(answer.answer)
        met = [any(fold(s) in text for s in group) for group in question.answer_contains]
        verdicts["answer_contains"] = sum(met) / len(met)
    return verdicts


def passed(question: EvalQuestion, verdicts: dict[str, Any]) -> bool:
    if not question.answerable:
        return bool(verdicts["abstention_correct"])
    return (
        verdicts["rank"] is not None
        and verdicts["rank"] <= 3
        and bool(verdicts["cited_correctly"])
        and verdicts["citation_precision"] == 1.0
        and verdicts["answer_contains"] in (None, 1.0)
    )


def compute_metrics(
    questions: Sequence[EvalQuestion], verdicts: Sequence[dict[str, Any]]
) -> dict[str, float]:
    answerable = [v for q, v in zip(questions, verdicts, strict=True) if q.answerable]
    unanswerable = [v for q, v in zip(questions, verdicts, strict=True) if not q.answerable]
    ranks = [v["rank"] for v in answerable]

    def share(values: Sequence[float | bool]) -> float:
        return round(sum(values) / len(values), 4) if values else 0.0

    precisions = [
        v["citation_precision"] for v in answerable if v["citation_precision"] is not None
    ]
    contains = [v["answer_contains"] for v in answerable if v["answer_contains"] is not None]
    latencies = sorted(v["latency_ms"] for v in verdicts)
    return {
        **{f"hit@{k}": share([r is not None and r <= k for r in ranks]) for k in (1, 3, 5)},
        "mrr": share([1 / r if r else 0.0 for r in ranks]),
        "citation_precision": share(precisions),
        "cited_correctly": share([bool(v["cited_correctly"]) for v in answerable]),
        "answer_contains_recall": share(contains),
        "abstention_accuracy": share([v["abstention_correct"] for v in unanswerable]),
        "false_abstention_rate": share([not v["abstention_correct"] for v in answerable]),
        "supported_sentence_share": (
            round(sum(v["supported_sentences"] for v in verdicts) / generated, 4)
            if (generated := sum(v["generated_sentences"] for v in verdicts))
            else None
        ),
        "latency_median_ms": round(statistics.median(latencies), 2) if latencies else 0.0,
        "latency_p95_ms": percentile(latencies, 0.95),
        "questions": len(verdicts),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
    }


def grouped_metrics(
    questions: Sequence[EvalQuestion], verdicts: Sequence[dict[str, Any]]
) -> dict[str, dict[str, dict[str, float]]]:
    """Metrics per split and per question type: {"split": {"sealed": {...}}, "type": {...}}."""
    groups: dict[str, dict[str, dict[str, float]]] = {}
    for grouping in GROUPINGS:
        members: dict[str, tuple[list[EvalQuestion], list[dict[str, Any]]]] = {}
        for question, verdict in zip(questions, verdicts, strict=True):
            subset = members.setdefault(getattr(question, grouping), ([], []))
            subset[0].append(question)
            subset[1].append(verdict)
        groups[grouping] = {
            value: compute_metrics(*subset) for value, subset in sorted(members.items())
        }
    return groups


@dataclass
class EvalReport:
    name: str
    metrics: dict[str, float]
    results: list[dict[str, Any]] = field(default_factory=list)
    groups: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    """The same metrics per split and per question type (see ``grouped_metrics``)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "metrics": self.metrics,
            "groups": self.groups,
            "results": self.results,
        }

    @property
    def failures(self) -> list[dict[str, Any]]:
        return [r for r in self.results if not r["verdicts"]["passed"]]


def evaluate(
    assistant: Assistant,
    questions: Sequence[EvalQuestion],
    name: str = "hybrid",
    on_progress: Callable[[], None] | None = None,
) -> EvalReport:
    results: list[dict[str, Any]] = []
    verdicts: list[dict[str, Any]] = []
    for question in questions:
        answer = assistant.ask(question.question, list(question.history))
        verdict = judge(question, answer)
        verdict["latency_ms"] = answer.timings_ms["total"]
        verdict["generated_sentences"] = len(answer.sentences)
        verdict["supported_sentences"] = sum(bool(s["supported"]) for s in answer.sentences)
        verdict["passed"] = passed(question, verdict)
        verdicts.append(verdict)
        results.append(
            {
                "id": question.id,
                "split": question.split,
                "type": question.type,
                **answer.to_dict(),
                "expected": {
                    "answerable": question.answerable,
                    "evidence": list(question.evidence),
                    "answer_contains": [list(g) for g in question.answer_contains],
                },
                "verdicts": verdict,
            }
        )
        if on_progress:
            on_progress()
    return EvalReport(
        name, compute_metrics(questions, verdicts), results, grouped_metrics(questions, verdicts)
    )


Thresholds = dict[str, dict[str, float]]
"""Scope ("all", or a split such as "sealed") -> metric -> limit."""


def load_thresholds(path: Path) -> Thresholds:
    """``[thresholds]`` gates the whole set; ``[thresholds.sealed]`` (any split) one split."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    table = data.get("thresholds", data)
    if table is not data and len(data) > 1:
        # A limit outside the table would otherwise gate nothing, silently.
        raise ValueError(f"{path}: keys outside [thresholds]: {sorted(set(data) - {'thresholds'})}")
    scopes: Thresholds = {"all": {k: v for k, v in table.items() if not isinstance(v, dict)}}
    scopes |= {k: v for k, v in table.items() if isinstance(v, dict)}
    for scope, limits in scopes.items():
        if scope not in ("all", *SPLITS):
            raise ValueError(f"{path}: unknown split {scope!r}")
        unknown = set(limits) - set(METRICS)
        if unknown:
            raise ValueError(f"{path}: unknown metrics {sorted(unknown)}")
    return {scope: {k: float(v) for k, v in limits.items()} for scope, limits in scopes.items()}


def check_thresholds(report: EvalReport, thresholds: Thresholds) -> list[str]:
    """Human-readable failures: each metric that falls on the wrong side of its threshold."""
    failures = []
    for scope, limits in thresholds.items():
        metrics = report.metrics if scope == "all" else report.groups["split"].get(scope)
        if metrics is None:
            failures.append(f"the question set has no {scope!r} questions to check")
            continue
        for name, limit in limits.items():
            value = metrics[name]
            bad = value > limit if name in LOWER_IS_BETTER else value < limit
            if bad:
                relation = "above the maximum" if name in LOWER_IS_BETTER else "below the minimum"
                where = "" if scope == "all" else f" ({scope} split)"
                failures.append(f"{name}{where} = {value:.4g} is {relation} {limit:.4g}")
    return failures
