"""What a question asks, read from its words alone (no model involved).

The question is first repaired the way a reader would: typos matched to the article's words,
chat abbreviations ("digi", "org") to the words they shorten, English words to the article's
Danish. Then it is read for structure ("det næstsidste råd", "råd 2-4", "rådet efter det om
sikkerhed", "og det næste?"), for the kind of fact it asks for (an amount, a name, a date), for
what it is about (now, before, why, who, where), for attempts to steer the assistant, and for
several questions in one message.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any, Literal

from rapidfuzz.distance import OSA

from assistant.danish import (
    CARDINALS,
    ENGLISH_FUNCTION_WORDS_DANISH_TOO,
    ORDINALS,
    Analyzer,
    expand_abbreviation,
    expand_dotted_abbreviations,
    shared_beginning,
    without_function_phrases,
)
from assistant.lexicon import Lexicon
from assistant.resources import read_text

MetaField = Literal["date", "title", "about"]
Cue = Literal[
    "now",
    "before",
    "future",
    "why",
    "who",
    "where",
    "origin",
    "when",
    "day",
    "result",
    "compare",
    "phone",
    "email",
    "contact",
    "address",
]
CONTACT_CUES: tuple[Cue, ...] = ("phone", "email", "contact", "address")
"""Cues whose answer is a detail of its own kind: a phone number, an e-mail address."""
MAX_PARTS = 3
MAX_WORDS_READ = 40
CONTEXT_TYPO_ZIPF = 4.5
"""A Danish word commoner than this (Zipf: "sørge" 4.6, "nye" 6.0) is meant as typed, not
a typo that made another word ("damme" 4.2, "rode" 4.0)."""
"""Distinct words of a question looked up for typos and abbreviations: a question has a
few, and a long paste of unknown words must not cost a lookup each."""
_TOKEN = re.compile(r"[0-9a-zæøåäöüé]+", re.IGNORECASE)
_DANISH_LETTERS = re.compile(r"[æøå]", re.IGNORECASE)
"""A question with any of them was typed on a Danish keyboard: its plain vowels are meant."""
_OF_THE_LIST = re.compile(r"\s(?:af|of)\s", re.IGNORECASE)
_INITIALS = re.compile(r"(?<!\S)[^\w\s]*([^\W\d_])(?=[^\W\d_])")
"""The first letter of each word of two letters or more (after a quote or a bracket)."""
_LEADING_DIGITS = re.compile(r"\d+")
_GLUED_NUMBER = re.compile(r"([a-zæøå]+)(\d{1,2})|(\d{1,2})([a-zæøå]+)")
"""A word and a number typed together ("råd7", "og7", "4om", "4dimensioner")."""
_DIGITS = re.compile(r"(?<![\w.,-])\d+(?![\w-]|[.,]\d)")
_NAME = re.compile(r"(?<![.!?]\s)\b[A-ZÆØÅ][\wæøåÆØÅ-]+")


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant"]
    content: str


@cache
def patterns() -> dict[str, Any]:
    """The compiled question patterns of ``data/intents_da.toml``."""
    raw = tomllib.loads(read_text("intents_da.toml"))
    flags = re.IGNORECASE

    def compiled(table: dict[str, Any]) -> dict[str, Any]:
        return {
            name: [re.compile(p, flags) for p in value]
            if isinstance(value, list)
            else re.compile(value, flags)
            for name, value in table.items()
        }

    raw["injection"]["patterns"] = [_any_keyboard(p) for p in raw["injection"]["patterns"]]
    words = raw["words"]

    def filled(value: str) -> str:  # "{question_word}": a part several patterns share
        for part in ("question_word", "finite_verb", "how_much", "comparative", "ordinal_ending"):
            value = value.replace("{" + part + "}", words[part])
        return value

    for name, value in words.items():
        words[name] = filled(value)
    for table in ("cues", "advice"):
        raw[table] = {name: filled(value) for name, value in raw[table].items()}
    tables = {name: compiled(table) for name, table in raw.items() if name != "meta"}
    tables["meta"] = compiled({k: v for k, v in raw["meta"].items() if k != "who_is"})
    tables["who_is"] = raw["meta"]["who_is"]
    return tables


_PLAIN_TYPED = {"æ": "(?:æ|ae|a|e)", "ø": "(?:ø|oe|o)", "å": "(?:å|aa|a)"}


def _any_keyboard(pattern: str) -> str:
    """The pattern with each æ, ø and å also matching how it is typed without a Danish
    keyboard ("opfor dig som …" tries to steer the assistant as "opfør dig som …" does).
    For patterns whose Danish letters stand outside character classes."""
    return "".join(_PLAIN_TYPED.get(c, c) for c in pattern)


@dataclass(frozen=True)
class Quantity:
    """The question asks for an amount: which kind, and the counted word for "hvor mange X"."""

    kind: Literal["count", "money", "age", "duration", "measure"]
    unit: str | None = None
    given: frozenset[str] = frozenset()
    """The numbers the question states, as digits: they say what is asked about, not how
    many ("… i styregruppen for delprogram seks?" is not answered by "delprogram 6")."""

    def answered_by(self, sentence: str, analyzer: Analyzer) -> bool:
        """Does the sentence state such an amount (a number, with the right unit after it)?"""
        types = patterns()["answer_type"]
        words = sentence.split()
        for i, word in enumerate(words):
            number = word.strip(",.;:()").lower()
            if (
                not types["number"].fullmatch(number)
                or str(CARDINALS.get(number, number)) in self.given
            ):
                continue
            after = " ".join(words[i + 1 : i + 4])
            if self.kind == "measure":
                return True
            if self.kind in ("money", "age", "duration") and types[f"{self.kind}_units"].search(
                after
            ):
                return True
            if self.kind == "count" and self.unit:
                stems = {analyzer.stem(w) for w in analyzer.words(after, strict=False)}
                if analyzer.stem(self.unit) in stems:
                    return True
        return False


def _quantity(question: str, analyzer: Analyzer) -> Quantity | None:
    types = patterns()["answer_type"]
    for kind in ("money", "age", "count", "duration", "measure"):
        match = types[kind].search(question)
        if match:
            following = analyzer.words(question[match.end() :])
            unit = following[0] if following and kind == "count" else None
            return Quantity(kind, unit, frozenset(stated_numbers(question)))  # type: ignore[arg-type]
    return None


@dataclass(frozen=True)
class Correction:
    """A word of the question read as another: a typo, an abbreviation or an English word."""

    source: str
    target: str

    def to_dict(self) -> dict[str, str]:
        return {"from": self.source, "to": self.target}


@dataclass(frozen=True)
class ArticleShape:
    """What the analysis needs to know of one article: its advice, who it is about."""

    doc_id: str
    advice_count: int
    people: tuple[str, ...] = ()
    about: str = ""
    """Who the article is about, as its front matter says ("Peter Karm, kommunaldirektør …")."""


@dataclass(frozen=True)
class Neighbour:
    """ "Rådet efter det om sikkerhed": the advice ``step`` away from the one about ``topic``
    (``step`` 0: "hvilket nummer har rådet om sikkerhed")."""

    topic: str
    step: int


@dataclass(frozen=True)
class QueryAnalysis:
    """What a question asks for."""

    text: str = ""
    """The question as read: typos, abbreviations and English words read as Danish."""
    topic: str = ""
    """``text`` without the words that only frame it ("hvor længe", "hvad hedder"): searched."""
    corrections: tuple[Correction, ...] = ()
    english: bool = False
    glossed: tuple[str, ...] = ()
    """In an English question, the Danish words the glossary read it as, a word both languages
    write alike ("budget", "chatbot") included: the words that can be in a Danish article."""
    advice: tuple[int, ...] = ()
    all_advice: bool = False
    summary: bool = False
    """The whole article summed up ("kan du opsummere artiklen?"): its lead and its list."""
    about_advice: bool = False
    """One of the advice is asked for by its topic ("hvilket råd handler om …?")."""
    switches: bool = False
    """The conversation's question asked about another topic ("og hvad med sikkerhed?")."""
    neighbour: Neighbour | None = None
    meta: MetaField | None = None
    injection: bool = False
    followup: bool = False
    content_words: tuple[str, ...] = ()
    context: str = ""
    """Earlier turns that a follow-up leans on (empty for a self-contained question)."""
    quantity: Quantity | None = None
    asks_name: bool = False
    elaborate: bool = False
    """ "uddyb", "fortæl mere", "hvad mere?": more of what was said."""
    kind: str = ""
    """The noun after "hvilke" ("Hvilke kommuner …?": "kommuner"), or ""."""
    focus: tuple[str, ...] = ()
    """The word the question asks about ("hvilken uddannelse", "… om hjemmearbejde")."""
    cues: tuple[Cue, ...] = ()
    """What the question asks about (now, before, why, …): the sentences that answer it."""
    unknown_names: tuple[str, ...] = ()
    """Capitalised names in the question that the article never mentions."""
    numbers: tuple[str, ...] = ()
    """Numbers the question states ("delprogram 5", "i 2024"): a cited passage must state
    one, in digits or as a word ("4 dimensioner" - "fire dimensioner")."""
    referred: tuple[str, ...] = ()
    """The article's subject ("Peter Karm", "Haderslev Kommune") when a who-question points
    to him with "han", "hans" or "ham" and names no one itself: he is no answer to it."""
    opinion_of: tuple[str, ...] = ()
    """Whose view the question asks for ("Hvad mener KL om …?"), when not the article's own
    or its person's: a quoted sentence must name them."""
    parts: tuple[str, ...] = ()
    """Several questions in one message, each to be answered on its own (else empty)."""
    parts_as_typed: tuple[str, ...] = ()
    """The same parts as the user typed them (English, typos), to name one the article
    cannot answer; ``parts`` as read when the typed message splits otherwise."""
    doc_id: str | None = None
    """The article that structure references point into (set by the retriever)."""

    @property
    def structural(self) -> bool:
        return bool(self.advice or self.all_advice or self.summary or self.meta)


