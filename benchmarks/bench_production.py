"""Side-by-side benchmark: our pipeline against the common baseline recipe, and the server
under load.

Run: .venv/bin/pip install -e '.[bench]' && .venv/bin/python benchmarks/bench_production.py
Writes build/benchmarks/production.json and production.md. Everything runs on 127.0.0.1,
bounded in requests and time. Speeds are medians, percentiles and ratios, never a pass/fail.

- Quality and speed on the development questions: ours (Danish hybrid retrieval, structure,
  follow-ups, extractive cited answer) against the baseline (LangChain's recursive text
  splitter, Chroma, dense-only all-MiniLM retrieval, top-4 chunks).
- Cold start: process start to first answer, for the library and for the server.
- Index build time, and the server's peak memory (RSS) after the load.
- Load: 50 concurrent clients asking the development questions through /api/ask, every fifth
  answer followed by feedback; requests per second, p50/p95/p99, errors, lost feedback rows.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

import chromadb
import httpx
from chromadb.config import Settings as ChromaSettings

from assistant.app import build_index, create_assistant, make_embedder
from assistant.corpus import load_corpus
from assistant.danish import format_date
from assistant.evaluation import EvalQuestion, is_relevant, load_questions
from assistant.settings import Settings
from assistant.stats import percentile

ROOT = Path(__file__).resolve().parent.parent


def rank_metrics(ranked: list[list[str]], questions: list[EvalQuestion]) -> dict[str, float]:
    ranks = []
    for texts, question in zip(ranked, questions, strict=True):
        hits = [i for i, t in enumerate(texts, 1) if is_relevant(t, question.evidence)]
        ranks.append(hits[0] if hits else None)
    return {
        "hit@3": round(sum(r is not None and r <= 3 for r in ranks) / len(ranks), 4),
        "mrr": round(sum(1 / r for r in ranks if r) / len(ranks), 4),
    }


def baseline(settings: Settings, questions: list[EvalQuestion]) -> dict[str, Any]:
    """The usual recipe: split the plain text, embed with MiniLM, Chroma, top-4, dense only."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    article = load_corpus(settings.corpus_dir)[0]
    text = "\n\n".join(
        [article.title, format_date(article.date), *(b.text for b in article.blocks)]
    )
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_text(text)
    embedder = make_embedder(settings)
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.create_collection(
        "baseline", configuration={"hnsw": {"space": "cosine"}}, embedding_function=embedder
    )
    collection.add(
        ids=[str(i) for i in range(len(chunks))],
        documents=chunks,
        embeddings=embedder.embed_passages(chunks),
    )
    ranked, timings = [], []
    for _ in range(2):  # the first round warms up
        ranked, timings = [], []
        for question in questions:
            started = time.perf_counter()
            found = collection.query(
                query_embeddings=embedder.embed_query([question.question]), n_results=4
            )
            timings.append((time.perf_counter() - started) * 1000)
            ranked.append(found["documents"][0])
    return rank_metrics(ranked, questions) | {
        "chunks": len(chunks),
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": percentile(timings, 0.95),
    }


def ours(settings: Settings, questions: list[EvalQuestion]) -> dict[str, Any]:
    assistant = create_assistant(settings)
    ranked, timings = [], []
    for _ in range(2):
        ranked, timings = [], []
        for question in questions:
            answer = assistant.ask(question.question, list(question.history))
            timings.append(answer.timings_ms["total"])
            ranked.append([r.text for r in answer.retrieved])
    return rank_metrics(ranked, questions) | {
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": percentile(timings, 0.95),
    }


