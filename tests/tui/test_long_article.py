"""A giant article (a hostile feed item of megabytes) is shown a part at a time.

Textual wraps a `Static`'s whole text on the UI thread, about ten seconds a
megabyte, and the text cursor renders the body again on every key: these tests
count the characters handed to the body, not the seconds, so they fail on a
pane that renders the whole text however fast the machine is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Static

from reader.core.analysis import analyse_records
from reader.core.config import EntitySettings, Settings
from reader.core.models import AnnotationFilter
from reader.tui.app import ReaderApp
from reader.tui.screens.main import MainScreen
from reader.tui.styles import HIGHLIGHT_STYLES, LABEL_STYLES
from reader.tui.widgets.article_body import ArticleBody
from reader.tui.widgets.reading_pane import ReadingPane
from records import record
from tui.helpers import app_settings, core, wait_until

pytestmark = pytest.mark.anyio

MakeApp = Callable[..., ReaderApp]
SIZE = (120, 40)
# The pane's part, 100,000 stored characters, with the blank lines it adds
# between paragraphs; written out so that the test also runs on a pane without parts.
ONE_PART = 101_000
PARAGRAPHS = 2_000  # ~320 KB: four parts


def paragraph(n: int) -> str:
    return (
        f"Paragraph {n} opens here. Sam Altman said OpenAI would raise money in October. "
        "Analysts expected growth, and the board met investors in Paris to talk it over."
    )


@pytest.fixture
def giant(tmp_path: Path) -> Settings:
    settings = app_settings(tmp_path)
    text = "\n".join(paragraph(n) for n in range(PARAGRAPHS))
    with core(settings) as reader:
        feed_id, _ = reader.store.add_feed("https://giant.example/feed", title="Giant")
        reader.store.write_feed(
            feed_id,
            url=None,
            title="Giant",
            site_url="",
            etag=None,
            last_modified=None,
            warning=None,
            articles=analyse_records([record("giant", text)], "Giant", EntitySettings(), ()),
        )
    return settings


def pane(app: ReaderApp) -> ReadingPane:
    return app.screen.query_one(ReadingPane)


def shown(app: ReaderApp, widget_id: str) -> Content:
    widget = pane(app).query_one(widget_id, (Static, ArticleBody))
    if not widget.display:
        return Content("")
    content = widget.content
    assert isinstance(content, Content)
    return content


async def open_giant(pilot: Pilot[Any]) -> str:
    app = pilot.app
    assert isinstance(app, ReaderApp)
    await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
    await pilot.press("enter")
    await wait_until(pilot, lambda: pane(app).article is not None and pane(app).has_focus)
    article = pane(app).article
    assert article is not None
    return article.text


async def test_a_giant_article_renders_one_part_and_says_what_follows(
    giant: Settings, make_app: MakeApp
) -> None:
    app = make_app(giant)
    async with app.run_test(size=SIZE) as pilot:
        text = await open_giant(pilot)
        assert len(text) > 3 * ONE_PART
        body = shown(app, "#article-body").plain
        # One part is handed to Textual, not the whole text (on the old pane: 330 KB).
        assert len(body) <= ONE_PART
        assert body.startswith(paragraph(0))
        after = shown(app, "#article-after").plain
        rest = len(text) - len(body.replace("\n\n", "\n"))
        assert f"The article continues: {round(rest / 1000):,} KB more (part 1 of 4)" in after
        assert "Press ]" in after
        assert shown(app, "#article-before").plain == ""

        # ] shows the next part from its top; the previous part is announced above it.
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: "part 2 of 4" in shown(app, "#article-before").plain)
        second = shown(app, "#article-body").plain
        assert len(second) <= ONE_PART
        # Parts end after a paragraph: the next part starts with a whole one.
        assert second.startswith("Paragraph ") and second.split("\n\n")[0] in text
        assert pane(app).scroll_y == 0
        # Space at the end of a part goes on to the next one, as at the end of an article.
        pane(app).scroll_end(animate=False)
        await wait_until(pilot, lambda: pane(app).scroll_y >= pane(app).max_scroll_y > 0)
        await pilot.press("space")
        await wait_until(pilot, lambda: "part 3 of 4" in shown(app, "#article-after").plain)
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: shown(app, "#article-after").plain == "")
        last = shown(app, "#article-body").plain
        assert text.endswith(last.split("\n\n")[-1])  # nothing cut at the end


async def test_entities_and_highlights_are_coloured_where_they_are_in_any_part(
    giant: Settings, make_app: MakeApp
) -> None:
    app = make_app(giant)
    async with app.run_test(size=SIZE) as pilot:
        text = await open_giant(pilot)
        reading = pane(app)
        target = text.index(paragraph(1_900))  # in the fourth part
        word = text.index("Paris", target)
        article_id = reading.article.summary.id  # type: ignore[union-attr]
        with core(giant) as reader:
            made = reader.store.highlight(article_id, word, word + len("Paris"))
            reading.set_highlights(reader.annotations(AnnotationFilter(article_id=article_id)))
        # A jump to the highlight (as from the annotations panel) shows its part.
        assert made.start is not None
        reading.place_cursor(made.start)
        await wait_until(pilot, lambda: "part 4 of 4" in shown(app, "#article-before").plain)
        assert reading.highlight_at_cursor() == made
        body = shown(app, "#article-body")
        spans = {(body.plain[s.start : s.end], str(s.style)) for s in body.spans}
        assert ("Paris", HIGHLIGHT_STYLES[made.color]) in spans
        assert ("Sam Altman", LABEL_STYLES["PERSON"]) in spans
        # Every span covers the very text it names in the stored article.
        for span in body.spans:
            piece = body.plain[span.start : span.end]
            assert piece in text and "\n" not in piece.strip()

        # The keyboard selection in this part is in stored offsets: w moves on
        # from the highlighted word to the next one of the stored text.
        await pilot.press("w")
        assert reading.selection == (word + len("Paris") + 1, word + len("Paris ") + len("to"))
        assert text[slice(*reading.selection)] == "to"  # type: ignore[misc]
