"""Modal dialogs: add a feed, import OPML, confirm."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, LoadingIndicator, Static

from reader.core.config import Settings
from reader.core.service import AddError, AddResult, ImportResult, make_reader


class AddFeedDialog(ModalScreen[AddResult | None]):
    """Ask for a feed or site URL, discover the feed, subscribe."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(Content("Add a feed").stylize("bold"), classes="dialog-title")
            yield Static(
                Content("A feed URL, or a site's address: its feed is found for you."),
                classes="dialog-help",
            )
            yield Input(placeholder="https://example.org/", id="url")
            yield LoadingIndicator(id="busy")
            yield Static(id="status", classes="dialog-status")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add", variant="primary", id="add")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#busy").display = False
        self.query_one("#url", Input).focus()

    @on(Input.Submitted, "#url")
    @on(Button.Pressed, "#add")
    def add(self) -> None:
        url = self.query_one("#url", Input).value.strip()
        if not url:
            self._status(Content("Type a URL first.").stylize("$text-warning"))
            return
        if "://" not in url:
            url = "https://" + url
        self.query_one("#busy").display = True
        self._status(Content(f"Looking for a feed at {url}…"))
        self.query_one("#add", Button).disabled = True
        self._discover(url)

    @work(thread=True, exclusive=True, group="add-feed", exit_on_error=False)
    def _discover(self, url: str) -> None:
        reader = make_reader(self.settings)  # this thread's own connection
        try:
            result = reader.add_feed(url)
        except AddError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        finally:
            reader.close()
        self.app.call_from_thread(self.dismiss, result)

    def _failed(self, reason: str) -> None:
        self.query_one("#busy").display = False
        self.query_one("#add", Button).disabled = False
        self._status(Content(reason).stylize("$text-error"))

    def _status(self, content: Content) -> None:
        self.query_one("#status", Static).update(content)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ImportOpmlDialog(ModalScreen[ImportResult | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(Content("Import OPML").stylize("bold"), classes="dialog-title")
            yield Static(
                Content("The path of an OPML file exported from another reader."),
                classes="dialog-help",
            )
            yield Input(placeholder="~/subscriptions.opml", id="path")
            yield Static(id="status", classes="dialog-status")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Import", variant="primary", id="import")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#import")
    def do_import(self) -> None:
        from reader.core.opml import OpmlError

        raw = self.query_one("#path", Input).value.strip()
        if not raw:
            self.query_one("#status", Static).update(
                Content("Type the path of an OPML file first.").stylize("$text-warning")
            )
            return
        path = Path(raw).expanduser()
        reader = make_reader(self.settings)
        try:
            result = reader.import_opml(path)
        except (OSError, OpmlError) as exc:
            message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.query_one("#status", Static).update(
                Content(f"Cannot import {raw}: {message}").stylize("$text-error")
            )
            return
        finally:
            reader.close()
        self.dismiss(result)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: Content, yes: str = "Yes", variant: str = "error") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.variant = variant

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(self.question, classes="dialog-help")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes}  (y)", variant=self.variant, id="yes")  # type: ignore[arg-type]
                yield Button("Cancel  (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def _no(self) -> None:
        self.dismiss(False)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
