"""Command line: a thin edge over the Assistant (English messages, Danish answers)."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from assistant.answer import Answer

T = TypeVar("T")

EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3


def _quiet_environment() -> None:
    """No telemetry is sent, and library chatter stays off the answer."""
    for name, value in {
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "TRANSFORMERS_VERBOSITY": "error",
        "TOKENIZERS_PARALLELISM": "false",
    }.items():
        os.environ.setdefault(name, value)


def follow_offline_setting(offline: bool) -> None:
    """Let the Hugging Face libraries download a model exactly when ``ASSISTANT_OFFLINE`` is
    false. They read these variables once, when first imported, so this runs before any
    command loads a model."""
    flag = "1" if offline else "0"
    os.environ["HF_HUB_OFFLINE"] = flag
    os.environ["TRANSFORMERS_OFFLINE"] = flag


def _own_lines_and_warnings(record: logging.LogRecord) -> bool:
    """The default log: our own lines, and only warnings and errors from libraries (bm25s sets
    its logger to DEBUG)."""
    return record.levelno >= logging.WARNING or record.name.partition(".")[0] == "assistant"


def configure_logging() -> None:
    """JSON log lines on stderr (the server's format), filtered to what an operator reads."""
    from assistant.web.logs import configure_logging as json_lines

    json_lines()
    for handler in logging.getLogger().handlers:
        handler.addFilter(_own_lines_and_warnings)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def _settings() -> Any:
    from pydantic import ValidationError

    from assistant.settings import Settings

    try:
        return Settings()
    except (ValidationError, FileNotFoundError) as exc:
        _fail(f"invalid settings: {exc}", EXIT_USAGE)


def _or_exit(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``call``'s result, or a clear English message and exit for the errors a user can meet
    (corpus, index or model unusable)."""
    from assistant.corpus import CorpusError
    from assistant.embeddings import ModelMissingError
    from assistant.index import IndexProblem

    try:
        return call(*args, **kwargs)
    except (CorpusError, IndexProblem, ModelMissingError) as exc:
        _fail(str(exc), EXIT_UNAVAILABLE)


def _assistant(settings: Any, **kwargs: Any) -> Any:
    from assistant.app import create_assistant

    return _or_exit(create_assistant, settings, **kwargs)


def _ask(assistant: Any, question: str, history: list[Any]) -> Answer:
    from assistant.app import InputError

    try:
        return assistant.ask(question, history)
    except InputError as exc:
        _fail(str(exc), EXIT_USAGE)


def render(answer: Answer) -> str:
    """The answer and its numbered sources as terminal text."""
    lines = [line for line in (answer.read_as(), answer.answer) if line]
    if answer.citations:
        lines.append("")
        lines.append("Kilder:")
        for c in answer.citations:
            lines.append(f"[{c.n}] {c.label}")
            lines.append(f"    »{c.quote}«")
    return "\n".join(lines)


@click.group()
@click.version_option(package_name="assistant")
def main() -> None:
    """Ask the article "Kommunaldirektørens 7 gode råd om digital transformation"."""
    _quiet_environment()
    follow_offline_setting(_settings().offline)


@main.command()
@click.option("--rebuild", is_flag=True, help="Drop the index and embed everything again.")
def index(rebuild: bool) -> None:
    """Embed the corpus into the vector index (only what changed)."""
    from assistant.app import build_index

    settings = _settings()
    report = _or_exit(build_index, settings, rebuild=rebuild, progress=sys.stderr.isatty())
    where = settings.chroma_url or settings.index_dir
    if report.query_encoder:
        click.echo(
            f"Exported the query encoder (no torch when answering) to {report.query_encoder}."
        )
    if not report.changed and not report.rebuilt:
        click.echo(
            f"Index at {where} is up to date ({report.unchanged} chunks); nothing re-embedded."
        )
        return
    verb = "Rebuilt" if report.rebuilt else "Updated"
    click.echo(
        f"{verb} index at {where}: {report.added} added, {report.updated} updated, "
        f"{report.deleted} deleted, {report.unchanged} unchanged."
    )


def _load_history(path: Path | None) -> list[Any]:
    if path is None:
        return []
    try:
        history = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        _fail(f"cannot read history file {path}: {exc}", EXIT_USAGE)
    if not isinstance(history, list):
        _fail(f"history file {path} must hold a JSON list of {{role, content}}", EXIT_USAGE)
    return history


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON object.")
@click.option(
    "--history",
    "history_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Earlier turns: a JSON list of {role, content}.",
)
def ask(question: str, as_json: bool, history_file: Path | None) -> None:
    """Answer QUESTION (in Danish) with cited passages from the article."""
    settings = _settings()
    history = _load_history(history_file)
    assistant = _assistant(settings)
    answer = _ask(assistant, question, history)
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        click.echo(render(answer))


@main.command()
def chat() -> None:
    """An interactive conversation in the terminal; follow-up questions use what was said."""
    from assistant.app import InputError

    assistant = _assistant(_settings())
    history: list[dict[str, str]] = []
    click.echo("Spørg om artiklen. Tom linje eller Ctrl-D afslutter; 'ny' starter forfra.")
    while True:
        try:
            question = input("> ")
        except (EOFError, KeyboardInterrupt):
            click.echo()
            return
        if not question.strip():
            return
        if question.strip().lower() == "ny":
            history.clear()
            continue
        try:
            answer = assistant.ask(question, history)
        except InputError as exc:
            click.echo(f"Error: {exc}", err=True)
            continue
        click.echo(render(answer) + "\n")
        history += [
            {"role": "user", "content": answer.question},
            {"role": "assistant", "content": answer.answer},
        ]


@main.command(name="eval")
@click.argument("questions_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write JSON here.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a readable report (.html, or Markdown for any other suffix) with a chart.",
)
@click.option("--compare", is_flag=True, help="Also run dense-only and BM25-only retrieval.")
@click.option(
    "--thresholds",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Fail (exit 1) when a metric falls below the minimum kept in this TOML file.",
)
def evaluate_command(
    questions_file: Path,
    out: Path | None,
    report_path: Path | None,
    compare: bool,
    thresholds: Path | None,
) -> None:
    """Run a question set (JSON Lines) through the assistant and score the answers."""
    from assistant.evaluation import (
        EvalFormatError,
        check_thresholds,
        evaluate,
        load_questions,
        load_thresholds,
    )
    from assistant.report import summary_table, write_report

    try:
        questions = load_questions(questions_file)
        limits = load_thresholds(thresholds) if thresholds else {}
    except (EvalFormatError, ValueError) as exc:
        _fail(str(exc), EXIT_USAGE)
    # Every answer computed: latencies and the comparison runs measure work, not the caches.
    uncached = {"answer_cache_size": 0, "query_cache_size": 0}
    assistant = _assistant(_settings().model_copy(update=uncached))
    runs = [(assistant.settings.retrieval_mode, assistant)]
    if compare:
        runs += [(mode, assistant.with_retrieval_mode(mode)) for mode in ("dense", "bm25")]
    reports = []
    for name, runner in runs:
        with click.progressbar(length=len(questions), label=f"{name:>7}", file=sys.stderr) as bar:
            reports.append(evaluate(runner, questions, name, on_progress=lambda: bar.update(1)))
    click.echo(summary_table(reports))
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        payload = reports[0].to_dict() | {"compare": [r.to_dict() for r in reports[1:]]}
        out.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    if report_path:
        write_report(reports, report_path)
    failures = check_thresholds(reports[0], limits)
    for failure in failures:
        click.echo(f"Below threshold: {failure}", err=True)
    if failures:
        sys.exit(1)


@main.command()
@click.option("--host", help="Address to listen on (default: ASSISTANT_HOST, 127.0.0.1).")
@click.option("--port", type=int, help="Port (default: ASSISTANT_PORT, 7860).")
def serve(host: str | None, port: int | None) -> None:
    """Run the web chat and the JSON API (builds the index first if it is missing)."""
    import uvicorn

    from assistant.web import create_app

    configure_logging()
    settings = _settings()
    settings = settings.model_copy(
        update={"host": host or settings.host, "port": port or settings.port}
    )
    click.echo(f"Serving the chat on http://{settings.host}:{settings.port}/", err=True)
    # No access log: it would record client addresses; the app logs one JSON line per answer.
    # X-Forwarded-For is believed only from ASSISTANT_TRUSTED_PROXIES (default: nobody).
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
    )


@main.group()
def feedback() -> None:
    """Feedback that users gave on answers in the web chat."""


@feedback.command("purge")
@click.option(
    "--days", type=int, help="Keep this many days (default: ASSISTANT_FEEDBACK_RETENTION_DAYS)."
)
def feedback_purge(days: int | None) -> None:
    """Delete feedback older than the retention period."""
    from assistant.feedback import FeedbackStore

    settings = _settings()
    removed = FeedbackStore(settings.feedback_db).purge(days or settings.feedback_retention_days)
    click.echo(f"Purged {removed} feedback rows.")


@feedback.command("export")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="CSV file (default: stdout)."
)
def feedback_export(out: Path | None) -> None:
    """Write all feedback as CSV (question, answer, citations, rating, comment, time)."""
    from assistant.feedback import FeedbackStore

    store = FeedbackStore(_settings().feedback_db)
    if out is None:
        count = store.export_csv(sys.stdout)
    else:
        with out.open("w", encoding="utf-8", newline="") as handle:
            count = store.export_csv(handle)
    click.echo(f"Exported {count} feedback rows.", err=True)
