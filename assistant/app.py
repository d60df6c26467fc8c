"""The one Assistant that every edge (CLI, API, UI, widget, eval) talks to, and its factory.

``create_assistant(settings)`` wires corpus -> chunks -> index -> retrieval -> answer into a
LangChain runnable chain. Edges only validate input, call ``Assistant.ask`` and render.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from langchain_core.runnables import Runnable, RunnableLambda

from assistant.answer import Answer, Answerer, Draft, ExtractiveAnswerer, Retrieved
from assistant.chunks import Chunk, chunk_corpus
from assistant.corpus import Article, load_corpus
from assistant.embeddings import SentenceEmbedder
from assistant.index import SyncReport, VectorIndex, dense_similarities
from assistant.retrieval import HybridRetriever, LexicalIndex, Mode, SearchResult, Turn
from assistant.settings import Settings

STREAM_STEPS = 8


class InputError(ValueError):
    """A question or history the assistant will not take; ``code`` picks the user message."""

    def __init__(self, code: Literal["empty", "too_long", "history"], detail: str, limit: int = 0):
        super().__init__(detail)
        self.code = code
        self.limit = limit


def clean_text(text: str) -> str:
    """The text with lone surrogates (which JSON and argv can carry, and the tokenizer
    rejects) replaced by "?"."""
    return text.encode("utf-8", "replace").decode("utf-8")


def normalise_history(
    raw: Iterable[Any] | None, max_turns: int, max_chars: int = 8000
) -> list[Turn]:
    """Earlier turns as ``Turn``s, whatever shape the edge sent.

    Gradio sends ``content`` as a string from its API but as a list of
    ``{"type": "text", "text": ...}`` parts from the browser; both are accepted.
    """
    if raw is None:
        return []
    if isinstance(raw, str | bytes) or not isinstance(raw, Iterable):
        raise InputError("history", "history must be a list of {role, content} objects")
    turns: list[Turn] = []
    for item in raw:
        if isinstance(item, Turn):
            turns.append(item)
            continue
        if not isinstance(item, Mapping) or item.get("role") not in ("user", "assistant"):
            raise InputError("history", "each history item needs role 'user' or 'assistant'")
        content = item.get("content")
        if isinstance(content, list):
            content = " ".join(
                str(part.get("text", "")) for part in content if isinstance(part, Mapping)
            )
        if not isinstance(content, str):
            raise InputError("history", "history content must be text")
        if len(content) > max_chars:
            raise InputError("history", f"a history turn is longer than {max_chars} characters")
        turns.append(Turn(item["role"], clean_text(content)))
    return turns[-max_turns:] if max_turns else []


@dataclass(frozen=True)
class _Request:
    question: str
    history: tuple[Turn, ...]


class Assistant:
    """Answers questions about the corpus with cited passages."""

    def __init__(
        self,
        settings: Settings,
        articles: Sequence[Article],
        retriever: HybridRetriever,
        answerer: Answerer,
    ) -> None:
        self.settings = settings
        self.articles = list(articles)
        self.retriever = retriever
        self.answerer = answerer

    @cached_property
    def chain(self) -> Runnable[_Request, Answer]:
        """question (+ history) -> retrieval -> answer, as LangChain runnables."""
        return RunnableLambda(self._retrieve) | RunnableLambda(self._answer)

    def _retrieve(self, request: _Request) -> tuple[_Request, SearchResult, float]:
        start = time.perf_counter()
        result = self.retriever.search(request.question, request.history)
        return request, result, start

    def _answer(self, state: tuple[_Request, SearchResult, float]) -> Answer:
        request, result, start = state
        retrieved_at = time.perf_counter()
        draft = self.answerer(request.question, request.history, result)
        return self._finish(request, result, draft, start, retrieved_at)

    @staticmethod
    def _finish(
        request: _Request, result: SearchResult, draft: Draft, start: float, retrieved_at: float
    ) -> Answer:
        done = time.perf_counter()
        return Answer(
            question=request.question,
            answer=draft.answer,
            abstained=draft.abstained,
            reason=draft.reason,
            citations=list(draft.citations),
            suggestions=list(draft.suggestions),
            sentences=list(draft.sentences),
            notice=draft.notice,
            confidence=draft.confidence,
            corrections=[c.to_dict() for c in result.analysis.corrections],
            retrieved=[
                Retrieved(
                    chunk_id=str(d.metadata["chunk_id"]),
                    section=str(d.metadata["section"]),
                    text=d.page_content,
                    score=float(d.metadata["score"]),
                )
                for d in result.documents
            ],
            timings_ms={
                "retrieve": round((retrieved_at - start) * 1000, 2),
                "answer": round((done - retrieved_at) * 1000, 2),
                "total": round((done - start) * 1000, 2),
            },
        )

    def with_retrieval_mode(self, mode: Mode) -> Assistant:
        """The same assistant retrieving with one signal only (for comparisons)."""
        retriever = self.retriever.model_copy(update={"mode": mode})
        return Assistant(self.settings, self.articles, retriever, self.answerer)

    def validate(self, question: Any) -> str:
        if not isinstance(question, str):
            raise InputError("empty", "the question must be a string")
        if not question.strip():
            raise InputError("empty", "the question is empty")
        question = clean_text(question.strip())
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise InputError(
                "too_long",
                f"the question is {len(question)} characters; the limit is {limit}",
                limit,
            )
        return question

    def stream(
        self, question: Any, history: Iterable[Any] | None = None
    ) -> Iterator[tuple[str, Answer | None]]:
        """The answer as it grows: ``(text so far, None)`` … then ``(text, Answer)``.

        A generative answerer streams its tokens. An extractive answer is complete at once;
        it is revealed a few words at a time so the chat takes the same path.
        """
        request = self.prepare(question, history)
        request, result, start = self._retrieve(request)
        retrieved_at = time.perf_counter()
        stream = getattr(self.answerer, "stream", None)
        draft: Draft | None = None
        if stream is not None:
            for item in stream(request.question, request.history, result):
                if isinstance(item, Draft):
                    draft = item
                else:
                    yield item, None
        else:
            draft = self.answerer(request.question, request.history, result)
            words = draft.answer.split(" ")
            step = max(1, len(words) // STREAM_STEPS)
            for end in range(step, len(words), step):
                yield " ".join(words[:end]), None
        assert draft is not None
        answer = self._finish(request, result, draft, start, retrieved_at)
        yield answer.answer, answer

    def prepare(self, question: Any, history: Iterable[Any] | None = None) -> _Request:
        """The validated question and history; raises InputError with a user message code."""
        return _Request(
            self.validate(question),
            tuple(
                normalise_history(
                    history, self.settings.max_history_turns, self.settings.max_turn_chars
                )
            ),
        )

    def ask(self, question: Any, history: Iterable[Any] | None = None) -> Answer:
        return self.chain.invoke(self.prepare(question, history))


def build_index(
    settings: Settings,
    rebuild: bool = False,
    progress: bool = True,
    embedder: SentenceEmbedder | None = None,
) -> SyncReport:
    """Embed the corpus into the vector index, re-embedding only what changed."""
    chunks = chunk_corpus(load_corpus(settings.corpus_dir))
    index = VectorIndex(settings, embedder or make_embedder(settings))
    return index.sync(chunks, rebuild=rebuild, progress=progress)


def make_embedder(settings: Settings) -> SentenceEmbedder:
    return SentenceEmbedder(
        settings.embedding_model,
        query_prompt=settings.query_prompt,
        passage_prompt=settings.passage_prompt,
        offline=settings.offline,
    )


def create_assistant(
    settings: Settings | None = None,
    *,
    mode: Mode | None = None,
    answerer: Answerer | None = None,
    embedder: SentenceEmbedder | None = None,
) -> Assistant:
    """Build the Assistant from settings; raises the index/model errors a user can meet."""
    settings = settings or Settings()
    articles = load_corpus(settings.corpus_dir)
    chunks: list[Chunk] = chunk_corpus(articles)
    mode = mode or settings.retrieval_mode
    lexical = LexicalIndex(chunks)
    dense_search = None
    if mode != "bm25":
        embedder = embedder or make_embedder(settings)
        collection = VectorIndex(settings, embedder).open(chunks)
        embedder.model  # noqa: B018 - load the model now, not on the first question

        def dense_search(text: str) -> dict[str, float]:
            vector = embedder.embed_query([text])[0]
            return dense_similarities(collection, vector, len(chunks))

    retriever = HybridRetriever(
        chunks=chunks,
        lexical=lexical,
        dense_search=dense_search,
        mode=mode,
        dense_weight=settings.dense_weight,
        k=settings.top_k,
        topic_share=settings.topic_share,
    )
    title = articles[0].title if len(articles) == 1 else "artiklerne"
    extractive = ExtractiveAnswerer(lexical, title, settings.high_confidence_coverage)
    if answerer is None and settings.llm != "none":
        from assistant.llm import GenerativeAnswerer, make_chat_model

        support_embedder = embedder or make_embedder(settings)
        answerer = GenerativeAnswerer(
            make_chat_model(settings),
            extractive,
            lexical.analyzer,
            support_embedder.embed_query,
            title,
            settings.llm_timeout,
        )
    return Assistant(settings, articles, retriever, answerer or extractive)
