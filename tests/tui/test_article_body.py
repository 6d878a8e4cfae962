"""The article's text as a column of blocks (widgets/article_body.py): the
blocks cut the text only at paragraph breaks, a cursor move leaves no stale
selection in the block it left, and a mouse selection over several blocks
highlights the passage it covers."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.content import Content
from textual.geometry import Offset
from textual.selection import Selection
from textual.widgets import Static

from reader.core.analysis import analyse_records
from reader.core.config import EntitySettings, Settings
from reader.core.models import AnnotationFilter
from reader.tui.app import ReaderApp
from reader.tui.screens.highlight_dialog import AnnotationDialog
from reader.tui.screens.main import MainScreen
from reader.tui.widgets.article_body import ArticleBody, block_ranges, screen_offset
from reader.tui.widgets.reading_pane import ReadingPane
from records import record
from tui.helpers import app_settings, core, wait_until

MakeApp = Callable[..., ReaderApp]
SIZE = (120, 40)
SELECTED = "reverse"


def test_blocks_cut_only_at_one_blank_line() -> None:
    display = "\n\n".join(f"paragraph {n} " + "word " * 20 for n in range(40))
    ranges = block_ranges(display, size=300)
    assert len(ranges) > 3
    assert ranges[0][0] == 0 and ranges[-1][1] == len(display)
    for (_, end), (start, _) in itertools.pairwise(ranges):
        assert display[end:start] == "\n\n"
    assert all(end - start >= 300 for start, end in ranges[:-1])


def test_no_cut_inside_a_paragraph_or_a_run_of_blank_lines() -> None:
    assert block_ranges("x" * 10_000, size=100) == [(0, 10_000)]
    assert block_ranges("", size=100) == [(0, 0)]
    display = "a" * 200 + "\n\n\n" + "b" * 200
    assert block_ranges(display, size=100) == [(0, len(display))]


@given(
    st.lists(st.text(alphabet="ab \n", max_size=40), max_size=30),
    st.integers(min_value=1, max_value=200),
)
def test_blocks_and_breaks_give_back_the_text(paragraphs: list[str], size: int) -> None:
    display = "\n\n".join(paragraphs)
    ranges = block_ranges(display, size=size)
    rebuilt = "\n\n".join(display[start:end] for start, end in ranges)
    assert rebuilt == display


def test_screen_offset_counts_the_texts_own_lines() -> None:
    text = "first line\nsecond\n\nfourth"
    assert screen_offset(text, Offset(3, 1)) == text.index("second") + 3
    assert screen_offset(text, Offset(99, 0)) == len("first line")  # past the end of the line
    assert screen_offset(text, Offset(0, 9)) == text.index("fourth")  # past the last line


@pytest.fixture
def long_read(tmp_path: Path) -> Settings:
    """One article of 60 paragraphs (~9,000 characters: several blocks)."""
    settings = app_settings(tmp_path)
    text = "\n".join(
        f"Paragraph {n} begins. The committee met in Paris and wrote a long report about it."
        " Nobody expected the outcome, and the reporters asked many questions afterwards."
        for n in range(60)
    )
    with core(settings) as reader:
        feed_id, _ = reader.store.add_feed("https://long.example/feed", title="Long")
        reader.store.write_feed(
            feed_id,
            url=None,
            title="Long",
            site_url="",
            etag=None,
            last_modified=None,
            warning=None,
            articles=analyse_records([record("long", text)], "Long", EntitySettings(), ()),
        )
    return settings


def blocks(app: ReaderApp) -> list[Static]:
    return list(app.screen.query_one(ArticleBody).query(".article-block").results(Static))


def selected_blocks(app: ReaderApp) -> list[int]:
    """The blocks whose rendered content carries the selection's style."""
    return [
        index
        for index, block in enumerate(blocks(app))
        if any(str(span.style) == SELECTED for span in shown(block).spans)
    ]


def shown(block: Static) -> Content:
    content = block.content
    assert isinstance(content, Content)
    return content


async def open_article(pilot: Any) -> ReadingPane:
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
    await pilot.press("enter")
    pane = app.screen.query_one(ReadingPane)
    await wait_until(pilot, lambda: pane.article is not None and pane.has_focus)
    return pane


@pytest.mark.anyio
async def test_a_cursor_move_leaves_no_selection_behind(
    long_read: Settings, make_app: MakeApp
) -> None:
    app = make_app(long_read)
    async with app.run_test(size=SIZE) as pilot:
        await open_article(pilot)
        assert len(blocks(app)) >= 3
        body = app.screen.query_one(ArticleBody)
        # The blocks show the whole text, cut at paragraph breaks.
        assert "\n\n".join(shown(b).plain for b in blocks(app)) == body.content.plain
        await pilot.press("v")
        await pilot.pause()
        assert selected_blocks(app) == [0]
        # Paragraph by paragraph into the third block: only it shows the cursor.
        pane = app.screen.query_one(ReadingPane)
        for _ in range(60):
            if selected_blocks(app) == [2]:
                break
            await pilot.press("right_curly_bracket")
            await pilot.pause()
        assert selected_blocks(app) == [2]
        assert pane.cursor is not None
        await pilot.press("escape")
        await pilot.pause()
        assert selected_blocks(app) == []


@pytest.mark.anyio
async def test_a_mouse_selection_over_two_blocks_is_one_highlight(
    long_read: Settings, make_app: MakeApp
) -> None:
    app = make_app(long_read)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_article(pilot)
        assert pane.article is not None
        text = pane.article.text
        first, second = blocks(app)[:2]
        # From "begins" in the first block's second paragraph to the end of the
        # second block's first line ("Paragraph N" of its first paragraph).
        first_text = shown(first).plain
        second_start = text.index(shown(second).plain.split("\n")[0])
        app.screen.selections = {
            first: Selection(Offset(first_text.split("\n")[2].index("begins"), 2), None),
            second: Selection(None, Offset(len("Paragraph 99"), 0)),
        }
        await pilot.pause()
        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, AnnotationDialog))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        with core(long_read) as reader:
            [made] = reader.store.annotations(AnnotationFilter())
        expected_start = text.index("begins", text.index("Paragraph 1 "))
        expected_end = second_start + len("Paragraph 99")
        assert (made.start, made.end) == (expected_start, expected_end)
        assert made.exact == text[expected_start:expected_end]
