"""Entity quality on open news: the wider knowledge base, the word-casing
lexicon, surnames after a title, plurals of camel-case products, institutions
named after a place, and the trainer's folds by source.

The texts are written for these tests; spans follow docs/labelling.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reader.core.entities import recognize
from reader.core.entities.casing import word_case
from reader.core.entities.kb import knowledge_base
from reader.core.entities.spans import casing_features, shipped_model

BENCH = Path(__file__).resolve().parent.parent / "bench"


def found(text: str) -> list[tuple[str, str]]:
    return [(m.text, m.label) for m in recognize(text)]


# -- the knowledge base by field ---------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Shares of Micron Technology and SK Hynix rose after ASML raised its forecast.",
            [("Micron Technology", "ORG"), ("SK Hynix", "ORG"), ("ASML", "ORG")],
        ),
        (
            "Volkswagen and Stellantis cut prices while Hyundai kept the Ioniq 5 unchanged.",
            [
                ("Volkswagen", "ORG"),
                ("Stellantis", "ORG"),
                ("Hyundai", "ORG"),
                ("Ioniq 5", "PRODUCT"),
            ],
        ),
        (
            "Goldman Sachs and Deutsche Bank advised on the deal, Bloomberg reported.",
            [("Goldman Sachs", "ORG"), ("Deutsche Bank", "ORG"), ("Bloomberg", "ORG")],
        ),
        (
            "The National Highway Traffic Safety Administration and the Food and Drug "
            "Administration both opened inquiries.",
            [
                ("National Highway Traffic Safety Administration", "ORG"),
                ("Food and Drug Administration", "ORG"),
            ],
        ),
        (
            "Researchers at Carnegie Mellon University and ETH Zurich shared the prize.",
            [("Carnegie Mellon University", "ORG"), ("ETH Zurich", "ORG")],
        ),
        (
            "He still keeps a Commodore 64, a Game Boy and a copy of Tetris on his desk.",
            [("Commodore 64", "PRODUCT"), ("Game Boy", "PRODUCT"), ("Tetris", "PRODUCT")],
        ),
        (
            "The developer moved the site from Django to FastAPI and put it behind nginx.",
            [("Django", "PRODUCT"), ("FastAPI", "PRODUCT"), ("nginx", "PRODUCT")],
        ),
        (
            "The airline flies the Airbus A350 and the Boeing 787 Dreamliner from Pune.",
            [
                ("Airbus A350", "PRODUCT"),
                ("Boeing 787", "PRODUCT"),
                ("Dreamliner", "PRODUCT"),
                ("Pune", "GPE"),
            ],
        ),
        (
            "The factory moved from Lucknow to Coimbatore, and a second one opens in Wrocław.",
            [("Lucknow", "GPE"), ("Coimbatore", "GPE"), ("Wrocław", "GPE")],
        ),
    ],
)
def test_well_known_names_of_many_fields(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_websites_and_platforms_are_products_like_facebook_and_twitter() -> None:
    text = (
        "She posted the code on GitHub, linked it on LinkedIn and Reddit, and the thread "
        "reached the front page of Hacker News before Facebook noticed."
    )
    assert found(text) == [
        ("GitHub", "PRODUCT"),
        ("LinkedIn", "PRODUCT"),
        ("Reddit", "PRODUCT"),
        ("Hacker News", "PRODUCT"),
        ("Facebook", "PRODUCT"),
    ]


def test_everyday_words_in_the_knowledge_base_need_support() -> None:
    # "Target", "Shell", "Bootstrap" are also plain words: flagged ambiguous, so a
    # sentence without any tech or business context keeps them unmarked.
    kb = knowledge_base()
    for surface in ("Target", "Shell", "Bootstrap", "Sketch", "Savannah"):
        assert kb.entries[surface].ambiguous, surface
    assert found("Target practice at the range. Shell collectors met on the beach.") == []
    assert ("Target", "ORG") in found("Target cut prices on televisions, the company said.")


# -- the casing lexicon -------------------------------------------------------------


def test_the_casing_lexicon_is_shipped_and_says_how_words_are_written() -> None:
    cases = word_case()
    assert len(cases) > 5_000
    assert cases["report"] == "L"  # an everyday word, nearly always lower case
    assert set(cases.values()) <= set("LlmcC")
    capitalised = [w for w, bucket in cases.items() if bucket == "C"]
    assert len(capitalised) > 200  # names: written capitalised wherever they appear


def test_casing_features_name_the_bucket_of_the_first_and_last_word() -> None:
    assert casing_features(("Report",)) == ["case1=L"]
    assert casing_features(("Zyxwvut",)) == ["case1=?"]  # a word never seen
    feats = casing_features(("Annual", "Report", "2"))
    assert feats[0] == "casef=" + word_case()["annual"]
    assert feats[1] == "casel=#"  # not a word
    assert feats[2].startswith("cases=")


def test_the_shipped_model_uses_the_casing_features() -> None:
    model = shipped_model()
    assert model is not None
    assert any(feat.startswith(("case1=", "casef=")) for feat in model.weights)
    # A single word almost always written in lower case is less likely a name
    # than one never written so.
    o = 0
    lower_case = model.weights["case1=L"][o]
    capitalised = model.weights["case1=C"][o]
    assert lower_case > capitalised


def test_the_casing_lexicon_counts_only_mid_sentence_words() -> None:
    sys.path.insert(0, str(BENCH))
    from make_casing_lexicon import bucket, count

    texts = [
        "Report writers said the report was late and that Orvalle would send the report soon.",
        "Later the team met Orvalle in the city and wrote a short report about the Orvalle visit.",
        "A SHORT TITLE IN CAPITALS",
    ]
    upper, lower = count(iter(texts))
    assert lower["report"] == 3  # the sentence's first "Report" is not counted
    assert upper["orvalle"] == 3 and lower["orvalle"] == 0
    assert "title" not in lower and "title" not in upper  # too short, not running text
    assert bucket(0, 10) == "L" and bucket(10, 10) == "C" and bucket(5, 10) == "m"


# -- context: a surname after a title --------------------------------------------------


def test_a_surname_after_a_title_is_a_person_and_resolves_later() -> None:
    text = (
        "Mr. Pellworth sent a flurry of texts to the board. Hours later, Pellworth "
        "resigned, and Judge Ostrander set a hearing."
    )
    assert found(text) == [
        ("Pellworth", "PERSON"),
        ("Pellworth", "PERSON"),
        ("Ostrander", "PERSON"),
    ]


def test_an_acronym_after_a_title_is_not_a_surname() -> None:
    assert ("NASA", "PERSON") not in found("Dr. NASA is not a person; Mr. NASA neither.")


# -- everyday terms before a company word ------------------------------------------------


def test_everyday_terms_ending_in_a_company_word_are_not_companies() -> None:
    text = "Nvidia pushes Physical AI and Sovereign AI; the panel on Social Media was full."
    assert found(text) == [("Nvidia", "ORG")]
    # A made-up or rare first word still makes a company, and so does an
    # institution's word after everyday ones.
    text = "Tessel AI and Redwater Partners backed the National Party."
    assert found(text) == [
        ("Tessel AI", "ORG"),
        ("Redwater Partners", "ORG"),
        ("National Party", "ORG"),
    ]


# -- plurals of camel-case products ------------------------------------------------


def test_plurals_of_camel_case_products_are_the_product() -> None:
    text = "The school bought forty iPads and ten iPhones, but no apps."
    assert found(text) == [("iPads", "PRODUCT"), ("iPhones", "PRODUCT")]


# -- institutions named after a place ----------------------------------------------------


@pytest.mark.parametrize(
    "text, name",
    [
        ("The grant came from the Government of Karnataka last year.", "Government of Karnataka"),
        ("The Karnataka Government approved the plan.", "Karnataka Government"),
        ("She trains officers at the Kerala Police Academy in Thrissur.", "Kerala Police Academy"),
        (
            "A spokesman for the Chicago Police Department declined to comment.",
            "Chicago Police Department",
        ),
        ("The British East India Company ruled for a century.", "British East India Company"),
    ],
)
def test_an_institution_named_after_a_place_is_one_organisation(text: str, name: str) -> None:
    assert (name, "ORG") in found(text)


# -- places inside the names of streets, rivers, seas and wars --------------------------


def test_a_place_inside_a_feature_or_event_name_is_not_a_place() -> None:
    text = (
        "Barges on the Mississippi River reach the Panama Canal; veterans of the Iraq War "
        "met at 100 Maryland Ave. in Panama, and ships crossed the South China Sea."
    )
    assert found(text) == [("Panama", "GPE")]


def test_regions_of_america_are_not_the_country() -> None:
    text = "Exports to Latin America and Central America rose, while America bought less."
    assert found(text) == [("America", "GPE")]
    assert recognize(text)[0].start == text.rindex("America")


# -- the trainer's folds by source ---------------------------------------------------------


def test_folds_by_source_keep_each_source_in_one_fold_and_balance_them() -> None:
    sys.path.insert(0, str(BENCH))
    from train_entities import source_folds

    sources = ["a"] * 6 + ["b"] * 4 + ["c"] * 3 + ["d"] * 3 + ["e"] * 2
    folds = source_folds(sources, 3)
    by_source: dict[str, set[int]] = {}
    for source, fold in zip(sources, folds, strict=True):
        by_source.setdefault(source, set()).add(fold)
    assert all(len(f) == 1 for f in by_source.values())
    sizes = [folds.count(k) for k in range(3)]
    assert sorted(sizes) == [6, 6, 6]
    assert source_folds(sources, 3) == folds  # deterministic
