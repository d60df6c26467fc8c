"""Speed of the core pipeline on this machine: warm time per question, index build, memory.

Run: .venv/bin/python benchmarks/bench_core.py [--rounds 5]
Writes build/benchmarks/core.json and core.md and prints the Markdown. Timings are medians and
p95 over every development question and round, never a pass/fail: machines here are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

from assistant.app import build_index, create_assistant
from assistant.evaluation import load_questions
from assistant.settings import Settings
from assistant.stats import percentile

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    questions = load_questions(ROOT / "corpus" / "questions.jsonl")
    with tempfile.TemporaryDirectory() as index_dir:
        settings = Settings(
            corpus_dir=ROOT / "corpus",
            index_dir=Path(index_dir),
            # Every round computes every answer: the caches would answer rounds 2.. from memory.
            answer_cache_size=0,
            query_cache_size=0,
        )
        started = time.perf_counter()
        build_index(settings, progress=False)
        build_s = time.perf_counter() - started
        started = time.perf_counter()
        assistant = create_assistant(settings)
        assistant.ask(questions[0].question)
        first_answer_s = time.perf_counter() - started
        retrieve, total = [], []
        for _ in range(args.rounds):
            for question in questions:
                answer = assistant.ask(question.question, list(question.history))
                retrieve.append(answer.timings_ms["retrieve"])
                total.append(answer.timings_ms["total"])
    results = {
        "questions": len(questions),
        "rounds": args.rounds,
        "cpu_count": os.cpu_count(),
        "index_build_s": round(build_s, 2),
        "load_and_first_answer_s": round(first_answer_s, 2),
        "retrieve_ms": {"median": statistics.median(retrieve), "p95": percentile(retrieve, 0.95)},
        "answer_ms": {"median": statistics.median(total), "p95": percentile(total, 0.95)},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    markdown = "\n".join(
        [
            "# Core pipeline speed",
            "",
            f"{len(questions)} development questions x {args.rounds} rounds, "
            f"{results['cpu_count']} cores, warm process.",
            "",
            "| measure | value |",
            "|---|---|",
            f"| retrieval per question, median / p95 | {results['retrieve_ms']['median']:.1f} / "
            f"{results['retrieve_ms']['p95']:.1f} ms |",
            f"| whole answer per question, median / p95 | {results['answer_ms']['median']:.1f} / "
            f"{results['answer_ms']['p95']:.1f} ms |",
            f"| index build (embed + store, from empty) | {results['index_build_s']} s |",
            f"| open index, load model, first answer (libraries imported) | "
            f"{results['load_and_first_answer_s']} s |",
            f"| peak memory (RSS) | {results['peak_rss_mb']} MB |",
        ]
    )
    out = ROOT / "build" / "benchmarks"
    out.mkdir(parents=True, exist_ok=True)
    (out / "core.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (out / "core.md").write_text(markdown + "\n", encoding="utf-8")
    print(markdown)


if __name__ == "__main__":
    main()
