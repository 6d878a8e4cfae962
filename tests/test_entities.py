"""The entity recognisers one by one, and the rules that merge them."""

from __future__ import annotations

import pytest

from reader.core.entities import Mention, Recognizer, Rule, recognize, salience
from reader.core.entities.kb import Entry, KnowledgeBase, build, knowledge_base, parse_entries
from reader.core.entities.patterns import family_automaton, find_patterns
from reader.core.entities.relevance import ai_score


def spans(text: str, recognizer: Recognizer | None = None) -> list[tuple[str, str]]:
    found = recognizer.find(text) if recognizer else recognize(text)
    for m in found:
        assert text[m.start : m.end] == m.text  # offsets index the input
    return [(m.text, m.label) for m in found]


def pattern_spans(text: str) -> list[tuple[str, str]]:
    families = family_automaton(("GPT", "Llama", "Qwen", "Gemini", "DeepSeek", "Claude"))
    return [(m.text, m.label) for m in find_patterns(text, families)]


# -- patterns --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, money",
    [
        ("It raised $14.3 billion on Monday.", "$14.3 billion"),
        ("a €94 million round", "€94 million"),
        ("worth US$2.5bn in total", "US$2.5bn"),
        ("Plus costs $20/month now", "$20/month"),
        ("a £300m deal", "£300m"),
        ("paid 2 billion dollars", "2 billion dollars"),
        ("a NOK 4.2 billion package", "NOK 4.2 billion"),
    ],
)
def test_money_in_its_common_forms(text: str, money: str) -> None:
    assert (money, "MONEY") in pattern_spans(text)


def test_written_out_rate_is_not_part_of_the_amount() -> None:
    assert ("$200", "MONEY") in pattern_spans("It costs $200 a month.")


def test_percentages_and_dates() -> None:
    found = pattern_spans(
        "Sales rose 40% and 12 percent (3.5 per cent) on June 3, 2026, in Q3 2025,"
        " fiscal 2025 and in March; 2048 GPUs arrived on Tuesday."
    )
    for expected in [
        ("40%", "PERCENT"),
        ("12 percent", "PERCENT"),
        ("3.5 per cent", "PERCENT"),
        ("June 3, 2026", "DATE"),
        ("Q3 2025", "DATE"),
        ("fiscal 2025", "DATE"),
        ("March", "DATE"),
        ("Tuesday", "DATE"),
    ]:
        assert expected in found
    assert ("2048", "DATE") not in found  # a count of GPUs, not a year


def test_month_names_that_are_verbs_are_not_dates() -> None:
    found = pattern_spans("You may march on. It may ship in May.")
    assert found == [("May", "DATE")]


@pytest.mark.parametrize(
    "name",
    [
        "Llama 3.1 405B",
        "Qwen2.5-72B-Instruct",
        "Gemini 2.5 Pro",
        "GPT-4o mini",
        "DeepSeek-V3.1",
        "Claude Sonnet 4",
        "Claude 3.5 Sonnet",
    ],
)
def test_model_name_grammar(name: str) -> None:
    assert pattern_spans(f"They compared {name}, and more.") == [(name, "AI_MODEL")]


def test_unknown_model_with_a_parameter_count() -> None:
    assert ("Kestrel-3 8B", "AI_MODEL") in pattern_spans("It released Kestrel-3 8B today.")
    assert pattern_spans("The F-35 jet and COVID-19 cases.") == []


# -- knowledge base --------------------------------------------------------------


def test_shipped_knowledge_base_is_large_and_loads() -> None:
    kb = knowledge_base()
    assert len(kb.entries) > 3000
    assert kb.entries["OpenAI"].label == "ORG"
    assert kb.entries["Sam Altman"].label == "PERSON"


def test_parse_entries_columns_aliases_and_flags() -> None:
    entries = parse_entries(
        "# comment\nAcme Robotics\tORG\tAcme|Acme Corp.\tambiguous\nBad\tNOPE\t\t\n"
        "The Daily Planet\tORG\t\t\n"
    )
    assert entries["Acme"] == Entry("Acme Robotics", "ORG", True)
    assert entries["Acme Corp."].name == "Acme Robotics"
    assert "Bad" not in entries  # unknown label skipped
    assert "Daily Planet" in entries and "The Daily Planet" not in entries


def test_knowledge_base_matches_whole_words_and_case() -> None:
    assert ("OpenAI", "ORG") in spans("Shares of OpenAI rose.")
    assert spans("openai is lower case here") == []
    assert ("Nvidia", "ORG") not in spans("the Nvidiaesque design")


def test_possessive_is_not_part_of_the_span() -> None:
    found = spans("Meta’s chatbot and OpenAI's model.")
    assert ("Meta", "ORG") in found
    assert ("OpenAI", "ORG") in found


# -- ambiguity ---------------------------------------------------------------------


def test_meta_the_company_not_meta_analysis() -> None:
    assert ("Meta", "ORG") in spans("The AI startup was acquired by Meta on Monday.")
    assert all(label != "ORG" for _, label in spans("A meta-analysis of 83 studies found it."))
    assert spans("Meta-analysis of the trials shows no effect.") == []


def test_apple_needs_context() -> None:
    assert ("Apple", "ORG") in spans("Apple said its iPhone software will use AI models.")
    assert ("Apple", "ORG") not in spans("Apple pie and cider from the orchards.")


def test_gemini_the_constellation_is_not_the_model() -> None:
    found = spans("On clear nights the Gemini constellation is easy to find.")
    assert all(text != "Gemini" for text, _ in found)
    assert ("Gemini", "AI_MODEL") in spans("Google said Gemini now answers in the app for users.")


