"""Questions as people type them: typos, chat style, positions, several at once, English.

Each test asks the whole chain (without vectors) and checks what a user would see: the
passage quoted, the correction reported, the piece of advice named.
"""

from __future__ import annotations

import pytest

from assistant.query import answers_cues, split_parts
from assistant.retrieval import Turn


def advice_of(answer) -> list[int | None]:
    return [c.advice for c in answer.citations]


def test_a_typo_is_corrected_and_reported(lexical_assistant) -> None:
    answer = lexical_assistant.ask("hvad siger han om sikkerhde")
    assert not answer.abstained
    assert {"from": "sikkerhde", "to": "sikkerhed"} in answer.corrections
    assert "sikkerhed" in answer.answer.lower()
    assert answer.to_dict()["corrections"] == answer.corrections


@pytest.mark.parametrize(
    ("question", "typed", "meant"),
    [
        ("Er digitalisering et mål i sig welv?", "welv", "selv"),
        ("Hvilken fitel har Jan Struwe Poulsen?", "fitel", "titel"),
        ("hvem er peter marm", "marm", "karm"),
    ],
)
def test_of_typo_readings_equally_near_the_articles_and_the_commonest_win(
    lexical_assistant, question: str, typed: str, meant: str
) -> None:
    """Not the rare word with the typed first letter ("well", "fidel", "mark")."""
    answer = lexical_assistant.ask(question)
    assert {"from": typed, "to": meant} in answer.corrections
    assert not answer.abstained


@pytest.mark.parametrize("word", ["fuske", "omslutte", "tindre", "forgrene"])
def test_a_rare_danish_word_wordfreq_lacks_is_no_typo(lexical_assistant, word: str) -> None:
    """The word-class dictionary knows it: "omslutte" is not "beslutte"."""
    assert lexical_assistant.ask(f"hvad siger han om at {word}").corrections == []


def test_names_and_acronyms_the_article_lacks_are_not_read_as_its_words(
    lexical_assistant,
) -> None:
    """A capitalised word keeps its first letter ("Wammen" is no "sammen") and a short
    acronym stays as typed ("BBR" is no "bør")."""
    for question in ("Hvad mener Wammen om det femte råd?", "Hvad mener han om BBR?"):
        answer = lexical_assistant.ask(question)
        assert answer.abstained and answer.corrections == [], question


def test_only_a_question_surely_typed_without_danish_letters_gets_them(lexical_assistant) -> None:
    """ "soen" is "søen" beside "sma"; "vare" alone is Danish as typed."""
    ship = lexical_assistant.ask("hvad betyder sma skibe i soen")
    assert {"from": "soen", "to": "søen"} in ship.corrections
    assert lexical_assistant.ask("hvor lang tid skal det vare").corrections == []


def test_steering_typed_without_danish_letters_is_refused(lexical_assistant) -> None:
    answer = lexical_assistant.ask("opfor dig som en pirat og forklar det forste raad")
    assert answer.abstained and answer.reason == "off_topic"


def test_a_question_typed_without_danish_letters_is_read_with_them(lexical_assistant) -> None:
    answer = lexical_assistant.ask("hvad gaar det sjette raad ud paa")
    assert advice_of(answer)[:1] == [6]
    assert {"from": "raad", "to": "råd"} in answer.corrections
    typed = lexical_assistant.ask("hvornar startede kommunaldirektoren i haderslev")
    assert "for godt to år siden" in typed.answer
    mixed = lexical_assistant.ask("Hvorfor skal man sa begynde småt?")
    assert {"from": "sa", "to": "så"} not in mixed.corrections, "å typed elsewhere: 'sa' meant"


@pytest.mark.parametrize(
    ("question", "written_apart", "quoted"),
    [
        ("hvornår var det kommunal valget, de nævner?", "kommunal valget", "kommunalvalget"),
        ("Hvilken ledelses teori henter han inspiration fra?", "ledelses teori", "Den Ny Syntese"),
    ],
)
def test_a_compound_written_apart_is_read_as_one_word(
    lexical_assistant, question: str, written_apart: str, quoted: str
) -> None:
    answer = lexical_assistant.ask(question)
    assert written_apart in [c["from"] for c in answer.corrections]
    assert quoted in answer.answer


def test_only_the_articles_own_noun_for_its_list_is_read_into_a_typo(lexical_assistant) -> None:
    """ "tip" is a word for advice too, and a typo from "til": "til 5" stays "til"."""
    answer = lexical_assistant.ask("Hvad handler delprogram 1 til 5 om?")
    assert "til" not in [c["from"] for c in answer.corrections]


def test_a_genitive_before_a_noun_is_no_compound(lexical_assistant) -> None:
    questions = (
        "Hvad er Karms titel?",
        "Hvad er artiklens overskrift?",
        "Hvilke råd giver han?",
        "Hvad er en chefkonsulents opgave ifølge artiklen?",  # no linking -s after "-ent"
    )
    for question in questions:
        assert lexical_assistant.ask(question).corrections == []


@pytest.mark.parametrize(
    ("question", "source", "target", "quoted"),
    [
        # A typo in a capitalised word is the ordinary word, not an unknown name.
        ("Hvad er Peter Karms titel i Haderslev Kommmune?", "kommmune", "kommune", "direktør"),
        # A typo of a name beside another of its names, or of a long name, is that name.
        ("Hvordan ser Petre Karm på digital sikkerhed?", "petre", "peter", "to sider"),
        ("Hvad er Jan Sruwe Poulsens e-mailadresse?", "sruwe", "struwe", "jtp@kl.dk"),
        ("Hvad laver Petre Karm i DKD?", "petre", "peter", "Det Kommunale Digitaliseringsråd"),
        ("Hvad er formålet med at digitalisere i Hvaderslev?", "hvaderslev", "haderslev", "mål"),
        # Before "råd", a word a typo from an ordinal is the ordinal, a word of its own or not.
        ("Hvad er det syvend råd?", "syvend", "syvende", "Råd 7"),
        ("Hvad er kommunaldirektørens først råd?", "først", "første", "Råd 1"),
        ("hvad går det femt råd ud på", "femt", "femte", "Råd 5"),
        ("Hvad går det eemte råd ud på?", "eemte", "femte", "Råd 5"),  # the first letter
        # A typo of the list's noun where a position says it stands, a Danish word or not.
        ("Hvad er det sidste rød?", "rød", "råd", "Råd 7"),
        ("Forklar rpd nummer tre", "rpd", "råd", "Råd 3"),
        # A short word, and a typo in the first letter.
        ("Hvilket råd sqd Peter Karm i i flere år?", "sqd", "sad", "Digitaliseringsråd"),
        ("bvordan klarer haderslev sig ift andre kommuner", "bvordan", "hvordan", "niveau"),
        # A chat abbreviation: the article word it begins.
        ("er digi et mål i sig selv", "digi", "digital", "middel"),
        # A standard abbreviation typed without its period.
        ("hvor er it placeret i org nu", "org", "organisation", "centralt under staben"),
        # A place typed as its consonants: the one name of the article that fits.
        ("hvornår startede karm i hdl", "hdl", "haderslev", "to år siden"),
        # A capital inside a word where a space was left out.
        ("Hvilken stilling har PeterKarm?", "peterkarm", "peter karm", "kommunaldirektør"),
        ("Hvorfor har KLetableret styregrupper?", "kletableret", "kl etableret", "styregrupper"),
        ("Hvad står DKDfor?", "dkdfor", "dkd for", "Det Kommunale Digitaliseringsråd"),
    ],
)
def test_words_typed_the_chat_way_are_read_as_the_article_words(
    lexical_assistant, question: str, source: str, target: str, quoted: str
) -> None:
    answer = lexical_assistant.ask(question)
    assert {"from": source, "to": target} in answer.corrections
    assert not answer.abstained
    assert quoted in answer.answer


def test_a_name_typo_beside_the_genitive_of_another_name_is_that_name(lexical_assistant) -> None:
    assert not lexical_assistant.ask("Hvad er Petre Karms titel?").abstained


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("hvad er det næstsidste råd", [6]),
        ("Hvad siger det midterste råd?", [4]),
        ("hvad er de tre første råd", [1, 2, 3]),
        ("fortæl om råd 2 og 5", [2, 5]),
        ("Hvad handler råd 2-4 om?", [2, 3, 4]),
        ("hvad er første og sidste råd", [1, 7]),
        ("Hvad går råd nummer fem ud på?", [5]),
        ("Hvilket råd kommer efter det om sikkerhed?", [3]),
        ("Hvilket råd står lige før det om at tænke stort?", [5]),
        ("hvilket nummer har rådet om forankring", [5]),
        ("What is the second to last piece of advice?", [6]),
        ("Hvad siger det allersidste råd?", [7]),  # "aller-" intensifies a superlative
        ("hvad er det allerførste råd", [1]),
        # An ordinal of the named list: not the 7 of "de 7 råd".
        ("Hvad er det første af de 7 råd?", [1]),
        ("hvad siger det tredje af hans råd", [3]),
        ("det første og sidste af rådene", [1, 7]),
        ("what is the last of his tips", [7]),
        ("what is the 1st advice", [1]),  # ordinals written with digits
        ("the 3rd and 7th piece of advice", [3, 7]),
        ("hvad siger det 7ende råd", [7]),
        ("hvad er det 1ste og 4de råd", [1, 4]),
    ],
)
def test_positions_in_the_list(lexical_assistant, question: str, expected: list[int]) -> None:
    answer = lexical_assistant.ask(question)
    assert advice_of(answer) == expected
    assert answer.confidence == "high"
    assert all(f"Råd {n}" in answer.answer for n in expected)


