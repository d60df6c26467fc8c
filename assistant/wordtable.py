"""What ``wordfreq`` and ``simplemma`` say about the words the assistant meets most, read from
one small file written beside the index instead of from the libraries' own data.

Importing wordfreq and reading its Danish and English tables, and loading simplemma's Danish
dictionary, took about 0.8 s of every fresh process's start (``python -X importtime``). So
``assistant index`` also writes ``words.json``: the most frequent Danish words in wordfreq's
order (``COMMON_WORDS``), and for those, every word of the corpus and their lemmas, the
lemma and the Danish and English frequencies — the libraries' own answers, with their
versions. A word the table lacks is asked of the libraries, loaded on that first need, and a
table written by other versions is not used: every answer is the same as without the table.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Iterable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FILE = "words.json"
FORMAT = 1
COMMON_WORDS = 30_000
"""How many of wordfreq's most frequent Danish words are the dictionary for typos and
compound parts."""
LANGUAGES = ("da", "en")


def versions() -> dict[str, Any]:
    """What the table's answers depend on: its format and the two libraries' versions."""
    return {
        "format": FORMAT,
        "common": COMMON_WORDS,
        "wordfreq": metadata.version("wordfreq"),
        "simplemma": metadata.version("simplemma"),
    }


@cache
def _lemmatizer() -> Any:
    """simplemma's lemmatizer without its own token cache (65,536 entries): the analyzer's
    cache is the bounded one. Its low-memory dictionary gives the same lemmas in a quarter of
    the memory (measured: 25 MB against 115 MB) and loads faster (0.4 s against 0.8 s)."""
    import simplemma
    from simplemma.strategies import DefaultStrategy

    return simplemma.Lemmatizer(
        cache_max_size=0, lemmatization_strategy=DefaultStrategy(low_memory=True)
    )


def library_lemma(word: str) -> str:
    """The word's Danish lemma (``simplemma``), or the word itself."""
    return str(_lemmatizer().lemmatize(word, lang="da")).lower()


def library_frequency(word: str, lang: str) -> float:
    """``wordfreq``'s frequency of a lower-case word (0: unseen), read from its table
    directly: ``zipf_frequency`` keeps every word it was asked about in a cache of 100,000,
    and words users type must not fill memory."""
    from wordfreq import get_frequency_dict

    return float(get_frequency_dict(lang).get(word, 0.0))


@cache
def library_common_words() -> tuple[str, ...]:
    """The most frequent Danish words (``wordfreq``), read once."""
    from wordfreq import top_n_list

    return tuple(top_n_list("da", COMMON_WORDS))


def zipf_of(frequency: float) -> float:
    """A frequency on wordfreq's Zipf scale (log10 per billion words; 0: unseen)."""
    return round(math.log10(frequency) + 9, 2) if frequency else 0.0


class WordTable:
    """Lemmas, frequencies and the common Danish words: from the table where it has them,
    else from the libraries. ``WordTable()`` has no table and always asks the libraries."""

    def __init__(
        self,
        common: tuple[str, ...] | None = None,
        lemmas: dict[str, str] | None = None,
        frequencies: dict[str, dict[str, float]] | None = None,
    ) -> None:
        self._common = common
        self._lemmas = lemmas or {}
        self._frequencies = frequencies or {}

    def lemma(self, word: str) -> str:
        lemma = self._lemmas.get(word)
        return library_lemma(word) if lemma is None else lemma

    def frequency(self, word: str, lang: str) -> float:
        frequency = self._frequencies.get(lang, {}).get(word)
        return library_frequency(word, lang) if frequency is None else frequency

    def common_danish_words(self) -> tuple[str, ...]:
        return library_common_words() if self._common is None else self._common

    def covers(self, words: Iterable[str]) -> bool:
        """Does the table hold the common words and every one of ``words``?"""
        return self._common is not None and all(w in self._lemmas for w in words)

    def preload(self) -> None:
        """Load the libraries' data now (a server, after its first answer), so the first
        question with a word the table lacks does not wait for it."""
        library_lemma("hus")
        for lang in LANGUAGES:
            library_frequency("hus", lang)

    @classmethod
    def load(cls, folder: Path) -> WordTable:
        """The table in ``folder`` when it was written by these library versions; else one
        that asks the libraries."""
        try:
            data = json.loads((folder / FILE).read_text(encoding="utf-8"))
            if data["versions"] != versions():
                log.info("%s was written by other library versions; not used", folder / FILE)
                return cls()
            words = data["words"]
            return cls(
                tuple(data["common"]),
                dict(zip(words, data["lemmas"], strict=True)),
                {lang: dict(zip(words, data[lang], strict=True)) for lang in LANGUAGES},
            )
        except (OSError, ValueError, KeyError, TypeError, metadata.PackageNotFoundError):
            return cls()


def write_table(folder: Path, corpus_words: Iterable[str]) -> None:
    """Write ``words.json`` into ``folder``: the libraries' answers for the common Danish
    words, ``corpus_words`` and their lemmas (atomically; the libraries are loaded here)."""
    common = library_common_words()
    words = dict.fromkeys([*common, *sorted(set(corpus_words))])
    words |= dict.fromkeys([library_lemma(w) for w in words])
    ordered = list(words)
    data = {
        "versions": versions(),
        "common": list(common),
        "words": ordered,
        "lemmas": [library_lemma(w) for w in ordered],
    } | {lang: [library_frequency(w, lang) for w in ordered] for lang in LANGUAGES}
    temporary = folder / f".{FILE}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    temporary.replace(folder / FILE)
