"""A page's author text rationed before trafilatura's normalize_authors (authors12).

normalize_authors costs the square of one string holding opening brackets
without a closer (`"( "` x 16,000 held a worker 3.6 s), and for each call the
square of the names found so far (1,000 author metas: 18 s). page_metadata
cuts what reaches it: each author string to STRING_CHARS, the metas and the
JSON-LD each to a budget of characters and strings. These tests check what
trafilatura is given, that the tree is left as it was, and that a hostile
page reads as the same page holding only what the budget allows would.
"""

from __future__ import annotations

import json
from typing import Any

from lxml import etree
from trafilatura.json_metadata import extract_json_parse_error
from trafilatura.settings import Document

from loopback import article_page
from reader.core.author_bound import (
    BUDGET_CHARS,
    BUDGET_STRINGS,
    STRING_CHARS,
    AuthorBudget,
    bound_json_authors,
    bounded_author_metas,
)
from reader.core.extract import extract_page, load_page
from reader.core.json_ld_crude import crude_metadata
from reader.core.page_metadata import page_metadata

PARENS = "( " * 100_000  # 200 KB, no closing bracket
URL = "https://herald.example/story"


def _page(head: str) -> bytes:
    # article_page's own author meta taken out: the ones under test are the page's.
    page = article_page("Tidal barriers", ["A paragraph of the story. " * 40])
    page = page.replace(b'<meta name="author" content="Ada Example">', b"")
    return page.replace(b"</head>", head.encode() + b"</head>")


def _metas(names: list[str], key: str = "name") -> str:
    return "".join(f'<meta {key}="author" content="{name}">' for name in names)


def _author_contents(tree: Any) -> list[str]:
    return [m.get("content") for m in tree.iterfind(".//head/meta[@name='author']")]


def _names(count: int) -> list[str]:
    # distinct two-word names, none inside another (no digits: no dates either)
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [
        f"Ann{letters[i % 26]}{letters[i // 26 % 26]}{letters[i // 676 % 26]} Lee"
        for i in range(count)
    ]


def test_a_long_author_meta_is_cut_while_read_and_given_back() -> None:
    tree = load_page(_page(_metas(["Ines Marwick", PARENS])))
    before = etree.tostring(tree)
    with bounded_author_metas(tree):
        assert _author_contents(tree) == ["Ines Marwick", PARENS[: BUDGET_CHARS - 12]]
    assert etree.tostring(tree) == before
    # What trafilatura would read of the page holding only that much.
    cut = load_page(_page(_metas(["Ines Marwick", PARENS[: BUDGET_CHARS - 12]])))
    assert page_metadata(tree, URL) == page_metadata(cut, URL)
    assert page_metadata(tree, URL).author == "Ines Marwick"
    assert etree.tostring(tree) == before


def test_many_author_metas_are_rationed_in_count_and_characters() -> None:
    names = _names(2_000)
    tree = load_page(_page(_metas(names)))
    with bounded_author_metas(tree):
        seen = [c for c in _author_contents(tree) if c]
        assert seen == names[:BUDGET_STRINGS]
    assert _author_contents(tree) == names  # all given back
    first = load_page(_page(_metas(names[:BUDGET_STRINGS])))
    assert page_metadata(tree, URL) == page_metadata(first, URL)
    # Long strings spend the characters before the count runs out.
    long = [name + " x" * 300 for name in names[:5]]
    tree = load_page(_page(_metas(long, key="property")))
    with bounded_author_metas(tree):
        kept = [m.get("content") for m in tree.iterfind(".//head/meta[@property='author']")]
    assert sum(map(len, kept)) == BUDGET_CHARS
    assert kept[0] == long[0] and kept[1] == long[1][: BUDGET_CHARS - len(long[0])]
    assert kept[2:] == ["", "", ""]


def test_ordinary_author_metas_are_untouched() -> None:
    head = _metas(["Ines Marwick", "Tom Hale"]) + (
        '<meta property="article:author" content="Ines Marwick, Jo Park">'
        '<meta property="og:author" content="Jo Park">'
        '<meta itemprop="author" content="Tom Hale">'
        '<meta name="description" content="' + "d" * 5_000 + '">'
    )
    tree = load_page(_page(head))
    before = etree.tostring(tree)
    with bounded_author_metas(tree):
        assert etree.tostring(tree) == before
    assert page_metadata(tree, URL).author == "Jo Park; Ines Marwick; Tom Hale"