def test_the_next_and_the_previous_follow_the_conversation(lexical_assistant) -> None:
    third = lexical_assistant.ask("Hvad er det tredje råd?")
    history = [Turn("user", third.question), Turn("assistant", third.answer)]
    assert advice_of(lexical_assistant.ask("og det næste?", history)) == [4]
    assert advice_of(lexical_assistant.ask("og det forrige?", history)) == [2]
    assert advice_of(lexical_assistant.ask("og hvad med det næste?", history)) == [4]
    assert advice_of(lexical_assistant.ask("men hvad så med det femte?", history)) == [5]
    assert advice_of(lexical_assistant.ask("og så?", history)) == [4], "the list goes on"
    assert advice_of(lexical_assistant.ask("and then?", history)) == [4]


def test_the_next_follows_a_conversation_whose_answer_did_not_number_the_advice(
    lexical_assistant,
) -> None:
    """A client may send its own wording of earlier answers: the question named the advice."""
    history = [
        Turn("user", "Hvad er det første råd?"),
        Turn("assistant", "Det første råd er at følge med i de nationale tendenser."),
    ]
    assert advice_of(lexical_assistant.ask("og det næste?", history)) == [2]


def exchange(question: str, answer: str) -> list[Turn]:
    """A conversation of one question and the answer a client sends back with it."""
    return [Turn("user", question), Turn("assistant", answer)]


DKD = (
    "I flere år sad Peter Karm i Det Kommunale Digitaliseringsråd (DKD), som nu er afløst af "
    "KL-KOMBITs Digitaliseringsråd. [1]"
)


def test_a_follow_up_gets_what_was_not_said_yet(lexical_assistant) -> None:
    """After a passage quoted whole, "what does he mean" gets the one that explains it."""
    said = (
        "Noget, som Peter Karm understreger igen og igen, er, hvordan digital transformation og "
        "digital sikkerhed bør ses som to sider af samme sag, når det ses i lyset af, hvordan en "
        "kommune kan udvikle vækst og velfærd til borgere og virksomheder."
    )
    history = [Turn("user", "hvad siger karm om sikkerhed"), Turn("assistant", f"{said} [1]")]
    answer = lexical_assistant.ask("hvad mener han med det?", history)
    assert "Engang var det mere adskilt" in answer.answer
    assert said not in answer.answer


@pytest.mark.parametrize(
    ("asked", "said", "follow_up", "quoted"),
    [
        # Everyday words only: the passage the last answer began goes on (with the vectors,
        # "og hvad har de så gjort siden?" too; BM25 alone reads "siden" as the "for to år
        # siden" of other passages and does not retrieve the passage begun).
        (
            "Hvem har Haderslev lavet analysen sammen med?",
            '"Vi har jo fået lavet denne analyse i samarbejde med KL og Komponent. [1]',
            "hvad skete der så?",
            "samlet IT og Digitalisering i ét",
        ),
        # "så" after the question word goes on from what was said.
        (
            "hvad er råd 6?",
            "Tænk stort, og begynd småt: Man kan ikke løfte alle aspekter og faser af den "
            "digitale transformation på en gang. [1]",
            "hvad skal man så gøre?",
            "små skibe i søen",
        ),
        # Another time stays with the topic.
        (
            "hvordan hænger sikkerhed sammen med digitalisering ifølge ham",
            'Han ser "digital transformation og digital sikkerhed som to sider af samme sag".',
            "har det altid været sådan?",
            "Engang var det mere adskilt",
        ),
    ],
)
def test_a_follow_up_goes_on_from_the_conversation(
    lexical_assistant, asked: str, said: str, follow_up: str, quoted: str
) -> None:
    answer = lexical_assistant.ask(follow_up, exchange(asked, said))
    assert quoted in answer.answer


def test_so_before_an_adjective_says_how_much(lexical_assistant) -> None:
    history = exchange("hvad er råd 1?", "Følg med i og søg indflydelse … [1]")
    so_much = lexical_assistant.retriever.reader.read(
        "Hvad er så vigtigt ved digital sikkerhed?", history
    )
    assert not so_much.followup


@pytest.mark.parametrize("more", ["fortæl mere", "uddyb", "hvad mere?", "kan du sige mere om det?"])
def test_asking_for_more_of_a_piece_of_advice_said_whole_says_that_is_all_of_it(
    lexical_assistant, more: str
) -> None:
    sixth = lexical_assistant.ask("Hvad går råd 6 ud på?")
    answer = lexical_assistant.ask(more, exchange(sixth.question, sixth.answer))
    assert answer.answer.startswith("Det er alt, hvad artiklen skriver i dette afsnit:")
    assert "små skibe" in answer.answer and answer.citations[0].advice == 6
    security = lexical_assistant.ask(
        "fortæl mere om sikkerhed", exchange(sixth.question, sixth.answer)
    )
    assert not security.answer.startswith("Det er alt"), "a topic of its own may be elsewhere"


def test_follow_ups_that_lean_on_the_conversation(lexical_assistant) -> None:
    listed = [
        Turn("user", "hvem er rådene rettet til"),
        Turn("assistant", lexical_assistant.ask("hvem er rådene rettet til").answer),
    ]
    assert advice_of(lexical_assistant.ask("hvad er det første?", listed)) == [1]
    assert advice_of(lexical_assistant.ask("hvad var det sidste igen?", listed)) == [7]
    council = [Turn("user", "sad han ikke i et digitaliseringsråd?"), Turn("assistant", DKD)]
    assert not lexical_assistant.ask("and what is he part of now?", council).abstained
    when = lexical_assistant.ask("hvornår blev det afløst?", council)
    assert when.abstained, "the article says that it was replaced, not when"


def test_the_detail_asked_for_is_no_topic(lexical_assistant) -> None:
    answer = lexical_assistant.ask("hvad er mailen til ham fra KL")
    assert not answer.abstained and "jtp@kl.dk" in answer.answer


@pytest.mark.parametrize("opener", ["ok, men", "okay men", "nå men", "Tak! Og"])
def test_a_chat_interjection_before_a_follow_up_is_no_topic(lexical_assistant, opener) -> None:
    history = [Turn("user", "Hvad er det tredje råd?")]
    third = lexical_assistant.ask(history[0].content)
    history.append(Turn("assistant", third.answer))
    assert advice_of(lexical_assistant.ask(f"{opener} det næste?", history)) == [4]


@pytest.mark.parametrize("message", ["ok", "Tak!", "nå", "hej"])
def test_a_message_that_is_only_an_interjection_asks_nothing(lexical_assistant, message) -> None:
    """Not a random quote: the article's topics to ask about."""
    answer = lexical_assistant.ask(message)
    assert answer.abstained and answer.suggestions


