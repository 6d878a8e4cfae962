"""Every key binding with its id (the name to use in the [keymap] config table)."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.tui.screens.dialogs import AddFeedDialog, ConfirmDialog
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.entity_panel import EntityPanel
from reader.tui.widgets.reading_pane import ReadingPane
from reader.tui.widgets.sidebar import Sidebar


def binding_groups(app_bindings: list[Binding]) -> list[tuple[str, list[Binding]]]:
    from reader.tui.screens.annotating import AnnotatingScreen
    from reader.tui.screens.annotations import AnnotationsScreen
    from reader.tui.screens.entity_dialogs import CorrectionDialog, EntityLabelsDialog
    from reader.tui.screens.highlight_dialog import AnnotationDialog
    from reader.tui.screens.main import MainScreen
    from reader.tui.screens.stories import DigestScreen, StoriesScreen, StoryScreen
    from reader.tui.screens.tag_editor import RenameTagDialog, TagEditor
    from reader.tui.screens.welcome import WelcomeScreen
    from reader.tui.widgets.annotations_panel import AnnotationsPanel

    def of(cls: type) -> list[Binding]:
        return [b for b in getattr(cls, "BINDINGS", []) if isinstance(b, Binding)]

    return [
        ("Everywhere", app_bindings),
        ("Main screen", of(MainScreen)),
        ("Tags and annotations", of(AnnotatingScreen)),
        ("Annotations panel", of(AnnotationsPanel)),
        ("All annotations", of(AnnotationsScreen)),
        ("Highlight and note dialog", of(AnnotationDialog)),
        ("Article list", of(ArticleList)),
        ("Reading pane", of(ReadingPane)),
        ("Sidebar", of(Sidebar)),
        ("Entity panel", of(EntityPanel)),
        ("Stories, a story, the digest", of(StoriesScreen) + of(StoryScreen) + of(DigestScreen)),
        ("Welcome", of(WelcomeScreen)),
        ("Help", of(HelpScreen)),
        (
            "Dialogs",
            of(AddFeedDialog)
            + of(ConfirmDialog)
            + of(TagEditor)
            + of(RenameTagDialog)
            + of(CorrectionDialog)
            + of(EntityLabelsDialog),
        ),
    ]


def unknown_binding_ids(keymap: Mapping[str, str], app_bindings: list[Binding]) -> list[str]:
    """The [keymap] ids that name no binding (a typo, or an id since renamed)."""
    known = {b.id for _, bindings in binding_groups(app_bindings) for b in bindings}
    return sorted(set(keymap) - known)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, app_bindings: list[Binding], keymap: dict[str, str]) -> None:
        super().__init__()
        self.app_bindings = app_bindings
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(Content("Keys").stylize("bold $accent"))
            yield Static(self._table())
            yield Static(
                Content(
                    'Remap any key in the config file\'s [keymap] table: binding id = "keys". '
                    "Ctrl+P opens the command palette. Escape closes this."
                ).stylize("$text-muted")
            )

    def _table(self) -> Content:
        lines: list[Content] = []
        for group, bindings in binding_groups(self.app_bindings):
            lines.append(Content(f"\n{group}").stylize("bold"))
            for binding in bindings:
                keys = self.keymap.get(binding.id or "", binding.key)
                shown = ", ".join(_key_name(k) for k in keys.split(","))
                lines.append(
                    Content(f"  {shown:<18}").stylize("$text-accent")
                    + Content(f"{binding.description or binding.action:<24}")
                    + Content(f" {binding.id or ''}").stylize("$text-muted")
                )
        return Content("\n").join(lines)


def _key_name(key: str) -> str:
    names = {
        "slash": "/",
        "at": "@",
        "plus": "+",
        "left_curly_bracket": "{",
        "right_curly_bracket": "}",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "question_mark": "?",
        "less_than_sign": "<",
        "greater_than_sign": ">",
        "escape": "Esc",
        "enter": "Enter",
        "space": "Space",
        "delete": "Del",
        "pagedown": "PgDn",
        "pageup": "PgUp",
    }
    key = key.strip()
    return names.get(key, key)
