"""Precision of people and the names read as people (issue 10, entrec9): a
given name starts a person only before a surname-like word, two words joined
by " & " are a firm, institutions named head first and Irish counties are no
people (written examples, invented names)."""

from __future__ import annotations

import pytest

from reader.core.entities import recognize


def named(text: str) -> set[tuple[str, str]]:
    return {(m.text, m.label) for m in recognize(text)}


def by_rules(text: str) -> set[tuple[str, str]]:
    """What the context rules typed (not the span classifier's guesses)."""
    return {(m.text, m.label) for m in recognize(text) if m.source == "context"}


# -- a given name and an everyday last word are no person -------------------------


@pytest.mark.parametrize(
    "text, run",
    [
        ("This week on Mac Power Users we talk about backups.", "Mac Power Users"),
        ("A partnership between Orbion and Sierra Space received funding.", "Sierra Space"),
        ("Release notes for Kimi Open Platform are out.", "Kimi Open Platform"),
    ],
)
def test_a_given_name_before_everyday_words_is_not_a_person_by_rule(text: str, run: str) -> None:
    assert (run, "PERSON") not in named(text)


@pytest.mark.parametrize(
    "text, person",
    [
        ("Then Ruth Young took the stage.", "Ruth Young"),  # "young", also a surname
        ("Then Stephen King took the stage.", "Stephen King"),
        ("Then John Paul took the stage.", "John Paul"),  # a given name last
        (
            "Then Laura Varnodottir took the stage.",
            "Laura Varnodottir",
        ),  # unknown to the dictionary
    ],
)
def test_a_given_name_before_a_surname_like_word_is_a_person(text: str, person: str) -> None:
    assert (person, "PERSON") in by_rules(text)


# -- "X & Y" is one firm ------------------------------------------------------------


def test_two_words_joined_by_an_ampersand_are_one_firm() -> None:
    text = "The loan was arranged by Harcourt & Lyle and two other lenders."
    assert ("Harcourt & Lyle", "ORG") in by_rules(text)
    assert ("Lyle", "PERSON") not in named(text)


@pytest.mark.parametrize(
    "text, run",
    [
        ("Read more in Arts & Culture this week.", "Arts & Culture"),  # everyday words
        ("Then David & Sarah went home.", "David & Sarah"),  # given names
        ("Then Jamie & Colm went home.", "Jamie & Colm"),  # a given name first
        ("He taught at Quorn College Of Engineering & Management.", "Engineering & Management"),
    ],
)
def test_runs_joined_by_an_ampersand_that_are_no_firm(text: str, run: str) -> None:
    assert (run, "ORG") not in named(text)


# -- an institution named head first is no person -------------------------------------


@pytest.mark.parametrize(
    "text, org",
    [
        ("It borrowed from Banque Duvernoy and others.", "Banque Duvernoy"),
        ("It raised money from the Fondo Varela in May.", "Fondo Varela"),
        ("She studied at the Universidad Tremontana for a year.", "Universidad Tremontana"),
    ],
)
def test_an_institution_named_head_first_is_an_organisation(text: str, org: str) -> None:
    assert (org, "ORG") in by_rules(text)


def test_the_demo_lenders_are_two_firms() -> None:
    text = (
        "The rest is a construction loan arranged by the lenders Harcourt & Lyle and"
        " Banque Duvernoy, and equity from the company."
    )
    found = named(text)
    assert {("Harcourt & Lyle", "ORG"), ("Banque Duvernoy", "ORG")} <= found
    assert not [m for m in recognize(text) if m.label == "PERSON"]


# -- an Irish county is a place ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The campus, on a 38-hectare site in County Meath, is designed for 210 megawatts.",
        "The 210-megawatt campus in County Meath would run on grid power.",
    ],
)
def test_county_and_a_name_is_a_place(text: str) -> None:
    assert ("County Meath", "GPE") in named(text)


# -- a known person's leading title stays outside the name ------------------------------


@pytest.mark.parametrize(
    "text, person",
    [
        ("On Monday Pope Francis appointed a new nuncio.", "Francis"),
        ("Pope Francis’ envoy arrived.", "Francis"),
        ("King Charles III opened the session.", "Charles III"),
    ],
)
def test_a_known_persons_title_stays_outside_the_name(text: str, person: str) -> None:
    found = [(m.text, m.label) for m in recognize(text) if m.label == "PERSON"]
    assert found == [(person, "PERSON")]


@pytest.mark.parametrize(
    "text, run",
    [
        ("Seen before [Carlsmith; Hebbar; Quorne & Vashlegin].", "Quorne & Vashlegin"),
        ("As shown by Quorne & Vashlegin (2024), it works.", "Quorne & Vashlegin"),
        ("Quorne & Vashlegin, 2023 found the same.", "Quorne & Vashlegin"),
    ],
)
def test_authors_cited_with_an_ampersand_are_no_firm(text: str, run: str) -> None:
    assert (run, "ORG") not in named(text)