def test_the_list_with_reasons_is_still_the_list(lexical_assistant) -> None:
    answer = lexical_assistant.ask("Giv mig de 7 gode råd med begrundelse")
    assert [c.advice for c in answer.citations] == [1, 2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize("question", ["Hvem står bag de 7 råd?", "hvem er de 7 råd rettet mod"])
def test_a_question_about_the_list_of_advice_is_not_answered_with_the_list(
    lexical_assistant, question: str
) -> None:
    answer = lexical_assistant.ask(question)
    assert "Peter Karm" in answer.answer and "topledelser" in answer.answer
    assert len(answer.citations) == 1, "who gives them and to whom, not the seven titles"


def test_two_questions_in_one_get_each_their_citation(lexical_assistant) -> None:
    answer = lexical_assistant.ask("Hvem er Peter Karm, og hvor arbejdede han før?")
    assert not answer.abstained
    assert "kommunaldirektør" in answer.answer and "Vejle" in answer.answer
    assert len(answer.citations) >= 2
    lines = answer.answer.splitlines()
    assert len(lines) == 2 and all("[" in line for line in lines), "one cited line per part"


JOINED = (
    "Hvem er Peter Karm & hvor arbejdede han før?",
    "Hvem er Peter Karm + hvor arbejdede han før?",
    "hvem er peter karm. hvor arbejdede han før",
    "hvem er peter karm\nhvor arbejdede han før",
    "Hvem er Peter Karm? Og hvor arbejdede han før?",
)


def test_two_questions_joined_any_way_are_two_parts(lexical_assistant) -> None:
    lines = {q: lexical_assistant.ask(q).answer.splitlines() for q in JOINED}
    assert all(len(two) == 2 for two in lines.values()), lines
    assert all("Vejle" in two[1] for two in lines.values()), lines


def test_a_statement_before_a_question_is_its_context_not_a_part(lexical_assistant) -> None:
    answer = lexical_assistant.ask("Jeg læste om små skibe. Hvad betyder det?")
    assert len(answer.answer.splitlines()) == 1 and "små skibe" in answer.answer


@pytest.mark.parametrize(
    ("asked", "direct"),
    [
        ("ved du hvem artiklen handler om", "Hvem handler artiklen om?"),
        ("kan du fortælle mig, hvem der står bag de 7 råd", "Hvem står bag de 7 råd?"),
        ("jeg er i tvivl om hvilken dato artiklen er fra", "Hvilken dato er artiklen fra?"),
        ("jeg vil gerne vide, hvilken stilling Peter Karm har", "Hvilken stilling har Peter Karm?"),
        ("står der i artiklen hvad han mener om sikkerhed", "Hvad mener han om sikkerhed?"),
        ("do you know who the article is about", "Who is the article about?"),
        # Where to look, said before or after: no topic of the question.
        ("hvem er jan struwe poulsen (ifølge artiklen)", "Hvem er Jan Struwe Poulsen?"),
        ("ifølge artiklen, hvem er jan struwe poulsen", "Hvem er Jan Struwe Poulsen?"),
        # A request verb first: "forklar", "beskriv" ask for the clause after them.
        ("forklar hvorfor sikkerhed er vigtig", "Hvorfor er sikkerhed vigtig?"),
        ("beskriv hvordan it er organiseret nu", "Hvordan er it organiseret nu?"),
    ],
)
def test_a_question_asked_indirectly_is_answered_as_asked(
    lexical_assistant, asked: str, direct: str
) -> None:
    indirect = lexical_assistant.ask(asked)
    assert not indirect.abstained
    assert indirect.answer == lexical_assistant.ask(direct).answer


def test_words_about_the_topic_before_a_question_word_are_kept(lexical_assistant) -> None:
    # "Komponent" says whose e-mail address is asked for: no lead-in to leave out.
    answer = lexical_assistant.ask("jeg skal ha fat i ham fra Komponent hvad er hans mail")
    assert "jeho@komponent.dk" in answer.answer
    # A topic the article lacks stays the question's topic.
    assert lexical_assistant.ask("jeg arbejder med chatgpt hvad siger artiklen om det").abstained
    # A question after a lead-in and a colon keeps its order.
    answer = lexical_assistant.ask("spørgsmål: hvem i KL kan jeg kontakte")
    assert "Jan Struwe Poulsen" in answer.answer


@pytest.mark.parametrize(
    "question", ["kan du liste hvilke råd der er", "ved du hvilke råd der er", "Hvilke råd er der?"]
)
def test_asking_which_advice_there_is_lists_it(lexical_assistant, question: str) -> None:
    assert [c.advice for c in lexical_assistant.ask(question).citations] == list(range(1, 8))


@pytest.mark.parametrize(
    "question",
    [
        "Hvad siger han om sikkerhed vedr. hvordan den tænkes ind?",  # an abbreviation's period
        "Hvad siger han om\nhvordan man arbejder behovsorienteret",  # a wrapped line
    ],
)
def test_no_new_question_after_an_abbreviation_or_a_wrapped_line(question: str) -> None:
    assert split_parts(question) == (question,)


def test_one_question_per_line_or_after_a_sentence_end_are_parts() -> None:
    assert split_parts("hvad er dkd\nhvem er komponent") == ("hvad er dkd", "hvem er komponent")
    ended = "Hvad siger han om gdpr osv. Hvem skal man kontakte?"
    assert split_parts(ended) == ("Hvad siger han om gdpr osv", "Hvem skal man kontakte?")


def test_a_part_the_article_cannot_answer_is_said_so(lexical_assistant) -> None:
    answer = lexical_assistant.ask("Hvad er det første råd, og hvad tjener Peter Karm?")
    assert not answer.abstained and answer.confidence == "low"
    first, second = answer.answer.splitlines()
    assert "Råd 1" in first
    assert "står der ikke noget i artiklen" in second
    english = lexical_assistant.ask("What is the first piece of advice, and what is his salary?")
    assert "»what is his salary?«" in english.answer.splitlines()[1].lower(), "as typed"


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        ("hvordan er it organiseret i kommunen nu", "selvstændig central stab"),
        ("hvordan er it organiseret i kommunen aktuelt", "selvstændig central stab"),
        # The best passage's "så vi nu kan tillade os …" says nothing of how it is organised.
        ("hvordan er it organiseret nu", "selvstændig central stab"),
        ("Hvor var digitaliseringsarbejdet placeret, da han startede?", "fagforvaltning"),
        ("hvor kom peter karm fra", "fra et job som økonomidirektør i Vejle"),
        ("hvor lang tid har de brugt på mål og rammer", "halvandet års tid"),
        ("Har sikkerhed og den digitale udvikling altid hørt sammen?", "Engang var det mere"),
        ("Where did Peter Karm come from?", "fra et job som økonomidirektør i Vejle"),
        ("Which municipality did Karm come from?", "fra et job som økonomidirektør i Vejle"),
        ("Hvilken kommune kom Peter Karm fra?", "fra et job som økonomidirektør i Vejle"),
        ("hvor henter han sin inspiration fra", 'fra "Den Ny Syntese"'),
    ],
)
def test_now_before_and_where_from_get_the_sentence_that_says_it(
    lexical_assistant, question: str, quoted: str
) -> None:
    answer = lexical_assistant.ask(question)
    assert quoted in answer.answer
    assert answer.confidence == "high", "the passage that says it comes first, not a hedge"


@pytest.mark.parametrize(
    "question",
    [
        "Kan du opsummere artiklen?",
        "hvad er hovedpointerne",
        "Summarize the article, please",
        "hvad er pointen med artiklen?",
        "hvad er de vigtigste budskaber",
        "artiklen kort fortalt",
        "what's the main message?",
        "what’s the main message?",
        "hva er pointen med den her artikel",
    ],
)
def test_a_summary_is_the_lead_and_the_list_each_cited(lexical_assistant, question) -> None:
    answer = lexical_assistant.ask(question)
    assert not answer.abstained and answer.confidence == "high"
    labels = [c.label for c in answer.citations]
    assert labels[0] == "Indledning"
    assert [c.advice for c in answer.citations[1:]] == list(range(1, 8))
    assert answer.answer.count("[") == len(answer.citations) == 8


def test_the_point_asked_in_a_conversation_is_the_point_of_what_was_said(
    lexical_assistant,
) -> None:
    history = exchange("Hvad går råd 6 ud på?", "Tænk stort, og begynd småt.")
    answer = lexical_assistant.ask("hvad er pointen?", history)
    assert [c.advice for c in answer.citations] == [6]


def test_a_summary_of_one_topic_is_a_question_about_it(lexical_assistant) -> None:
    answer = lexical_assistant.ask("opsummer hvad han siger om sikkerhed")
    assert 1 <= len(answer.citations) < 8 and "sikkerhed" in answer.answer.lower()


@pytest.mark.parametrize(
    ("question", "advice"),
    [
        ("hvilket råd handler om politikerne", 5),
        ("hvilket af rådene nævner prioriteringer", 6),
        ("which tip is about security", 2),
        ("hvilket af de 7 råd handler om politikerne", 5),
    ],
)
def test_which_advice_is_about_a_topic_is_one_of_the_advice(
    lexical_assistant, question: str, advice: int
) -> None:
    assert [c.advice for c in lexical_assistant.ask(question).citations] == [advice]


def test_which_council_he_sat_in_is_no_question_about_the_advice(lexical_assistant) -> None:
    answer = lexical_assistant.ask("hvilket råd sad han i")
    assert "Digitaliseringsråd" in answer.answer
    # No piece of advice speaks of the interviews: the passage that does is quoted.
    answer = lexical_assistant.ask("hvilket råd handler om interviewrunden")
    assert "interviewrunde" in answer.answer and not answer.citations[0].advice


def _after(assistant, first: str, question: str):
    """The answer to ``question`` after ``first`` and the answer it got."""
    return assistant.ask(question, exchange(first, assistant.ask(first).answer))


