"""General Danish word knowledge from maintained resources, not from lists written per question.

- How everyday a word is comes from ``wordfreq``'s Danish frequencies (of the word or of its
  ``simplemma`` lemma, so "fortæl" counts as common as "fortælle"): words every question uses
  ("mener", "siger") say little about its topic, rare ones ("hjemmearbejde") say a lot.
- Typos: a word that is neither Danish nor in the corpus is matched to the nearest corpus word
  or common Danish word by edit distance (``rapidfuzz``'s optimal string alignment, which
  counts a swap of two letters as one edit).
- Danish letters typed without a Danish keyboard ("raad", "forste", "hvornar"): a word is read
  as the corpus word or the far more frequent Danish word it becomes with æ, ø and å put back.
- English: a question whose words are far more frequent in English than in Danish is English.
- Word classes: which Danish words are never nouns (verbs, adjectives) comes from
  Stavekontrolden's hunspell dictionary (``data/word_classes_da.txt.gz``, derived by
  ``scripts/build_word_classes.py``).

Every cache here is fed by user input, so each is bounded.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from assistant.danish import DANISH_NUMBER_WORDS, Analyzer
from assistant.resources import load_lines
from assistant.wordtable import zipf_of

_CACHE = 4096
COMMON_ZIPF = 5.5
"""Words at least this frequent in Danish (per billion words, log10) are everyday words."""
RARE_ZIPF = 3.0
"""Words at most this frequent are as specific as words get."""
_MIN_TYPO_LENGTH = 3
_ENGLISH_MARGIN = 1.0
_ENGLISH_WORD_ZIPF = 2.0
"""English words at least this frequent are words, not typos: "iterated" (2.4), "intranet"
(2.5); "sveen" (1.3) and "reah" (1.4) are typos the web has by mistake."""
_EVERYDAY_ENGLISH_ZIPF = 5.5
"""English's most used words, which name nothing: "what" (6.4), "does" (5.7), "mean" (5.5);
not "budget" (4.8) or "citizens" (4.7)."""
_FIRST_LETTER_ZIPF = 1.0
"""Among typo readings as many edits away, how much more frequent (Zipf) a word with another
first letter must be to win: typos hit the first letter less often than the others."""
_PLAIN_SPELLINGS = {"aa": "å", "ae": "æ", "oe": "ø"}
"""How æ, ø and å are written without a Danish keyboard, beside the bare "a", "o" and "e"."""
_BARE = {"a": ("a", "å", "æ"), "o": ("o", "ø"), "e": ("e", "æ")}
_SURE_MARGIN = 2.5
"""A restored word this much more frequent (Zipf) than as typed shows by itself how the
question was typed: "pa" (4.1) and "på" (7.2), "nar" (3.8) and "når" (6.3); "vare" (4.5) and
"være" (6.5) do not."""
_MAX_COMPOUNDS_OF_PART = 10
"""A function word that begins (or ends) more Danish dictionary words than this is a part of
compounds ("ud", "for", "mellem"; "en", "er"; "have"), not a word typed beside another."""
_APART_MARGIN = 2.0
"""How much commoner (Zipf) both words of a split must be than a word one typo from the
whole for the split to be read: "hvor kom" (6+) before the rare "hvorom" (2.6)."""
_MIN_COMPOUND_PART = 5
"""A compound is corrected part by part only with parts this long: shorter words fit by
chance ("konwulenterene" is no "konsulenter" + "rene")."""
_PART_ZIPF = 3.3
"""A part read from a typo is a word Danish uses, or the article's ("persondata" 3.5,
"forordningen" 3.7; not the name "Terence" 3.0 for "konsuleterene")."""
_MAX_COMPOUND = 40
"""A longer string is no compound typed wrong: its cuts are not looked through."""
_MIN_WORD_PART = 4
"""A compound's part as typed is at least this long ("selv", "sags-"; not "les")."""
_LINKING = ("", "s", "e")
"""What Danish joins a compound's parts with ("ledelse-s-model", "borger-service")."""
_KEYBOARD = ("qwertyuiopå", "asdfghjklæø", "zxcvbnm")
"""The Danish keyboard's letter rows, each set half a key right of the one above."""
_KEYS = {key: (row, place) for row, keys in enumerate(_KEYBOARD) for place, key in enumerate(keys)}
_NEIGHBOURS = {(0, -1), (0, 1), (-1, 0), (-1, 1), (1, -1), (1, 0)}
"""A key's neighbours (rows, places): beside it, the two above it and the two below it."""
_MAX_COMPOUNDS_BESIDE_ARTICLE_WORD = 100
"""Beside the article's own word, a function word may begin or end this many dictionary
words and still stand apart: "er" (36), "i" (72) are seldom prefixes; "selv" (174), "med"
(215), "om" (314) begin compounds the dictionary lacks ("selvledelse", "medstyring")."""
_MAX_SPELLINGS = 1000
"""Spellings of one word tried at most: a word with more is left as typed."""
_RESTORED_MARGIN = 1.25
"""How much more frequent (Zipf) the word with Danish letters must be than the word as typed:
"raad" (0), "paa" (4.7) and "star" (4.4) are "råd", "på" (7.2) and "står" (5.7); "bor" (5.2)
stays "bor", not "bør" (5.5)."""


