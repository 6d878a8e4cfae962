"""A highlight's note typed while a refresh changes the article's text
(review14b finding 2).

The highlight dialog is open on a passage; another process (or the app's own
scheduled refresh) stores a new version of the article's text. The offsets
the user selected now point at other words, and the store refuses them. The
note and tags typed must not be lost: the highlight goes on the same words in
the new text when the anchoring algorithm finds them, and otherwise the note
is kept as an article note quoting the passage. Either way the app says so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.widgets import TextArea

from loopback import LoopbackServer, rss
from reader.core.config import Settings
from reader.core.models import AnnotationFilter, ArticleQuery
from reader.tui.app import ReaderApp
from reader.tui.screens.highlight_dialog import AnnotationDialog
from reader.tui.screens.main import MainScreen
from reader.tui.widgets.annotations_panel import AnnotationsPanel
from reader.tui.widgets.reading_pane import ReadingPane
from tui.helpers import Notes, app_settings, core, settle, wait_until

pytestmark = pytest.mark.anyio

MakeApp = Callable[..., ReaderApp]
SIZE = (120, 40)
FIRST = "First version. The quick brown fox jumps over the lazy dog near Paris."
# The passage "quick brown fox" moved (a sentence added before it).
MOVED = "Corrected version, with a sentence added. The quick brown fox jumps over the lazy dog near Paris."
# The passage is gone.
REWRITTEN = "A different story altogether: markets rose in Tokyo on Monday morning."
CHANGED = "The article's text changed while the dialog was open"


def feed(text: str) -> bytes:
    item = {
        "title": "Story",
        "link": "https://example.invalid/story",
        "guid": "story-1",
        "description": f"<p>{text}</p>",
        "pubDate": "Mon, 02 Nov 2026 10:00:00 GMT",
    }
    return rss([item], title="Changing feed")


class Changing:
    """A loopback feed whose one article's text the test changes."""

    def __init__(self, settings: Settings, server: LoopbackServer) -> None:
        self.settings = settings
        self.server = server
        self.url = server.add("/feed.xml", body=feed(FIRST))
        with core(settings) as reader:
            self.feed_id = reader.add_feed(self.url, discover=False).feed_id
            [result] = reader.refresh([self.feed_id])
        assert result.status == "updated"

    async def change_to(self, text: str) -> None:
        """Another process refreshes the feed, which now has `text`."""
        self.server.add("/feed.xml", body=feed(text))

        def refresh() -> list[str]:
            with core(self.settings) as other:
                return [r.status for r in other.refresh([self.feed_id], force=True)]

        assert await asyncio.to_thread(refresh) == ["updated"]


@pytest.fixture
def changing(tmp_path: Path) -> Iterator[Changing]:
    with LoopbackServer() as server:
        yield Changing(app_settings(tmp_path), server)


async def highlight_dialog_on_quick_brown_fox(app: ReaderApp, pilot: object) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
    await pilot.press("2", "enter")
    pane = app.screen.query_one(ReadingPane)
    await wait_until(pilot, lambda: pane.article is not None and pane.has_focus)
    assert pane.article is not None
    pane.place_cursor(pane.article.text.index("quick"))
    await settle(pilot)
    await pilot.press("v", "W", "W", "enter")  # "quick brown fox"
    await wait_until(pilot, lambda: isinstance(app.screen, AnnotationDialog))
    assert isinstance(app.screen, AnnotationDialog)
    assert app.screen.quote == "quick brown fox"


async def test_the_note_goes_on_the_same_words_in_the_new_text(
    changing: Changing, make_app: MakeApp
) -> None:
    app = make_app(changing.settings)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await highlight_dialog_on_quick_brown_fox(app, pilot)
        await pilot.press(*"my long thoughtful note")
        app.screen.query_one("#tags").focus()
        await pilot.press(*"fox")
        await changing.change_to(MOVED)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: any(CHANGED in m for m in notes.messages()))
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    with core(changing.settings) as reader:
        [highlight] = reader.annotations(AnnotationFilter())
        text = reader.article(highlight.article_id).text
    assert text.startswith("Corrected version")
    assert (highlight.kind, highlight.exact, highlight.state) == (
        "highlight",
        "quick brown fox",
        "exact",
    )
    assert highlight.start is not None and highlight.end is not None
    assert text[highlight.start : highlight.end] == "quick brown fox"
    assert (highlight.note, highlight.tags) == ("my long thoughtful note", ("fox",))
    assert any("the highlight is on the same words" in m for m in notes.messages())


async def test_the_note_is_kept_as_an_article_note_when_the_passage_is_gone(
    changing: Changing, make_app: MakeApp
) -> None:
    app = make_app(changing.settings)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await highlight_dialog_on_quick_brown_fox(app, pilot)
        await pilot.press(*"my long thoughtful note")
        await changing.change_to(REWRITTEN)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: any(CHANGED in m for m in notes.messages("warning")))
        await settle(pilot)
        assert app.is_running
    with core(changing.settings) as reader:
        [note] = reader.annotations(AnnotationFilter())
    assert note.kind == "note"
    assert note.note == "> quick brown fox\n\nmy long thoughtful note"
    assert any("kept as an article note" in m for m in notes.messages("warning"))


async def test_keeping_an_orphan_another_process_deleted_is_a_notice(
    changing: Changing, make_app: MakeApp
) -> None:
    """K on an orphan in the annotations panel (review14b finding 1, `_chosen`)."""
    with core(changing.settings) as reader:
        [article] = reader.articles(ArticleQuery(limit=None))
        orphan = reader.annotate(article.id, "quick brown fox", note="n")
    await changing.change_to(REWRITTEN)  # the passage is gone: an orphan
    app = make_app(changing.settings)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("2", "enter", "H")
        await wait_until(pilot, lambda: bool(app.screen.query(AnnotationsPanel)))
        panel = app.screen.query_one(AnnotationsPanel)
        await wait_until(pilot, lambda: panel.current is not None)
        assert panel.current is not None and panel.current.state == "orphan"
        with core(changing.settings) as other:
            other.delete_annotation(orphan.id)
        await pilot.press("K")
        await wait_until(
            pilot,
            lambda: (
                any("deleted since it was shown" in m for m in notes.messages())
                or not app.is_running
            ),
        )
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert panel.annotations == {} or orphan.id not in {
            a.id for a in panel.annotations.values()
        }


async def test_an_article_note_typed_while_the_text_changes_is_kept(
    changing: Changing, make_app: MakeApp
) -> None:
    """An article note has no offsets: the change does not touch it (as before)."""
    app = make_app(changing.settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("2", "enter", "N")
        await wait_until(pilot, lambda: isinstance(app.screen, AnnotationDialog))
        await pilot.press(*"a note")
        assert app.screen.query_one(TextArea).text == "a note"
        await changing.change_to(REWRITTEN)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
    with core(changing.settings) as reader:
        [note] = reader.annotations(AnnotationFilter())
    assert (note.kind, note.note) == ("note", "a note")
