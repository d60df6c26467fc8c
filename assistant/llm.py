"""Generative answers from a local LLM server, checked against the passages before shown.

Plugged into the chain's answerer slot; retrieval is unchanged. Every answer is verified:
markers that point to no passage are removed, each sentence is checked for support in the
passages it cites (lexical overlap and embedding similarity, no second LLM), unsupported
sentences are flagged, and an answer with no supported sentence, an error, a timeout or
garbage falls back to the extractive answer with a short Danish notice.
"""

from __future__ import annotations

import logging
import re
import time
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.documents import Document
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.answer import Citation, Draft, ExtractiveAnswerer, citation
from assistant.danish import Analyzer, split_sentences
from assistant.resources import messages, read_text
from assistant.retrieval import SearchResult, Turn

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.settings import Settings

log = logging.getLogger(__name__)
_MARKER = re.compile(r"\s*\[(\d+)\]")
MAX_PASSAGES = 5
MIN_LEXICAL_SUPPORT = 0.5
"""Share of a sentence's search terms that must occur in the passages it cites …"""
MIN_PARTIAL_LEXICAL = 0.3
MIN_EMBEDDING_SUPPORT = 0.6
"""… or a smaller share plus this cosine similarity to one of their sentences."""

Embed = Callable[[list[str]], Any]


class LLMError(RuntimeError):
    """The language model failed, was too slow, or answered nothing usable."""


def make_chat_model(settings: Settings) -> BaseChatModel:
    """``openai:MODEL`` or ``ollama:MODEL`` as a LangChain chat model."""
    provider, _, model = settings.llm.partition(":")
    api_key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    if provider == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=model,
            base_url=settings.llm_base_url,
            api_key=api_key or "not-needed",  # local servers take any key
            timeout=settings.llm_timeout,
            max_retries=0,
            temperature=0,
            streaming=True,
        )
    if provider == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(
            model=model,
            base_url=settings.llm_base_url,
            temperature=0,
            client_kwargs={"timeout": settings.llm_timeout},
        )
    raise ValueError(
        f"ASSISTANT_LLM must be none, ollama:MODEL or openai:MODEL, not {settings.llm!r}"
    )


@dataclass(frozen=True)
class Sentence:
    text: str
    citations: tuple[int, ...]
    supported: bool


