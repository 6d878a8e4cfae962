"""The command line, run as the installed console script against loopback feeds."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from loopback import LoopbackServer, article_page, rss

SCRIPT = Path(sys.executable).parent / "reader"
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "reader"]

FEED_KEYS = {"id", "url", "title", "site_url", "articles", "unread", "last_fetched", "last_error"}
Run = Callable[..., subprocess.CompletedProcess[str]]

ARTICLE_KEYS = {"id", "feed_id", "url", "title", "author", "published", "read", "starred", "tags"}


@pytest.fixture
def cli(tmp_path: Path):  # type: ignore[no-untyped-def]
    return cli_runner(tmp_path, "[http]\ntotal_timeout = 5.0\n[refresh]\nextract_workers = 1\n")


def cli_runner(tmp_path: Path, config_text: str) -> Run:
    """`run(*args, ok=True)`: the installed command on a database and config of
    its own in tmp_path; with ok, a non-zero exit fails the test with stderr."""
    config = tmp_path / "config.toml"
    config.write_text(config_text, encoding="utf-8")
    env = {**os.environ, "READER_DB": str(tmp_path / "cli.db"), "READER_CONFIG": str(config)}

    def run(*args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [*COMMAND, *args], capture_output=True, text=True, env=env, timeout=60
        )
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    return run


def serve_feed(server: LoopbackServer, path: str = "/feed.xml", n: int = 3) -> str:
    items = []
    for i in range(n):
        page = server.add(
            f"{path}/a{i}",
            body=article_page(f"Story {i}", [f"Paragraph about story {i}. " * 30]),
            content_type="text/html",
        )
        items.append(
            {
                "title": f"Story {i}",
                "link": page,
                "guid": f"{path}-{i}",
                "pubDate": f"Mon, 0{i + 1} Jun 2026 10:00:00 GMT",
                "description": "teaser",
            }
        )
    return server.add(path, body=rss(items, title=f"Feed {path}"), etag='"e1"')


def test_add_discovers_the_feed_from_a_home_page(cli, server: LoopbackServer) -> None:  # type: ignore[no-untyped-def]
    feed_url = serve_feed(server)
    home = server.add(
        "/",
        body=b'<html><head><link rel="alternate" type="application/rss+xml" '
        b'href="/feed.xml"></head><body>home</body></html>',
        content_type="text/html",
    )
    done = cli("add", home, "--tag", "ai")
    assert f"subscribed to {feed_url}" in done.stdout
    assert "3 new articles" in done.stdout
    [feed] = json.loads(cli("feeds", "--json").stdout)
    assert set(feed) >= FEED_KEYS
    assert (feed["url"], feed["title"], feed["articles"], feed["unread"]) == (
        feed_url,
        "Feed /feed.xml",
        3,
        3,
    )
    assert feed["last_error"] is None and feed["tags"] == ["ai"]
    articles = json.loads(cli("articles", "--json", "--tag", "ai").stdout)
    assert [a["title"] for a in articles] == ["Story 2", "Story 1", "Story 0"]
    assert set(articles[0]) >= ARTICLE_KEYS
    shown = json.loads(cli("show", str(articles[0]["id"]), "--json").stdout)
    assert ARTICLE_KEYS | {"text"} <= set(shown)
    assert "Paragraph about story 2." in shown["text"]
    assert shown["published"] == "2026-06-03T10:00:00Z"
    plain = cli("show", str(articles[0]["id"])).stdout
    assert plain.startswith("Story 2\n") and "Paragraph about story 2." in plain


def test_refresh_lists_failures_and_still_exits_zero(cli, server: LoopbackServer) -> None:  # type: ignore[no-untyped-def]
    good = serve_feed(server, "/good.xml", n=1)
    broken = server.add("/broken.xml", status=500, body=b"oops", content_type="text/plain")
    cli("add", "--no-fetch", good, broken)
    done = cli("refresh")
    assert "1 new article," in done.stdout
    assert "1 failed" in done.stdout
    assert f"failed  {broken}: HTTP 500 Internal Server Error" in done.stdout
    feeds = {f["url"]: f for f in json.loads(cli("feeds", "--json").stdout)}
    assert feeds[broken]["last_error"] == "HTTP 500 Internal Server Error"
    assert feeds[good]["articles"] == 1
    # The broken feed now backs off; the summary says so and --force overrides.
    again = cli("refresh")
    assert "1 skipped" in again.stdout and "--force" in again.stdout
    forced = cli("refresh", "--force")
    assert "1 failed" in forced.stdout


def test_refresh_draws_a_progress_bar_on_a_terminal(
    cli, server: LoopbackServer, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    cli("add", "--no-fetch", serve_feed(server))
    main, child = pty.openpty()
    env = {**os.environ}
    config = tmp_path / "config.toml"
    env.update(READER_DB=str(tmp_path / "cli.db"), READER_CONFIG=str(config))
    done = subprocess.run(
        [*COMMAND, "refresh"], stderr=child, stdout=subprocess.PIPE, env=env, timeout=60, text=True
    )
    os.close(child)
    bar = os.read(main, 65536).decode()
    os.close(main)
    assert done.returncode == 0
    assert "1/1 feed ·" in bar and "3/3 articles extracted" in bar
    # After the last feed, the bar says the refresh is grouping its articles.
    assert "3 new · grouping 3 articles into stor" in bar
    assert "refreshed 1 feed in" in done.stdout


def test_opml_import_and_export_round_trip(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    opml = tmp_path / "subs.opml"
    opml.write_text(
        """<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
        <outline text="AI"><outline text="Lab blog" xmlUrl="https://lab.example/feed.xml"
            htmlUrl="https://lab.example/"/></outline>
        <outline text="Plain" xmlUrl="http://plain.example/rss"/>
        <outline text="Bad" xmlUrl="file:///etc/passwd"/>
        </body></opml>""",
        encoding="utf-8",
    )
    done = cli("import", str(opml))
    assert "2 new feeds" in done.stdout and "1 skipped" in done.stdout
    assert "file:///etc/passwd" in done.stderr
    feeds = json.loads(cli("feeds", "--json").stdout)
    assert {(f["url"], tuple(f["tags"])) for f in feeds} == {
        ("https://lab.example/feed.xml", ("AI",)),
        ("http://plain.example/rss", ()),
    }
    out = tmp_path / "out.opml"
    cli("export", "opml", str(out))
    exported = out.read_text()
    assert 'xmlUrl="https://lab.example/feed.xml"' in exported and 'category="AI"' in exported
    # Importing our own export into a fresh database gives the same subscriptions.
    assert "0 new feeds, 2 already subscribed" in cli("import", str(out)).stdout
    assert cli("export", "opml").stdout == exported


def test_search_accepts_any_query_text(cli, server: LoopbackServer) -> None:  # type: ignore[no-untyped-def]
    cli("add", serve_feed(server))
    found = json.loads(cli("articles", "--json", "--search", "story 1").stdout)
    assert [a["title"] for a in found] == ["Story 1"]
    for query in ['"unterminated', "c++", "NEAR(", "AND OR NOT", "*", "title:x"]:
        assert cli("articles", "--search", query).returncode == 0


def test_tags_add_and_remove(cli, server: LoopbackServer) -> None:  # type: ignore[no-untyped-def]
    cli("add", serve_feed(server, n=1))
    [article] = json.loads(cli("articles", "--json").stdout)
    assert cli("tag", str(article["id"]), "later", "llm").stdout.strip().endswith("later, llm")
    cli("tag", str(article["id"]), "later", "--remove")
    [article] = json.loads(cli("articles", "--json", "--tag", "llm").stdout)
    assert article["tags"] == ["llm"]


def test_clear_errors_for_bad_input(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    done = cli("add", "file:///etc/passwd", ok=False)
    assert done.returncode == 1 and "only http and https" in done.stderr
    done = cli("show", "999", ok=False)
    assert done.returncode == 1 and "no article with id 999" in done.stderr
    done = cli("refresh", "--feed", "http://not.subscribed/", ok=False)
    assert done.returncode == 1 and "not subscribed" in done.stderr
    done = cli("import", str(tmp_path / "missing.opml"), ok=False)
    assert done.returncode == 1 and "cannot read" in done.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[refresh]\nspeed = 3\n")
    done = cli("--config", str(bad), "feeds", ok=False)
    assert done.returncode == 1 and "unknown key [refresh] speed" in done.stderr


def test_no_command_without_a_terminal_says_the_app_needs_one(cli) -> None:  # type: ignore[no-untyped-def]
    done = cli(ok=False)
    assert done.returncode == 1 and "the app needs a terminal" in done.stderr


def test_the_app_ended_by_sigterm_gives_the_terminal_back(tmp_path: Path) -> None:
    """`kill`, `timeout` or a shutdown: the app ends as after q, leaving its
    alternate screen and mouse reporting (SIGTERM's default left the terminal
    in both, review16)."""
    import signal
    import threading
    import time

    main, child = pty.openpty()
    env = {**os.environ, "READER_DB": str(tmp_path / "app.db")}
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    env.update(READER_CONFIG=str(config), TERM="xterm-256color", COLUMNS="100", LINES="30")
    process = subprocess.Popen(
        [*COMMAND], stdin=child, stdout=child, stderr=child, env=env, start_new_session=True
    )
    os.close(child)
    output = bytearray()

    def drain() -> None:  # the app must never block on a full terminal
        while True:
            try:
                piece = os.read(main, 65536)
            except OSError:
                return
            if not piece:
                return
            output.extend(piece)

    reader_thread = threading.Thread(target=drain, daemon=True)
    reader_thread.start()
    try:
        deadline = time.monotonic() + 60
        while b"\x1b[?1049h" not in output and process.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert b"\x1b[?1049h" in output, bytes(output[-500:])
        time.sleep(1.0)  # drawn and idle
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    reader_thread.join(timeout=10)
    os.close(main)
    assert process.returncode == 0
    tail = bytes(output[output.rindex(b"\x1b[?1049h") :])
    assert b"\x1b[?1049l" in tail  # back to the normal screen
    assert b"\x1b[?1000l" in tail  # mouse reporting off
