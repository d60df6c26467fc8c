"""The one Assistant that every edge (CLI, API, UI, widget, eval) talks to, and its factory.

``create_assistant(settings)`` wires corpus -> chunks -> index -> retrieval -> answer into a
LangChain runnable chain. Edges only validate input, call ``Assistant.ask`` and render.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from cachetools import LRUCache
from langchain_core.runnables import Runnable, RunnableConfig

from assistant.answer import Answer, Answerer, Draft, ExtractiveAnswerer, Retrieved
from assistant.chunks import Chunk, chunk_corpus
from assistant.corpus import Article, load_corpus
from assistant.danish import THESAURUS, Analyzer
from assistant.embeddings import SentenceEmbedder
from assistant.index import IndexMissingError, SyncReport, VectorIndex
from assistant.query_encoder import (
    OnnxQueryEncoder,
    QueryEncode,
    ensure_export,
    export_folder,
    first_line,
    load_query_encoder,
)
from assistant.resources import load_lines
from assistant.retrieval import HybridRetriever, LexicalIndex, Mode, SearchResult, Turn
from assistant.settings import Settings
from assistant.wordtable import WordTable, write_table

STREAM_STEPS = 8
V = TypeVar("V")
In = TypeVar("In")
Out = TypeVar("Out")
log = logging.getLogger(__name__)


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


class Step(Runnable[In, Out]):
    """One step of the chain: a LangChain runnable that calls ``func``.

    ``RunnableLambda`` inspects its function's signature and opens a traced child run on
    every call: 0.39 ms per question against 0.08 ms for this (measured over the 374
    questions of the test set, retrieval and answer alone 0.66 ms). The sequence still
    reports its run to any callbacks given to ``invoke``.
    """

    def __init__(self, func: Callable[[In], Out]) -> None:
        self.func = func

    def invoke(self, input: In, config: RunnableConfig | None = None, **kwargs: Any) -> Out:
        return self.func(input)


@dataclass(frozen=True)
class _Request:
    question: str
    history: tuple[Turn, ...]


def digest(*parts: Any) -> bytes:
    """A fixed-size cache key, whatever the size of the question and history."""
    text = json.dumps(parts, ensure_ascii=False, default=repr)
    return hashlib.sha256(text.encode("utf-8")).digest()


class BoundedCache(Generic[V]):
    """A thread-safe LRU of at most ``size`` entries (0 turns it off).

    A key being computed is computed once: a starter question asked by a hundred users at
    the same moment costs one answer, the others wait for it.
    """

    def __init__(self, size: int) -> None:
        self._entries: LRUCache[bytes, V] | None = LRUCache(size) if size else None
        self._ready = threading.Condition()
        self._pending: set[bytes] = set()

    def get(
        self, key: bytes, compute: Callable[[], V], keep: Callable[[V], bool] = lambda _: True
    ) -> tuple[V, bool]:
        """``(value, True)`` when cached; else ``(compute(), False)``, kept if ``keep`` says so."""
        if self._entries is None:
            return compute(), False
        with self._ready:
            while key in self._pending:
                self._ready.wait()
            if key in self._entries:
                return self._entries[key], True
            self._pending.add(key)
        try:
            value = compute()
            if keep(value):
                self.put(key, value)
            return value, False
        finally:
            with self._ready:
                self._pending.discard(key)
                self._ready.notify_all()

    def peek(self, key: bytes) -> V | None:
        if self._entries is None:
            return None
        with self._ready:
            return self._entries.get(key)

    def put(self, key: bytes, value: V) -> None:
        if self._entries is not None:
            with self._ready:
                self._entries[key] = value


@dataclass(frozen=True)
class Caches:
    """What an Assistant remembers; built by the factory for one index state, so a changed
    index (a new fingerprint) starts with empty caches."""

    fingerprint: str
    vectors: BoundedCache[Any]
    answers: BoundedCache[Answer]

    @classmethod
    def for_index(cls, fingerprint: str, settings: Settings) -> Caches:
        return cls(
            fingerprint,
            BoundedCache(settings.query_cache_size),
            BoundedCache(settings.answer_cache_size),
        )


def _fingerprint(chunks: Sequence[Chunk], embedder: SentenceEmbedder | None) -> str:
    """The index's content (passages and the model that embedded them) as one hash."""
    passages = sorted((c.chunk_id, c.content_hash) for c in chunks)
    return digest(passages, embedder.identity if embedder else None).hex()


def _keep(answer: Answer) -> bool:
    """A generative answer that fell back to quotes is not remembered: the next asker may
    get the language model's answer."""
    return answer.notice is None


