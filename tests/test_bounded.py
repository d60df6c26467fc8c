"""Bounded work and memory per question, whatever its words (issue #11, #1 and #7).

Speeds are compared with a normal question of the same length in the same run, never with a
fixed time, so a slow or busy machine does not fail them.
"""

from __future__ import annotations

import random
import re
import statistics
import threading
import time
import tracemalloc

import httpx
import pytest

from assistant.danish import Analyzer
from assistant.query import patterns
from assistant.settings import Settings

from .conftest import CORPUS
from .live import Live, app_env, serve

LIMIT = 1000


def fit(text: str) -> str:
    return text[:LIMIT]


# Built to stress every loop and pattern in danish.py, retrieval.py, answer.py and
# intents_da.toml: compound splitting, near stems, sentence splitting, ordinals, lists,
# intent patterns with repeats, follow-up cues.
ADVERSARIAL = {
    "compound, issue #1": "chefe" * 20 + "q",
    "compound, long": fit("chefe" * 200),
    "ansvare": fit("ansvare" * 150),
    "alenes": fit("alenes" * 170),
    "bredes": fit("bredes" * 170),
    "linking letters": fit("ledelses" * 125),
    "one long word": fit("digitaliseringsarbejdet" * 50),
    "list numbers": fit("1. " * 400),
    "commas": fit("," * LIMIT),
    "commas and words": fit("råd, " * 250),
    "periods": fit("." * LIMIT),
    "question marks": fit("?" * LIMIT),
    "digits": fit("1" * LIMIT),
    "e-mail-like": fit("a@b." * 250),
    "at signs": fit("a@" * 500),
    "injection words": fit("ignorer " * 125),
    "who is": fit("hvem er " * 125),
    "list the advice": fit("nævn " + "a " * 500),
    "when": fit("hvornår " + "a " * 500),
    "ordinals": fit("det tredje " * 100),
    "follow-up cues": fit("hvad med " * 120),
    "pronouns": fit("det " * 250),
    "line breaks": fit("a\n" * 500),
    "same question": fit("Hvad er det sjette råd? " * 50),
    "whose view, spaces": fit("hvad siger" + " " * LIMIT),
    "whose view, words": fit("hvad mener " + "a " * 500),
    "several questions": fit("hvad? fx " * 120),
    "numbers": fit("delprogram 5 " * 80),
}


def article_analyzer() -> Analyzer:
    """A fresh analyzer (empty caches) that knows the article's stems."""
    return Analyzer().with_vocabulary([p.read_text(encoding="utf-8") for p in CORPUS.glob("*.md")])


def seconds(call, *args) -> float:
    started = time.perf_counter()
    call(*args)
    return time.perf_counter() - started


@pytest.mark.parametrize(
    "word", ["chefe" * 20 + "q", "ansvare" * 14 + "q", "alenes" * 16 + "q", "bredes" * 16 + "q"]
)
def test_compound_splitting_is_not_exponential(word: str) -> None:
    """Issue #1: 101 characters took 7.8 s; each 5 more doubled it. Now about as long as a
    normal sentence of the same length."""
    analyzer = article_analyzer()
    normal = seconds(
        analyzer.terms,
        "Digitaliseringsarbejdet i kommunen kræver ledelsesopbakning og samarbejde på tværs",
    )
    assert seconds(analyzer.terms, word) < max(100 * normal, 0.1)


def _all_patterns() -> list[tuple[str, re.Pattern[str]]]:
    found = []
    for table, entries in patterns().items():
        for name, value in entries.items() if isinstance(entries, dict) else ():
            for i, pattern in enumerate(value if isinstance(value, list) else [value]):
                if isinstance(pattern, re.Pattern):
                    found.append((f"{table}.{name}[{i}]", pattern))
    return found


REPEATED = [" ", "\n", "\n ", ",", "a ", "? ", "og ", "hvad ", "det tredje ", "1. ", ". ", "råd "]
"""Units repeated into questions of growing length, each the run some pattern repeats over."""


