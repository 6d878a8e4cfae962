"""The core never imports Textual or Rich (DESIGN.md: layers)."""

from __future__ import annotations

import subprocess
import sys


def test_core_imports_without_textual_or_rich() -> None:
    code = (
        "import sys, reader.core.service, reader.core.refresh, reader.cli,"
        " reader.core.entities, reader.core.analysis, reader.core.notes.anchoring,"
        " reader.core.notes.markdown, reader.core.notes.w3c, reader.core.entities.statistical;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'));"
        "print(','.join(bad))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == ""


def test_cli_start_up_does_not_import_the_heavy_parsers() -> None:
    # `reader feeds` and an unchanged refresh must start fast: feedparser and
    # trafilatura are imported by the worker processes that use them, and our
    # feed parser, extractor and story grouping when a feed has changed.
    code = (
        "import sys, reader.cli, reader.core.service;"
        "print(','.join(m for m in ('feedparser', 'trafilatura', 'sqlite_utils',"
        " 'reader.core.feeds', 'reader.core.extract', 'reader.core.stories.grouping')"
        " if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == ""