class Assistant:
    """Answers questions about the corpus with cited passages."""

    def __init__(
        self,
        settings: Settings,
        articles: Sequence[Article],
        retriever: HybridRetriever,
        answerer: Answerer,
        caches: Caches | None = None,
    ) -> None:
        self.settings = settings
        self.articles = list(articles)
        self.retriever = retriever
        self.answerer = answerer
        self.caches = caches or Caches.for_index("", settings)

    def _cache_key(self, request: _Request) -> bytes:
        """Question, history and everything that shapes the answer: index, mode, settings."""
        retriever = self.retriever
        return digest(
            self.caches.fingerprint,
            [retriever.mode, retriever.dense_weight, retriever.k],
            self.settings.model_dump_json(exclude={"llm_api_key"}),
            type(self.answerer).__name__,
            request.question,
            [[turn.role, turn.content] for turn in request.history],
        )

    @cached_property
    def chain(self) -> Runnable[_Request, Answer]:
        """question (+ history) -> retrieval -> answer, as LangChain runnables."""
        return Step(self._retrieve) | Step(self._answer)

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

    def preload(self) -> None:
        """Load the language libraries' data that the word table spares a fresh process, so a
        server's first question with a word the table lacks does not wait for it."""
        self.retriever.lexical.analyzer.table.preload()

    def with_retrieval_mode(self, mode: Mode) -> Assistant:
        """The same assistant retrieving with one signal only (for comparisons)."""
        retriever = self.retriever.model_copy(update={"mode": mode})
        return Assistant(self.settings, self.articles, retriever, self.answerer, self.caches)

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

        A generative answerer streams its tokens. An extractive or remembered answer is
        complete at once; it is revealed a few words at a time so the chat takes the same path.
        """
        request = self.prepare(question, history)
        stream = getattr(self.answerer, "stream", None)
        if stream is None:
            answer = self._answer_request(request)
        else:
            started = time.perf_counter()
            key = self._cache_key(request)
            cached = self.caches.answers.peek(key)
            if cached is None:
                answer = yield from self._generate(request, stream)
                if _keep(answer):
                    self.caches.answers.put(key, answer)
                yield answer.answer, answer
                return
            answer = _from_cache(cached, started)
        words = answer.answer.split(" ")
        step = max(1, len(words) // STREAM_STEPS)
        for end in range(step, len(words), step):
            yield " ".join(words[:end]), None
        yield answer.answer, answer

    def _generate(self, request: _Request, stream: Any) -> Iterator[tuple[str, None]]:
        """Retrieve, then stream the generative answerer's tokens; returns the Answer."""
        request, result, start = self._retrieve(request)
        retrieved_at = time.perf_counter()
        draft: Draft | None = None
        for item in stream(request.question, request.history, result):
            if isinstance(item, Draft):
                draft = item
            else:
                yield item, None
        assert draft is not None
        return self._finish(request, result, draft, start, retrieved_at)

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
        return self._answer_request(self.prepare(question, history))

    def _answer_request(self, request: _Request) -> Answer:
        started = time.perf_counter()
        answer, hit = self.caches.answers.get(
            self._cache_key(request), lambda: self.chain.invoke(request), keep=_keep
        )
        return _from_cache(answer, started) if hit else answer


def _from_cache(answer: Answer, started: float) -> Answer:
    """A remembered answer, with the time this request took (nothing was retrieved)."""
    total = round((time.perf_counter() - started) * 1000, 3)
    return replace(answer, timings_ms={"retrieve": 0.0, "answer": 0.0, "total": total})


def build_index(
    settings: Settings,
    rebuild: bool = False,
    progress: bool = True,
    embedder: SentenceEmbedder | None = None,
) -> SyncReport:
    """Embed the corpus into the vector index, re-embedding only what changed, and export the
    query encoder beside it (see ``assistant.query_encoder``) when it is missing or stale;
    beside a local index, the word table too (``assistant.wordtable``)."""
    chunks = chunk_corpus(load_corpus(settings.corpus_dir))
    embedder = embedder or make_embedder(settings)
    report = VectorIndex(settings, embedder).sync(chunks, rebuild=rebuild, progress=progress)
    if not settings.chroma_url:
        _ensure_word_table(settings.index_dir, chunks)
    if settings.query_encoder == "onnx":
        folder = _encoder_folder(settings, embedder)
        try:
            if ensure_export(embedder, folder):
                log.info("exported the query encoder to %s", folder)
                report = replace(report, query_encoder=str(folder))
        except Exception as exc:  # the index is fine; questions will use the model itself
            log.warning(
                "the query encoder could not be exported to %s: %s", folder, first_line(exc)
            )
    return report


