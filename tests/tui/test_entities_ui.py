"""Pilot tests for entities in the app: colouring, the panel, following an
entity, and corrections re-analysed in the background."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.content import Content
from textual.widgets import Checkbox, Input, Select, Static

from reader.core.config import Settings
from reader.core.entities import NAME_LABELS, Mention, salience
from reader.core.store import ArticleQuery
from reader.tui.app import ReaderApp
from reader.tui.screens.entity_dialogs import CorrectionDialog, EntityLabelsDialog
from reader.tui.screens.main import MainScreen
from reader.tui.styles import LABEL_NAMES, LABEL_STYLES
from reader.tui.widgets.article_body import ArticleBody
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.entity_header import EntityHeader, weekly
from reader.tui.widgets.entity_panel import EntityPanel
from reader.tui.widgets.reading_pane import ReadingPane
from tui.helpers import Notes, core, screen_text, settle, wait_until

pytestmark = pytest.mark.anyio

MakeApp = Callable[..., ReaderApp]
SIZE = (140, 45)


def richest_article(settings: Settings) -> tuple[int, list[Mention]]:
    """The demo article with the most kinds of names (the most to show)."""
    with core(settings) as reader:
        best = max(
            reader.articles(ArticleQuery(limit=None)),
            key=lambda a: len({m.entity for m in reader.store.mentions(a.id)}),
        )
        return best.id, reader.store.mentions(best.id)


def body(app: ReaderApp) -> Content:
    content = app.screen.query_one("#article-body", ArticleBody).content
    assert isinstance(content, Content)
    return content


def coloured(app: ReaderApp) -> list[tuple[str, str]]:
    """(text, style) of every entity-coloured span in the reading pane."""
    content = body(app)
    styles = set(LABEL_STYLES.values())
    return [
        (content.plain[s.start : s.end], str(s.style)) for s in content.spans if s.style in styles
    ]


async def open_article(app: ReaderApp, article_id: int) -> None:
    app.jump_to_article(article_id)
    pane = app.screen.query_one(ReadingPane)
    assert pane.article is not None and pane.article.summary.id == article_id


def legend(app: ReaderApp) -> Content:
    content = app.screen.query_one("#entity-legend", Static).content
    assert isinstance(content, Content)
    return content


async def test_entities_are_coloured_with_a_legend_and_toggle_off(
    demo: Settings, make_app: MakeApp
) -> None:
    article_id, mentions = richest_article(demo)
    labels = {m.label for m in mentions}
    assert len(labels) >= 3, "the demo should have an article with several kinds of entity"
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_article(app, article_id)
        expected = sorted((m.text, LABEL_STYLES[m.label]) for m in mentions)
        assert sorted(coloured(app)) == expected
        assert app.screen.query_one("#entity-legend").display
        for label in labels:
            assert LABEL_NAMES[label] in legend(app).plain

        await pilot.press("e")
        assert coloured(app) == []
        assert "off" in legend(app).plain
        with core(demo) as reader:
            assert reader.store.preference("entities.colour") == "off"

        await pilot.press("e")
        assert sorted(coloured(app)) == expected


async def test_one_label_turned_off_stays_off_after_a_restart(
    demo: Settings, make_app: MakeApp
) -> None:
    article_id, mentions = richest_article(demo)
    hidden = next(m.label for m in mentions)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_article(app, article_id)
        await pilot.press("L")
        await wait_until(pilot, lambda: isinstance(app.screen, EntityLabelsDialog))
        app.screen.query_one(f"#label-{hidden}", Checkbox).value = False
        await pilot.click("#done")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        shown = coloured(app)
        assert shown and all(style != LABEL_STYLES[hidden] for _, style in shown)
        struck = [s for s in legend(app).spans if "strike" in str(s.style)]
        assert [legend(app).plain[s.start : s.end] for s in struck] == [LABEL_NAMES[hidden]]

    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_article(app, article_id)
        assert all(style != LABEL_STYLES[hidden] for _, style in coloured(app))


async def test_the_panel_lists_entities_by_salience(demo: Settings, make_app: MakeApp) -> None:
    article_id, mentions = richest_article(demo)
    with core(demo) as reader:
        article = reader.article(article_id)
    ranked = salience(mentions, article.summary.title, article.text)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_article(app, article_id)
        panel = app.screen.query_one(EntityPanel)
        assert not panel.display
        await pilot.press("E")
        assert panel.display and panel.has_focus
        prompts = [str(panel.get_option_at_index(i).prompt) for i in range(panel.option_count)]
        assert [p.split("  ")[0] for p in prompts] == [name for name, *_ in ranked]
        assert f"×{ranked[0][2]}" in prompts[0]
        await pilot.press("escape")
        assert not panel.display


async def test_j_and_k_move_in_the_entity_panel_as_in_the_other_lists(
    demo: Settings, make_app: MakeApp
) -> None:
    article_id, _ = richest_article(demo)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_article(app, article_id)
        await pilot.press("E")
        panel = app.screen.query_one(EntityPanel)
        assert panel.highlighted == 0 and panel.option_count >= 2
        await pilot.press("j")
        assert panel.highlighted == 1
        await pilot.press("k")
        assert panel.highlighted == 0


async def test_following_an_entity_lists_its_articles_and_escape_goes_back(
    demo: Settings, make_app: MakeApp
) -> None:
    with core(demo) as reader:
        [top] = reader.store.entity_counts(limit=1)
        expected = reader.store.count_articles(ArticleQuery(entity=top.name))
        timeline = reader.store.entity_timeline(top.name)
        [article] = reader.articles(ArticleQuery(entity=top.name, limit=1))
    assert expected >= 2, "the most mentioned demo entity should be in several articles"
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_article(app, article.id)
        articles = app.screen.query_one(ArticleList)
        everything = articles.total
        await pilot.press("E")
        panel = app.screen.query_one(EntityPanel)
        panel.highlighted = [e.name for e in panel.entities].index(top.name)
        await pilot.press("enter")

        assert articles.view_query.entity == top.name
        assert articles.total == expected
        assert articles.has_focus
        title = app.screen.query_one("#list-title", Static).content
        assert isinstance(title, Content)
        assert title.plain.startswith(top.name) and f"{expected} articles" in title.plain
        header = app.screen.query_one(EntityHeader)
        assert header.display
        label = header.query_one("#entity-label", Static).content
        assert isinstance(label, Content) and label.plain == LABEL_NAMES[top.label]
        assert header.weeks == weekly(timeline)
        assert sum(header.weeks) == expected

        await pilot.press("escape")
        assert articles.view_query.entity is None
        assert articles.total == everything
        assert articles.current_id == article.id
        assert not header.display


async def test_the_palette_follows_an_entity(demo: Settings, make_app: MakeApp) -> None:
    with core(demo) as reader:
        [top] = reader.store.entity_counts(limit=1)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *f"entity: {top.name}")
        await wait_until(pilot, lambda: f"entity: {top.name}" in screen_text(app))
        await pilot.press("enter")
        articles = app.screen.query_one(ArticleList)
        await wait_until(pilot, lambda: articles.view_query.entity == top.name)


async def test_ignoring_an_entity_from_the_panel_reanalyses_and_redraws(
    demo: Settings, make_app: MakeApp
) -> None:
    article_id, mentions = richest_article(demo)
    with core(demo) as reader:
        article = reader.article(article_id)
    target = salience(mentions, article.summary.title, article.text)[0][0]
    app = make_app(demo)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_article(app, article_id)
        assert any(m.entity == target for m in app.screen.query_one(ReadingPane).mentions)
        await pilot.press("E", "x")
        await wait_until(pilot, lambda: isinstance(app.screen, CorrectionDialog))
        assert app.screen.query_one("#name", Input).value == target
        await pilot.press("enter")  # the Apply button has the focus
        await settle(pilot)
        await wait_until(pilot, lambda: any("is ignored" in m for m in notes.messages()))

        with core(demo) as reader:
            assert all(m.entity != target for m in reader.store.mentions(article_id))
        panel = app.screen.query_one(EntityPanel)
        assert target not in [e.name for e in panel.entities]
        assert len(coloured(app)) < len(mentions)
        assert all(m.entity != target for m in app.screen.query_one(ReadingPane).mentions)


async def test_changing_a_type_from_the_prompt(demo: Settings, make_app: MakeApp) -> None:
    article_id, mentions = richest_article(demo)
    target = next(m for m in mentions if m.label in NAME_LABELS)
    new_label = "PRODUCT" if target.label != "PRODUCT" else "ORG"
    app = make_app(demo)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_article(app, article_id)
        await pilot.press("C")
        await wait_until(pilot, lambda: isinstance(app.screen, CorrectionDialog))
        await pilot.press(*target.entity)
        app.screen.query_one("#label", Select).value = new_label
        await pilot.click("#apply")
        await settle(pilot)
        await wait_until(pilot, lambda: any("is now a" in m for m in notes.messages()))

        with core(demo) as reader:
            now = [m for m in reader.store.mentions(article_id) if m.entity == target.entity]
        assert now and {m.label for m in now} == {new_label}
        shown = [style for text, style in coloured(app) if text == target.text]
        assert LABEL_STYLES[new_label] in shown


async def test_correcting_the_selected_text(demo: Settings, make_app: MakeApp) -> None:
    article_id, _ = richest_article(demo)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_article(app, article_id)
        pane = app.screen.query_one(ReadingPane)
        pane.focus()
        await pilot.press("v", "v", "W")  # a cursor, then a two-word selection
        await pilot.pause()
        selection = pane.selection
        assert selection is not None and pane.article is not None
        expected = " ".join(pane.article.text[selection[0] : selection[1]].split())
        assert len(expected.split()) == 2
        await pilot.press("C")
        await wait_until(pilot, lambda: isinstance(app.screen, CorrectionDialog))
        assert app.screen.query_one("#name", Input).value == expected