@cache
def _word_classes() -> dict[str, str]:
    """Read on first need (30 ms): immutable package data."""
    return dict(line.split("\t") for line in load_lines("word_classes_da.txt.gz"))


@cache
def _headwords() -> frozenset[str]:
    """Read on first need (about 60 ms): immutable package data, 115,606 words."""
    return frozenset(load_lines("headwords_da.txt.gz"))


_ENDINGS = ("erne", "ene", "ens", "ets", "er", "en", "et", "es", "ne", "e", "s", "n")
"""Danish inflection endings, longest first: "attesten" is the headword "attest" inflected,
"selvledelsen" the headword "selvledelse"."""


def _listed(word: str) -> bool:
    """Is the word, or the word without an inflection ending, a dictionary headword? A
    function word takes no ending: "hvemer" is "hvem er"."""
    words, closed = _headwords(), _function_word_compounds()
    return word in words or any(
        word.endswith(e) and word[: -len(e)] in words and word[: -len(e)] not in closed
        for e in _ENDINGS
        if len(word) > len(e) + 2
    )


@cache
def _function_word_compounds() -> dict[str, tuple[int, int]]:
    """The Danish function words, each with how many Danish dictionary words it begins and
    ends beside a word of four letters or more ("ud" begins 984, "en" ends 678, "hvor"
    begins 6), and the Danish number words likewise ("tre" begins 43). Read on first need:
    immutable package data (142 lines)."""
    rows = (line.split("\t") for line in load_lines("function_word_compounds_da.txt"))
    return {word: (int(begins), int(ends)) for word, begins, ends in rows}


def _at_cut(typed: str, fixed: str) -> bool:
    """Does the correction only add letters to the end of the part, or take some away
    ("struw" -> "struwe", "hjemmep" -> "hjemme")? Then the cut moved, no typo was mended."""
    return fixed.startswith(typed) or typed.startswith(fixed)


def _linked(part: str) -> list[str]:
    """A compound's first part without each linking letter it may end in, itself first."""
    return [part] + [part[:-1] for e in _LINKING if e and part.endswith(e)]


def _max_edits(word: str) -> int:
    """One edit in a short word, two in a long one: more would turn words into other words."""
    return 1 if len(word) < 8 else 2


def _within_edits(word: str, candidates: Sequence[str]) -> list[tuple[str, int]]:
    """The candidates at most ``_max_edits`` from the word, with their distance (optimal
    string alignment: a swap of two letters is one edit)."""
    limit = _max_edits(word)
    found = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=limit, limit=None)
    return [(candidate, int(distance)) for candidate, distance, _ in found]


