"""Side-by-side benchmark: our pipeline against the common baseline recipe, the ONNX query
encoder against sentence-transformers, start-up, and the server under load.

Run: .venv/bin/pip install -e '.[bench]' && .venv/bin/python benchmarks/bench_production.py
Writes build/benchmarks/production.json and production.md, and the measured section of
docs/performance.md (with date and machine). Everything runs on 127.0.0.1, bounded in
requests and time. Speeds are medians, percentiles and ratios, never a pass/fail.

- Quality and speed on the development questions: ours (Danish hybrid retrieval, structure,
  follow-ups, extractive cited answer, caches off so every answer is computed) against the
  baseline (LangChain's recursive text splitter, Chroma, dense-only all-MiniLM retrieval with
  sentence-transformers, top-4 chunks), timed in alternating blocks of ``BLOCK`` questions
  so both see the same machine (question by question in turn, torch's OpenMP threads, which
  spin on after each call, took a core from the next answer of ours: +1.3-1.7 ms, 17-19%);
  and a repeated question answered from the answer cache.
- Query encoder: ONNX Runtime against sentence-transformers (torch) on the same questions:
  per question, import + load + first vector and peak memory in fresh processes, cosine;
  and the CPU cost per question when questions are batched into one call.
- Cold start: process start to first answer, for the library, the CLI and the server.
- Index build time, and the server's memory (RSS) after the load.
- Load: 50 concurrent clients asking the development questions through /api/ask, every fifth
  answer followed by feedback; requests per second, p50/p95/p99, errors, lost feedback rows;
  started once the chat has loaded too (it loads after the first answer).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
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
from assistant.chroma_embedding import ChromaEmbedding
from assistant.corpus import load_corpus
from assistant.danish import format_date
from assistant.evaluation import EvalQuestion, is_relevant, load_questions
from assistant.query_encoder import OnnxQueryEncoder, export_folder
from assistant.settings import BUNDLED_MODEL, Settings
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


def baseline_recipe(settings: Settings) -> Any:
    """The usual recipe: split the plain text, embed with MiniLM, Chroma, top-4, dense only.
    Returns ``question -> the four chunk texts``."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    article = load_corpus(settings.corpus_dir)[0]
    text = "\n\n".join(
        [article.title, format_date(article.date), *(b.text for b in article.blocks)]
    )
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_text(text)
    embedder = make_embedder(settings)
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.create_collection(
        "baseline",
        configuration={"hnsw": {"space": "cosine"}},
        embedding_function=ChromaEmbedding(embedder),
    )
    collection.add(
        ids=[str(i) for i in range(len(chunks))],
        documents=chunks,
        embeddings=embedder.embed_passages(chunks, progress=False),
    )

    def retrieve(question: str) -> list[str]:
        found = collection.query(query_embeddings=embedder.embed_query([question]), n_results=4)
        return found["documents"][0]

    return retrieve


