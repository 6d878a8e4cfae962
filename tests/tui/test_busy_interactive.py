"""The app's screen waits only briefly for another process's write
(review14a finding 3): with the store's 30 s, a star pressed while another
process held the database froze the app, which drew nothing and took no key,
for up to 30 s before it said "busy"."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from reader.core.config import Settings
from reader.core.service import INTERACTIVE_BUSY_TIMEOUT, Reader
from tui.helpers import Notes, app_settings, seed_demo, wait_until
from tui.test_busy_database import SIZE, MakeApp, held, list_ready, said_busy

pytestmark = pytest.mark.anyio


@pytest.fixture
def demo(tmp_path: Path) -> Settings:
    settings = app_settings(tmp_path)
    assert settings.storage.busy_timeout == 30.0  # the store's own, as shipped
    seed_demo(settings)
    return settings


def _busy_timeout_of_another_thread(app_reader: Reader) -> int:
    found: list[int] = []

    def ask() -> None:
        found.append(app_reader.store.conn.execute("PRAGMA busy_timeout").fetchone()[0])

    thread = threading.Thread(target=ask)
    thread.start()
    thread.join(timeout=10)
    return found[0]


async def test_a_star_on_a_database_another_process_holds_says_busy_within_seconds(
    demo: Settings, make_app: MakeApp
) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        notes = Notes(app)
        await list_ready(pilot)
        with held(demo):
            started = time.monotonic()
            await pilot.press("s")
            await wait_until(pilot, lambda: said_busy(notes))
            waited = time.monotonic() - started
        assert INTERACTIVE_BUSY_TIMEOUT <= waited + 0.1 < INTERACTIVE_BUSY_TIMEOUT + 5
        assert app.is_running
        # The refresh's threads (any other thread) keep the store's long wait.
        assert _busy_timeout_of_another_thread(app.reader) == 30_000
