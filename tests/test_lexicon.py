"""General Danish from maintained resources: frequencies, lemmas, spelling, English."""

from __future__ import annotations

import pytest

from assistant.danish import Analyzer
from assistant.lexicon import Lexicon


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    words = "sikkerhed kommunaldirektør forankring rammesætning arbejdet"
    return Lexicon(Analyzer().with_vocabulary([words]))


def test_everyday_words_say_less_than_rare_ones(lexicon: Lexicon) -> None:
    assert lexicon.specificity("siger") < 0.1
    assert lexicon.specificity("hjemmearbejde") > 0.8
    assert lexicon.specificity("governance") == 1.0, "a word Danish does not know"
    assert lexicon.specificity("fortæl") < lexicon.specificity("sikkerhed"), "via its lemma"


@pytest.mark.parametrize(
    ("typo", "word"),
    [
        ("sikkerhde", "sikkerhed"),
        ("komunaldirektør", "kommunaldirektør"),
        ("forankirng", "forankring"),
        ("rammesæting", "rammesætning"),
        ("arbjedede", "arbejdede"),
    ],
)
def test_typos_meet_the_nearest_word(lexicon: Lexicon, typo: str, word: str) -> None:
    assert lexicon.correction(typo) == word


@pytest.mark.parametrize("word", ["sikkerhed", "hjemmearbejde", "kat", "xqzvw", "2022"])
def test_real_words_and_far_strings_are_left_alone(lexicon: Lexicon, word: str) -> None:
    assert lexicon.correction(word) is None


def test_english_is_told_from_danish(lexicon: Lexicon) -> None:
    assert lexicon.is_english(["what", "does", "he", "say", "about", "security"])
    assert not lexicon.is_english(["hvad", "siger", "han", "om", "sikkerhed"])
    assert not lexicon.is_english([])
