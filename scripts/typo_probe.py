"""How the assistant holds up when a question it answers gets one typo.

Takes the tune questions without a conversation that it answers with the expected words (the
sealed split is never read here), puts one random edit (a swap, a letter left out, added or
replaced, never the first) into one word of five letters or more, and asks again. Prints how
many of the changed questions are declined or lose the expected words, and which. The edits
are random, not chosen, so the probe is fair to no word list; a seed repeats a run.

``python scripts/typo_probe.py [corpus/questions.jsonl] [--seed N]``
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Sequence
from pathlib import Path

from assistant.app import create_assistant
from assistant.evaluation import load_questions

LETTERS = "abcdefghijklmnoprstuvyæøå"
WORD = re.compile(r"\w{5,}")


def with_typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word))
    edit = rng.choice(("swap", "drop", "add", "replace"))
    if edit == "swap" and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if edit == "drop":
        return word[:i] + word[i + 1 :]
    if edit == "add":
        return word[:i] + rng.choice(LETTERS) + word[i:]
    return word[:i] + rng.choice(LETTERS) + word[i + 1 :]


def holds(answer_text: str, groups: Sequence[Sequence[str]]) -> bool:
    text = answer_text.lower()
    return all(any(alt.lower() in text for alt in group) for group in groups)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="?", default="corpus/questions.jsonl", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    assistant = create_assistant()
    probes, declined, lost = 0, [], []
    for q in load_questions(args.questions):
        if q.split != "tune" or not q.answerable or q.history or q.type in ("typo", "english"):
            continue
        before = assistant.ask(q.question)
        words = WORD.findall(q.question)
        if before.abstained or not holds(before.answer, q.answer_contains) or not words:
            continue
        word = rng.choice(words)
        text = q.question.replace(word, with_typo(word, rng), 1)
        after = assistant.ask(text)
        probes += 1
        if after.abstained:
            declined.append(text)
        elif not holds(after.answer, q.answer_contains):
            lost.append(text)
    print(f"{probes} questions with one typo: {len(declined)} declined, {len(lost)} lost words")
    for label, texts in (("declined", declined), ("lost the expected words", lost)):
        for text in texts:
            print(f"  {label}: {text}")


if __name__ == "__main__":
    main()