def timed(call: Any, *args: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = call(*args)
    return result, (time.perf_counter() - started) * 1000


def spread(timings: list[float]) -> dict[str, float]:
    return {"median_ms": round(statistics.median(timings), 2), "p95_ms": percentile(timings, 0.95)}


BLOCK = 25
FIRST_QUESTION = "Hvad siger han om sikkerhed?"
"""The first question of a fresh process: one about content, so its vector is computed (a
question that names a piece of advice is answered without one)."""


def warm_side_by_side(settings: Settings, questions: list[EvalQuestion]) -> dict[str, Any]:
    """Ours (whole answer, caches off) and the baseline (retrieval only), in alternating
    blocks of ``BLOCK`` questions, after one warm-up round each; then ours again with a
    remembered answer."""
    uncached = settings.model_copy(update={"answer_cache_size": 0, "query_cache_size": 0})
    ours = create_assistant(uncached)
    retrieve = baseline_recipe(settings)
    for question in questions:
        ours.ask(question.question, list(question.history))
        retrieve(question.question)
    ranked: dict[str, list[list[str]]] = {"ours": [], "baseline": []}
    timings: dict[str, list[float]] = {"ours": [], "baseline": []}
    for start in range(0, len(questions), BLOCK):
        block = questions[start : start + BLOCK]
        for question in block:
            answer, ms = timed(ours.ask, question.question, list(question.history))
            ranked["ours"].append([r.text for r in answer.retrieved])
            timings["ours"].append(ms)
        for question in block:
            texts, ms = timed(retrieve, question.question)
            ranked["baseline"].append(texts)
            timings["baseline"].append(ms)
    cached = create_assistant(settings)
    for question in questions:
        cached.ask(question.question, list(question.history))
    remembered = [
        timed(cached.ask, question.question, list(question.history))[1] for question in questions
    ]
    return {
        "ours": rank_metrics(ranked["ours"], questions) | spread(timings["ours"]),
        "baseline": rank_metrics(ranked["baseline"], questions) | spread(timings["baseline"]),
        "remembered": spread(remembered),
    }


ENCODER_COLD = """
import json, sys, time
from pathlib import Path
started = time.perf_counter()
if sys.argv[1] == "onnx":
    from assistant.query_encoder import OnnxQueryEncoder
    encode = OnnxQueryEncoder(Path(sys.argv[2]), "")
else:
    from assistant.embeddings import SentenceEmbedder
    encode = SentenceEmbedder().embed_query
encode(["Hvad er det første råd?"])
status = Path("/proc/self/status").read_text().splitlines()
peak_kb = int(next(line for line in status if line.startswith("VmHWM")).split()[1])
print(json.dumps({
    "first_vector_s": round(time.perf_counter() - started, 2),
    "first_vector_cpu_s": round(time.process_time(), 2),
    "peak_rss_mb": round(peak_kb / 1024, 1),
}))
"""


def encoders(settings: Settings, questions: list[EvalQuestion]) -> dict[str, Any]:
    """ONNX Runtime against sentence-transformers, one question at a time, in turn."""
    import numpy as np

    folder = export_folder(settings, BUNDLED_MODEL)
    onnx = OnnxQueryEncoder(folder, "")
    torch_encode = make_embedder(settings).embed_query
    texts = [q.question for q in questions]
    for text in texts[:10]:  # warm-up
        onnx([text])
        torch_encode([text])
    timings: dict[str, list[float]] = {"onnx": [], "torch": []}
    cosines = []
    for text in texts:
        a, ms = timed(onnx, [text])
        timings["onnx"].append(ms)
        b, ms = timed(torch_encode, [text])
        timings["torch"].append(ms)
        cosines.append(float(np.dot(a[0], b[0])))
    results: dict[str, Any] = {}
    for kind in ("onnx", "torch"):
        cold = subprocess.run(
            [sys.executable, "-c", ENCODER_COLD, kind, str(folder)],
            check=True,
            capture_output=True,
            text=True,
        )
        results[kind] = spread(timings[kind]) | json.loads(cold.stdout.strip().splitlines()[-1])
    results["cosine_min"] = f"{min(cosines):.7f}"
    results["batching"] = batching(onnx, texts)
    return results


def batching(onnx: OnnxQueryEncoder, texts: list[str], rounds: int = 3) -> list[dict[str, float]]:
    """CPU and wall time per question when questions share one encoder call: the median of
    ``rounds`` rounds, each trying every batch size in turn."""
    sizes = (1, 2, 4, 8)
    wall: dict[int, list[float]] = {size: [] for size in sizes}
    cpu: dict[int, list[float]] = {size: [] for size in sizes}
    for _ in range(rounds):
        for size in sizes:
            started, cpu_started = time.perf_counter(), time.process_time()
            for start in range(0, len(texts), size):
                onnx(texts[start : start + size])
            wall[size].append((time.perf_counter() - started) * 1000 / len(texts))
            cpu[size].append((time.process_time() - cpu_started) * 1000 / len(texts))
    return [
        {
            "batch": size,
            "wall_ms_per_question": round(statistics.median(wall[size]), 2),
            "cpu_ms_per_question": round(statistics.median(cpu[size]), 2),
        }
        for size in sizes
    ]


def cold_starts(settings: Settings, runs: int = 3) -> dict[str, float]:
    """Process start to first answer (median of ``runs``), wall and CPU seconds: the library
    and the CLI. CPU time is what a quiet machine's wall time would be, give or take I/O."""
    env = os.environ | {
        "ASSISTANT_CORPUS_DIR": str(settings.corpus_dir),
        "ASSISTANT_INDEX_DIR": str(settings.index_dir),
    }
    library = (
        f"from assistant.app import create_assistant\ncreate_assistant().ask({FIRST_QUESTION!r})\n"
    )
    commands = {
        "library": [sys.executable, "-c", library],
        "cli": [sys.executable, "-m", "assistant", "ask", FIRST_QUESTION],
    }
    results = {}
    for name, command in commands.items():
        wall, cpu = [], []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=env)
            wall.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        results[f"{name}_cold_start_s"] = round(statistics.median(wall), 2)
        results[f"{name}_cold_start_cpu_s"] = round(statistics.median(cpu), 2)
    return results


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load(
    settings: Settings,
    questions: list[EvalQuestion],
    clients: int,
    requests: int,
    seconds: float,
    caches: bool = True,
) -> dict[str, Any]:
    """``requests`` questions cycling through ``questions``: past the first round, answers
    come from the answer cache unless ``caches`` is off."""
    port = free_port()
    feedback_db = Path(tempfile.mkdtemp()) / "feedback.sqlite3"
    env = os.environ | {
        "ASSISTANT_CORPUS_DIR": str(settings.corpus_dir),
        "ASSISTANT_INDEX_DIR": str(settings.index_dir),
        "ASSISTANT_FEEDBACK_DB": str(feedback_db),
        "ASSISTANT_RATE_LIMIT_PER_MINUTE": "0",  # every client here is 127.0.0.1
        "ASSISTANT_QUEUE_MAX_SIZE": str(clients * 2),
    }
    if not caches:
        env |= {"ASSISTANT_ANSWER_CACHE_SIZE": "0", "ASSISTANT_QUERY_CACHE_SIZE": "0"}
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
            http.post(f"{url}/api/ask", json={"question": FIRST_QUESTION})
            cold_start = round(time.perf_counter() - started, 2)
            # The chat loads after the first answer (Gradio's import takes seconds of CPU):
            # the load below measures the server once it has started, not its start.
            while http.get(f"{url}/healthz").json()["parts"]["chat"] not in ("ready", "error"):
                time.sleep(0.1)
            chat_ready = round(time.perf_counter() - started, 2)
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
        memory_kb = {
            line.split(":")[0]: int(line.split()[1])
            for line in status.splitlines()
            if line.startswith(("VmHWM", "VmRSS"))
        }
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
        "server_chat_ready_s": chat_ready,
        "server_peak_rss_mb": round(memory_kb["VmHWM"] / 1024, 1),
        "server_rss_after_load_mb": round(memory_kb["VmRSS"] / 1024, 1),
    }


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def markdown(results: dict[str, Any]) -> str:
    q, b, load_ = results["ours"], results["baseline"], results["load"]
    onnx, torch_ = results["encoders"]["onnx"], results["encoders"]["torch"]
    lines = [
        f"Measured {results['date']} on {results['machine']}.",
        f"Load average at the start / end: {results['load_average_start']} / "
        f"{results['load_average_end']}.",
        "",
        f"{results['questions']} development questions; 127.0.0.1.",
        "",
        "| | ours | baseline (LangChain + Chroma, dense MiniLM on torch, top-4) | ratio |",
        "|---|---|---|---|",
        f"| hit@3 | {q['hit@3']:.3f} | {b['hit@3']:.3f} | {ratio(q['hit@3'], b['hit@3'])} |",
        f"| MRR | {q['mrr']:.3f} | {b['mrr']:.3f} | {ratio(q['mrr'], b['mrr'])} |",
        f"| warm median per question | {q['median_ms']} ms (whole answer, caches off) | "
        f"{b['median_ms']} ms (retrieval only) | {ratio(q['median_ms'], b['median_ms'])} |",
        f"| warm p95 per question | {q['p95_ms']} ms | {b['p95_ms']} ms | "
        f"{ratio(q['p95_ms'], b['p95_ms'])} |",
        f"| repeated question (answer cache), median / p95 | {results['remembered']['median_ms']}"
        f" / {results['remembered']['p95_ms']} ms | | |",
        "",
        "| one question | sentence-transformers (torch) | ONNX Runtime (our export) | ratio |",
        "|---|---|---|---|",
        f"| median / p95 | {torch_['median_ms']} / {torch_['p95_ms']} ms | "
        f"{onnx['median_ms']} / {onnx['p95_ms']} ms | "
        f"{ratio(onnx['median_ms'], torch_['median_ms'])} |",
        f"| import + load + first vector (fresh process), wall | {torch_['first_vector_s']} s | "
        f"{onnx['first_vector_s']} s | {ratio(onnx['first_vector_s'], torch_['first_vector_s'])} |",
        f"| the same, CPU time | {torch_['first_vector_cpu_s']} s | "
        f"{onnx['first_vector_cpu_s']} s | "
        f"{ratio(onnx['first_vector_cpu_s'], torch_['first_vector_cpu_s'])} |",
        f"| peak RSS | {torch_['peak_rss_mb']} MB | {onnx['peak_rss_mb']} MB | "
        f"{ratio(onnx['peak_rss_mb'], torch_['peak_rss_mb'])} |",
        f"| lowest cosine between the two, over all questions | 1 | "
        f"{results['encoders']['cosine_min']} | |",
        "",
        "| questions per ONNX call (median of 3 rounds) | wall ms per question | "
        "CPU ms per question |",
        "|---|---|---|",
        *(
            f"| {row['batch']} | {row['wall_ms_per_question']} | {row['cpu_ms_per_question']} |"
            for row in results["encoders"]["batching"]
        ),
        "",
        "| start-up and size | |",
        "|---|---|",
        f"| index build from empty (embed, store, export the query encoder) | "
        f"{results['index_build_s']} s |",
        f"| library: process start to first answer (median of 3), wall / CPU | "
        f"{results['library_cold_start_s']} / {results['library_cold_start_cpu_s']} s |",
        f"| CLI `assistant ask`: process start to printed answer (median of 3), wall / CPU | "
        f"{results['cli_cold_start_s']} / {results['cli_cold_start_cpu_s']} s |",
        f"| server: process start to first /api/ask answer | {load_['server_cold_start_s']} s |",
        f"| server: process start to the chat page ready (the load below starts then) | "
        f"{load_['server_chat_ready_s']} s |",
        f"| server RSS after the load / peak | {load_['server_rss_after_load_mb']} / "
        f"{load_['server_peak_rss_mb']} MB |",
        *load_table(load_, "answer cache on: questions cycle, so repeats are remembered"),
        *load_table(results["load_uncached"], "caches off: every answer computed"),
    ]
    return "\n".join(lines)


