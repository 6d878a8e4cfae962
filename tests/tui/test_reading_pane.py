"""The reading pane's text layout (a pure function of the stored text)."""

from __future__ import annotations

import re

from reader.tui.widgets.reading_pane import body_content


def test_paragraphs_get_one_blank_line_and_highlights_stay_on_their_words() -> None:
    # Page extraction stores one paragraph a line; feed text may keep a blank
    # line between paragraphs already. Both show one blank line.
    for text in ("alpha beta\ngamma beta\ndelta beta", "alpha beta\n\ngamma beta\n\ndelta beta"):
        content = body_content(text, re.compile("beta"))
        assert content.plain == "alpha beta\n\ngamma beta\n\ndelta beta"
        assert [content.plain[s.start : s.end] for s in content.spans] == ["beta"] * 3


def test_brackets_are_text() -> None:
    content = body_content("[@click=app.quit]x[/] and arr[/]", None)
    assert content.plain == "[@click=app.quit]x[/] and arr[/]"
    assert content.spans == []
