"""Organisations named by a generic word (issue 10, entorg12): armed services
and units by their head word, a branch named after its country, a publication
before "magazine" or "newspaper". The real recogniser on sentences written for
these tests (invented names: "Vantrix", "Clarion Ledger", "Orvale"), and the
ordinary news sentences the rules must leave alone."""

from __future__ import annotations

import pytest

from reader.core.entities import recognize


def named(text: str) -> set[tuple[str, str]]:
    return {(m.text, m.label) for m in recognize(text)}


def labels_of(text: str, surface: str) -> set[str]:
    return {m.label for m in recognize(text) if m.text == surface}


# -- armed services and units ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("After school he enlisted in the Navy and served for 11 years.", "Navy"),
        ("Callaway steered him toward the Army in 1975.", "Army"),
        ("He was persuaded by Army Secretary Howard Callaway to stay.", "Army"),
        ("She became acting Secretary of the Air Force in 1975.", "Air Force"),
        ("I've decided that the Marines cannot reach the bases.", "Marines"),
        (
            "Together with the First Armored Division, Willink commanded operations.",
            "First Armored Division",
        ),
        ("Sickles commanded the Third Corps, and he didn't follow orders.", "Third Corps"),
        ("The 101st Airborne Division landed at night.", "101st Airborne Division"),
        # A possessive before the run is no title-case heading.
        ("He served in the U.S. Army's First Armored Division in Iraq.", "First Armored Division"),
    ],
)
def test_a_service_or_unit_is_an_organisation(text: str, surface: str) -> None:
    assert labels_of(text, surface) == {"ORG"}


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        # Marines are people too: only "the Marines" is the service.
        ("You give me three Marines and we will go to the headquarters.", "Marines"),
        ("A company of Marines would come there.", "Marines"),
        ("100 Marines fit very nicely there.", "Marines"),
        # Part of a longer name: not cut out of it.
        ("The Army of the Potomac began its march north.", "Army"),
        ("I learned about the Navy SEAL teams from a recruiter.", "Navy"),
        # A unit word alone is a word.
        ("The Division said it would appeal.", "Division"),
        ("Corps members start in June.", "Corps"),
        # Lower case: no name.
        ("An army of bots flooded the forum.", "army"),
        ("She wore a navy blazer.", "navy"),
        # A title-case heading: any word is capitalised there.
        ("Why Everyone Joined The Navy Last Year", "Navy"),
    ],
)
def test_services_in_other_senses_are_left_alone(text: str, surface: str) -> None:
    assert "ORG" not in labels_of(text, surface)


def test_a_navy_blue_and_an_air_force_base_are_no_service() -> None:
    assert ("Navy", "ORG") not in named("The Navy Blue Shirt sold out.")
    found = named("He was stationed at Offutt Air Force Base near Omaha.")
    assert ("Air Force", "ORG") not in found


# -- a branch named after its country ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        (
            "Mr. Kono, Deputy Managing Director, Isuzu Motors India, added that sales rose.",
            "Isuzu Motors India",
        ),
        ("Doctors at Orvale Hospital Dubai said the unit opened in May.", "Orvale Hospital Dubai"),
        ("The delegates met at Orvale Hospital Dubai.", "Orvale Hospital Dubai"),
    ],
)
def test_an_organisation_and_its_country_ending_a_clause_are_one_branch(
    text: str, surface: str
) -> None:
    assert labels_of(text, surface) == {"ORG"}


@pytest.mark.parametrize(
    ("text", "org", "place"),
    [
        # The place modifies a noun: the firm's office in a city, two names.
        ("He visited the Goldman Sachs London office on Monday.", "Goldman Sachs", "London"),
        # A one-word company before a place is not joined ("Nvidia China" may be
        # the company and a country of a list).
        ("Sales by Nvidia in China fell.", "Nvidia", "China"),
        ("Talks between Isuzu Motors and India stalled.", "Isuzu Motors", "India"),
    ],
)
def test_a_company_and_a_place_stay_apart_elsewhere(text: str, org: str, place: str) -> None:
    found = named(text)
    assert (org, "ORG") in found
    assert (place, "GPE") in found


# -- a publication ------------------------------------------------------------------


def test_a_name_before_magazine_or_newspaper_is_the_publication() -> None:
    assert labels_of("He writes for the Clarion Ledger newspaper.", "Clarion Ledger") == {"ORG"}
    assert labels_of("There's a reason that Vantrix magazine looks different.", "Vantrix") == {
        "ORG"
    }


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("He read a Murdoch newspaper on the train.", "Murdoch"),
        ("She bought a Chinese newspaper at the stand.", "Chinese"),
        ("Whitmore magazine covers were framed on the wall.", "Whitmore"),
    ],
)
def test_an_owner_or_a_people_before_newspaper_is_no_publication(text: str, surface: str) -> None:
    assert "ORG" not in labels_of(text, surface)