def load_table(load_: dict[str, Any], caption: str) -> list[str]:
    return [
        "",
        f"| {load_['clients']} concurrent clients on /api/ask ({caption}) | |",
        "|---|---|",
        f"| requests (answered + failed) | {load_['requests']} |",
        f"| requests per second | {load_['requests_per_second']} |",
        f"| latency p50 / p95 / p99 | {load_['p50_ms']} / {load_['p95_ms']} / "
        f"{load_['p99_ms']} ms |",
        f"| errors | {load_['errors']} |",
        f"| feedback rows posted / stored | {load_['feedback_posted']} / "
        f"{load_['feedback_stored']} |",
    ]


BEGIN, END = "<!-- bench_production:begin -->", "<!-- bench_production:end -->"


def write_docs(text: str) -> None:
    """Replace the measured section of docs/performance.md; the prose around it stays."""
    page = ROOT / "docs" / "performance.md"
    current = page.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.DOTALL)
    page.write_text(pattern.sub(f"{BEGIN}\n{text}\n{END}", current), encoding="utf-8")


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory_kb / 1024 / 1024:.0f} GB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--no-docs", action="store_true", help="Do not touch docs/.")
    args = parser.parse_args()
    questions = load_questions(ROOT / "corpus" / "questions.jsonl")
    answerable = [q for q in questions if q.answerable]
    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "load_average_start": load_average(),
        "questions": len(answerable),
    }
    with tempfile.TemporaryDirectory() as index_dir:
        settings = Settings(corpus_dir=ROOT / "corpus", index_dir=Path(index_dir))
        started = time.perf_counter()
        build_index(settings, progress=False)
        results["index_build_s"] = round(time.perf_counter() - started, 2)
        results |= warm_side_by_side(settings, answerable)  # the baseline ignores history
        results["encoders"] = encoders(settings, answerable)
        results |= cold_starts(settings)
        results["load"] = load(settings, questions, args.clients, args.requests, args.seconds)
        results["load_uncached"] = load(
            settings, questions, args.clients, args.requests, args.seconds, caches=False
        )
    results["load_average_end"] = load_average()
    out = ROOT / "build" / "benchmarks"
    out.mkdir(parents=True, exist_ok=True)
    (out / "production.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    text = markdown(results)
    (out / "production.md").write_text("# Production benchmark\n\n" + text + "\n", "utf-8")
    if not args.no_docs:
        write_docs(text)
    print(text)


if __name__ == "__main__":
    main()
