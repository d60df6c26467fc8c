from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.corpus import CorpusError, clean_scraped_text, load_corpus
from assistant.danish import format_date

from .conftest import CORPUS

# The page as scraped, before cleaning: kept in the repository so the check below always runs.
SCRAPE = CORPUS / "source" / "haderslev-7-gode-raad.raw.txt"

RAW = (
    "18. maj 2022\n\nTitel\n\nFørste afsnit\u00a0 med  ekstra mellemrum.\n\n"
    "  7. Sidste råd: Teknik og systemer alene.Vil I vide mere?\n\n×\n\nLog ind"
)


HEAD = "---\nid: x\ntitle: T\ndate: {date}\nmunicipality: M\nlanguage: da\n---\n"


def words(text: str) -> list[str]:
    return re.findall(r"[\wæøå@.-]+", text.replace("**", ""))


def test_cleaning_removes_page_residue_and_restores_the_missing_space() -> None:
    cleaned = clean_scraped_text(RAW)
    assert "×" not in cleaned and "Log ind" not in cleaned
    assert "alene. Vil I vide mere?" in cleaned
    assert "Første afsnit med ekstra mellemrum." in cleaned
    assert "\u00a0" not in cleaned


def test_cleaning_keeps_e_mail_addresses_and_lower_case_joins() -> None:
    assert "jtp@kl.dk" in clean_scraped_text("Skriv til jtp@kl.dk i dag.")


def test_corpus_article_has_exactly_the_words_of_the_cleaned_scrape() -> None:
    article = load_corpus(CORPUS)[0]
    markdown = (CORPUS / "haderslev-7-gode-raad.md").read_text(encoding="utf-8")
    body = markdown.split("---", 2)[2]
    body = re.sub(r"^#+ ", "", body, flags=re.MULTILINE)
    assert words(format_date(article.date) + " " + body) == words(
        clean_scraped_text(SCRAPE.read_text(encoding="utf-8"))
    )


def test_article_structure_and_front_matter() -> None:
    (article,) = load_corpus(CORPUS)  # the raw scrape in corpus/source/ is not an article
    assert article.title == "Kommunaldirektørens 7 gode råd om digital transformation"
    assert str(article.date) == "2022-05-18"
    assert article.municipality == "Haderslev Kommune" and article.language == "da"
    assert article.advice_count == 7
    sections = list(dict.fromkeys(b.section for b in article.blocks))
    assert sections[0] == "Indledning"
    assert "Sikkerhed som en integreret del" in sections
    assert sections[-1] == "Vil I vide mere om KL og Komponent?"
    assert [b.advice_title for b in article.blocks if b.advice][5] == "Tænk stort, og begynd småt"


def test_a_second_article_is_loaded_too(corpus_copy: Path) -> None:
    (corpus_copy / "andet.md").write_text(
        "---\nid: andet\ntitle: Andet\ndate: 2023-01-02\nmunicipality: X Kommune\n"
        "language: da\n---\n\n# Andet\n\nEt afsnit.\n",
        encoding="utf-8",
    )
    assert [a.doc_id for a in load_corpus(corpus_copy)] == ["andet", "haderslev-7-gode-raad"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("no front matter at all\n", "front matter lacks"),
        (
            HEAD.format(date="2022-13-40") + "# T\n\nA.\n",
            "month must be in 1..12",
        ),
        (
            HEAD.format(date="maj") + "# T\n\nA.\n",
            "YYYY-MM-DD",
        ),
        (
            HEAD.format(date="2022-01-01") + "A.\n",
            "must start with the title",
        ),
        (
            HEAD.format(date="2022-01-01") + "# T\n\n1. Ingen fed titel\n",
            "numbered item",
        ),
        ("---\nid: [unclosed\n---\n# T\n", "front matter"),
    ],
)
def test_a_malformed_file_is_rejected_with_its_name(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "broken.md"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError, match=message) as error:
        load_corpus(tmp_path)
    assert "broken.md" in str(error.value)


def test_a_missing_corpus_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "nowhere")
