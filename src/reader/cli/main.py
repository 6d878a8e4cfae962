"""The entry point: parse, build the core, run the handler, turn errors into one line."""

from __future__ import annotations

import argparse
import sqlite3
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.core.service import Reader

from reader.cli.common import EXIT_OK, CliError, fail
from reader.cli.parser import build_parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("\nreader: interrupted; what finished is stored.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `reader articles | head`: the reader of our output left; not an error.
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:  # the last guard: one line, the traceback on request
        from reader.core.errors import unexpected

        if args.debug:
            traceback.print_exc()
        return fail(unexpected(exc))


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
