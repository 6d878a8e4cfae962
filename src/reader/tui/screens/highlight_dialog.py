"""The dialog that makes or edits a highlight or an article note: colour, a
Markdown note and tags. The quote is article text: it is shown as `Content`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, RadioButton, RadioSet, Static, TextArea

from reader.core.models import COLORS
from reader.tui.screens.dialogs import ConfirmDialog
from reader.tui.styles import HIGHLIGHT_STYLES
from reader.tui.widgets.tag_input import TagInput

QUOTE_SHOWN = 240  # characters of the quote shown above the note


@dataclass(frozen=True, slots=True)
class AnnotationEdit:
    color: str
    note: str
    tags: list[str]


def swatch(color: str) -> Content:
    return Content("  ").stylize(HIGHLIGHT_STYLES.get(color, "on $highlight-yellow"))


def shorten(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


class AnnotationDialog(ModalScreen[AnnotationEdit | None]):
    """A highlight (with `quote`) or an article note (quote None): no colour then."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="annotation.cancel"),
        Binding("ctrl+s", "save", "Save", id="annotation.save"),
    ]

    def __init__(
        self,
        quote: str | None,
        tag_names: Sequence[str],
        *,
        color: str = COLORS[0],
        note: str = "",
        tags: Sequence[str] = (),
        editing: bool = False,
        saved: AnnotationEdit | None = None,
    ) -> None:
        """`saved`: what is stored now (the annotation edited), None for a new
        one; what differs from it is unsaved, and is not thrown away unasked."""
        super().__init__()
        self.quote = quote
        self.tag_names = tag_names
        self.color = color
        self.note = note
        self.tags = tags
        self.editing = editing
        self.saved = saved

    def compose(self) -> ComposeResult:
        kind = "highlight" if self.quote is not None else "article note"
        heading = f"{'Edit' if self.editing else 'New'} {kind}"
        with Vertical(id="annotation-dialog", classes="dialog"):
            yield Static(Content(heading).stylize("bold"), classes="dialog-title")
            if self.quote is not None:
                quote = Content("“" + shorten(self.quote, QUOTE_SHOWN) + "”")
                yield Static(quote.stylize("italic"), id="quote", classes="dialog-help")
                with RadioSet(id="colors"):
                    for color in COLORS:
                        yield RadioButton(
                            swatch(color) + Content(f" {color}"),
                            value=color == self.color,
                            name=color,
                        )
            yield Static(Content("Note (Markdown)").stylize("$text-muted"))
            yield TextArea(self.note, language="markdown", id="note", soft_wrap=True)
            yield Static(Content("Tags").stylize("$text-muted"))
            yield TagInput(self.tag_names, self.tags, id="tags")
            yield Static(
                Content("Ctrl+S saves · Escape cancels · → accepts a tag completion").stylize(
                    "$text-muted"
                ),
                classes="dialog-status",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save  (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#note", TextArea).focus()

    def edit(self) -> AnnotationEdit:
        """What the dialog holds now."""
        color = self.color
        if self.quote is not None:
            pressed = self.query_one("#colors", RadioSet).pressed_button
            color = pressed.name if pressed is not None and pressed.name else color
        note = self.query_one("#note", TextArea).text.strip()
        return AnnotationEdit(color, note, self.query_one("#tags", TagInput).tags)

    def unsaved(self) -> bool:
        """True if closing would lose something the user typed: a note or tags
        (a new annotation), or any change (an annotation edited)."""
        if not self.is_mounted:
            return False  # pushed this instant: nothing typed yet
        edit = self.edit()
        if self.saved is None:
            return bool(edit.note or edit.tags)
        # The dialog's note is compared as it would be saved (stripped); a
        # stored note may keep the spaces an import or the CLI gave it.
        return edit != replace(self.saved, note=self.saved.note.strip())

    @on(Button.Pressed, "#save")
    @on(TagInput.Submitted, "#tags")
    def action_save(self) -> None:
        self.dismiss(self.edit())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.unsaved():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        # A modal over this one: Escape or n there comes back here, text kept.
        question = Content("Discard what you typed? It is not saved.")
        self.app.push_screen(ConfirmDialog(question, yes="Discard"), answered)
