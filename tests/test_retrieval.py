from __future__ import annotations

import pytest

from assistant.retrieval import Turn


def top(assistant, question: str, history=()) -> str:
    return assistant.retriever.search(question, history).documents[0].metadata["chunk_id"]


@pytest.mark.parametrize(
    ("question", "advice"),
    [
        ("Hvad siger det tredje råd?", 3),
        ("Hvad går råd nummer 5 ud på?", 5),
        ("Forklar råd 7", 7),
        ("Hvad er det sidste råd?", 7),
        ("Hvad er 2. råd?", 2),
        ("Hvad siger råd nr. 4?", 4),
        ("What is the sixth piece of advice?", 6),
        ("Hvad er det første gode råd?", 1),
    ],
)
def test_advice_by_number_and_ordinal(lexical_assistant, question: str, advice: int) -> None:
    assert top(lexical_assistant, question).endswith(f"raad-{advice}")


@pytest.mark.parametrize(
    "question", ["Hvad er alle syv råd?", "Nævn de 7 gode råd", "Hvor mange råd giver han?"]
)
def test_all_seven_pieces_of_advice(lexical_assistant, question: str) -> None:
    result = lexical_assistant.retriever.search(question)
    assert result.analysis.all_advice
    assert [d.metadata.get("advice") for d in result.documents[:7]] == [1, 2, 3, 4, 5, 6, 7]


def test_a_council_is_not_the_advice(lexical_assistant) -> None:
    result = lexical_assistant.retriever.search("Hvilket råd sad Peter Karm i i flere år?")
    assert not result.analysis.all_advice and not result.analysis.advice
    assert "Digitaliseringsråd" in result.documents[0].page_content


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ("Hvornår blev artiklen skrevet?", "date"),
        ("Hvad hedder artiklen?", "title"),
        ("Hvem handler artiklen om?", "about"),
        ("Hvem er Peter Karm?", "about"),
        ("When was the article published?", "date"),
        # Typed as keywords in a search box.
        ("artiklen dato?", "date"),
        ("hvornår udkom artiklen", "date"),
        ("titlen artiklen", "title"),
    ],
)
def test_questions_about_the_article_itself(lexical_assistant, question: str, field: str) -> None:
    result = lexical_assistant.retriever.search(question)
    assert result.analysis.meta == field
    assert result.documents[0].metadata["kind"] == "meta"


def test_keywords_for_the_article_do_not_take_a_content_question(lexical_assistant) -> None:
    reader = lexical_assistant.retriever.reader
    assert reader.read("Nævner artiklen datoen for kommunalvalget?").meta != "date"
    assert "origin" not in reader.read("Which year is the article from?").cues
    assert "origin" in reader.read("Which municipality did Karm come from?").cues


def test_content_questions_find_their_passage(lexical_assistant) -> None:
    assert top(lexical_assistant, "Hvad er Jan Struwe Poulsens e-mail?").endswith("komponent-1")
    assert top(lexical_assistant, "Hvorfor skal man holde øje med nationale trends?").endswith(
        "raad-1"
    )
    assert top(lexical_assistant, "Hvad er Den Ny Syntese?").endswith("del-3")


SIXTH = [
    Turn("user", "Hvad går det sjette råd ud på?"),
    Turn(
        "assistant",
        "Råd 6: Tænk stort, og begynd småt: Man kan ikke løfte alle aspekter "
        "og faser af den digitale transformation på en gang. [1]",
    ),
]
CONTACT = [
    Turn("user", "Hvem er Jesper Hosbond Jensen?"),
    Turn(
        "assistant",
        "Vicekontorchef Jan Struwe Poulsen, KL, og chefkonsulent Jesper Hosbond "
        "Jensen, Komponent, er de to konsulenter [1]",
    ),
]


@pytest.mark.parametrize(
    ("question", "history", "expected"),
    [
        ("Uddyb det", SIXTH, "raad-6"),
        ("Hvorfor?", SIXTH, "raad-6"),
        ("Og det syvende?", SIXTH, "raad-7"),
        ("Hvem ellers?", CONTACT, "komponent-1"),
        ("Hvordan kan man kontakte ham?", CONTACT, "komponent-1"),
    ],
)
def test_follow_ups_retrieve_the_topic_of_the_conversation(
    lexical_assistant, question: str, history, expected: str
) -> None:
    assert top(lexical_assistant, question, history).endswith(expected)


def test_without_history_a_bare_follow_up_has_no_topic(lexical_assistant) -> None:
    assert not lexical_assistant.retriever.search("Uddyb det").analysis.followup


def test_retriever_is_a_langchain_retriever_with_scores(lexical_assistant) -> None:
    documents = lexical_assistant.retriever.invoke("Hvad er det sjette råd?")
    assert len(documents) >= 5
    assert documents[0].metadata["advice"] == 6
    assert {"score", "bm25", "dense", "coverage", "section", "chunk_id"} <= set(
        documents[0].metadata
    )
    followup = lexical_assistant.retriever.invoke("Uddyb det", history=SIXTH)
    assert followup[0].metadata["advice"] == 6


def test_a_question_naming_a_piece_of_advice_is_not_embedded(lexical_assistant) -> None:
    """The piece of advice named is quoted whatever the vectors say: no encoder call."""
    asked: list[str] = []

    def dense_search(text: str) -> dict[str, float]:
        asked.append(text)
        return {}

    retriever = lexical_assistant.retriever.model_copy(
        update={"mode": "hybrid", "dense_search": dense_search}
    )
    assert retriever.search("Hvad er det sjette råd?").documents[0].metadata["advice"] == 6
    assert asked == []
    retriever.search("Hvad siger han om sikkerhed?")
    assert asked == ["Hvad siger han om sikkerhed?"]
