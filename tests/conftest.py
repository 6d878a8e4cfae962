from __future__ import annotations

import dataclasses
import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pytest

from loopback import LoopbackServer
from reader.core.config import HttpSettings, RefreshSettings, Settings, StorageSettings
from reader.core.service import Reader, make_reader

# Refreshes in tests start their worker processes from a fork server (the
# loopback server's thread rules out fork): with these modules loaded there
# once, each refresh's workers start in a fraction of the time.
multiprocessing.set_forkserver_preload(["reader.core.refresh", "feedparser"])


@pytest.fixture(autouse=True)
def _sealed_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's own config or database."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("READER_DB", raising=False)
    monkeypatch.delenv("READER_CONFIG", raising=False)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def second_host() -> Iterator[LoopbackServer]:
    """A second loopback server on its own address (another host to the fetcher)."""
    with LoopbackServer("127.0.0.2") as srv:
        yield srv


def make_settings(tmp_path: Path, **refresh: object) -> Settings:
    """Settings for tests: a temporary database, short timeouts, one extraction worker."""
    return Settings(
        storage=StorageSettings(db=str(tmp_path / "reader.db")),
        http=HttpSettings(
            connect_timeout=2, read_timeout=2, total_timeout=4, max_response_bytes=1_000_000
        ),
        refresh=dataclasses.replace(RefreshSettings(extract_workers=1), **refresh),  # type: ignore[arg-type]
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def reader(settings: Settings) -> Iterator[Reader]:
    r = make_reader(settings)
    yield r
    r.close()
