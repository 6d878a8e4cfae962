"""Small helpers every part of the store uses."""

from __future__ import annotations

import hashlib
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


def fts_query(text: str) -> str | None:
    """A safe FTS5 query: every word quoted, a trailing * kept as a prefix search.

    Raw user text such as `"unterminated`, `c++` or `NEAR(` would raise.
    """
    terms = []
    for word in text.split():
        prefix = word.endswith("*") and len(word) > 1
        word = word.rstrip("*") if prefix else word
        if not word:
            continue
        terms.append('"' + word.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(terms) or None


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
