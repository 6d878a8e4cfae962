"""A page's JSON-LD script that json.loads rejects (review12, finding 4).

trafilatura reads such a script with crude patterns (extract_json_parse_error)
that look from every `"author"`, `"Person"`, `"publisher":` or typed object to
the next brace: 64 KB of `"author":1,` held a worker 5 s, 128 KB past the 30 s
extraction limit. json_ld_crude gives the same answers in linear time. These
tests hold it equal to trafilatura's function and patterns, count the
characters it scans (tests/test_hostile_servers.py runs a refresh over such
a page).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from typing import Any

import pytest
from trafilatura.json_metadata import (
    JSON_AUTHOR_1,
    JSON_AUTHOR_2,
    JSON_AUTHOR_REMOVE,
    JSON_PUBLISHER,
    extract_json_parse_error,
)
from trafilatura.settings import Document

from reader.core import json_ld_crude as crude

# Pieces of broken JSON-LD: the patterns' keys and stops, names with and
# without spaces, escaped quotes, typed objects.
PIECES = [
    '"author"', '"author":', ":", "{", "}", "[", "]", '"name"', '"name":', '"names"',
    '"nam":', "\\", '"', " ", '"A B"', '"Ann Lee"', ",", '"Person"', '"person"',
    '"publisher":', '"publisher"', '"@type":"ImageObject",', '"@type":"Organization",',
    '"@type":"WebPage",', '"x"', '"image":', "a", "|", '"@type":"NewsArticle"',
    '"headline":"T x"', '"articleSection":"S"', '"@type":"Article","name":"N M"', '\\"',
    '"name\\":\\"', "Jo Do", '"@type"', '"@type":"webpage"', '"Site Name"', "n", "e", "s",
]  # fmt: skip


def _span(match: re.Match[str] | None) -> object:
    return None if match is None else (match.span(), match.groups())


def _fields(found: Any) -> tuple[object, ...]:
    return (found.author, found.pagetype, found.sitename, found.categories, found.title)


def _random_texts(seed: int, count: int) -> Iterator[str]:
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choice(PIECES) for _ in range(rng.randrange(0, 25)))


def test_the_patterns_are_those_the_searches_take_apart() -> None:
    # A new trafilatura with other patterns must be looked at again.
    assert JSON_AUTHOR_1.pattern == (
        r'"author":[^}[]+?"name?\\?": ?\\?"([^"\\]+)|"author"[^}[]+?"names?".+?"([^"]+)'
    )
    assert JSON_AUTHOR_2.pattern == r'"[Pp]erson"[^}]+?"names?".+?"([^"]+)'
    assert JSON_PUBLISHER.pattern == r'"publisher":[^}]+?"name?\\?": ?\\?"([^"\\]+)'
    assert JSON_AUTHOR_REMOVE.pattern == (
        r',?(?:"\w+":?[:|,\[])?{?"@type":"(?:[Ii]mageObject|[Oo]rganization|[Ww]eb[Pp]age)",'
        r"[^}[]+}[\]|}]?"
    )
    assert JSON_AUTHOR_1.flags & re.DOTALL and JSON_AUTHOR_2.flags & re.DOTALL


def test_each_search_finds_what_its_pattern_finds_on_random_texts() -> None:
    for text in _random_texts(4, 20_000):
        assert _span(crude.first_author(text)) == _span(JSON_AUTHOR_1.search(text)), text
        assert _span(crude.first_person(text)) == _span(JSON_AUTHOR_2.search(text)), text
        assert _span(crude.first_publisher(text)) == _span(JSON_PUBLISHER.search(text)), text
        assert crude.without_typed_objects(text) == JSON_AUTHOR_REMOVE.sub("", text), text


def test_the_metadata_are_trafilaturas_on_random_texts() -> None:
    for i, text in enumerate(_random_texts(5, 20_000)):
        ours, theirs = Document(), Document()
        if i % 3 == 0:  # what the meta tags may have found already
            ours.title = theirs.title = ours.sitename = theirs.sitename = "Meta"
        assert _fields(crude.crude_metadata(text, ours)) == _fields(
            extract_json_parse_error(text, theirs)
        ), text


WRITTEN = [
    '{"@context":"https://schema.org","@type":"NewsArticle","headline":"Tides rise",'
    '"author":{"@type":"Person","name":"Ines Marwick"},"publisher":{"@type":"Organization",'
    '"name":"Coastline Herald","logo":{"@type":"ImageObject","url":"x"}},"articleSection":"Sea"',
    '{"@type":"NewsArticle","author":[{"@type":"Person","name":"Ann Lee"},'
    '{"@type":"Person","name":"Bo Chen"}],"headline":"Two "quoted" words"}',
    '{"@graph":[{"@type":"WebPage","name":"Home"},{"@type":"Article","name":"The story",'
    '"author":{"name":"Kai Ito","url":"https://x"}}',
    '{"@type":"NewsArticle","author":"Dana Scully and Fox Mulder","publisher":"Bureau, FBI"',
    '{"author":{"@type":"Person","name\\":\\"Escaped Name\\"}',
    '{"@type":"Person","names":["Ada Byron", "Alan Turing"]',
    '{"author":1,' * 50 + '"author":{"name":"Late Name"}',
    '{"@type":"ImageObject","url":"a"},"author":{"name":"Pia Sol"}' * 3,
]


@pytest.mark.parametrize("text", WRITTEN)
def test_the_metadata_are_trafilaturas_on_written_scripts(text: str) -> None:
    assert _fields(crude.crude_metadata(text, Document())) == _fields(
        extract_json_parse_error(text, Document())
    )


class _Counted:
    """A pattern that adds up the characters its searches pass over."""

    scanned = 0

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        found = self.pattern.search(text, pos)
        _Counted.scanned += (found.end() if found else len(text)) - pos
        return found

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        _Counted.scanned += len(text)  # one scan, whatever is found
        return self.pattern.finditer(text)

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        found = self.pattern.match(text, pos)
        _Counted.scanned += (found.end() if found else len(text)) - pos
        return found


@pytest.mark.parametrize(
    "unit",
    [
        '"author":1,',
        '"author""names"',
        '"Person",',
        '"publisher":1,',
        '"@type":"ImageObject",',
        '"@type":"ImageObject",[',
        '"author":{"name":"A B"},',
    ],
)
def test_a_long_script_is_scanned_a_few_times_not_once_per_key(
    unit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # trafilatura's patterns scan from every key to the next brace: for these
    # texts of 4,000 keys, ~4,000 times the text. Counted here: every search
    # of the helpers' patterns and every run of trafilatura's, to its end or
    # to where it matched.
    for name in (
        "_NAME_QUOTED", "_NAMES_THEN_TEXT", "_PERSON", "_TYPED", "_BRACE_OR_BRACKET",
        "_BRACE", "JSON_AUTHOR_1", "JSON_AUTHOR_2", "JSON_PUBLISHER", "JSON_AUTHOR_REMOVE",
    ):  # fmt: skip
        monkeypatch.setattr(crude, name, _Counted(getattr(crude, name)))
    text = "{" + unit * 4000
    _Counted.scanned = 0
    found = crude.crude_metadata(text, Document())
    assert _Counted.scanned < 12 * len(text)
    assert _fields(found) == _fields(extract_json_parse_error(text, Document()))