def _ensure_word_table(folder: Path, chunks: Sequence[Chunk]) -> None:
    """Write the word table unless the one there is current and has every corpus word and
    every word of the thesaurus (whose lemmas are read when the assistant is built)."""
    analyzer = Analyzer()
    texts = [t for c in chunks for t in (c.search_text, c.text)]
    texts += load_lines(THESAURUS)
    words = {w for t in texts for w in analyzer.words(t, False)}
    if not WordTable.load(folder).covers(words):
        write_table(folder, words)


def _word_table(settings: Settings) -> WordTable:
    """The word table beside a local index (one that asks the libraries for a server's)."""
    return WordTable() if settings.chroma_url else WordTable.load(settings.index_dir)


def _encoder_folder(settings: Settings, embedder: SentenceEmbedder) -> Path:
    return export_folder(settings, embedder.model_name)


def make_embedder(settings: Settings) -> SentenceEmbedder:
    return SentenceEmbedder(
        settings.embedding_model,
        query_prompt=settings.query_prompt,
        passage_prompt=settings.passage_prompt,
        offline=settings.offline,
    )


def make_query_encoder(settings: Settings, embedder: SentenceEmbedder) -> QueryEncode:
    """How questions become vectors: the ONNX export when it is current, else the model
    itself (loaded now, not on the first question)."""
    encode: QueryEncode = embedder.embed_query
    if settings.query_encoder == "onnx":
        folder = _encoder_folder(settings, embedder)
        encode = load_query_encoder(embedder, folder, build_missing=bool(settings.chroma_url))
    if not isinstance(encode, OnnxQueryEncoder):
        embedder.model  # noqa: B018
    return encode


def _dense_search(
    settings: Settings,
    embedder: SentenceEmbedder,
    chunks: Sequence[Chunk],
    caches: Caches,
    build_missing_index: bool,
) -> tuple[Callable[[str], dict[str, float]], QueryEncode]:
    index = VectorIndex(settings, embedder)
    try:
        vectors = index.open(chunks)
    except IndexMissingError:
        if not build_missing_index:
            raise
        log.info("index missing; building it")
        build_index(settings, progress=False, embedder=embedder)
        vectors = index.open(chunks)
    encode = make_query_encoder(settings, embedder)

    def dense_search(text: str) -> dict[str, float]:
        vector, _ = caches.vectors.get(digest(text), lambda: encode([text])[0])
        return vectors.similarities(vector)

    return dense_search, encode


def create_assistant(
    settings: Settings | None = None,
    *,
    mode: Mode | None = None,
    answerer: Answerer | None = None,
    embedder: SentenceEmbedder | None = None,
    build_missing_index: bool = False,
) -> Assistant:
    """Build the Assistant from settings; raises the index/model errors a user can meet.

    ``build_missing_index`` builds a missing index first with the same embedding model, so a
    first ``serve`` loads the model once.
    """
    settings = settings or Settings()
    articles = load_corpus(settings.corpus_dir)
    chunks: list[Chunk] = chunk_corpus(articles)
    mode = mode or settings.retrieval_mode
    lexical = LexicalIndex(chunks, _word_table(settings))
    dense_search = None
    encode: QueryEncode | None = None
    if mode != "bm25":
        embedder = embedder or make_embedder(settings)
    caches = Caches.for_index(_fingerprint(chunks, embedder), settings)
    if embedder is not None and mode != "bm25":
        dense_search, encode = _dense_search(
            settings, embedder, chunks, caches, build_missing_index
        )
    retriever = HybridRetriever(
        chunks=chunks,
        lexical=lexical,
        dense_search=dense_search,
        mode=mode,
        dense_weight=settings.dense_weight,
        k=settings.top_k,
        topic_share=settings.topic_share,
        topic_min_weight=settings.topic_min_weight,
    )
    title = articles[0].title if len(articles) == 1 else "artiklerne"
    extractive = ExtractiveAnswerer(lexical, title, settings.high_confidence_coverage)
    if answerer is None and settings.llm != "none":
        from assistant.llm import GenerativeAnswerer, make_chat_model

        if encode is None:
            embedder = embedder or make_embedder(settings)
            encode = make_query_encoder(settings, embedder)
        answerer = GenerativeAnswerer(
            make_chat_model(settings),
            extractive,
            lexical.analyzer,
            encode,
            title,
            settings.llm_timeout,
        )
    return Assistant(settings, articles, retriever, answerer or extractive, caches)
