"""`literal_markup`: markup that Textual's own parser turns back into exactly
the text (review12 finding 3; the palette on screen: test_palette_markup.py).

textual.markup.escape escapes only a `[` followed by a lower-case letter, `#`,
`/` or `@`; `literal_markup` escapes every `[`.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.content import Content
from textual.markup import escape

from reader.tui.text import literal_markup
from tui.test_palette_markup import HOSTILE

BRACKETS = st.text(alphabet=st.sampled_from("[]\\/@$=#:. aZ\n"), max_size=40)
# What the app shows: text without control characters (removed at ingest).
SHOWN = st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")))


@given(st.one_of(SHOWN, BRACKETS))
def test_literal_markup_renders_as_the_exact_text(text: str) -> None:
    content = Content.from_markup(literal_markup(text))
    assert content.plain == text
    assert not content.spans


@given(st.text())
def test_literal_markup_renders_as_plain_content_does(text: str) -> None:
    """Any text at all: as Content(text), which Textual never parses."""
    content = Content.from_markup(literal_markup(text))
    assert (content.plain, content.spans) == (Content(text).plain, [])


@pytest.mark.parametrize("text", HOSTILE)
def test_each_case_escape_misses_is_literal(text: str) -> None:
    assert Content.from_markup(literal_markup(f"a {text} b")).plain == f"a {text} b"


def test_textual_escape_is_not_enough() -> None:
    """The reason for literal_markup (FINDINGS.md said escape() was safe)."""
    for text in ("[ @click=app.quit]x", "[Updated]", "[$accent]x"):
        parsed = Content.from_markup(escape(text))
        assert parsed.plain != text or parsed.spans, text
