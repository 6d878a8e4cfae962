"""A long article shown in parts, so that no single render wraps megabytes.

Textual lays out a `Static` by wrapping its whole text on the UI thread, about
ten seconds a megabyte here, and the text cursor renders the body again on
every key. Real articles are well under `PART_CHARS`, so they stay one part and
look as before; a hostile or giant item is shown a part at a time, with a note
that says how much comes before and after and which key shows it.
"""

from __future__ import annotations

import bisect
import re

PART_CHARS = 100_000  # above real articles (< 100 KB), a part renders in well under a second
_SPACE = re.compile(r"\s")


def part_starts(text: str, size: int = PART_CHARS) -> list[int]:
    """Stored offsets where each part begins: every part is at most `size`
    characters and ends after a paragraph (a newline) when one falls in its
    second half, else after a space, else exactly at `size` (one endless word)."""
    starts = [0]
    while len(text) - starts[-1] > size:
        start = starts[-1]
        limit = start + size
        cut = text.rfind("\n", start + size // 2, limit) + 1
        while 0 < cut < limit and text[cut] == "\n":  # a blank line goes with its paragraph
            cut += 1
        if cut == 0:
            spaces = [m.end() for m in _SPACE.finditer(text, limit - size // 2, limit)]
            cut = spaces[-1] if spaces else limit
        starts.append(cut)
    return starts


def part_of(starts: list[int], offset: int) -> int:
    """The index of the part holding stored `offset`."""
    return max(0, bisect.bisect_right(starts, offset) - 1)
