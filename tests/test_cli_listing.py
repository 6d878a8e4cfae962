"""What `reader feeds`, `show` and `annotations` print for a person: column
headers over the feeds, notes with their own indentation. The JSON output is
left as DESIGN.md fixes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.config import Settings
from reader.core.service import make_reader
from reader.core.store import ArticleQuery

NOTE = "Plan:\n  - ask the lab\n    - about the 4-bit numbers\n\n    code stays indented"


@pytest.fixture
def seeded(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """The demo feeds and a multi-line note; returns the noted article's id."""
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("READER_CONFIG", str(config))
    reader = make_reader(settings)
    try:
        list(reader.refresh(reader.add_demo()))
        [article] = reader.articles(ArticleQuery(limit=1))
        reader.note(article.id, NOTE)
        return article.id
    finally:
        reader.close()


def run(settings: Settings, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["--db", settings.storage.db, *args]) == 0
    return capsys.readouterr().out


def test_feeds_has_column_headers(
    seeded: int, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = run(settings, capsys, "feeds").splitlines()
    assert lines[0].split() == ["id", "unread/all", "last", "fetched", "title", "and", "URL"]
    # Each header stands over its column.
    first = lines[1]
    assert first.index("/") - 5 <= lines[0].index("unread/all") <= first.index("/")
    assert lines[0].index("title") == first.index("Chip Ledger")
    # --json is unchanged: a list of feeds, no header row.
    feeds = json.loads(run(settings, capsys, "feeds", "--json"))
    assert len(feeds) == 4 and all("url" in feed for feed in feeds)


@pytest.mark.parametrize("command", ["show", "annotations"])
def test_multi_line_notes_keep_their_indentation(
    seeded: int, settings: Settings, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    args = [command, str(seeded)] if command == "show" else [command]
    out = run(settings, capsys, *args)
    lines = out.splitlines()
    start = lines.index(" " * 9 + "Plan:")
    shown = lines[start : start + 5]
    assert shown == [(" " * 9 + line) if line else "" for line in NOTE.splitlines()]