def test_every_question_pattern_is_linear_in_the_question() -> None:
    """A pattern with two repeats that can share a run of spaces took minutes on 1,000
    spaces (cubic); one that starts at every space of a run costs its square. Each pattern
    of intents_da.toml, searched, split and substituted over each unit repeated to 250 and
    to 2,000 characters, may cost about 8 times as much on the longer (linear), not 64
    (quadratic); a few milliseconds count as nothing."""
    slow = {}
    for name, pattern in _all_patterns():
        for unit in REPEATED:
            short, long = (unit * (n // len(unit)) + "x" for n in (250, 2000))
            spent = [
                seconds(lambda p=pattern, t=text: (p.search(t), p.split(t), p.sub("", t)))
                for text in (short, long)
            ]
            if spent[1] > 0.005 and spent[1] > 25 * spent[0]:
                slow[f"{name} on {unit!r}"] = round(spent[1] / spent[0])
    assert not slow


def test_word_caches_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue #7: the analyzer's caches grew with every new word users typed. (Small caches
    here, so that filling them takes seconds.)"""
    monkeypatch.setattr("assistant.danish._CACHE_SIZE", 500, raising=False)
    analyzer = article_analyzer()
    rng = random.Random(7)

    def new_words(n: int) -> None:
        for _ in range(n // 10):
            analyzer.terms(
                " ".join("".join(rng.choices("abdefgiklmnorstuvæøå", k=11)) for _ in range(10))
            )

    tracemalloc.start()
    try:
        new_words(1_000)  # more than the caches hold
        warm = tracemalloc.get_traced_memory()[0]
        new_words(3_000)
        grown = tracemalloc.get_traced_memory()[0] - warm
    finally:
        tracemalloc.stop()
    assert grown < 500_000  # unbounded, 3000 words kept about 3 MB


# --- against the running server


def timed_ask(http: httpx.Client, url: str, body: dict) -> float:
    started = time.perf_counter()
    response = http.post(url + "/api/ask", json=body)
    assert response.status_code == 200, response.text
    return time.perf_counter() - started


@pytest.mark.e2e
@pytest.mark.server
def test_adversarial_questions_cost_about_what_a_normal_one_does(
    real_index: Settings, tmp_path
) -> None:
    """Each adversarial question (also as history) is answered within 10x the median time of
    normal questions of the same length, asked of the same server in the same run."""
    text = " ".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.md"))
    normal = [fit(text[start:]) for start in range(0, len(text) - LIMIT, len(text) // 6)]
    with (
        serve(app_env(real_index, tmp_path, rate_limit_per_minute="0")) as live,
        httpx.Client(timeout=120) as http,
    ):
        baseline = statistics.median(
            timed_ask(http, live.url, {"question": q}) for q in normal + normal
        )
        slow = {}
        for name, question in ADVERSARIAL.items():
            history = [
                {"role": "user", "content": question},
                {"role": "assistant", "content": question},
            ]
            for body in ({"question": question}, {"question": "Og det?", "history": history}):
                spent = min(timed_ask(http, live.url, body) for _ in range(2))
                if spent > 10 * baseline:
                    slow[name] = round(spent / baseline, 1)
    assert not slow, f"slower than 10x a normal question ({baseline:.3f} s): {slow}"


def random_question(rng: random.Random) -> str:
    words = (
        "".join(rng.choices("abdefgiklmnoprstuvyæøå", k=rng.randint(5, 12))) for _ in range(60)
    )
    return "Hvad siger artiklen om " + " ".join(words) + "?"


def ask_many(live: Live, count: int, seed: int) -> None:
    rng = random.Random(seed)
    questions = [random_question(rng) for _ in range(count)]

    def worker(part: list[str]) -> None:
        with httpx.Client(timeout=60) as http:
            for question in part:
                assert http.post(live.url + "/api/ask", json={"question": question}).is_success

    threads = [threading.Thread(target=worker, args=(questions[i::2],)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.mark.e2e
@pytest.mark.server
def test_memory_stays_flat_under_thousands_of_new_words(real_index: Settings, tmp_path) -> None:
    """Issue #7: 900 random questions grew the server by 70 MB and climbing. BM25 retrieval
    only: the word caches are on the lexical side, and it keeps the test quick."""
    env = app_env(real_index, tmp_path, retrieval_mode="bm25", rate_limit_per_minute="0")
    with serve(env) as live:
        ask_many(live, 700, seed=1)  # warm-up: 21,000 new words fill every bounded cache
        warm = live.rss_kb()
        ask_many(live, 1300, seed=2)  # unbounded, these 39,000 words kept about 40 MB
        grown_mb = (live.rss_kb() - warm) / 1024
    assert grown_mb < 15, f"RSS grew {grown_mb:.1f} MB after the warm-up"
