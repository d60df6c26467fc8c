"""Answers: cited, structured, and by default extractive (no language model needed).

The extractive answerer picks the sentences of the retrieved passages that answer the
question and quotes them verbatim with numbered markers, or abstains. Citations travel as
structured objects; they become text only at the edges (CLI, API, UI). The answerer is a
swappable part: anything with the ``Answerer`` signature can take its place in the chain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence, Set
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal, Protocol

from langchain_core.documents import Document

from assistant.danish import CARDINALS, split_sentences
from assistant.query import (
    CONTACT_CUES,
    OPPOSITE_CUES,
    QueryAnalysis,
    Turn,
    answers_cues,
    is_detail,
    patterns,
    stated_numbers,
)
from assistant.resources import messages
from assistant.retrieval import LETTERS, WORD_OR_MARK, LexicalIndex, SearchResult

AbstainReason = Literal["not_in_article", "off_topic"]
Confidence = Literal["high", "low"]
MAX_SENTENCES = 3
MAX_PASSAGES = 3
SECOND_PASSAGE_SCORE = 0.85
SECOND_PASSAGE_GAIN = 0.5
"""A further passage is quoted only when it scores nearly as well as the best one, and adds
question words the first passage lacks worth this share of the best sentence's."""
CUE_BONUS = 0.5
"""A sentence of the kind the question asks for ("nu …" for "hvordan er det nu?") gains this
share of the question's heaviest word."""
_MARKER = re.compile(r"\[(\d+)\]")
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
    confidence: Confidence | None = None
    """high: the passages cover the question; low: on topic, but only in part."""


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
    confidence: Confidence | None = None
    corrections: list[dict[str, str]] = field(default_factory=list)
    """Words of the question read as others: typos, abbreviations, English ({"from", "to"})."""

    def read_as(self) -> str | None:
        """The corrections as one Danish line for people ("Læst som: sikkerhde → sikkerhed")."""
        if not self.corrections:
            return None
        pairs = ", ".join(f"{c['from']} → {c['to']}" for c in self.corrections)
        return str(messages()["ui"]["read_as"]).format(pairs=pairs)

    def to_dict(self) -> dict[str, Any]:
        generated = {"sentences": self.sentences} if self.sentences else {}
        return generated | {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "reason": self.reason,
            "confidence": self.confidence,
            "corrections": list(self.corrections),
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


def _of_article(analysis: QueryAnalysis, docs: Sequence[Document]) -> list[Document]:
    """The passages of the article the question's structure words point into."""
    return [d for d in docs if analysis.doc_id in (None, d.metadata.get("doc_id"))]


def _names_someone(
    sentence: str, asked: Set[str], of_kind: Callable[[str], bool] | None = None
) -> bool:
    """A name after the sentence's first word that the question does not already give: a
    person, a place or an organisation ("… i samarbejde med KL og Komponent"; not "Den Ny
    Syntese" for "Hvem har skrevet Den Ny Syntese?", nor "Haderslev Kommune" for "Hvem var
    direktør i Haderslev før ham?"). A name is a run of capitalised words; "I" (you) is a
    pronoun. ``of_kind`` tells the last word a name of the kind asked for must have
    ("Hvilke kommuner …?": "Vejle Kommune", not "KL")."""
    runs: list[list[str]] = [[]]
    for token in WORD_OR_MARK.findall(sentence)[1:]:
        if token[0].isupper() and len(token) > 1:
            runs[-1].append(token.lower())
        elif runs[-1]:
            runs.append([])  # a lower-case word or a comma ends a name: "Poulsen, KL"
    return any(
        run and not asked.intersection(run) and (of_kind is None or of_kind(run[-1]))
        for run in runs
    )


def _close(docs: Sequence[Document]) -> list[int]:
    """The ranks of the best passage and of those (of the first ``MAX_PASSAGES``) that score
    nearly as well."""
    top = max(float(docs[0].metadata["score"]), 1e-9)
    return [
        rank
        for rank, doc in enumerate(docs[:MAX_PASSAGES])
        if rank == 0 or float(doc.metadata["score"]) / top >= SECOND_PASSAGE_SCORE
    ]


def _naming(
    analysis: QueryAnalysis,
    sentences: Sequence[str],
    of_kind: Callable[[str], bool] | None = None,
) -> list[str]:
    """The sentences that could answer "Hvem …?", "Hvad hedder …?" or "Hvilke kommuner …?":
    those naming someone (of the kind asked for) the question does not name; for "Hvad
    hedder", by first name and surname."""
    asked = {w.lower() for w in LETTERS.findall(analysis.text)} - {analysis.kind}
    asked |= set(analysis.referred)  # "Hvilken kommune …?" is answered by "Vejle Kommune"
    named = [s for s in sentences if _names_someone(s, asked, of_kind)]
    if analysis.asks_name:
        named = [s for s in named if patterns()["answers"]["who"].search(s)]
    return named


def _with_stated(
    chosen: list[tuple[int, int, str]], first: Sequence[str], states: Callable[[str], Any]
) -> list[tuple[int, int, str]]:
    """The chosen sentences, and the best passage's first sentence that states what is
    asked (``states``) when none of them does."""
    if any(states(c[2]) for c in chosen):
        return chosen
    stating = [(0, i, s) for i, s in enumerate(first) if states(s)]
    return sorted(chosen + stating[:1], key=lambda c: (c[0], c[1]))


def _renumber(text: str, numbers: dict[int, int]) -> str:
    """Citation markers of one part's answer as numbered in the whole answer."""
    return _MARKER.sub(lambda m: f"[{numbers.get(int(m.group(1)), m.group(1))}]", text)


def _merge(citations: list[Citation], new: Citation) -> int:
    """Add a citation to the list, or its sentences to the one citing the same passage;
    returns its number in the list."""
    for i, old in enumerate(citations):
        if old.chunk_id == new.chunk_id:
            order = split_sentences(old.text)
            sentences = sorted(
                set(old.sentences) | set(new.sentences),
                key=lambda s: order.index(s) if s in order else len(order),
            )
            citations[i] = replace(old, sentences=tuple(sentences))
            return old.n
    citations.append(replace(new, n=len(citations) + 1))
    return len(citations)


class ExtractiveAnswerer:
    """Quotes the sentences that answer the question; abstains when the article does not."""

    def __init__(self, lexical: LexicalIndex, title: str, high_coverage: float) -> None:
        self._lexical = lexical
        self._analyzer = lexical.analyzer
        self._title = title
        self._high_coverage = high_coverage
        self._texts = messages()

    def __call__(self, question: str, history: Sequence[Turn], result: SearchResult) -> Draft:
        if result.analysis.injection:
            return self._abstain("off_topic", result.documents)
        if result.parts:
            return self._parts(history, result)
        return self._single(history, result)

    def _single(self, history: Sequence[Turn], result: SearchResult) -> Draft:
        analysis, docs = result.analysis, result.documents
        if not docs:
            return self._abstain("off_topic", docs)
        if analysis.structural:
            # The piece of advice, the list or the front matter named: quoted whole.
            return replace(self._structural(analysis, docs), confidence="high")
        if not self._on_topic(analysis, result):
            return self._abstain("not_in_article", docs)
        draft = self._extract(analysis, docs, history)
        if not self._holds_asked_fact(analysis, draft):
            return self._abstain("not_in_article", docs)
        if self._nothing_more(analysis, draft, history):
            lead = self._texts["answer"]["nothing_more"]  # "fortæl mere": said so, not a repeat
            return replace(draft, answer=f"{lead} {draft.answer}", confidence="high")
        if docs[0].metadata["coverage"] >= self._high_coverage or analysis.followup:
            return replace(draft, confidence="high")
        if self._shares_only_names(analysis, draft):
            return self._abstain("not_in_article", docs)
        lead = self._texts["answer"]["low_confidence"]
        return replace(draft, answer=f"{lead} {draft.answer}", confidence="low")

    def _shares_only_names(self, analysis: QueryAnalysis, draft: Draft) -> bool:
        """Of the question's words that say what it is about, do the quoted passages share
        only the article's names of places, people and firms ("Hvad bliver vejret i
        Haderslev i morgen?", "What is Peter Karm's educational background?")? The article
        names them on every page, and says nothing of what is asked; an acronym ("GDPR")
        names a topic. Not a question that asks for a kind of fact the names answer (where
        someone comes from, when, a title: "Hvilken titel har Jensen?"), nor one of several."""
        if analysis.cues or analysis.asks_name or analysis.quantity or analysis.parts:
            return False
        lexical = self._lexical
        words = [w for w in lexical.article_words(analysis) if lexical.weight(w) > 0]
        if any(map(is_detail, words)):
            return False
        quoted = set().union(*(self._analyzer.terms(c.text) for c in draft.citations))
        present = [w for w in words if set(lexical.forms(w)) & quoted]
        names = (
            self._analyzer.names | lexical.person_words
        ) - lexical.acronyms  # "GDPR" is a topic
        return bool(present) and all(w in names for w in present)

    def _nothing_more(self, analysis: QueryAnalysis, draft: Draft, history: Sequence[Turn]) -> bool:
        """ "fortæl mere", "uddyb" with no topic of its own, answered only with what the
        conversation has quoted: the passages under discussion hold no more ("fortæl mere om
        sikkerhed" names a topic other passages may say more about)."""
        said = [s for c in draft.citations for s in c.sentences]
        return (
            analysis.elaborate
            and not self._has_own_topic(analysis)
            and not self._fresh(said, history)
        )

    def _has_own_topic(self, analysis: QueryAnalysis) -> bool:
        """Does the question have a word of its own that says what it is about, not only
        everyday words ("fortæl mere", "og hvad har de så gjort siden?")?"""
        return any(map(self._lexical.weight, self._lexical.article_words(analysis)))

    def _structural(self, analysis: QueryAnalysis, docs: Sequence[Document]) -> Draft:
        if analysis.summary:
            return self._summary(analysis, docs)
        if analysis.all_advice:
            return self._all_advice(analysis, docs)
        if analysis.advice:
            return self._advice(analysis, docs)
        return self._meta(analysis, docs)

    @staticmethod
    def _on_topic(analysis: QueryAnalysis, result: SearchResult) -> bool:
        """Does the article speak of what the question is about at all?

        Not when the question names someone the article never mentions, or when none of its
        topic words (the most specific ones) is in the article in any form; a thin follow-up
        takes its topic from the conversation.
        """
        if analysis.followup and len(analysis.content_words) <= 1:
            return True  # "Hvorfor?": the topic is the conversation's
        return bool(analysis.content_words) and not (analysis.unknown_names or result.missing)

    def _holds_asked_fact(self, analysis: QueryAnalysis, draft: Draft) -> bool:
        """A question for an amount, someone, a name, a time, a phone number, an e-mail
        address or someone's details needs a quoted sentence that states one: a number, a
        name or a time beside what is asked about, the number or address, the person asked
        about, an outcome for a result. A number the question states ("delprogram 5", "i
        2030") must be in a cited passage, and whose view is asked ("Hvad mener KL om …?")
        named in a quoted sentence."""
        sentences = [s for c in draft.citations for s in c.sentences]
        answers = patterns()["answers"]
        if analysis.quantity and not any(
            analysis.quantity.answered_by(s, self._analyzer) for s in sentences
        ):
            return False
        of_kind = self._of_kind(analysis.kind)
        if (analysis.asks_name or of_kind or "who" in analysis.cues) and not self._speaks_of_asked(
            analysis, _naming(analysis, sentences, of_kind), who=True
        ):
            return False
        if "when" in analysis.cues and not self._speaks_of_asked(
            analysis, [s for s in sentences if self._states_time(analysis, s)]
        ):
            return False
        # A result: "Det styrker …", "gjorde det synligt"; a day: "18. maj", not "sidste år".
        for cue in (*CONTACT_CUES, "result", "day"):
            if cue in analysis.cues and not any(answers[cue].search(s) for s in sentences):
                return False
        if not self._says_which(analysis.text, sentences):
            return False  # "Hvilken fagforvaltning …?" and the article says "en fagforvaltning"
        if not self._states_numbers(analysis.numbers, draft.citations):
            return False  # "Hvad handler delprogram 5 om?" and the passage has delprogram 6
        if analysis.opinion_of and not any(
            self._names_all(analysis.opinion_of, s) for s in sentences
        ):
            return False  # "Hvad mener KL om …?" and no quoted sentence speaks of KL
        return self._about_the_person_asked(analysis, sentences)

    def _says_which(self, question: str, sentences: Sequence[str]) -> bool:
        """For "Hvilken/hvilket X …?": unless the quoted sentences write X only as one of
        its kind ("… en del af en fagforvaltning."), which answers that there was one, not
        which; "en ny styrelsesvedtægt," or "denne analyse" say which. X only inside a
        compound, or not at all, leaves it to the other checks."""
        asked = patterns()["answer_type"]["which_one"].search(question)
        if not asked:
            return True
        forms = self._own_forms(asked.group(1).lower())
        stem = self._analyzer.stem
        bare = patterns()["answers"]["some_one"]
        written = sum(stem(w.lower()) in forms for s in sentences for w in LETTERS.findall(s))
        only_one = sum(
            stem(m.group(1).lower()) in forms for s in sentences for m in bare.finditer(s)
        )
        return not written or written > only_one

    def _of_kind(self, kind: str) -> Callable[[str], bool] | None:
        """For "Hvilke kommuner …?", where the corpus names municipalities ("Vejle Kommune"):
        whether a name's last word is of that kind."""
        if not self._lexical.names_kind(kind):
            return None
        stem = self._analyzer.stem
        asked = stem(kind)
        return lambda word: stem(word) == asked

    @staticmethod
    def _states_numbers(numbers: Sequence[str], citations: Sequence[Citation]) -> bool:
        """Does a cited passage state one of the numbers ("råd 2 eller 3"): in digits or
        words, as the number of the advice it is, or (a year) as a year said relative to the
        article's date ("sidste år")?"""
        stated = set().union(*(stated_numbers(c.text) for c in citations))
        stated |= {str(c.advice) for c in citations if c.advice is not None}
        relative = any(patterns()["answers"]["relative_year"].search(c.text) for c in citations)
        return not numbers or any(n in stated or (relative and len(n) == 4) for n in numbers)

    def _names_all(self, words: Sequence[str], sentence: str) -> bool:
        """Does the sentence name every one of the words, in some form?"""
        terms = set(self._analyzer.terms(sentence))
        return all(terms & set(self._lexical.forms(w)) for w in words)

    @staticmethod
    def _states_time(analysis: QueryAnalysis, sentence: str) -> bool:
        """Does the sentence say when, and of the future when that is asked? "Hvornår er
        det næste kommunalvalg?" is not answered by "sidste år var kommunalvalget …". Only
        the future counts: "nu" in "hvornår var det nu …" is a filler, not a tense."""
        when = patterns()["answers"]["when"].search(sentence)
        future = [c for c in analysis.cues if c == "future"]
        return bool(when) and answers_cues(sentence, future) >= 0

    def _speaks_of_asked(
        self, analysis: QueryAnalysis, sentences: Sequence[str], who: bool = False
    ) -> bool:
        """Does one of the sentences (those with a time, or a name) speak of the question's
        most specific word? "Hvornår går han på pension?" is not answered by "for to år
        siden", "Hvem vandt kommunalvalget?" not by a sentence about the election that names
        no one, "Hvem er direktør for KL?" not by one that names someone else from KL. Of
        the words that can be in the article: "Who is the CEO?" asks about "direktør", not
        about "who". An English question's glossary words stand for a phrase Danish may
        write as one word ("security chief"), so a sentence must hold all of them but the
        adjectives ("the national digitalisation programme" is "Kommunernes
        Digitaliseringsprogram"), or the heaviest if all are ("the political leader")."""
        words = self._lexical.article_words(analysis)
        heaviest = max(words, key=self._lexical.weight, default=None)
        if heaviest is None or (
            analysis.followup and len(words) <= 1 and not self._lexical.in_article(heaviest)
        ):
            # "Hvem ellers?", "Hvornår skete det?": what is asked about is the conversation's;
            # "Hvornår blev det afløst?" asks when of the article's "afløst".
            return bool(sentences)
        adjective = self._lexical.lexicon.is_adjective
        described = [w for w in words if not adjective(w)] if analysis.english else []
        named = self._named_and_what(words, heaviest) if who else [heaviest]
        asked = [self._own_forms(w) for w in described or named]
        return any(
            all(forms & terms for forms in asked)
            for terms in (set(self._analyzer.terms(s)) for s in sentences)
        )

    def _named_and_what(self, words: Sequence[str], heaviest: str) -> list[str]:
        """For a who-question: the heaviest word, and when that is a name ("Hvem er direktør
        for Komponent?": a rare name weighs most) the heaviest noun that is none too: the
        name says where to look, the noun whom is asked for there."""
        names, lexicon = self._analyzer.names, self._lexical.lexicon
        others = [
            w
            for w in words
            if w not in names
            and lexicon.may_be_noun(w)
            and not lexicon.is_english([w])  # "Who is Jesper Hosbond Jensen?"
            and self._lexical.weight(w) > 0
        ]
        if heaviest not in names or not others:
            return [heaviest]
        return [heaviest, max(others, key=self._lexical.weight)]

    def _own_forms(self, word: str) -> set[str]:
        """The word itself where the corpus has it ("kommunaldirektør" speaks of no
        "kommunalvalg"), else its compound parts or near forms, or a number word's digits
        ("Hvem står bag de syv råd?" is answered by "… giver her 7 gode råd"; not "to",
        English too)."""
        forms = set(self._lexical.forms(word))
        own = self._analyzer.stem(word)
        if not forms and CARDINALS.get(word, 0) > 2:
            return {str(CARDINALS[word])}
        return {own} if own in forms else forms

    def _about_the_person_asked(self, analysis: QueryAnalysis, sentences: Sequence[str]) -> bool:
        """ "Hvad er Peter Karms telefonnummer?" is not answered by another person's number:
        quoted sentences that name people must name the one the question names."""
        names = self._lexical.person_words
        asked = {n for n in names if any(w.startswith(n) for w in analysis.content_words)}
        if not asked:
            return True
        named = [set(self._analyzer.words(s, strict=False)) & names for s in sentences]
        return not any(named) or any(asked & n for n in named)

    def _parts(self, history: Sequence[Turn], result: SearchResult) -> Draft:
        """Several questions in one message: each part answered, and cited, on its own."""
        drafts = [self._single(history, part) for part in result.parts]
        if all(d.abstained for d in drafts):
            return self._abstain("not_in_article", result.documents)
        citations: list[Citation] = []
        lines = []
        typed = result.analysis.parts_as_typed
        for i, draft in enumerate(drafts):
            if draft.abstained:
                text = self._texts["answer"]["part_not_in_article"].format(part=typed[i])
                lines.append(text)
                continue
            numbers = {c.n: _merge(citations, c) for c in draft.citations}
            line = _renumber(draft.answer, numbers)
            if line not in lines:  # one quote that answers two parts is said once
                lines.append(line)
        confident = all(d.confidence == "high" for d in drafts)
        return Draft("\n".join(lines), tuple(citations), confidence="high" if confident else "low")

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

    def _all_advice(self, analysis: QueryAnalysis, docs: Sequence[Document]) -> Draft:
        texts = self._texts["answer"]
        advice = sorted(
            (d for d in _of_article(analysis, docs) if d.metadata.get("advice") is not None),
            key=lambda d: d.metadata["advice"],
        )
        citations = [citation(i, d, [d.metadata["advice_title"]]) for i, d in enumerate(advice, 1)]
        lines = [texts["all_advice_intro"].format(count=len(citations))]
        lines.extend(
            texts["advice_item"].format(number=c.advice, title=c.quote) + f" [{c.n}]"
            for c in citations
        )
        return Draft("\n".join(lines), tuple(citations))

    def _summary(self, analysis: QueryAnalysis, docs: Sequence[Document]) -> Draft:
        """The article's own summary, its lead, then its list of advice: what it says in
        its words, each part cited ("kan du opsummere artiklen?")."""
        lead = next((d for d in _of_article(analysis, docs) if d.metadata["kind"] == "lead"), None)
        listed = self._all_advice(analysis, docs)
        if lead is None:
            return listed
        first = citation(1, lead, split_sentences(lead.page_content))
        items = [replace(c, n=c.n + 1) for c in listed.citations]
        answer = f"{first.quote} [1]\n" + _renumber(
            listed.answer, {c.n: c.n + 1 for c in listed.citations}
        )
        return Draft(answer, (first, *items))

    def _advice(self, analysis: QueryAnalysis, docs: Sequence[Document]) -> Draft:
        by_number = {d.metadata.get("advice"): d for d in _of_article(analysis, docs)}
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
        meta_doc = next(d for d in _of_article(analysis, docs) if d.metadata["kind"] == "meta")
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
        docs = self._cue_order(analysis, docs, weights)
        if analysis.followup:
            docs = self._untold_first(analysis, docs, history)
        passages = [(rank, split_sentences(docs[rank].page_content)) for rank in _close(docs)]
        first = self._fresh(passages[0][1], history) if analysis.followup else passages[0][1]
        if analysis.followup and not first:
            first = passages[0][1]  # all of it was said: say it again, cited
        scored = sorted(
            (
                (self._sentence_score(s, weights, analysis), i, s)
                for i, s in enumerate(passages[0][1])
                if s in first
            ),
            key=lambda c: (-c[0], c[1]),
        )
        scored = self._with_contact_details(analysis, scored)
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
            section = docs[0].metadata.get("section")
            own = self._term_weights(replace(analysis, context="")) if analysis.followup else {}
            for rank, sentences in passages[1:]:
                # A further passage only for what the first one left out of the question; in a
                # follow-up only what the conversation has not said yet, and from another
                # section only for the question's own words (not the conversation's).
                elsewhere = analysis.followup and docs[rank].metadata.get("section") != section
                new = set(self._fresh(sentences, history) if analysis.followup else sentences)
                gains = [
                    (
                        self._overlap(s, own if elsewhere else weights, exclude=covered)
                        if s in new
                        else 0.0,
                        i,
                        s,
                    )
                    for i, s in enumerate(sentences)
                ]
                gain, i, sentence = max(gains, key=lambda g: (g[0], -g[1]))
                if gain >= SECOND_PASSAGE_GAIN * best:
                    chosen.append((rank, i, sentence))
                    covered |= set(self._analyzer.terms(sentence))
        chosen = self._with_outcome(analysis, chosen, passages[0][1])
        chosen = self._with_amount(analysis, chosen, passages[0][1])
        chosen = self._with_antecedents(self._stating_what_is_asked(analysis, chosen), docs)
        citations: list[Citation] = []
        for rank in sorted({c[0] for c in chosen}):
            sentences = [s for r, _, s in sorted(chosen) if r == rank]
            citations.append(citation(len(citations) + 1, docs[rank], sentences))
        answer = " ".join(f"{c.quote} [{c.n}]" for c in citations)
        return Draft(answer, tuple(citations))

    @staticmethod
    def _with_outcome(
        analysis: QueryAnalysis, chosen: list[tuple[int, int, str]], first: Sequence[str]
    ) -> list[tuple[int, int, str]]:
        """A question for a result gets the best passage's sentence that states one ("Det
        styrker retning og agilitet …") when the sentences chosen for its words do not; so
        does a question for a reason, which a reason or what it brings answers ("Hvorfor er
        IT blevet en selvstændig stab?": "Det styrker …")."""
        answers = patterns()["answers"]
        if "result" in analysis.cues:
            return _with_stated(chosen, first, answers["result"].search)
        if "why" in analysis.cues:
            return _with_stated(
                chosen, first, lambda s: answers["why"].search(s) or answers["result"].search(s)
            )
        return chosen

    def _with_amount(
        self, analysis: QueryAnalysis, chosen: list[tuple[int, int, str]], first: Sequence[str]
    ) -> list[tuple[int, int, str]]:
        """A question for an amount gets the best passage's sentence that states one ("Hvor
        mange dimensioner …?": "Tilsammen danner de fire dimensioner …") when the sentences
        chosen for its words do not: a number with what is counted or a unit after it. "Hvor
        stor …" takes any number, so "i ét" would do: it gets none from elsewhere."""
        quantity = analysis.quantity
        if not quantity or quantity.kind == "measure":
            return chosen
        return _with_stated(chosen, first, lambda s: quantity.answered_by(s, self._analyzer))

    def _stating_what_is_asked(
        self, analysis: QueryAnalysis, chosen: list[tuple[int, int, str]]
    ) -> list[tuple[int, int, str]]:
        """A question for an amount or a time is answered by the chosen sentences that state
        one ("for godt to år siden"), when some do: the others only share its words."""
        if analysis.quantity:
            stating = [c for c in chosen if analysis.quantity.answered_by(c[2], self._analyzer)]
        elif "when" in analysis.cues:
            stating = [c for c in chosen if self._states_time(analysis, c[2])]
        else:
            return chosen
        return stating or chosen

    @staticmethod
    def _with_contact_details(
        analysis: QueryAnalysis, scored: list[tuple[float, int, str]]
    ) -> list[tuple[float, int, str]]:
        """A question for a phone number or an e-mail address is answered by the sentences
        that hold one, when the passage has them, not by the others that name the person."""
        answers = patterns()["answers"]
        asked = [answers[c] for c in CONTACT_CUES if c in analysis.cues]
        holding = [c for c in scored if any(p.search(c[2]) for p in asked)]
        return holding or scored

    def _sentence_score(
        self, sentence: str, weights: dict[str, float], analysis: QueryAnalysis
    ) -> float:
        """The question's words in the sentence, and whether it is of the kind asked for
        ("Nu er …" for a question about now; a sentence about then counts against it)."""
        bonus = CUE_BONUS * max(weights.values(), default=0.0)
        return self._overlap(sentence, weights) + bonus * answers_cues(sentence, analysis.cues)

    def _cue_order(
        self, analysis: QueryAnalysis, docs: Sequence[Document], weights: dict[str, float]
    ) -> list[Document]:
        """For a question about now, before, why …: of the passages that score nearly as well
        as the best, the one with the sentence that answers it best goes first."""
        docs = list(docs)
        if analysis.followup:
            return self._time_in_section(analysis, docs, weights, wider=True)
        if not analysis.cues:
            return docs
        best = max(
            (docs[rank] for rank in _close(docs)),
            key=lambda d: max(
                (
                    self._sentence_score(s, weights, analysis)
                    for s in split_sentences(d.page_content)
                ),
                default=0.0,
            ),
        )
        ordered = [best, *(d for d in docs if d is not best)]
        return self._time_in_section(analysis, ordered, weights, wider=False)

    def _time_in_section(
        self,
        analysis: QueryAnalysis,
        docs: list[Document],
        weights: dict[str, float],
        wider: bool,
    ) -> list[Document]:
        """A question about another time ("har sikkerhed altid hørt sammen med …?", "har det
        altid været sådan?") takes the passage of the best one's section that speaks of that
        time; failing that, a follow-up (``wider``) takes one of a section whose passage
        scores nearly as well. A sentence whose "nu" tells about now counts only if it also
        speaks of something asked: "så vi nu kan tillade os at have ambitioner" does not tell
        how IT is organised now."""
        cues = [c for c in analysis.cues if c in OPPOSITE_CUES]
        top = docs[0]
        if not cues or top.metadata.get("advice") is not None:
            return docs

        # "nu" is a particle too ("så vi nu kan …"): a sentence with it must name something
        # asked. A follow-up's words are the conversation's, and other markers ("ikke
        # længere", "engang") stand in sentences that refer back with "det".
        asked = "now" in cues and not analysis.followup and any(weights.values())

        def told(sentence: str) -> int:
            said = answers_cues(sentence, cues)
            particle = asked and _NU.search(sentence)
            return 0 if said > 0 and particle and not self._overlap(sentence, weights) else said

        def answers(doc: Document) -> int:
            return max(map(told, split_sentences(doc.page_content)), default=0)

        at_top = answers(top)
        sections = list(dict.fromkeys(docs[rank].metadata.get("section") for rank in _close(docs)))
        for section in sections[:1] if at_top > 0 or not wider else sections:
            best = max((d for d in docs if d.metadata.get("section") == section), key=answers)
            if answers(best) > max(at_top, 0):
                return [best, *(d for d in docs if d is not best)]
        return docs

    def _untold_first(
        self, analysis: QueryAnalysis, docs: Sequence[Document], history: Sequence[Turn]
    ) -> list[Document]:
        """A follow-up asks for something not yet said. Made only of everyday words ("og hvad
        har de så gjort siden?"), it goes on with the passage the last answer quoted in part.
        When the conversation has quoted the best passage whole, a passage of the same
        section with something new comes first ("Hvad mener han med det?" after a
        one-sentence passage: the one that explains it); another section's passage, or
        another piece of advice, does not ("Hvorfor?" after a whole piece of advice: its
        reasons are in it)."""
        begun = None if self._has_own_topic(analysis) else self._begun(docs, history)
        if begun is not None:
            return [begun, *(d for d in docs if d is not begun)]
        first = docs[0]
        if first.metadata.get("advice") is not None or self._fresh(
            split_sentences(first.page_content), history
        ):
            return list(docs)  # a piece of advice is its own whole: "det næste" steps on
        section = first.metadata.get("section")
        nxt = next(
            (
                d
                for d in docs[1:]
                if d.metadata.get("section") == section
                and d.metadata.get("advice") is None
                and self._fresh(split_sentences(d.page_content), history)
            ),
            None,
        )
        return list(docs) if nxt is None else [nxt, *(d for d in docs if d is not nxt)]

    def _begun(self, docs: Sequence[Document], history: Sequence[Turn]) -> Document | None:
        """The passage the last answer quoted in part, when the conversation has not said
        all of it yet."""
        last = [t for t in history if t.role == "assistant"][-1:]
        for doc in docs:
            sentences = split_sentences(doc.page_content)
            told = len(sentences) > len(self._fresh(sentences, last))
            if last and told and self._fresh(sentences, history):
                return doc
        return None

    @staticmethod
    def _fresh(sentences: Sequence[str], history: Sequence[Turn]) -> list[str]:
        """The sentences a follow-up has not been told yet. A sentence was told when each of
        its parts around a colon was, in any wording of quotes and case: an earlier answer
        may have given an advice's title and its first sentence apart."""
        said = [_plain(t.content) for t in history if t.role == "assistant"]
        return [
            s
            for s in sentences
            if not all(any(_plain(part) in old for old in said) for part in s.split(": "))
        ]

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
                weights[term] = self._lexical.idf(term)
        if analysis.context:
            for term in self._analyzer.terms(analysis.context):
                weights.setdefault(term, 0.3 * self._lexical.idf(term))
        return weights

    def _overlap(
        self, sentence: str, weights: dict[str, float], exclude: Set[str] = frozenset()
    ) -> float:
        terms = set(self._analyzer.terms(sentence)) - exclude
        return sum(w for t, w in weights.items() if t in terms)


_NU = re.compile(r"(?<!\w)nu(?!\w)", re.IGNORECASE)


def _plain(text: str) -> str:
    """Lower-case words and numbers one space apart, padded: text compared without quotes
    or case ("Råd 6" is not "Råd 7")."""
    return f" {' '.join(_WORDS_AND_NUMBERS.findall(text.lower()))} "


_WORDS_AND_NUMBERS = re.compile(r"\w+")
