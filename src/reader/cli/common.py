"""What every command shares: exit codes, the user-facing error, JSON output."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass


EXIT_OK = 0


EXIT_ERROR = 1


EXIT_USAGE = 2


class CliError(Exception):
    """A user-facing error: printed as `reader: <message>`, exit code 1."""


def fail(message: str) -> int:
    from reader.core.errors import one_line

    print(f"reader: {one_line(message)}", file=sys.stderr)
    return EXIT_ERROR


def note_long_search(search: str | None) -> None:
    """Say on stderr (--json output stays clean) when a search was cut short."""
    from reader.core.service import long_search_note

    note = long_search_note(search)
    if note:
        print(f"reader: {note}", file=sys.stderr)


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
