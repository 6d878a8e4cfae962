"""Fixtures for the app tests: process helpers started before any app runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from reader.core.config import Settings
from reader.core.service import Reader, make_reader
from reader.tui.app import ReaderApp


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
