"""Fixtures for the app tests: process helpers started before any app runs."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader.core.analysis import analyse_records
from reader.core.config import EntitySettings, Settings
from reader.core.service import Reader, make_reader
from reader.core.store import ArticleQuery
from reader.tui.app import ReaderApp
from records import record
from tui.helpers import app_settings, core, seed_demo

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


@pytest.fixture
def syndicated(demo: Settings) -> Settings:
    """The two newest demo articles copied by a wire feed (boilerplate added,
    another headline); a demo company followed. (Without page extraction the
    demo's texts are the feeds' short summaries: nothing is cut from them.)"""
    with core(demo) as reader:
        store = reader.store
        feed_id, _ = store.add_feed("https://wire.example/feed", title="Example Wire")
        copies = []
        for n, summary in enumerate(reader.articles(ArticleQuery(limit=2))):
            text = "Republished from our partners.\n\n" + reader.article(summary.id).text
            copies.append(
                dataclasses.replace(
                    record(f"copy{n}", text, published=summary.published),
                    title=f"Wire: {summary.title}",
                )
            )
        store.write_feed(
            feed_id,
            url=None,
            title="Example Wire",
            site_url="",
            etag=None,
            last_modified=None,
            warning=None,
            articles=analyse_records(copies, "Example Wire", EntitySettings(), ()),
        )
        reader.follow("Halcyon AI")
        with store.transaction() as conn:  # looked at when the demo was stored
            conn.execute("UPDATE follows SET seen_at = ?", (FIXED_NOW,))
    return demo
