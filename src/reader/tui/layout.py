"""How the main screen shares the terminal's width between its panes.

Reading comes first: the article's text column is kept between TEXT_MIN and
TEXT_MAX characters when there is room (shorter lines tire, longer ones lose
the eye at the line's start), and the article list takes what is left. Below
SINGLE_PANE_BELOW columns the list and the article take turns on the whole
width; the sidebar comes and goes with `1` at any width, and never takes the
reading pane's room.
"""

from __future__ import annotations

from dataclasses import dataclass

SINGLE_PANE_BELOW = 100  # columns: list or article, not both
SIDEBAR = 24
TEXT_MIN, TEXT_MAX = 60, 80  # characters per line of article text
TEXT_SHARED = 50  # the text gives up to this much for a list of LIST_MIN (sidebar asked for)
TEXT_FLOOR = 40  # never less text than this beside the list
LIST_MIN = 36  # the list's width before the sidebar is shown without asking
LIST_COMFORT = 50  # the text grows past TEXT_MIN only while the list keeps this
LIST_FLOOR = 24  # the list is never narrower than this beside the article
# The reading pane's own columns around its text: border (1), padding (2 + 2)
# and the vertical scrollbar (2).
READER_CHROME = 7


@dataclass(frozen=True, slots=True)
class Panes:
    """Widths in columns; 0 means the pane is hidden."""

    sidebar: int
    list: int
    reader: int


def sidebar_fits(width: int) -> bool:
    """Whether the sidebar shows by default: only when the list and a text
    column of TEXT_MIN still fit beside it."""
    return width - SIDEBAR - LIST_MIN >= TEXT_MIN + READER_CHROME


def panes(width: int, *, sidebar: bool, reading: bool, list_shift: int = 0) -> Panes:
    """The panes' widths for a terminal `width` columns wide.

    `reading`: the article alone (wide reading, or an article opened below
    SINGLE_PANE_BELOW). `list_shift`: columns the user moved from the
    article to the list (`>`) or back (`<`, negative).
    """
    if reading:
        return Panes(0, 0, width)
    side = min(SIDEBAR, width // 3) if sidebar else 0
    if width < SINGLE_PANE_BELOW:
        return Panes(side, width - side, 0)
    room = width - side
    text = max(TEXT_MIN, min(TEXT_MAX, room - LIST_COMFORT - READER_CHROME))
    # The sidebar asked for where it does not fit: the list and the text share the loss.
    text = min(text, max(TEXT_SHARED, room - LIST_MIN - READER_CHROME))
    reader = text + READER_CHROME - list_shift
    reader = max(TEXT_FLOOR + READER_CHROME, min(reader, room - LIST_FLOOR))
    return Panes(side, room - reader, reader)
