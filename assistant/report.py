"""Evaluation reports for people: a terminal table, and HTML or Markdown with a chart.

Rendering is an edge: it reads ``EvalReport`` objects and never changes them.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.evaluation import GROUPINGS, METRICS, EvalReport

_PERCENT = frozenset(METRICS) - {"mrr", "latency_median_ms", "latency_p95_ms"}
GROUP_METRICS = (
    "hit@3",
    "citation_precision",
    "answer_contains_recall",
    "abstention_accuracy",
    "false_abstention_rate",
)
"""The metrics shown per split and per question type: what a user of the answers notices."""


def _value(name: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    if name in _PERCENT:
        return f"{value * 100:.1f} %"
    if name == "mrr":
        return f"{value:.3f}"
    return f"{value:.1f} ms"


def summary_table(reports: Sequence[EvalReport]) -> str:
    """Fixed-width table of every metric, one column per run."""
    width = max(len(m) for m in METRICS) + 2
    lines = ["metric".ljust(width) + "".join(r.name.rjust(12) for r in reports)]
    lines.append("-" * len(lines[0]))
    for name in METRICS:
        cells = "".join(_value(name, r.metrics[name]).rjust(12) for r in reports)
        lines.append(name.ljust(width) + cells)
    counts = reports[0].metrics
    lines.append(
        f"{int(counts['questions'])} questions: {int(counts['answerable'])} answerable, "
        f"{int(counts['unanswerable'])} not answerable from the article"
    )
    for grouping in GROUPINGS:
        if reports[0].groups.get(grouping):
            lines += [
                "",
                f"{reports[0].name}, per {grouping}:",
                _fixed_width(group_rows(reports[0], grouping)),
            ]
    return "\n".join(lines)


def group_rows(report: EvalReport, grouping: str) -> list[list[str]]:
    """A table (header first) of ``GROUP_METRICS`` per value of ``grouping``; "-" where a
    metric does not apply (no answerable, or no unanswerable, questions of that kind)."""
    groups = report.groups.get(grouping, {})
    rows = [[grouping, "questions", *GROUP_METRICS]]
    for value, metrics in groups.items():
        cells = [value, str(int(metrics["questions"]))]
        for name in GROUP_METRICS:
            count = metrics["unanswerable" if name == "abstention_accuracy" else "answerable"]
            cells.append(_value(name, metrics[name]) if count else "-")
        rows.append(cells)
    return rows


def _fixed_width(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) + 2 for i in range(len(rows[0]))]
    lines = [
        "".join(
            c.rjust(w) if i else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def _chart_svg(reports: Sequence[EvalReport]) -> str:
    """Hit@k and MRR per run beside the median and p95 latency, as inline SVG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    quality = ["hit@1", "hit@3", "hit@5", "mrr"]
    latency = ["latency_median_ms", "latency_p95_ms"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), gridspec_kw={"width_ratios": [2, 1]})
    width = 0.8 / len(reports)
    for i, report in enumerate(reports):
        xs = [x + i * width for x in range(len(quality))]
        left.bar(xs, [report.metrics[m] for m in quality], width, label=report.name)
        xs = [x + i * width for x in range(len(latency))]
        right.bar(xs, [report.metrics[m] for m in latency], width, label=report.name)
    left.set_xticks([x + width * (len(reports) - 1) / 2 for x in range(len(quality))], quality)
    left.set_ylim(0, 1)
    left.set_title("Retrieval quality")
    left.legend(loc="lower right")
    right.set_xticks(
        [x + width * (len(reports) - 1) / 2 for x in range(len(latency))], ["median", "p95"]
    )
    right.set_title("Latency per question (ms)")
    fig.tight_layout()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def _failure_rows(report: EvalReport) -> list[dict[str, Any]]:
    rows = []
    for result in report.failures:
        expected = result["expected"]
        verdicts = result["verdicts"]
        rows.append(
            {
                "id": result["id"],
                "question": result["question"],
                "expected": (
                    "answer citing: " + " | ".join(expected["evidence"])
                    if expected["answerable"]
                    else "abstain (the article does not say)"
                ),
                "got": result["answer"],
                "verdicts": (
                    f"rank {verdicts['rank']}, citation precision "
                    f"{verdicts['citation_precision']}, contains {verdicts['answer_contains']}, "
                    f"abstained {result['abstained']}"
                ),
            }
        )
    return rows


