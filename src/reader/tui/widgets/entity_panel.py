"""The entity panel: the open article's entities, most salient first.

Entity names come from article text, so every prompt is a `Content`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.core.models import Article, Mention
from reader.core.service import salience
from reader.tui.styles import LABEL_NAMES, LABEL_STYLES


@dataclass(frozen=True, slots=True)
class Salient:
    """One entity of the article, as the panel lists it."""

    name: str
    label: str
    mentions: int


def salient_entities(article: Article, mentions: Sequence[Mention]) -> list[Salient]:
    return [
        Salient(name, label, count)
        for name, label, count, _score in salience(mentions, article.summary.title, article.text)
    ]


def entity_prompt(entity: Salient) -> Content:
    return Content(entity.name).stylize(LABEL_STYLES.get(entity.label, "")) + Content(
        f"  {LABEL_NAMES.get(entity.label, entity.label)} ×{entity.mentions}"
    ).stylize("$text-muted")


class EntityPanel(OptionList):
    """Enter follows the highlighted entity; w watches it (the watchlist);
    t, l, x correct it; + adds an entity."""

    BINDINGS = [
        # j/k as in the article list and the annotations panel beside it.
        Binding("j", "cursor_down", "Down", show=False, id="entities.down"),
        Binding("k", "cursor_up", "Up", show=False, id="entities.up"),
        Binding("enter", "select", "Follow", id="entities.follow"),
        Binding("w", "watch", "Watch", id="entities.watch"),
        Binding("t", "correct('entity')", "Type", id="entities.type"),
        Binding("l", "correct('alias')", "Alias", id="entities.alias"),
        Binding("x", "correct('ignore')", "Ignore", id="entities.ignore"),
        Binding("plus", "correct('new')", "New entity", id="entities.new"),
        Binding("escape", "close", "Close panel", id="entities.close"),
    ]

    class Follow(Message):
        """List every article that mentions this entity."""

        def __init__(self, entity: Salient) -> None:
            super().__init__()
            self.entity = entity

    class Watch(Message):
        """Add this entity to the watchlist (its new stories in the sidebar)."""

        def __init__(self, entity: Salient) -> None:
            super().__init__()
            self.entity = entity

    class Correct(Message):
        """The user wants to correct an entity: kind 'entity' (its type),
        'alias', 'ignore', or 'new' (a new entity; `entity` is None)."""

        def __init__(self, kind: str, entity: Salient | None) -> None:
            super().__init__()
            self.kind = kind
            self.entity = entity

    class Closed(Message):
        pass

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, **kwargs)
        self.entities: list[Salient] = []
        self._shown: tuple[Article | None, Sequence[Mention]] = (None, ())
        self.border_title = "Entities"

    def show(self, article: Article | None, mentions: Sequence[Mention]) -> None:
        """List the article's entities, keeping the highlighted one if it is still there.

        While the panel is hidden this only remembers them: rebuilding a hidden
        list on every cursor move cost a layout pass per key press."""
        self._shown = (article, mentions)
        if self.display:
            self.rebuild()

    def rebuild(self) -> None:
        article, mentions = self._shown
        kept = self.current
        self.entities = salient_entities(article, mentions) if article is not None else []
        self.clear_options()
        if not self.entities:
            self.add_option(Option(Content("No names found in this article.").stylize("italic")))
            return
        self.add_options(Option(entity_prompt(e), id=str(i)) for i, e in enumerate(self.entities))
        names = [e.name for e in self.entities]
        self.highlighted = names.index(kept.name) if kept is not None and kept.name in names else 0

    @property
    def current(self) -> Salient | None:
        option = self.highlighted_option
        if option is None or option.id is None:
            return None
        return self.entities[int(option.id)]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id is not None:
            self.post_message(self.Follow(self.entities[int(event.option_id)]))

    def action_watch(self) -> None:
        if self.current is not None:
            self.post_message(self.Watch(self.current))

    def action_correct(self, kind: str) -> None:
        entity = None if kind == "new" else self.current
        if kind == "new" or entity is not None:
            self.post_message(self.Correct(kind, entity))

    def action_close(self) -> None:
        self.post_message(self.Closed())
