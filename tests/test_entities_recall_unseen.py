"""Entity recall for names nobody listed, fifth pass (issue 10, entctx7): name
boundaries fixed by grammar, with written examples (invented names), and the
diagnosis script that counts why names were missed."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from reader.core.entities import recognize
from reader.core.entities.context import name_runs
from reader.core.entities.recognizer import Recognizer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from why_missed import why_missed


def named(text: str) -> set[tuple[str, str]]:
    return {(m.text, m.label) for m in recognize(text)}


def runs(text: str) -> list[str]:
    return [text[r.start : r.end] for r in name_runs(text, [])]


# -- research and oversight bodies: a known name and the words up to the head ----


@pytest.mark.parametrize(
    "text, name",
    [
        (
            "The Senate Rural Broadband Committee met on Tuesday.",
            "Senate Rural Broadband Committee",
        ),
        ("Engineers at Intel Quantum Hardware Labs built it.", "Intel Quantum Hardware Labs"),
        ("Data came from the NSF Blue Ridge Observatory in May.", "NSF Blue Ridge Observatory"),
        ("The Smithsonian Air Museum reopened.", "Smithsonian Air Museum"),
    ],
)
def test_a_known_name_starts_the_body_its_head_word_ends(text: str, name: str) -> None:
    found = named(text)
    assert (name, "ORG") in found
    # The known name inside is no separate mention: only the outermost counts.
    first = name.split()[0]
    assert not any(surface == first for surface, _ in found)


def test_a_head_word_after_a_possessive_starts_a_new_name() -> None:
    # (The possessive rule of join_institutions still applies to the new heads.)
    found = named("The Senate's Rural Broadband Committee met.")
    assert ("Senate Rural Broadband Committee", "ORG") not in found


# -- a name before a hyphen and an everyday word ----------------------------------


@pytest.mark.parametrize(
    "text, name",
    [
        ("It was a Quillstone-loving crowd.", "Quillstone"),
        ("We need more Tessaract-aware agents.", "Tessaract"),
        ("It carries a lot of Vantablock-specific jargon.", "Vantablock"),
    ],
)
def test_a_compound_adjective_leaves_the_name_as_a_candidate(text: str, name: str) -> None:
    assert name in runs(text)


@pytest.mark.parametrize(
    "text, word",
    [
        ("Self-driving cars are here.", "Self-driving"),  # an everyday compound
        ("Open-source code wins.", "Open-source"),
        ("The X-ray showed it.", "X-ray"),  # one letter before the hyphen
        ("They shipped Dola-Seed today.", "Dola-Seed"),  # a capital after the hyphen
    ],
)
def test_everyday_compounds_and_two_part_names_stay_whole(text: str, word: str) -> None:
    assert word in runs(text)


# -- the diagnosis of misses (bench/why_missed.py) --------------------------------


def test_why_missed_names_each_cause() -> None:
    rules = Recognizer(use_spans=False)
    text = "Our team tried Pellucid and Vorrel Lumen, then the Zanther Group of Mills."
    p = text.index("Pellucid")
    v = text.index("Vorrel Lumen")
    z = text.index("Zanther Group of Mills")
    gold = [
        (p, p + len("Pellucid"), "PRODUCT"),  # predicted with another label
        (v, v + len("Vorrel Lumen"), "PRODUCT"),  # not predicted: a candidate run
        (z, z + len("Zanther Group of Mills"), "ORG"),  # predicted shorter
    ]
    pred = [
        (p, p + len("Pellucid"), "ORG"),
        (z, z + len("Zanther Group"), "ORG"),
    ]
    causes = why_missed(text, gold, pred, rules)
    assert causes == Counter(
        {
            ("PRODUCT", "c typed wrong as ORG"): 1,
            ("PRODUCT", "d dropped (margin)"): 1,
            ("ORG", "b boundary (mention)"): 1,
        }
    )


def test_why_missed_tells_the_shape_of_a_name_no_candidate_reached() -> None:
    rules = Recognizer(use_spans=False)
    text = "She bought a zephyrpad for the trip."
    z = text.index("zephyrpad")
    causes = why_missed(text, [(z, z + len("zephyrpad"), "PRODUCT")], [], rules)
    assert causes == Counter({("PRODUCT", "a lower-case initial (iPhone, eBay)"): 1})


# -- a known product name that the text calls a company ----------------------------


def test_an_apposition_makes_a_known_product_the_company_throughout_the_text() -> None:
    text = "Trello, a small company in New York, grew fast. The first Trello office was tiny."
    assert [(m.text, m.label) for m in recognize(text) if m.text == "Trello"] == [
        ("Trello", "ORG"),
        ("Trello", "ORG"),
    ]


def test_a_company_verb_makes_a_known_product_the_company() -> None:
    assert ("Amiga", "ORG") in named("Amiga secured a short-term loan from a bank.")


def test_a_name_cued_both_ways_keeps_each_reading() -> None:
    text = "I keep it in a Dropbox folder. Dropbox said no."
    assert [(m.text, m.label) for m in recognize(text)] == [
        ("Dropbox", "PRODUCT"),
        ("Dropbox", "ORG"),
    ]


def test_a_known_product_without_a_cue_stays_a_product() -> None:
    assert named("We use Trello daily.") == {("Trello", "PRODUCT")}


def test_a_capitalised_role_makes_a_coined_word_the_company() -> None:
    # A camel-case word is a product by its shape; "Co-Founder of" says company.
    assert ("QuillBeetle", "ORG") in named("She is Co-Founder of QuillBeetle and lives in Leeds.")
    assert ("QuillBeetle", "PRODUCT") in named("We moved the ledger to QuillBeetle last year.")
