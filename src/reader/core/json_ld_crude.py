"""What trafilatura reads from a JSON-LD script json.loads rejects
(`json_metadata.extract_json_parse_error`), the same answers in linear time.

Its crude patterns for the author and the publisher look, from every
`"author"`, `"Person"` or `"publisher":`, lazily along the characters up to
the next `}` (or `[`) for a `"name":` after it; where none follows, each such
key scans to that brace again, as does its pattern that removes typed objects
(`"@type":"ImageObject",` ... `}`) from every such type. A page's script of
`"author":1,` repeated without a brace held a worker 5 s at 64 KB, and past
the 30 s extraction limit at 128 KB. Here each key is first checked against
the next brace and the next place the rest of the pattern matches, found once
for all the keys before them (`_Ahead`); trafilatura's own pattern then
matches only at a key that this check passes, so its match (groups, end) is
the one its search finds there. The rest of the function (page type,
category, title) searches with trafilatura's patterns as it does: each stops
at its first match or within one string.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from trafilatura.json_metadata import (
    JSON_AUTHOR_1,
    JSON_AUTHOR_2,
    JSON_AUTHOR_REMOVE,
    JSON_CATEGORY,
    JSON_OGTYPE_SCHEMA,
    JSON_PUBLISHER,
    JSON_SEQ,
    JSON_TYPE,
    is_plausible_sitename,
    normalize_authors,
    normalize_json,
)

from reader.core.author_bound import AuthorBudget

# The patterns below are these, taken apart (a test holds them equal):
#   JSON_AUTHOR_1  "author":  [^}[]+?  _NAME_QUOTED
#                | "author"   [^}[]+?  _NAMES_THEN_TEXT
#   JSON_AUTHOR_2  "[Pp]erson" [^}]+?  _NAMES_THEN_TEXT
#   JSON_PUBLISHER "publisher": [^}]+? _NAME_QUOTED
#   JSON_AUTHOR_REMOVE  a short prefix, _TYPED, [^}[]+}, an optional closer
_NAME_QUOTED = re.compile(r'"name?\\?": ?\\?"([^"\\]+)')
_NAMES_THEN_TEXT = re.compile(r'"names?".+?"([^"]+)', re.DOTALL)
_PERSON = re.compile(r'"[Pp]erson"')
_TYPED = re.compile(r'"@type":"(?:[Ii]mageObject|[Oo]rganization|[Ww]eb[Pp]age)",')
_BRACE_OR_BRACKET = re.compile(r"[}\[]")
_BRACE = re.compile(r"}")
_NOWHERE = sys.maxsize


class _Ahead:
    """The first place at or after a position where `pattern` matches in
    `text` (`none` if nowhere), asked for rising positions: an answer stands
    for every position up to it, so the text is scanned about once."""

    def __init__(self, pattern: re.Pattern[str], text: str, none: int) -> None:
        self.pattern, self.text, self.none = pattern, text, none
        self.asked, self.found = 1, 0  # nothing asked yet

    def first(self, at: int) -> int:
        if not self.asked <= at <= self.found:
            match = self.pattern.search(self.text, at)
            self.asked, self.found = at, match.start() if match else self.none
        return self.found


class _Lazy:
    """Where `key` + `[^stops]+?` + `rest` matches in a text, given where the
    run after the key starts and the first stop at or after it: the lazy run
    reaches `rest` at its first place after the run's first character, if no
    stop comes before it."""

    def __init__(self, text: str, rest: re.Pattern[str]) -> None:
        self.rest = _Ahead(rest, text, _NOWHERE)

    def matches(self, run_start: int, stop: int) -> bool:
        return stop > run_start and self.rest.first(run_start + 1) <= stop


# Each search below runs trafilatura's own pattern at a key the check passes
# (and at no other), so its answer is the pattern's there; were the check ever
# to pass a key the pattern fails at, the search would go on to the next.


def first_author(text: str) -> re.Match[str] | None:
    """`JSON_AUTHOR_1.search(text)`."""
    stops = _Ahead(_BRACE_OR_BRACKET, text, len(text))
    quoted, names = _Lazy(text, _NAME_QUOTED), _Lazy(text, _NAMES_THEN_TEXT)
    at = text.find('"author"')
    while at >= 0:
        # The same stop for both branches: after `"author":` the colon is none.
        stop = stops.first(at + 8)
        colon = text.startswith(":", at + 8)
        passes = (colon and quoted.matches(at + 9, stop)) or names.matches(at + 8, stop)
        if passes and (match := JSON_AUTHOR_1.match(text, at)) is not None:
            return match
        at = text.find('"author"', at + 1)
    return None


def first_person(text: str) -> re.Match[str] | None:
    """`JSON_AUTHOR_2.search(text)`."""
    stops, names = _Ahead(_BRACE, text, len(text)), _Lazy(text, _NAMES_THEN_TEXT)
    key = _PERSON.search(text)
    while key is not None:
        passes = names.matches(key.end(), stops.first(key.end()))
        if passes and (match := JSON_AUTHOR_2.match(text, key.start())) is not None:
            return match
        key = _PERSON.search(text, key.start() + 1)
    return None


def first_publisher(text: str) -> re.Match[str] | None:
    """`JSON_PUBLISHER.search(text)`."""
    stops, quoted = _Ahead(_BRACE, text, len(text)), _Lazy(text, _NAME_QUOTED)
    at = text.find('"publisher":')
    while at >= 0:
        passes = quoted.matches(at + 12, stops.first(at + 12))
        if passes and (match := JSON_PUBLISHER.match(text, at)) is not None:
            return match
        at = text.find('"publisher":', at + 1)
    return None


def without_typed_objects(text: str) -> str:
    """`JSON_AUTHOR_REMOVE.sub("", text)`. Its match holds one `_TYPED` (whose
    `"@` its short prefix cannot hold), ends after the run up to the next
    brace or bracket if that is a brace, and starts as far back as the prefix
    allows, never before the typed object ahead of it: so each typed object
    whose run ends on a brace is searched for from just after the one before."""
    stops = _Ahead(_BRACE_OR_BRACKET, text, len(text))
    kept: list[str] = []
    done = 0  # the end of the last match
    after_previous = 0
    for typed in _TYPED.finditer(text):
        start, end = typed.span()
        search_from, after_previous = max(done, after_previous), start + 1
        if start < done:
            continue  # inside the last match's run
        stop = stops.first(end)
        if stop == end or stop == len(text) or text[stop] != "}":
            continue
        match = JSON_AUTHOR_REMOVE.search(text, search_from)
        if match is None:  # (cannot be: the check above is the pattern's)
            break
        kept.append(text[done : match.start()])
        done = match.end()
    kept.append(text[done:])
    return "".join(kept)


def _authors(text: str, first: Any, budget: AuthorBudget) -> str | None:
    """trafilatura's extract_json_author with `first` for its search, its names
    rationed by `budget` (each search and removal costs the text's length, so
    it also stops when the budget is spent)."""
    authors = None
    while not budget.spent and (match := first(text)) is not None:
        name = next(filter(None, match.groups()), None)
        if not name or " " not in name:
            break
        authors = normalize_authors(authors, budget.take(name))
        text = text[: match.start()] + text[match.end() :]  # its sub(count=1)
    return authors or None


def crude_metadata(text: str, found: Any, budget: AuthorBudget | None = None) -> Any:
    """`extract_json_parse_error(text, found)`: the same steps, in its order,
    its author names rationed by `budget` (a fresh one when not given)."""
    budget = budget or AuthorBudget()
    typeless = without_typed_objects(text)
    author = _authors(typeless, first_author, budget) or _authors(typeless, first_person, budget)
    if author:
        found.author = author
    if "@type" in text and (match := JSON_TYPE.search(text)):
        candidate = normalize_json(match[1].lower())
        if candidate in JSON_OGTYPE_SCHEMA:
            found.pagetype = candidate
    if '"publisher"' in text and (match := first_publisher(text)) and "," not in match[1]:
        candidate = normalize_json(match[1])
        if is_plausible_sitename(found, candidate):
            found.sitename = candidate
    if '"articleSection"' in text and (match := JSON_CATEGORY.search(text)):
        found.categories = [normalize_json(match[1])]
    for key, pattern in JSON_SEQ:
        if key in text and not found.title and (match := pattern.search(text)):
            found.title = normalize_json(match[1])
            break
    return found