# -- a person's administration: deliberately not joined -----------------------------


def test_a_presidents_administration_keeps_the_person() -> None:
    # The training set labels "Trump administration" an ORG and dev labels
    # "Trump" a PERSON there: no rule until the guideline decides.
    assert ("Trump", "PERSON") in named("The Trump administration said on Tuesday it would act.")


# -- where an institution's name ends -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "org", "other"),
    [
        (
            "The Office of Orvale Affairs Director Mara Ilse said on Monday that funding would rise.",
            "Office of Orvale Affairs",
            ("Mara Ilse", "PERSON"),
        ),
        (
            "She briefed the Committee on Orvale Policy on Tuesday.",
            "Committee on Orvale Policy",
            ("Tuesday", "DATE"),
        ),
        (
            "The Vantrix-funded Orvale Institute opened in May.",
            "Orvale Institute",
            ("Vantrix", "ORG"),
        ),
    ],
)
def test_an_institution_ends_before_a_person_a_date_or_its_backer(
    text: str, org: str, other: tuple[str, str]
) -> None:
    found = named(text)
    assert (org, "ORG") in found
    assert other in found


@pytest.mark.parametrize(
    ("text", "org"),
    [
        # Names after a connector are the institution's own.
        (
            "He studied at the College of William and Mary for four years.",
            "College of William and Mary",
        ),
        (
            "He joined the Board of Trustees of West Virginia Wesleyan in 1990.",
            "Board of Trustees of West Virginia Wesleyan",
        ),
        # One word a rule took for a person is no full name.
        (
            "She led the Texas Federation of Republican Women for a decade.",
            "Texas Federation of Republican Women",
        ),
        # A hyphen before a capital is inside the name.
        (
            "He taught at the Hewlett-Packard Research Institute.",
            "Hewlett-Packard Research Institute",
        ),
    ],
)
def test_an_institution_named_after_people_or_places_stays_whole(text: str, org: str) -> None:
    assert (org, "ORG") in named(text)


# -- places of care and schools ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("She was treated at Orvale Hospital last spring.", "Orvale Hospital"),
        (
            "A tie-up with the upcoming Vantrix Rehabilitation Center was agreed.",
            "Vantrix Rehabilitation Center",
        ),
        ("He trained at the Quorvel Clinic for two years.", "Quorvel Clinic"),
    ],
)
def test_a_hospital_or_clinic_with_a_name_of_its_own_is_an_organisation(
    text: str, surface: str
) -> None:
    assert labels_of(text, surface) == {"ORG"}


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("Open the Notification Center and swipe left.", "Notification Center"),
        ("The new Data Center will need its own power plant.", "Data Center"),
        ("He was taken to the Community Hospital nearby.", "Community Hospital"),
        ("Hospital staff said the ward was full.", "Hospital"),
        # "Centre" is in no American dictionary: the words before it decide.
        ("They met at the Research Centre on the campus.", "Research Centre"),
    ],
)
def test_a_kind_of_place_in_everyday_words_is_no_name(text: str, surface: str) -> None:
    assert "ORG" not in labels_of(text, surface)


# -- a company counted as a noun is its product -----------------------------------------


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        (
            "Whole Foods will become the grocery equivalent of a Mercedes for the price of a Toyota.",
            "Toyota",
        ),
        (
            "Whole Foods will become the grocery equivalent of a Mercedes for the price of a Toyota.",
            "Mercedes",
        ),
        ("It was literally a remote control plane and a GoPro.", "GoPro"),
        ("You can't turn a Volkswagen into a race car.", "Volkswagen"),
    ],
)
def test_a_company_counted_as_a_noun_is_its_product(text: str, surface: str) -> None:
    assert labels_of(text, surface) == {"PRODUCT"}


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("He bought it from a Toyota dealer in Ohio.", "Toyota"),
        ("A Tesla spokesperson declined to comment.", "Tesla"),
        ("She was an Apple engineer for ten years.", "Apple"),
        ("We need a Congress that understands those problems.", "Congress"),
        ("Toyota said a recall was under way.", "Toyota"),
        ("Shares of Toyota rose.", "Toyota"),
    ],
)
def test_a_company_modifying_a_noun_or_not_counted_stays_the_company(
    text: str, surface: str
) -> None:
    assert labels_of(text, surface) == {"ORG"}