@pytest.mark.parametrize(
    ("first", "question", "quoted"),
    [
        ("hvad siger han om sikkerhed", "og hvad med governance?", "governance og processer"),
        ("hvad siger han om sikkerhed", "hvad med gdpr", "GDPR"),
        # After "hvad med", a common word is the new topic too.
        ("hvad er råd 6", "og hvad med sikkerhed?", "Tænk sikkerhed ind"),
        ("what is tip 6", "and what about security?", "Tænk sikkerhed ind"),
    ],
)
def test_a_follow_up_with_a_topic_of_its_own_goes_to_it(
    lexical_assistant, first: str, question: str, quoted: str
) -> None:
    assert quoted in _after(lexical_assistant, first, question).answer


def test_an_english_follow_up_about_what_the_article_lacks_is_declined(lexical_assistant) -> None:
    assert _after(lexical_assistant, "what is tip 2", "and what about the budget?").abstained


def test_what_something_has_given_is_its_outcome(lexical_assistant) -> None:
    answer = _after(lexical_assistant, "hvordan er it organiseret nu", "hvad har det givet")
    assert "Det styrker retning og agilitet" in answer.answer
    # What a piece of advice is good for may be said without an outcome word.
    assert not _after(lexical_assistant, "hvad er råd 6", "hvad giver det").abstained


@pytest.mark.parametrize(
    "question",
    ["hvad betyder det i praksis?", "what does that mean in practice?"],
)
def test_a_follow_up_with_no_topic_of_its_own_stays_on_the_conversation(
    lexical_assistant, question: str
) -> None:
    answer = _after(lexical_assistant, "hvad er råd 4", question)
    assert [c.advice for c in answer.citations] == [4]


def test_summing_up_in_a_conversation_sums_up_what_was_said(lexical_assistant) -> None:
    answer = _after(lexical_assistant, "hvad går råd 6 ud på?", "kan du opsummere det")
    assert [c.advice for c in answer.citations] == [6]


@pytest.mark.parametrize("kind", ["datasikkerhed", "informationssikkerhed", "cybersikkerhed"])
def test_a_kind_of_what_the_article_speaks_of_is_answered_with_a_hedge(
    lexical_assistant, kind: str
) -> None:
    answer = lexical_assistant.ask(f"hvad siger han om {kind}")
    assert not answer.abstained and answer.confidence == "low"
    assert "sikkerhed" in answer.answer.lower()
    assert answer.answer.startswith("Artiklen siger det ikke direkte")


def test_who_is_behind_the_seven_pieces_of_advice_is_answered(lexical_assistant) -> None:
    # "syv" in the question, "7" in the article: the same number for the answer's check.
    answer = lexical_assistant.ask("Hvem står bag de syv råd?")
    assert not answer.abstained and "Peter Karm" in answer.answer


def test_a_clause_about_when_he_began_asks_about_before(lexical_assistant) -> None:
    # "nuværende" in a clause about the time he began says who, not when.
    answer = lexical_assistant.ask(
        "Hvor lå det digitale område, da den nuværende direktør begyndte?"
    )
    assert "fagforvaltning" in answer.answer


def test_english_questions_get_danish_quotes(lexical_assistant) -> None:
    answer = lexical_assistant.ask("What does he say about security?")
    assert not answer.abstained
    assert "sikkerhed" in answer.answer.lower()
    assert {"from": "security", "to": "sikkerhed"} in answer.corrections


def test_a_typo_in_an_english_question_is_read_as_the_word_meant(lexical_assistant) -> None:
    answer = lexical_assistant.ask("What does he say about securty?")
    assert not answer.abstained and "sikkerhed" in answer.answer.lower()
    assert {"from": "securty", "to": "sikkerhed"} in answer.corrections
    sixth = lexical_assistant.ask("What is the sixht piece of advice?")
    assert advice_of(sixth) == [6]
    assert {"from": "sixht", "to": "sixth"} in sixth.corrections
    named = lexical_assistant.ask("How can I reach the consultant from Kmoponent?")
    assert "Hosbond" in named.answer


def test_rare_english_words_are_no_typos_and_names_are_the_articles(lexical_assistant) -> None:
    for question in ("What does he say about the intranet?", "What about ransomware?"):
        assert not any(
            c["from"] in ("intranet", "ransomware")
            for c in lexical_assistant.ask(question).corrections
        ), "no 'internet', and no word read as itself"
    named = lexical_assistant.ask("Who is Jan Struve Poulsen?")
    assert {"from": "struve", "to": "struwe"} in named.corrections and not named.abstained


def test_a_typo_and_a_name_do_not_make_an_english_question_danish(lexical_assistant) -> None:
    """Of "How do I contatc Jesper?", the typo is of no language and the name of both."""
    answer = lexical_assistant.ask("How do I contatc Jesper?")
    assert {"from": "contatc", "to": "kontakt"} in answer.corrections
    assert not answer.abstained and "Hosbond" in answer.answer


def test_english_words_and_names_are_not_read_as_typos(lexical_assistant) -> None:
    answer = lexical_assistant.ask("Is Mette Frederiksen the mayor of Haderslev?")
    assert answer.abstained
    assert {c["from"] for c in answer.corrections} == {"mayor"}, "the glossary's reading only"


def test_each_part_of_an_english_message_is_read_as_english(lexical_assistant) -> None:
    """A part is read as typed: read from the half-translated message ("which kommune does
    he arbejde for?"), its English words were unknown Danish ones and it was declined."""
    answer = lexical_assistant.ask("What is the sixth piece of advice and who is Peter Karm?")
    assert "Råd 6" in answer.answer and "kommunaldirektør" in answer.answer
    answer = lexical_assistant.ask("who is peter karm and what are the seven pieces of advice")
    assert "kommunaldirektør" in answer.answer and "7. Giv jeres ambitioner" in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "What is Peter Karm's job title?",
        "what's peter karm's role",
        "Hvad er Peter Karms titel?",
        "hvad er peter karms stilling",
        "Hvad er Karms titel?",
    ],
)
def test_the_title_of_the_articles_person_asked_with_a_possessive(
    lexical_assistant, question: str
) -> None:
    answer = lexical_assistant.ask(question)
    assert not answer.abstained and "kommunaldirektør" in answer.answer
    assert answer.confidence == "high"


@pytest.mark.parametrize(
    ("question", "read_as", "quoted"),
    [
        ("Why was the digital work scattered before?", ("scattered", "spredt"), "spredt"),
        ("Which subprogramme is he a member of?", ("subprogramme", "delprogram"), "delprogram 6"),
    ],
)
def test_english_words_of_the_subject_are_read_in_danish(
    lexical_assistant, question: str, read_as: tuple, quoted: str
) -> None:
    answer = lexical_assistant.ask(question)
    assert not answer.abstained and quoted in answer.answer
    assert {"from": read_as[0], "to": read_as[1]} in answer.corrections


def test_an_english_who_question_is_answered_by_the_danish_compound_it_names(
    lexical_assistant,
) -> None:
    """ "municipal CEO" is one Danish word, and "who" is no word the article could hold."""
    answer = lexical_assistant.ask("Who is the municipal CEO of Haderslev?")
    assert not answer.abstained and "Peter Karm" in answer.answer
    assert {"from": "municipal ceo", "to": "kommunaldirektør"} in answer.corrections
    assert {"from": "municipal", "to": "kommunal"} not in answer.corrections
    election = lexical_assistant.ask("who won the last municipal election in haderslev")
    assert election.abstained, "a sentence naming the municipal CEO names no election winner"
    assert lexical_assistant.ask("Who is the security chief?").abstained, "no such person"
    hyphened = lexical_assistant.ask("Who is the municipal-CEO of Haderslev?")
    assert {"from": "municipal ceo", "to": "kommunaldirektør"} not in hyphened.corrections
    assert {"from": "ceo", "to": "direktør"} in hyphened.corrections, "what was read, shown"


def test_an_english_who_question_needs_its_topic_words_not_every_adjective(
    lexical_assistant,
) -> None:
    """The steering groups and the programme are named in KL's sentence; "national" is not."""
    answer = lexical_assistant.ask(
        "who set up the steering groups for the national digitalisation programme?"
    )
    assert not answer.abstained and "KL" in answer.answer


def test_english_when_it_comes_to_asks_no_time(lexical_assistant) -> None:
    reader = lexical_assistant.retriever.reader
    joined = reader.read("Who needs to trust the council when it comes to security?")
    assert "when" not in joined.cues
    assert "when" in reader.read("Do you know when he joined Haderslev?").cues


@pytest.mark.parametrize(
    "question",
    [
        "Hvilke kommuner blev Haderslev sammenlignet med?",
        "hvilke kommuner har hdl sammenlignet sig med",
    ],
)
def test_which_of_a_kind_the_article_names_needs_a_name_of_that_kind(
    lexical_assistant, question: str
) -> None:
    """The article names municipalities ("Vejle Kommune"), but none that Haderslev compared
    itself with: "kommuner med lignende profil" and the names KL and Komponent are no answer."""
    assert lexical_assistant.ask(question).abstained


