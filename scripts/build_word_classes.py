"""Write ``assistant/data/word_classes_da.txt.gz``: Danish words that are never nouns.

Source: Stavekontrolden's Danish hunspell dictionary, as Debian ships it in ``hunspell-da``
(``apt-get install hunspell-da``; GPL 2.0 / LGPL 2.1 / MPL 1.1). Its affix file says in a
comment above each inflection class what the class inflects ("Substantiv, fælleskøn …",
"Verbum, svagt bøjet …", "Adjektiv …"), and each dictionary entry lists its classes; a form
listed on its own ("inddrages st:inddrage") has its stem's. An entry without a class is an
irregular verb when its listed forms hold a present participle ("oversætte al:… oversættende");
any other one (an adverb, a loanword such as "compliance", a name) is left out: the list
says only what the dictionary says.

Each line is a word and its class ("verb" or "adjective"). The assistant also reads a word's
lemma (``simplemma``) in the list, but only as a verb ("fokuserer" -> "fokusere"), since a
nominalised adjective ("de ansatte", "de ældre") is a noun; nouns whose lemma ``simplemma``
gives as a verb ("skat" -> "skatte") are listed as "noun", so that the lemma does not count.

The dictionary is needed only to rebuild the list:
``python scripts/build_word_classes.py [/usr/share/hunspell/da_DK]``.
"""

from __future__ import annotations

import gzip
import re
import sys
from collections import defaultdict
from pathlib import Path

from assistant.wordtable import library_lemma

OUT = Path(__file__).resolve().parent.parent / "assistant" / "data" / "word_classes_da.txt.gz"
CLASSES = {
    "substantiv": "noun",
    "proprium": "noun",
    "verbum": "verb",
    "adjektiv": "adjective",
    "verbalsubstantiv": "",  # forms a noun from a verb: the verb entry stays a verb
}
AFFIX_HEADER = re.compile(r"(?:SFX|PFX) (\S+) [YN] \d+")
WORD = re.compile(r"[a-zæøåéü]+")


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


def entries(dic: Path) -> list[tuple[str, list[str], dict[str, list[str]]]]:
    """(word, flags, morphological fields such as st: and al:) for every dictionary line."""
    out = []
    for line in dic.read_text(encoding="utf-8").splitlines()[1:]:
        fields = line.split()
        if not fields:
            continue
        word, _, flags = fields[0].partition("/")
        morph: dict[str, list[str]] = defaultdict(list)
        for field in fields[1:]:
            key, _, value = field.partition(":")
            morph[key].append(value)
        out.append((word, flags.split(",") if flags else [], morph))
    return out


def word_classes(base: Path) -> dict[str, set[str]]:
    """Every dictionary word's classes, as far as the dictionary says."""
    by_flag = flag_classes(base.with_suffix(".aff"))
    rows = entries(base.with_suffix(".dic"))
    own: dict[str, set[str]] = defaultdict(set)
    for word, flags, morph in rows:
        own[word].update(by_flag[f] for f in flags if f in by_flag)
        if not flags and any(form.endswith("ende") for form in morph["al"]):
            own[word].add("verb")
    classes: dict[str, set[str]] = defaultdict(set)
    for word, _, morph in rows:
        found = own[word] | {c for stem in morph["st"] for c in own.get(stem, ())}
        if not word[0].islower():
            found.add("noun")  # a name or an abbreviation in capitals
        if found and WORD.fullmatch(word.lower()):
            classes[word.lower()] |= found
    return classes


def lines(classes: dict[str, set[str]]) -> list[str]:
    """Never-nouns with their class, and the nouns a verb lemma would hide."""
    never = {w: ("verb" if "verb" in c else "adjective") for w, c in classes.items()}
    never = {w: kind for w, kind in never.items() if "noun" not in classes[w]}
    verbs = {w for w, kind in never.items() if kind == "verb"}
    hidden = {w for w, c in classes.items() if "noun" in c and library_lemma(w) in verbs}
    return sorted([f"{w}\t{kind}" for w, kind in never.items()] + [f"{w}\tnoun" for w in hidden])


def main() -> None:
    base = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/hunspell/da_DK")
    header = [
        "# Danish words and their class when they are never nouns, and nouns whose lemma looks",
        "# like a verb; derived by scripts/build_word_classes.py from Stavekontrolden's hunspell",
        "# dictionary (Debian hunspell-da; GPL 2.0 / LGPL 2.1 / MPL 1.1, www.stavekontrolden.dk).",
    ]
    body = lines(word_classes(base))
    OUT.write_bytes(gzip.compress("\n".join([*header, *body, ""]).encode(), mtime=0))
    print(f"{len(body)} words -> {OUT}")


if __name__ == "__main__":
    main()
