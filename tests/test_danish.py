from __future__ import annotations

import pytest

from assistant.danish import Analyzer, split_sentences, without_function_phrases


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Artiklen er fra 18. maj 2022. Den handler om råd.",
            ["Artiklen er fra 18. maj 2022.", "Den handler om råd."],
        ),
        (
            "1. Følg med i tendenserne. Søg indflydelse.",
            ["1. Følg med i tendenserne.", "Søg indflydelse."],
        ),
        (
            "Det gælder bl.a. GDPR. Og f.eks. Sikkerhed kommer først.",
            ["Det gælder bl.a. GDPR.", "Og f.eks. Sikkerhed kommer først."],
        ),
        ("Det tog ca. To år. Nu er det slut.", ["Det tog ca. To år.", "Nu er det slut."]),
        (
            "Skriv til jtp@kl.dk og ring på telefon 33 70 32 34. Han svarer.",
            ["Skriv til jtp@kl.dk og ring på telefon 33 70 32 34.", "Han svarer."],
        ),
        (
            '"Det er vigtigt," siger han. "Ja!" Hvorfor? Fordi.',
            ['"Det er vigtigt," siger han.', '"Ja!"', "Hvorfor?", "Fordi."],
        ),
        ("Programmet kørte i 2021. Det virkede.", ["Programmet kørte i 2021.", "Det virkede."]),
        ("Titel\n18. maj 2022", ["Titel", "18. maj 2022"]),
    ],
)
def test_sentences_split_where_a_dane_would(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_every_sentence_is_kept_verbatim(chunks) -> None:
    for chunk in chunks:
        assert " ".join(chunk.sentences) == " ".join(chunk.text.split("\n"))


def test_compounds_split_into_known_stems() -> None:
    analyzer = Analyzer().with_vocabulary(["digitalisering arbejde sikkerhed ledelse filosofi"])
    stem = analyzer.stem
    assert analyzer.compound_parts("digitaliseringsarbejdet") == (
        stem("digitalisering"),
        stem("arbejdet"),
    )
    assert analyzer.compound_parts("ledelsesfilosofi") == (stem("ledelse"), stem("filosofi"))
    assert analyzer.compound_parts("sikkerhedsbrud") == ()


def test_unknown_endings_meet_known_stems() -> None:
    analyzer = Analyzer().with_vocabulary(["de politiske beslutninger"])
    assert "politisk" in analyzer.terms("politikerne")
    assert analyzer.near_stems("kommunaldirektør") == ()


def test_stop_words_and_abbreviations() -> None:
    analyzer = Analyzer(extra_stopwords=["what"]).with_vocabulary(["digitalisering og digitale"])
    assert analyzer.words("What er det sjette råd?") == ["sjette", "råd"]
    assert analyzer.abbreviated("digi") == "digitale"
    assert analyzer.abbreviated("di") is None, "two letters abbreviate nothing"


def test_a_vowel_less_abbreviation_stands_for_one_name_of_the_corpus() -> None:
    analyzer = Analyzer().with_vocabulary(["Han kom til Haderslev fra Vejle, hvor han handlede."])
    assert analyzer.abbreviated("hdl") == "haderslev", "the name, not the verb 'handlede'"
    assert analyzer.abbreviated("vjl") == "vejle"
    assert analyzer.abbreviated("kbh") is None, "no name of the corpus fits"
    plain = Analyzer().with_vocabulary(["Hun hedder Jan Poulsen."])
    assert plain.abbreviated("pls") is None, "a word of chat ('please'), not 'Poulsen'"
    both = Analyzer().with_vocabulary(["I Haderslev og i Hadsund."])
    assert both.abbreviated("hds") is None, "two names fit: no guess"


def test_a_split_into_words_the_article_lacks_does_not_hide_the_near_form() -> None:
    analyzer = Analyzer().with_vocabulary(["det politiske lag"], part_words=["politi", "kerne"])
    assert analyzer.compound_parts("politikerne"), "'politi' + 'kerne' are common words"
    assert analyzer.stem("politiske") in analyzer.terms("politikerne")


def test_compounds_split_into_common_danish_words_too() -> None:
    analyzer = Analyzer().with_vocabulary(["økonomiudvalget"], part_words=["udvalg", "økonomi"])
    assert analyzer.compound_parts("økonomiudvalget") == (
        analyzer.stem("økonomi"),
        analyzer.stem("udvalget"),
    )


def test_past_tenses_meet_their_present_through_the_lemma() -> None:
    analyzer = Analyzer().with_vocabulary(["I flere år sad han i rådet"])
    assert set(analyzer.terms("sad")) & set(analyzer.terms("siddet"))


def test_a_subject_thesaurus_reads_the_words_a_corpus_lacks_as_those_it_uses() -> None:
    groups = ["transformation = omstilling omdannelse", "national = landsdækkende"]
    analyzer = Analyzer().with_vocabulary(["den digitale transformation"])
    assert analyzer.synonyms(groups) == {
        "omstilling": ("transformation",),
        "omdannelse": ("transformation",),
    }, "a group the corpus has no word of reads nothing"
    other = Analyzer().with_vocabulary(["den digitale omstilling"])
    assert other.synonyms(groups)["transformation"] == ("omstilling",), "either way round"
    grunde = Analyzer().with_vocabulary(["mange gode grunde"])
    assert grunde.synonyms(["nøje = grundig"]) == {}, "a shared stem is not the same word"


def test_function_phrases_are_no_topic() -> None:
    text = without_function_phrases("er Haderslev bagud i forhold til andre kommuner pga. IT")
    assert "forhold" not in text
    assert "andre kommuner" in text
    assert without_function_phrases("hvilket forhold har han til KL") == (
        "hvilket forhold har han til KL"
    ), "the word itself is a topic; only the phrase is not"
