"""`reader stories`, `follow`, `unfollow`, `following`, `digest` and the
`story` key of `reader articles --json`, run as the installed command against
loopback feeds."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from loopback import LoopbackServer, rss
from story_texts import CHIP, EARNINGS, ROBOTS, body, syndicated
from test_cli import ARTICLE_KEYS, Run, cli_runner

STORY_KEYS = {"id", "title", "articles", "sources", "newest"}


@pytest.fixture
def run(tmp_path: Path) -> Run:
    # The feeds carry the whole text: no article pages to fetch.
    return cli_runner(tmp_path, "[refresh]\nextract = false\n")


def _serve(
    server: LoopbackServer,
    path: str,
    title: str,
    items: list[tuple[str, str, str]],
    hours_ago: int = 2,
) -> str:
    # Dated within the last day, so `--since 1d` finds them.
    when = format_datetime(datetime.now(UTC) - timedelta(hours=hours_ago))
    entries = [
        {
            "title": headline,
            "guid": guid,
            "link": f"https://news.example/{guid}",
            "description": text,
            "pubDate": when,
        }
        for guid, headline, text in items
    ]
    return server.add(path, body=rss(entries, title=title))


def test_stories_follow_and_digest(run: Run, server: LoopbackServer, tmp_path: Path) -> None:
    wire = _serve(
        server,
        "/wire.xml",
        "Wire",
        [("w1", "Nvidia unveils Vera", body(CHIP)), ("w2", "Robots raise money", body(ROBOTS))],
    )
    daily = _serve(
        server, "/daily.xml", "Daily", [("d1", "Vera arrives", syndicated(CHIP))], hours_ago=1
    )
    other = _serve(server, "/other.xml", "Markets", [("o1", "Nvidia results", body(EARNINGS))])
    run("add", "--no-fetch", wire, daily, other)
    assert run("follow", "Nvidia").stdout == "following entity 'Nvidia'\n"
    assert "(already)" in run("follow", "Nvidia").stdout
    followed = json.loads(run("following", "--json").stdout)
    assert [(f["kind"], f["name"], f["new_stories"]) for f in followed] == [("entity", "Nvidia", 0)]

    refreshed = run("refresh").stdout
    assert "followed: Nvidia (3 articles)" in refreshed

    stories = json.loads(run("stories", "--json").stdout)
    assert all(set(s) >= STORY_KEYS for s in stories)
    by_title = {s["title"]: s for s in stories}
    assert set(by_title) == {"Nvidia unveils Vera", "Robots raise money", "Nvidia results"}
    vera = by_title["Nvidia unveils Vera"]
    assert vera["sources"] == ["Wire", "Daily"] and len(vera["articles"]) == 2

    articles = json.loads(run("articles", "--json").stdout)
    assert all(ARTICLE_KEYS | {"story"} <= set(a) for a in articles)
    assert {a["id"] for a in articles if a["story"] == vera["id"]} == set(vera["articles"])
    assert "2 sources" in run("stories", "--since", "1d").stdout

    counts = json.loads(run("following", "--json").stdout)
    assert counts[0]["new_stories"] == 2  # Vera and the results; not the robots

    # A highlight on the copy shows in the digest of the story.
    copy = next(a for a in articles if a["title"] == "Vera arrives")
    run("annotate", str(copy["id"]), "--quote", "redesigned memory controller", "--note", "why")
    digest = json.loads(run("digest", "--since", "1d", "--format", "json").stdout)
    sections = [(s["kind"], s["title"]) for s in digest["sections"]]
    assert sections[0] == ("follow", "Nvidia")
    followed_titles = [s["title"] for s in digest["sections"][0]["stories"]]
    assert sorted(followed_titles) == ["Nvidia results", "Nvidia unveils Vera"]
    [vera_entry] = [s for s in digest["sections"][0]["stories"] if s["id"] == vera["id"]]
    assert vera_entry["lead"].startswith("Nvidia unveiled the Vera accelerator")
    assert vera_entry["highlights"] == [
        {
            "article_id": copy["id"],
            "exact": "redesigned memory controller",
            "note": "why",
            "color": "yellow",
        }
    ]
    remaining = [s["title"] for section in digest["sections"][1:] for s in section["stories"]]
    assert remaining == ["Robots raise money"]

    out = tmp_path / "digest.md"
    assert "wrote 3 stories" in run("digest", "--out", str(out)).stdout
    markdown = out.read_text(encoding="utf-8")
    assert "## Following: Nvidia" in markdown and "### Nvidia unveils Vera" in markdown
    assert "- “redesigned memory controller” — why" in markdown

    assert "stopped following" in run("unfollow", "NVIDIA").stdout
    assert json.loads(run("following", "--json").stdout) == []


def test_bad_input_gets_a_clear_message(run: Run, tmp_path: Path) -> None:
    done = run("stories", "--since", "yesterday-ish", ok=False)
    assert done.returncode == 1 and "not a time" in done.stderr and "Traceback" not in done.stderr
    done = run("unfollow", "Nobody", ok=False)
    assert done.returncode == 1 and "not following 'Nobody'" in done.stderr
    done = run("follow", "   ", ok=False)
    assert done.returncode == 1 and "nothing to follow" in done.stderr
    done = run("digest", "--out", str(tmp_path / "missing" / "d.md"), ok=False)
    assert done.returncode == 1 and "cannot write" in done.stderr
    assert run("digest").stdout.startswith("# Digest since")
