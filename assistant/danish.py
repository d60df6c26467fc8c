"""Danish language tools: sentence splitting, search tokens, ordinals.

Retrieval quality on this article is won by Danish-aware lexical search, so the analysis lives
in one place and is shared by the chunker (sentences), the BM25 index (tokens) and the
extractive answerer (sentence scoring), which must all agree on what a "word" is.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache, cached_property, lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_DANISH

from assistant.resources import load_lines
from assistant.wordtable import WordTable, zipf_of

MONTHS = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]
_SENTENCE_END = re.compile(r"[.!?…]+[\"”»')\]]*(?=\s)")
_OPENING = re.compile(r"\s*[\"“«(\[]*([A-ZÆØÅ0-9])")
_WORD = re.compile(r"[0-9a-zæøåäöüé]+(?:@[0-9a-zæøå.]+[a-z])?")
_LINKING = ("", "s", "e")
# Bounds on work and memory fed by user input: words longer than any real compound are not
# split, and each per-word cache keeps at most this many entries (least recently used go).
_MAX_COMPOUND_CHARS = 40
_CACHE_SIZE = 10_000

# Ordinal and cardinal words for the positions of a numbered list, Danish and English.
_DANISH_ORDINALS = "første anden tredje fjerde femte sjette syvende ottende niende tiende"
_DANISH_CARDINALS = "en to tre fire fem seks syv otte ni ti"
ORDINALS: dict[str, int] = {
    word: n
    for words in (
        _DANISH_ORDINALS,
        "first second third fourth fifth sixth seventh eighth ninth tenth",
    )
    for n, word in enumerate(words.split(), 1)
} | {"andet": 2}
CARDINALS: dict[str, int] = {
    word: n
    for words in (_DANISH_CARDINALS, "one two three four five six seven eight nine ten")
    for n, word in enumerate(words.split(), 1)
} | {"et": 1, "ét": 1}
ENGLISH_FUNCTION_WORDS_DANISH_TOO = frozenset({"to", "by", "no"})
"""English function words that are Danish content words ("to år", "byen", "nr./no."): a
Danish question searches them, an English one does not ("compare to other municipalities")."""
# "en"/"et" (one) are the indefinite article first, a function word ("etmål" is "et mål").
DANISH_NUMBER_WORDS = frozenset(
    [*_DANISH_ORDINALS.split(), *_DANISH_CARDINALS.split()[1:], "andet"]
)


@cache
def _abbreviations() -> dict[str, str]:
    """Words that end with a period without ending the sentence (lower-case, whole token),
    each with what it stands for ("" when it is not read out)."""
    entries = (line.split(maxsplit=1) for line in load_lines("abbreviations_da.txt"))
    return {e[0]: e[1] if len(e) > 1 else "" for e in entries}


@cache
def _expansions() -> dict[str, str]:
    """The abbreviations as typed in a chat, without periods ("tlf", "ift"), read out."""
    return {a.replace(".", ""): words for a, words in _abbreviations().items() if words}


@cache
def _dotted() -> re.Pattern[str]:
    """The abbreviations with inner periods as written ("bl.a.", "m.h.t."): a tokenizer
    splits them into letters ("bl", "a") that are no words."""
    dotted = sorted((a for a, w in _abbreviations().items() if w and "." in a[:-1]), key=len)
    alternatives = "|".join(re.escape(a.rstrip(".")) + r"\.?" for a in reversed(dotted))
    return re.compile(rf"(?<!\w)(?:{alternatives or '(?!)'})(?!\w)", re.IGNORECASE)


def expand_dotted_abbreviations(text: str) -> str:
    """ "hvem var konsulenten fra kl bl.a.?" -> "… kl blandt andet?": the words it stands
    for, which the question is read as."""
    return _dotted().sub(lambda m: _expansions()[m[0].lower().replace(".", "")], text)


def expand_abbreviation(word: str) -> str | None:
    """What a Danish abbreviation typed without its periods stands for ("tlf" -> "telefon")."""
    return _expansions().get(word.lower().replace(".", ""))


@cache
def _function_phrases() -> re.Pattern[str]:
    """The phrases Danish abbreviates that say nothing of a topic: complex prepositions and
    adverbials ("i forhold til", "på grund af", "for eksempel")."""
    phrases = sorted({words for words in _expansions().values() if " " in words})
    alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    return re.compile(rf"(?<!\w)(?:{alternatives or '(?!)'})(?!\w)", re.IGNORECASE)


def without_function_phrases(text: str) -> str:
    """ "er hdl bagud i forhold til andre kommuner" -> "er hdl bagud   andre kommuner": in
    "i forhold til", "forhold" is no topic to search for."""
    return _function_phrases().sub(" ", text)


def split_sentences(text: str) -> list[str]:
    """Split Danish prose into sentences.

    A period ends a sentence only when the next word starts with a capital letter or digit and
    the word before it is not an abbreviation ("bl.a.", "f.eks."), an ordinal ("18. maj",
    "1.") or an initial. Line breaks always end a sentence. E-mail addresses and phone numbers
    contain no period followed by white space, so they are never split.
    """
    sentences: list[str] = []
    for line in text.splitlines():
        start = 0
        for match in _SENTENCE_END.finditer(line):
            following = _OPENING.match(line, match.end())
            if following is None or not _ends_sentence(line[start : match.end()]):
                continue
            sentences.append(line[start : match.end()].strip())
            start = match.end()
        rest = line[start:].strip()
        if rest:
            sentences.append(rest)
    return sentences


def _ends_sentence(candidate: str) -> bool:
    words = candidate.split()
    if not words:
        return False
    last = words[-1].rstrip("\"”»')]").lower()
    if not last.endswith("."):
        return True  # "!" or "?" always ends a sentence
    stem = last[:-1]
    if last in _abbreviations() or (len(stem) == 1 and stem.isalpha()):
        return False
    if stem.isdigit():
        # A list number ("1. Følg …") is no sentence; "i 2021. Det …" and "… 32 34. Han" end one.
        return len(words) > 1
    return True


class Analyzer:
    """Turns Danish text into search terms: lower-case words, no stop words, Snowball stems.

    Compounds are the other half of Danish search: "digitaliseringsarbejdet" should match a
    question about "arbejdet", and "sikkerhedsarbejde" one about "sikkerhed". Given the stems
    of the corpus (``vocabulary``), a word that splits wholly into known stems, with the
    linking letters "s" or "e" between them, also yields its parts.
    """

    def __init__(
        self,
        vocabulary: Iterable[str] = (),
        extra_stopwords: Iterable[str] = (),
        surface_words: Iterable[str] = (),
        part_stems: Iterable[str] = (),
        table: WordTable | None = None,
        names: Iterable[str] = (),
        pairs: Iterable[tuple[str, str]] = (),
    ):
        # PyStemmer keeps its own bounded cache of stems.
        self._stemmer = Stemmer.Stemmer("danish", _CACHE_SIZE)
        self._parts = lru_cache(maxsize=_CACHE_SIZE)(self._split)
        self._near = lru_cache(maxsize=_CACHE_SIZE)(self._near_uncached)
        self.table = table or WordTable()
        """Lemmas and frequencies (``simplemma``, ``wordfreq``), from the index's table."""
        self.lemma = lru_cache(maxsize=_CACHE_SIZE)(self.table.lemma)
        self._base_stopwords = frozenset(STOPWORDS_DANISH)
        self._stopwords = self._base_stopwords | frozenset(extra_stopwords)
        self._vocabulary = frozenset(vocabulary)
        self.surface_words = frozenset(surface_words)
        """The corpus's words as written (lower-case), for spelling and abbreviations."""
        self._part_stems = self._vocabulary | frozenset(part_stems)
        """What a compound may split into: the corpus's stems and common Danish words'."""
        self.names = frozenset(names)
        """The corpus's words only ever written with a capital (lower-case): places, people."""
        self.pairs = frozenset(pairs)
        """Each two words that stand side by side in the corpus (lower-case), stop words too."""

    def words(self, text: str, strict: bool = True) -> list[str]:
        """Lower-case words without stop words, in order; ``strict`` drops the extra stop words
        too (English ones, for English questions)."""
        stopwords = self._stopwords if strict else self._base_stopwords
        words: list[str] = []
        for word in _WORD.findall(text.lower()):
            if len(word) > 1 or word.isdigit():  # "KL's" -> "kl", not "s"; "e-mail" -> "mail"
                words.append(word)
        return [w for w in words if w not in stopwords]

    def is_stopword(self, word: str) -> bool:
        return word in self._stopwords

    def stem(self, word: str) -> str:
        return self._stemmer.stemWord(word)

    def terms(self, text: str) -> list[str]:
        """Stems of the words (and of their lemmas, where Snowball leaves a past tense apart:
        "sad" -> "sidde"), plus the parts of compound words, in order, repeats kept."""
        out: list[str] = []
        for word in self.words(text):
            stem = self.stem(word)
            out.append(stem)
            lemma_stem = self.stem(self.lemma(word))
            if lemma_stem != stem:
                out.append(lemma_stem)
            parts = self.compound_parts(word)
            out.extend(parts)
            # "politikerne" splits into common words ("politi" + "kerne") the article lacks;
            # then its near stem ("politisk") is what the article says.
            known_parts = any(self.has_stem(p) for p in parts)
            if not known_parts and self._vocabulary and not self.has_stem(stem):
                out.extend(self.near_stems(stem))
        return out

    def near_stems(self, stem: str) -> tuple[str, ...]:
        """Known stems that differ from an unknown one only in the ending.

        Snowball leaves "politik" and "politisk", or "organisering" and "organis", apart; a
        shared beginning of at least five letters that leaves at most five letters over
        brings them together.
        """
        return self._near(stem)

    def _near_uncached(self, stem: str) -> tuple[str, ...]:
        return _near(stem, self._vocabulary)

    def compound_parts(self, word: str) -> tuple[str, ...]:
        """Stems of the parts of a compound word, or () when it does not split into known stems.

        Memoised (a tail is split once, not once per way of reaching it: without that,
        "chefe" * 20 took seconds) and bounded in word length and cache size.
        """
        if not 7 <= len(word) <= _MAX_COMPOUND_CHARS:
            return ()
        return self._parts(word)

    def _split(self, word: str) -> tuple[str, ...]:
        # Longest known head first: "ledelsesfilosofi" -> "ledelse" + "s" + "filosofi".
        # Parts of four letters or more (a head may stem shorter, "ledelse" -> "led"):
        # shorter "parts" ("ens" in "kommunens", "sid" in "hjemmeside") are endings or
        # accidents, not words; a three-letter head only when the article uses that word
        # ("jobskiftet" -> "job" + "skiftet").
        for cut in range(len(word) - 4, 2, -1):
            head, rest = word[:cut], word[cut:]
            if cut == 3 and head not in self.surface_words:
                continue
            if len(self.stem(head)) < 3 or self.stem(head) not in self._part_stems:
                continue
            for link in _LINKING:
                if not rest.startswith(link) or len(rest) - len(link) < 4:
                    continue
                tail = rest[len(link) :]
                tail_stem = self.stem(tail)
                if len(tail_stem) >= 4 and tail_stem in self._part_stems:
                    return (self.stem(head), tail_stem)
                deeper = self.compound_parts(tail)
                if deeper:
                    return (self.stem(head), *deeper)
        return ()

    def with_vocabulary(self, texts: Sequence[str], part_words: Iterable[str] = ()) -> Analyzer:
        """A copy that knows the stems of ``texts`` and splits compounds into them, or into
        ``part_words`` (common Danish words: "økonomiudvalget" -> "økonomi" + "udvalg")."""
        surface = {w for text in texts for w in self.words(text, strict=False)}
        vocabulary = {self.stem(w) for w in surface}
        parts = {self.stem(w) for w in part_words if len(w) >= _MIN_PART and w.isalpha()}
        extra = self._stopwords - self._base_stopwords
        written = [w for text in texts for w in _MID_SENTENCE.findall(text)]
        lower = {w for w in written if w.islower()}
        names = {w.lower() for w in written if w[0].isupper() and w.lower() not in lower}
        runs = [_WORD.findall(text.lower()) for text in texts]
        pairs = {pair for run in runs for pair in itertools.pairwise(run)}
        return Analyzer(vocabulary, extra, surface, parts, self.table, names, pairs)

    def has_stem(self, stem: str) -> bool:
        return stem in self._vocabulary

    def has_stem_of(self, word: str) -> bool:
        """Does the corpus have a word of this word's stem (a form of the article's word)?"""
        return self.has_stem(self.stem(word))

    @cached_property
    def surface_lemmas(self) -> frozenset[str]:
        """The lemmas of the corpus's words."""
        return frozenset(self.lemma(w) for w in self.surface_words)

    def uses(self, word: str) -> bool:
        """Does the corpus have the word or a word of its lemma? A shared Snowball stem is
        not enough: "grundig" is no "grunde"."""
        return word in self.surface_words or self.lemma(word) in self.surface_lemmas

    def synonyms(self, groups: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """A thesaurus of the subject read against this vocabulary: each word of a group
        (``word = synonym …``, base forms) that the corpus lacks stands for the group's
        words it uses ("omstilling" for "transformation" where an article says
        "transformation", and the other way round in an article that says "omstilling")."""
        table: dict[str, tuple[str, ...]] = {}
        for line in groups:
            words = [w for w in line.replace("=", " ").lower().split() if w.isalpha()]
            found = tuple(w for w in words if self.uses(w))
            for word in words:
                if found and word not in found:
                    table[word] = tuple(dict.fromkeys((*table.get(word, ()), *found)))
        return table

    def known(self, word: str) -> bool:
        """Is the word, one of its compound parts, or a near form in the vocabulary?"""
        stem = self.stem(word)
        return (
            stem in self._vocabulary
            or bool(self.compound_parts(word))
            or bool(self.near_stems(stem))
        )

    def abbreviated(self, word: str) -> str | None:
        """The corpus word a chat abbreviation shortens ("digi" -> "digital", a word cut
        short: "kommunaldir" -> "kommunaldirektør"), if any.

        Only a word that is no corpus word itself, and that begins a corpus word at least
        three letters longer: the shortest such word, which the longer ones extend. Two
        consonants are the initials of a compound's parts ("kd"); a short word of consonants
        may be a name without its vowels ("hdl").
        """
        if word in self.surface_words:
            return None
        if len(word) < 3:
            return None if len(word) < 2 or _VOWELS.search(word) else self._initials(word)
        longer = [w for w in self.surface_words if w.startswith(word) and len(w) >= len(word) + 3]
        if longer:
            return min(longer, key=lambda w: (len(w), w))
        return None if len(word) > _MAX_ABBREVIATION else self._name_skeleton(word)

    def _initials(self, word: str) -> str | None:
        """The corpus compound whose parts' first letters a two-letter chat abbreviation
        spells ("kd" -> "kommunaldirektør"), when one word (in any inflection) fits. Asked
        only of Danish questions, where "kd" is no English gamer's word."""
        return self._one_word(self._compounds_by_initials.get(word, []))

    @cached_property
    def _compounds_by_initials(self) -> dict[str, list[str]]:
        """The corpus's two-part compounds (parts of four letters or more) by the first
        letters of their parts, worked out once, not for every token typed."""
        table: dict[str, list[str]] = {}
        for word in self.surface_words:
            parts = self.compound_parts(word)
            if len(parts) == 2 and all(len(p) >= _MIN_PART for p in parts):
                table.setdefault(parts[0][0] + parts[1][0], []).append(word)
        return table

    def _name_skeleton(self, word: str) -> str | None:
        """The corpus name a vowel-less chat abbreviation stands for ("hdl" -> "haderslev"):
        its first letter, then its letters in order; only when one name (and its genitive)
        fits, since "hdl" could as well be "handel" in a text that has both."""
        if _VOWELS.search(word) or zipf_of(self.table.frequency(word, "en")) >= _CHAT_WORD_ZIPF:
            return None  # "pls", "thx", "btw" are words of chat, not shortened names
        return self._one_word(
            [
                n
                for n in self.names
                if n[0] == word[0] and len(n) >= len(word) + 2 and _in_order(word, n)
            ]
        )

    def _one_word(self, fits: list[str]) -> str | None:
        """The shortest of the words when they are one word and its genitive or inflections
        ("haderslev", "haderslevs"); none when an abbreviation could mean two words."""
        stems = {self.stem(w.removesuffix("s")) for w in fits}
        return min(fits, key=lambda w: (len(w), w)) if len(stems) == 1 else None


THESAURUS = "synonyms_da.txt"
"""The subject's thesaurus in package data (see ``Analyzer.synonyms``)."""
_MAX_ABBREVIATION = 5
_CHAT_WORD_ZIPF = 3.0
"""English frequency from which a vowel-less token is a word ("pls" 3.7) rather than a
shortened name ("hdl" 2.7, "sdb" 2.1)."""
_VOWELS = re.compile("[aeiouyæøåäöüé]")
_MID_SENTENCE = re.compile(r"(?<=[\w,] )[A-Za-zÆØÅæøå]+")


def _in_order(letters: str, word: str) -> bool:
    """Are ``letters`` found in ``word`` one after another, gaps allowed?"""
    rest = iter(word)
    return all(letter in rest for letter in letters)


_MIN_PART = 4


def _near(stem: str, known: Iterable[str]) -> tuple[str, ...]:
    """The stems in ``known`` that share a beginning of five letters or more with ``stem``
    and leave at most five letters over."""
    if len(stem) < 5:
        return ()
    near = []
    for candidate in known:
        shared = shared_beginning(stem, candidate)
        if shared >= 5 and max(len(stem), len(candidate)) - shared <= 5:
            near.append(candidate)
    return tuple(sorted(near))


def shared_beginning(a: str, b: str) -> int:
    """How many letters two words share from the start."""
    return next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )


def format_date(day: date) -> str:
    """The article's own date style: "18. maj 2022"."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"
