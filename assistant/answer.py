"""Answers: cited, structured, and by default extractive (no language model needed).

The extractive answerer picks the sentences of the retrieved passages that answer the
question and quotes them verbatim with numbered markers, or abstains. Citations travel as
structured objects; they become text only at the edges (CLI, API, UI). The answerer is a
swappable part: anything with the ``Answerer`` signature can take its place in the chain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence, Set
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol

from langchain_core.documents import Document

from assistant.danish import Analyzer, split_sentences
from assistant.resources import messages
from assistant.retrieval import QueryAnalysis, SearchResult, Turn

AbstainReason = Literal["not_in_article", "off_topic"]
MAX_SENTENCES = 3
MAX_PASSAGES = 3
SECOND_PASSAGE_SCORE = 0.85
SECOND_PASSAGE_GAIN = 0.5
"""A further passage is quoted only when it scores nearly as well as the best one, and adds
question words the first passage lacks worth this share of the best sentence's."""
_CONTINUATION = re.compile(r"^[\"“«]?(?:Så|Derfor|Dermed|Det|Dette|Den|Han|Hun|De|Men|Og)\b")


@dataclass(frozen=True)
class Citation:
    n: int
    chunk_id: str
    section: str
    label: str
    advice: int | None
    text: str
    sentences: tuple[str, ...]

    @property
    def quote(self) -> str:
        return " ".join(self.sentences)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "chunk_id": self.chunk_id,
            "section": self.section,
            "label": self.label,
            "advice": self.advice,
            "text": self.text,
            "quote": self.quote,
            "sentences": list(self.sentences),
        }


@dataclass(frozen=True)
class Draft:
    """What an answerer produces; the Assistant adds the question, passages and timings."""

    answer: str
    citations: tuple[Citation, ...] = ()
    abstained: bool = False
    reason: AbstainReason | None = None
    suggestions: tuple[str, ...] = ()
    sentences: tuple[dict[str, Any], ...] = ()
    """A generative answer's sentences: text, citations and whether the passages support it."""
    notice: str | None = None
    """Why a generative answer fell back to quotes, for the user."""


@dataclass(frozen=True)
class Retrieved:
    chunk_id: str
    section: str
    text: str
    score: float


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation]
    retrieved: list[Retrieved]
    timings_ms: dict[str, float] = field(default_factory=dict)
    reason: AbstainReason | None = None
    suggestions: list[str] = field(default_factory=list)
    sentences: list[dict[str, Any]] = field(default_factory=list)
    notice: str | None = None

    def to_dict(self) -> dict[str, Any]:
        generated = {"sentences": self.sentences} if self.sentences else {}
        return generated | {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "reason": self.reason,
            "citations": [c.to_dict() for c in self.citations],
            "suggestions": list(self.suggestions),
            "notice": self.notice,
            "retrieved": [asdict(r) for r in self.retrieved],
            "timings_ms": self.timings_ms,
        }


class Answerer(Protocol):
    def __call__(self, question: str, history: Sequence[Turn], result: SearchResult) -> Draft: ...


def citation(n: int, doc: Document, sentences: Sequence[str]) -> Citation:
    return Citation(
        n=n,
        chunk_id=str(doc.metadata["chunk_id"]),
        section=str(doc.metadata["section"]),
        label=str(doc.metadata["label"]),
        advice=doc.metadata.get("advice"),
        text=doc.page_content,
        sentences=tuple(sentences),
    )


