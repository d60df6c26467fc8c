"""Write ``assistant/data/not_nouns_da.txt.gz``: the Danish words that are never nouns.

Source: Stavekontrolden's Danish hunspell dictionary, as Debian ships it in ``hunspell-da``
(``apt-get install hunspell-da``; GPL 2.0 / LGPL 2.1 / MPL 1.1). Its affix file says in a
comment above each inflection class what the class inflects ("Substantiv, fælleskøn …",
"Verbum, svagt bøjet …", "Adjektiv …"), and each dictionary entry lists its classes. An entry
without one is an adverb, a preposition, an irregular verb ("inddrage") or one of their forms
("inddrages st:inddrage", classed by its stem). A capitalised entry without a class (a name,
an abbreviation) counts as a noun.

The assistant reads this list at run time (``assistant.lexicon``); the dictionary itself is
needed only to rebuild it: ``python scripts/build_word_classes.py [/usr/share/hunspell/da_DK]``.
"""

from __future__ import annotations

import gzip
import re
import sys
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "assistant" / "data" / "not_nouns_da.txt.gz"
CLASSES = {
    "substantiv": "noun",
    "proprium": "noun",
    "verbum": "verb",
    "adjektiv": "adjective",
    "verbalsubstantiv": "",  # forms a noun from a verb: the verb entry stays a verb
}
AFFIX_HEADER = re.compile(r"(?:SFX|PFX) (\S+) [YN] \d+")


def flag_classes(aff: Path) -> dict[str, str]:
    """Each affix flag's word class, from the comment above its block."""
    classes: dict[str, str] = {}
    comment = ""
    for line in aff.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            comment = line[1:].split(",")[0].strip().removeprefix("x ").lower()
        elif (match := AFFIX_HEADER.match(line)) and CLASSES.get(comment):
            classes[match[1]] = CLASSES[comment]
    return classes


def entries(dic: Path) -> list[tuple[str, list[str], list[str]]]:
    """(word, flags, stems it is a form of) for every dictionary line."""
    out = []
    for line in dic.read_text(encoding="utf-8").splitlines()[1:]:
        fields = line.split()
        if not fields:
            continue
        word, _, flags = fields[0].partition("/")
        stems = [f[3:] for f in fields[1:] if f.startswith("st:")]
        out.append((word, flags.split(",") if flags else [], stems))
    return out


def word_classes(base: Path) -> dict[str, set[str]]:
    by_flag = flag_classes(base.with_suffix(".aff"))
    rows = entries(base.with_suffix(".dic"))
    own: dict[str, set[str]] = defaultdict(set)
    for word, flags, _ in rows:
        own[word].update(by_flag[f] for f in flags if f in by_flag)
    classes: dict[str, set[str]] = defaultdict(set)
    for word, _, stems in rows:
        found = own[word] | {c for s in stems for c in own.get(s, ())}
        if not found:
            found = {"other"} if word.islower() else {"noun"}
        classes[word.lower()] |= found
    return classes


def main() -> None:
    base = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/hunspell/da_DK")
    words = sorted(w for w, c in word_classes(base).items() if "noun" not in c)
    header = [
        "# Danish words that are never nouns (verbs, adjectives, adverbs, ...), derived by",
        "# scripts/build_word_classes.py from Stavekontrolden's hunspell dictionary",
        "# (Debian hunspell-da; GPL 2.0 / LGPL 2.1 / MPL 1.1, www.stavekontrolden.dk).",
    ]
    OUT.write_bytes(gzip.compress("\n".join([*header, *words, ""]).encode(), mtime=0))
    print(f"{len(words)} words -> {OUT}")


if __name__ == "__main__":
    main()
