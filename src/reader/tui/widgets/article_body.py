"""An article's text as a column of blocks, so a cursor move redraws a block.

Textual renders a widget's whole content again when it changes: one Static
holding a long article made every cursor key, selection step or highlight
re-render every wrapped line of it (0.6 s of CPU a key on a 100,000-character
part). The text is cut into blocks of a few thousand characters at paragraph
breaks; each block is a Static of its own, and an update re-renders only the
blocks whose spans changed (the cursor's old and new block).

The blank line of the break a block is cut at becomes the block's top margin,
so the column looks, wraps and scrolls exactly like the one Static it
replaces: rows still count as `visual_lines` over the whole display text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from textual.containers import VerticalGroup
from textual.content import Content, Span
from textual.geometry import Offset
from textual.widgets import Static

# Display characters in a block before it is cut at the next paragraph break.
BLOCK_CHARS = 2_000
# A paragraph break as displayed: exactly one blank line. Longer runs of
# blank lines (kept from feed text) stay inside a block, drawn as they are.
_BREAK = re.compile(r"(?<!\n)\n\n(?!\n)")


def block_ranges(display: str, size: int = BLOCK_CHARS) -> list[tuple[int, int]]:
    """(start, end) display offsets of the blocks; the break between two
    blocks belongs to neither."""
    ranges: list[tuple[int, int]] = []
    start = 0
    while True:
        found = _BREAK.search(display, start + size) if start + size < len(display) else None
        if found is None:
            ranges.append((start, len(display)))
            return ranges
        ranges.append((start, found.start()))
        start = found.end()


def screen_offset(text: str, position: Offset) -> int:
    """The offset in `text` of a (column, line) position, as Textual's text
    selection reports it (lines are the text's own, not the wrapped ones)."""
    lines = text.split("\n")
    row = max(0, min(position.y, len(lines) - 1))
    start = sum(len(line) + 1 for line in lines[:row])
    return start + max(0, min(position.x, len(lines[row])))


class ArticleBody(VerticalGroup):
    """The column of blocks; `update` takes the whole text's Content."""

    DEFAULT_CSS = """
    ArticleBody > .article-block {
        height: auto;
    }
    ArticleBody > .article-block.-later {
        margin-top: 1;
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        self._blocks = [Static(classes="article-block")]
        super().__init__(*self._blocks, **kwargs)
        self.content = Content("")
        self._ranges: list[tuple[int, int]] = [(0, 0)]
        self._spans: list[Sequence[Span]] = [[]]  # each block's spans as last rendered

    def update(self, content: Content, *, layout: bool = True) -> None:
        """Show `content`. `layout=False` promises the same text (only spans
        changed), so the blocks keep their heights and need no layout pass."""
        relaid = content.plain != self.content.plain
        self.content = content
        if relaid:
            self._ranges = block_ranges(content.plain)
        cuts = [offset for start, end in self._ranges for offset in (start, end)][1:-1]
        pieces = content.divide(cuts)[::2] if cuts else [content]
        blocks = self._resize(len(pieces))
        spans = self._spans
        for index, (block, piece) in enumerate(zip(blocks, pieces, strict=True)):
            if relaid or layout or piece.spans != spans[index]:
                block.update(piece, layout=layout or relaid)
                spans[index] = piece.spans

    def _resize(self, count: int) -> list[Static]:
        """Exactly `count` blocks, reusing the ones there are (the first is
        never removed: it has no top margin)."""
        blocks = self._blocks
        if len(blocks) > count:
            for block in blocks[count:]:
                block.remove()
            del blocks[count:]
        elif len(blocks) < count:
            more = [Static(classes="article-block -later") for _ in range(count - len(blocks))]
            self.mount_all(more)
            blocks += more
        del self._spans[count:]
        self._spans += [[] for _ in range(count - len(self._spans))]
        return blocks

    @property
    def text_selection_range(self) -> tuple[int, int] | None:
        """The display offsets (start, end) of the mouse selection, which may
        run over several blocks; None when nothing is selected here."""
        chosen = [
            (index, selection)
            for index, block in enumerate(self._blocks)
            if (selection := block.text_selection) is not None
        ]
        if not chosen:
            return None
        display = self.content.plain
        (first, first_selection), (last, last_selection) = chosen[0], chosen[-1]
        first_start, first_end = self._ranges[first]
        last_start, last_end = self._ranges[last]
        start = first_start
        if first_selection.start is not None:
            start += screen_offset(display[first_start:first_end], first_selection.start)
        end = last_end
        if last_selection.end is not None:
            end = last_start + screen_offset(display[last_start:last_end], last_selection.end)
        return start, end
