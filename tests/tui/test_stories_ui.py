"""Stories in the app: reading one article of a story reads the story (as
`[stories] read_marks_story` says), and the entity panel adds to the
watchlist. Pilot drives the real app on a real database."""

from __future__ import annotations

import dataclasses

import pytest

from reader.core.config import Settings, StorySettings
from reader.tui.screens.main import MainScreen
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.entity_panel import EntityPanel
from reader.tui.widgets.sidebar import Sidebar
from tui.helpers import Notes, core, wait_until
from tui.snapshots import SIZE, MakeApp

pytestmark = pytest.mark.anyio


def _reading(settings: Settings, read_marks_story: bool) -> Settings:
    return dataclasses.replace(
        settings,
        ui=dataclasses.replace(settings.ui, mark_read_on_open=True),
        stories=StorySettings(read_marks_story=read_marks_story),
    )


@pytest.mark.parametrize("read_marks_story", [True, False])
async def test_reading_one_article_of_a_story_reads_the_story(
    make_app: MakeApp, syndicated: Settings, read_marks_story: bool
) -> None:
    settings = _reading(syndicated, read_marks_story)
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        listed = app.screen.query_one(ArticleList)
        await wait_until(pilot, lambda: listed.current_id is not None)
        opened = listed.current_id
        assert opened is not None
        [story] = [s for s in app.reader.stories() if opened in {a.id for a in s.articles}]
        assert len(story.articles) == 2  # the demo article and its wire copy
        [other] = [a.id for a in story.articles if a.id != opened]
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.reader.article(opened).summary.read)
        await pilot.pause()
    with core(settings) as reader:
        assert reader.article(opened).summary.read
        assert reader.article(other).summary.read is read_marks_story
        unread_stories = {s.id for s in reader.stories() for a in s.articles if not a.read}
    assert (story.id in unread_stories) is not read_marks_story
    assert unread_stories - {story.id}  # the other stories stay unread


async def test_the_entity_panel_watches_an_entity(make_app: MakeApp, demo: Settings) -> None:
    app = make_app(demo)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        screen = app.screen
        await wait_until(pilot, lambda: screen.query_one(ArticleList).current_id is not None)
        await pilot.press("E")
        panel = screen.query_one(EntityPanel)
        await wait_until(pilot, lambda: panel.display and bool(panel.entities))
        name = panel.entities[0].name
        await pilot.press("w")
        await wait_until(pilot, lambda: any(m.startswith("Watching") for m in notes.messages()))
        sidebar = screen.query_one(Sidebar)
        await wait_until(pilot, lambda: any(k.startswith("follow:") for k in sidebar.views))
        [key] = [k for k in sidebar.views if k.startswith("follow:")]
        assert sidebar.views[key].title == name
        await pilot.press("w")  # again: nothing new
        await wait_until(pilot, lambda: any(m.startswith("Already") for m in notes.messages()))
    with core(demo) as reader:
        assert [f.name for f in reader.following()] == [name]
