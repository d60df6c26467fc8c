"""The Gradio chat: Danish texts, streamed answers, clickable citations, feedback.

Built by ``build_chat(backend)`` over a small ``ChatBackend`` (the web server's Service is
one); the server mounts it. The conversation is kept twice: as rendered HTML in the chatbot
and as plain turns in session state, so follow-ups are answered from what was really said,
never from HTML read back from the browser.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any, Protocol

import gradio as gr

from assistant.answer import Answer
from assistant.app import InputError
from assistant.feedback import FeedbackStore
from assistant.resources import messages
from assistant.settings import Settings
from ui import STATIC_DIR, NotReady
from ui.render import answer_html, partial_html, question_html

log = logging.getLogger(__name__)


class ChatBackend(Protocol):
    """What the chat needs: answers, the feedback store, the log, the queue settings."""

    settings: Settings
    feedback: FeedbackStore

    def validate(self, question: Any) -> str:
        """The cleaned question; raises InputError, or NotReady while there is no assistant."""
        ...

    def stream(
        self, question: str, history: list[dict[str, Any]]
    ) -> Iterator[tuple[str, Answer | None]]: ...

    def record(self, route: str, answer: Answer | None, status: int = 200) -> None: ...


def static_text(name: str) -> str:
    return (STATIC_DIR / name).read_text(encoding="utf-8")


def theme() -> gr.themes.Base:
    """System fonts (no font CDN) and colours with WCAG 2.1 AA contrast."""
    return gr.themes.Default(
        primary_hue="blue", font=["system-ui", "sans-serif"], font_mono=["monospace"]
    ).set(
        button_primary_background_fill="#0b4f9c",
        button_primary_background_fill_hover="#083d7a",
        button_primary_text_color="#ffffff",
        input_placeholder_color="#595959",
        block_label_text_color="#3d3d3d",
        body_text_color_subdued="#4a4a4a",
    )


def build_chat(service: ChatBackend) -> gr.Blocks:
    texts = messages()["ui"]
    errors = messages()["errors"]

    def respond(question: str, turns: list[dict[str, Any]], chat: list[dict[str, Any]]):
        try:
            question = service.validate(question)
        except InputError as exc:
            raise gr.Error(errors[exc.code].format(limit=exc.limit), print_exception=False) from exc
        except NotReady as exc:
            raise gr.Error(str(exc), print_exception=False) from exc
        history = [{"role": t["role"], "content": t["content"]} for t in turns]
        shown = [*chat, {"role": "user", "content": question_html(question)}]
        yield "", turns, [*shown, {"role": "assistant", "content": partial_html(texts["thinking"])}]
        try:
            for text, answer in service.stream(question, history):
                if answer is None:
                    yield "", turns, [*shown, {"role": "assistant", "content": partial_html(text)}]
                    continue
                turn = len(turns) // 2
                turns = [
                    *turns,
                    {"role": "user", "content": question},
                    {
                        "role": "assistant",
                        "content": answer.answer,
                        "citations": [c.to_dict() for c in answer.citations],
                    },
                ]
                service.record("chat", answer)
                html = answer_html(answer, turn, texts)
                yield "", turns, [*shown, {"role": "assistant", "content": html}]
        except InputError as exc:
            raise gr.Error(errors[exc.code].format(limit=exc.limit), print_exception=False) from exc
        except Exception as exc:
            log.exception("answering failed")
            raise gr.Error(texts["unexpected"], print_exception=False) from exc

    def on_like(data: gr.LikeData, turns: list[dict[str, Any]]):
        index = data.index if isinstance(data.index, int) else data.index[0]
        if data.liked is None or index >= len(turns) or turns[index]["role"] != "assistant":
            return None, ""
        answer, question = turns[index], turns[index - 1]
        row = service.feedback.add(
            "up" if data.liked else "down",
            question["content"],
            answer["content"],
            answer.get("citations", []),
        )
        return row, texts["feedback_thanks"]

    def on_comment(text: str, row: int | None):
        if row is None:
            return text, texts["comment_first"]
        if text.strip():
            service.feedback.comment(row, text.strip()[:2000])
        return "", texts["comment_thanks"]

    with gr.Blocks(title=texts["page_title"], analytics_enabled=False, fill_height=True) as chat:
        gr.HTML(
            f"<h1>{texts['heading']}</h1><p>{texts['description']}</p>",
            elem_id="overskrift",
        )
        turns = gr.State([])
        rated = gr.State(None)
        chatbot = gr.Chatbot(
            label=texts["chat_label"],
            elem_id="samtale",
            height=520,
            feedback_options=("Like", "Dislike"),
            buttons=["copy"],
            show_label=True,
        )
        with gr.Row():
            question = gr.Textbox(
                label=texts["question_label"],
                placeholder=texts["question_placeholder"],
                elem_id="spoergsmaal",
                lines=1,
                max_lines=6,
                scale=5,
                submit_btn=False,
            )
            send = gr.Button(texts["send"], variant="primary", elem_id="send", scale=1)
        new = gr.Button(texts["new_conversation"], elem_id="ny-samtale", size="sm")
        # Starter questions fill the box in the browser (no server call: gr.Examples would
        # need Gradio's run/predict route, which the server does not expose).
        gr.Markdown(texts["starters_label"])
        with gr.Row(elem_id="forslag"):
            for starter in texts["starters"]:
                gr.Button(starter, size="sm", variant="secondary").click(
                    None, None, question, js=f"() => {json.dumps(starter)}"
                )
        gr.Markdown(texts["feedback_label"])
        with gr.Row():
            comment = gr.Textbox(label=texts["comment_label"], elem_id="kommentar", scale=5)
            comment_send = gr.Button(texts["comment_send"], elem_id="send-kommentar", scale=1)
        status = gr.Markdown("", elem_id="status")

        # Private: the page calls these through the queue; Gradio's API routes do not.
        private = {"api_visibility": "private"}
        for trigger in (question.submit, send.click):
            trigger(respond, [question, turns, chatbot], [question, turns, chatbot], **private)
        chatbot.like(on_like, [turns], [rated, status], **private)
        comment_send.click(on_comment, [comment, rated], [comment, status], **private)
        new.click(lambda: ([], [], None, ""), None, [chatbot, turns, rated, status], **private)
    chat.queue(
        default_concurrency_limit=service.settings.queue_concurrency,
        max_size=service.settings.queue_max_size,
    )
    return chat