def library_cold_start(settings: Settings) -> float:
    code = (
        "import os, time; os.environ['HF_HUB_OFFLINE']='1'\n"
        "from assistant.app import create_assistant\n"
        "from assistant.settings import Settings\n"
        f"create_assistant(Settings(corpus_dir={str(settings.corpus_dir)!r}, "
        f"index_dir={str(settings.index_dir)!r})).ask('Hvad er det første råd?')\n"
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return round(time.perf_counter() - started, 2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load(
    settings: Settings, questions: list[EvalQuestion], clients: int, requests: int, seconds: float
) -> dict[str, Any]:
    port = free_port()
    feedback_db = Path(tempfile.mkdtemp()) / "feedback.sqlite3"
    env = os.environ | {
        "ASSISTANT_CORPUS_DIR": str(settings.corpus_dir),
        "ASSISTANT_INDEX_DIR": str(settings.index_dir),
        "ASSISTANT_FEEDBACK_DB": str(feedback_db),
        "ASSISTANT_RATE_LIMIT_PER_MINUTE": "0",  # every client here is 127.0.0.1
        "ASSISTANT_QUEUE_MAX_SIZE": str(clients * 2),
    }
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(timeout=30) as http:
            while True:
                try:
                    if http.get(f"{url}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            http.post(f"{url}/api/ask", json={"question": "Hvad er det første råd?"})
        cold_start = round(time.perf_counter() - started, 2)
        latencies: list[float] = []
        errors: list[str] = []
        posted = [0]
        lock = threading.Lock()
        counter = iter(range(requests))
        deadline = time.monotonic() + seconds

        def client() -> None:
            with httpx.Client(timeout=30) as http:
                while time.monotonic() < deadline:
                    with lock:
                        n = next(counter, None)
                    if n is None:
                        return
                    question = questions[n % len(questions)]
                    body = {"question": question.question, "history": list(question.history)}
                    begun = time.perf_counter()
                    try:
                        response = http.post(f"{url}/api/ask", json=body)
                        elapsed = (time.perf_counter() - begun) * 1000
                        if response.status_code != 200:
                            raise RuntimeError(f"HTTP {response.status_code}")
                        if n % 5 == 0:
                            data = response.json()
                            fb = http.post(
                                f"{url}/api/feedback",
                                json={
                                    "rating": "up",
                                    "question": data["question"],
                                    "answer": data["answer"],
                                    "citations": data["citations"],
                                },
                            )
                            if fb.status_code != 201:
                                raise RuntimeError(f"feedback HTTP {fb.status_code}")
                            with lock:
                                posted[0] += 1
                    except Exception as exc:
                        with lock:
                            errors.append(str(exc))
                        continue
                    with lock:
                        latencies.append(elapsed)

        threads = [threading.Thread(target=client) for _ in range(clients)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
        status = Path(f"/proc/{server.pid}/status").read_text()
        peak_kb = int(
            next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1]
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    with sqlite3.connect(feedback_db) as db:
        stored = db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0]
    return {
        "clients": clients,
        "requests": len(latencies) + len(errors),
        "errors": len(errors),
        "requests_per_second": round(len(latencies) / wall, 1),
        "p50_ms": percentile(latencies, 0.5),
        "p95_ms": percentile(latencies, 0.95),
        "p99_ms": percentile(latencies, 0.99),
        "feedback_posted": posted[0],
        "feedback_stored": stored,
        "server_cold_start_s": cold_start,
        "server_peak_rss_mb": round(peak_kb / 1024, 1),
    }


def markdown(results: dict[str, Any]) -> str:
    q, b, load_ = results["ours"], results["baseline"], results["load"]
    return "\n".join(
        [
            "# Production benchmark",
            "",
            f"{results['questions']} development questions; {os.cpu_count()} cores; 127.0.0.1.",
            "",
            "| | ours | baseline (LangChain + Chroma, dense MiniLM, top-4) | ratio |",
            "|---|---|---|---|",
            f"| hit@3 | {q['hit@3']:.3f} | {b['hit@3']:.3f} | {q['hit@3'] / b['hit@3']:.2f}x |",
            f"| MRR | {q['mrr']:.3f} | {b['mrr']:.3f} | {q['mrr'] / b['mrr']:.2f}x |",
            f"| warm median per question | {q['median_ms']} ms (whole answer) | "
            f"{b['median_ms']} ms (retrieval only) | {q['median_ms'] / b['median_ms']:.2f}x |",
            f"| warm p95 per question | {q['p95_ms']} ms | {b['p95_ms']} ms | "
            f"{q['p95_ms'] / b['p95_ms']:.2f}x |",
            "",
            "| start-up and size | |",
            "|---|---|",
            f"| index build from empty | {results['index_build_s']} s |",
            f"| library: process start to first answer | {results['library_cold_start_s']} s |",
            f"| server: process start to first answer | {load_['server_cold_start_s']} s |",
            f"| server peak memory (RSS) after the load | {load_['server_peak_rss_mb']} MB |",
            "",
            f"| load: {load_['clients']} concurrent clients on /api/ask | |",
            "|---|---|",
            f"| requests (answered + failed) | {load_['requests']} |",
            f"| requests per second | {load_['requests_per_second']} |",
            f"| latency p50 / p95 / p99 | {load_['p50_ms']} / {load_['p95_ms']} / "
            f"{load_['p99_ms']} ms |",
            f"| errors | {load_['errors']} |",
            f"| feedback rows posted / stored | {load_['feedback_posted']} / "
            f"{load_['feedback_stored']} |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=120)
    args = parser.parse_args()
    questions = load_questions(ROOT / "corpus" / "questions.jsonl")
    answerable = [q for q in questions if q.answerable]
    with tempfile.TemporaryDirectory() as index_dir:
        settings = Settings(corpus_dir=ROOT / "corpus", index_dir=Path(index_dir))
        started = time.perf_counter()
        build_index(settings, progress=False)
        results: dict[str, Any] = {
            "questions": len(answerable),
            "index_build_s": round(time.perf_counter() - started, 2),
            "ours": ours(settings, answerable),
            "baseline": baseline(settings, answerable),  # it has no use for the history
            "library_cold_start_s": library_cold_start(settings),
        }
        results["load"] = load(settings, questions, args.clients, args.requests, args.seconds)
    out = ROOT / "build" / "benchmarks"
    out.mkdir(parents=True, exist_ok=True)
    (out / "production.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    text = markdown(results)
    (out / "production.md").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
