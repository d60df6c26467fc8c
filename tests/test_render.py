"""Answers as chat HTML: escaped text, linked markers, flagged generated sentences."""

from __future__ import annotations

from assistant.answer import Answer, Citation
from assistant.resources import messages
from ui.render import answer_html, question_html

TEXTS = messages()["ui"]
CITATION = Citation(
    1, "d:raad-6", "S", "Råd 6: <b>x</b>", 6, "A <i>b</i>. Sæt små skibe.", ("Sæt små skibe.",)
)


def answer(**fields) -> Answer:
    base = {
        "question": "?",
        "answer": "Sæt små skibe. [1]",
        "abstained": False,
        "citations": [CITATION],
        "retrieved": [],
    }
    return Answer(**(base | fields))


def test_questions_are_text_not_html() -> None:
    html = question_html("<img src=x onerror=alert(1)> [a](javascript:x)")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_markers_link_to_highlighted_escaped_sources() -> None:
    html = answer_html(answer(), 3, TEXTS)
    assert '<a href="#k-3-1" class="cite"' in html
    assert '<details id="k-3-1">' in html
    assert "<mark>Sæt små skibe.</mark>" in html
    assert "&lt;i&gt;b&lt;/i&gt;" in html and "Råd 6: &lt;b&gt;x&lt;/b&gt;" in html
    assert "\n\n" not in html


def test_unsupported_generated_sentences_are_flagged() -> None:
    sentences = [
        {"text": "Sæt små skibe i søen.", "citations": [1], "supported": True},
        {"text": "Det koster <40 mio.>", "citations": [], "supported": False},
    ]
    html = answer_html(answer(sentences=sentences), 0, TEXTS)
    assert 'class="uunderbygget"' in html and "ikke underbygget af artiklen" in html
    assert "&lt;40 mio.&gt;" in html


def test_abstentions_look_different() -> None:
    refusal = answer(
        abstained=True,
        answer="Det står der ikke noget om.",
        citations=[],
        suggestions=["Hvad går råd 2 ud på?"],
    )
    html = answer_html(refusal, 0, TEXTS)
    assert 'class="svar afvist"' in html and "<li>Hvad går råd 2 ud på?</li>" in html


def test_a_partial_answer_and_the_corrections_are_shown_as_such() -> None:
    html = answer_html(
        answer(confidence="low", corrections=[{"from": "<sikkerhde>", "to": "sikkerhed"}]),
        1,
        TEXTS,
    )
    assert 'class="svar delvist"' in html and "Artiklen svarer kun delvist" in html
    assert "Læst som: &lt;sikkerhde&gt; → sikkerhed" in html, "escaped like any user text"
    plain = answer_html(answer(confidence="high"), 1, TEXTS)
    assert "delvist" not in plain and "Læst som" not in plain
