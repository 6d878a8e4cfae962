"""Modal dialogs: add a feed, import OPML, confirm."""

from __future__ import annotations

from pathlib import Path
from typing import Generic, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, LoadingIndicator, Static
from textual.widgets.button import ButtonVariant

from reader.core.errors import problem
from reader.core.service import AddError, AddResult, OpmlImportResult, Reader, UrlError, typed_url

ResultT = TypeVar("ResultT")


class InputDialog(ModalScreen[ResultT | None], Generic[ResultT]):
    """A one-field dialog: title, help, input, status line, action and Cancel."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]
    HEADING = ""
    HELP = ""
    PLACEHOLDER = ""
    INPUT_ID = "value"
    ACTION = ("OK", "ok")  # button label and id
    SHOWS_PROGRESS = False  # a loading indicator while the action runs

    def __init__(self, reader: Reader) -> None:
        super().__init__()
        self.reader = reader

    def compose(self) -> ComposeResult:
        label, action_id = self.ACTION
        with Vertical(id="dialog", classes="dialog"):
            yield Static(Content(self.HEADING).stylize("bold"), classes="dialog-title")
            yield Static(Content(self.HELP), classes="dialog-help")
            yield Input(placeholder=self.PLACEHOLDER, id=self.INPUT_ID)
            if self.SHOWS_PROGRESS:
                yield LoadingIndicator(id="busy")
            yield Static(id="status", classes="dialog-status")
            with Horizontal(classes="dialog-buttons"):
                yield Button(label, variant="primary", id=action_id)
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        if self.SHOWS_PROGRESS:
            self.query_one("#busy").display = False
        self.query_one(f"#{self.INPUT_ID}", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed)
    def _submitted(self, event: Input.Submitted | Button.Pressed) -> None:
        if isinstance(event, Button.Pressed) and event.button.id != self.ACTION[1]:
            return
        self.submit(self.query_one(f"#{self.INPUT_ID}", Input).value.strip())

    def submit(self, value: str) -> None:
        raise NotImplementedError

    def _status(self, content: Content) -> None:
        self.query_one("#status", Static).update(content)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class AddFeedDialog(InputDialog[AddResult]):
    """Ask for a feed or site URL, discover the feed, subscribe."""

    HEADING = "Add a feed"
    HELP = "A feed URL, or a site's address: its feed is found for you."
    PLACEHOLDER = "https://example.org/"
    INPUT_ID = "url"
    ACTION = ("Add", "add")
    SHOWS_PROGRESS = True

    def submit(self, url: str) -> None:
        if not url:
            self._status(Content("Type a URL first.").stylize("$text-warning"))
            return
        try:
            url = typed_url(url)  # the command line's check: one rule for both
        except UrlError as exc:
            self._failed(str(exc))
            return
        self.query_one("#busy").display = True
        self._status(Content(f"Looking for a feed at {url}…"))
        self.query_one("#add", Button).disabled = True
        self._discover(url)

    @work(thread=True, exclusive=True, group="add-feed", exit_on_error=False)
    def _discover(self, url: str) -> None:
        try:
            result = self.reader.add_feed(url)
        except AddError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        except Exception as exc:  # the dialog must never wait forever on "Looking…"
            self.app.call_from_thread(self._failed, problem(exc, self.reader.settings.db_path()))
            return
        self.app.call_from_thread(self.dismiss, result)

    def _failed(self, reason: str) -> None:
        self.query_one("#busy").display = False
        self.query_one("#add", Button).disabled = False
        self._status(Content(reason).stylize("$text-error"))


class ImportOpmlDialog(InputDialog[OpmlImportResult]):
    HEADING = "Import OPML"
    HELP = "The path of an OPML file exported from another reader."
    PLACEHOLDER = "~/subscriptions.opml"
    INPUT_ID = "path"
    ACTION = ("Import", "import")

    def submit(self, raw: str) -> None:
        from reader.core.service import OpmlError

        if not raw:
            self._status(Content("Type the path of an OPML file first.").stylize("$text-warning"))
            return
        try:
            result = self.reader.import_opml(Path(raw).expanduser())
        except (OSError, OpmlError) as exc:
            message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self._status(Content(f"Cannot import {raw}: {message}").stylize("$text-error"))
            return
        except Exception as exc:  # a bad file is a message in the dialog, not a crash
            said = problem(exc, self.reader.settings.db_path())
            self._status(Content(f"Cannot import {raw}: {said}").stylize("$text-error"))
            return
        self.dismiss(result)


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(
        self, question: Content, yes: str = "Yes", variant: ButtonVariant = "error"
    ) -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.variant = variant

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(self.question, classes="dialog-help")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes}  (y)", variant=self.variant, id="yes")
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
