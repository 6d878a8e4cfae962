"""Entity recall on unseen news (issue 10, entrec5): the mechanisms, with written examples."""

from __future__ import annotations

import pytest

from reader.core.entities import Mention, recognize
from reader.core.entities.afterpass import company_or_product
from reader.core.entities.spans import (
    NameRun,
    context_features,
    coordination,
    mention_edges,
)


def named(text: str) -> set[tuple[str, str]]:
    return {(m.text, m.label) for m in recognize(text)}


# -- a possessive ends an institution's name ---------------------------------------


@pytest.mark.parametrize(
    "text, owner, institution",
    [
        (
            "Funding came from the Department of Energy's Lawrence Berkeley National"
            " Laboratory last year.",
            "Department of Energy",
            "Lawrence Berkeley National Laboratory",
        ),
        (
            "A grant from Ruritania's Ministry of Coastal Affairs paid for the survey.",
            "Ruritania",
            "Ministry of Coastal Affairs",
        ),
        (
            "Staff at the DOE's Office of Science reviewed it.",
            "DOE",
            "Office of Science",
        ),
    ],
)
def test_a_possessive_splits_an_institution_from_its_owner(
    text: str, owner: str, institution: str
) -> None:
    found = named(text)
    assert (institution, "ORG") in found
    assert owner in {surface for surface, _ in found}
    assert not any("'s" in surface for surface, _ in found)


def test_a_plural_possessive_inside_a_name_stays() -> None:
    # "Teachers' Pension Plan": the apostrophe without an s is part of the name.
    found = named("The Elbonia Teachers' Pension Fund sold its stake.")
    assert any(surface.endswith("Teachers' Pension Fund") for surface, _ in found)


# -- the label of a typed name listed beside a run ---------------------------------


def _mention(text: str, surface: str, label: str) -> Mention:
    start = text.index(surface)
    return Mention(start, start + len(surface), label, surface, surface, "kb")


def test_a_run_listed_beside_a_typed_name_gets_its_label_as_a_feature() -> None:
    text = "It works with Cursor, Zephyrix and Windows."
    edges = mention_edges(
        [_mention(text, "Cursor", "PRODUCT"), _mention(text, "Windows", "PRODUCT")]
    )
    start = text.index("Zephyrix")
    assert coordination(text, start, start + 8, edges) == "PRODUCT"
    run = NameRun(start, start + 8, ("Zephyrix",))
    assert "listed-with=PRODUCT" in context_features(text, run, frozenset(), {}, edges)


@pytest.mark.parametrize(
    "text",
    [
        "Zephyrix and Acme Corp signed.",  # the typed name after the run
        "Acme Corp or Zephyrix will buy it.",
        "Acme Corp/Zephyrix is the brand.",
    ],
)
def test_coordination_looks_both_ways_across_list_joins(text: str) -> None:
    edges = mention_edges([_mention(text, "Acme Corp", "ORG")])
    start = text.index("Zephyrix")
    assert coordination(text, start, start + 8, edges) == "ORG"


def test_no_coordination_without_a_list_join_or_a_typed_neighbour() -> None:
    text = "Acme Corp hired Zephyrix staff, then Quorra."
    edges = mention_edges([_mention(text, "Acme Corp", "ORG")])
    for word in ("Zephyrix", "Quorra"):
        start = text.index(word)
        assert coordination(text, start, start + len(word), edges) is None
    # Dates and amounts beside a run say nothing about its kind.
    text = "In May 2025, Zephyrix grew."
    date = Mention(3, 11, "DATE", "May 2025", "May 2025", "pattern")
    start = text.index("Zephyrix")
    assert coordination(text, start, start + 8, mention_edges([date])) is None


# -- a known maker and the model code after it are one product ---------------------


