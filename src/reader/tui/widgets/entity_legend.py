"""Which entity labels are coloured, and the legend line that says so."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from textual.content import Content

from reader.core.models import LABELS, Mention
from reader.core.service import Reader
from reader.tui.styles import LABEL_NAMES, LABEL_STYLES

COLOUR_PREFERENCE = "entities.colour"  # "on" or "off"
# The labels turned off, not those turned on, so a label added in a later
# version starts coloured.
HIDDEN_PREFERENCE = "entities.hidden"


@dataclass(frozen=True, slots=True)
class EntityColours:
    """The user's entity colouring: all on or off, and the labels left plain."""

    on: bool = True
    hidden: frozenset[str] = frozenset()

    @property
    def labels(self) -> frozenset[str]:
        """The labels to colour now."""
        return frozenset(LABELS) - self.hidden if self.on else frozenset()

    @classmethod
    def load(cls, reader: Reader) -> EntityColours:
        hidden = reader.preference(HIDDEN_PREFERENCE) or ""
        return cls(
            on=reader.preference(COLOUR_PREFERENCE) != "off",
            hidden=frozenset(label for label in hidden.split(",") if label in LABELS),
        )

    def save(self, reader: Reader) -> None:
        reader.set_preference(COLOUR_PREFERENCE, "on" if self.on else "off")
        reader.set_preference(HIDDEN_PREFERENCE, ",".join(sorted(self.hidden)))


def label_content(label: str) -> Content:
    """A label's readable name in the label's own colour."""
    return Content(LABEL_NAMES.get(label, label)).stylize(LABEL_STYLES.get(label, ""))


def legend_content(mentions: Sequence[Mention], colours: EntityColours, width: int = 0) -> Content:
    """One entry per label found in the article, with its count; labels left
    plain are struck through, so the legend also shows what the toggles hide."""
    counts = Counter(m.label for m in mentions)
    if not counts:
        return Content("")
    if not colours.on:
        return Content("Entity colours off (e turns them on)").stylize("$text-muted")
    parts: list[Content] = []
    for label in LABELS:
        if not counts[label]:
            continue
        count = Content(f" {counts[label]}").stylize("$text-muted")
        text = LABEL_NAMES[label]
        style = "$text-muted strike" if label in colours.hidden else LABEL_STYLES[label]
        name = Content(text).stylize(style)
        parts.append(name + count)
    return _lines(parts, width)


def _lines(parts: list[Content], width: int) -> Content:
    """Entries joined by two spaces, broken into lines between entries only
    (Textual would wrap inside one, between a label and its count)."""
    lines: list[list[Content]] = [[]]
    used = 0
    for part in parts:
        need = part.cell_length + (2 if lines[-1] else 0)
        if width > 0 and lines[-1] and used + need > width:
            lines.append([])
            used, need = 0, part.cell_length
        lines[-1].append(part)
        used += need
    return Content("\n").join(Content("  ").join(line) for line in lines)
