"""The open article's highlights and notes, in reading order, with their state.

Quotes, notes and tags are user and article text: every prompt is `Content`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.core.models import Annotation
from reader.tui.screens.highlight_dialog import shorten, swatch

STATE_MARKS = {
    "moved": ("moved", "$text-muted"),
    "fuzzy": ("≈ fuzzy match", "$text-warning"),
    "orphan": ("⚠ orphan: its text is gone", "$text-error"),
}


def annotation_prompt(annotation: Annotation, width: int = 60) -> Content:
    """Swatch and quote (or ✎ for a note), state, then the note's first line and tags."""
    if annotation.kind == "note":
        head = Content("✎ ").stylize("$text-accent") + Content(
            shorten(annotation.note.split("\n", 1)[0] or "(empty note)", width)
        )
        note = ""
    else:
        head = swatch(annotation.color) + Content(" “" + shorten(annotation.exact, width) + "”")
        note = annotation.note.strip().split("\n", 1)[0]
    if annotation.state in STATE_MARKS:
        label, style = STATE_MARKS[annotation.state]
        head += Content(f"  {label}").stylize(style)
    lines = [head]
    if note:
        lines.append(Content("   " + shorten(note, width)).stylize("$text-muted"))
    if annotation.tags:
        tags = " ".join(f"#{t}" for t in annotation.tags)
        lines.append(Content("   " + shorten(tags, width)).stylize("$text-accent"))
    return Content("\n").join(lines)


class AnnotationsPanel(OptionList):
    """Enter jumps to a highlight (or edits a note); orphans can be re-attached
    to the reading pane's selection, kept as an article note, or deleted."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="annotations.down"),
        Binding("k", "cursor_up", "Up", show=False, id="annotations.up"),
        Binding("r", "act('reattach')", "Re-attach", id="annotations.reattach"),
        Binding("K", "act('keep')", "Keep as note", id="annotations.keep"),
        Binding("d,delete", "act('delete')", "Delete", id="annotations.delete"),
    ]

    class Chosen(Message):
        """`action`: open, reattach, keep or delete."""

        def __init__(self, annotation: Annotation, action: str) -> None:
            super().__init__()
            self.annotation = annotation
            self.action = action

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, **kwargs)
        self.annotations: dict[str, Annotation] = {}

    def show(self, annotations: Sequence[Annotation]) -> None:
        keep = self.highlighted_option.id if self.highlighted_option is not None else None
        self.annotations = {str(a.id): a for a in annotations}
        options: list[Option | None] = [
            Option(annotation_prompt(a), id=str(a.id)) for a in annotations if a.state != "orphan"
        ]
        orphans = [a for a in annotations if a.state == "orphan"]
        if orphans:
            heading = "Orphaned: r re-attaches to the selection, K keeps as a note, d deletes"
            options.append(Option(Content(heading).stylize("bold $text-error"), disabled=True))
            options += [Option(annotation_prompt(a), id=str(a.id)) for a in orphans]
        if not annotations:
            hint = "No annotations. In the article, v starts a selection, Enter highlights it."
            options.append(Option(Content(hint).stylize("$text-muted"), disabled=True))
        self.set_options(options)
        if keep in self.annotations:
            self.highlighted = self.get_option_index(keep)
        elif annotations:
            # On the first one, so Enter and d act without a j first.
            self.highlighted = next(
                i for i, option in enumerate(options) if option is not None and not option.disabled
            )
        self.refresh_bindings()

    @property
    def current(self) -> Annotation | None:
        option = self.highlighted_option
        return self.annotations.get(option.id or "") if option is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "act":
            current = self.current
            if current is None:
                return False
            if parameters and parameters[0] in ("reattach", "keep"):
                return current.state == "orphan"
        return True

    def on_option_list_option_highlighted(self) -> None:
        self.refresh_bindings()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        annotation = self.annotations.get(event.option_id or "")
        if annotation is not None:
            self.post_message(self.Chosen(annotation, "open"))

    def action_act(self, action: str) -> None:
        if self.current is not None:
            self.post_message(self.Chosen(self.current, action))
