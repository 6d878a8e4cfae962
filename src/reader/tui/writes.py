"""A write the database cannot take, or a row that is gone, is a notice in
the app, never a crash.

Another process may hold the database longer than `[storage] busy_timeout`
(a long refresh, an import, a `reader` command), or it may be read-only or
full. SQLite then raises, and an exception out of a Textual handler ends the
app. Every UI handler that writes goes through `writes` (methods: actions,
message handlers) or `saving` (the callbacks screens are pushed with, timers):
the error becomes a notice with the command line's own sentence
(errors.database_problem: "the database ... is busy ...; nothing more was
saved, try again ..."), the rest of the handler does not run, and the app
goes on. A write is one transaction, so nothing was half done.

The app shows rows it read earlier: another process (a cron `reader refresh`
whose retention prunes old articles, `reader remove`, a second app) may have
deleted one since, and the core then raises NotFoundError for its id. The same
guard turns that into a notice ("Gone"), and the app reloads what it shows
(`ReaderApp.rows_gone`), so the stale row goes away. In both cases `again`
offers what the user typed once more: it is never lost with the write.
"""

from __future__ import annotations

import inspect
import sqlite3
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar, cast

from textual.dom import DOMNode

from reader.core.errors import database_problem
from reader.core.service import NotFoundError

if TYPE_CHECKING:
    from reader.tui.app import ReaderApp

P = ParamSpec("P")
R = TypeVar("R")
Node = TypeVar("Node", bound=DOMNode)


class ShowsRows:
    """A screen that shows rows of the database: when one turns out gone, the
    app has each such screen read its rows again (`ReaderApp.rows_gone`)."""

    def reload_rows(self) -> None:
        raise NotImplementedError


def not_saved(node: DOMNode, error: sqlite3.Error) -> None:
    """Tell the user, in the command line's words, that the write did not happen."""
    app = cast("ReaderApp", node.app)
    problem = database_problem(error, app.reader.settings.db_path())
    # Text of our own with a path in it: never markup.
    app.notify(problem, title="Not saved", severity="error", markup=False)


def gone(node: DOMNode, error: NotFoundError, *, typed: bool) -> None:
    """Tell the user the row is gone (deleted since it was shown), and reload
    the views so it no longer shows."""
    app = cast("ReaderApp", node.app)
    said = str(error)
    message = (
        f"{said[:1].upper()}{said[1:]}: it was deleted since it was shown here (by another"
        " reader process, or a refresh pruning old articles). The view is reloaded."
    )
    if typed:
        message += " What you typed is shown again: copy it (select it, ctrl+c) to keep it."
    # Ours, with an id or a tag name the user gave in it: never markup.
    app.notify(message, title="Gone", severity="warning", markup=False)
    app.rows_gone()


def _synchronous(handler: Callable[..., object]) -> None:
    if inspect.iscoroutinefunction(handler):
        # Its error would be raised when awaited, past the guard.
        raise TypeError(f"{handler.__name__}: a coroutine; guard the writes inside it")


def saving(
    node: DOMNode, *, again: Callable[..., object] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R | None]]:
    """Decorator for a callback that writes: a database error, or a row
    gone, is a notice.

    `again`, if given, is called after the notice with the callback's own
    arguments: a dialog's answer, typed by the user, is offered again in the
    dialog, so nothing typed is lost to a busy moment or a deleted row.
    """

    def decorate(handler: Callable[P, R]) -> Callable[P, R | None]:
        _synchronous(handler)

        @wraps(handler)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R | None:
            try:
                return handler(*args, **kwargs)
            except sqlite3.Error as error:
                not_saved(node, error)
            except NotFoundError as error:
                gone(node, error, typed=again is not None)
            if again is not None:
                again(*args, **kwargs)
            return None

        return guarded

    return decorate


def writes(
    method: Callable[Concatenate[Node, P], R],
) -> Callable[Concatenate[Node, P], R | None]:
    """Decorator for a node's handler method that writes (see `saving`)."""
    _synchronous(method)

    @wraps(method)
    def guarded(self: Node, /, *args: P.args, **kwargs: P.kwargs) -> R | None:
        return saving(self)(method)(self, *args, **kwargs)

    return guarded
