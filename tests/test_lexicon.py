"""General Danish from maintained resources: frequencies, lemmas, spelling, English."""

from __future__ import annotations

import pytest

from assistant.danish import Analyzer
from assistant.lexicon import Lexicon


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    words = "sikkerhed kommunaldirektør forankring rammesætning arbejdet Struwe"
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
        ("dikkerhed", "sikkerhed"),  # the first letter hit too
        ("gorankring", "forankring"),
    ],
)
def test_typos_meet_the_nearest_word(lexicon: Lexicon, typo: str, word: str) -> None:
    assert lexicon.correction(typo) == word


@pytest.mark.parametrize("word", ["sikkerhed", "hjemmearbejde", "kat", "xqzvw", "2022"])
def test_real_words_and_far_strings_are_left_alone(lexicon: Lexicon, word: str) -> None:
    assert lexicon.correction(word) is None


@pytest.mark.parametrize(
    ("typo", "word"),
    [
        ("persondataforordnkngen", "persondataforordningen"),
        ("ledelsesfmlosofien", "ledelsesfilosofien"),
        ("ledeslestænkning", "ledelsestænkning"),  # the first part, with its linking "s"
    ],
)
def test_a_compound_no_dictionary_has_is_corrected_part_by_part(
    lexicon: Lexicon, typo: str, word: str
) -> None:
    assert lexicon.correction(typo) == word


@pytest.mark.parametrize(
    "word",
    [
        "pilotprojekter",
        "selvbetjente",
        "byggesagsbehandling",
        "struwemail",
        "hjemmeplejen",
        "konsuleterene",  # "konsule" + "terence" (a name) is no reading of it
    ],
)
def test_a_compound_of_words_as_typed_is_no_typo(lexicon: Lexicon, word: str) -> None:
    """Its parts are words ("pilot" + "projekter", "bygge" + "sags" + "behandling"), or
    would be but for letters added or left out at the cut ("struwe" + "mail" typed together
    is no "struwe" + "email", "hjemmeplejen" no "hjemme" + "lejen")."""
    assert lexicon.correction(word) is None


@pytest.mark.parametrize(
    ("typed", "not_meant"), [("unøjagtig", "nøjagtig"), ("afhandle", "behandle")]
)
def test_a_first_letter_is_replaced_not_a_prefix_read_away(
    lexicon: Lexicon, typed: str, not_meant: str
) -> None:
    assert lexicon.correction(typed) != not_meant


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("raad", "råd"),  # not Danish as typed
        ("paa", "på"),  # Danish as typed, but "på" is far more frequent
        ("forste", "første"),
        ("kommunaldirektor", "kommunaldirektør"),  # the corpus's word
        ("bor", None),  # "bør" is hardly more frequent: "bor" is meant
        ("for", None),
        ("sikkerhed", None),
    ],
)
def test_danish_letters_typed_without_a_danish_keyboard_are_put_back(
    lexicon: Lexicon, typed: str, meant: str | None
) -> None:
    assert lexicon.restored(typed) == meant


def test_which_words_can_be_nouns(lexicon: Lexicon) -> None:
    assert not any(map(lexicon.may_be_noun, ["inddrages", "landsdækkende", "fokuserer"]))
    nouns = ["borgmester", "politikerne", "ransomware", "rulle", "skat", "compliance"]
    assert all(map(lexicon.may_be_noun, nouns)), "a lemma like a verb ('skatte') does not count"


def test_english_is_told_from_danish(lexicon: Lexicon) -> None:
    assert lexicon.is_english(["what", "does", "he", "say", "about", "security"])
    assert not lexicon.is_english(["hvad", "siger", "han", "om", "sikkerhed"])
    assert not lexicon.is_english([])


@pytest.mark.parametrize(
    ("typed", "meant", "slipped"),
    [("damme", "samme", True), ("hummer", "nummer", True), ("kunde", "runde", False)],
)
def test_a_slip_of_the_finger_is_a_key_beside_the_right_one(
    typed: str, meant: str, slipped: bool
) -> None:
    assert Lexicon.slipped(typed, meant) is slipped
    assert not Lexicon.slipped("usikkerhed", "sikkerhed"), "a letter more is no slip"


def test_the_word_table_gives_the_libraries_own_answers(tmp_path) -> None:
    """A fresh process reads lemmas and frequencies from words.json instead of loading
    simplemma and wordfreq; what it reads must be what they say, for words in the table and
    (asked of the libraries) for words not in it."""
    from assistant.wordtable import (
        WordTable,
        library_common_words,
        library_frequency,
        library_lemma,
        write_table,
    )

    write_table(tmp_path, ["sikkerhedsarbejdet", "kommunaldirektøren", "governance"])
    table = WordTable.load(tmp_path)
    assert table.covers(["governance", "sikkerhed"]) and not table.covers(["xqzvw"])
    assert table.common_danish_words() == library_common_words()
    for word in ["sikkerhedsarbejdet", "fortæl", "sad", "governance", "the", "xqzvw", "2022"]:
        assert table.lemma(word) == library_lemma(word), word
        for lang in ("da", "en"):
            assert table.frequency(word, lang) == library_frequency(word, lang), (word, lang)


def test_a_word_table_of_other_library_versions_is_not_used(tmp_path) -> None:
    import json

    from assistant.wordtable import FILE, WordTable, write_table

    write_table(tmp_path, ["governance"])
    data = json.loads((tmp_path / FILE).read_text(encoding="utf-8"))
    data["versions"]["simplemma"] = "0.0.1"
    data["lemmas"] = ["?"] * len(data["lemmas"])
    (tmp_path / FILE).write_text(json.dumps(data), encoding="utf-8")
    table = WordTable.load(tmp_path)
    assert not table.covers(["governance"]) and table.lemma("huse") == "hus"
    (tmp_path / FILE).write_text("{not json", encoding="utf-8")
    assert not WordTable.load(tmp_path).covers([])
