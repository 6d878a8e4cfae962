"""The entry point: parse, build the core, run the handler, turn errors into one line."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from reader.core.service import Reader

from reader.cli.common import EXIT_OK, CliError, fail
from reader.cli.parser import build_parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    stdout = sys.stdout
    # The app draws on the terminal itself; the commands' output is watched.
    if stdout is not None and getattr(args, "handler", cmd_app) is not cmd_app:
        sys.stdout = _Output(stdout)
    try:
        code = _run(args)
        if sys.stdout is not None:  # None: started with standard output closed
            sys.stdout.flush()  # what is still buffered fails here, not at exit
        return code
    except KeyboardInterrupt:
        print("\nreader: interrupted; what finished is stored.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `reader articles | head`: the reader of our output left; not an error.
        sys.stderr.close()
        return EXIT_OK
    except OutputError as exc:
        # `reader export opml > /dev/full`: the user's redirection, not a bug.
        _drop_output(stdout)
        return fail(f"cannot write to standard output: {exc.strerror or exc}")
    except Exception as exc:  # the last guard: one line, the traceback on request
        from reader.core.errors import unexpected

        if args.debug:
            traceback.print_exc()
        return fail(unexpected(exc))
    finally:
        sys.stdout = stdout


class OutputError(OSError):
    """Standard output could not be written (a full disk, an I/O error)."""


class _Output:
    """sys.stdout while a command runs: an error writing it (but a closed pipe,
    which stays a BrokenPipeError) becomes an OutputError, so the user reads
    that their output could not be written, not "unexpected error"."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(exc.errno, exc.strerror) from exc

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(exc.errno, exc.strerror) from exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _drop_output(stream: TextIO) -> None:
    """Point standard output at /dev/null, so that the interpreter's flush at
    exit does not fail again on what is still buffered (and print a traceback)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, stream.fileno())
        finally:
            os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # no file descriptor (a test's captured output): nothing to flush at exit


def _run(args: argparse.Namespace) -> int:
    handler: Callable[[Reader, argparse.Namespace], int] = getattr(args, "handler", cmd_app)
    from reader.core.config import ConfigError, load_settings
    from reader.core.errors import database_problem
    from reader.core.service import AddError, NotFoundError, UrlError, make_reader

    try:
        settings = load_settings(args.config, db=args.db)
    except ConfigError as exc:
        return fail(str(exc))
    try:
        reader = make_reader(settings)
    except ConfigError as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"cannot open the database {settings.db_path()}: {exc.strerror or exc}")
    except sqlite3.Error as exc:
        return fail(database_problem(exc, settings.db_path()))
    try:
        return handler(reader, args)
    except (CliError, AddError, NotFoundError, UrlError) as exc:
        return fail(str(exc))
    except sqlite3.Error as exc:
        return fail(database_problem(exc, settings.db_path()))
    finally:
        reader.close()


def cmd_app(reader: Reader, args: argparse.Namespace) -> int:
    """No command: open the app (Textual is imported only here)."""
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        raise CliError("the app needs a terminal; see `reader --help` for the commands")
    from reader.tui.app import run_app

    # A crash inside the app is its exit code too, not 0.
    return run_app(reader, demo=args.demo, debug=args.debug)