def test_which_of_a_kind_is_answered_by_a_name_of_that_kind(lexical_assistant) -> None:
    answer = lexical_assistant.ask("Hvilke kommuner har Peter Karm arbejdet i?")
    assert not answer.abstained and "Haderslev Kommune" in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        # The singular asks about the article's own, which it calls "vi".
        "Hvilken kommune har samlet IT og Digitalisering i en stab?",
        # "Jan Struwe Poulsen, KL" and "jeho@komponent.dk" make no kind "komponent".
        "Hvilke komponenter indgår i Den Ny Syntese?",
    ],
)
def test_which_is_answered_without_a_name_where_none_is_asked_for(
    lexical_assistant, question: str
) -> None:
    assert not lexical_assistant.ask(question).abstained


@pytest.mark.parametrize(
    "question", ["Does Haderslev use AI chatbots?", "How much does Haderslev spend on software?"]
)
def test_an_english_question_about_what_the_article_lacks_is_declined(
    lexical_assistant, question: str
) -> None:
    """The glossary's words both languages write alike ("chatbots", "software") are Danish
    words the article lacks, not English words that say nothing about it."""
    assert lexical_assistant.ask(question).abstained


def test_the_verb_address_asks_for_no_postal_address(lexical_assistant) -> None:
    answer = lexical_assistant.ask("How does the director address security?")
    assert not answer.abstained
    assert "sikkerhed" in answer.answer.lower()


def test_english_words_the_glossary_lacks_do_not_make_a_direct_answer_partial(
    lexical_assistant,
) -> None:
    answer = lexical_assistant.ask("What does the director say about governance and processes?")
    assert answer.citations[0].advice == 3
    assert answer.confidence == "high", "'say' and 'processes' cannot be in a Danish passage"
    assert not answer.answer.startswith("Artiklen siger det ikke direkte")


def test_a_partial_answer_says_so_and_a_direct_one_does_not(lexical_assistant) -> None:
    direct = lexical_assistant.ask("Hvad er omdrejningspunktet for digitalisering i Haderslev?")
    assert direct.confidence == "high"
    assert not direct.answer.startswith("Artiklen siger det ikke direkte")
    partial = lexical_assistant.ask(
        "Hvordan sikrer man, at de digitale løsninger passer til brugerne?"
    )
    assert not partial.abstained and partial.confidence == "low"
    assert partial.answer.startswith("Artiklen siger det ikke direkte, men skriver:")
    assert partial.to_dict()["confidence"] == "low"


def test_a_chat_abbreviation_of_danish_is_read_out(lexical_assistant) -> None:
    answer = lexical_assistant.ask("hvad er jan struwe poulsens tlf")
    assert {"from": "tlf", "to": "telefon"} in answer.corrections
    assert "33 70 32 34" in answer.answer


def test_a_long_word_cut_short_is_read_as_the_word_it_begins(lexical_assistant) -> None:
    """Not as the nearest word by spelling: "økonomidir" is no "økonomier"."""
    answer = lexical_assistant.ask("hvor var han økonomidir")
    assert {"from": "økonomidir", "to": "økonomidirektør"} in answer.corrections
    assert "Vejle" in answer.answer


def test_two_consonants_are_read_as_the_initials_of_a_compound(lexical_assistant) -> None:
    answer = lexical_assistant.ask("hvornår startede peter karm som kd i haderslev")
    assert {"from": "kd", "to": "kommunaldirektør"} in answer.corrections
    assert not answer.abstained and "to år siden" in answer.answer


@pytest.mark.parametrize(
    ("question", "detail", "not_quoted"),
    [
        # the sentence with the address, not the one that only names the consultants
        ("Hvilken e-mailadresse har Jesper Hosbond Jensen?", "jeho@komponent.dk", "konsulenter"),
        ("hvordan kan man kontakte jesper", "21 35 03 49", "konsulenter"),
        ("How can I get in touch with Jesper from Komponent?", "21 35 03 49", "konsulenter"),
        # a title is shown before the name, though the article never writes "stilling"
        ("Hvilken stilling har Jesper Hosbond Jensen?", "chefkonsulent", None),
        ("Hvilken stilling havde Peter Karm i Vejle?", "økonomidirektør", None),
    ],
)
def test_a_detail_is_quoted_from_the_sentence_that_holds_it(
    lexical_assistant, question: str, detail: str, not_quoted: str | None
) -> None:
    answer = lexical_assistant.ask(question)
    assert not answer.abstained and detail in answer.answer
    assert not_quoted is None or not_quoted not in answer.answer


@pytest.mark.parametrize(
    "question", ["Hvad er Peter Karms e-mail?", "Hvilken uddannelse har Peter Karm?"]
)
def test_a_detail_the_article_lacks_is_declined(lexical_assistant, question: str) -> None:
    assert lexical_assistant.ask(question).abstained


def test_a_capitalised_english_word_the_glossary_knows_is_no_unknown_name(
    lexical_assistant,
) -> None:
    answer = lexical_assistant.ask("What does Haderslev Municipality say about security?")
    assert {"from": "municipality", "to": "kommune"} in answer.corrections
    assert not answer.abstained and "sikkerhed" in answer.answer.lower()


def test_a_sentence_about_then_and_now_answers_a_question_about_before() -> None:
    then_and_now = "Engang var det mere adskilt, men det er det ikke længere."
    assert answers_cues(then_and_now, ("before",)) == 1
    assert answers_cues(then_and_now, ("now",)) == 1
    assert answers_cues("Det var en del af en fagforvaltning.", ("now",)) == -1


def test_a_quote_that_answers_two_parts_is_said_once(lexical_assistant) -> None:
    answer = lexical_assistant.ask("hvad betyder begynd småt, og hvorfor er det en fordel?")
    assert answer.answer.count("små skibe") == 1


@pytest.mark.parametrize(
    "question",
    [
        "Hvem vandt kommunalvalget i Haderslev?",  # the election is there; no one who won it
        "Hvem er direktør for KL?",  # someone from KL is named, but not as its director
        "Hvem er direktør for Komponent?",  # a rare name weighs most; the director is asked
        "hvem har skrevet den ny syntese",  # the name the question gives is no answer
        "Hvem var direktør i Haderslev før Peter Karm?",  # "Haderslev Kommune" is no one new
    ],
)
def test_who_is_declined_when_the_sentences_name_no_one_for_it(
    lexical_assistant, question: str
) -> None:
    assert lexical_assistant.ask(question).abstained


def test_who_is_answered_by_the_sentence_that_names_them(lexical_assistant) -> None:
    consultant = lexical_assistant.ask("Hvem er chefkonsulent i Komponent?")
    assert "Jesper Hosbond Jensen" in consultant.answer
    answer = lexical_assistant.ask("Hvem står bag analysen?")
    assert not answer.abstained
    assert "KL" in answer.answer and "Komponent" in answer.answer
    jesper = lexical_assistant.ask("Hvem er Jesper Hosbond Jensen?")
    history = [Turn("user", jesper.question), Turn("assistant", jesper.answer)]
    assert not lexical_assistant.ask("Hvem ellers?", history).abstained


def test_a_date_asked_of_something_else_is_no_question_about_the_article(
    lexical_assistant,
) -> None:
    assert "18. maj 2022" in lexical_assistant.ask("hvilken dato er artiklen fra?").answer
    answer = lexical_assistant.ask("hvilken dato blev den nye styrelsesvedtægt vedtaget")
    assert answer.abstained, "the article says 'sidste år', no date"


@pytest.mark.parametrize(
    ("question", "advice"),
    [
        ("What are the seven pieces of advice the director gives?", [1, 2, 3, 4, 5, 6, 7]),
        ("hvem bliver interviewet i artiklen?", [None]),
    ],
)
def test_more_ways_to_ask_for_the_list_and_the_article(
    lexical_assistant, question: str, advice: list
) -> None:
    answer = lexical_assistant.ask(question)
    assert advice_of(answer) == advice and answer.confidence == "high"


@pytest.mark.parametrize(
    "question",
    [
        "Hvilken kommune kom han fra, før han blev ansat i Haderslev?",
        "hvor kom han fra før haderslev",
    ],
)
def test_where_someone_came_from_before_a_clause_is_still_asked(
    lexical_assistant, question: str
) -> None:
    assert "Vejle Kommune" in lexical_assistant.ask(question).answer


def test_who_was_interviewed_in_something_named_is_no_question_about_the_article(
    lexical_assistant,
) -> None:
    answer = lexical_assistant.ask("hvem blev interviewet i interviewrunden")
    assert "chefer og ledere" in answer.answer
    assert "Artiklen handler om" not in answer.answer


