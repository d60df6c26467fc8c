"""How the assistant holds up when a question it answers gets one typo.

Takes the tune questions without a conversation that it answers with the expected words (it
skips the sealed split), puts one random edit (a swap, a letter left out, added or
replaced, never the first) into one word of five letters or more, and asks again. Prints how
many of the changed questions are declined or lose the expected words, and which. The edits
are random, not chosen, so the probe is fair to no word list; a seed repeats a run. With
``--plain`` the question is instead typed without a Danish keyboard: lower case, without
punctuation, and æ, ø, å written as "ae", "oe", "aa" or as bare vowels (one way, chosen at
random, per question).

``python scripts/typo_probe.py [corpus/questions.jsonl] [--seed N] [--plain]``
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

from assistant.answer import Answer
from assistant.app import create_assistant
from assistant.evaluation import EvalQuestion, judge, load_questions

LETTERS = "abcdefghijklmnoprstuvyæøå"
WORD = re.compile(r"\w{5,}")
PLAIN = (
    {"æ": "ae", "ø": "oe", "å": "aa"},
    {"æ": "a", "ø": "o", "å": "a"},
    {"æ": "e", "ø": "o", "å": "a"},
)


def with_typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word))
    edit = rng.choice(("swap", "drop", "add", "replace"))
    if edit == "swap" and i < len(word) - 1 and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if edit == "add":
        return word[:i] + rng.choice(LETTERS) + word[i:]
    if edit == "replace":
        return word[:i] + rng.choice(LETTERS.replace(word[i], "")) + word[i + 1 :]
    return word[:i] + word[i + 1 :]  # a letter left out (also when a swap would change nothing)


def without_danish_letters(question: str, rng: random.Random) -> str | None:
    """The question as typed on a keyboard without æ, ø and å (None if it has none)."""
    if not re.search("[æøå]", question.lower()):
        return None
    table = rng.choice(PLAIN)
    return "".join(table.get(c, c) for c in re.sub(r"[?.!]", "", question.lower()))


def with_one_typo(question: str, rng: random.Random) -> str | None:
    """The question with one random edit in one word of five letters or more."""
    words = list(WORD.finditer(question))
    if not words:
        return None
    word = rng.choice(words)
    return question[: word.start()] + with_typo(word[0], rng) + question[word.end() :]


def holds(question: EvalQuestion, answer: Answer) -> bool:
    """Answered, with the expected words: as ``assistant eval`` judges it."""
    return not answer.abstained and judge(question, answer)["answer_contains"] in (None, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="?", default="corpus/questions.jsonl", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--plain", action="store_true", help="type without æ, ø and å")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    change = without_danish_letters if args.plain else with_one_typo
    assistant = create_assistant()
    probes, declined, lost = 0, [], []
    for q in load_questions(args.questions):
        if q.split != "tune" or not q.answerable or q.history or q.type in ("typo", "english"):
            continue
        text = change(q.question, rng)
        if text is None or not holds(q, assistant.ask(q.question)):
            continue
        after = assistant.ask(text)
        probes += 1
        if after.abstained:
            declined.append(text)
        elif not holds(q, after):
            lost.append(text)
    what = "typed without æ, ø, å" if args.plain else "with one typo"
    print(f"{probes} questions {what}: {len(declined)} declined, {len(lost)} lost words")
    for label, texts in (("declined", declined), ("lost the expected words", lost)):
        for text in texts:
            print(f"  {label}: {text}")


if __name__ == "__main__":
    main()
