"""How much of a page's author text reaches trafilatura's `normalize_authors`.

`normalize_authors` is called once for each author a page names: each meta tag
`examine_meta` reads as an author, each author or person name in JSON-LD
(`extract_json`, `json_ld_crude`). It costs the square of one string where an
opening bracket has no closer after it (its nickname pattern scans from each
one to the end: `"( "` x 16,000, 32 KB, held a worker 3.6 s), and, as every
call keeps the names found so far and compares each with each, the square of
the names so far for each call: 1,000 metas of one short name each took 18 s.

So a page's author strings are rationed before trafilatura sees them: each cut
to `STRING_CHARS`, all of them together to a budget of characters and of
strings, the rest seen as empty (which trafilatura skips). On the extraction
benchmark's 91 real news pages the longest author meta is 55 characters, a
page has at most 3 author metas (105 characters together), and its JSON-LD
at most 4 author or person names (88 characters together): the bounds are 4
to 18 times those, so only absurd pages read differently. Inside them the
page built to cost the most (the metas' budget and the JSON-LD's each spent
on one string of ~250 short names, then every string left used for one more)
takes ~0.05 s of CPU here.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Iterator
from typing import Any

STRING_CHARS = 1_000  # one author string
BUDGET_CHARS = 1_000  # all of a page's author metas, or all of its JSON-LD's
BUDGET_STRINGS = 16  # the author metas, or the JSON-LD's author and person names

# The name-ish keys `extract_json` reads from a person (trafilatura's
# `AUTHOR_ATTRS` and "name").
_NAME_KEYS = frozenset({"name", "givenName", "additionalName", "familyName"})


class AuthorBudget:
    """What is left of a page's author characters and strings."""

    def __init__(self, strings: int = BUDGET_STRINGS, chars: int = BUDGET_CHARS) -> None:
        self.strings, self.chars = strings, chars

    @property
    def spent(self) -> bool:
        return self.strings <= 0 or self.chars <= 0

    def take(self, text: str) -> str:
        """`text` as far as the budget allows it (the whole of it, mostly)."""
        if self.spent:
            return ""
        self.strings -= 1
        kept = text[: min(STRING_CHARS, self.chars)]
        self.chars -= len(kept)
        return kept


@functools.cache  # trafilatura's name sets, read once a process, not once a page
def _author_meta_test() -> Any:
    """Whether a meta is one trafilatura's examine_meta or extract_opengraph may
    read as an author (a superset: one that is not only shares the budget)."""
    from trafilatura.metadata import METANAME_AUTHOR, OG_AUTHOR, PROPERTY_AUTHOR

    by_name = METANAME_AUTHOR | {"author"}  # an itemprop of "author" too

    def is_author(meta: Any) -> bool:
        prop = meta.get("property")
        if prop is not None and (prop in OG_AUTHOR or prop.lower() in PROPERTY_AUTHOR):
            return True
        name = meta.get("name") or meta.get("itemprop")
        return name is not None and name.lower() in by_name

    return is_author


@contextlib.contextmanager
def bounded_author_metas(tree: Any) -> Iterator[None]:
    """While inside, the page's author metas hold only what the budget allows;
    each one cut is given back its content on the way out, so the tree is
    as it was (the same element objects, attributes and order)."""
    budget, is_author = AuthorBudget(), _author_meta_test()
    cut: list[tuple[Any, str]] = []
    try:
        # examine_meta's and extract_opengraph's metas (both under a head).
        for meta in tree.iterfind(".//head/meta[@content]"):
            if not is_author(meta):
                continue
            content = meta.get("content")
            kept = budget.take(content)
            if kept != content:
                cut.append((meta, content))
                meta.set("content", kept)
        yield
    finally:
        for meta, content in cut:
            meta.set("content", content)


def bound_json_authors(value: Any, budget: AuthorBudget) -> Any:
    """Parsed JSON-LD with its authors and the names of nodes typed Person
    rationed by `budget`, in document order (changed in place, and returned;
    other strings are left whole).

    trafilatura calls normalize_authors for every author string and every
    person's name, empty or not, and each call costs the square of the names
    so far: so once the budget is spent an author is an empty list and a
    person's name None, which it passes over."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = bound_json_authors(item, budget)
    elif isinstance(value, dict):
        person = _is_person(value.get("@type"))
        for key, item in value.items():
            if key == "author":
                value[key] = _bound_author(item, budget)
            elif person and key == "name":
                value[key] = None if budget.spent else _bound_names(item, budget)
            elif isinstance(item, dict | list):
                value[key] = bound_json_authors(item, budget)
    return value


def _bound_author(value: Any, budget: AuthorBudget) -> Any:
    """An author's value with its names rationed: a string, JSON text of a list
    or an object (trafilatura parses it: so it is given parsed, the same
    value), a list (cut after the item that spends the budget), or an object
    whose names are read (its `@type`, `url` and the like stay whole)."""
    if budget.spent:
        return []
    if isinstance(value, str):
        with contextlib.suppress(ValueError, RecursionError):
            parsed = json.loads(value)
            if isinstance(parsed, list | dict):
                return _bound_author(parsed, budget)
        return budget.take(value)
    if isinstance(value, list):
        kept = []
        for item in value:
            if budget.spent:
                break
            kept.append(_bound_author(item, budget))
        return kept
    if isinstance(value, dict):
        return {
            key: _bound_names(item, budget) if key in _NAME_KEYS else item
            for key, item in value.items()
        }
    return value


def _bound_names(value: Any, budget: AuthorBudget) -> Any:
    """A name: a string, or a list trafilatura joins, or an object whose `name`
    it reads (a spent string is empty: one call at most, for this author)."""
    if isinstance(value, str):
        return budget.take(value)
    if isinstance(value, list):
        return [_bound_names(item, budget) for item in value if not budget.spent]
    if isinstance(value, dict):
        return {k: _bound_names(v, budget) if k == "name" else v for k, v in value.items()}
    return value


def _is_person(kind: Any) -> bool:
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.lower() == "person" for k in kinds)
