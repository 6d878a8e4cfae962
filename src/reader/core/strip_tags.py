"""trafilatura's tag stripping for metadata strings, in linear time.

trafilatura removes tags from every meta tag's content (`examine_meta`), from
every JSON-LD script (`normalize_json`, which page_metadata also calls on the
whole script) and from JSON-LD authors with one pattern, `HTML_STRIP_TAGS`:
`(<!--.*?-->|<[^>]*>)`. Python's `re` tries it afresh at each `<`, and from a
`<!--` with no `-->` after it on its line the lazy `.*?` runs to that line's
end, and from a `<` with no `>` after it `[^>]*` runs to the string's end. So
it costs the square of a string with many of either: a description meta of
`&lt;!--` x 20,000 (80 KB) took 12.4 s of CPU here, a JSON-LD headline of
`\\u003c!--` x 20,000 took 10.8 s, and twice that is past a page job's 30 s
limit (the page is then kept without its text). `&lt;` is not a `<` of the
page's markup, so the page's tag limit does not see it.

`strip_tags` removes the same characters in one pass: each search for the next
`-->`, newline or `>` starts where the last one of its kind ended. It replaces
the pattern's `sub` in the two trafilatura modules that hold it
(`install_linear_strip`), only when the pattern is the one reproduced here; a
trafilatura whose pattern differs keeps its own (and tests/test_strip_tags.py
fails, to say so). No output changes: a property test compares the two on
random strings of the characters that matter.
"""

from __future__ import annotations

import functools
import re
from typing import Any

# The pattern reproduced (trafilatura.utils.HTML_STRIP_TAGS, 2.x).
PATTERN = r"(<!--.*?-->|<[^>]*>)"

# The modules that bound the name at import (`from .utils import HTML_STRIP_TAGS`).
_MODULES = ("trafilatura.metadata", "trafilatura.json_metadata")


def strip_tags(text: str) -> str:
    """`re.sub(PATTERN, "", text)`, in time linear in `text`."""
    last_close = text.rfind(">")
    if last_close < 0:
        return text  # both alternatives end with ">"
    pieces: list[str] = []
    copied = 0
    # The first "-->" and the first newline at or after some earlier point
    # (-1: none left); searched again only when that point is passed.
    comment_close = newline = -2
    while True:
        # A "<" after the last ">" can start no match.
        start = text.find("<", copied, last_close)
        if start < 0:
            pieces.append(text[copied:])
            return "".join(pieces)
        pieces.append(text[copied:start])
        end = -1
        if text.startswith("<!--", start):
            body = start + 4
            if -1 < comment_close < body or comment_close == -2:
                comment_close = text.find("-->", body)
            if comment_close >= 0:
                if -1 < newline < body or newline == -2:
                    newline = text.find("\n", body)
                if newline < 0 or newline > comment_close:  # "." stops at a newline
                    end = comment_close + 3
        if end < 0:
            end = text.index(">", start + 1) + 1  # one exists: start < last_close
        copied = end


class LinearStripTags:
    """Stands in for the compiled pattern: `sub("", text)` is `strip_tags`;
    anything else goes to the pattern itself."""

    def __init__(self, compiled: re.Pattern[str]) -> None:
        self.compiled = compiled
        self.pattern = compiled.pattern

    def sub(self, repl: Any, string: str, count: int = 0) -> str:
        if repl == "" and count == 0 and isinstance(string, str):
            return strip_tags(string)
        return self.compiled.sub(repl, string, count)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.compiled, name)


@functools.cache  # once a process: page_metadata asks at every page
def install_linear_strip() -> bool:
    """Give trafilatura's metadata modules `strip_tags` for their pattern's
    `sub`; True when they have it (done once a process)."""
    import importlib

    installed = True
    for name in _MODULES:
        module = importlib.import_module(name)
        current = getattr(module, "HTML_STRIP_TAGS", None)
        if isinstance(current, LinearStripTags):
            continue
        if not isinstance(current, re.Pattern) or (current.pattern, current.flags) != (
            PATTERN,
            re.UNICODE,
        ):
            installed = False  # another trafilatura: its own pattern stays
            continue
        module.HTML_STRIP_TAGS = LinearStripTags(current)  # type: ignore[attr-defined]
    return installed
