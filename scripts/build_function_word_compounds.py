"""Write ``assistant/data/function_word_compounds_da.txt``: how often each Danish function word
begins or ends a compound, and ``assistant/data/headwords_da.txt.gz``: the dictionary's words.

Two words typed without the space between them ("hvorlænge", "karmpå") are read apart only
where the function word is seldom part of a compound: "ud", "for" and "mellem" begin
hundreds of Danish words ("udfase", "mellemleder"), "en", "er" and "et" end them as endings
("kontorchefen"), "have" and "mine" are nouns too ("havegrill", "guldmine"), while "hvor",
"har" and "på" begin or end next to none. The counts are of the dictionary's headwords that
are the function word and a dictionary word of four letters or more that is no function word.
The headwords (lower-case, letters only) tell a rare Danish word that wordfreq lacks
("attest", "guldmine", "hurtigtog") from two words typed together.

Source: Stavekontrolden's Danish hunspell dictionary, as Debian ships it in ``hunspell-da``
(``apt-get install hunspell-da``; GPL 2.0 / LGPL 2.1 / MPL 1.1); the function words are the
Danish stop words of ``bm25s``, which the search leaves out, and the Danish number words
("tre", "femte"), a closed class typed against a word as often ("det femtegode råd"). The
dictionary is needed only to rebuild the list:
``python scripts/build_function_word_compounds.py [path without suffix]``
(default ``/usr/share/hunspell/da_DK``).
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

from bm25s.stopwords import STOPWORDS_DANISH
from build_word_classes import WORD, entries

from assistant.danish import DANISH_NUMBER_WORDS

DATA = Path(__file__).resolve().parent.parent / "assistant" / "data"
OUT = DATA / "function_word_compounds_da.txt"
HEADWORDS = DATA / "headwords_da.txt.gz"
MIN_CONTENT = 4


def counts(words: set[str], function_words: set[str]) -> dict[str, tuple[int, int]]:
    """Each function word's number of headwords it begins and it ends."""
    begins = dict.fromkeys(function_words, 0)
    ends = dict.fromkeys(function_words, 0)
    for word in words:
        for cut in range(1, len(word)):
            left, right = word[:cut], word[cut:]
            if left in function_words and _content(right, words, function_words):
                begins[left] += 1
            if right in function_words and _content(left, words, function_words):
                ends[right] += 1
    return {w: (begins[w], ends[w]) for w in sorted(function_words)}


def _content(part: str, words: set[str], function_words: set[str]) -> bool:
    return len(part) >= MIN_CONTENT and part in words and part not in function_words


def main() -> None:
    base = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/hunspell/da_DK")
    words = {w for w, _, _ in entries(base.with_suffix(".dic")) if WORD.fullmatch(w)}
    table = counts(words, set(STOPWORDS_DANISH) | DANISH_NUMBER_WORDS)
    header = [
        "# Danish function and number words, and how many headwords of Stavekontrolden's hunspell",
        "# dictionary (Debian hunspell-da; GPL 2.0 / LGPL 2.1 / MPL 1.1) each begins and ends",
        "# beside a word of four letters or more; by scripts/build_function_word_compounds.py.",
        "# word\tbegins\tends",
    ]
    body = [f"{w}\t{b}\t{e}" for w, (b, e) in table.items()]
    OUT.write_text("\n".join([*header, *body, ""]), encoding="utf-8")
    print(f"{len(body)} function words from {len(words)} headwords -> {OUT}")
    source = "# Headwords of Stavekontrolden's dictionary (hunspell-da; GPL/LGPL/MPL)"
    listed = [source, *sorted(words), ""]
    HEADWORDS.write_bytes(gzip.compress("\n".join(listed).encode(), mtime=0))
    print(f"{len(words)} headwords -> {HEADWORDS}")


if __name__ == "__main__":
    main()
