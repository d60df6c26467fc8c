"""How the assistant holds up when a question it answers gets one typo.

Takes the tune questions without a conversation that it answers with the expected words (it
skips the sealed split), puts one random edit (a swap, a letter left out, added or
replaced, never the first) into one word of five letters or more, and asks again. Prints how
many of the changed questions are declined or lose the expected words, and which. The edits
are random, not chosen, so the probe is fair to no word list; a seed repeats a run.

``python scripts/typo_probe.py [corpus/questions.jsonl] [--seed N]``
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


def holds(question: EvalQuestion, answer: Answer) -> bool:
    """Answered, with the expected words: as ``assistant eval`` judges it."""
    return not answer.abstained and judge(question, answer)["answer_contains"] in (None, 1)


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
        words = list(WORD.finditer(q.question))
        if not words or not holds(q, assistant.ask(q.question)):
            continue
        word = rng.choice(words)
        text = q.question[: word.start()] + with_typo(word[0], rng) + q.question[word.end() :]
        after = assistant.ask(text)
        probes += 1
        if after.abstained:
            declined.append(text)
        elif not holds(q, after):
            lost.append(text)
    print(f"{probes} questions with one typo: {len(declined)} declined, {len(lost)} lost words")
    for label, texts in (("declined", declined), ("lost the expected words", lost)):
        for text in texts:
            print(f"  {label}: {text}")


if __name__ == "__main__":
    main()