def test_claude_monet_is_a_person_not_the_model() -> None:
    found = spans("Ask the model for a pond in the manner of Claude Monet, users say.")
    assert ("Claude", "AI_MODEL") not in found


# -- context ---------------------------------------------------------------------


def test_unknown_names_typed_from_context() -> None:
    text = (
        "Priya Natarajan, who founded Veridian Labs, said the San Francisco-based company"
        " raised money from Northbeam Ventures. Natarajan said more."
    )
    found = spans(text)
    assert ("Priya Natarajan", "PERSON") in found
    assert ("Veridian Labs", "ORG") in found
    assert ("Northbeam Ventures", "ORG") in found
    assert ("San Francisco", "GPE") in found
    later = [m for m in recognize(text) if m.text == "Natarajan"]
    assert later and later[0].entity == "Priya Natarajan" and later[0].label == "PERSON"


def test_the_company_after_a_role_of_is_an_org_even_with_a_given_name() -> None:
    # "Lumina" is a given name, but "chief executive of" names the company.
    text = "Callum Reyes-Whitfield, chief executive of Lumina Bay, said it would adopt it."
    found = spans(text)
    assert ("Lumina Bay", "ORG") in found
    assert ("Callum Reyes-Whitfield", "PERSON") in found


def test_surname_resolves_to_the_full_name() -> None:
    found = recognize("Sam Altman spoke first. Later, Altman said the company would grow.")
    altman = [m for m in found if m.text == "Altman"]
    assert altman and altman[0].entity == "Sam Altman"


def test_short_company_name_after_the_full_one() -> None:
    found = recognize("Quillmate AI raised $5 million. Investors in Quillmate include banks.")
    short = [m for m in found if m.text == "Quillmate"]
    assert short and short[0].entity == "Quillmate AI" and short[0].label == "ORG"


def test_institution_of_a_place_is_one_org() -> None:
    found = spans("Researchers at the University of São Paulo, compared models.")
    assert ("University of São Paulo", "ORG") in found
    assert ("São Paulo", "GPE") not in found


def test_capitalised_words_without_cues_are_left_alone() -> None:
    assert spans("Green Valley Orchard Picnic Day was fun.") == []


# -- merge rules -------------------------------------------------------------------


def test_longer_span_wins_over_a_known_family_name() -> None:
    found = spans("Google released Gemini 2.5 Pro to developers.")
    assert ("Gemini 2.5 Pro", "AI_MODEL") in found
    assert ("Gemini", "AI_MODEL") not in found


def test_user_rules_win() -> None:
    text = "Zorblax said Acme shipped Widgetron to users of the AI app."
    rules = [
        Rule("entity", "Widgetron", "Widgetron", "PRODUCT"),
        Rule("alias", "Zorblax", "Zorblax Industries"),
        Rule("entity", "Zorblax Industries", "Zorblax Industries", "ORG"),
        Rule("ignore", "Acme"),
    ]
    found = Recognizer(rules).find(text)
    by_text = {m.text: m for m in found}
    assert by_text["Widgetron"].label == "PRODUCT" and by_text["Widgetron"].source == "user"
    assert by_text["Zorblax"].entity == "Zorblax Industries"
    assert by_text["Zorblax"].label == "ORG"
    assert "Acme" not in by_text


def test_type_change_applies_to_every_mention_of_the_entity() -> None:
    plain = Recognizer().find("OpenAI and OpenAI again.")
    assert {m.label for m in plain} == {"ORG"}
    changed = Recognizer([Rule("entity", "OpenAI", "OpenAI", "PRODUCT")]).find(
        "OpenAI and OpenAI again."
    )
    assert [m.label for m in changed] == ["PRODUCT", "PRODUCT"]


def test_rules_change_the_digest() -> None:
    assert Recognizer().digest != Recognizer([Rule("ignore", "Acme")]).digest


def test_empty_knowledge_base_still_finds_patterns() -> None:
    kb = KnowledgeBase(build({}), {}, None, frozenset(), "empty")
    found = Recognizer(kb=kb).find("OpenAI raised $6.6 billion.")
    assert [(m.text, m.label) for m in found] == [("$6.6 billion", "MONEY")]


def test_salience_weights_title_and_lead() -> None:
    text = "Nvidia and OpenAI signed a deal.\nLater, OpenAI said more. OpenAI again."
    ranked = salience(recognize(text), "Nvidia stock jumps", text)
    assert ranked[0][0] == "Nvidia"  # in the title and the lead
    assert {name for name, *_ in ranked} >= {"Nvidia", "OpenAI"}
    openai = next(r for r in ranked if r[0] == "OpenAI")
    assert openai[2] == 3


# -- relevance ---------------------------------------------------------------------


def test_ai_relevance_uses_entities_not_only_words() -> None:
    text = "Meta released Llama 4 Scout and Llama 4 Maverick with open weights for developers."
    assert ai_score("Llama 4 is out", text, recognize(text)) >= 0.5
    trap = "The fashion model walked in Paris; the estate agent sold the transformer station."
    assert ai_score("Fashion week opens", trap, recognize(trap)) < 0.5


def test_mention_is_a_value() -> None:
    assert Mention(0, 1, "ORG", "A", "A", "kb") == Mention(0, 1, "ORG", "A", "A", "kb")


def test_a_known_name_inside_a_longer_code_is_not_matched() -> None:
    assert ("FEC", "ORG") not in spans("The FEC-1 accelerator ships to OpenAI.")
    assert ("OpenAI", "ORG") in spans("An OpenAI-backed startup raised money.")


def test_company_name_without_its_company_word() -> None:
    found = recognize("Cobalt Ridge Data filed to list. Later, Cobalt Ridge reported revenue.")
    short = [m for m in found if m.text == "Cobalt Ridge"]
    assert short and short[0].entity == "Cobalt Ridge Data"