def _ld(author: Any) -> str:
    script = {"@context": "https://schema.org", "@type": "NewsArticle", "author": author}
    return f'<script type="application/ld+json">{json.dumps(script)}</script>'


def test_json_ld_authors_are_rationed() -> None:
    persons = [{"@type": "Person", "name": name, "url": "/p"} for name in _names(2_000)]
    tree = load_page(_page(_ld(persons)))
    first = load_page(_page(_ld(persons[:BUDGET_STRINGS])))
    found = page_metadata(tree, URL)
    assert found == page_metadata(first, URL)
    assert found.author is not None and found.author.count("; ") == BUDGET_STRINGS - 1
    # One long name: cut to what one string may hold.
    tree = load_page(_page(_ld({"@type": "Person", "name": "Jo Park " + PARENS})))
    cut = load_page(_page(_ld({"@type": "Person", "name": ("Jo Park " + PARENS)[:STRING_CHARS]})))
    assert page_metadata(tree, URL) == page_metadata(cut, URL)


def test_json_ld_bound_leaves_other_strings_whole() -> None:
    body = "b" * 50_000
    value = [
        {"@type": "NewsArticle", "articleBody": body, "name": "t" * 5_000},
        {"@type": ["Thing", "person"], "name": "n" * 5_000, "url": "u" * 5_000},
        {"author": [{"@type": "Person", "name": "Jo Park", "sameAs": "s" * 5_000}, "Tom Hale"]},
    ]
    budget = AuthorBudget()
    bound = bound_json_authors(value, budget)
    assert bound[0] == {"@type": "NewsArticle", "articleBody": body, "name": "t" * 5_000}
    assert bound[1] == {"@type": ["Thing", "person"], "name": "n" * 1_000, "url": "u" * 5_000}
    # the budget's characters went to the person's name: no author is left to
    # call normalize_authors with (an empty name is a call all the same)
    assert bound[2]["author"] == []
    assert budget.spent


def test_json_ld_persons_and_author_text_are_rationed() -> None:
    # A graph of 2,000 people, and an author given as JSON text of 2,000 names
    # (trafilatura parses it): both read as the first BUDGET_STRINGS.
    names = _names(2_000)
    graph = [{"@type": "Person", "name": name} for name in names]
    script = {"@context": "https://schema.org", "@graph": graph}
    first = {"@context": "https://schema.org", "@graph": graph[:BUDGET_STRINGS]}

    def ld(value: object) -> str:
        return f'<script type="application/ld+json">{json.dumps(value)}</script>'

    found = page_metadata(load_page(_page(ld(script))), URL, want_date=False)
    assert found == page_metadata(load_page(_page(ld(first))), URL, want_date=False)
    assert found.author is not None and found.author.count("; ") == BUDGET_STRINGS - 1
    text, few = json.dumps(names), json.dumps(names[:BUDGET_STRINGS])
    found = page_metadata(load_page(_page(_ld(text))), URL, want_date=False)
    assert found == page_metadata(load_page(_page(_ld(few))), URL, want_date=False)
    assert found.author is not None and found.author.count("; ") == BUDGET_STRINGS - 1


def test_broken_json_ld_authors_are_rationed() -> None:
    # json.loads rejects it: json_ld_crude's reader, checked against trafilatura's
    # own on the text holding only the authors the budget allows.
    names = _names(300)
    pieces = [f'"author":{{"name":"{name}"}}' for name in names]
    text = "{" + ",".join(pieces)
    found = crude_metadata(text, Document())
    expected = extract_json_parse_error("{" + ",".join(pieces[:BUDGET_STRINGS]), Document())
    assert found.author == expected.author
    assert found.author is not None and found.author.count("; ") == BUDGET_STRINGS - 1


def test_a_hostile_author_page_is_extracted() -> None:
    # 200 KB of brackets in a meta and in the JSON-LD, and 2,000 author metas:
    # minutes of normalize_authors before; the story is read, its author kept
    # (the brackets spent the metas' budget: the 2,000 are read as empty).
    head = (
        _metas(["Ines Marwick", PARENS])
        + _metas(_names(2_000), key="property")
        + _ld({"@type": "Person", "name": PARENS})
    )
    page = extract_page(_page(head), URL)
    assert page is not None
    assert page.author == "Ines Marwick"
    assert "A paragraph of the story." in page.text
