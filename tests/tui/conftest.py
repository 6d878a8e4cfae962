"""Fixtures for the app tests: process helpers started before any app runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader.core.config import Settings
from reader.core.service import Reader, make_reader
from reader.tui.app import ReaderApp
from tui.helpers import app_settings, seed_demo

THEME = "textual-dark"
FIXED_NOW = "2027-01-01T00:00:00Z"  # after every demo date: the list sorts by publication


@pytest.fixture(scope="session", autouse=True)
def _process_helpers() -> None:
    """The refresh worker's fork server must start before Textual captures stderr."""
    from reader.tui.app import start_process_helpers

    start_process_helpers()


@pytest.fixture
def make_app() -> Iterator[Callable[..., ReaderApp]]:
    """Build ReaderApp(make_reader(settings)) as the CLI does; close its core after."""
    readers: list[Reader] = []

    def build(settings: Settings, *, demo: bool = False) -> ReaderApp:
        reader = make_reader(settings)
        readers.append(reader)
        return ReaderApp(reader, demo=demo)

    yield build
    for reader in readers:
        reader.close()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seeded rows get the same added/fetched times on every run."""
    import reader.core.clock

    monkeypatch.setattr(reader.core.clock, "utcnow", lambda: FIXED_NOW)


@pytest.fixture
def settings(tmp_path: Path, fixed_clock: None) -> Settings:
    return app_settings(tmp_path, theme=THEME)


@pytest.fixture
def demo(settings: Settings) -> Settings:
    seed_demo(settings)
    return settings
