"""What the command line and the app say when something goes wrong that the
code did not expect: one line a person can act on, never a traceback (the
global --debug flag shows it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader.core.textnorm import normalize_line

DEBUG_HINT = "rerun with --debug to see the traceback"


def one_line(text: str) -> str:
    """A message on one line, without terminal controls (messages quote files and servers)."""
    return normalize_line(text)


def database_problem(error: sqlite3.Error, path: Path) -> str:
    """The sentence for an SQLite error on the database at `path`."""
    message = str(error).lower()
    if "locked" in message or "busy" in message:
        return (
            f"the database {path} is busy: another reader is writing to it and did not"
            " finish in time; nothing more was saved, try again when it has finished"
        )
    if "readonly" in message or "read-only" in message:
        return f"cannot write to the database {path}: it is read-only"
    if "made by a newer version" in message:  # store.schema.NewerDatabaseError
        return f"cannot open the database {path}: {one_line(str(error))}"
    if "not a database" in message:
        return f"{path} is not a reader database (SQLite: {one_line(str(error))})"
    if "unable to open" in message:
        reason = "it is a folder" if path.is_dir() else one_line(str(error))
        return f"cannot open the database {path}: {reason}"
    return f"database error on {path}: {one_line(str(error))}"


def problem(error: BaseException, path: Path) -> str:
    """The sentence for any error: a database one as `database_problem` says it
    (the database at `path`), anything else as `unexpected`."""
    if isinstance(error, sqlite3.Error):
        return database_problem(error, path)
    return unexpected(error)


def unexpected(error: BaseException) -> str:
    """One line for an error nobody anticipated, with the way to learn more."""
    detail = one_line(str(error))
    name = type(error).__name__
    return f"unexpected error ({name}{': ' + detail if detail else ''}); {DEBUG_HINT}"
