"""Offsets in an article's text as shown, and a keyboard cursor that moves over it.

The reading pane shows the stored text with every lone newline doubled (a
blank line between paragraphs), so an offset on screen and an offset in the
stored text differ by the newlines added before it. Highlights, mentions and
search hits live in stored offsets; screen positions (the mouse selection, the
wrapped lines) live in display offsets. `DisplayText` converts both ways.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from textual.content import Content

_LONE_NEWLINE = re.compile(r"(?<!\n)\n(?!\n)")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class DisplayText:
    """The stored `text` and its display form. Feed text (not extracted from
    the page) can keep one blank line between paragraphs already: only a lone
    newline is doubled."""

    text: str
    added: list[int] = field(init=False)  # stored offsets of the doubled newlines
    display: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "added", [m.start() for m in _LONE_NEWLINE.finditer(self.text)])
        object.__setattr__(self, "display", _LONE_NEWLINE.sub("\n\n", self.text))

    def to_display(self, offset: int) -> int:
        return offset + bisect.bisect_left(self.added, offset)

    def to_stored(self, offset: int) -> int:
        """The stored offset of a display offset (an added newline maps to its twin)."""
        low, high = 0, len(self.text)
        while low < high:  # the largest stored offset whose display offset is <= offset
            middle = (low + high + 1) // 2
            if self.to_display(middle) <= offset:
                low = middle
            else:
                high = middle - 1
        return low


def words(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD.finditer(text)]


def word_at(text: str, offset: int) -> tuple[int, int]:
    """The word at (or after) `offset`; the offset itself when there is none."""
    for found in _WORD.finditer(text, max(0, offset)):
        return found.span()
    for start, end in reversed(words(text[:offset])):
        return start, end
    return offset, offset


def next_word(text: str, offset: int, step: int) -> int:
    """Start of the next (step 1) or previous (-1) word from the word at `offset`."""
    starts = [start for start, _ in words(text)]
    if not starts:
        return offset
    index = bisect.bisect_right(starts, offset) - 1
    index = max(0, min(len(starts) - 1, index + step))
    return starts[index]


def next_paragraph(text: str, offset: int, step: int) -> int:
    """Start of the next (step 1) or previous (-1) paragraph (one a line when stored)."""
    starts = [0] + [m.end() for m in re.finditer(r"\n+", text)]
    starts = [s for s in starts if s < len(text)] or [0]
    index = bisect.bisect_right(starts, offset) - 1
    index = max(0, min(len(starts) - 1, index + step))
    return starts[index]


@functools.lru_cache(maxsize=4)
def visual_lines(display: str, width: int) -> tuple[int, ...]:
    """Display offsets where each wrapped line on screen starts, at `width` cells.

    Textual wraps each line of the content and strips the spaces at a break,
    so the starts are recovered by walking the text past each wrapped piece.
    Kept for the last few texts and widths: every cursor key asks again for
    the same text, and wrapping a long article costs more than rendering it.
    """
    starts: list[int] = []
    position = 0
    for line in display.split("\n"):
        cursor = position
        for piece in Content(line).wrap(max(1, width)):
            if piece.plain:
                cursor = display.find(piece.plain, cursor)
            starts.append(cursor)
            cursor += len(piece.plain)
        position += len(line) + 1
    return tuple(starts)


def line_of(starts: Sequence[int], display_offset: int) -> int:
    return max(0, bisect.bisect_right(starts, display_offset) - 1)


def move_line(layout: DisplayText, width: int, offset: int, step: int) -> int:
    """The stored offset of the word nearest the same column `step` wrapped lines away."""
    starts = visual_lines(layout.display, width)
    here = layout.to_display(offset)
    row = line_of(starts, here)
    column = here - starts[row]
    target = max(0, min(len(starts) - 1, row + step))
    # Blank lines between paragraphs hold no word: keep going the same way.
    while 0 < target < len(starts) - 1 and _line_text(layout.display, starts, target) == "":
        target += 1 if step > 0 else -1
    line_start = starts[target]
    line_end = starts[target + 1] if target + 1 < len(starts) else len(layout.display)
    stored = layout.to_stored(min(line_start + column, max(line_start, line_end - 1)))
    start, _ = word_at(layout.text, stored)
    # Stay on the target line when the next word is further down.
    return start if layout.to_display(start) < line_end else layout.to_stored(line_start)


def _line_text(display: str, starts: Sequence[int], row: int) -> str:
    end = starts[row + 1] if row + 1 < len(starts) else len(display)
    return display[starts[row] : end].strip()