@dataclass
class QueryReader:
    """Reads questions against one corpus: its words (for typos) and its articles' shapes."""

    analyzer: Analyzer
    lexicon: Lexicon
    translations: dict[str, tuple[str, ...]]
    shapes: dict[str, ArticleShape]
    topic_of: Callable[[str, Sequence[Turn]], str] = field(default=lambda text, history: "")
    """Which article a text is about (doc id); set by the retriever, which can score it."""
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Danish words the corpus lacks (base forms) -> its words of the same meaning."""
    list_nouns: tuple[str, ...] = field(init=False)
    """The corpus's own words for its list that the advice patterns name ("råd", "rådet")."""
    _english_vocabulary: tuple[str, ...] = field(init=False)
    """What a typo in an English question may be of: the glossary's English words, the
    corpus's words (its names: "Komponent") and the words for numbers and positions."""

    def __post_init__(self) -> None:
        mentions = patterns()["advice"]["mentions"]
        words = self.analyzer.surface_words
        self.list_nouns = tuple(sorted(w for w in words if mentions.fullmatch(w)))
        numbers = {*ORDINALS, *CARDINALS}  # "sixht piece of advice", "the sveen tips"
        self._english_vocabulary = tuple(
            sorted(w for w in {*self.translations, *words, *numbers} if w.isalpha())
        )

    def read(self, typed: str, history: Sequence[Turn] = ()) -> QueryAnalysis:
        question = expand_dotted_abbreviations(typed)  # "bl.a." is no "bl" and "a"
        question = _cased(_without_chatter(question), self._says_nothing_by_capitals)
        question, typos = self._english_typos(question)
        text, corrections, english = self.repair(question)
        corrections = _from_typed(typos, corrections)
        glossed = self._glossed(question, corrections) if english else ()
        parts = split_parts(text)
        doc_id = self.topic_of(text, history) or next(iter(self.shapes))
        shape = self.shapes[doc_id]
        opinion_of = self._opinion_of(text, shape)
        same = self._same_meaning(_without_framing(text), english, glossed, opinion_of)
        meant = _replaced(text, same)
        # Structure words read best as typed ("the sixth piece of advice"), else through the
        # thesaurus ("den tredje anbefaling").
        for candidate in dict.fromkeys((text, question, meant)):
            advice, all_advice, neighbour = _structure(candidate, history, shape)
            if advice or all_advice or neighbour:
                break
        cues = _cues(text)
        about_advice = _matches("advice", "which_about", text)
        # "hvilket af de 7 råd handler om …" asks for one of them, not for the list; "har de
        # 7 råd haft nogen effekt?" for what they brought.
        all_advice = all_advice and not (
            about_advice or patterns()["advice"]["about_the_list"].search(text) or "result" in cues
        )
        if opinion_of:  # "Hvad mener KL om det tredje råd?" asks for KL's view, not the advice
            advice, all_advice, neighbour = (), False, None
        topic = _replaced(_without_framing(text), same)
        topic = _without_advice_frame(topic)  # "hvilket råd handler om …": what follows
        corrections = _composed(corrections, same, (t.lower() for t in _TOKEN.findall(question)))
        words = self.analyzer.words(topic)
        if english:  # typed "to", not the glossary's reading of "two"
            words = [w for w in words if w in glossed or w not in ENGLISH_FUNCTION_WORDS_DANISH_TOO]
        # "Hvad er fordelen ved hjemmearbejde?" names its topic: the framing noun taken
        # out leaves one word, but it is no thin follow-up to the conversation.
        # An English question's own function words ("what does that mean") name nothing.
        naming = [w for w in words if not (english and self._english_only(w, glossed))]
        named = len(naming) + _framing_nouns(text)
        thin = named <= 1 or (named <= 3 and _matches("followup", "anaphora", text))
        followup = bool(history) and (
            _matches("followup", "cue", text) or self._goes_on(text) or thin
        )
        meta = _meta(text, shape) or _meta(question, shape)
        summary = any(_asks_summary(t, bool(history)) for t in (text, question))
        context = ""
        if followup and not (advice or all_advice or meta or neighbour or summary):
            context = _conversation(history)
        return QueryAnalysis(
            text=meant,  # after the intents, read in the words as typed
            topic=topic,
            corrections=corrections,
            english=english,
            glossed=glossed,
            advice=advice,
            all_advice=all_advice,
            summary=summary,
            about_advice=about_advice,
            switches=bool(context) and _matches("followup", "switch", text),
            neighbour=neighbour,
            meta=meta,
            injection=any(p.search(typed) for p in patterns()["injection"]["patterns"]),
            followup=bool(context),
            content_words=tuple(words),
            context=context,
            quantity=_quantity(text, self.analyzer),
            # "hvilket af de 7 råd …": the list's count is no number to state.
            numbers=tuple(dict.fromkeys(_DIGITS.findall(_without_advice_frame(text)))),
            asks_name=_matches("answer_type", "name", text),
            elaborate=_matches("answer_type", "elaborate", text),
            kind=_kind(text),
            focus=self._focus(text),
            cues=cues,
            unknown_names=self._unknown_names(question, corrections),
            opinion_of=opinion_of,
            referred=_referred(text, cues, shape) if not history else (),
            parts=parts if len(parts) > 1 else (),
            parts_as_typed=_as_typed(question, parts) if len(parts) > 1 else (),
            doc_id=doc_id,
        )

    def _english_only(self, word: str, glossed: Sequence[str]) -> bool:
        """One of English's everyday words that the glossary did not read as the article's
        and the article does not use ("what", "does", "mean"): in an English question it
        names nothing; "budget" does, and "and what about the budget?" is no thin follow-up."""
        return (
            word not in glossed
            and not self.analyzer.uses(word)
            and self.lexicon.is_everyday_english(word)
        )

    def _says_nothing_by_capitals(self, word: str) -> bool:
        """A word Danish, English or the corpus knows, or reads as an abbreviation or a typo
        of one ("hdl", "inspration"); not an unknown name or acronym ("wammen", "bbr")."""
        return (
            self.lexicon.is_known(word)
            or self.lexicon.is_common_english(word)
            or bool(self.analyzer.abbreviated(word) or expand_abbreviation(word))
            or self.lexicon.correction(word, True) is not None
        )

    def repair(self, question: str) -> tuple[str, tuple[Correction, ...], bool]:
        """The question with English words, abbreviations and typos read as the article's."""
        question, cased = self._apart_by_case(question)
        tokens = [t.lower() for t in _TOKEN.findall(question)]
        english = self.lexicon.is_english(tokens)
        early: dict[str, str] = {}  # Danish letters put back, then compounds written apart
        if not english:
            restored = self._restorations(question, tokens)
            question = _replaced(question, restored)
            tokens = [restored.get(t, t) for t in tokens]
            question, apart = _replaced_phrases(question, self._written_apart(tokens))
            tokens = [t.lower() for t in _TOKEN.findall(question)] if apart else tokens
            early = restored | apart
        early = cased | early
        names = _typed_as_names(question)  # "Wammen", "BBR": as typed
        corrections: dict[str, str] = {}
        for token in list(dict.fromkeys(tokens))[:MAX_WORDS_READ]:
            target = self._read_word(token, english, token in names)
            if target and target != token:
                corrections[token] = target
        if not english:
            corrections |= self._in_context(tokens[: MAX_WORDS_READ + 1], corrections)
        corrections |= self._ordinals(tokens[: MAX_WORDS_READ + 1])
        corrections |= self._advice_nouns(tokens[: MAX_WORDS_READ + 1], corrections)
        if not corrections:
            return question, tuple(Correction(s, t) for s, t in early.items()), english
        text, joined = _replaced_phrases(
            question, self._compounds(tokens, corrections) if english else {}
        )
        left = {t.lower() for t in _TOKEN.findall(text)}
        shown = early | joined | {s: t for s, t in corrections.items() if s in left}
        text = _replaced(text, corrections)
        return text, tuple(Correction(s, t) for s, t in shown.items()), english

    def _in_context(self, tokens: Sequence[str], corrections: dict[str, str]) -> dict[str, str]:
        """A word typed as another Danish word, or as no word ("to sider af damme sag", "i
        zig selv"): read as the article's word one typo away (for a Danish word, one key hit
        beside the right one) when that one, not the word as read, stands beside the same
        neighbour in the article ("af samme", "samme sag"; "sig selv"), and only one such
        word does. A word the article has stays as typed, and so does one read as it stands
        in the article or read otherwise than as a typo (an abbreviation: "i org nu" is no
        "og nu")."""
        pairs, lemma = self.analyzer.pairs, self.analyzer.lemma
        follows, precedes = self._beside
        read = [corrections.get(t, t) for t in tokens]
        found: dict[str, str] = {}
        for i, (word, meant) in enumerate(zip(tokens, read, strict=True)):
            before, after = read[i - 1] if i else "", read[i + 1] if i + 1 < len(read) else ""
            if len(word) < 3 or not word.isalpha() or word in self._article_words:
                continue
            if meant not in (word, self.lexicon.correction(word)):
                continue  # read otherwise: an abbreviation ("org"), two words ("idigitaliseringen")
            if self.lexicon.zipf(word) >= CONTEXT_TYPO_ZIPF:
                continue  # "nye", "går", "mod": too common to be a slip of the finger
            if (before, meant) in pairs or (meant, after) in pairs:
                continue
            beside = follows.get(before, set()) | precedes.get(after, set())
            # A Danish word is read as another only where one key slipped ("damme"/"samme";
            # not "usikkerhed"/"sikkerhed", "kunde"/"runde"); a word Danish lacks by any typo.
            danish = self.lexicon.is_known(word)
            fits = {
                near
                for near in beside
                if (self.lexicon.slipped(word, near) if danish else OSA.distance(word, near) == 1)
                and lemma(near) != lemma(word)  # "Karms" is Karm's, not a typo of "Karm"
            }
            if len(fits) == 1 and (fit := fits.pop()) != meant:
                found[word] = fit
        return found

    @cached_property
    def _article_words(self) -> frozenset[str]:
        """Every word of the corpus, stop words too ("sig")."""
        return frozenset(w for pair in self.analyzer.pairs for w in pair)

    @cached_property
    def _beside(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """The corpus's words that follow each word, and those that go before it."""
        after: dict[str, set[str]] = {}
        before: dict[str, set[str]] = {}
        for first, second in self.analyzer.pairs:
            after.setdefault(first, set()).add(second)
            before.setdefault(second, set()).add(first)
        return after, before

    def _apart_by_case(self, question: str) -> tuple[str, dict[str, str]]:
        """Words typed together where a capital shows where the second begins ("PeterKarm",
        "iHadersleev", "KLetableret", "DKDfor"): apart, when the word is none as typed, one
        part is the article's word or name (or a typo of one: "Hadersleev") and the other a
        word. A name written so ("MitID", "iPhone") has no part of the article's."""
        apart: dict[str, str] = {}
        for match in itertools.islice(_TOKEN.finditer(question), MAX_WORDS_READ):
            parts = _CASE_CUT.split(match[0])
            if len(parts) != 2 or len(parts[1]) < 2 or self.lexicon.is_known(match[0].lower()):
                continue
            lower = [p.lower() for p in parts]
            ours = [self._articles(p) for p in lower]
            known = [o or self.lexicon.is_known(p) for o, p in zip(ours, lower, strict=True)]
            if any(ours) and all(known):
                apart[match[0]] = " ".join(parts)
        found = {t.lower(): a.lower() for t, a in apart.items()}
        return _TOKEN.sub(lambda m: apart.get(m[0], m[0]), question), found

    def _articles(self, word: str) -> bool:
        """The article's word or name, or a typo of one."""
        if self.analyzer.has_stem_of(word) or word in self.analyzer.names:
            return True
        typo = self.lexicon.correction(word, True)
        return typo is not None and self.analyzer.has_stem_of(typo)

    def _restorations(self, question: str, tokens: Sequence[str]) -> dict[str, str]:
        """Words typed without æ, ø and å, read with them ("raad" -> "råd"), when the
        question shows it was typed so: it has none of those letters, and one of its words
        surely is one of them (``Lexicon.surely_restored``). "hvor lang tid skal det vare"
        is Danish as typed and stays "vare"."""
        if _DANISH_LETTERS.search(question):
            return {}
        words = list(dict.fromkeys(tokens))[:MAX_WORDS_READ]
        restored = {w: r for w in words if (r := self.lexicon.restored(w))}
        if not any(self.lexicon.surely_restored(w, r) for w, r in restored.items()):
            return {}
        return restored

    def _goes_on(self, text: str) -> bool:
        """ "hvad skal man så gøre?" goes on from the conversation; "så" before an adjective
        ("hvad er så vigtigt ved …?") says how much."""
        found = patterns()["followup"]["so_then"].search(text)
        after = found and found["after"]
        return bool(found) and not (after and self.lexicon.is_adjective(after.lower()))

    def _ordinals(self, tokens: Sequence[str]) -> dict[str, str]:
        """A word before "råd" a typo from an ordinal is that ordinal ("det syvend råd", in
        the first letter too: "det eemte råd"); a Danish word of its own only when a letter
        of the ordinal is missing ("de tre førte råd", "hans først råd"): "det fjerne råd"
        stays far. Only when the near ordinals name one position ("først": "første" or
        "first"); "frse" could be several words."""
        position, mentions = patterns()["advice"]["position"], patterns()["advice"]["mentions"]
        read: dict[str, str] = {}
        for word, after in itertools.pairwise(tokens):
            noun = f" {after}"
            if not mentions.fullmatch(after) or len(word) < 4 or position.match(word + noun):
                continue
            ordinals = [
                c for c, _ in self.lexicon.near(word, keep_first=False) if position.match(c + noun)
            ]
            if self.lexicon.is_known(word):  # "først", "førte"; not "det fjerne råd"
                ordinals = [c for c in ordinals if len(c) == len(word) + 1]
            if len({tuple(_positions(c + noun, _ANY_COUNT)) for c in ordinals}) == 1:
                read[word] = max(ordinals, key=self.lexicon.zipf)  # "første", not "first"
        return read

    def _advice_nouns(self, tokens: Sequence[str], corrections: dict[str, str]) -> dict[str, str]:
        """A word a typo from the article's own noun for its list ("råd") where a position
        says that noun stands is that noun: after an ordinal ("det første fåd", "det femte
        gode råw", "det frste ræd" with its typo read, "det næstsidste gåd") or before a
        number ("rpd nummer tre"), a Danish word of its own or not. Only the article's
        noun: "til 5" is no "tip 5"."""
        read: dict[str, str] = {}
        context = [corrections.get(t, t) for t in tokens]
        for i, word in enumerate(tokens):
            if word in self.list_nouns or not word.isalpha():
                continue
            before, after = context[max(0, i - 3) : i], context[i + 1 : i + 4]
            placed = [
                noun
                for noun in self.list_nouns
                if self.lexicon.is_typo_of(word, noun) and _placed_as_advice(before, noun, after)
            ]
            if len(placed) == 1:
                read[word] = placed[0]
        return read

    def _written_apart(self, tokens: Sequence[str]) -> dict[str, str]:
        """Two words in a row that Danish writes as one (særskrivning): "digitaliserings
        tendenser" is the corpus's "digitaliseringstendenser", and a first part with the
        linking -s of a compound joins the noun after it ("ledelses teori"). The linking -s
        is the one Danish puts after -else, -ing, -hed, -ion and the like; after other
        words an -s is a genitive ("Karms titel", "en chefkonsulents opgave")."""
        joined: dict[str, str] = {}
        for first, second in itertools.pairwise(tokens[: MAX_WORDS_READ + 1]):
            if self._joins(first, second):
                joined[f"{first} {second}"] = first + second
        return joined

    def _joins(self, first: str, second: str) -> bool:
        words = (first, second)
        if min(map(len, words)) < 3 or not (first + second).isalpha():
            return False
        if any(map(self.analyzer.is_stopword, words)):
            return False
        if first + second in self.analyzer.surface_words:
            return True
        stem = first[:-1]
        return (
            bool(patterns()["words"]["linking_s"].search(first))
            and not self.lexicon.is_word(first)
            and stem not in self.analyzer.names
            and self.lexicon.is_word(stem)
            and self.lexicon.is_known(second)
            and self.lexicon.may_be_noun(second)
        )

    def _compounds(self, tokens: Sequence[str], readings: dict[str, str]) -> dict[str, str]:
        """Two English words in a row whose Danish readings Danish writes as one word:
        "municipal election" is "kommunalvalg", "municipal CEO" "kommunaldirektør" (with
        the linking -s where Danish has it), so the question asks about the article's
        compound, not two everyday words."""
        joined: dict[str, str] = {}
        for first, second in itertools.pairwise(tokens):
            left, right = readings.get(first, ""), readings.get(second, "")
            if " " in left or " " in right or not (left and right):
                continue
            compound = next(
                (c for c in (left + right, f"{left}s{right}") if self.lexicon.is_word(c)), None
            )
            if compound:
                joined[f"{first} {second}"] = compound
        return joined

    def _same_meaning(
        self,
        topic: str,
        english: bool,
        glossed: Sequence[str],
        opinion_of: Sequence[str],
    ) -> dict[str, str]:
        """The topic's nouns and adjectives the article lacks, each read as the article's
        words of the same meaning ("omstillingen" -> "transformation"), found by the word or
        its lemma. Only the topic: the words that frame a question ("uddyb", "hvor mange")
        and whose view is asked keep their sense; a verb keeps its own ("startede" is not
        the article's "begynd" småt); in an English question only the glossary's Danish
        words are Danish ("position" and "basis" are English there)."""
        tokens = dict.fromkeys(t.lower() for t in _TOKEN.findall(topic))
        read: dict[str, str] = {}
        for word in list(tokens)[:MAX_WORDS_READ]:
            if (english and word not in glossed) or word in opinion_of:
                continue
            same = self.synonyms.get(word) or self.synonyms.get(self.analyzer.lemma(word))
            if same and not (self._reads_as_article_word(word) or self.lexicon.is_verb(word)):
                read[word] = " ".join(same)
        return read

    def _glossed(self, question: str, corrections: Sequence[Correction]) -> tuple[str, ...]:
        """The Danish words of an English question: the glossary's readings, a word it reads
        as itself ("chatbot") included, and the compounds made of two of them."""
        words = [w for c in corrections for w in c.target.split()]
        for token in _TOKEN.findall(question.lower())[:MAX_WORDS_READ]:
            words.extend(self.translations.get(token, ()))
        return tuple(dict.fromkeys(words))

    def _reads_as_article_word(self, word: str) -> bool:
        """The article's word (itself or its lemma), or a form of it that only an ending
        sets apart ("politikerne" ~ "politisk", "organisering" ~ "organisere"); not a word
        that merely begins alike ("undersøgelse", "understreger"), nor a compound of it
        ("styringsgruppe" is no "styring")."""
        stem = self.analyzer.stem(word)
        return self.analyzer.uses(word) or any(
            near != stem and _same_but_ending(stem, near) for near in self.analyzer.near_stems(stem)
        )

    def _read_word(self, word: str, english: bool, as_name: bool = False) -> str | None:
        if word in self.translations:
            return " ".join(self.translations[word])
        if word in self.synonyms or self.analyzer.lemma(word) in self.synonyms:
            return None  # a word of the thesaurus ("smidighed"), not a typo of another
        if not english and (expanded := expand_abbreviation(word)):
            return expanded
        plain = patterns()["words"]["intensified"].match(word)
        if not english and plain and self.lexicon.is_known(plain["word"]):
            return plain["word"]  # not "allergitest" -> "gitest"
        if english or word.isdigit() or self.analyzer.is_stopword(word):
            return None
        if self.analyzer.has_stem_of(word) or self.lexicon.is_known(word):
            return None  # the article's word, or a Danish word the article does not use
        if glued := _GLUED_NUMBER.fullmatch(word):
            return self._number_apart(glued)
        if position := self._position_apart(word):
            return position
        abbreviated = self.analyzer.abbreviated(word)
        # A capitalised word is more often a name than two words: "Hansted", "Mygind".
        apart = None if abbreviated or as_name else self.lexicon.apart(word)
        # Each word of a split as typed, or corrected ("og digitalisring" -> "og digitalisering").
        parts = [self.lexicon.correction(p, True) or p for p in apart] if apart else None
        return (
            abbreviated
            or (" ".join(parts) if parts else None)
            or self.lexicon.correction(word, as_name)
        )

    def _position_apart(self, word: str) -> str | None:
        """A position typed against the list's noun is the two ("førsteråd", "tredjeråd",
        "næstsidsteråd" -> "næstsidste råd"): what the patterns read as a place in the list."""
        advice = patterns()["advice"]
        for noun in self.list_nouns:
            head = word.removesuffix(noun)
            if head == word or not head:
                continue
            plain = patterns()["words"]["intensified"].match(head)  # "allersidste"
            place = plain["word"] if plain else head
            if advice["position"].fullmatch(f"{place} {noun}") or _relative_place(place):
                return f"{place} {noun}"
        return None

    def _number_apart(self, glued: re.Match[str]) -> str | None:
        """A number typed against a function word or a word of the article is the two
        ("råd7", "er6", "4om", "4dimensioner"); not an ordinal's ending ("4de", "1st") nor
        a name with a number ("nis2", "5g")."""
        parts = [part for part in glued.groups() if part]
        word = parts[1] if parts[0].isdigit() else parts[0]
        if parts[0].isdigit() and patterns()["words"]["ordinal_ending"].fullmatch(word):
            return None
        known = self.lexicon.is_function_word(word) or (
            len(word) >= 3 and self.analyzer.has_stem_of(word)
        )
        return " ".join(parts) if known else None

    def _english_typos(self, question: str) -> tuple[str, dict[str, str]]:
        """An English question with its typos read as the words meant, before the glossary
        reads it in Danish: a word neither English nor Danish nor the article's is the
        glossary's English word, the article's word ("Kmoponent") or the word for a number
        or position a typo away ("sixht piece of advice", "artiicle"), so the patterns for
        positions and the article's date read it as typed."""
        tokens = [t.lower() for t in _TOKEN.findall(question)]
        if not self.lexicon.is_english(tokens):
            return question, {}
        names = _typed_as_names(question)
        typos = {}
        for token in list(dict.fromkeys(tokens))[:MAX_WORDS_READ]:
            name = token in names  # a name typed wrong is the article's name ("Petr", "Struve")
            if token in self.translations or self.lexicon.is_known(token):
                continue
            if not name and self.lexicon.is_english_word(token):
                continue  # a rare one too: "intranet", "swarming"
            near = self.lexicon.near_in(token, self._english_vocabulary)
            if name:
                near = [c for c in near if c in self.analyzer.names]
            if near:
                typos[token] = near[0]
        return _replaced(question, typos), typos

    def _focus(self, text: str) -> tuple[str, ...]:
        """The most specific content word of each phrase the question asks about; not a verb
        ("hvilke dele består den af" asks about "dele", not "består")."""
        words = []
        for pattern in patterns()["focus"]["patterns"]:
            for match in pattern.finditer(text):
                phrase = [
                    w for w in self.analyzer.words(match["phrase"]) if not self.lexicon.is_verb(w)
                ]
                if phrase and not any(is_detail(w) for w in phrase):
                    words.append(
                        _compound(match["phrase"], phrase)
                        or max(phrase, key=self.lexicon.specificity)
                    )
        return tuple(dict.fromkeys(words))

    def _opinion_of(self, text: str, shape: ArticleShape) -> tuple[str, ...]:
        """The words of whoever's view is asked for, unless that is the article's person
        ("Hvad mener direktøren/Peter Karm/han om …?" asks what the article reports)."""
        match = patterns()["answer_type"]["opinion"].search(text)
        if not match or patterns()["answer_type"]["own_voice"].search(_group(match)):
            return ()
        holder = _subject(_TOKEN.findall(_group(match)))
        words = [w for w in self.analyzer.words(" ".join(holder)) if self.lexicon.specificity(w)]
        stem = self.analyzer.stem
        own = [stem(w) for w in self.analyzer.words(shape.about, strict=False)]
        if any(o.startswith(stem(w)) or o.endswith(stem(w)) for w in words for o in own):
            return ()  # "Peter Karms", "direktøren", "Haderslev Kommune": the article's side
        return tuple(words)

    def _unknown_names(self, question: str, corrections: Sequence[Correction]) -> tuple[str, ...]:
        """Capitalised words the article does not know ("Mette Frederiksen"); a typo of an
        ordinary word ("Kommmune") is that word. A typo of a name may be another name, unless
        it stands beside a name the article has ("Petre Karm", "Jan Sruwe Poulsen") or is
        too long to be another name by chance ("Hvaderslev")."""
        typos = {c.source for c in corrections if c.target not in self.analyzer.names}
        of_names = {c.source for c in corrections if c.target in self.analyzer.names}
        matches = list(_NAME.finditer(question))
        names = []
        for i, match in enumerate(matches):
            words = self.analyzer.words(match.group(0), strict=False)
            beside = [m for m in matches[max(i - 1, 0) : i + 2] if m is not match]
            named = any(_adjacent(match, m) and self._known_name(m.group(0)) for m in beside)
            known = [
                w
                for w in words
                if self.analyzer.known(w)
                or w in self.translations
                or w in typos
                or (w in of_names and (named or len(w) >= _LONG_NAME))
            ]
            if match.start() and words and not known:
                names.append(match.group(0))
        return tuple(names)

    def _known_name(self, text: str) -> bool:
        """One of the article's names, or its genitive ("Karms")."""
        words = self.analyzer.words(text, strict=False)
        return any({w, w.removesuffix("s")} & self.analyzer.names for w in words)


_ANY_COUNT = 10
"""A list length for reading an ordinal before the article's list is known."""
_LONG_NAME = 7
"""A typo of a name this long or longer is that name: names this close by chance are short."""


def _adjacent(a: re.Match[str], b: re.Match[str]) -> bool:
    """Two capitalised words one space apart: parts of one name."""
    first, second = sorted((a, b), key=lambda m: m.start())
    return second.start() - first.end() == 1


_FRAMING = (
    "count",
    "age",
    "duration",
    "measure",
    "name",
    "elaborate",
    "reporting",
    "view",
    "benefit",
    "practice",
)
_NUMBER_WORDS = frozenset({"nummer", "nr", "number", "no", "og", "and"})


def _same_but_ending(a: str, b: str) -> bool:
    """Do two stems differ only in their endings: by two letters or fewer each, or one is
    the other and a Danish ending ("organis" + "ering")?"""
    shared = shared_beginning(a, b)
    rest = (a[shared:], b[shared:])
    return max(map(len, rest)) <= 2 or (min(rest) == "" and max(rest) in _ENDINGS)


_ENDINGS = frozenset(
    {"e", "er", "ere", "erne", "en", "et", "s", "isk", "ing", "ering", "ig", "lig", "hed"}
)
"""Danish endings that make a word another form of the same one (inflection, a few
derivations)."""


def _composed(
    corrections: Sequence[Correction], same: dict[str, str], typed: Iterable[str]
) -> tuple[Correction, ...]:
    """The readings of a question, one per word typed: a word the glossary or the typo
    reading gave that the thesaurus then read once more is shown from what was typed
    ("transition" -> "transformation", not via "omstilling")."""
    read = [
        Correction(c.source, " ".join(dict.fromkeys(same.get(w, w) for w in c.target.split())))
        for c in corrections
    ]
    given = {w for c in corrections for w in c.target.split()}
    typed = set(typed)
    return (*read, *(Correction(s, t) for s, t in same.items() if s in typed or s not in given))


def _from_typed(typos: dict[str, str], corrections: Sequence[Correction]) -> tuple[Correction, ...]:
    """The readings shown from the words as typed: an English typo the glossary then read
    in Danish is "artiicle" -> "artikel", not two readings."""
    read = {c.source: c.target for c in corrections}
    shown = [Correction(typo, read.pop(word, word)) for typo, word in typos.items()]
    return (*shown, *(Correction(s, t) for s, t in read.items()))


def _placed_as_advice(before: Sequence[str], noun: str, after: Sequence[str]) -> bool:
    """Does the noun stand where a position names a piece of advice: after an ordinal or
    before a number?"""
    advice = patterns()["advice"]
    left = " ".join([*before, noun])
    ordinal = any(m.end() == len(left) for m in advice["position"].finditer(left))
    # "det næstsidste råd", "det midterste råd" (the intensified "allersidste" is read first)
    relative = _relative_place(before[-1] if before else "")
    return ordinal or relative or bool(advice["numbers"].match(" ".join([noun, *after])))


def _relative_place(word: str) -> bool:
    """Is the word a place in the list counted from its end or middle ("næstsidste",
    "midterste")?"""
    advice = patterns()["advice"]
    return bool(advice["second_last"].fullmatch(word) or advice["middle"].fullmatch(word))


def _without_chatter(question: str) -> str:
    """The question without a greeting or interjection before it, a lead-in ("jeg vil gerne
    vide:", "ved du hvem der …") or a sign-off after it ("på forhånd tak", "mvh Lone", ":)"):
    no topic, and a signature's name is no one the question asks about. An indirect question
    is read in a question's order."""
    words = patterns()["words"]
    text = words["sign_off"].sub("", words["opener"].sub("", question))
    after_lead_in = text
    while (shorter := words["lead_in"].sub("", after_lead_in)) != after_lead_in:
        after_lead_in = shorter  # one after another: "ved du det her: tjek lige: …"
    indirect = words["indirect"].match(after_lead_in)
    if indirect or after_lead_in != text:  # "jeg vil gerne vide, hvem Peter Karm er"
        return _in_question_order(indirect["clause"] if indirect else after_lead_in)
    return text


def _in_question_order(clause: str) -> str:
    """An indirect question in the order of the question it asks: "hvem der står bag
    rådene" -> "hvem står bag rådene", "hvem Peter Karm er" -> "hvem er Peter Karm"."""
    words = patterns()["words"]
    clause = words["relative_der"].sub(r"\1", clause)
    clause = words["clause_order"].sub(r"\g<asks> \g<verb> \g<subject>", clause)
    return " ".join(clause.split())


def _cased(question: str, known: Callable[[str], bool]) -> str:
    """A question typed in capitals ("HVAD STÅR DKD FOR?") or with every word capitalised
    says nothing by the capitals of the words ``known`` reads: those are read in lower case,
    not as a run of names the article does not know. Another word keeps its capitals ("HVAD
    MENER WAMMEN …", "… OM BBR?"): it may be a name or an acronym, and so does a word with
    capitals inside in a question not all in capitals ("Hvad Siger Han Om IoT?")."""
    initials = _INITIALS.findall(question)
    shouting = question.isupper()
    if (len(initials) >= 2 and shouting) or (
        len(initials) >= 3 and all(i.isupper() for i in initials)
    ):
        return _TOKEN.sub(
            lambda m: (
                m[0]
                if (not shouting and not m[0][1:].islower()) or not known(m[0].lower())
                else m[0].lower()
            ),
            question,
        )
    return question


def _typed_as_names(question: str) -> set[str]:
    """Words written with a capital where a sentence does not begin ("Hvad mener Wammen …",
    "… om BBR?"): a phone capitalises a question's first word by itself ("Bvordan …")."""
    return {
        m[0].lower()
        for m in _NAME.finditer(question)
        if question[: m.start()].strip(" \t\n\"'«»(-")
    }


def _replaced_phrases(text: str, phrases: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The text with each two-word phrase of ``phrases`` replaced where its words stand
    apart only by spaces (any case; not "municipal-CEO" or "municipal, CEO"), and the
    phrases that were."""
    done: dict[str, str] = {}
    for phrase, reading in phrases.items():
        pattern = r"(?<![\w-])" + r"\s+".join(map(re.escape, phrase.split())) + r"(?![\w-])"
        text, count = re.subn(pattern, reading, text, flags=re.IGNORECASE)
        if count:
            done[phrase] = reading
    return text, done


def _replaced(text: str, words: dict[str, str]) -> str:
    """The text with each of ``words`` replaced, matched in any case, by its reading."""
    if not words:
        return text
    return _TOKEN.sub(lambda m: words.get(m.group(0).lower(), m.group(0)), text)


def _framing_nouns(text: str) -> int:
    """How many nouns of the question only frame what it asks ("fordelen ved", "hans syn på")."""
    answer_type = patterns()["answer_type"]
    return sum(len(answer_type[name].findall(text)) for name in ("benefit", "view"))


def _without_advice_frame(text: str) -> str:
    """ "hvilket af de 7 råd handler om politikerne" -> "politikerne": the frame asks for one
    of the advice; what follows it is the topic."""
    return patterns()["advice"]["which_about"].sub("", text)


def _without_framing(text: str) -> str:
    """The question without the words that only say what kind of answer it wants ("hvor
    længe", "hvad hedder", "mailen", "telefonnummer", "fordelen ved"): they are no topic to
    search for; the detail asked for is checked for in the answer instead ("kontakte"
    stays: it is what a who-question asks about)."""
    for name in _FRAMING:
        text = patterns()["answer_type"][name].sub(" ", text)
    for cue in ("phone", "email", "address"):
        text = patterns()["cues"][cue].sub(" ", text)
    text = patterns()["words"]["comparative"].sub(" ", text)
    return without_function_phrases(text)


OPPOSITE_CUES = {"now": "before", "before": "now", "future": "before"}


def _referred(text: str, cues: Sequence[Cue], shape: ArticleShape) -> tuple[str, ...]:
    """The names of the article's subject a standalone who-question points to by pronoun
    ("Hvem overtog hans job i Vejle?", "Hvem var direktør i Haderslev før ham?"), when it
    names none of the article's people itself."""
    names = {w.lower() for person in shape.people for w in person.split()}
    if (
        "who" not in cues
        or not _matches("followup", "person", text)
        or names & {w.lower() for w in _TOKEN.findall(text)}
    ):
        return ()
    return tuple(w.lower() for w in _NAME.findall(shape.about))


def _cues(text: str) -> tuple[Cue, ...]:
    """What the question asks about; "hvor … fra?" asks where from, not where: a sentence
    with "fra Vejle" answers it once, not twice, and "i Haderslev" does not."""
    found = {c: [m.span() for m in p.finditer(text)] for c, p in patterns()["cues"].items()}
    cues = tuple(c for c, own in found.items() if own and not _within_opposite(c, own, found))
    return tuple(c for c in cues if c != "where") if "origin" in cues else cues


def _within_opposite(
    cue: str, spans: Sequence[tuple[int, int]], found: dict[str, list[tuple[int, int]]]
) -> bool:
    """Is every match of the cue part of a match of its opposite? "da den nuværende direktør
    tiltrådte" asks about the time before; "nuværende" in it says who, not when."""
    around = found.get(OPPOSITE_CUES.get(cue, ""), [])
    return all(any(a <= s and e <= b for a, b in around) for s, e in spans)


def _subject(tokens: Sequence[str]) -> list[str]:
    """The subject after the verb: its head word, or a name of capitalised words ("KL",
    "Vejle Kommune"); a pronoun ("han") gives none, and an adverb after the subject
    ("Hvad siger han egentlig om …") is not part of it."""
    if len(tokens) > 1 and patterns()["answer_type"]["determiner"].match(tokens[0]):
        tokens = tokens[1:]
    if not tokens or not tokens[0][0].isupper():
        return list(tokens[:1])
    return list(itertools.takewhile(lambda t: t[0].isupper(), tokens))


def answers_cues(sentence: str, cues: Sequence[Cue]) -> int:
    """How far a sentence is of the kind the question asks for: one for each cue it answers
    ("Nu er …" for a question about now), less one for each opposite it answers instead
    ("… var …" when the question asks about now, and the sentence says nothing of now)."""
    answers = patterns()["answers"]
    kind = 0
    for cue in cues:
        if answers[cue].search(sentence):
            kind += 1  # "Engang var det …, men det er det ikke længere" answers then and now
            continue
        opposite = OPPOSITE_CUES.get(cue)
        if opposite and opposite not in cues:
            kind -= bool(answers[opposite].search(sentence))
    return kind


def _compound(phrase: str, words: Sequence[str]) -> str | None:
    """A hyphenated compound of content words in the phrase ("it-systemer"): it is asked about
    as one thing, which a passage has only when it has all its parts."""
    for match in _HYPHENATED.finditer(phrase.lower()):
        if all(part in words for part in match.group(0).split("-")):
            return match.group(0)
    return None


_HYPHENATED = re.compile(r"\w{2,}(?:-\w{2,})+")
# A capital inside a word where a space was left out: "PeterKarm", "iHaderslev", "DKDfor"
# (a capital after a small letter, or a small letter after two capitals, begins a word).
_CASE_CUT = re.compile(r"(?<=[a-zæøå])(?=[A-ZÆØÅ])|(?<=[A-ZÆØÅ]{2})(?=[a-zæøå])")


def is_detail(word: str) -> bool:
    """ "e-mailadresse", "telefonnummer", "stilling": the kind of detail asked for, which the
    answer shows (an address, a number, a title before a name) rather than names."""
    cues = patterns()["cues"]
    return patterns()["answer_type"]["role"].search(word) is not None or any(
        cues[cue].search(word) for cue in CONTACT_CUES
    )


def _matches(table: str, name: str, text: str) -> bool:
    return bool(patterns()[table][name].search(text))


def _asks_summary(text: str, in_conversation: bool) -> bool:
    """A summary of the whole article: asked for as one, or its point or message asked for
    with a word for the article, or outside a conversation without one."""
    if _matches("answer_type", "summary", text):
        return True
    gist = patterns()["answer_type"]["gist"].search(text)
    article = gist and (gist["article"] or gist["article_after"] or gist["article_brief"])
    return bool(gist) and (bool(article) or not in_conversation)


def _kind(text: str) -> str:
    found = patterns()["answer_type"]["kind"].search(text)
    return found.group(1).lower() if found else ""


def stated_numbers(sentence: str) -> set[str]:
    """The numbers a sentence states, as digits: "fire dimensioner" states 4 ("en"/"et" are
    articles, so they state none)."""
    tokens = [t.lower() for t in _TOKEN.findall(sentence)]
    words = {str(CARDINALS[t]) for t in tokens if CARDINALS.get(t, 1) > 1}
    return {t for t in tokens if t.isdigit()} | words


def _as_typed(question: str, parts: tuple[str, ...]) -> tuple[str, ...]:
    """The parts as typed, for the user to recognise the one the article cannot answer."""
    typed = split_parts(question)
    return typed if len(typed) == len(parts) else parts


def split_parts(question: str) -> tuple[str, ...]:
    """ "Hvem er X, og hvor kommer han fra?" -> ("Hvem er X", "hvor kommer han fra?").

    A message holds several questions where a question mark, or a comma, "og", "samt",
    "&", "+" or "/" before a question word starts a new one, and, inside a piece that begins
    as a question, a full stop or a new line before a question word (not an abbreviation's
    period); a later piece drops its leading "og". Not when what follows the question mark
    gives examples or an alternative ("… ? fx esdh eller lign"); at most ``MAX_PARTS``, the
    rest stays with the last.
    """
    parts = patterns()["parts"]
    pieces: list[str] = []
    for piece in _questions_in(parts["boundary"].split(question)):
        piece = piece.strip(" ,;")
        if pieces:
            piece = parts["leading_and"].sub("", piece)
        if pieces and parts["continuation"].search(piece):
            pieces[-1] = f"{pieces[-1]}? {piece}"  # "…? fx esdh eller lign" is no question
        elif _TOKEN.search(piece):
            pieces.append(piece)
    if len(pieces) > MAX_PARTS:
        pieces = [*pieces[: MAX_PARTS - 1], " ".join(pieces[MAX_PARTS - 1 :])]
    return tuple(pieces)


def _questions_in(pieces: Iterable[str]) -> Iterator[str]:
    """Each piece, or, if it begins as a question, each of the sentences it holds that begin
    with a question word: a statement before a question is the question's context, and a
    period after an abbreviation ("vedr. hvordan …") ends no sentence."""
    parts = patterns()["parts"]
    for piece in pieces:
        if not parts["asks"].match(piece):
            yield piece
            continue
        start = 0
        for end in parts["sentence_end"].finditer(piece):
            lower = piece[end.end() : end.end() + 1].islower()  # "vedr. hvordan", not "osv. Hvem"
            if not (lower and _ends_in_abbreviation(piece[start : end.start()])):
                yield piece[start : end.start()]
                start = end.end()
        yield piece[start:]


def _ends_in_abbreviation(text: str) -> bool:
    words = text[-12:].split()
    return bool(words) and expand_abbreviation(words[-1]) is not None


def _conversation(history: Sequence[Turn]) -> str:
    user_turns = [t.content for t in history if t.role == "user"]
    last_answer = next((t.content for t in reversed(history) if t.role == "assistant"), "")
    return " ".join([user_turns[-1] if user_turns else "", last_answer]).strip()


def _meta(text: str, shape: ArticleShape) -> MetaField | None:
    meta = next((name for name, p in patterns()["meta"].items() if p.search(text)), None)
    if meta == "date" and _matches("answer_type", "revision", text):
        return None  # the front matter has the date of publication, not of a revision
    # By the whole name or the surname alone ("Hvad er Karms titel?").
    names = {n for person in shape.people for n in (person, person.split()[-1]) if len(n) > 2}
    if meta is None and any(
        re.search(patterns()["who_is"].format(name=re.escape(name)), text, re.IGNORECASE)
        for name in names
    ):
        meta = "about"
    return meta  # type: ignore[return-value]


def number(token: str, count: int) -> int:
    """An ordinal or cardinal word or a digit as a position in a list of ``count``."""
    token = token.lower().rstrip(".")
    digits = _LEADING_DIGITS.match(token)
    if digits:  # "7", and the ordinals the patterns admit: "1st", "1ste", "7ende"
        return int(digits[0])
    if token in ("sidste", "last", "final"):
        return count
    return ORDINALS.get(token) or CARDINALS.get(token, 0)


def _structure(
    text: str, history: Sequence[Turn], shape: ArticleShape
) -> tuple[tuple[int, ...], bool, Neighbour | None]:
    """Which pieces of advice the question names, whether it asks for all, or a neighbour."""
    advice_patterns = patterns()["advice"]
    count = shape.advice_count
    if not count:
        return (), False, None
    numbers = _followup_advice(text, history, count)
    if not numbers and advice_patterns["mentions"].search(text):
        neighbour = advice_patterns["neighbour"].search(text)
        if neighbour:
            step = 1 if neighbour["dir"].lower() in ("efter", "after", "following") else -1
            return (), False, Neighbour(neighbour["topic"], step)
        if advice_patterns["which_number"].search(text):
            return (), False, Neighbour(text, 0)
        numbers = _positions(text, count)
    numbers = [n for n in dict.fromkeys(numbers) if 1 <= n <= count]
    all_advice = (
        not numbers
        and bool(advice_patterns["mentions"].search(text))
        and bool(advice_patterns["all"].search(text))
    )
    return tuple(numbers), all_advice, None


def _group(match: re.Match[str]) -> str:
    return next(g for g in match.groups() if g)


def _positions(text: str, count: int) -> list[int]:
    """Every position the question names: ordinals, numbers, ranges, "de tre første"."""
    advice_patterns = patterns()["advice"]
    numbers: list[int] = []
    for match in advice_patterns["range"].finditer(text):
        numbers.extend(range(number(match["a"], count), number(match["b"], count) + 1))
    for match in advice_patterns["first_n"].finditer(text):
        numbers.extend(range(1, number(_group(match), count) + 1))
    for match in advice_patterns["last_n"].finditer(text):
        numbers.extend(range(count - number(_group(match), count) + 1, count + 1))
    if numbers:
        return numbers
    if advice_patterns["second_last"].search(text):
        numbers.append(count - 1)
    if advice_patterns["middle"].search(text):
        numbers.extend(sorted({(count + 1) // 2, count // 2 + 1}))
    for match in advice_patterns["position"].finditer(text):
        ordinals = _OF_THE_LIST.split(match.group(0))[0]  # not the 7 of "af de 7 råd"
        numbers.extend(number(w, count) for w in _TOKEN.findall(ordinals))
    for match in advice_patterns["numbers"].finditer(text):
        words = _TOKEN.findall(match.group(0))[1:]  # after "råd"
        numbers.extend(number(w, count) for w in words if w.lower() not in _NUMBER_WORDS)
    return [n for n in numbers if n]


def _followup_advice(text: str, history: Sequence[Turn], count: int) -> list[int]:
    """ "Og det femte?", "og det næste?" in a conversation about the advice."""
    if not history:
        return []
    advice_patterns = patterns()["advice"]
    talked = [n for turn in history for n in _discussed_advice(turn, count)]
    if not talked and not any(advice_patterns["mentions"].search(t.content) for t in history):
        return []
    step = advice_patterns["next"].search(text)
    if step and talked:
        forward = step["then"] or step["dir"].lower() in ("næste", "next", "følgende")
        return [talked[-1] + (1 if forward else -1)]
    alone = advice_patterns["ordinal_alone"].search(text)
    return [number(alone["n"], count)] if alone else []


def _discussed_advice(turn: Turn, count: int) -> list[int]:
    """The pieces of advice a turn was about: "Råd 6: …" in an answer, or the positions an
    earlier question named ("Hvad er det første råd?") when the answer did not number it."""
    advice_patterns = patterns()["advice"]
    numbered = [int(n) for n in advice_patterns["discussed"].findall(turn.content)]
    if numbered or turn.role != "user" or not advice_patterns["mentions"].search(turn.content):
        return numbered
    return _positions(turn.content, count)
