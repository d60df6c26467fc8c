from __future__ import annotations

from assistant.chunks import chunk_corpus
from assistant.corpus import load_corpus

from .conftest import CORPUS


def test_each_piece_of_advice_is_its_own_chunk_with_number_and_title(chunks) -> None:
    advice = [c for c in chunks if c.kind == "advice"]
    assert [c.advice for c in advice] == [1, 2, 3, 4, 5, 6, 7]
    sixth = advice[5]
    assert sixth.advice_title == "Tænk stort, og begynd småt"
    assert sixth.text.startswith("Tænk stort, og begynd småt: Man kan ikke løfte")
    assert sixth.metadata()["advice"] == 6
    assert sixth.label == "Råd 6: Tænk stort, og begynd småt"


def test_other_chunks_carry_their_section_heading(chunks) -> None:
    sections = {c.section for c in chunks if c.kind == "paragraph"}
    assert {
        "Samling og retning",
        "At højne niveauet",
        "Vil I vide mere om KL og Komponent?",
    } <= sections
    contact = next(c for c in chunks if "jtp@kl.dk" in c.text)
    assert contact.section == "Vil I vide mere om KL og Komponent?"
    assert contact.search_text.startswith(contact.section)


def test_the_metadata_chunk_names_title_date_and_person(chunks) -> None:
    meta = chunks[0]
    assert meta.kind == "meta"
    assert meta.sentences == (
        "Kommunaldirektørens 7 gode råd om digital transformation",
        "18. maj 2022",
        "Peter Karm, kommunaldirektør i Haderslev Kommune",
    )


def test_ids_are_stable_unique_and_know_their_document(chunks) -> None:
    again = chunk_corpus(load_corpus(CORPUS))
    assert [(c.chunk_id, c.content_hash) for c in chunks] == [
        (c.chunk_id, c.content_hash) for c in again
    ]
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    assert {c.doc_id for c in chunks} == {"haderslev-7-gode-raad"}
    assert "haderslev-7-gode-raad:raad-3" in {c.chunk_id for c in chunks}
