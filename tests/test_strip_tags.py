"""trafilatura's tag stripping in linear time, and attribute values libxml2
would write out in quadratic time (lead13).

trafilatura strips tags from meta contents and JSON-LD with one pattern; from
each `<!--` with no `-->` after it, and each `<` with no `>`, Python's `re`
scans on to the end: `&lt;!--` x 20,000 in a description took 12 s. strip_tags
gives the same strings in one pass and stands in for the pattern's `sub` in
trafilatura's metadata modules. Separately, libxml2 writes an attribute value
holding many `<!--` in quadratic time (htmldate serialises the page), so such
values are emptied after parsing.
"""

from __future__ import annotations

import re

import trafilatura.json_metadata
import trafilatura.metadata
import trafilatura.utils
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from loopback import article_page
from reader.core.extract import _defuse_comment_runs, extract_page, load_page
from reader.core.page_metadata import page_metadata
from reader.core.strip_tags import PATTERN, LinearStripTags, install_linear_strip, strip_tags

REGEX = re.compile(PATTERN)
# The characters the pattern turns on, in runs that form and break its parts.
PIECES = ["<", ">", "!", "-", "\n", "a", " ", "<!--", "-->", "<!-", "--", "<a>", "é"]


def test_the_pattern_reproduced_is_trafilaturas() -> None:
    # A trafilatura with another pattern keeps its own: this says it is time to look.
    assert trafilatura.utils.HTML_STRIP_TAGS.pattern == PATTERN
    assert trafilatura.utils.HTML_STRIP_TAGS.flags == re.UNICODE


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_strip_tags_removes_what_the_pattern_removes(text: str) -> None:
    assert strip_tags(text) == REGEX.sub("", text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_strip_tags_on_any_text(text: str) -> None:
    assert strip_tags(text) == REGEX.sub("", text)


def test_written_cases() -> None:
    cases = {
        "a <b>bold</b> word": "a bold word",
        "<!-- note --> kept": " kept",
        "<!-- a\nb --> x": " x",  # "." stops at the newline: "<[^>]*>" takes it instead
        "<!-->x": "x",  # no "-->" after "<!--": the tag alternative ends at the first ">"
        "<!---->y": "y",
        "1 < 2 and 3 > 2": "1  2",
        "tail < without close": "tail < without close",
        "<!--<!--<!--": "<!--<!--<!--",
        "x<!--a-->y<!--b": "xy<!--b",
    }
    for text, expected in cases.items():
        assert REGEX.sub("", text) == expected, text  # the cases say what re does
        assert strip_tags(text) == expected, text


def test_linear_on_the_costly_strings() -> None:
    # Each of these took the pattern seconds (the first ~12 s at this size);
    # strip_tags makes one pass, so they finish with the suite's time limit far off.
    for text in ["<!--" * 50_000, "<" * 200_000, "<!--\n" * 40_000, "<!--" * 50_000 + ">"]:
        stripped = strip_tags(text)
        assert len(stripped) <= len(text)
    assert strip_tags("<!--" * 50_000 + ">") == ""


def test_installed_in_trafilaturas_metadata_modules() -> None:
    assert install_linear_strip()
    for module in (trafilatura.metadata, trafilatura.json_metadata):
        stand_in = module.HTML_STRIP_TAGS
        assert isinstance(stand_in, LinearStripTags)
        assert stand_in.sub("", "a <b>c</b>") == "a c"
        assert stand_in.sub("-", "a <b>c") == "a -c"  # anything else: the pattern itself
    assert install_linear_strip()  # again: nothing to do


def _page_with_head(head: str) -> bytes:
    page = article_page("Tidal barriers", ["A paragraph of the story. " * 40])
    return page.replace(b"</head>", head.encode() + b"</head>")


def test_a_description_of_unclosed_comments_reads_as_the_pattern_would() -> None:
    description = "Storms &lt;b&gt;ahead&lt;/b&gt; " + "&lt;!--" * 10
    tree = load_page(_page_with_head(f'<meta name="description" content="{description}">'))
    found = trafilatura.metadata.examine_meta(tree)
    install_linear_strip()
    assert found.description == REGEX.sub("", "Storms <b>ahead</b> " + "<!--" * 10).strip()
    page_metadata(tree, "https://herald.example/story")  # installs; the tree is not changed
    assert isinstance(trafilatura.metadata.HTML_STRIP_TAGS, LinearStripTags)


def test_values_with_many_comment_openers_are_emptied() -> None:
    many = "&lt;!--" * 5_000
    page = _page_with_head(
        f'<meta name="description" content="{many}"><meta name="keywords" content="tides">'
    ).replace(b"<article>", f'<article title="{many}">'.encode())
    tree = load_page(page)
    _defuse_comment_runs(page, tree)
    assert tree.find(".//meta[@name='description']").get("content") == ""
    assert tree.find(".//article").get("title") == ""
    assert tree.find(".//meta[@name='keywords']").get("content") == "tides"
    # What libxml2 writes now is the page without them (it searched from each one).
    assert len(lxml_html.tostring(tree)) < len(page) // 4


def test_a_few_comment_openers_in_a_value_stay() -> None:
    few = "&lt;!--" * 16  # up to 16 in one value: kept as written
    page = _page_with_head(f'<meta name="description" content="{few}">' + "&amp;" * 5_000)
    tree = load_page(page)
    _defuse_comment_runs(page, tree)
    assert tree.find(".//meta[@name='description']").get("content") == "<!--" * 16


def test_a_page_with_few_marks_is_not_walked() -> None:
    # No "!" or "&" to write "<!--" with: nothing is read, the value stays (it has none).
    page = _page_with_head('<meta name="description" content="plain">')
    tree = load_page(page)
    _defuse_comment_runs(page, tree)
    assert tree.find(".//meta[@name='description']").get("content") == "plain"


def test_extract_page_keeps_the_text_of_such_a_page() -> None:
    page = _page_with_head(f'<meta name="description" content="{"&lt;!--" * 20_000}">')
    extracted = extract_page(page, "https://herald.example/story")
    assert extracted is not None
    assert "A paragraph of the story." in extracted.text
