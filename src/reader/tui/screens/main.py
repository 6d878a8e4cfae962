"""The main screen: sidebar, article list, reading pane, search and status."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.worker import get_current_worker

from reader.core.models import ArticleQuery, FeedResult, Rule, ViewKey
from reader.core.service import NotFoundError, long_search_note
from reader.tui.browser import open_in_browser
from reader.tui.layout import SINGLE_PANE_BELOW, Panes, panes, sidebar_fits
from reader.tui.screens.annotating import AnnotatingScreen
from reader.tui.screens.dialogs import ConfirmDialog
from reader.tui.screens.entity_dialogs import (
    CorrectionDialog,
    EntityLabelsDialog,
    describe_rule,
)
from reader.tui.text import plural
from reader.tui.widgets.article_list import (
    SEARCH_LIMIT,
    ArticleList,
    search_keys,
    terms_pattern,
)
from reader.tui.widgets.entity_header import EntityHeader
from reader.tui.widgets.entity_legend import EntityColours
from reader.tui.widgets.entity_panel import EntityPanel
from reader.tui.widgets.keys_footer import KeysFooter
from reader.tui.widgets.reading_pane import ReadingPane
from reader.tui.widgets.refresh_status import RefreshStatus
from reader.tui.widgets.search_bar import SearchBar
from reader.tui.widgets.sidebar import Sidebar, View
from reader.tui.writes import saving, writes

RELOAD_EVERY = 1.0  # seconds between list reloads while a refresh runs
DISPLAY_AFTER = 0.04  # seconds the cursor rests before the reading pane follows
# A held key repeats every 1/30-1/25 s. Once moves come that close together the
# pane waits longer than a repeat (and the app's lag behind it), so a held j
# shows only the article the cursor stops on.
HELD_KEY_GAP = 0.1  # seconds between two moves that count as one held key
DISPLAY_AFTER_HELD = 0.12
MARK_READ_AFTER = 0.8  # seconds a preview stays in the pane before it counts as read


class MainScreen(AnnotatingScreen):
    AUTO_FOCUS = "#articles"  # not the sidebar first: each focus rebuilds the footer
    BINDINGS = [
        Binding("slash", "search", "Search", id="main.search"),
        Binding("escape", "clear_search", "Clear search", show=False, id="main.clear_search"),
        Binding("m", "toggle_read", "Read/unread", id="main.toggle_read"),
        Binding("s", "toggle_star", "Star", id="main.toggle_star"),
        Binding("n", "next_unread", "Next unread", id="main.next_unread"),
        Binding("p", "previous_unread", "Prev unread", show=False, id="main.previous_unread"),
        Binding("A", "mark_all_read", "Mark all read", show=False, id="main.mark_all_read"),
        Binding("u", "undo_mark_all_read", "Undo mark all read", show=False, id="main.undo"),
        Binding("o", "open_browser", "Browser", id="main.open_browser"),
        Binding("c", "copy_link", "Copy link", show=False, id="main.copy_link"),
        Binding("z", "toggle_wide", "Wide", id="main.toggle_wide"),
        Binding("O", "cycle_order", "Sort", show=False, id="main.cycle_order"),
        Binding("S", "save_search", "Save search", show=False, id="main.save_search"),
        Binding("less_than_sign", "narrower", "Narrower list", show=False, id="main.narrower"),
        Binding("greater_than_sign", "wider", "Wider list", show=False, id="main.wider"),
        Binding("1", "show_sidebar", "Sidebar", show=False, id="main.focus_sidebar"),
        Binding("2", "focus('#articles')", "Articles", show=False, id="main.focus_articles"),
        Binding("3", "focus('#reader')", "Reader", show=False, id="main.focus_reader"),
        Binding("E", "entity_panel", "Entities", id="main.entity_panel"),
        Binding("e", "toggle_entities", "Entity colours", show=False, id="main.toggle_entities"),
        Binding("L", "entity_labels", "Entity labels", show=False, id="main.entity_labels"),
        Binding("C", "correct_entity", "Correct entity", show=False, id="main.correct_entity"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._search: str | None = None  # as typed, for the title and saving
        self._search_query: str | None = None  # what runs: the word being typed as a prefix
        self._search_note: str | None = None  # the long-search notice last shown
        self._order = "newest"  # newest, oldest, title
        self._last_reload = 0.0
        self._list_shift = 0  # columns moved from the article to the list with < and >
        self._sidebar: bool | None = None  # shown or hidden with 1; None: as the width allows
        self._mark_timer: Timer | None = None
        self._display_timer: Timer | None = None
        self._last_move = 0.0  # time.monotonic() of the list cursor's last move
        self._display_turn = 0  # bumped by each move and opening: a pending display is stale
        self._followed: View | None = None  # the entity view, over the sidebar's
        self._unfollow_to: int | None = None  # the article open before following
        self._undo_ids: list[int] = []  # what the last "mark all read" marked

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield Sidebar(id="sidebar")
            with Vertical(id="list-column"):
                yield SearchBar(id="search")
                yield Static(id="list-title")
                yield EntityHeader(id="entity-header")
                yield ArticleList(lambda: self.reader, id="articles")
            with Vertical(id="reading-column"):
                yield ReadingPane(id="reader")
                yield EntityPanel(id="entity-panel")
        yield RefreshStatus(id="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(EntityHeader).display = False
        self.query_one(EntityPanel).display = False
        self.query_one(ReadingPane).entity_colours = EntityColours.load(self.reader)
        # Not reload_sidebar(): is_mounted only turns true after this handler.
        self.query_one(Sidebar).load(self.reader)
        self._show_view(self.current_view)
        self.query_one(ArticleList).focus()

    # -- views ---------------------------------------------------------------------

    def reload_sidebar(self) -> None:
        if self.is_mounted:  # before mounting, on_mount loads it
            self.query_one(Sidebar).load(self.reader)

    @property
    def current_view(self) -> View:
        """The followed entity's articles, or else the sidebar's view."""
        return self._followed or self.query_one(Sidebar).current

    def _query_for(self, view: View) -> ArticleQuery:
        query = view.query
        if self._search_query:
            query = dataclasses.replace(query, search=self._search_query)
        return dataclasses.replace(
            query, oldest_first=self._order == "oldest", by_title=self._order == "title"
        )

    def _show_view(self, view: View, *, keep_id: int | None = None) -> None:
        articles = self.query_one(ArticleList)
        articles.show(self._query_for(view), keep_id=keep_id)
        self._update_title(view)
        if articles.total == 0:
            self.query_one(ReadingPane).show(None, empty=self._empty_hint(view))
            self.query_one(EntityPanel).show(None, ())

    def _empty_hint(self, view: View) -> Content:
        """What an empty view means and what to do about it."""
        if self._search:
            text = f"Nothing matches “{self._search}” here. Escape clears the search."
        elif view.which.kind == "unread":
            text = "All caught up: no unread articles."
        elif view.which.kind == "starred":
            text = "No starred articles yet. Press s on an article to star it."
        elif view.which.feed_id is not None:
            feed = self.query_one(Sidebar).feeds.get(view.which.feed_id)
            if feed is not None and feed.last_error:
                text = f"This feed failed: {feed.last_error}. R retries it now."
            else:
                text = "No articles from this feed yet. R refreshes it."
        elif not self.query_one(Sidebar).feeds:
            text = "No feeds yet. Press a to add a feed or site URL, i to import OPML."
        else:
            text = "Nothing here yet. Press r to refresh."
        return Content(text).stylize("$text-muted")

    def _update_title(self, view: View) -> None:
        articles = self.query_one(ArticleList)
        title = Content(view.title).stylize("bold")
        detail = f"  {plural(articles.total, 'article')}"
        if self._search:
            best = " best" if articles.total >= SEARCH_LIMIT else ""
            detail = f"  {articles.total:,}{best} {'match' if articles.total == 1 else 'matches'}"
            detail += f" for “{self._search}”"
        if self._order != "newest":
            detail += " · oldest first" if self._order == "oldest" else " · by title"
        self.query_one("#list-title", Static).update(title + Content(detail).stylize("$text-muted"))

    @on(Sidebar.ViewChanged)
    def _view_changed(self, event: Sidebar.ViewChanged) -> None:
        self._drop_follow()
        self._show_view(event.view)

    def select_feed(self, feed_id: int) -> None:
        self.query_one(Sidebar).select(ViewKey.feed(feed_id))

    def open_article(self, article_id: int) -> None:
        """Show an article in the current view, or in All if it is not there."""
        # Without prevent(), the highlight's ViewChanged arrives after this and
        # shows All from the top, replacing the article with the first one.
        self._drop_follow()
        with self.prevent(OptionList.OptionHighlighted):
            self.query_one(Sidebar).select(ViewKey("all"))
        self._show_view(self.query_one(Sidebar).views["all"], keep_id=article_id)
        self._open(article_id)

    # -- reading -------------------------------------------------------------------

    @on(ArticleList.Highlighted)
    def _highlighted(self, event: ArticleList.Highlighted) -> None:
        # Holding j or k moves the cursor many rows a second: lay out the
        # article only once the cursor rests.
        if self._display_timer is not None:
            self._display_timer.stop()
        now = time.monotonic()
        held = now - self._last_move < HELD_KEY_GAP
        self._last_move = now
        self._display_turn += 1
        turn, article_id = self._display_turn, event.article_id

        def display_if_rested() -> None:
            # A timer fires outside the message queue: a move (or an opening)
            # still queued behind it comes first through call_later, and wins.
            if self._display_turn == turn:
                self._display(article_id)

        self._display_timer = self.set_timer(
            DISPLAY_AFTER_HELD if held else DISPLAY_AFTER,
            lambda: self.call_later(display_if_rested),
        )

    @on(ArticleList.Opened)
    def _opened(self, event: ArticleList.Opened) -> None:
        self._open(event.article_id)
        self.query_one(ReadingPane).focus()

    def _display(self, article_id: int | None, *, opened: bool = False) -> None:
        """Show the article. It counts as read only when the reader chose it:
        `opened` (Enter, a jump), or shown in the reading pane while the pane
        has the focus (n from the pane). A preview (the list's cursor resting
        on it, a view's or a search's first article) leaves it unread, unless
        the settings ask for preview-marks-read."""
        if self._mark_timer is not None:
            self._mark_timer.stop()
            self._mark_timer = None
        pane = self.query_one(ReadingPane)
        shown_before = pane.article.summary.id if pane.article is not None else None
        if article_id is None:
            pane.show(None)
            self.query_one(EntityPanel).show(None, ())
            return
        try:
            article = self.reader.article(article_id)
        except NotFoundError:
            pane.show(None)
            self.query_one(EntityPanel).show(None, ())
            return
        mentions = self.reader.mentions(article_id)
        pane.show(
            article,
            terms_pattern(self.query_one(ArticleList).view_query.search),
            mentions=mentions,
            highlights=self.article_annotations(article_id),
        )
        self.query_one(EntityPanel).show(article, mentions)
        if article.summary.read:
            return
        # The same article shown again (a reload) is no new reading: an
        # article the reader marked unread with m stays unread.
        reading = pane.has_focus and shown_before != article_id
        ui = self.reader.settings.ui
        if opened or reading:
            self.mark_read(article_id)
        elif ui.preview_marks_read:
            self._mark_timer = self.set_timer(MARK_READ_AFTER, lambda: self.mark_read(article_id))

    @writes
    def mark_read(self, article_id: int) -> None:
        """Mark the article read because the reader read it (if the settings say so)."""
        self._mark_timer = None
        if not self.reader.settings.ui.mark_read_on_open:
            return
        # With [stories] read_marks_story, the rest of its story is read too.
        changed = self.reader.read_by_reading(article_id)
        for other in changed:
            self.query_one(ArticleList).forget(other)
        if changed:
            self.reload_sidebar()

    def _open(self, article_id: int) -> None:
        if self._display_timer is not None:
            self._display_timer.stop()
        self._display_turn += 1
        self._display(article_id, opened=True)

    @on(ReadingPane.Reading)
    def _reading(self, event: ReadingPane.Reading) -> None:
        """The reading pane took the focus: its article is being read."""
        self.mark_read(event.article_id)

    def _article_changed(self, article_id: int) -> None:
        """Redraw its row and the sidebar counts after its read or star state changed."""
        self.query_one(ArticleList).forget(article_id)
        self.reload_sidebar()

    # -- actions -------------------------------------------------------------------

    def _current(self) -> int | None:
        return self.query_one(ArticleList).current_id

    @writes
    def action_toggle_read(self) -> None:
        article_id = self._current()
        if article_id is None:
            return
        read = self.reader.article(article_id).summary.read
        self.reader.set_read([article_id], not read)
        self._article_changed(article_id)

    @writes
    def action_toggle_star(self) -> None:
        article_id = self._current()
        if article_id is None:
            return
        starred = self.reader.article(article_id).summary.starred
        self.reader.set_starred([article_id], not starred)
        self._article_changed(article_id)

    def action_next_unread(self) -> None:
        if not self.query_one(ArticleList).move_to_unread(1):
            self.notify("No more unread articles in this view.", markup=False)

    def open_next_unread(self) -> None:
        """Space at the end of an article: it was read; the next unread one, opened."""
        pane = self.query_one(ReadingPane)
        if pane.article is not None:
            self.mark_read(pane.article.summary.id)
        articles = self.query_one(ArticleList)
        if articles.move_to_unread(1) and articles.current_id is not None:
            self._open(articles.current_id)
        else:
            self.notify("No more unread articles in this view.", markup=False)

    def action_previous_unread(self) -> None:
        if not self.query_one(ArticleList).move_to_unread(-1):
            self.notify("No unread articles above.", markup=False)

    async def action_mark_all_read(self) -> None:
        view = self.current_view
        question = (
            Content("Mark every article in ")
            + Content(view.title).stylize("bold")
            + Content(" as read?")
        )

        @saving(self)
        def done(answer: bool | None) -> None:
            if answer:
                self._undo_ids = self.reader.mark_all_read(self._query_for(view))
                self.query_one(ArticleList).reload()
                self.reload_sidebar()
                count = plural(len(self._undo_ids), "article")
                undo = " Press u to undo." if self._undo_ids else ""
                self.notify(f"Marked {count} read.{undo}", markup=False)

        self.app.push_screen(ConfirmDialog(question, yes="Mark read", variant="primary"), done)

    @writes
    def action_undo_mark_all_read(self) -> None:
        """Unread again what the last "mark all read" marked read."""
        if not self._undo_ids:
            self.notify("Nothing to undo.", markup=False)
            return
        ids = self._undo_ids
        self.reader.set_read(ids, read=False)
        self._undo_ids = []  # only once done: a busy database leaves u to press again
        self.query_one(ArticleList).reload()
        self.reload_sidebar()
        self.notify(f"Marked {plural(len(ids), 'article')} unread again.", markup=False)

    @writes  # the article may be gone (deleted by another process): a notice
    def action_open_browser(self) -> None:
        article_id = self._current()
        if article_id is None:
            return
        url = self.reader.article(article_id).summary.url
        if not url:
            return
        if self.app.is_web:
            self.app.open_url(url)
            self.notify("Opened in the browser.", markup=False)
        else:
            self._open_in_browser(url)

    @work(thread=True, group="browser", exit_on_error=False)
    def _open_in_browser(self, url: str) -> None:
        failed = open_in_browser(url)  # waits a few seconds at most (browser.OPENER_WAIT)
        if failed is None:
            self.app.call_from_thread(self.notify, "Opened in the browser.", markup=False)
        else:
            self.app.call_from_thread(
                self.notify,
                f"{failed} — press c to copy the link.",
                severity="warning",
                markup=False,
            )

    @writes  # the article may be gone (deleted by another process): a notice
    def action_copy_link(self) -> None:
        article_id = self._current()
        if article_id is None:
            return
        url = self.reader.article(article_id).summary.url
        if url:
            self.app.copy_to_clipboard(url)  # OSC 52: works over SSH too
            self.notify("Link copied.", markup=False)

    def action_toggle_wide(self) -> None:
        self.set_reading(not self.has_class("wide"))
        if self.has_class("wide"):
            self.query_one(ReadingPane).focus()

    def set_reading(self, alone: bool) -> None:
        """The article alone on the whole width (`z`, or an article opened in
        a narrow terminal), or back to the list beside it."""
        self.set_class(alone, "wide")
        self._lay_out()

    def action_cycle_order(self) -> None:
        """Newest first → oldest first → by title → newest first."""
        orders = ["newest", "oldest", "title"]
        self._order = orders[(orders.index(self._order) + 1) % len(orders)]
        self._show_view(self.current_view, keep_id=self._current())

    def on_resize(self) -> None:
        self._lay_out()

    @property
    def single_pane(self) -> bool:
        """Too narrow for the list and the article side by side."""
        return self.size.width < SINGLE_PANE_BELOW

    def _sidebar_shown(self) -> bool:
        return self._sidebar if self._sidebar is not None else sidebar_fits(self.size.width)

    def _widths(self) -> Panes:
        return panes(
            self.size.width,
            sidebar=self._sidebar_shown(),
            reading=self.has_class("wide"),
            list_shift=self._list_shift,
        )

    def _lay_out(self) -> None:
        """Share the width between the panes (see layout.py)."""
        if self.size.width <= 0:
            return
        widths = self._widths()
        for selector, cells in (
            ("#sidebar", widths.sidebar),
            ("#list-column", widths.list),
            ("#reading-column", widths.reader),
        ):
            pane = self.query_one(selector)
            pane.display = cells > 0
            pane.styles.width = cells if cells > 0 else None

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Whatever pane takes the focus is shown: the article alone in a
        narrow terminal, the list again when it takes the focus back."""
        widget = event.widget
        if self.single_pane and not self.has_class("wide") and self._in_reading_column(widget):
            self.set_reading(True)
        elif self.has_class("wide") and not self._in_reading_column(widget):
            self.set_reading(False)

    def _in_reading_column(self, widget: Widget) -> bool:
        return self.query_one("#reading-column") in widget.ancestors_with_self

    def action_show_sidebar(self) -> None:
        """Focus the sidebar, showing it if it was hidden; pressed there, hide it
        again if the width hides it by default."""
        sidebar = self.query_one(Sidebar)
        if sidebar.has_focus and self._sidebar and not sidebar_fits(self.size.width):
            self._sidebar = None
            self._lay_out()
            self.query_one(ArticleList).focus()
            return
        if not self._sidebar_shown():
            self._sidebar = True
        self.set_reading(False)
        sidebar.focus()

    def action_narrower(self) -> None:
        self._resize_list(-5)

    def action_wider(self) -> None:
        self._resize_list(5)

    def _resize_list(self, step: int) -> None:
        before = self._widths()
        self._list_shift += step
        if self._widths() == before:  # at a limit: no shift is stored that shows nothing
            self._list_shift -= step
            return
        self._lay_out()

    # -- entities ------------------------------------------------------------------

    def follow_entity(self, name: str, label: str = "") -> None:
        """List every article that mentions the entity; Escape goes back."""
        if self._followed is None:
            self._unfollow_to = self._current()
        self._followed = View(ViewKey.entity(name), name, ArticleQuery(entity=name))
        self.query_one(ReadingPane).set_followed(name)
        header = self.query_one(EntityHeader)
        header.show(
            label or self.reader.entity_label(name) or "", self.reader.entity_timeline(name)
        )
        header.display = True
        # Every article that mentions it, not those of a search that was open.
        with self.prevent(Input.Changed):
            self.query_one(SearchBar).close()
        self._search = self._search_query = None
        self._show_view(self._followed, keep_id=self._current())
        self.query_one(ArticleList).focus()

    def unfollow_entity(self) -> None:
        """Back to the view the entity was followed from, on the article open then."""
        if self._followed is not None:
            self._drop_follow()
            self._show_view(self.current_view, keep_id=self._unfollow_to)

    def _drop_follow(self) -> None:
        self._followed = None
        self.query_one(ReadingPane).set_followed(None)
        self.query_one(EntityHeader).display = False

    @on(EntityPanel.Follow)
    def _follow_from_panel(self, event: EntityPanel.Follow) -> None:
        self.follow_entity(event.entity.name, event.entity.label)

    @on(EntityPanel.Watch)
    @writes
    def _watch_from_panel(self, event: EntityPanel.Watch) -> None:
        name, new = self.reader.follow(event.entity.name)
        said = "Watching" if new else "Already watching"
        self.notify(f"{said} {name}: its new stories are counted in the sidebar.", markup=False)
        self.reload_sidebar()

    async def action_entity_panel(self) -> None:
        """Open the entity panel, or close it. One panel at a time under the
        article, so the article's text always keeps some room."""
        panel = self.query_one(EntityPanel)
        if panel.display:
            self._close_panel()
            return
        await self.close_annotations_panel()
        panel.display = True
        panel.rebuild()
        panel.focus()

    @on(EntityPanel.Closed)
    def _close_panel(self) -> None:
        self.query_one(EntityPanel).display = False
        self.query_one(ReadingPane).focus()

    @writes
    def _set_colours(self, colours: EntityColours) -> None:
        colours.save(self.reader)
        self.query_one(ReadingPane).set_entities(colours)

    def action_toggle_entities(self) -> None:
        colours = self.query_one(ReadingPane).entity_colours
        self._set_colours(dataclasses.replace(colours, on=not colours.on))

    def action_entity_labels(self) -> None:
        def chosen(colours: EntityColours | None) -> None:
            if colours is not None:
                self._set_colours(colours)

        colours = self.query_one(ReadingPane).entity_colours
        self.app.push_screen(EntityLabelsDialog(colours), chosen)

    def action_correct_entity(self) -> None:
        """The correction form; with text selected in the article, for that text
        (add it as an entity, an alias, or ignore it)."""
        pane = self.query_one(ReadingPane)
        selection = pane.selection
        name = ""
        if selection is not None and pane.article is not None:
            name = " ".join(pane.article.text[selection[0] : selection[1]].split())
        self.app.push_screen(CorrectionDialog(name=name), self._correct)

    @on(EntityPanel.Correct)
    def _correct_from_panel(self, event: EntityPanel.Correct) -> None:
        entity = event.entity
        if entity is None:
            dialog = CorrectionDialog()
        elif event.kind == "alias":
            dialog = CorrectionDialog("alias", means=entity.name, label=entity.label)
        else:
            dialog = CorrectionDialog(event.kind, entity.name, label=entity.label)
        self.app.push_screen(dialog, self._correct)

    def _correct(self, rule: Rule | None) -> None:
        if rule is not None:
            self._apply_rule(rule)

    @work(thread=True, group="entities", exit_on_error=False)
    def _apply_rule(self, rule: Rule) -> None:
        # Re-analysing can touch thousands of articles: off the UI thread, on
        # this thread's own connection. Errors reach the app's worker handler.
        if rule.kind == "alias":
            rule = self.reader.typed_alias(rule.surface, rule.entity, rule.label)
        done = self.reader.correct_entities([rule])
        self.app.call_from_thread(self._rule_applied, rule, done)

    def _rule_applied(self, rule: Rule, done: int) -> None:
        self.notify(f"{describe_rule(rule)} Re-analysed {plural(done, 'article')}.", markup=False)
        pane = self.query_one(ReadingPane)
        if pane.article is not None:
            mentions = self.reader.mentions(pane.article.summary.id)
            pane.set_entities(mentions=mentions)
            self.query_one(EntityPanel).show(pane.article, mentions)
        if self._followed is not None:
            name = self._followed.title
            header = self.query_one(EntityHeader)
            header.show(self.reader.entity_label(name) or "", self.reader.entity_timeline(name))
        self.query_one(ArticleList).reload()
        self._update_title(self.current_view)

    # -- search --------------------------------------------------------------------

    def action_search(self) -> None:
        self.query_one(SearchBar).open()

    @on(SearchBar.Typed)
    def _search_typed(self, event: SearchBar.Typed) -> None:
        self._search = event.text
        self._search_query = event.query
        if self._search is None:
            self._show_view(self.current_view)

    @on(SearchBar.Settled)
    def _start_search(self) -> None:
        # Rank the matches off the UI thread: a word found in every article
        # takes ~0.3 s to rank at 100,000 articles.
        self._run_search(self._query_for(self.current_view))

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _run_search(self, query: ArticleQuery) -> None:
        worker = get_current_worker()
        keys = search_keys(self.reader, query)  # on this thread's own connection
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_search, query, keys)

    def _show_search(self, query: ArticleQuery, keys: list[tuple[str, int]]) -> None:
        if query.search != self._search_query:
            return  # the user typed on meanwhile
        self.query_one(ArticleList).show(query, ranked=keys)
        self._update_title(self.current_view)
        # A search past the store's cap of terms runs on its first ones: say so
        # once for each length, not at every pause in typing.
        note = long_search_note(query.search)
        if note is not None and note != self._search_note:
            self.notify(f"{note[0].upper()}{note[1:]}.", severity="warning", markup=False)
        self._search_note = note

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.query_one(ArticleList).focus()

    def action_clear_search(self) -> None:
        search = self.query_one(SearchBar)
        if self.has_class("wide"):
            self.action_toggle_wide()
            return
        if not search.display:
            self.unfollow_entity()
            return
        # Emptying the field would reshow the view from its top, after this.
        with self.prevent(Input.Changed):
            search.close()
        self._search = self._search_query = None
        self._show_view(self.current_view, keep_id=self._current())
        self.query_one(ArticleList).focus()

    @writes
    def action_save_search(self) -> None:
        if not self._search:
            self.notify("Search first (/), then save the search.", markup=False)
            return
        self.reader.save_search(self._search)
        self.reload_sidebar()
        self.notify("Search saved in the sidebar.", markup=False)

    # -- deleting ------------------------------------------------------------------

    @on(Sidebar.DeleteRequested)
    @writes
    def _delete(self, event: Sidebar.DeleteRequested) -> None:
        view = event.view
        if view.which.search_id is not None:
            self.reader.delete_search(view.which.search_id)
            self.reload_sidebar()
            return
        feed_id = view.which.feed_id
        if feed_id is None:
            return
        question = (
            Content("Unsubscribe from ")
            + Content(view.title).stylize("bold")
            + Content(
                "?\nIts articles are deleted, except starred, tagged or annotated ones,"
                " which are kept."
            )
        )

        @saving(self)
        def done(answer: bool | None) -> None:
            if not answer:
                return
            deleted, kept = self.reader.remove_feed(feed_id)
            message = f"Unsubscribed; {deleted:,} articles deleted"
            message += f", {kept:,} starred, tagged or annotated articles kept." if kept else "."
            self.notify(message, markup=False)
            self.reload_sidebar()
            self._show_view(self.current_view)

        self.app.push_screen(ConfirmDialog(question, yes="Unsubscribe"), done)

    # -- refresh progress ----------------------------------------------------------

    def _while_shown(self, update: Callable[[], None]) -> None:
        """Apply a refresh's update unless the screen is not, or no longer, drawn.

        The refresh runs in a thread: when the user quits as it ends, its last
        messages can arrive after the screen's widgets were taken down, and a
        status line that is gone needs no update (it must not crash the exit).
        """
        if not self.is_mounted:
            return
        try:
            update()
        except NoMatches:
            return

    def refresh_started(self, total_label: str) -> None:
        self._while_shown(lambda: self.query_one(RefreshStatus).started(total_label))

    def refresh_progress(self, result: FeedResult) -> None:
        def update() -> None:
            self.query_one(RefreshStatus).progress(result)
            now = time.monotonic()
            if now - self._last_reload > RELOAD_EVERY:
                self._last_reload = now
                self.reload_views()

        self._while_shown(update)

    def refresh_finished(self) -> None:
        def update() -> None:
            self.query_one(RefreshStatus).finished()
            self.reload_views()

        self._while_shown(update)

    def reload_views(self) -> None:
        if not self.is_mounted:
            return
        self.reload_sidebar()
        articles = self.query_one(ArticleList)
        articles.reload()
        self._update_title(self.current_view)
        pane = self.query_one(ReadingPane)
        if articles.total == 0:  # its articles went away: say why, not "No article selected"
            pane.show(None, empty=self._empty_hint(self.current_view))
        elif pane.article is not None and not self.reader.summaries([pane.article.summary.id]):
            # Its article was deleted (pruned, unsubscribed) while the list
            # kept its cursor elsewhere: the list's article takes its place.
            self._display(articles.current_id)

    def reload_rows(self) -> None:
        self.reload_views()
