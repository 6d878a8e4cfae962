"""Imported once by the refresh workers' fork server when pages are extracted.

As reader.core.worker_preload, for trafilatura (~0.3 s to import): named in
the server's preload only while extraction is on (refresh.WORKER_PRELOAD_PAGES),
so a refresh of feeds alone never loads it. A failure is left to the workers.
"""

from __future__ import annotations

import contextlib

with contextlib.suppress(Exception):
    import trafilatura  # noqa: F401
