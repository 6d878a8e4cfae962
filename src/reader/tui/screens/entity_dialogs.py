"""Dialogs for entities: which labels are coloured, and corrections."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Select, Static

from reader.core.models import LABELS, Rule
from reader.tui.styles import LABEL_NAMES
from reader.tui.text import a_or_an
from reader.tui.widgets.entity_legend import EntityColours, label_content


class EntityLabelsDialog(ModalScreen[EntityColours | None]):
    """A checkbox for entity colouring as a whole and one per label."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="entity_labels.cancel")]

    def __init__(self, colours: EntityColours) -> None:
        super().__init__()
        self.colours = colours

    def compose(self) -> ComposeResult:
        with Vertical(id="entity-labels", classes="dialog"):
            yield Static(Content("Entity colours").stylize("bold"), classes="dialog-title")
            yield Checkbox("Colour entities", self.colours.on, id="colour-all")
            for label in LABELS:
                yield Checkbox(
                    label_content(label),
                    label not in self.colours.hidden,
                    id=f"label-{label}",
                    classes="entity-label",
                )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Done", variant="primary", id="done")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#colour-all", Checkbox).focus()

    @on(Button.Pressed, "#done")
    def _done(self) -> None:
        hidden = frozenset(
            label for label in LABELS if not self.query_one(f"#label-{label}", Checkbox).value
        )
        self.dismiss(EntityColours(self.query_one("#colour-all", Checkbox).value, hidden))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


# Change a type and add an entity are the same rule: this name is an entity
# of this type.
KINDS: list[tuple[str, str]] = [
    ("Entity of a type (new, or change its type)", "entity"),
    ("Another name (alias) for an entity", "alias"),
    ("Ignore: never mark this name", "ignore"),
]


class CorrectionDialog(ModalScreen[Rule | None]):
    """One of the user's entity rules, as a small form.

    Opened from the entity panel with the entity filled in, or empty from
    anywhere (a text prompt for any name).
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="correction.cancel")]

    def __init__(
        self, kind: str = "entity", name: str = "", means: str = "", label: str = ""
    ) -> None:
        super().__init__()
        self.kind = kind
        self.initial_name = name
        self.means = means
        self.label = label

    def compose(self) -> ComposeResult:
        with Vertical(id="correction", classes="dialog"):
            yield Static(Content("Correct an entity").stylize("bold"), classes="dialog-title")
            yield Select(KINDS, allow_blank=False, value=self.kind, id="kind")
            yield Input(self.initial_name, placeholder="Name as it appears in articles", id="name")
            yield Input(
                self.means, placeholder="…is another name for (e.g. Sam Altman)", id="means"
            )
            yield Select(
                [(LABEL_NAMES[label], label) for label in LABELS],
                prompt="Type",
                value=self.label if self.label in LABELS else Select.NULL,
                id="label",
            )
            yield Static(id="status", classes="dialog-status")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self._kind_changed()
        # Straight to what is left to fill in.
        if not self.initial_name:
            self.query_one("#name", Input).focus()
        elif self.kind == "alias":
            self.query_one("#means", Input).focus()
        elif self.kind == "entity":
            self.query_one("#label", Select).focus()
        else:
            self.query_one("#apply", Button).focus()

    @on(Select.Changed, "#kind")
    def _kind_changed(self) -> None:
        kind = self.query_one("#kind", Select).value
        self.query_one("#means").display = kind == "alias"
        self.query_one("#label").display = kind != "ignore"

    @on(Input.Submitted)
    @on(Button.Pressed, "#apply")
    def _apply(self) -> None:
        kind = str(self.query_one("#kind", Select).value)
        name = self.query_one("#name", Input).value.strip()
        means = self.query_one("#means", Input).value.strip()
        chosen = self.query_one("#label", Select).value
        label = chosen if isinstance(chosen, str) else ""
        problem = ""
        if not name:
            problem = "Type the name as it appears in articles."
        elif kind == "alias" and not means:
            problem = "Type the entity this is another name for."
        elif kind == "entity" and not label:
            problem = "Choose a type."
        if problem:
            self.query_one("#status", Static).update(Content(problem).stylize("$text-error"))
            return
        if kind == "alias":
            self.dismiss(Rule("alias", name, means, label))
        elif kind == "ignore":
            self.dismiss(Rule("ignore", name))
        else:
            self.dismiss(Rule("entity", name, name, label))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def describe_rule(rule: Rule) -> str:
    """What a correction did, in words ("“Altman” now means Sam Altman.")."""
    if rule.kind == "ignore":
        return f"“{rule.surface}” is ignored."
    if rule.kind == "alias":
        return f"“{rule.surface}” now means {rule.entity}."
    return f"{rule.surface} is now {a_or_an(LABEL_NAMES.get(rule.label, rule.label))}."
