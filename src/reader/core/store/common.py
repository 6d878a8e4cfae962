"""Small helpers every part of the store uses."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterator, Sequence
from typing import TypeVar, overload

from reader.core.textnorm import normalize_tag, strip_controls

T = TypeVar("T")


def in_chunks(values: Sequence[T]) -> Iterator[tuple[list[T], str]]:
    """Values in slices small enough for one `IN (?, ?, ...)`, with their placeholders."""
    for start in range(0, len(values), 500):
        chunk = list(values[start : start + 500])
        yield chunk, ",".join("?" * len(chunk))


class NotFoundError(LookupError):
    """No feed or article with that id or URL."""


@overload
def shown(value: str) -> str: ...
@overload
def shown(value: None) -> None: ...
def shown(value: str | None) -> str | None:
    """A stored string as the store hands it out. New rows are cleaned before
    they are written; rows an older version wrote may still hold terminal
    controls (a Content-Type in an extraction reason, a redirect's URL), and
    every reader of the store (command line, app, exports) prints what it gets."""
    return strip_controls(value) if value else value


def text_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# Search tokens a query keeps. Each is one more FTS5 index lookup (a prefix
# term a scan of every matching token): 3,000 copies of `nvidia*` pasted into
# the search took 64 s on 50,000 articles, one word of 3,000 hyphenated
# `nvidia` (a phrase of 3,000 tokens) 69 s. A typed query has a handful.
MAX_SEARCH_TERMS = 64
# What FTS5's unicode61 tokenizer takes as one token (letters and digits; the
# underscore separates), to count a word's tokens: "a-b-c" is a phrase of 3.
_TOKEN = re.compile(r"[^\W_]+")


def fts_terms(text: str) -> tuple[list[str], int]:
    """The FTS5 terms of a search (each word quoted, a trailing * kept as a
    prefix search; a word repeated once, so ranking is kept for what a user
    types), at most MAX_SEARCH_TERMS tokens in all, and how many words were
    left out (a first word longer than that is cut to its first tokens).

    Raw user text such as `"unterminated`, `c++` or `NEAR(` would raise.
    """
    terms: dict[str, str] = {}  # ordered: the first words are the ones kept
    left_out = 0
    budget = MAX_SEARCH_TERMS
    for word in text.split():
        prefix = word.endswith("*") and len(word) > 1
        word = word.rstrip("*") if prefix else word
        if not word:
            continue
        term = '"' + word.replace('"', '""') + '"' + ("*" if prefix else "")
        # FTS5's tokenizer folds case: "Nvidia" and "nvidia" are one term
        # (written as first typed: the tokenizer, not str.lower, folds it).
        key = term.lower()
        if key in terms:
            continue
        tokens = max(1, len(_TOKEN.findall(word)))  # "+++": no token, still a lookup
        if tokens > budget:
            if not terms:  # one huge word: its first tokens, as a phrase
                terms[key] = '"' + " ".join(_TOKEN.findall(word)[:budget]) + '"'
                budget = 0
            left_out += 1
            continue
        terms[key] = term
        budget -= tokens
    return list(terms.values()), left_out


def fts_query(text: str) -> str | None:
    """A safe FTS5 query of a search (see fts_terms); None when it has no term."""
    return " ".join(fts_terms(text)[0]) or None


def tag_ids(conn: sqlite3.Connection, names: Sequence[str]) -> list[int]:
    """Ids of the named tags (normalised, empty names skipped), creating the
    missing ones as the user's. Inside the caller's transaction."""
    ids = []
    for raw in names:
        name = normalize_tag(raw)
        if not name:
            continue
        conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (name,))
        ids.append(int(conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()[0]))
    return ids


def joined_names(value: str | None) -> tuple[str, ...]:
    """The names a query packed with `group_concat(name, char(31))`."""
    return tuple(value.split("\x1f")) if value else ()
