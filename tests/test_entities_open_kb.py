"""The knowledge base widened from open data (open_*.tsv, bench/make_open_kb.py):
places, listed companies and car models of general news are found; everyday
words, people's names and the hand-made entries' labels are left as they were.
The sentences are invented; the names are real entries of the shipped files."""

from __future__ import annotations

import pytest

from reader.core.entities import recognize
from reader.core.entities.data_files import data_text
from reader.core.entities.kb import knowledge_base, parse_entries

HAND_MADE = ("orgs.tsv", "people.tsv", "models.tsv", "products.tsv", "places.tsv")
OPEN = ("open_orgs.tsv", "open_products.tsv", "open_places.tsv")


def named(text: str) -> set[tuple[str, str]]:
    return {(m.text, m.label) for m in recognize(text)}


@pytest.mark.parametrize(
    "text, name, label",
    [
        ("The bakery chain opened its first shop in Curitiba in the spring.", "Curitiba", "GPE"),
        ("Flooding closed two bridges in Wuppertal overnight.", "Wuppertal", "GPE"),
        ("Shares of Hiscox fell after the storm season.", "Hiscox", "ORG"),
        ("The freight group Kuehne + Nagel hired more drivers.", "Kuehne + Nagel", "ORG"),
        ("She sold her old Nissan Qashqai last month.", "Nissan Qashqai", "PRODUCT"),
        ("The Qashqai was the best-selling car of its class.", "Qashqai", "PRODUCT"),
        ("He still browses with Waterfox on the old laptop.", "Waterfox", "PRODUCT"),
    ],
)
def test_names_of_general_news_are_found(text: str, name: str, label: str) -> None:
    assert (name, label) in named(text)


def test_a_city_that_is_also_a_surname_yields_to_the_person() -> None:
    # "Fukuyama" is a city of the open list; after a given name or an
    # initial it is part of a person's name, at a sentence start too.
    assert named("Francis Fukuyama wrote another book.") == {("Francis Fukuyama", "PERSON")}
    assert ("Arun K. Fukuyama", "PERSON") in named("The paper is by Arun K. Fukuyama and others.")
    assert ("Fukuyama", "GPE") in named("The port of Fukuyama reopened on Monday.")


def test_inside_a_longer_capitalised_name_the_city_is_left_to_the_context() -> None:
    assert ("Wuppertal", "GPE") not in named("She works at Wuppertal Observatory now.")


@pytest.mark.parametrize(
    "text, word",
    [
        ("Jogger numbers rose in the park this year.", "Jogger"),  # an English word
        ("Spring came early to the valley.", "Spring"),  # a car model's name, and a word
        ("Campbell's first novel sold well.", "Campbell's"),  # a possessive, no company
    ],
)
def test_everyday_words_and_names_are_not_taken_from_the_open_lists(text: str, word: str) -> None:
    assert all(m.text != word or m.label == "PERSON" for m in recognize(text))
    open_surfaces = {s for name in OPEN for s in parse_entries(data_text(name))}
    assert word not in open_surfaces


def test_the_hand_made_entries_keep_their_labels() -> None:
    hand_made: dict[str, str] = {}
    for name in HAND_MADE:
        for surface, entry in parse_entries(data_text(name)).items():
            hand_made.setdefault(surface, entry.label)
    entries = knowledge_base().entries
    assert {s: entries[s].label for s in hand_made} == hand_made
    # And the open files never repeat a hand-made surface.
    for name in OPEN:
        assert not set(parse_entries(data_text(name))) & set(hand_made)


def test_the_open_files_name_their_sources_and_licences() -> None:
    places = data_text("open_places.tsv")
    assert "GeoNames (https://www.geonames.org), CC BY 4.0" in places
    assert "pytickersymbols 1.17.10 (MIT)" in data_text("open_orgs.tsv")
    assert "car-model-fixtures 0.1.1 (MIT)" in data_text("open_products.tsv")
    assert "uap-core, Apache-2.0" in data_text("open_products.tsv")


def test_names_in_capitals_only_match_the_hand_made_lists() -> None:
    # "ITRON"-like words in capitals are no company of the long tail.
    assert not named("HISCOX ROSE AND FELL")
