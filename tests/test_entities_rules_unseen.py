"""Entity rules for names nobody listed (issue 10, entrule6): product- and
company-shaped words and introductions, with written examples (invented names)."""

from __future__ import annotations

import pytest

from reader.core.entities import recognize


def named(text: str) -> set[tuple[str, str]]:
    return {(m.text, m.label) for m in recognize(text)}


def surfaces(text: str) -> set[str]:
    return {m.text for m in recognize(text)}


# -- a coined camel-case word is a product (or a company by what it does) ---------


def test_a_camel_case_word_is_a_product_wherever_it_stands() -> None:
    text = "We moved the ledger to QuillBeetle last year. QuillBeetle has been fast since."
    assert [(m.text, m.label) for m in recognize(text)] == [("QuillBeetle", "PRODUCT")] * 2


def test_a_camel_case_word_that_reports_is_a_company() -> None:
    assert ("TeleGraphica", "ORG") in named("TeleGraphica reported a rise in cable costs.")


@pytest.mark.parametrize(
    "text, word",
    [
        ("The kernel calls cuMemAlloc first.", "MemAlloc"),  # part of an identifier
        ("Most of it is written in JavaScript today.", "JavaScript"),  # a language
        ("It sets new results on BrowseComp at 92.2% and more.", "BrowseComp"),  # a benchmark
        ("We trained on the OpenThoughts datasets.", "OpenThoughts"),  # a data set
        ("It helps with visual math reasoning (MathVista) too.", "MathVista"),  # a term
        ("GenericAgent: A Token-Efficient Agent for All", "GenericAgent"),  # a paper's title
    ],
)
def test_camel_case_words_that_are_not_products(text: str, word: str) -> None:
    assert (word, "PRODUCT") not in named(text)


@pytest.mark.parametrize("text", ["Thanks to @ QuillBeetle for the tip.", "Loved it # QuillBeetle"])
def test_a_handle_or_hashtag_split_from_its_sign_is_not_typed_by_the_rules(text: str) -> None:
    # (Tokenised social text: the span classifier may still weigh it.)
    assert not [m for m in recognize(text) if m.source == "context"]


def test_a_surname_with_its_prefix_is_no_product() -> None:
    assert ("McNamara", "PRODUCT") not in named("Officials met McNamara in May.")


# -- a hyphenated model code is a product ----------------------------------------


@pytest.mark.parametrize(
    "text, code",
    [
        ("The QX-330 ships in May for divers.", "QX-330"),
        ("Engineers began work on the RV-117L in 1958.", "RV-117L"),
    ],
)
def test_a_hyphenated_code_is_a_product(text: str, code: str) -> None:
    assert (code, "PRODUCT") in named(text)


@pytest.mark.parametrize(
    "text, code",
    [
        ("Cases of COVID-19 rose again in March.", "COVID-19"),
        ("She applied for an H-1B visa.", "H-1B"),
        ("Files are stored as UTF-8 text.", "UTF-8"),
    ],
)
def test_codes_that_are_no_products(text: str, code: str) -> None:
    assert code not in surfaces(text)


# -- what is done to or by a company only -----------------------------------------


@pytest.mark.parametrize(
    "text, org",
    [
        ("In 2005, Ulvik founded Quorumly, and ran it for ten years.", "Quorumly"),
        ("His first company was sold to Brannoch in 2010.", "Brannoch"),
        ("The start-up is backed by Quillon, it said.", "Quillon"),
        ("He sold his stake in Velmora last year.", "Velmora"),
        ("The loan came from the hedge fund Tollgate.", "Tollgate"),
    ],
)
def test_a_company_introduced_by_what_only_companies_undergo(text: str, org: str) -> None:
    assert (org, "ORG") in named(text)


def test_a_listed_company_is_named_by_its_ticker() -> None:
    found = named("Quantrix (NASDAQ: QTX) rose, and Borvale Mining, Inc. (NYSE: BVM) fell.")
    assert ("Quantrix", "ORG") in found
    assert ("Borvale Mining, Inc.", "ORG") in found


# -- what is done to a product -----------------------------------------------------


@pytest.mark.parametrize(
    "text, product",
    [
        ("Pawnote on Wednesday released Scribe Notes for vets.", "Scribe Notes"),
        ("Half the office installed Krellix within a week.", "Krellix"),
        ("Make sure you run the latest version of Plinky first.", "Plinky"),
        ("They moved to version 4.2 of Tallyho in May.", "Tallyho"),
    ],
)
def test_a_product_introduced_by_what_is_done_to_products(text: str, product: str) -> None:
    assert (product, "PRODUCT") in named(text)


def test_a_person_after_a_product_verb_stays_a_person() -> None:
    # A given name says PERSON before the product verbs are looked at.
    assert ("Dana Whitfield", "PERSON") in named("The board released Dana Whitfield from her post.")


def test_an_apposition_that_says_model_makes_a_model() -> None:
    found = named("Researchers released StreamingVLM 2, a video model.")
    assert ("StreamingVLM 2", "AI_MODEL") in found
    assert ("Kestrel Vision 2", "AI_MODEL") in named("Kestrel Vision 2, an open model, is out.")


# -- a list of names of one kind ---------------------------------------------------


def test_an_untyped_name_in_a_list_of_companies_is_a_company() -> None:
    text = "Investors included Sequoia Capital, Benchmark, Quillstone and Andreessen Horowitz."
    assert ("Quillstone", "ORG") in named(text)


def test_a_list_of_mixed_kinds_types_nothing_more() -> None:
    # A company and a product typed: the list says nothing about Quillstone.
    text = "They compared Sequoia Capital, Quillstone and Claude Code last year."
    assert ("Quillstone", "ORG") not in named(text)
    assert ("Quillstone", "PRODUCT") not in named(text)


def test_two_names_alone_make_no_list() -> None:
    assert ("Quillstone", "ORG") not in named("It chose Quillstone and Sequoia Capital.")


def test_an_apposition_that_only_mentions_models_makes_no_model() -> None:
    text = "Her first project will be Marathon, an evaluation in which models must finish tasks."
    assert ("Marathon", "AI_MODEL") not in named(text)


def test_a_version_of_a_benchmark_is_no_product() -> None:
    # "version of" alone: stories, laws and benchmarks have versions too.
    text = "On the lab's own version of LongHaul-128 the model retrieves 96.1% of facts."
    assert ("LongHaul-128", "PRODUCT") not in named(text)