@pytest.mark.parametrize(
    "text, product",
    [
        ("He still owns an Atari 1850XLD from his school days.", "Atari 1850XLD"),
        ("The Isuzu mu-X will be built in Thailand.", "Isuzu mu-X"),
        ("A Casio F-91W costs little.", "Casio F-91W"),
    ],
)
def test_a_maker_and_its_model_code_are_one_product(text: str, product: str) -> None:
    assert (product, "PRODUCT") in named(text)


@pytest.mark.parametrize(
    "text, maker",
    [
        # A period of its accounts after the company: not the start of a longer name.
        ("Revenue at Nvidia Q3 was up, analysts said.", "Nvidia"),  # a quarter
        ("Microsoft H1 sales fell.", "Microsoft"),  # a half
        ("Samsung 256GB phones sold out.", "Samsung"),  # a unit
        ("Intel FY2025 results disappointed investors.", "Intel"),  # a fiscal year
        ("Nvidia 5G chips are rare.", "Nvidia"),
    ],
)
def test_units_quarters_and_years_after_a_maker_are_no_model_codes(text: str, maker: str) -> None:
    found = named(text)
    assert (maker, "ORG") in found  # the maker is still found, alone
    assert not any(label == "PRODUCT" and maker in surface for surface, label in found)


# -- a short form at a sentence's start resolves unless it may be an everyday word --


def test_a_coined_short_form_starting_a_sentence_is_the_company() -> None:
    text = "Morgan Kessler joined Quantra Systems in 2021. Quantra makes sensors for ships."
    short = [m for m in recognize(text) if m.text == "Quantra"]
    assert [(m.label, m.entity) for m in short] == [("ORG", "Quantra Systems")]


def test_a_short_form_the_text_also_writes_in_lower_case_needs_a_verb() -> None:
    # "Harbor" is also a word of this text: at a sentence's start it stays
    # unresolved unless a verb says the company acts ("Harbor said").
    text = "Harbor Labs builds docks. Harbor cranes lift boats; the harbor is busy."
    assert not any(m.text == "Harbor" for m in recognize(text))
    text = "Harbor Labs builds docks. Harbor said it would hire; the harbor is busy."
    assert any(m.text == "Harbor" and m.label == "ORG" for m in recognize(text))


# -- a title before a name stays outside it ------------------------------------------


@pytest.mark.parametrize(
    "text, person",
    [
        ("Sir Edmund Quillfeather opened the bridge.", "Edmund Quillfeather"),
        ("Archbishop Tomaso Verelli said mass at noon.", "Tomaso Verelli"),
        ("Democrat Joyce Brannigan won the seat.", "Joyce Brannigan"),
        ("The treaty was signed by Emperor Duc Lam in 1862.", "Duc Lam"),
        ("General Charles Pemberton arrived with his staff.", "Charles Pemberton"),
    ],
)
def test_a_leading_title_is_outside_the_persons_name(text: str, person: str) -> None:
    assert (person, "PERSON") in named(text)


@pytest.mark.parametrize(
    "text, absent",
    [
        # A rank before no given name starts the name of something else.
        ("The General Quorvane Committee met.", "Quorvane"),
        ("He played in the Major Zentara tournament.", "Zentara"),
    ],
)
def test_a_rank_needs_a_given_name_after_it(text: str, absent: str) -> None:
    assert (absent, "PERSON") not in named(text)


def test_a_title_word_at_the_end_of_a_name_stays_in_it() -> None:
    assert ("Harold Quimby King", "PERSON") in named("Harold Quimby King said the deal was off.")


# -- introductions by context ---------------------------------------------------------


@pytest.mark.parametrize(
    "text, name, label",
    [
        ("Marta Ibsen, the chief executive of Trevano, said it was early.", "Trevano", "ORG"),
        ("Orders at the company, Kestrelworks, slowed in May.", "Kestrelworks", "ORG"),
        ("Users of Plinth, a note-taking app, complained.", "Plinth", "PRODUCT"),
        ("Fans of Gloamfall, the indie game, waited.", "Gloamfall", "PRODUCT"),
        ("Reviews of Plinth Notes, a note-taking app, were kind.", "Plinth Notes", "PRODUCT"),
    ],
)
def test_a_name_introduced_by_its_context_gets_that_type(text: str, name: str, label: str) -> None:
    assert (name, label) in named(text)


