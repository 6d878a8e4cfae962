"""Every annotation across articles, grouped by article, filtered by colour,
tag and text (full-text over quotes and notes)."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from reader.core.models import COLORS, Annotation, AnnotationFilter
from reader.core.service import Reader
from reader.tui.screens.highlight_dialog import swatch
from reader.tui.text import plural
from reader.tui.widgets.annotations_panel import annotation_prompt

FILTER_DEBOUNCE = 0.15  # seconds of no typing before the list is filtered again
ANY_COLOR = "any"


def parse_filter(value: str) -> tuple[str | None, str | None]:
    """(tag, search) from the filter's words: one `#tag`, the rest searched."""
    tag = None
    words: list[str] = []
    for word in value.split():
        if word.startswith("#") and len(word) > 1 and tag is None:
            tag = word[1:]
        else:
            words.append(word)
    return tag, " ".join(words) or None


class AnnotationsScreen(Screen[Annotation | None]):
    """Dismissed with the annotation to open, or None.

    Typing filters: the filter has the focus from the start, and a key typed
    elsewhere on the screen goes there too (never to the app's own keys);
    the arrows move in the list meanwhile and Enter opens its choice."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="all_annotations.close"),
        Binding("slash", "focus('#annotation-filter')", "Filter", id="all_annotations.filter"),
        Binding("down", "move('cursor_down')", "Down", show=False, id="all_annotations.down"),
        Binding("up", "move('cursor_up')", "Up", show=False, id="all_annotations.up"),
        Binding("pagedown", "move('page_down')", show=False, id="all_annotations.page_down"),
        Binding("pageup", "move('page_up')", show=False, id="all_annotations.page_up"),
    ]

    def __init__(self, reader: Reader) -> None:
        super().__init__()
        self.reader = reader
        self.found: dict[str, Annotation] = {}
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content("Annotations").stylize("bold"), id="annotations-title")
        yield Input(
            placeholder="Search quotes and notes; #tag filters by tag",
            id="annotation-filter",
            # A letter typed in the list comes here: it must add to the text,
            # not replace it selected.
            select_on_focus=False,
        )
        with RadioSet(id="color-filter"):
            yield RadioButton("any", value=True, name=ANY_COLOR)
            for color in COLORS:
                yield RadioButton(swatch(color) + Content(f" {color}"), name=color)
        yield OptionList(markup=False, id="all-annotations")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#annotation-filter").focus()

    def on_key(self, event: events.Key) -> None:
        """A letter typed in the list or the colours goes to the filter."""
        field = self.query_one("#annotation-filter", Input)
        # Space picks a colour, / focuses the filter: both keep their use.
        if field.has_focus or not event.is_printable or event.key in ("space", "slash"):
            return
        event.stop()
        event.prevent_default()
        field.focus()
        field.insert_text_at_cursor(event.character or "")

    def action_move(self, action: str) -> None:
        """Move in the list while the filter has the focus."""
        getattr(self.query_one("#all-annotations", OptionList), f"action_{action}")()

    @property
    def filter(self) -> AnnotationFilter:
        tag, search = parse_filter(self.query_one("#annotation-filter", Input).value)
        pressed = self.query_one("#color-filter", RadioSet).pressed_button
        color = pressed.name if pressed is not None and pressed.name != ANY_COLOR else None
        return AnnotationFilter(color=color, tag=tag, search=search)

    def reload(self) -> None:
        annotations = self.reader.annotations(self.filter)
        self.found = {str(a.id): a for a in annotations}
        options: list[Option | None] = []
        article_id: int | None = None
        for annotation in annotations:
            if annotation.article_id != article_id:
                article_id = annotation.article_id
                title = annotation.article_title or "(untitled)"
                options.append(Option(Content(title).stylize("bold $text-primary"), disabled=True))
            options.append(Option(annotation_prompt(annotation, 90), id=str(annotation.id)))
        if not options:
            options.append(
                Option(Content("No annotations match.").stylize("$text-muted"), disabled=True)
            )
        results = self.query_one("#all-annotations", OptionList)
        results.set_options(options)
        results.highlighted = next(
            (i for i, option in enumerate(results.options) if not option.disabled), None
        )
        count = Content(f"  {plural(len(annotations), 'annotation')}").stylize("$text-muted")
        self.query_one("#annotations-title", Static).update(
            Content("Annotations").stylize("bold") + count
        )

    @on(Input.Changed, "#annotation-filter")
    def _typed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(FILTER_DEBOUNCE, self.reload)

    @on(Input.Submitted, "#annotation-filter")
    def _submitted(self) -> None:
        """Enter in the filter opens the list's choice."""
        if self._timer is not None:
            self._timer.stop()
            self.reload()
        self.query_one("#all-annotations", OptionList).action_select()

    @on(RadioSet.Changed, "#color-filter")
    def _color(self) -> None:
        self.reload()

    @on(OptionList.OptionSelected, "#all-annotations")
    def _open(self, event: OptionList.OptionSelected) -> None:
        annotation = self.found.get(event.option_id or "")
        if annotation is not None:
            self.dismiss(annotation)

    def action_close(self) -> None:
        self.dismiss(None)
