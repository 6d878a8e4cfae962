"""Tag dialogs: tags of one or several articles, and renaming a tag."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from reader.tui.text import plural
from reader.tui.widgets.tag_input import TagInput


class TagEditor(ModalScreen[tuple[list[str], list[str]] | None]):
    """Edit the tags `shared` by every article in hand; returns (added, removed).

    With several articles, a tag only some of them carry is not listed and
    is left alone; a tag added goes on all of them.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="tags.cancel")]

    def __init__(self, count: int, shared: Sequence[str], names: Sequence[str]) -> None:
        super().__init__()
        self.count = count
        self.shared = list(shared)
        self.names = names

    def compose(self) -> ComposeResult:
        title = "Tags" if self.count == 1 else f"Tags of {plural(self.count, 'marked article')}"
        with Vertical(id="tag-editor", classes="dialog"):
            yield Static(Content(title).stylize("bold"), classes="dialog-title")
            yield Static(
                Content(
                    "Comma-separated. Delete a tag to remove it; → accepts the completion, "
                    "Enter saves."
                ),
                classes="dialog-help",
            )
            yield TagInput(self.names, self.shared, id="tags")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        tags = self.query_one(TagInput)
        if tags.value:
            tags.value += ", "
        tags.cursor_position = len(tags.value)
        tags.focus()

    @on(Button.Pressed, "#save")
    @on(Input.Submitted, "#tags")
    def _save(self) -> None:
        tags = self.query_one(TagInput).tags
        added = [t for t in tags if t not in self.shared]
        removed = [t for t in self.shared if t not in tags]
        self.dismiss((added, removed))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class RenameTagDialog(ModalScreen[str | None]):
    """A new name for a tag; an existing tag's name merges the two."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="rename_tag.cancel")]

    def __init__(self, name: str, names: Sequence[str]) -> None:
        super().__init__()
        self.tag = name
        self.names = [n for n in names if n != name]

    def compose(self) -> ComposeResult:
        with Vertical(id="rename-tag", classes="dialog"):
            yield Static(
                Content("Rename the tag ").stylize("bold")
                + Content(f"#{self.tag}").stylize("bold"),
                classes="dialog-title",
            )
            yield Static(
                Content("Giving it the name of another tag merges the two."),
                classes="dialog-help",
            )
            yield TagInput(self.names, [self.tag], id="name")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Rename", variant="primary", id="rename")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(TagInput).focus()

    @on(Button.Pressed, "#rename")
    @on(Input.Submitted, "#name")
    def _rename(self) -> None:
        tags = self.query_one(TagInput).tags
        self.dismiss(tags[0] if tags and tags[0] != self.tag else None)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
