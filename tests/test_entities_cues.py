"""Names nobody listed, typed by the words around them (issue 10, entrec10):
the real recogniser on sentences written for these tests, with invented names
("Quorvel", "Vantrix", "Tessalon", "Skyreach") no list holds."""

from __future__ import annotations

import pytest

from reader.core.entities import recognize


def named(text: str) -> set[tuple[str, str]]:
    return {(m.text, m.label) for m in recognize(text)}


def labels_of(text: str, surface: str) -> set[str]:
    return {m.label for m in recognize(text) if m.text == surface}


# -- a product by what follows it or what is done with it ---------------------


@pytest.mark.parametrize(
    "text",
    [
        "Last year the Quorvel app got a redesign.",
        "The new version of Quorvel for Mac now supports tags.",
        "Last year I switched to Quorvel and never looked back.",
        "The site was built with Quorvel and loads in a second.",
        "Our backend was built on Quorvel in 2021.",
        "He said Quorvel is a note-taking app for the iPad.",
        "I love the note-taking app, Quorvel, for its speed.",
    ],
)
def test_a_cue_makes_an_unknown_name_a_product(text: str) -> None:
    assert labels_of(text, "Quorvel") == {"PRODUCT"}


# -- a company by what follows it or what stands before it ---------------------


@pytest.mark.parametrize(
    "text",
    [
        "On Monday, Vantrix shares fell sharply.",
        "Last week Vantrix employees walked out.",
        "A Vantrix spokesperson declined to comment.",
        "A spokesperson for Vantrix declined to comment.",
        "They say analysts at Vantrix expect growth.",
        "Early investors in Vantrix made money.",
        "For ten years he worked at Vantrix as an engineer.",
        "The app, developed by Vantrix, is free.",
        "In Austin, Vantrix is a startup that builds sensors.",
    ],
)
def test_a_cue_makes_an_unknown_name_a_company(text: str) -> None:
    assert labels_of(text, "Vantrix") == {"ORG"}


def test_a_chief_executive_after_a_name_makes_it_the_company_and_keeps_the_person() -> None:
    found = named("Last week Vantrix CEO Mara Ilse said the plan was sound.")
    assert {("Vantrix", "ORG"), ("Mara Ilse", "PERSON")} <= found


def test_a_definition_names_what_the_thing_is() -> None:
    assert labels_of("Skyreach is a roguelike game set in space.", "Skyreach") == {"PRODUCT"}
    assert labels_of("Tessalon is a small company in Ohio.", "Tessalon") == {"ORG"}


# -- where a cue is no evidence ---------------------------------------------------


def test_cues_people_share_with_companies_leave_people_alone() -> None:
    # A given name starts the run, or the run is a lone surname: not a company.
    assert not any(m.label == "ORG" for m in recognize("It was developed by Ada Park in Ohio."))
    assert labels_of("The tool was designed by Johnson in 1998.", "Johnson") != {"ORG"}


def test_a_sentences_first_everyday_word_is_no_product() -> None:
    # "Help" is capitalised because it starts the sentence.
    assert not labels_of("Help for Android users is coming soon.", "Help")


def test_tiers_and_peoples_before_users_are_no_products() -> None:
    # "users" follows tiers, peoples and programmes as often as products: no cue.
    text = "It is rolling out to Business and Enterprise users today."
    assert not labels_of(text, "Enterprise") & {"PRODUCT"}
    assert not labels_of(text, "Business") & {"PRODUCT"}
    assert not labels_of("Meanwhile Rohingya users were blocked.", "Rohingya") & {"PRODUCT"}


@pytest.mark.parametrize(
    "text, surface",
    [
        # A definition whose kind word is not its head: a person's job.
        ("Nakamura is a chip designer.", "Nakamura"),
        ("Delgado is a bank teller.", "Delgado"),
        ("Kowalczyk is a software developer in Warsaw.", "Kowalczyk"),
        ("The senator said Whitmore is a company man.", "Whitmore"),
        # People have spokespeople, and sponsors, co-authors and artists are people.
        ("A spokesman for Whitmore declined to comment.", "Whitmore"),
        ("A Whitmore spokeswoman declined to comment.", "Whitmore"),
        ("It was written with Kowalczyk, his co-author.", "Kowalczyk"),
        (
            "The statue was designed by Bartholdi. Bartholdi said it was his finest work.",
            "Bartholdi",
        ),
        # A speech tag after an apposition's comma.
        ("The company, Ellison said, would grow.", "Ellison"),
    ],
)
def test_cues_that_also_name_people_leave_people_alone(text: str, surface: str) -> None:
    assert not labels_of(text, surface) & {"ORG", "PRODUCT"}


@pytest.mark.parametrize(
    "text, surface",
    [
        ("The service runs on Sundays.", "Sundays"),
        ("The campaign was built on Hope.", "Hope"),
        ("The home was built on Maple Street.", "Maple Street"),
        ("The library was built with Carnegie money.", "Carnegie"),
        ("Voters switched to Labour in 1997.", "Labour"),
    ],
)
def test_what_one_does_with_software_is_done_with_other_things_too(text: str, surface: str) -> None:
    assert "PRODUCT" not in labels_of(text, surface)


@pytest.mark.parametrize(
    "text, surface",
    [
        ("Chinese users flocked to the service.", "Chinese"),  # a nationality
        ("Apps built with AI are everywhere.", "AI"),  # two letters
        ("I read it in the arXiv app today.", "Xiv"),  # the end of a word
    ],
)
def test_no_cue_types_what_cannot_be_a_name(text: str, surface: str) -> None:
    assert not any(m.text == surface for m in recognize(text))


def test_built_on_a_companys_engine_is_no_product() -> None:
    # A possessive after the run: the maker of what is built on, not a product.
    assert labels_of("The feature was built on Vantrix's engine.", "Vantrix") != {"PRODUCT"}


# -- a cued name keeps its label wherever the text writes it again ----------------


def test_a_cued_name_is_the_same_thing_where_the_text_writes_it_again() -> None:
    text = "Last year I switched to Quorvel. Since then, Quorvel syncs my notes."
    assert [(m.text, m.label) for m in recognize(text) if m.text == "Quorvel"] == [
        ("Quorvel", "PRODUCT"),
        ("Quorvel", "PRODUCT"),
    ]
    text = "A spokesperson for Vantrix declined to comment. In May, Vantrix cut prices."
    assert [(m.text, m.label) for m in recognize(text) if m.text == "Vantrix"] == [
        ("Vantrix", "ORG"),
        ("Vantrix", "ORG"),
    ]