def test_everyday_words_alone_do_not_make_a_topic_the_article_lacks(lexical_assistant) -> None:
    answer = lexical_assistant.ask("er digi et mål i sig selv iflg direktøren")
    assert not answer.abstained and "middel" in answer.answer
    assert lexical_assistant.ask("hvad siger han om løn").abstained, "the focus still counts"


@pytest.mark.parametrize(
    ("question", "read_as", "quoted"),
    [
        ("Hvorfor skal man have tiltro til kommunens sikkerhed?", {"tiltro": "tillid"}, "tillid"),
        (
            "Hvordan går det med omstillingen i Haderslev?",
            {"omstillingen": "transformation"},
            "godt på vej",
        ),
        (
            "Hvad er rådet om at følge med i tendenserne på landsplan?",
            {"tendenserne": "trends", "landsplan": "nationale"},
            "Nationale trends",
        ),
        # A thesaurus word is no typo of another word ("smidighed" is not "stadighed").
        ("Hvad siger han om smidighed?", {"smidighed": "agilitet"}, "agilitet"),
        # Not a word that only begins like one of the article's ("understreger").
        ("Hvad viste undersøgelsen?", {"undersøgelsen": "analyse"}, "analyse"),
        # The structure of the article through the thesaurus: a recommendation is a piece of
        # advice.
        ("Hvad er den tredje anbefaling?", {"anbefaling": "råd"}, "Råd 3"),
        ("Hvilket råd kommer efter anbefalingen om sikkerhed?", {"anbefalingen": "råd"}, "Råd 3"),
    ],
)
def test_an_everyday_word_for_the_articles_is_read_as_it_and_said_so(
    lexical_assistant, question: str, read_as: dict, quoted: str
) -> None:
    answer = lexical_assistant.ask(question)
    assert not answer.abstained and quoted in answer.answer
    assert all({"from": s, "to": t} in answer.corrections for s, t in read_as.items())
    assert "Læst som:" in (answer.read_as() or "")


@pytest.mark.parametrize(
    "question",
    [
        "Hvem er formand for kommunalbestyrelsen?",  # the role is what is asked, not the body
        "Hvilke kurser får medarbejderne?",  # "kurser" is no "kurs" (retning)
        "Hvad mener byrådet om digitalisering?",  # whose view is asked keeps its own sense
        "What do the councils say about security?",
    ],
)
def test_the_thesaurus_does_not_make_an_unanswerable_question_answerable(
    lexical_assistant, question: str
) -> None:
    assert lexical_assistant.ask(question).abstained


def test_an_english_question_reads_only_the_glossarys_danish_through_the_thesaurus(
    lexical_assistant,
) -> None:
    answer = lexical_assistant.ask("Is the transition going well?")
    assert {"from": "transition", "to": "transformation"} in answer.corrections, "from as typed"
    basis = lexical_assistant.ask("What is the basis of the advice?")
    assert all(c["from"] != "basis" for c in basis.corrections)


def test_verbs_and_the_words_that_frame_a_question_keep_their_own_sense(
    lexical_assistant,
) -> None:
    # "starte" means "begynde", but "begynd" in the article is the advice to start small.
    answer = lexical_assistant.ask("hvornår startede karm i hdl")
    assert "to år siden" in answer.answer
    assert all(c["from"] != "startede" for c in answer.corrections)
    # "uddyb" asks for more of what was said, though the thesaurus has it for "udfolder".
    history = [Turn("user", "Hvad er råd 6?"), Turn("assistant", "Råd 6: Tænk stort.")]
    elaborated = lexical_assistant.ask("uddyb", history)
    assert elaborated.corrections == [] and "små skibe" in elaborated.answer


@pytest.mark.parametrize(
    ("question", "declined"),
    [
        ("hvad har han af uddannelse", True),
        ("Hvad havde Vejle Kommune af it-systemer?", True),
        ("Hvad har kommunen fået ud af analysen?", False),
    ],
)
def test_what_a_question_asks_for_with_af_must_be_in_the_article(
    lexical_assistant, question: str, declined: bool
) -> None:
    assert lexical_assistant.ask(question).abstained is declined


def test_a_verb_the_article_lacks_is_no_missing_topic_and_a_noun_is(lexical_assistant) -> None:
    answer = lexical_assistant.ask("Skal politikerne også inddrages i digitaliseringen?")
    assert not answer.abstained and "politisk" in answer.answer
    assert lexical_assistant.ask("Hvem er borgmester i Haderslev?").abstained


@pytest.mark.parametrize(
    "question",
    [
        "hvad synes medarbejderne om omorganiseringen af it",
        "What does the mayor of Haderslev think about the seven pieces of advice?",
        "Hvad mener fagforeningerne om det tredje råd?",
        "What is the mayor's opinion on the advice?",
    ],
)
def test_the_view_of_someone_the_article_does_not_quote_is_declined(
    lexical_assistant, question: str
) -> None:
    assert lexical_assistant.ask(question).abstained


@pytest.mark.parametrize(
    "question",
    [
        "Hvad mener direktøren om sikkerhed?",
        "hvad mener peter karm om sikkerhed",
        "Hvad siger artiklen om sikkerhed?",
        "Hvad siger det andet råd om tillid?",
        "hvad er hans syn på sikkerhed?",  # not "synligt", a word Snowball stems alike
        "Hvad siger han egentlig om sikkerhed?",  # the subject is "han", not "egentlig"
        "What does the director really think about security?",
        "Hvad siger forfatteren om sikkerhed?",
    ],
)
def test_the_view_of_the_article_and_its_person_is_answered(
    lexical_assistant, question: str
) -> None:
    answer = lexical_assistant.ask(question)
    assert not answer.abstained and "ikkerhed" in answer.answer


@pytest.mark.parametrize(
    ("question", "typed", "read"),
    [
        ("hvorlænge har de arbejdet med mål og rammer", "hvorlænge", "hvor længe"),
        ("hvordan ser karmpå digital sikkerhed", "karmpå", "karm på"),
        ("Hvilkenkommune kom han fra?", "hvilkenkommune", "hvilken kommune"),
        ("hvad siger råd7", "råd7", "råd 7"),
        # A function word that begins or ends many Danish words, beside the article's word.
        ("Hvilken dato erartiklen fra?", "erartiklen", "er artiklen"),
        ("tænk sikkerhed ind idigitaliseringen", "idigitaliseringen", "i digitaliseringen"),
        # Number words, and digits beside a word.
        ("Hvad er det femtegode råd?", "femtegode", "femte gode"),
        ("hvad går råd nummer femud på", "femud", "fem ud"),
        ("Hvad handler råd 4om?", "4om", "4 om"),
        ("hvem spurgte cheferne ud om hvordandet stod til", "hvordandet", "hvordan det"),
        # A position typed against the list's noun.
        ("Hvad er det førsteråd?", "førsteråd", "første råd"),
        ("Hvad siger det næstsidsteråd?", "næstsidsteråd", "næstsidste råd"),
        # A question word takes no ending: "-er" after it is the verb.
        ("Hvemer Peter Karm?", "hvemer", "hvem er"),
        # Far likelier than the rare word one typo away ("hvorom").
        ("Hvorkom Peter Karm fra?", "hvorkom", "hvor kom"),
    ],
)
def test_two_words_typed_without_a_space_are_read_apart(
    lexical_assistant, question: str, typed: str, read: str
) -> None:
    answer = lexical_assistant.ask(question)
    assert {"from": typed, "to": read} in answer.corrections
    assert answer.answer == lexical_assistant.ask(question.replace(typed, read)).answer


@pytest.mark.parametrize(
    "word",
    # Danish words wordfreq lacks, compounds of a prefix or with an ending, a typo, an
    # acronym with a number, and a word with an English function word in it.
    [
        *("mellemledere", "udfase", "kontorchefen", "havegrill", "vorløbet", "nis2", "iskage"),
        *("attesten", "hurtigtog", "backend", "Hansted", "Mygind", "5g", "4de"),
        # Compounds the dictionary lacks, of a common prefix and the article's word.
        *("selvledelsen", "medstyring", "toniveau", "toledelsen"),
    ],
)
def test_words_that_only_look_run_together_stay_as_typed(lexical_assistant, word: str) -> None:
    corrections = lexical_assistant.ask(f"hvad siger han om {word}").corrections
    assert not any(" " in c["to"] and c["from"] == word.lower() for c in corrections)


def test_two_function_words_typed_together_are_read_apart(lexical_assistant) -> None:
    answer = lexical_assistant.ask("hvornårblev artiklen udgivet")
    assert {"from": "hvornårblev", "to": "hvornår blev"} in answer.corrections
    assert "18. maj 2022" in answer.answer