def test_a_person_in_apposition_is_not_a_product() -> None:
    # "a nurse" is no product noun: the rule says nothing.
    found = [m for m in recognize("He met Sandra, a nurse, at noon.") if m.text == "Sandra"]
    assert found and all(m.label == "PERSON" for m in found)


# -- the names of public bodies ---------------------------------------------------------


@pytest.mark.parametrize(
    "text, body",
    [
        ("The ruling was upheld by the Elbonian High Court on Friday.", "Elbonian High Court"),
        ("Pilots of the Ruritanian Air Force flew over the city.", "Ruritanian Air Force"),
        ("The Quorvish Embassy issued a statement.", "Quorvish Embassy"),
        ("Members of the Tenby Oversight Committee objected.", "Tenby Oversight Committee"),
    ],
)
def test_a_run_ending_in_a_public_bodys_word_is_an_organisation(text: str, body: str) -> None:
    assert (body, "ORG") in named(text)


def test_a_place_before_a_body_word_is_left_to_the_other_rules() -> None:
    # "Harbor Police": a place's last word before the body word.
    assert ("Kelby Harbor Police", "ORG") not in named("The Kelby Harbor Police closed it.")


# -- "US" in running text --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Micron is a leading US-based memory maker.",
        "Sales in the US rose by a tenth.",
        "US farm exports to Canada fell.",  # no tech word anywhere
    ],
)
def test_us_in_running_text_is_the_country(text: str) -> None:
    assert ("US", "GPE") in named(text)


def test_us_in_text_set_in_capitals_is_a_pronoun() -> None:
    assert not any(m.text == "US" for m in recognize("LET US GO NOW, SHE SAID."))


# -- a company that is also its product: the words around say which --------------------


@pytest.mark.parametrize(
    "text, name, label",
    [
        ("Facebook said it would appeal.", "Facebook", "ORG"),  # the platform in the lists
        ("Shares rose after Google bought Twitch, analysts said.", "Twitch", "ORG"),
        ("Every receipt goes to a Dropbox folder.", "Dropbox", "PRODUCT"),  # the company
        ("She posted it on Facebook yesterday.", "Facebook", "PRODUCT"),
    ],
)
def test_company_or_product_by_the_words_around(text: str, name: str, label: str) -> None:
    assert (name, label) in named(text)


def test_a_place_the_classifier_guessed_is_the_company_its_verbs_say() -> None:
    # "Ferrovane" ends like "Singapore": where the model took it for a place,
    # "has raised" says it is the company, here and at its other mentions.
    text = "Ferrovane has raised $2 million. Ferrovane is in talks."
    guessed = [
        Mention(0, 9, "GPE", "Ferrovane", "Ferrovane", "model"),
        Mention(33, 42, "GPE", "Ferrovane", "Ferrovane", "model"),
    ]
    assert [m.label for m in company_or_product(text, guessed)] == ["ORG", "ORG"]
    # A place the knowledge base knows stays one.
    listed = [Mention(0, 9, "GPE", "Ferrovane", "Ferrovane", "kb")]
    assert company_or_product(text, listed) == listed


def test_a_product_noun_that_only_describes_a_maker_says_nothing() -> None:
    # "the Austin-based chip designer" is a company, not a chip.
    text = "Ferrovane, the Austin-based chip designer, hired staff."
    assert ("Ferrovane", "PRODUCT") not in named(text)


def test_a_product_named_again_keeps_its_version() -> None:
    text = "Users of Kilnworks, the open-source tool, upgraded. Kilnworks 0.9 fixes paths."
    assert ("Kilnworks 0.9", "PRODUCT") in named(text)
