"""Pilot tests: each user flow drives the real app and checks the store, the
widgets and the notifications it raised."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import anyio
import pytest
from textual.content import Content
from textual.widgets import Input, Static
from textual.widgets._toast import Toast

from loopback import LoopbackServer, article_page, rss
from reader.core.config import HttpSettings, Settings
from reader.core.store import MAX_SEARCH_TERMS, ArticleQuery
from reader.tui.app import ReaderApp
from reader.tui.screens.dialogs import AddFeedDialog, ConfirmDialog
from reader.tui.screens.main import MainScreen
from reader.tui.screens.welcome import WelcomeScreen
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.reading_pane import ReadingPane
from reader.tui.widgets.sidebar import Sidebar
from tui.helpers import (
    HOSTILE_TEXT,
    INJECTION_FEED_SHOWN,
    Notes,
    app_settings,
    core,
    off_loop,
    pane_follows_cursor,
    screen_text,
    seed_demo,
    serve_injection_feed,
    settle,
    wait_until,
)

# anyio's pytest plugin (anyio comes with httpx) runs the async tests on asyncio.
pytestmark = pytest.mark.anyio

MakeApp = Callable[..., ReaderApp]
SIZE = (160, 50)


def items(prefix: str, count: int) -> list[dict[str, str]]:
    return [
        {
            "title": f"{prefix} story {n}",
            "link": f"https://example.invalid/{prefix}/{n}",
            "guid": f"{prefix}-{n}",
            "description": f"<p>{prefix} text {n}</p>",
            "pubDate": f"Mon, {n + 1:02d} Nov 2026 10:00:00 GMT",
        }
        for n in range(count)
    ]


def sidebar_prompts(app: ReaderApp) -> dict[str, str]:
    sidebar = app.screen.query_one(Sidebar)
    return {
        option.id: option.prompt.plain  # type: ignore[union-attr]
        for option in sidebar.options
        if option.id is not None
    }


def article_list(app: ReaderApp) -> ArticleList:
    return app.screen.query_one(ArticleList)


# -- welcome and the demo --------------------------------------------------------------


async def test_welcome_then_demo_then_remove_demo(tmp_path: Path, make_app: MakeApp) -> None:
    settings = app_settings(tmp_path)
    app = make_app(settings)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("d")
        await wait_until(pilot, lambda: any(m.startswith("Refreshed") for m in notes.messages()))
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert article_list(app).total == 20
        assert "Refreshed 4 feeds: 20 new articles" in notes.messages()
        assert "Loading the offline demo (sample feeds, fictional stories)." in notes.messages()
        prompts = sidebar_prompts(app)
        assert prompts["all"] == "All articles 20"
        assert "Frontier Notes 6" in prompts.values()

        app.remove_demo()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        # No feeds left: the welcome screen again, as at the first start.
        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen))
        assert "Removed 4 demo feeds." in notes.messages()
        assert app.reader.store.feeds() == []
        assert not any(isinstance(s, MainScreen) for s in app.screen_stack)
        await pilot.press("d")  # and it works as then
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
        await wait_until(pilot, lambda: article_list(app).total == 20)


# -- adding a feed ---------------------------------------------------------------------


async def test_add_feed_through_the_dialog(
    tmp_path: Path, make_app: MakeApp, server: LoopbackServer
) -> None:
    url = server.add("/feed.xml", body=rss(items("Loop", 3), title="Loopback News"))
    app = make_app(app_settings(tmp_path))
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("a")  # the welcome screen's "add a feed"
        await wait_until(pilot, lambda: isinstance(app.screen, AddFeedDialog))
        await pilot.press(*url, "enter")
        await wait_until(pilot, lambda: any(m.startswith("Refreshed") for m in notes.messages()))
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert f"Subscribed to {url}" in notes.messages()
        [feed] = app.reader.store.feeds()
        assert (feed.url, feed.title, feed.articles) == (url, "Loopback News", 3)
        assert sidebar_prompts(app)[f"feed:{feed.id}"] == "Loopback News 3"
        listed = article_list(app)
        assert listed.total == 3
        titles = [listed.summary_at(i).title for i in range(3)]  # type: ignore[union-attr]
        assert titles == ["Loop story 2", "Loop story 1", "Loop story 0"]


async def test_adding_a_page_that_is_not_a_feed_keeps_the_dialog_open(
    tmp_path: Path, make_app: MakeApp, server: LoopbackServer
) -> None:
    url = server.add(
        "/page.html", body=article_page("Just a page", ["No feed here."]), content_type="text/html"
    )
    app = make_app(app_settings(tmp_path))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, AddFeedDialog))
        dialog = app.screen
        await pilot.press(*url, "enter")
        await settle(pilot)
        status = dialog.query_one("#status", Static)
        await wait_until(pilot, lambda: "links to no feed" in status.visual.plain)  # type: ignore[union-attr]
        assert app.screen is dialog
        assert url in status.visual.plain  # type: ignore[union-attr]
        assert dialog.query_one(Input).value == url
        assert not dialog.query_one("#add").disabled
        assert app.reader.store.feeds() == []


# -- refreshing with a failing feed ----------------------------------------------------


async def test_refresh_with_a_failing_feed(
    tmp_path: Path, make_app: MakeApp, server: LoopbackServer
) -> None:
    good = server.add("/good.xml", body=rss(items("Good", 2), title="Good Feed"))
    bad = server.add("/bad.xml", body=b"boom", status=500, content_type="text/plain")
    settings = app_settings(tmp_path)
    with core(settings) as reader:
        good_id = reader.store.add_feed(good, title="Good Feed")[0]
        bad_id = reader.store.add_feed(bad, title="Broken Feed")[0]
    app = make_app(settings)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert isinstance(app.screen, MainScreen)
        # The sidebar lists the feeds from the start, not only after a refresh.
        assert sidebar_prompts(app) == {
            "all": "All articles",
            "unread": "Unread",
            "starred": "Starred",
            f"feed:{bad_id}": "Broken Feed",
            f"feed:{good_id}": "Good Feed",
        }
        await pilot.press("r")
        await wait_until(pilot, lambda: any(m.startswith("Refreshed") for m in notes.messages()))
        await settle(pilot)
        [warning] = [n for n in notes.seen if n[2] == "warning" and n[1] == "Feed failed"]
        message, _, _ = warning
        assert message.startswith("Broken Feed: ") and "500" in message
        assert "Refreshed 2 feeds: 2 new articles; 1 failed (Broken Feed)" in notes.messages(
            "warning"
        )
        # The toast is on screen too.
        assert any(n.message == message for n in app._notifications)

        prompts = sidebar_prompts(app)
        assert prompts[f"feed:{bad_id}"] == "⚠ Broken Feed"
        assert prompts[f"feed:{good_id}"] == "Good Feed 2"
        listed = article_list(app)
        assert listed.total == 2
        assert {listed.summary_at(i).feed_title for i in range(2)} == {"Good Feed"}  # type: ignore[union-attr]
        assert not app.screen.query_one("#status").display  # the progress bar went away


def _waiting_settings(tmp_path: Path, *, seconds: float) -> Settings:
    """The app's test settings with an HTTP client that waits `seconds` for a
    slow feed (the tests hold a feed's answer back on purpose)."""
    import dataclasses

    return dataclasses.replace(
        app_settings(tmp_path),
        http=HttpSettings(connect_timeout=2, read_timeout=seconds, total_timeout=seconds),
    )


async def test_quitting_during_a_refresh_ends_it_at_once(
    tmp_path: Path, make_app: MakeApp, server: LoopbackServer
) -> None:
    """The app quits while a feed is still being fetched: the refresh's thread
    stops at once (the app's exit waited for it: up to the HTTP time limit,
    a minute by default, with the terminal already given back and blank)."""
    import time

    quick = server.add("/quick.xml", body=rss(items("Quick", 2), title="Quick Feed"))
    slow = server.add("/slow.xml", body=rss(items("Slow", 2), title="Slow Feed"), delay=20)
    settings = _waiting_settings(tmp_path, seconds=30)
    with core(settings) as reader:
        reader.store.add_feed(quick, title="Quick Feed")
        reader.store.add_feed(slow, title="Slow Feed")
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await wait_until(pilot, lambda: article_list(app).total == 2)
        assert _threads_refreshing()  # the slow feed is still on its way
        await pilot.press("q")
    quit_at = time.monotonic()
    while _threads_refreshing() and time.monotonic() - quit_at < 15:
        await anyio.sleep(0.05)
    assert time.monotonic() - quit_at < 5
    with core(settings) as reader:
        # What finished is stored; the slow feed is left to the next refresh.
        assert [f.title for f in reader.feeds() if f.last_fetched] == ["Quick Feed"]


async def test_a_replaced_refresh_leaves_progress_and_summary_to_the_new_one(
    tmp_path: Path, make_app: MakeApp, server: LoopbackServer
) -> None:
    """r while a refresh runs replaces it. The old refresh ends at once but must
    not hide the new one's progress bar or post a summary as if it were the
    refresh that finished; what it stored stays, and the Followed notice of the
    refresh that does finish covers it."""
    import threading

    from loopback import Request, Route
    from story_texts import CHIP, body

    quick_items = [
        {"title": "Chip", "guid": "chip", "link": "https://news.example/chip"},
        {"title": "Other", "guid": "other", "link": "https://news.example/other"},
    ]
    quick_items[0]["description"] = body(CHIP)
    quick = server.add("/quick.xml", body=rss(quick_items, title="Quick Feed"))
    slow_feed = Route(body=rss(items("Slow", 2), title="Slow Feed"))
    # The first refresh's request hangs until the test ends; the second
    # refresh's until the test has looked at the screen while it runs.
    first_answer, second_answer = threading.Event(), threading.Event()

    def slow(request: Request) -> Route:
        asked = len(server.hits("/slow.xml"))
        (first_answer if asked == 1 else second_answer).wait(60)
        return slow_feed

    slow_url = server.add("/slow.xml", slow)
    settings = _waiting_settings(tmp_path, seconds=60)
    with core(settings) as reader:
        reader.store.add_feed(quick, title="Quick Feed")
        reader.store.add_feed(slow_url, title="Slow Feed")
        reader.follow("Nvidia")
    app = make_app(settings)
    notes = Notes(app)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.press("r")
            await wait_until(
                pilot,
                lambda: article_list(app).total == 2 and len(server.hits("/slow.xml")) == 1,
            )
            [old_thread] = _threads_inside("_refresh_worker", "app.py")
            await pilot.press("r")  # replaces the refresh still waiting for the slow feed
            await wait_until(
                pilot,
                lambda: (
                    old_thread not in _threads_inside("_refresh_worker", "app.py")
                    and len(server.hits("/slow.xml")) == 2
                ),
            )
            await pilot.pause()  # what the old refresh posted on its way out is handled
            assert app.screen.query_one("#status").display  # the new refresh's bar stays
            assert not [m for m in notes.messages() if m.startswith("Refreshed")]
            assert [t for _, t, _ in notes.seen if t == "Followed"] == []

            second_answer.set()
            await wait_until(
                pilot, lambda: any(m.startswith("Refreshed") for m in notes.messages())
            )
            await settle(pilot)
            # One summary, the new refresh's: the quick feed's articles were
            # stored by the refresh it replaced.
            assert [m for m in notes.messages() if m.startswith("Refreshed")] == [
                "Refreshed 2 feeds: 2 new articles"
            ]
            assert [m for m, t, _ in notes.seen if t == "Followed"] == ["Nvidia (1 article)"]
            assert not app.screen.query_one("#status").display
            assert article_list(app).total == 4
    finally:
        first_answer.set()
        second_answer.set()
    with core(settings) as reader:
        assert sorted(f.title for f in reader.feeds() if f.last_fetched) == [
            "Quick Feed",
            "Slow Feed",
        ]


def _threads_refreshing() -> list[int]:
    """The threads inside Reader.refresh now (the app's refresh worker)."""
    return _threads_inside("refresh", "service.py")


def _threads_inside(function: str, file_suffix: str) -> list[int]:
    """The threads now inside `function` of the module file ending `file_suffix`."""
    import sys

    found = []
    for thread_id, frame in sys._current_frames().items():
        while frame is not None:
            code = frame.f_code
            if code.co_name == function and code.co_filename.endswith(file_suffix):
                found.append(thread_id)
                break
            frame = frame.f_back  # type: ignore[assignment]
    return found


# -- search ----------------------------------------------------------------------------


async def test_a_search_past_the_cap_of_terms_says_what_was_left_out(
    tmp_path: Path, make_app: MakeApp
) -> None:
    # The store searches at most MAX_SEARCH_TERMS terms (a pasted wall of words
    # took a minute); the app says so, as the command line does, once.
    settings = app_settings(tmp_path)
    await off_loop(seed_demo, settings)
    app = make_app(settings)
    notes = Notes(app)
    words = " ".join(f"w{i}" for i in range(MAX_SEARCH_TERMS + 3))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("slash")
        search = app.screen.query_one("#search", Input)
        search.value = "Halcyon"
        await settle(pilot)
        assert not notes.messages("warning")
        search.value = words
        await wait_until(pilot, lambda: notes.messages("warning"))
        [warning] = notes.messages("warning")
        assert f"only its first {MAX_SEARCH_TERMS} search terms are used" in warning
        assert "(3 words left out)" in warning
        search.value = words + " "  # the same search again: no second notice
        await settle(pilot)
        assert len(notes.messages("warning")) == 1
        assert app.is_running


async def test_search_narrows_the_list_and_escape_clears_it(
    tmp_path: Path, make_app: MakeApp
) -> None:
    settings = app_settings(tmp_path)
    await off_loop(seed_demo, settings)
    with core(settings) as reader:
        expected = reader.store.count_articles(ArticleQuery(search="Halcyon"))
    assert 0 < expected < 20
    app = make_app(settings)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        listed = article_list(app)
        search = app.screen.query_one("#search", Input)
        assert listed.total == 20 and not search.display
        await pilot.press("slash")
        assert search.display and search.has_focus
        await pilot.press(*"Halcyon")
        # The search runs in a worker after a pause in typing; "Halcyo", typed
        # on the way, finds the same articles (the typed word is a prefix).
        list_title = app.screen.query_one("#list-title", Static)
        await wait_until(
            pilot,
            lambda: listed.total == expected and "“Halcyon”" in list_title.visual.plain,  # type: ignore[union-attr]
        )
        for i in range(expected):
            summary = listed.summary_at(i)
            assert summary is not None
            article = app.reader.store.article(summary.id)
            assert "halcyon" in (summary.title + article.text).lower()
        title = app.screen.query_one("#list-title", Static).visual.plain  # type: ignore[union-attr]
        assert f"{expected} matches for “Halcyon”" in title

        await pilot.press("escape")
        await pilot.pause()
        assert listed.total == 20
        assert not search.display and search.value == ""
        assert listed.has_focus

        # Raw FTS5 syntax errors must not reach the user (or crash the app).
        list_title = app.screen.query_one("#list-title", Static)
        await pilot.press("slash")
        for hostile in ('"unterminated', "c++", "NEAR(", "*", '"', "AND OR NOT"):
            search.value = hostile
            await wait_until(
                pilot,
                lambda q=hostile: f" for “{q}”" in list_title.visual.plain,  # type: ignore[union-attr]
            )
            assert app.is_running, hostile
            assert 0 <= listed.total <= 20
        await settle(pilot)
        assert not notes.messages("error")
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
        assert listed.total == 20


# -- read state ------------------------------------------------------------------------


async def test_read_star_next_unread_and_mark_all_read(tmp_path: Path, make_app: MakeApp) -> None:
    settings = app_settings(tmp_path)
    await off_loop(seed_demo, settings)
    app = make_app(settings)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        store = app.reader.store
        listed = article_list(app)
        first = listed.current_id
        assert first is not None and listed.cursor == 0

        await pilot.press("m")
        assert store.article(first).summary.read
        assert sidebar_prompts(app)["unread"] == "Unread 19"
        await pilot.press("m")
        assert not store.article(first).summary.read
        assert sidebar_prompts(app)["unread"] == "Unread 20"

        await pilot.press("s")
        assert store.article(first).summary.starred
        assert sidebar_prompts(app)["starred"] == "Starred 1"
        assert listed.summary_at(0).starred  # type: ignore[union-attr]  # the row is redrawn

        # Read the first two, go back to the top: n skips to the third.
        await pilot.press("m", "j", "m")
        assert listed.cursor == 1  # marking (and the sidebar reload) keeps the place
        await pilot.press("g")
        assert listed.cursor == 0
        await pilot.press("n")
        assert listed.cursor == 2
        await wait_until(pilot, pane_follows_cursor(app))
        assert sidebar_prompts(app)["unread"] == "Unread 18"

        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert store.count_articles(ArticleQuery(unread=True)) == 0
        assert "Marked 18 articles read. Press u to undo." in notes.messages()
        assert sidebar_prompts(app)["unread"] == "Unread"
        assert not any(listed.summary_at(i).read is False for i in range(20))  # type: ignore[union-attr]
        await pilot.press("n")
        assert "No more unread articles in this view." in notes.messages()

        # u undoes it: the same 18 are unread again, the two read before stay read.
        await pilot.press("u")
        assert store.count_articles(ArticleQuery(unread=True)) == 18
        assert store.article(first).summary.read
        assert "Marked 18 articles unread again." in notes.messages()
        assert sidebar_prompts(app)["unread"] == "Unread 18"
        await pilot.press("u")
        assert "Nothing to undo." in notes.messages()


async def test_keymap_override_moves_the_star_key(tmp_path: Path, make_app: MakeApp) -> None:
    import dataclasses

    settings = dataclasses.replace(app_settings(tmp_path), keymap={"main.toggle_star": "f"})
    await off_loop(seed_demo, settings)
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        store = app.reader.store
        listed = article_list(app)
        first = listed.current_id
        assert first is not None
        await pilot.press("s")
        assert not store.article(first).summary.starred
        await pilot.press("f")
        assert store.article(first).summary.starred
        await pilot.press("f")
        assert not store.article(first).summary.starred
        assert store.count_articles(ArticleQuery(starred=True)) == 0


# -- removing a feed -------------------------------------------------------------------


async def test_removing_a_feed_keeps_starred_and_tagged_articles(
    tmp_path: Path, make_app: MakeApp, server: LoopbackServer
) -> None:
    url = server.add("/feed.xml", body=rss(items("Keep", 4), title="Doomed Feed"))
    settings = app_settings(tmp_path)

    def seed() -> tuple[int, int, int]:
        with core(settings) as reader:
            feed_id = reader.add_feed(url, discover=False).feed_id
            assert [r.new for r in reader.refresh([feed_id])] == [4]
            ids = {a.title: a.id for a in reader.articles(ArticleQuery(limit=None))}
            reader.store.set_starred([ids["Keep story 0"]])
            reader.tag(ids["Keep story 1"], ["keepers"])
            return feed_id, ids["Keep story 0"], ids["Keep story 1"]

    feed_id, starred, tagged = await off_loop(seed)
    app = make_app(settings)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        sidebar = app.screen.query_one(Sidebar)
        await pilot.press("1")
        assert sidebar.has_focus
        app.jump_to_feed(feed_id)
        await pilot.pause()
        assert sidebar.current.key == f"feed:{feed_id}"
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()

        assert (
            "Unsubscribed; 2 articles deleted, 2 starred, tagged or annotated articles kept."
            in (notes.messages())
        )
        store = app.reader.store
        assert store.feeds() == []
        assert f"feed:{feed_id}" not in sidebar_prompts(app)
        kept = store.articles(ArticleQuery(limit=None))
        assert sorted(a.id for a in kept) == sorted([starred, tagged])
        assert store.article(starred).summary.starred
        assert store.article(tagged).summary.tags == ("keepers",)
        assert article_list(app).total == 2
        assert sidebar_prompts(app)["tag:keepers"].startswith("#keepers")


# -- keys, help and the command palette ------------------------------------------------


async def test_focus_keys_and_wide_reading(tmp_path: Path, make_app: MakeApp) -> None:
    settings = app_settings(tmp_path)
    await off_loop(seed_demo, settings)
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = app.screen
        assert screen.query_one("#articles").has_focus
        for key, widget_id in (("1", "sidebar"), ("3", "reader"), ("2", "articles")):
            await pilot.press(key)
            assert screen.query_one(f"#{widget_id}").has_focus, key
        await pilot.press("z")
        assert screen.has_class("wide")
        assert not screen.query_one(Sidebar).display
        assert not screen.query_one("#list-column").display
        assert screen.query_one(ReadingPane).has_focus
        await pilot.press("escape")
        assert not screen.has_class("wide")
        assert screen.query_one(Sidebar).display


async def test_space_reads_on_and_escape_goes_back(tmp_path: Path, make_app: MakeApp) -> None:
    settings = app_settings(tmp_path)
    await off_loop(seed_demo, settings)
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = app.screen
        listed = article_list(app)
        first = listed.current_id
        await pilot.press("enter")
        pane = screen.query_one(ReadingPane)
        assert pane.has_focus and pane.article is not None and pane.article.summary.id == first
        for _ in range(40):  # page down to the end, then one more: the next unread
            await pilot.press("space")
            if pane.article is not None and pane.article.summary.id != first:
                break
        assert listed.cursor == 1
        assert pane.article is not None and pane.article.summary.id == listed.current_id
        await pilot.press("escape")
        assert listed.has_focus


async def test_palette_commands_name_the_remapped_key(tmp_path: Path, make_app: MakeApp) -> None:
    import dataclasses

    settings = dataclasses.replace(app_settings(tmp_path), keymap={"main.toggle_star": "f"})
    await off_loop(seed_demo, settings)
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert helps["Toggle star"] == "Star or unstar the article (f)"
        assert helps["Search"] == "Full-text search (/)"
        assert helps["Annotations"] == "Every highlight and note (@)"


async def test_help_lists_binding_ids_and_the_keymap(tmp_path: Path, make_app: MakeApp) -> None:
    import dataclasses

    settings = dataclasses.replace(app_settings(tmp_path), keymap={"main.toggle_star": "f"})
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        from reader.tui.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(
            static.visual.plain  # type: ignore[union-attr]
            for static in app.screen.query(Static)
        )
        for binding_id in ("main.toggle_star", "app.quit", "list.open", "sidebar.delete"):
            assert binding_id in text
        [star_line] = [line for line in text.splitlines() if "main.toggle_star" in line]
        assert star_line.split() == ["f", "Star", "main.toggle_star"]
        await pilot.press("escape")
        assert isinstance(app.screen, WelcomeScreen)


async def test_an_unknown_keymap_id_is_named_not_ignored(tmp_path: Path, make_app: MakeApp) -> None:
    import dataclasses

    # "list.star" was the star key's id before the refactor; it binds nothing now.
    keymap = {"list.star": "f", "main.toggle_star": "asterisk", "tags.cancel": "ctrl+g"}
    settings = dataclasses.replace(app_settings(tmp_path), keymap=keymap)
    app = make_app(settings)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        warnings = notes.messages("warning")
        assert len(warnings) == 1
        assert "list.star" in warnings[0] and "?" in warnings[0]
        assert "main.toggle_star" not in warnings[0] and "tags.cancel" not in warnings[0]


async def test_palette_providers_jump_to_feeds_and_articles(
    tmp_path: Path, make_app: MakeApp
) -> None:
    from textual.style import Style

    from reader.tui.commands import ArticlesProvider, FeedsProvider

    settings = app_settings(tmp_path)
    await off_loop(seed_demo, settings)
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        store = app.reader.store
        chips = next(f for f in store.feeds() if f.title == "Chip Ledger")
        feeds = FeedsProvider(app.screen, Style(reverse=True))
        [hit] = [h async for h in feeds.search("chip ledger")]
        assert hit.prompt.plain == "feed: Chip Ledger"  # type: ignore[union-attr]
        hit.command()
        await pilot.pause()
        sidebar = app.screen.query_one(Sidebar)
        assert sidebar.current.key == f"feed:{chips.id}"
        assert article_list(app).total == 5

        articles = ArticlesProvider(app.screen, Style(reverse=True))
        hits = [h async for h in articles.search("FC-900 tape")]
        target = next(h for h in hits if "Ferrocore" in h.prompt.plain)  # type: ignore[union-attr]
        target.command()
        await pilot.pause()
        pane = app.screen.query_one(ReadingPane)
        assert pane.article is not None
        assert pane.article.summary.title.startswith("Ferrocore tapes out its FC-900")
        assert sidebar.current.key == "all"
        assert article_list(app).current_id == pane.article.summary.id
        # mark_read_on_open is off in these settings: opening leaves it unread.
        assert not store.article(pane.article.summary.id).summary.read

        # Through the palette itself.
        await pilot.press("ctrl+p")
        await pilot.press(*"Policy Wire")
        await wait_until(pilot, lambda: "feed: Policy Wire" in screen_text(app))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        policy = next(f for f in store.feeds() if f.title == "Policy Wire")
        await wait_until(pilot, lambda: sidebar.current.key == f"feed:{policy.id}")


# -- theme -----------------------------------------------------------------------------


async def test_theme_is_remembered(tmp_path: Path, make_app: MakeApp) -> None:
    settings = app_settings(tmp_path)
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert app.theme == "textual-dark"
        app.theme = "nord"
        await pilot.pause()
        assert app.reader.store.preference("theme") == "nord"
    again = make_app(settings)
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        assert again.theme == "nord"


# -- untrusted text --------------------------------------------------------------------


async def test_hostile_titles_and_text_are_shown_literally(
    tmp_path: Path, make_app: MakeApp, server: LoopbackServer
) -> None:
    from textual.style import Style

    from reader.tui.commands import ArticlesProvider, FeedsProvider

    url = serve_injection_feed(server)
    settings = app_settings(tmp_path)
    with core(settings) as reader:
        feed_id = reader.store.add_feed(url)[0]
    app = make_app(settings)
    notes = Notes(app)
    async with app.run_test(size=(220, 50), notifications=True) as pilot:
        await pilot.press("r")  # the real path: fetch, parse, normalise, store, show
        await wait_until(pilot, lambda: any(m.startswith("Refreshed") for m in notes.messages()))
        await settle(pilot)
        assert app.is_running
        store = app.reader.store
        [feed] = store.feeds()
        assert feed.title == INJECTION_FEED_SHOWN  # escapes stripped at ingest
        titles = sorted(a.title for a in store.articles(ArticleQuery(limit=None)))
        assert titles == sorted(f"{text} story {n}" for n, text in enumerate(HOSTILE_TEXT))

        # Sidebar: the prompt is the literal title (its drawn width cuts it short).
        assert sidebar_prompts(app)[f"feed:{feed_id}"] == f"{INJECTION_FEED_SHOWN} 4"
        # List and reading pane, as drawn.
        listed = article_list(app)
        assert listed.total == 4
        for index in range(4):
            listed.cursor = index
            await wait_until(pilot, pane_follows_cursor(app))
            await pilot.pause()
            drawn = screen_text(app)
            title = listed.summary_at(index).title  # type: ignore[union-attr]
            assert drawn.count(title) == 2, title  # its row and the reading pane header
            body = f"Body {3 - index}: " + " ".join(HOSTILE_TEXT)
            assert body in drawn
            assert "\x1b" not in drawn and "SGVsbG8" not in drawn
        assert "Hostile [@click=app.q" in screen_text(app)  # the sidebar's row

        # Clicking the literal "[@click=app.quit]" text runs nothing.
        listed.cursor = 3  # "[@click=app.quit]x[/] story 0"
        await wait_until(pilot, pane_follows_cursor(app))
        await pilot.click("#article-header", offset=(2, 1))
        await pilot.click(ArticleList, offset=(5, 3))
        await pilot.pause()
        assert app.is_running

        # A notification naming the feed: make it fail and refresh again.
        server.add("/hostile.xml", body=b"down", status=500, content_type="text/plain")
        await pilot.press("r")
        await wait_until(pilot, lambda: notes.messages("warning"))
        await settle(pilot)
        [warning] = [m for m, title, level in notes.seen if title == "Feed failed"]
        assert warning.startswith(f"{INJECTION_FEED_SHOWN}: ")
        toasts = [n.message for n in app._notifications]
        assert warning in toasts
        [toast] = [t for t in app.screen.query(Toast) if "Feed failed" in t.render().plain]
        assert f"{INJECTION_FEED_SHOWN}: " in toast.render().plain
        drawn = screen_text(app)
        toast_rows = drawn.splitlines()[toast.region.y : toast.region.bottom]
        assert any("[@click=app.quit]x[/]" in row for row in toast_rows)
        assert f"⚠ {INJECTION_FEED_SHOWN}" in sidebar_prompts(app)[f"feed:{feed_id}"]

        # Command palette providers: literal text in Content prompts.
        [feed_hit] = [h async for h in FeedsProvider(app.screen, Style(bold=True)).search("host")]
        assert feed_hit.prompt.plain == f"feed: {INJECTION_FEED_SHOWN}"  # type: ignore[union-attr]
        article_hits = [
            h async for h in ArticlesProvider(app.screen, Style(bold=True)).search("story")
        ]
        prompts = sorted(h.prompt.plain for h in article_hits)  # type: ignore[union-attr]
        assert prompts == sorted(f"article: {title}" for title in titles)
        for hit in (feed_hit, *article_hits):
            assert isinstance(hit.prompt, Content)
        # And in the palette on screen.
        await pilot.press("ctrl+p")
        await pilot.press(*"story")
        await wait_until(pilot, lambda: "article: arr[/] story 2" in screen_text(app))
        drawn = screen_text(app)
        for title in titles:
            assert f"article: {title}" in drawn
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