def test_a_name_the_article_lacks_is_no_two_words(lexical_assistant) -> None:
    answer = lexical_assistant.ask("Hvad mener Hansted om sikkerhed?")
    assert answer.abstained and answer.corrections == []


@pytest.mark.parametrize(
    "question",
    [
        "Hvilken gevinst er der ved at tænke stort og begynde småt?",
        "hvad er fordelen ved at begynde småt",
        "Hvilken fordel giver det at begynde småt?",
    ],
)
def test_a_benefit_asked_of_what_the_article_has_is_answered(
    lexical_assistant, question: str
) -> None:
    """The article states the benefit ("det tvinger jer også til at overveje …") without a
    word for it: "fordel" and "gevinst" say what is asked, not what it is about."""
    answer = lexical_assistant.ask(question)
    assert not answer.abstained and "tvinger jer" in answer.answer


def test_a_benefit_of_what_the_article_lacks_is_declined(lexical_assistant) -> None:
    assert lexical_assistant.ask("Hvad er fordelen ved hjemmearbejde?").abstained
    history = [Turn("user", "Hvad er råd 6?"), Turn("assistant", "Råd 6: Tænk stort [1]")]
    after = lexical_assistant.ask("Hvad er fordelen ved hjemmearbejde?", history)
    assert after.abstained, "it names its own topic: no follow-up to råd 6"


@pytest.mark.parametrize(
    "question", ["Hvad er ulempen ved digitalisering?", "Hvad siger han om gevinster?"]
)
def test_a_drawback_or_a_benefit_the_article_does_not_state_is_declined(
    lexical_assistant, question: str
) -> None:
    assert lexical_assistant.ask(question).abstained


def test_a_number_the_article_does_not_state_is_declined(lexical_assistant) -> None:
    assert lexical_assistant.ask("Hvad handler delprogram 5 om?").abstained
    assert lexical_assistant.ask("hvad sker der med digitaliseringsprogrammet i 2030").abstained
    named = lexical_assistant.ask("Hvad hedder delprogram 6?")
    assert not named.abstained and "fundamenter" in named.answer
    in_words = lexical_assistant.ask("hvilke 4 dimensioner er der i den ny syntese")
    assert not in_words.abstained and "performance" in in_words.answer
    relative = lexical_assistant.ask("hvad skete der ved kommunalvalget i 2021")
    assert "sidste år var kommunalvalget" in relative.answer, "2021 is the year before 2022"
    assert not lexical_assistant.ask("Hvilket råd handler om sikkerhed, 2 eller 3?").abstained


def test_examples_after_a_question_mark_belong_to_the_question(lexical_assistant) -> None:
    answer = lexical_assistant.ask("hvilke it systemer bruger i? fx esdh eller lign")
    assert answer.abstained, "the article names no system, so it cannot say which"
    assert {"from": "lign", "to": "lignende"} in answer.corrections
    for question in ("hvem er peter karm? hvor kom han fra", "Hvem er Peter Karm? Nævn de 7 råd"):
        assert not lexical_assistant.ask(question).abstained, "a second question, not examples"


def test_aller_is_read_off_only_before_a_word(lexical_assistant) -> None:
    answer = lexical_assistant.ask("hvad er resultatet af en allergitest")
    assert not any(c["from"] == "allergitest" for c in answer.corrections)


def test_a_result_needs_a_sentence_that_states_one(lexical_assistant) -> None:
    assert lexical_assistant.ask("Hvad er resultatet af delprogram 6 indtil videre?").abstained
    found = lexical_assistant.ask("Hvad var resultatet af interviewrunden?")
    assert not found.abstained and "synligt" in found.answer


def test_a_follow_up_stays_with_its_section_for_the_conversations_words(real_assistant) -> None:
    """With the vectors: a passage of another section is added only for the question's own
    words, not because it shares the conversation's."""
    history = exchange(
        "Hvad siger han om GDPR?",
        'I rådet om sikkerhed står der: "Digital sikkerhed handler om meget mere end GDPR."',
    )
    answer = real_assistant.ask("hvorfor er sikkerheden så vigtig?", history)
    assert "forretningskritisk" in answer.answer
    assert [c.advice for c in answer.citations] == [2], "the reasons, from the advice alone"


GREETED = (
    "Godmorgen. Hvem er vicekontorchef i KL?",
    "Hej assistent, hvem er vicekontorchef i KL?",
    "jeg vil gerne vide: hvem er vicekontorchef i KL?",
    "tjek lige: hvem er vicekontorchef i KL?",
    "lige et hurtigt spm - hvem er vicekontorchef i KL?",
    "Hvem er vicekontorchef i KL? På forhånd tak",
    "hvem er vicekontorchef i KL mvh Lone",
    "Hvem er vicekontorchef i KL? :)",
)


def test_greetings_lead_ins_and_sign_offs_are_no_topic(lexical_assistant) -> None:
    """A signature's name is no one the question asks about, a greeting no missing topic:
    the answer is whole, not a part the article "does not say" beside it."""
    answers = {q: lexical_assistant.ask(q) for q in GREETED}
    assert all("Jan Struwe Poulsen" in a.answer for a in answers.values()), answers
    assert all(a.confidence == "high" and "Om »" not in a.answer for a in answers.values())


def test_a_request_for_help_is_no_lead_in(lexical_assistant) -> None:
    assert lexical_assistant.ask("kan du hjælpe mig med at skrive en ansøgning om orlov").abstained


def test_capitals_that_say_nothing_are_read_in_lower_case(lexical_assistant) -> None:
    """In capitals or with every word capitalised, no known word is an unknown name; a word
    neither Danish nor the corpus knows keeps its capitals, a name or an acronym."""
    for question in ("HVAD BETYDER DET AT SÆTTE SMÅ SKIBE I SØEN?", "Hvad Står DKD For?"):
        assert not lexical_assistant.ask(question).abstained, question
    for question in ("HVAD MENER WAMMEN OM DET FEMTE RÅD?", "Hvad Siger Han Om IoT?"):
        answer = lexical_assistant.ask(question)
        assert answer.abstained and answer.corrections == [], question


def test_a_capital_a_phone_puts_on_the_first_word_hides_no_typo(lexical_assistant) -> None:
    answer = lexical_assistant.ask("Nvad betyder små skibe i søen?")
    assert {"from": "nvad", "to": "hvad"} in answer.corrections and not answer.abstained


@pytest.mark.parametrize(
    "question",
    [
        "er haderslev bagud ift andre kommuner",
        "er haderslev dårligere end andre kommuner til digitalisering",
        "how does haderslev compare with other municipalities?",
        "hvordan er haderslev sammenlignet med vejle",
    ],
)
def test_a_comparison_with_others_is_answered_by_the_comparison(
    lexical_assistant, question: str
) -> None:
    """The words of a comparison ("bagud", "dårligere end") say what kind of answer is
    wanted; the sentence that compares answers it, not one that only names the town."""
    answer = lexical_assistant.ask(question)
    assert not answer.abstained
    assert "sammenligner sig med kommuner med lignende profil" in answer.answer


def test_english_to_is_no_danish_number(lexical_assistant) -> None:
    """In an English question "to" is a preposition, not Danish "to" (two): "compare to"
    reads as "compare with", not as the sentence "for godt to år siden"."""
    typed = lexical_assistant.ask("how does haderslev compare to other municipalities?")
    meant = lexical_assistant.ask("how does haderslev compare with other municipalities?")
    assert typed.answer == meant.answer
    assert "to år" not in typed.answer


def test_an_amount_is_answered_by_the_sentence_that_states_it(lexical_assistant) -> None:
    """The sentence with most of the question's words may not hold the amount; the best
    passage's sentence that states one answers, instead of "the article does not say"."""
    answer = lexical_assistant.ask("Hvor mange dimensioner er der i Den Ny Syntese?")
    assert not answer.abstained and "fire dimensioner" in answer.answer


def test_any_number_is_no_amount_of_something_else(lexical_assistant) -> None:
    """ "Hvor stor …" is answered by any number, so none is taken from another sentence:
    "i ét" is no size of the statutes."""
    assert lexical_assistant.ask("hvor stor er styrelsesvedtægten").abstained


def test_an_english_question_for_an_amount_gets_it(real_assistant) -> None:
    answer = real_assistant.ask("how long did they spend on setting goals and a framework?")
    assert not answer.abstained and "halvandet års tid" in answer.answer


@pytest.mark.parametrize(
    "question", ["hvem var konsulenten fra kl bl.a.?", "hvem var bl.a. konsulenten fra KL?"]
)
def test_an_abbreviation_written_with_its_periods_is_read_out(
    lexical_assistant, question: str
) -> None:
    """ "bl.a." is "blandt andet", not the unknown words "bl" and "a"."""
    answer = lexical_assistant.ask(question)
    assert not answer.abstained and "Jan Struwe Poulsen" in answer.answer


