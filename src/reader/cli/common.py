"""What every command shares: exit codes, the user-facing error, JSON output."""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
from pathlib import Path
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


def write_file(path: str | Path, text: str) -> None:
    """Write `text` (UTF-8) to the file at `path`, which then holds either all
    of it or what it held before, never a part.

    The file is often the user's backup (their notes, their subscriptions):
    written in place, a full disk, a kill or Ctrl-C halfway left a truncated
    file and no backup. So the text goes to a temporary file in the same
    folder, is flushed to the disk and renamed over the old one. The new file
    keeps the old one's permissions; a file that did not exist gets those an
    ordinary open would give it (0666 less the umask). A link is followed (its
    target is replaced), and something that is not a regular file (/dev/stdout,
    a FIFO) is written as before: it cannot be replaced, nor half-written
    over a backup. Raises OSError.
    """
    try:
        # Through the path as given: /dev/stdout on a pipe resolves to a
        # /proc name that cannot be opened, but opens as given.
        status = os.stat(path)
    except FileNotFoundError:
        mode: int | None = None
    else:
        if not stat.S_ISREG(status.st_mode):
            Path(path).write_text(text, encoding="utf-8")
            return
        mode = stat.S_IMODE(status.st_mode)
    target = Path(os.path.realpath(path))
    existed = mode is not None
    if mode is None:
        mode = 0o666 & ~_umask()
    try:
        fd, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
    except PermissionError:
        if not existed:
            raise
        # A file the user may write in a folder they may not add to: in
        # place, as before, rather than not at all.
        target.write_text(text, encoding="utf-8")
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fchmod(file.fileno(), mode)
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


def _umask() -> int:
    # Read by setting it: the command line runs one thread, so nothing else
    # creates a file while it is changed.
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for the renamed file to the disk (best effort:
    some file systems do not open folders)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