class Lexicon:
    """Danish frequencies and spelling correction against the analyzer's corpus words."""

    def __init__(self, analyzer: Analyzer) -> None:
        self._analyzer = analyzer
        self._lemma = analyzer.lemma
        self._table = analyzer.table
        self._corpus = analyzer.surface_words
        dictionary = set(self._table.common_danish_words()) | self._corpus
        self._by_length: dict[int, list[str]] = {}
        self._by_start: dict[tuple[int, str], list[str]] = {}  # by length and first letter
        for word in dictionary:
            if word.isalpha():
                self._by_length.setdefault(len(word), []).append(word)
                self._by_start.setdefault((len(word), word[0]), []).append(word)
        self.zipf = lru_cache(maxsize=_CACHE)(self._zipf)
        self.correction = lru_cache(maxsize=_CACHE)(self._correction)
        self.restored = lru_cache(maxsize=_CACHE)(self._restored)

    def _zipf(self, word: str) -> float:
        """Danish frequency of the word or of its lemma, whichever is higher (0: unknown)."""
        return max(self._frequency(word, "da"), self._frequency(self._lemma(word), "da"))

    def _frequency(self, word: str, lang: str) -> float:
        """``wordfreq``'s Zipf frequency of a lower-case word (log10 per billion words)."""
        return zipf_of(self._table.frequency(word, lang))

    def specificity(self, word: str) -> float:
        """0 for everyday Danish words, 1 for rare ones and words Danish does not know."""
        if word.isdigit():
            return 1.0
        frequency = self.zipf(word)
        if frequency == 0:
            return 1.0
        return min(1.0, max(0.0, (COMMON_ZIPF - frequency) / (COMMON_ZIPF - RARE_ZIPF)))

    def may_be_noun(self, word: str) -> bool:
        """Can the word be a noun, or is it a word the dictionary does not class (a name, a
        new term)? "inddrages" and "landsdækkende" cannot, nor a form of a verb ("fokuserer":
        its lemma is one); "borgmester" and "skat" (lemma "skatte") can."""
        classes = _word_classes()
        if word in classes:
            return classes[word] == "noun"
        return classes.get(self._lemma(word)) != "verb"

    def is_verb(self, word: str) -> bool:
        """Only a verb, or a form of one ("startede": lemma "starte")."""
        return self._class(word) == "verb"

    def is_adjective(self, word: str) -> bool:
        """Only an adjective, or a form of one ("nationale": lemma "national")."""
        return self._class(word) == "adjective"

    def _class(self, word: str) -> str | None:
        classes = _word_classes()
        return classes.get(word, classes.get(self._lemma(word)))

    def is_known(self, word: str) -> bool:
        """A Danish word (``wordfreq``, or the word-class dictionary, which holds rare verbs
        and adjectives wordfreq lacks: "fuske", "omslutte"), or a word of the corpus."""
        return word in self._corpus or self.zipf(word) > 0 or word in _word_classes()

    def is_word(self, word: str) -> bool:
        """A word of the corpus, or a Danish word as written (not only by its lemma:
        ``simplemma`` reads an unknown compound by its first part)."""
        return word in self._corpus or self._frequency(word, "da") > 0

    def _correction(self, word: str, as_name: bool = False) -> str | None:
        """The nearest corpus or common Danish word to a word neither knows, if one is near.

        A typo in the first letter is a key hit instead of another ("bvordan", "dikkerhed"):
        the first letter replaced, not one added or left out, which would read a prefix
        away ("unøjagtig" is no "nøjagtig"); with a second typo, only into a corpus word
        ("lnterviewrunden"; "afhandle" is no "behandle"). A word typed as a name or an
        acronym (``as_name``: "Wammen", "BBR", "IoT") keeps its first letter, and one of three
        letters stays as typed: it is more often a name the article does not know than a typo
        ("Wammen" is no "sammen")."""
        shortest = _MIN_TYPO_LENGTH + (1 if as_name else 0)
        if len(word) < shortest or not word.isalpha() or self.is_known(word):
            return None
        matches = [
            (c, d)
            for c, d in self.near(word, keep_first=as_name)
            if c[0] == word[0]
            or (OSA.distance(word[1:], c[1:]) + 1 == d and (d == 1 or c in self._corpus))
        ]
        if not matches:
            return None if as_name else self._compound_correction(word)
        fewest = min(d for _, d in matches)
        nearest = [c for c, d in matches if d == fewest]
        # Among words as many edits away: the article's own first, then the most frequent,
        # a word with another first letter counting as less frequent ("welv" is "selv", not
        # the rare "well"; "marm" is the article's "karm", not "mark").
        return max(
            nearest,
            key=lambda c: (
                c in self._corpus,
                self.zipf(c) - (_FIRST_LETTER_ZIPF if c[0] != word[0] else 0),
                c,
            ),
        )

    def _compound_correction(self, word: str) -> str | None:
        """A compound the dictionaries lack, with a typo in one of its two parts
        ("persondataforordnkngen", "ledeslestænkning"): the part typed wrong corrected
        beside the other as typed, where that gives words on both sides. Danish writes
        compounds as one word, so most are in no word list, and the longer a word the
        likelier a typo. Not a word whose parts are all words as typed ("pilotprojekter",
        "byggesagsbehandling"): a compound the dictionaries do not know, not a typo. A part
        keeps its first letter, as a name does: the search stays among a twentieth of the
        dictionary, so a message of such words costs little more. The reading nearest the
        word as typed wins, then the one with the article's words, then the commoner."""
        if len(word) > _MAX_COMPOUND or self._compound_as_typed(word):
            return None
        cuts = range(_MIN_COMPOUND_PART, len(word) - _MIN_COMPOUND_PART + 1)
        splits = [(word[:cut], word[cut:]) for cut in cuts]
        readings = set()
        for head, tail in splits:
            # Letters added or left out only at the cut read the word in other parts, not
            # its typo ("struwemail" is no "struwe" + "email", "hjemmeplejen" no "hjemme" +
            # "lejen").
            if self._part(head, linked=True) and (fixed := self.correction(tail, True)):
                keep = self._as_part(fixed) and not _at_cut(tail[::-1], fixed[::-1])
                readings |= {(head, fixed)} if keep else set()
            if self._part(tail):
                fixes = self._head_corrections(head)
                readings |= {
                    (fixed, tail)
                    for fixed in fixes
                    if self._as_part(fixed) and not _at_cut(head, fixed)
                }
        if not readings:
            return None
        head, tail = min(
            readings,
            key=lambda r: (
                OSA.distance(word, "".join(r)),
                -sum(any(stem in self._corpus for stem in _linked(part)) for part in r),
                -min(self.zipf(r[0]), self.zipf(r[1])),
                r,
            ),
        )
        return head + tail

    def _compound_as_typed(self, word: str, parts: int = 3) -> bool:
        """Does the word split into Danish words as typed, into up to ``parts`` of four
        letters or more ("selv" + "betjente", "bygge" + "sags" + "behandling", "hjemme" +
        "plejen")?"""
        for cut in range(_MIN_WORD_PART, len(word) - _MIN_WORD_PART + 1):
            head, tail = word[:cut], word[cut:]
            # Words as written, the last part also a dictionary headword with an ending
            # ("plejen"; a first part takes none): a look-up each, no lemma guessed per cut.
            if self._part(head, linked=True, shortest=_MIN_WORD_PART) and (
                self._as_written(tail) or (parts > 2 and self._compound_as_typed(tail, parts - 1))
            ):
                return True
        return False

    def _as_written(self, word: str) -> bool:
        """A Danish word as typed, or a dictionary headword with an ending ("plejen")."""
        return self.is_word(word) or _listed(word)

    def _part(self, part: str, linked: bool = False, shortest: int = _MIN_COMPOUND_PART) -> bool:
        """A word as typed, of ``shortest`` letters or more, that can be a compound's part; a
        first part (``linked``) may end in a linking letter ("ledelses-", "borger-")."""
        stems = _linked(part) if linked else [part]
        return any(len(stem) >= shortest and self.is_word(stem) for stem in stems)

    def _as_part(self, word: str) -> bool:
        """Can a part read from a typo be this word (with its linking letter, if any)?"""
        return any(s in self._corpus or self.zipf(s) >= _PART_ZIPF for s in _linked(word))

    def _head_corrections(self, head: str) -> list[str]:
        """A first part typed wrong, read with and without a linking letter ("ledesles" ->
        "ledelses", "ledelser")."""
        readings = []
        for stem in _linked(head):
            if len(stem) >= _MIN_COMPOUND_PART and (fixed := self.correction(stem, True)):
                readings.append(fixed + head[len(stem) :])
        return readings

    def _restored(self, word: str) -> str | None:
        """The word with æ, ø or å put back where it was typed as "ae", "oe", "aa" or a bare
        vowel, if that is a corpus word or far more frequent in Danish than the word as typed."""
        if word in self._corpus or not word.isalpha():
            return None
        typed = self._frequency(word, "da")
        scored = [(c in self._corpus, self._frequency(c, "da"), c) for c in _spellings(word)]
        found = [f for f in scored if f[2] != word and (f[0] or f[1] > 0)]
        if not found:
            return None
        in_corpus, frequency, best = max(found)
        if in_corpus and typed == 0:
            return best
        return best if frequency >= typed + _RESTORED_MARGIN else None

    def surely_restored(self, word: str, restored: str) -> bool:
        """Does this one word show that the question was typed without æ, ø and å? Yes when
        it is no word as typed ("raad"), when the word with them is overwhelmingly more
        frequent ("pa": "på"), or when that is a word of the corpus that is not an everyday
        one ("rad": the article's "råd"). "vare" could be meant ("hvor lang tid skal det
        vare"), and "maske" too."""
        typed, meant = self._frequency(word, "da"), self._frequency(restored, "da")
        return (
            not self.is_word(word)
            or meant >= typed + _SURE_MARGIN
            or (restored in self._corpus and meant < COMMON_ZIPF)
        )

    def near(self, word: str, keep_first: bool = True) -> list[tuple[str, int]]:
        """Corpus and common Danish words a typo or two from the word (one in a short word),
        with their distance; with ``keep_first``, only words with the same first letter."""
        limit = _max_edits(word)
        lengths = range(len(word) - limit, len(word) + limit + 1)
        groups = (
            [self._by_start.get((n, word[0]), []) for n in lengths]
            if keep_first
            else [self._by_length.get(n, []) for n in lengths]
        )
        return _within_edits(word, [c for group in groups for c in group if c != word])

    def near_in(self, word: str, words: Sequence[str]) -> list[str]:
        """The words a typo or two from the word (one in a short word) with its first
        letter, nearest first, then the more frequent in English (the words of an English
        question's typos: the glossary's and the corpus's)."""
        if len(word) <= _MIN_TYPO_LENGTH or not word.isalpha():
            return []
        limit = _max_edits(word)
        candidates = [
            w for w in words if w[:1] == word[:1] and w != word and abs(len(w) - len(word)) <= limit
        ]
        found = _within_edits(word, candidates)
        ranked = sorted(found, key=lambda f: (f[1], -self._frequency(f[0], "en"), f[0]))
        return [candidate for candidate, _ in ranked]

    def apart(self, word: str) -> tuple[str, str] | None:
        """Two words typed without the space between them, one a function or number word
        ("hvorlænge", "karmpå", "hvilkenkommune", "femtegode"; the other may be a typo of the
        article's word: "ogdigitalisring"), when the word is no Danish
        word as typed and no typo of one ("komune"): where several splits fit, the one
        with the article's word, then with the commoner words ("hvilket råd", not "hvilke
        tråd"). A word one typo away keeps it whole when it is the article's or nearly as
        common as the split's words, not when it is one of them ("idigitaliseringen") or
        far rarer ("hvorkom" is "hvor kom", not "hvorom")."""
        if len(word) < 5 or not word.isalpha() or self.is_word(word) or word in _word_classes():
            return None  # not its lemma: simplemma reads "hvilkenkommune" as "kommune"
        if self.is_english_word(word) or _listed(word):
            return None  # a loanword ("backend"), a rare word wordfreq lacks ("attesten")
        splits = [(word[:cut], word[cut:]) for cut in range(1, len(word))]
        fits = [s for s in splits if self._may_stand_apart(*s)]
        if not fits:
            return None
        best = max(fits, key=lambda s: (sum(p in self._corpus for p in s), min(map(self.zipf, s))))
        parts = {part for fit in fits for part in fit}
        likelier = min(map(self.zipf, best)) - _APART_MARGIN  # "hvorkom": not rare "hvorom"
        typos = [n for n, d in self.near(word, keep_first=False) if d == 1 and n not in parts]
        if any(n in self._corpus or self.zipf(n) > likelier for n in typos):
            return None  # the search for near words last: most unknown words do not split
        return best

    def _may_stand_apart(self, left: str, right: str) -> bool:
        """One function or number word and one content word of three letters or more (a
        Danish word as written, or a form of the article's; not by its lemma, which
        simplemma guesses for any string), where the function word seldom begins (ends) a
        Danish word (``_function_word_compounds``): "hvor", "har" and "på" do so seldom,
        "ud", "for", "mellem" (prefixes) and "en", "er", "de" (endings) often; beside a
        form of the article's own word, also a function word that begins or ends some
        Danish words but is no common prefix ("erartiklen", "idigitaliseringen"; not
        "medstyring", "selvledelsen", "toniveau", which are compounds the dictionary lacks);
        or two function words that seldom do ("hvornårblev", "hvordandet"), or whose first
        begins no word at all ("hvemer": after "hvem", "-er" is no ending). English function
        words ("is", "and") are no Danish ones: "iskage" is one word. Or an inflected verb
        and a word after it (``_beside_verb_form``)."""
        if self._beside_verb_form(left, right):
            return True
        table = _function_word_compounds()
        if left in table and right in table:
            seldom = max(table[left][0], table[right][1]) <= _MAX_COMPOUNDS_BESIDE_ARTICLE_WORD
            if seldom or table[left][0] == 0:
                return True
        return any(
            self._beside_function_word(function, content, side)
            for function, content, side in ((left, right, 0), (right, left, 1))
            if function in table and (content not in table or content in DANISH_NUMBER_WORDS)
        )  # a number word is content beside a function word ("femud")

    def _beside_verb_form(self, verb: str, word: str) -> bool:
        """An inflected verb and a word after it ("startedekarm", "betydertænk"): a Danish
        compound does not begin with a verb's tense ("styregruppe" begins with its stem),
        though it may end with a participle ("borgerrettet", "fejlsendte"). Only words that
        are nothing but a verb, by the word-class dictionary ("leder", "bruger" are nouns too
        and begin compounds; "viste", by its lemma "vise", is a noun too), and words as
        written."""
        return (
            len(verb) >= 4
            and len(word) >= 3
            and self.is_word(verb)
            and self.is_verb(verb)
            and verb != self._lemma(verb)
            and (word in self._corpus or self.is_word(word) or self._analyzer.has_stem_of(word))
        )

    def _beside_function_word(self, function: str, content: str, side: int) -> bool:
        if len(content) < 3 and content not in self._corpus:
            return False  # "harit": the article's "it"
        compounds = _function_word_compounds()[function][side]
        article_word = self._analyzer.has_stem_of(content)
        written = content in self._corpus or self.is_word(content)
        # A number word begins compounds of its own ("toårig"): no exception for it.
        beside_article = article_word and written and function not in DANISH_NUMBER_WORDS
        if beside_article and compounds <= _MAX_COMPOUNDS_BESIDE_ARTICLE_WORD:
            return True
        # A typo of the article's word ("ogdigitalisring": "og" + "digitalisring") only
        # beside a function word that seldom begins or ends a word.
        near_article = len(content) >= _MIN_COMPOUND_PART and self._typo_of_article_word(content)
        return (self.is_word(content) or article_word or near_article) and (
            compounds <= _MAX_COMPOUNDS_OF_PART
        )

    def _typo_of_article_word(self, word: str) -> bool:
        """Is the word one or two typos from the article's word, its first letter kept?"""
        fixed = self.correction(word, True)
        return fixed is not None and fixed in self._corpus

    @staticmethod
    def slipped(typed: str, meant: str) -> bool:
        """Is ``typed`` ``meant`` with one letter hit on a neighbouring key ("damme" for
        "samme"; not "kunde" for "runde", whose k and r lie apart)?"""
        if len(typed) != len(meant):
            return False
        pairs = [(a, b) for a, b in zip(typed, meant, strict=True) if a != b]
        if len(pairs) != 1 or not all(c in _KEYS for c in pairs[0]):
            return False
        (row, place), (other_row, other_place) = (_KEYS[c] for c in pairs[0])
        return (other_row - row, other_place - place) in _NEIGHBOURS

    def is_function_word(self, word: str) -> bool:
        """A Danish function or number word ("og", "om", "tre")."""
        return word in _function_word_compounds()

    def is_typo_of(self, word: str, other: str) -> bool:
        """Is the word a typo or two from the other (one in a short word), as ``near``
        counts them?"""
        limit = _max_edits(word)
        return word != other and OSA.distance(word, other, score_cutoff=limit) <= limit

    def is_english_word(self, word: str) -> bool:
        """A word of English, if a rare one ("intranet", "swarming"); not a string the web
        has by mistake now and then ("sveen", "reah")."""
        return self._frequency(word, "en") >= _ENGLISH_WORD_ZIPF

    def is_common_english(self, word: str) -> bool:
        """An English word more than rarely used ("committee"; not "iot" or "bbr")."""
        return self._frequency(word, "en") > RARE_ZIPF

    def is_everyday_english(self, word: str) -> bool:
        """One of English's most used words ("what", "does", "mean", "about"; not "budget",
        "citizens"): in an English question it names nothing the article could hold."""
        return self._frequency(word, "en") >= _EVERYDAY_ENGLISH_ZIPF

    def is_english(self, words: Sequence[str]) -> bool:
        """Are most of the words clearly more frequent in English than in Danish? Of the
        words that say something: a typo ("contatc") is of neither language, nor is one of
        the article's names ("Jesper")."""
        frequency = self._frequency
        telling = [
            w
            for w in words
            if w not in self._analyzer.names and (frequency(w, "en") or frequency(w, "da"))
        ]
        english = sum(frequency(w, "en") > frequency(w, "da") + _ENGLISH_MARGIN for w in telling)
        return english * 2 > len(telling) > 0


def _spellings(word: str) -> list[str]:
    """Every reading of the word with "aa", "ae", "oe" or a bare vowel as å, æ, ø ("soen":
    "søn", "søen" and the others), none if there would be more than ``_MAX_SPELLINGS``."""
    endings: list[list[str]] = [[] for _ in word] + [[""]]
    for i in reversed(range(len(word))):
        options = [(o, i + 1) for o in _BARE.get(word[i], (word[i],))]
        if word[i : i + 2] in _PLAIN_SPELLINGS:
            options.append((_PLAIN_SPELLINGS[word[i : i + 2]], i + 2))
        endings[i] = [o + rest for o, j in options for rest in endings[j]]
        if len(endings[i]) > _MAX_SPELLINGS:
            return []
    return endings[0]