class ExtractiveAnswerer:
    """Quotes the sentences that answer the question; abstains when the article does not."""

    def __init__(
        self,
        analyzer: Analyzer,
        idf: Callable[[str], float],
        title: str,
        min_coverage: float,
        min_specificity: float,
        min_coverage_unknown: float,
    ) -> None:
        self._analyzer = analyzer
        self._idf = idf
        self._title = title
        self._min_coverage = min_coverage
        self._min_specificity = min_specificity
        self._min_coverage_unknown = min_coverage_unknown
        self._texts = messages()

    def __call__(self, question: str, history: Sequence[Turn], result: SearchResult) -> Draft:
        analysis, docs = result.analysis, result.documents
        if analysis.injection or not docs:
            return self._abstain("off_topic", docs)
        if analysis.all_advice:
            return self._all_advice(docs)
        if analysis.advice:
            return self._advice(analysis, docs)
        if analysis.meta:
            return self._meta(analysis, docs)
        if analysis.unknown_names or not self._answerable(analysis, docs[0]):
            return self._abstain("not_in_article", docs)
        draft = self._extract(analysis, docs, history)
        quantity = analysis.quantity
        if quantity and not any(
            quantity.answered_by(sentence, self._analyzer)
            for c in draft.citations
            for sentence in c.sentences
        ):
            return self._abstain("not_in_article", docs)
        return draft

    def _answerable(self, analysis: QueryAnalysis, top: Document) -> bool:
        """Does the best passage cover what the question is about?

        A question with a topic word the article never uses ("borgmester", "budget") needs
        strong coverage of the rest; otherwise most of the question's weight must be found
        in the passage, or a rare shared word and a fair part of the rest (paraphrases
        change the common words).
        """
        if analysis.followup and len(analysis.content_words) <= 1:
            return True  # "Hvorfor?": the topic is the conversation's, already answered from
        if not analysis.content_words:
            return False
        coverage, specificity = top.metadata["coverage"], top.metadata["specificity"]
        if analysis.unknown_words and coverage < self._min_coverage_unknown:
            return False
        return coverage >= self._min_coverage or (
            specificity >= self._min_specificity and coverage >= self._min_coverage / 2
        )

    def _abstain(self, reason: AbstainReason, docs: Sequence[Document]) -> Draft:
        texts = self._texts["abstain"]
        suggestions: list[str] = []
        for doc in docs:
            meta = doc.metadata
            if meta["kind"] == "meta":
                continue
            if meta.get("advice") is not None:
                text = texts["suggest_advice"].format(number=meta["advice"])
            else:
                text = texts["suggest_section"].format(section=meta["section"])
            if text not in suggestions:
                suggestions.append(text)
            if len(suggestions) == 3:
                break
        lines = [texts[reason].format(title=self._title)]
        if suggestions and reason == "not_in_article":
            lines.append(texts["suggestions_intro"])
            lines.extend(f"- {s}" for s in suggestions)
        return Draft(
            "\n".join(lines), abstained=True, reason=reason, suggestions=tuple(suggestions)
        )

    def _all_advice(self, docs: Sequence[Document]) -> Draft:
        texts = self._texts["answer"]
        advice = sorted(
            (d for d in docs if d.metadata.get("advice") is not None),
            key=lambda d: d.metadata["advice"],
        )
        citations = [citation(i, d, [d.metadata["advice_title"]]) for i, d in enumerate(advice, 1)]
        lines = [texts["all_advice_intro"].format(count=len(citations))]
        lines.extend(
            texts["advice_item"].format(number=c.advice, title=c.quote) + f" [{c.n}]"
            for c in citations
        )
        return Draft("\n".join(lines), tuple(citations))

    def _advice(self, analysis: QueryAnalysis, docs: Sequence[Document]) -> Draft:
        by_number = {d.metadata.get("advice"): d for d in docs}
        citations = [
            citation(i, by_number[n], split_sentences(by_number[n].page_content))
            for i, n in enumerate(analysis.advice, 1)
            if n in by_number
        ]
        template = self._texts["answer"]["advice"]
        answer = "\n".join(
            template.format(number=c.advice, text=c.quote) + f" [{c.n}]" for c in citations
        )
        return Draft(answer, tuple(citations))

    def _meta(self, analysis: QueryAnalysis, docs: Sequence[Document]) -> Draft:
        meta_doc = next(d for d in docs if d.metadata["kind"] == "meta")
        title, date, about = split_sentences(meta_doc.page_content)[:3]
        quote = {"title": title, "date": date, "about": about}[analysis.meta or "title"]
        text = self._texts["answer"][analysis.meta or "title"].format(
            title=title, date=date, about=about
        )
        return Draft(f"{text} [1]", (citation(1, meta_doc, [quote]),))

    def _extract(
        self, analysis: QueryAnalysis, docs: Sequence[Document], history: Sequence[Turn]
    ) -> Draft:
        weights = self._term_weights(analysis)
        top_score = max(float(docs[0].metadata["score"]), 1e-9)
        passages = [
            (rank, split_sentences(doc.page_content))
            for rank, doc in enumerate(docs[:MAX_PASSAGES])
            if rank == 0 or float(doc.metadata["score"]) / top_score >= SECOND_PASSAGE_SCORE
        ]
        first = self._fresh(passages[0][1], history) if analysis.followup else passages[0][1]
        if analysis.followup and not first:
            first = passages[0][1]  # all of it was said: say it again, cited
        scored = sorted(
            ((self._overlap(s, weights), i, s) for i, s in enumerate(passages[0][1]) if s in first),
            key=lambda c: (-c[0], c[1]),
        )
        best = scored[0][0] if scored else 0.0
        if docs[0].metadata.get("advice") is not None and best > 0 and not analysis.followup:
            # A piece of advice is one short argument: quote all of it.
            scored = [(best, i, s) for _, i, s in scored]
        if best <= 0 or (analysis.followup and not analysis.content_words):
            # "Uddyb det", "Hvorfor?": continue with the passage under discussion.
            chosen = [(0, i, s) for _, i, s in sorted(scored, key=lambda c: c[1])][:MAX_SENTENCES]
        else:
            chosen = [(0, i, s) for score, i, s in scored if score >= 0.5 * best][:MAX_SENTENCES]
            covered = {t for _, _, s in chosen for t in self._analyzer.terms(s)}
            for rank, sentences in passages[1:]:
                # A further passage only for what the first one left out of the question.
                gains = [
                    (self._overlap(s, weights, exclude=covered), i, s)
                    for i, s in enumerate(sentences)
                ]
                gain, i, sentence = max(gains, key=lambda g: (g[0], -g[1]))
                if gain >= SECOND_PASSAGE_GAIN * best:
                    chosen.append((rank, i, sentence))
                    covered |= set(self._analyzer.terms(sentence))
        chosen = self._with_antecedents(chosen, docs)
        citations: list[Citation] = []
        for rank in sorted({c[0] for c in chosen}):
            sentences = [s for r, _, s in sorted(chosen) if r == rank]
            citations.append(citation(len(citations) + 1, docs[rank], sentences))
        answer = " ".join(f"{c.quote} [{c.n}]" for c in citations)
        return Draft(answer, tuple(citations))

    @staticmethod
    def _fresh(sentences: Sequence[str], history: Sequence[Turn]) -> list[str]:
        """The sentences a follow-up has not been told yet."""
        said = [t.content for t in history if t.role == "assistant"]
        return [s for s in sentences if not any(s in old for old in said)]

    @staticmethod
    def _with_antecedents(
        chosen: list[tuple[int, int, str]], docs: Sequence[Document]
    ) -> list[tuple[int, int, str]]:
        """A sentence that opens with "Så …" or "Det …" needs the one before it to make sense."""
        out = list(chosen)
        keys = {(rank, position) for rank, position, _ in chosen}
        for rank, position, sentence in chosen:
            if position and _CONTINUATION.match(sentence) and (rank, position - 1) not in keys:
                previous = split_sentences(docs[rank].page_content)[position - 1]
                out.append((rank, position - 1, previous))
                keys.add((rank, position - 1))
        return out

    def _term_weights(self, analysis: QueryAnalysis) -> dict[str, float]:
        """Search terms of the question weighted by rarity; the conversation's weigh less."""
        weights: dict[str, float] = {}
        for word in analysis.content_words:
            stem = self._analyzer.stem(word)
            for term in (
                stem,
                *self._analyzer.compound_parts(word),
                *self._analyzer.near_stems(stem),
            ):
                weights[term] = self._idf(term)
        if analysis.context:
            for term in self._analyzer.terms(analysis.context):
                weights.setdefault(term, 0.3 * self._idf(term))
        return weights

    def _overlap(
        self, sentence: str, weights: dict[str, float], exclude: Set[str] = frozenset()
    ) -> float:
        terms = set(self._analyzer.terms(sentence)) - exclude
        return sum(w for t, w in weights.items() if t in terms)
