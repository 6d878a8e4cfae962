"""The Textual app. Built with the core from `make_reader()`: ReaderApp(reader)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterable, Sequence
from typing import Any

from rich.text import Text
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from reader.core import clock
from reader.core.errors import problem, unexpected
from reader.core.models import RefreshTally
from reader.core.service import AddResult, OpmlImportResult, Reader
from reader.tui.commands import ArticlesProvider, EntitiesProvider, FeedsProvider
from reader.tui.entity_theme import entity_variables
from reader.tui.highlight_theme import highlight_variables
from reader.tui.messages import FeedRefreshed, RefreshFinished
from reader.tui.screens.dialogs import AddFeedDialog, ConfirmDialog, ImportOpmlDialog
from reader.tui.screens.help import HelpScreen, unknown_binding_ids
from reader.tui.screens.highlight_dialog import AnnotationDialog
from reader.tui.screens.main import MainScreen
from reader.tui.screens.welcome import WelcomeScreen
from reader.tui.text import literal_markup, plural, short_url
from reader.tui.widgets.sidebar import Sidebar
from reader.tui.writes import ShowsRows, saving, writes

THEME_PREFERENCE = "theme"

# The main screen's commands in the palette: (label, description, action). The
# key each is bound to is looked up when the palette opens (see _keys_for).
MAIN_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Search", "Full-text search", "search"),
    ("Save this search", "Keep the search in the sidebar", "save_search"),
    ("Mark all read", "Every article in this view", "mark_all_read"),
    ("Toggle read", "Mark the article read or unread", "toggle_read"),
    ("Toggle star", "Star or unstar the article", "toggle_star"),
    ("Next unread", "Jump to the next unread article", "next_unread"),
    ("Open in browser", "Open the article's page", "open_browser"),
    ("Copy link", "Copy the article's URL", "copy_link"),
    ("Wide reading", "Reading pane full width", "toggle_wide"),
    ("Sort", "Newest first, oldest first, by title", "cycle_order"),
    ("Annotations", "Every highlight and note", "all_annotations"),
    ("Annotations panel", "The article's highlights and notes", "toggle_annotations"),
    ("Tags", "Tag the article, or the marked ones", "edit_tags"),
    ("Article note", "A note on the whole article", "article_note"),
    ("Entity panel", "The article's entities, to follow or correct", "entity_panel"),
    ("Entity colours", "Colour entities in the text or not", "toggle_entities"),
    ("Entity colours by type", "Choose which types are coloured", "entity_labels"),
    ("Correct an entity", "Set a name's type, add an alias, ignore a name", "correct_entity"),
)


class ReaderApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "reader"
    COMMANDS = App.COMMANDS | {FeedsProvider, ArticlesProvider, EntitiesProvider}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("r", "refresh_all", "Refresh", id="app.refresh"),
        Binding("R", "refresh_feed", "Refresh feed", show=False, id="app.refresh_feed"),
        Binding("a", "add_feed", "Add feed", id="app.add_feed"),
        Binding("i", "import_opml", "Import OPML", show=False, id="app.import_opml"),
        Binding("T", "stories", "Stories", show=False, id="app.stories"),
        Binding("D", "digest", "Digest", show=False, id="app.digest"),
    ]

    def __init__(self, reader: Reader, *, demo: bool = False, debug: bool = False) -> None:
        super().__init__()
        self.reader = reader
        self.show_tracebacks = debug  # the global --debug flag
        self.crash: Exception | None = None  # what ended the app, if anything did
        self.settings = reader.settings
        self._load_demo = demo
        # The "Quit? The note you typed is not saved." question while it is asked.
        self._quit_question: ConfirmDialog | None = None
        # The refresh whose progress and summary are shown: a replaced one's
        # worker still posts on its way out, and those messages are ignored.
        self._refresh: Worker[None] | None = None
        # When the shown refresh, or the first of those it replaced, began.
        self._refresh_since: str | None = None

    # -- start-up ------------------------------------------------------------------

    def on_mount(self) -> None:
        # This thread draws the screen: its writes wait briefly for another
        # process's (see INTERACTIVE_BUSY_TIMEOUT); the refresh's threads do not.
        self.reader.answer_a_person_here()
        # `kill`, `timeout`, a shutdown: end as after q, so the terminal gets
        # its normal screen and mouse back (SIGTERM's default left it in the
        # app's alternate screen reporting the mouse). Nobody can answer a
        # question then: an unsaved note is not asked about. No Unix signals
        # (Windows), or not the main thread: nothing to do.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.exit)
        if self.settings.keymap:
            self.set_keymap(dict(self.settings.keymap))
            unknown = unknown_binding_ids(self.settings.keymap, self._own_bindings())
            if unknown:
                # Textual skips them silently; say so, or the key just seems broken.
                self.notify(
                    f"[keymap] names no binding: {', '.join(unknown)}. "
                    "Press ? for every binding id.",
                    severity="warning",
                    markup=False,
                )
        saved = self.reader.preference(THEME_PREFERENCE)
        theme = saved or self.settings.ui.theme
        if theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self._load_demo:
            self.push_screen(MainScreen())
            self.call_after_refresh(self.load_demo)
        elif not self.reader.has_feeds():
            self.push_screen(WelcomeScreen(len(self.settings.ui.starter_feeds)), self._welcomed)
        else:
            self.push_screen(MainScreen())
        minutes = self.settings.ui.refresh_minutes
        if minutes > 0:
            self.set_interval(minutes * 60, self._scheduled_refresh)

    def get_css_variables(self) -> dict[str, str]:
        variables = super().get_css_variables()
        highlights = highlight_variables(variables)
        variables.update(entity_variables(variables, highlights.values()))
        variables.update(highlights)
        self.theme_variables = variables
        return variables

    @writes
    def _remember_theme(self, theme: object) -> None:
        name = getattr(theme, "name", None)
        if isinstance(name, str):
            self.reader.set_preference(THEME_PREFERENCE, name)

    def _main(self) -> MainScreen:
        for screen in reversed(self.screen_stack):
            if isinstance(screen, MainScreen):
                return screen
        main = MainScreen()
        self.switch_screen(main) if isinstance(self.screen, WelcomeScreen) else self.push_screen(
            main
        )
        return main

    def _main_if_open(self) -> MainScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    def on_unmount(self) -> None:
        # The loop may outlive the app (a test's): SIGTERM's default again.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGTERM)

    async def action_quit(self) -> None:
        """Quit (q, ctrl+q); with a note or highlight typed and not saved in an
        open dialog, ask first: the answer n (or Escape) goes back to it, and
        quitting again while asked quits (not a second question)."""
        asking = self._quit_question
        if asking is not None and self.screen is asking:
            self.exit()
            return
        if not any(isinstance(s, AnnotationDialog) and s.unsaved() for s in self.screen_stack):
            self.exit()
            return

        def answered(quit_anyway: bool | None) -> None:
            self._quit_question = None
            if quit_anyway:
                self.exit()

        question = ConfirmDialog(Content("Quit? The note you typed is not saved."), yes="Quit")
        self._quit_question = question
        self.push_screen(question, answered)

    def rows_gone(self) -> None:
        """A row the app showed was deleted by another process (writes.gone):
        every screen that shows rows reads them again, so it no longer shows."""
        for screen in self.screen_stack:
            if isinstance(screen, ShowsRows):
                screen.reload_rows()

    def _welcome_again(self) -> None:
        """The welcome screen in place of the main screen (no feeds left)."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(WelcomeScreen(len(self.settings.ui.starter_feeds)), self._welcomed)

    def _welcomed(self, choice: str | None) -> None:
        actions = {
            "add": self.action_add_feed,
            "import": self.action_import_opml,
            "starter": self.subscribe_starter_pack,
            "demo": self.load_demo,
        }
        self.push_screen(MainScreen())
        if choice in actions:
            # After the main screen has mounted its widgets.
            self.call_after_refresh(actions[choice])

    # -- commands ------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Refresh all feeds", "Fetch new articles", self.action_refresh_all)
        yield SystemCommand(
            "Refresh this feed", "Fetch the selected feed now", self.action_refresh_feed
        )
        yield SystemCommand("Add a feed", "Subscribe to a feed or site URL", self.action_add_feed)
        yield SystemCommand(
            "Stories", "Articles grouped by the news they report", self.action_stories
        )
        yield SystemCommand(
            "Digest", "New stories by followed entity and AI relevance", self.action_digest
        )
        yield SystemCommand(
            "Import OPML", "Subscribe to an OPML file's feeds", self.action_import_opml
        )
        yield SystemCommand("Keys", "Every key and its binding id", self.action_help)
        yield SystemCommand(
            "Subscribe to the starter pack", "Real tech and AI feeds", self.subscribe_starter_pack
        )
        yield SystemCommand("Load the offline demo", "Bundled sample feeds", self.load_demo)
        yield SystemCommand(
            "Remove the demo", "Delete the demo feeds and their articles", self.remove_demo
        )
        main = self._main_if_open()
        if main is not None:
            for label, description, action in MAIN_COMMANDS:
                keys = self._keys_for(main, action)
                help_text = f"{description} ({keys})" if keys else description
                # The keys come from the user's keymap ("[" is a key).
                yield SystemCommand(
                    label, literal_markup(help_text), getattr(main, f"action_{action}")
                )

    def _keys_for(self, screen: Screen[Any], action: str) -> str:
        """The keys bound to `action` on the screen now, after the user's keymap:
        the palette names the key the user actually has."""
        keys = [
            self.get_key_display(active.binding)
            for active in screen.active_bindings.values()
            if active.node is screen and active.binding.action == action
        ]
        return ", ".join(dict.fromkeys(keys))

    def jump_to_feed(self, feed_id: int) -> None:
        self._main().select_feed(feed_id)

    def jump_to_article(self, article_id: int) -> None:
        self._main().open_article(article_id)

    def follow_entity(self, name: str) -> None:
        self._main().follow_entity(name)

    def action_stories(self) -> None:
        from reader.tui.screens.stories import StoriesScreen

        def chosen(article_id: int | None) -> None:
            if article_id is not None:
                self.jump_to_article(article_id)

        self.push_screen(StoriesScreen(self.reader), chosen)

    def action_digest(self) -> None:
        from reader.tui.screens.stories import DigestScreen

        self.push_screen(DigestScreen(self.reader))

    def _own_bindings(self) -> list[Binding]:
        return [b for b in self.BINDINGS if isinstance(b, Binding)]

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self._own_bindings(), dict(self.settings.keymap)))

    def action_add_feed(self) -> None:
        def added(result: AddResult | None) -> None:
            if result is None:
                return
            self.notify(f"Subscribed to {result.url}", markup=False)
            self._main().reload_sidebar()
            self.start_refresh([result.feed_id], force=True)

        self.push_screen(AddFeedDialog(self.reader), added)

    def action_import_opml(self) -> None:
        def imported(result: OpmlImportResult | None) -> None:
            if result is None:
                return
            added = plural(result.added, "new feed")
            message = f"Imported {added} ({result.existing} already there)"
            if result.invalid:
                # Named, so the user can fix them: the first few in full.
                listed = "; ".join(result.invalid[:3]) + ("; …" if len(result.invalid) > 3 else "")
                message += f"; skipped {len(result.invalid)} invalid entries: {listed}"
            self.notify(
                message, severity="warning" if result.invalid else "information", markup=False
            )
            self._main().reload_sidebar()
            if result.added:
                self.start_refresh(None)

        self.push_screen(ImportOpmlDialog(self.reader), imported)

    @writes
    def subscribe_starter_pack(self) -> None:
        results = self.reader.add_feeds(self.settings.ui.starter_feeds, discover=False)
        ids = [r.feed_id for r in results if isinstance(r, AddResult)]
        self.notify(
            f"Subscribed to {plural(len(ids), 'starter feed')}; fetching them now.", markup=False
        )
        self._main().reload_sidebar()
        self.start_refresh(ids, force=True)

    @writes
    def load_demo(self) -> None:
        ids = self.reader.add_demo()
        self._main().reload_sidebar()
        self.notify("Loading the offline demo (sample feeds, fictional stories).", markup=False)
        self.start_refresh(ids, force=True)

    def remove_demo(self) -> None:
        @saving(self)
        def answered(yes: bool | None) -> None:
            if yes:
                removed, kept = self.reader.remove_demo()
                message = f"Removed {plural(removed, 'demo feed')}."
                if kept:
                    message += f" Kept {plural(kept, 'article')} you starred, tagged or annotated."
                self.notify(message, markup=False)
                if not self.reader.has_feeds():
                    # Back to where a new user starts, not an empty main screen.
                    self.call_after_refresh(self._welcome_again)
                    return
                main = self._main_if_open()
                if main is not None:
                    main.reload_views()

        self.push_screen(
            ConfirmDialog(
                Content(
                    "Remove the demo feeds and their articles? Articles you starred, tagged"
                    " or annotated are kept, with your highlights and notes."
                ),
                yes="Remove",
            ),
            answered,
        )

    # -- refreshing ----------------------------------------------------------------

    def action_refresh_all(self) -> None:
        self.start_refresh(None)

    def action_refresh_feed(self) -> None:
        main = self._main_if_open()
        if main is None:
            return
        view = main.query_one("#sidebar", Sidebar).current
        if view.which.feed_id is not None:
            self.start_refresh([view.which.feed_id], force=True)
        else:
            self.notify("Select a feed in the sidebar to refresh it alone.", markup=False)

    def _scheduled_refresh(self) -> None:
        if not any(w.group == "refresh" and w.is_running for w in self.workers):
            self.start_refresh(None)

    def start_refresh(self, feed_ids: Sequence[int] | None, *, force: bool = False) -> None:
        # A refresh still running is replaced (the worker is exclusive). The new
        # one names what appeared since the replaced one began, so what that one
        # stored is announced too.
        if self._refresh_since is None:
            self._refresh_since = clock.utcnow()
        main = self._main_if_open()
        if main is not None:
            main.refresh_started("Refreshing…")
        ids = list(feed_ids) if feed_ids is not None else None
        self._refresh = self._refresh_worker(ids, force, self._refresh_since)

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def _refresh_worker(self, feed_ids: list[int] | None, force: bool, since: str) -> None:
        worker = get_current_worker()
        tally = RefreshTally()
        # The store gives this worker thread its own connection. Cancelled
        # (the app quits, another refresh replaces it), the refresh stops at
        # once, not after its next feed: the app's exit waits for this thread.
        for result in self.reader.refresh(feed_ids, force=force, stop=worker.cancelled_event):
            if worker.is_cancelled:
                break
            tally.add(result)
            self.post_message(FeedRefreshed(worker, result))
        appeared = self.reader.followed_appeared(since)
        self.post_message(
            RefreshFinished(worker, tally.fetched, tally.new, tally.failed, tally.skipped, appeared)
        )

    def on_feed_refreshed(self, message: FeedRefreshed) -> None:
        if message.worker is not self._refresh:
            return  # a replaced refresh's: the bar shows the new one's progress
        main = self._main_if_open()
        if main is not None:
            main.refresh_progress(message.result)
        # One toast per failure for a small refresh; a big one sums them up at the end.
        if message.result.status == "failed" and message.result.progress.feeds_total <= 5:
            self.notify(
                f"{message.result.title or message.result.url}: {message.result.error}",
                title="Feed failed",
                severity="warning",
                markup=False,
            )

    def on_refresh_finished(self, message: RefreshFinished) -> None:
        if message.worker is not self._refresh:
            return  # a replaced refresh ends silently; the new one sums up
        self._refresh_since = None
        main = self._main_if_open()
        if main is not None:
            main.refresh_finished()
        if message.appeared:
            said = ", ".join(f"{name} ({plural(n, 'article')})" for name, n in message.appeared)
            self.notify(said, title="Followed", markup=False)
        summary = f"Refreshed {plural(message.feeds, 'feed')}: {plural(message.new, 'new article')}"
        if message.failed:
            names = ", ".join(r.title or short_url(r.url) for r in message.failed[:3])
            more = "…" if len(message.failed) > 3 else ""
            summary += f"; {len(message.failed)} failed ({names}{more})"
        if message.skipped:
            summary += (
                f"; {plural(len(message.skipped), 'feed')} skipped while backing off after"
                " errors (R on a feed retries it now)"
            )
        self.notify(summary, severity="warning" if message.failed else "information", markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            said = problem(event.worker.error, self.settings.db_path())
            self.notify(said, title="Error", severity="error", markup=False)
            if event.worker is self._refresh:
                self._refresh_since = None
                main = self._main_if_open()
                if main is not None:
                    main.refresh_finished()

    def _handle_exception(self, error: Exception) -> None:
        """A crash ends the app with exit code 1 (Textual's own handling); the
        terminal then gets one line and the way to the traceback, not Rich's
        screenful of source and local variables, unless --debug."""
        self.crash = error
        super()._handle_exception(error)
        if not self.show_tracebacks:
            # Text: the message may quote a feed, never parsed as markup; one
            # line, not wrapped at the console's width.
            self.error_console.soft_wrap = True
            self._exit_renderables[:] = [Text(f"reader: {unexpected(error)}")]


def start_process_helpers(*, pages: bool = False) -> None:
    """Start multiprocessing's fork server and resource tracker now.

    Refreshes run in a worker thread, so their extraction processes come from
    a fork server (see workers.WorkerPool). Both helpers pass our stderr's file
    descriptor to their child, and once Textual runs, sys.stderr is its
    capture object with no usable descriptor ("bad value(s) in fds_to_keep"),
    so they are started before the app takes over the terminal.

    The server imports what the workers' jobs need before it forks any
    (refresh.WORKER_PRELOAD; trafilatura too with `pages`): started here, it
    never hears a pool's own request, and every worker loaded it itself.
    """
    import multiprocessing
    from multiprocessing import forkserver, resource_tracker

    from reader.core.service import WORKER_PRELOAD, WORKER_PRELOAD_PAGES

    preload = ["reader.core.refresh", *WORKER_PRELOAD]
    multiprocessing.set_forkserver_preload(preload + list(WORKER_PRELOAD_PAGES if pages else ()))
    resource_tracker.ensure_running()
    forkserver.ensure_running()


def run_app(reader: Reader, *, demo: bool = False, debug: bool = False) -> int:
    """Run the app; returns the process exit code (non-zero after a crash)."""
    start_process_helpers(pages=reader.settings.refresh.extract)
    app = ReaderApp(reader, demo=demo, debug=debug)
    app.run()
    return app.return_code or 0
