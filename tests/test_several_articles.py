"""A corpus with two articles: structure words count per article, answers cite their own.

Nothing about the Haderslev article is in the code: the number of pieces of advice, the
person and the title come from each corpus file. A second short article, written for this
test (tests/data/), with its own numbered list of four, sits beside it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.app import create_assistant
from assistant.settings import Settings

from .conftest import CORPUS

SECOND = (Path(__file__).parent / "data" / "aabenraa-selvbetjening.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def two_articles(tmp_path_factory: pytest.TempPathFactory):
    corpus = tmp_path_factory.mktemp("corpus")
    for path in CORPUS.glob("*.md"):
        shutil.copy(path, corpus / path.name)
    (corpus / "aabenraa-selvbetjening.md").write_text(SECOND, encoding="utf-8")
    return create_assistant(Settings(corpus_dir=corpus), mode="bm25")


def cited_articles(answer) -> set[str]:
    return {c.chunk_id.split(":")[0] for c in answer.citations}


def test_the_last_piece_of_advice_is_counted_per_article(two_articles) -> None:
    answer = two_articles.ask("Hvad er det sidste råd om selvbetjening i borgerservice?")
    assert [c.advice for c in answer.citations] == [4]
    assert "Mål ventetiden hver måned" in answer.answer
    assert cited_articles(answer) == {"aabenraa-selvbetjening"}
    haderslev = two_articles.ask("Hvad er det sidste råd om digital transformation?")
    assert [c.advice for c in haderslev.citations] == [7]
    assert cited_articles(haderslev) == {"haderslev-7-gode-raad"}


def test_all_the_advice_of_one_article(two_articles) -> None:
    answer = two_articles.ask("Hvad er alle rådene om selvbetjening?")
    assert [c.advice for c in answer.citations] == [1, 2, 3, 4]
    assert answer.answer.startswith("Artiklen giver 4 gode råd")
    assert cited_articles(answer) == {"aabenraa-selvbetjening"}


def test_ordinals_and_neighbours_stay_in_their_article(two_articles) -> None:
    third = two_articles.ask("Hvad siger det tredje råd om selvbetjening i borgerservice?")
    assert "Hold skranken åben" in third.answer
    after = two_articles.ask("Hvilket råd kommer efter det om at teste med rigtige borgere?")
    assert [c.advice for c in after.citations] == [3]
    assert cited_articles(after) == {"aabenraa-selvbetjening"}


def test_metadata_questions_answer_from_the_right_front_matter(two_articles) -> None:
    date = two_articles.ask("Hvornår blev artiklen om selvbetjening i borgerservice skrevet?")
    assert "2. marts 2023" in date.answer
    assert date.citations[0].chunk_id == "aabenraa-selvbetjening:meta"
    who = two_articles.ask("Hvem er Mette Lind?")
    assert "borgerservicechef" in who.answer
    assert cited_articles(who) == {"aabenraa-selvbetjening"}


def test_content_questions_cite_the_article_that_holds_the_answer(two_articles) -> None:
    answer = two_articles.ask("Hvordan bestiller borgerne et nyt pas nu?")
    assert not answer.abstained
    assert cited_articles(answer) == {"aabenraa-selvbetjening"}
    assert "hjemmefra" in answer.answer
    karm = two_articles.ask("Hvor arbejdede Peter Karm før?")
    assert cited_articles(karm) == {"haderslev-7-gode-raad"}


def test_the_corpus_file_alone_decides_the_count(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(SECOND, encoding="utf-8")
    assistant = create_assistant(Settings(corpus_dir=tmp_path), mode="bm25")
    assert [c.advice for c in assistant.ask("Hvad er det sidste råd?").citations] == [4]
    assert "Råd 3" in assistant.ask("hvad er det næstsidste råd").answer
