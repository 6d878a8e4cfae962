"""The stories, story and digest screens: snapshots with the deterministic
set-up of test_snapshots.py (120x40, fixed theme and clock, demo seeded
before start), plus a syndicated copy of two demo articles on another feed."""

from __future__ import annotations

from pathlib import Path

import pytest

from loopback import LoopbackServer, rss
from reader.core.config import Settings
from reader.core.store import ArticleQuery
from reader.tui.screens.main import MainScreen
from reader.tui.screens.stories import DigestScreen, StoriesScreen, StoryScreen
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.sidebar import Sidebar
from story_texts import CHIP, ROBOTS, body
from tui.helpers import Notes, app_settings, core, wait_until
from tui.snapshots import SIZE, MakeApp, Snap, keys, on_screen, then


def test_stories_list_expanded(snap_compare: Snap, make_app: MakeApp, syndicated: Settings) -> None:
    run_before = then(on_screen(MainScreen), keys("T"), on_screen(StoriesScreen), keys("enter"))
    assert snap_compare(make_app(syndicated), terminal_size=SIZE, run_before=run_before)


def test_story_sources_side_by_side(
    snap_compare: Snap, make_app: MakeApp, syndicated: Settings
) -> None:
    run_before = then(
        on_screen(MainScreen),
        keys("T"),
        on_screen(StoriesScreen),
        keys("v"),
        on_screen(StoryScreen),
    )
    assert snap_compare(make_app(syndicated), terminal_size=SIZE, run_before=run_before)


def test_digest(snap_compare: Snap, make_app: MakeApp, syndicated: Settings) -> None:
    # Everything (0): the demo's dates are fixed in the past.
    run_before = then(on_screen(MainScreen), keys("D"), on_screen(DigestScreen), keys("0"))
    assert snap_compare(make_app(syndicated), terminal_size=SIZE, run_before=run_before)


@pytest.mark.anyio
async def test_choosing_an_article_of_a_story_opens_it(
    make_app: MakeApp, syndicated: Settings
) -> None:
    app = make_app(syndicated)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("T")
        await wait_until(
            pilot, lambda: isinstance(app.screen, StoriesScreen) and bool(app.screen.stories)
        )
        screen = app.screen
        assert isinstance(screen, StoriesScreen)
        [story, *_] = screen.stories
        assert story.sources[-1] == "Example Wire" and len(story.articles) == 2
        await pilot.press("enter", "down", "down", "enter")  # expand, the copy, open it
        copy_id = story.articles[1].id
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, MainScreen)
                and app.screen.query_one(ArticleList).current_id == copy_id
            ),
        )


@pytest.mark.anyio
async def test_a_refresh_in_the_app_says_which_followed_entities_appeared(
    tmp_path: Path, make_app: MakeApp, server: LoopbackServer
) -> None:
    entries = [
        {
            "title": "Nvidia unveils Vera",
            "guid": "v1",
            "link": "https://news.example/v1",
            "description": body(CHIP),
        },
        {
            "title": "Robots",
            "guid": "r1",
            "link": "https://news.example/r1",
            "description": body(ROBOTS),
        },
    ]
    url = server.add("/wire.xml", body=rss(entries, title="Wire"))
    settings = app_settings(tmp_path)
    with core(settings) as reader:
        reader.store.add_feed(url, title="Wire")
        reader.follow("Nvidia")
        reader.follow("Tessellate")  # in no article: not named
    app = make_app(settings)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("r")
        await wait_until(pilot, lambda: any(t == "Followed" for _, t, _ in notes.seen))
    assert [m for m, t, _ in notes.seen if t == "Followed"] == ["Nvidia (1 article)"]


@pytest.mark.anyio
async def test_followed_entities_in_the_sidebar_count_new_stories(
    make_app: MakeApp, syndicated: Settings
) -> None:
    # The clock is fixed (tui/conftest.py): the seeded articles were stored, and
    # are looked at, at the same moment.
    with core(syndicated) as reader:
        # Followed long ago: every demo story about Halcyon AI is new.
        with reader.store.transaction() as conn:
            conn.execute("UPDATE follows SET seen_at = '2020-01-01T00:00:00Z'")
        [follow] = reader.following()
        assert follow.new_stories > 0
    app = make_app(syndicated)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        sidebar = app.screen.query_one(Sidebar)
        key = f"follow:{follow.id}"
        prompt = sidebar.get_option(key).prompt
        assert str(prompt) == f"Halcyon AI {follow.new_stories} new"
        sidebar.focus()
        sidebar.select_key(key)
        await pilot.press("enter")
        await wait_until(pilot, lambda: str(sidebar.get_option(key).prompt) == "Halcyon AI")
        listed = app.screen.query_one(ArticleList)
        await wait_until(pilot, lambda: listed.current_id is not None)
        current = listed.current_id
    with core(syndicated) as reader:
        assert reader.following()[0].new_stories == 0
        shown = {a.id for a in reader.articles(ArticleQuery(entity="Halcyon AI", limit=None))}
    assert current in shown


def test_a_storys_title_is_shown_as_written_never_as_markup() -> None:
    # A feed's headline is untrusted: brackets in it are text, not styles or links.
    from reader.core.stories.queries import Story
    from reader.tui.screens.stories import story_prompt

    title = "[bold red]Breaking[/] [link=file:///etc/passwd]click[/link] [@click=app.quit]x[/]"
    story = Story(1, title, (), ("Feed [b]",), "2026-12-06T10:00:00Z", None)
    prompt = story_prompt(story, expanded=False)
    assert title in prompt.plain
    assert not any("link" in str(span.style) or "click" in str(span.style) for span in prompt.spans)