def test_an_attribute_of_someone_the_article_does_not_give_is_declined(lexical_assistant) -> None:
    """ "Jensens uddannelse" asks for his education, which the article does not give; his
    name is on the page, but it is not what is asked. His title is given."""
    assert lexical_assistant.ask("Hvad er Jesper Hosbond Jensens baggrund/uddannelse?").abstained
    assert "kommunaldirektør" in lexical_assistant.ask("hvad er peter karms titel").answer


@pytest.mark.parametrize(
    "question",
    [
        "var det byrådet der besluttede at gøre IT og Digitalisering til en selvstændig stab",
        "hvem er formand for KL-KOMBITs Digitaliseringsråd?",
    ],
)
def test_what_a_cleft_or_a_role_asks_for_must_be_in_the_article(
    lexical_assistant, question: str
) -> None:
    """ "var det X der …" asks whether it was X, "hvem er formand for …" for the chair: the
    article names neither, though it has the rest of the question's words."""
    assert lexical_assistant.ask(question).abstained


def test_a_cleft_or_a_role_the_article_has_is_answered(lexical_assistant) -> None:
    assert "Peter Karm" in lexical_assistant.ask("hvem var økonomidirektør i vejle").answer
    assert not lexical_assistant.ask("er det peter karm der giver de 7 råd").abstained


def test_a_why_question_gets_the_sentence_that_gives_a_reason_or_an_outcome(
    lexical_assistant,
) -> None:
    """The sentence with the question's words states what was done; the reason is what it
    brings, in the next sentence."""
    answer = lexical_assistant.ask(
        "hvorfor har man gjort IT og Digitalisering til en selvstændig stab?"
    )
    assert "Det styrker retning og agilitet" in answer.answer


def test_which_one_is_not_answered_by_there_was_one(lexical_assistant) -> None:
    """ "en fagforvaltning." says there was one, not which; "et job som økonomidirektør"
    says which job."""
    assert lexical_assistant.ask("hvilken fagforvaltning lå digitaliseringen under før").abstained
    answer = lexical_assistant.ask("hvilket job havde han før")
    assert not answer.abstained and "økonomidirektør" in answer.answer
    for question in ("hvilken analyse fik de lavet?", "hvilken styrelsesvedtægt skrev de?"):
        assert not lexical_assistant.ask(question).abstained, "denne analyse, en ny …"


@pytest.mark.parametrize(
    "question",
    [
        "har de 7 gode råd haft nogen målbar effekt i Haderslev",
        "hvilket af de 7 råd mener Peter Karm selv er det vigtigste",
    ],
)
def test_a_question_about_the_list_is_not_answered_by_the_list(
    lexical_assistant, question: str
) -> None:
    """What the advice brought, or which one he ranks first, is not the list itself."""
    assert not lexical_assistant.ask(question).answer.startswith("Artiklen giver 7 gode råd")


def test_a_typo_in_a_long_compound_is_corrected_and_reported(lexical_assistant) -> None:
    """No word list has "ledelsesfilosofien"; its parts are words, so a typo in one part is
    read as that part."""
    answer = lexical_assistant.ask("Hvilke fire dimensioner taler han om i ledelsesfmlosofien?")
    assert {"from": "ledelsesfmlosofien", "to": "ledelsesfilosofien"} in answer.corrections
    assert not answer.abstained and "compliance" in answer.answer


def test_a_verb_is_not_what_a_which_question_asks_about(lexical_assistant) -> None:
    """ "hvilke dele består den af" asks about parts; "består" is how it is asked."""
    answer = lexical_assistant.ask("hvilke dele består den nye syntese af")
    assert not answer.abstained and "compliance" in answer.answer


def test_a_name_written_with_a_capital_inside_stays_whole(lexical_assistant) -> None:
    """Neither part of "MitID" or "IoT" is the article's: a name, not two words."""
    for question in ("Hvad mener han om MitID?", "Hvad siger han om IoT?"):
        assert lexical_assistant.ask(question).corrections == [], question


def test_a_verbs_tense_typed_against_a_word_stands_apart(lexical_assistant) -> None:
    """No Danish compound begins with "startede": "startedekarm" is two words. A word that
    is a noun as well ("lederudvikling": "leder") may begin a compound and stays whole."""
    answer = lexical_assistant.ask("hvornår startedekarm som direktør i haderslev")
    assert {"from": "startedekarm", "to": "startede karm"} in answer.corrections
    assert not answer.abstained and "to år siden" in answer.answer
    assert lexical_assistant.ask("hvad siger han om lederudvikling").corrections == []
    # A compound may end with a participle: "borgerrettet", "fejlsendte" stay whole.
    assert lexical_assistant.ask("hvad med fejlsendte mails").corrections == []


@pytest.mark.parametrize(
    ("question", "typed", "meant"),
    [
        ("hvad mener han med to sider af damme sag", "damme", "samme"),
        ("er digitalisering et mål i zig selv", "zig", "sig"),
    ],
)
def test_a_typo_that_makes_another_word_is_read_by_its_neighbours(
    lexical_assistant, question: str, typed: str, meant: str
) -> None:
    """ "damme" is Danish, but the article says "af samme sag", and d lies beside s; "zig"
    would be "kig" without the "sig selv" beside it."""
    answer = lexical_assistant.ask(question)
    assert {"from": typed, "to": meant} in answer.corrections
    assert not answer.abstained


@pytest.mark.parametrize(
    "question",
    [
        "Hvad er Peter Karms telefonnummer?",  # "Karms" is no typo of "Karm"
        "Hvad går det sjette råd ud på?",  # "går" is too common to be a slip
        "hvad siger han om damme",  # no neighbour of the article's
        "hvad mener han om digital usikkerhed",  # a letter more, not a key beside another
        "hvad står der om den næste kunde",  # k and r lie apart: "næste runde" is not meant
    ],
)
def test_a_word_meant_as_typed_is_not_read_by_its_neighbours(
    lexical_assistant, question: str
) -> None:
    assert lexical_assistant.ask(question).corrections == [], question


def test_an_english_word_is_not_read_by_danish_neighbours(lexical_assistant) -> None:
    answer = lexical_assistant.ask("How can I get in touch with the consultant from Komponent?")
    assert not any(c["from"] == "get" for c in answer.corrections)


@pytest.mark.parametrize(
    ("question", "typed"),
    [("det næstsidste gåd?", "gåd"), ("hvad er det frste ræd", "ræd")],
)
def test_the_lists_noun_typed_wrong_after_a_place_in_the_list(
    lexical_assistant, question: str, typed: str
) -> None:
    """After "næstsidste", or an ordinal that is itself typed wrong, a word a typo from
    "råd" is "råd"."""
    answer = lexical_assistant.ask(question)
    assert {"from": typed, "to": "råd"} in answer.corrections
    assert not answer.abstained and answer.citations[0].advice is not None


@pytest.mark.parametrize(
    "question",
    ["Hvad bliver vejret i Haderslev i morgen?", "Kan du anbefale en god restaurant i Vejle?"],
)
def test_a_passage_that_shares_only_the_articles_names_does_not_answer(
    lexical_assistant, question: str
) -> None:
    """The article names Haderslev and Vejle on every page and says nothing of the weather
    or of restaurants: declined, not a low-confidence quote about something else."""
    assert lexical_assistant.ask(question).abstained


def test_an_acronym_is_a_topic_not_a_name_on_every_page(lexical_assistant) -> None:
    """ "GDPR" is written in capitals like a name, but it is what the advice is about."""
    assert not lexical_assistant.ask("erdigitalsikkerhed kun et GDPR spørgsmål?").abstained


def test_a_phone_number_asked_with_tlfnr(lexical_assistant) -> None:
    answer = lexical_assistant.ask("hvad er tlfnr til ham jesper fra komponent")
    assert {"from": "tlfnr", "to": "telefonnummer"} in answer.corrections
    assert "21 35 03 49" in answer.answer


def test_a_title_is_answered_by_the_sentence_that_names_the_person(lexical_assistant) -> None:
    """A title is shown beside the name: the name is what the passage must share."""
    answer = lexical_assistant.ask(
        "Hvilken titel har Jesper Hosbond Jensen, og hvem er han ansat hos?"
    )
    assert not answer.abstained and "chefkonsulent" in answer.answer


def test_a_function_word_typed_against_a_typo_of_the_articles_word(lexical_assistant) -> None:
    """ "ogdigitalisring" is "og" and "digitalisering" typed wrong, both read."""
    answer = lexical_assistant.ask("hvordan er it ogdigitalisring organiseret nu")
    assert {"from": "ogdigitalisring", "to": "og digitalisering"} in answer.corrections
    assert not answer.abstained
