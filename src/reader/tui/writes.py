"""A write the database cannot take is a notice in the app, never a crash.

Another process may hold the database longer than `[storage] busy_timeout`
(a long refresh, an import, a `reader` command), or it may be read-only or
full. SQLite then raises, and an exception out of a Textual handler ends the
app. Every UI handler that writes goes through `writes` (methods: actions,
message handlers) or `saving` (the callbacks screens are pushed with, timers):
the error becomes a notice with the command line's own sentence
(errors.database_problem: "the database ... is busy ...; nothing more was
saved, try again ..."), the rest of the handler does not run, and the app
goes on. A write is one transaction, so nothing was half done.
"""

from __future__ import annotations

import inspect
import sqlite3
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar, cast

from textual.dom import DOMNode

from reader.core.errors import database_problem

if TYPE_CHECKING:
    from reader.tui.app import ReaderApp

P = ParamSpec("P")
R = TypeVar("R")
Node = TypeVar("Node", bound=DOMNode)


def not_saved(node: DOMNode, error: sqlite3.Error) -> None:
    """Tell the user, in the command line's words, that the write did not happen."""
    app = cast("ReaderApp", node.app)
    problem = database_problem(error, app.reader.settings.db_path())
    # Text of our own with a path in it: never markup.
    app.notify(problem, title="Not saved", severity="error", markup=False)


def _synchronous(handler: Callable[..., object]) -> None:
    if inspect.iscoroutinefunction(handler):
        # Its error would be raised when awaited, past the guard.
        raise TypeError(f"{handler.__name__}: a coroutine; guard the writes inside it")


def saving(
    node: DOMNode, *, again: Callable[..., object] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R | None]]:
    """Decorator for a callback that writes: a database error is a notice.

    `again`, if given, is called after the notice with the callback's own
    arguments: a dialog's answer, typed by the user, is offered again in the
    dialog, so nothing typed is lost to a busy moment.
    """

    def decorate(handler: Callable[P, R]) -> Callable[P, R | None]:
        _synchronous(handler)

        @wraps(handler)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R | None:
            try:
                return handler(*args, **kwargs)
            except sqlite3.Error as error:
                not_saved(node, error)
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