class GenerativeAnswerer:
    """Asks the chat model with numbered passages, then verifies what it wrote."""

    def __init__(
        self,
        model: BaseChatModel,
        fallback: ExtractiveAnswerer,
        analyzer: Analyzer,
        embed: Embed,
        title: str,
        timeout: float,
    ) -> None:
        self._model = model
        self._fallback = fallback
        self._analyzer = analyzer
        self._embed = embed
        self._title = title
        self._timeout = timeout
        self._prompts = tomllib.loads(read_text("prompts_da.toml"))
        self._texts = messages()["llm"]

    def __call__(self, question: str, history: Sequence[Turn], result: SearchResult) -> Draft:
        draft = None
        for item in self.stream(question, history, result):
            if isinstance(item, Draft):
                draft = item
        assert draft is not None
        return draft

    def stream(
        self, question: str, history: Sequence[Turn], result: SearchResult
    ) -> Iterator[str | Draft]:
        """Cumulative text as the model writes it, then the verified ``Draft``."""
        extractive = self._fallback(question, history, result)
        if extractive.abstained:
            # Off topic, injected instructions, or not in the article: no model is asked.
            yield extractive
            return
        passages = result.documents[:MAX_PASSAGES]
        text = ""
        try:
            for chunk in self._chunks(question, history, passages):
                text += chunk
                yield text
            sentences = self._verify(text, passages)
        except Exception as exc:
            log.warning(
                "LLM answer failed, falling back to quotes: %s: %s", type(exc).__name__, exc
            )
            yield self._with_notice(extractive, self._texts["unavailable"])
            return
        if not any(s.supported for s in sentences):
            log.warning("LLM answer had no supported sentence, falling back to quotes")
            yield self._with_notice(extractive, self._texts["unsupported"])
            return
        yield self._draft(sentences, passages)

    def _chunks(self, question: str, history: Sequence[Turn], passages: Sequence[Document]):
        numbered = "\n\n".join(
            f"[{i}] ({d.metadata['section']}) {d.page_content}" for i, d in enumerate(passages, 1)
        )
        roles = {"user": self._texts["user_role"], "assistant": self._texts["assistant_role"]}
        turns = "".join(
            self._prompts["history_turn"].format(role=roles[t.role], content=t.content)
            for t in history[-6:]
        )
        prompt = [
            SystemMessage(self._prompts["system"].format(title=self._title, passages=numbered)),
            HumanMessage(self._prompts["user"].format(history=turns, question=question)),
        ]
        deadline = time.monotonic() + self._timeout
        for chunk in self._model.stream(prompt):
            if time.monotonic() > deadline:
                raise LLMError(f"no complete answer within {self._timeout} s")
            content = chunk.content if isinstance(chunk.content, str) else ""
            if content:
                yield content

    def _verify(self, text: str, passages: Sequence[Document]) -> list[Sentence]:
        if not text.strip():
            raise LLMError("empty answer")
        sentences = []
        for raw in split_sentences(text):
            numbers = tuple(
                dict.fromkeys(int(n) for n in _MARKER.findall(raw) if 1 <= int(n) <= len(passages))
            )
            plain = _MARKER.sub("", raw).strip()
            if not plain:
                continue
            supported = bool(numbers) and self._supported(plain, [passages[n - 1] for n in numbers])
            sentences.append(Sentence(plain, numbers, supported))
        if not sentences:
            raise LLMError("no sentences in the answer")
        return sentences

    def _supported(self, sentence: str, cited: Sequence[Document]) -> bool:
        terms = set(self._analyzer.terms(sentence))
        if not terms:
            return False
        present = {t for d in cited for t in self._analyzer.terms(d.page_content)}
        lexical = len(terms & present) / len(terms)
        if lexical >= MIN_LEXICAL_SUPPORT:
            return True
        if lexical < MIN_PARTIAL_LEXICAL:
            return False
        return self._similarity(sentence, cited) >= MIN_EMBEDDING_SUPPORT

    def _similarity(self, sentence: str, cited: Sequence[Document]) -> float:
        candidates = [s for d in cited for s in split_sentences(d.page_content)]
        vectors = np.asarray(self._embed([sentence, *candidates]))
        return float(np.max(vectors[1:] @ vectors[0]))

    def _draft(self, sentences: Sequence[Sentence], passages: Sequence[Document]) -> Draft:
        """Markers renumbered in order of use; each citation quotes the passage sentences
        closest to what the answer says it supports."""
        order: dict[int, int] = {}
        for s in sentences:
            for n in s.citations:
                order.setdefault(n, len(order) + 1)
        parts = []
        for s in sentences:
            markers = "".join(f" [{order[n]}]" for n in s.citations)
            parts.append(s.text + markers)
        citations: list[Citation] = []
        for n, new in order.items():
            doc = passages[n - 1]
            said = " ".join(s.text for s in sentences if n in s.citations)
            citations.append(citation(new, doc, self._quote(said, doc)))
        return Draft(
            " ".join(parts),
            tuple(citations),
            sentences=tuple(
                {
                    "text": s.text,
                    "citations": [order[n] for n in s.citations],
                    "supported": s.supported,
                }
                for s in sentences
            ),
        )

    def _quote(self, said: str, doc: Document) -> list[str]:
        terms = set(self._analyzer.terms(said))
        ranked = sorted(
            split_sentences(doc.page_content),
            key=lambda s: -len(terms & set(self._analyzer.terms(s))),
        )
        return ranked[:1]

    @staticmethod
    def _with_notice(draft: Draft, notice: str) -> Draft:
        return replace(draft, answer=f"{notice}\n{draft.answer}", notice=notice)