def write_report(reports: Sequence[EvalReport], path: Path) -> None:
    """HTML for a ``.html`` path, Markdown otherwise."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in (".html", ".htm"):
        path.write_text(_html(reports), encoding="utf-8")
    else:
        chart = path.with_suffix(".svg")
        chart.write_text(_chart_svg(reports), encoding="utf-8")
        path.write_text(_markdown(reports, chart.name), encoding="utf-8")


def _markdown(reports: Sequence[EvalReport], chart: str) -> str:
    head = "| metric | " + " | ".join(r.name for r in reports) + " |"
    lines = ["# Evaluation report", "", head, "|---" * (len(reports) + 1) + "|"]
    for name in METRICS:
        cells = " | ".join(_value(name, r.metrics[name]) for r in reports)
        lines.append(f"| {name} | {cells} |")
    main = reports[0]
    for grouping in GROUPINGS:
        rows = group_rows(main, grouping)
        if len(rows) > 1:
            lines += ["", f"## Per {grouping} ({main.name})", ""]
            lines += ["| " + " | ".join(row) + " |" for row in rows[:1]]
            lines.append("|---" * len(rows[0]) + "|")
            lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    lines += ["", f"![hit@k and latency]({chart})", ""]
    lines.append(f"## Failed questions ({main.name}): {len(main.failures)}")
    for row in _failure_rows(main):
        lines += [
            "",
            f"### {row['id']}: {row['question']}",
            f"- expected: {row['expected']}",
            f"- got: {row['got']}".replace("\n", " / "),
            f"- {row['verdicts']}",
        ]
    return "\n".join(lines) + "\n"


def _html_table(title: str, rows: list[list[str]]) -> str:
    if len(rows) < 2:
        return ""
    e = html.escape
    head = "".join(f"<th>{e(c)}</th>" for c in rows[0])
    body = "".join(
        f"<tr><th scope='row'>{e(row[0])}</th>"
        + "".join(f"<td>{e(c)}</td>" for c in row[1:])
        + "</tr>"
        for row in rows[1:]
    )
    return (
        f"<h2>{e(title)}</h2>\n<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>\n"
    )


def _html(reports: Sequence[EvalReport]) -> str:
    e = html.escape
    header = "".join(f"<th>{e(r.name)}</th>" for r in reports)
    body = "".join(
        f"<tr><th scope='row'>{e(name)}</th>"
        + "".join(f"<td>{e(_value(name, r.metrics[name]))}</td>" for r in reports)
        + "</tr>"
        for name in METRICS
    )
    main = reports[0]
    grouped = "".join(_html_table(f"Per {g} ({main.name})", group_rows(main, g)) for g in GROUPINGS)
    failures = "".join(
        "<tr>"
        + "".join(
            f"<td>{e(str(row[key]))}</td>"
            for key in ("id", "question", "expected", "got", "verdicts")
        )
        + "</tr>"
        for row in _failure_rows(main)
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Evaluation report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #1a1a1a; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ border: 1px solid #999; padding: .3rem .6rem; text-align: left; vertical-align: top; }}
td {{ white-space: pre-wrap; }}
</style></head><body>
<h1>Evaluation report</h1>
<table><thead><tr><th>metric</th>{header}</tr></thead><tbody>{body}</tbody></table>
{grouped}
<figure>{_chart_svg(reports)}
<figcaption>Hit@k, MRR and latency per retrieval mode</figcaption></figure>
<h2>Failed questions ({e(main.name)}): {len(main.failures)}</h2>
<table><thead><tr><th>id</th><th>question</th><th>expected</th><th>got</th><th>verdicts</th></tr>
</thead><tbody>{failures}</tbody></table>
</body></html>
"""
