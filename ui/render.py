"""Answers as HTML for the chat: every piece of text is escaped, citations become links.

The chat renders message HTML, so nothing from the question, the history, the article or a
model may reach the page unescaped. The HTML is built here, from structured citations, with
no blank lines (a blank line would end the HTML block in the chat's Markdown renderer).
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from assistant.answer import Answer, Citation

_MARKER = re.compile(r"\[(\d+)\]")


def question_html(text: str) -> str:
    lines = "<br>".join(escape(line) for line in text.splitlines())
    return f'<div class="spm"><p>{lines}</p></div>'


def partial_html(text: str) -> str:
    """An answer still streaming in: plain escaped text."""
    lines = "<br>".join(escape(line) for line in text.splitlines())
    return f'<div class="svar"><p>{lines} …</p></div>'


def answer_html(answer: Answer, turn: int, texts: dict[str, Any]) -> str:
    if answer.abstained:
        return _abstention(answer, texts)

    def link(match: re.Match[str]) -> str:
        n = match.group(1)
        label = escape(texts["source_link"].format(n=n))
        return f'<a href="#k-{turn}-{n}" class="cite" title="{label}">[{n}]</a>'

    if answer.sentences:
        paragraphs = "<p>" + " ".join(_sentence(s, link, texts) for s in answer.sentences) + "</p>"
    else:
        paragraphs = "".join(
            f'<p class="notits">{escape(line)}</p>'
            if line == answer.notice
            else f"<p>{_MARKER.sub(link, escape(line))}</p>"
            for line in answer.answer.splitlines()
        )
    sources = "".join(_source(c, turn) for c in answer.citations)
    read_as = answer.read_as()
    if read_as:
        paragraphs = f'<p class="laest-som">{escape(read_as)}</p>{paragraphs}'
    kind, title = "svar", ""
    if answer.confidence == "low":
        # On topic, but the article covers the question only in part: show it plainly.
        partial = escape(texts["partial_title"])
        kind, title = "svar delvist", f'<p class="delvist-titel">{partial}</p>'
    return (
        f'<div class="{kind}">{title}{paragraphs}<div class="kilder">'
        f'<p class="kilder-titel">{escape(texts["sources"])}</p>{sources}</div></div>'
    )


def _sentence(sentence: dict[str, Any], link: Any, texts: dict[str, Any]) -> str:
    """A generated sentence with its markers; one the passages do not support is flagged."""
    markers = "".join(f" [{n}]" for n in sentence["citations"])
    text = _MARKER.sub(link, escape(sentence["text"] + markers))
    if sentence["supported"]:
        return text
    flag = escape(texts["not_supported"])
    return f'<span class="uunderbygget">{text} <strong>({flag})</strong></span>'


def _source(citation: Citation, turn: int) -> str:
    passage = escape(citation.text).replace("\n", "<br>")
    for sentence in citation.sentences:
        passage = passage.replace(escape(sentence), f"<mark>{escape(sentence)}</mark>", 1)
    return (
        f'<details id="k-{turn}-{citation.n}"><summary>[{citation.n}] '
        f"{escape(citation.label)}</summary><blockquote>{passage}</blockquote></details>"
    )


def _abstention(answer: Answer, texts: dict[str, Any]) -> str:
    message = answer.answer.splitlines()[0]
    suggestions = "".join(f"<li>{escape(s)}</li>" for s in answer.suggestions)
    hint = (
        f'<p>{escape(texts["suggestions"])}</p><ul class="forslag">{suggestions}</ul>'
        if suggestions
        else ""
    )
    return (
        f'<div class="svar afvist"><p class="afvist-titel">{escape(texts["abstained_title"])}'
        f"</p><p>{escape(message)}</p>{hint}</div>"
    )
