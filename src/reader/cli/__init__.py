"""The `reader` command line. Its commands and --json keys are stable (DESIGN.md).

One module per group of commands; the `--json` shapes live in json_shapes.py.
Start-up is kept lean: heavy modules are imported by the command that needs
them, so `reader feeds` or an unchanged `reader refresh` start fast.
"""

from reader.cli.common import EXIT_ERROR, EXIT_OK, EXIT_USAGE, CliError
from reader.cli.main import main
from reader.cli.parser import COLOR_CHOICES, LABEL_CHOICES, build_parser

__all__ = [
    "COLOR_CHOICES",
    "EXIT_ERROR",
    "EXIT_OK",
    "EXIT_USAGE",
    "LABEL_CHOICES",
    "CliError",
    "build_parser",
    "main",
]
