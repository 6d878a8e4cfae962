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


def test_a_surname_with_its_prefix_is_no_product() -> None:
    assert ("McNamara", "PRODUCT") not in named("Officials met McNamara in May.")
