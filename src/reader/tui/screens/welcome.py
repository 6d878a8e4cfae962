"""First run: an empty database. Offer the ways in."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from reader.tui.text import plural

WELCOME = """reader keeps the full text of the tech and AI news you follow, offline, in one
fast keyboard-driven place. Start with one of these; you can add more any time
with a (add a feed) or i (import OPML)."""


class WelcomeScreen(Screen[str]):
    """Dismissed with what the user chose: add, import, starter, demo."""

    BINDINGS = [
        Binding("a", "choose('add')", "Add a feed", id="welcome.add"),
        Binding("i", "choose('import')", "Import OPML", id="welcome.import"),
        Binding("s", "choose('starter')", "Starter pack", id="welcome.starter"),
        Binding("d", "choose('demo')", "Offline demo", id="welcome.demo"),
    ]

    def __init__(self, starter_count: int) -> None:
        super().__init__()
        self.starter_count = starter_count

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="welcome"):
            yield Static(Content("Welcome to reader").stylize("bold $accent"), id="welcome-title")
            # One paragraph: the box is narrower than the source lines, so
            # their hard breaks would leave one-word lines after each wrap.
            yield Static(Content(" ".join(WELCOME.split())), id="welcome-text")
            yield Button("Add a feed or site URL  (a)", id="add", variant="primary")
            yield Button("Import an OPML file  (i)", id="import")
            yield Button(
                "Subscribe to the starter pack: "
                f"{plural(self.starter_count, 'tech and AI feed')}  (s)",
                id="starter",
            )
            yield Button("Load the offline demo  (d)", id="demo")
            yield Static(
                Content(
                    "The demo is a set of sample feeds bundled with reader (fictional stories); "
                    "it needs no network and can be removed from the command palette."
                ).stylize("$text-muted"),
                id="welcome-note",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#add", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id:
            self.dismiss(event.button.id)

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
