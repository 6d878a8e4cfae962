"""`reader add` and a refresh against a server's odd answers (review14c findings
4 and 7): a Retry-After of Unicode digits, one URL's unexpected failure, a
page whose feed links never finish. Real HTTP on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from conftest import make_settings
from loopback import LoopbackServer, rss
from reader.core.fetch import parse_retry_after
from reader.core.service import AddError, Reader, make_reader
from test_cli import cli_runner

FEED = rss([{"title": "Fine", "guid": "g", "description": "ok"}], title="Good feed")


def _latin1(text: str) -> str:
    """`text` as its UTF-8 bytes go on the wire (the test server writes Latin-1)."""
    return text.encode("utf-8").decode("latin-1")


@pytest.mark.parametrize("value", ["²", "①", "¹²", "٣٠٠", "3²"])
def test_a_retry_after_of_digits_other_than_ascii_ones_is_no_delay(value: str) -> None:
    # On main "²" and "①" raised ValueError (isdigit() is true, float() refuses
    # them), and "٣٠٠" was read as 300 s.
    assert parse_retry_after(value) is None


def test_a_retry_after_of_ascii_digits_is_read() -> None:
    assert parse_retry_after(" 120 ") == 120.0


def test_a_unicode_retry_after_costs_only_its_own_url(
    tmp_path: Path, server: LoopbackServer
) -> None:
    # On main: "reader: unexpected error (ValueError: could not convert string
    # to float: '²')", and neither URL was subscribed to.
    run = cli_runner(tmp_path, "[http]\ntotal_timeout = 5.0\n[refresh]\nextract = false\n")
    good = server.add("/ok.xml", body=FEED)
    busy = server.add(
        "/busy.xml", status=429, body=b"slow down", headers={"Retry-After": _latin1("²")}
    )
    done = run("add", good, busy, ok=False)
    assert done.returncode == 1
    assert f"subscribed to {good}" in done.stdout
    assert f"reader: cannot add {busy}: HTTP 429" in done.stderr
    assert "unexpected error" not in done.stderr
    assert "Good feed" in run("feeds").stdout


def test_a_unicode_retry_after_in_a_refresh_is_the_http_error(
    tmp_path: Path, server: LoopbackServer
) -> None:
    # On main the feed failed with "internal error: ValueError ...".
    reader = make_reader(make_settings(tmp_path, extract=False))
    url = server.add("/busy.xml", status=503, body=b"later", headers={"Retry-After": _latin1("①")})
    feed_id = reader.add_feed(url, discover=False).feed_id
    [result] = list(reader.refresh([feed_id]))
    assert result.status == "failed"
    assert result.error == "HTTP 503 Service Unavailable"
    reader.close()


def _surprise_on(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    """lxml's HTML parser raises `error` on a page that says "surprise": a
    failure nothing in the reader expects (lxml's own code, not ours)."""
    parse = lxml.html.document_fromstring

    def document_fromstring(html: Any, *args: Any, **kwargs: Any) -> Any:
        if b"surprise" in html:
            raise error
        return parse(html, *args, **kwargs)

    monkeypatch.setattr(lxml.html, "document_fromstring", document_fromstring)


def test_one_urls_unexpected_failure_is_its_error_and_the_others_are_added(
    reader: Reader, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On main the exception ended the whole gather: no URL was subscribed to.
    _surprise_on(monkeypatch, RuntimeError("the parser broke"))
    good = server.add("/ok.xml", body=FEED)
    odd = server.add("/odd", body=b"<html>surprise</html>", content_type="text/html")
    added, failed = reader.add_feeds([good, odd])
    assert not isinstance(added, AddError)
    assert added.url == good
    assert isinstance(failed, AddError)
    assert str(failed) == f"{odd}: internal error: RuntimeError: the parser broke"
    assert [feed.url for feed in reader.feeds()] == [good]


def test_a_database_error_while_adding_still_stops_the_command(
    reader: Reader, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every URL's failure, as in a refresh: not made one URL's error.
    _surprise_on(monkeypatch, sqlite3.OperationalError("disk I/O error"))
    odd = server.add("/odd", body=b"<html>surprise</html>", content_type="text/html")
    with pytest.raises(sqlite3.OperationalError):
        reader.add_feeds([server.add("/ok.xml", body=FEED), odd])


def _page(server: LoopbackServer, links: list[str]) -> str:
    head = "".join(
        f'<link rel="alternate" type="application/rss+xml" href="{link}">' for link in links
    )
    return server.add(
        "/", body=f"<html><head>{head}</head></html>".encode(), content_type="text/html"
    )


def test_a_page_whose_feed_links_never_finish_is_given_up_within_one_budget(
    tmp_path: Path, server: LoopbackServer
) -> None:
    # On main each of the 10 links tried had its own total_timeout, in turn:
    # about 10 x 2 s here, ~11 minutes with the default 60 s.
    settings = make_settings(tmp_path, extract=False)
    settings = dataclasses.replace(
        settings, http=dataclasses.replace(settings.http, total_timeout=2.0)
    )
    reader = make_reader(settings)
    slow = [server.add(f"/drip{i}.xml", body=FEED, drip=0.5) for i in range(12)]
    page = _page(server, slow)
    started = time.monotonic()
    [failed] = reader.add_feeds([page])
    took = time.monotonic() - started
    assert isinstance(failed, AddError)
    assert took < 8, took  # the page, then 2 s for all its links (and slack for the machine)
    message = str(failed)
    assert "no working feed among the page's links" in message
    # (Cut off by the budget, or by their own deadline, which starts a little later.)
    assert message.count("no answer") + message.count("timed out after 2 s") == 10
    assert message.endswith("; 2 more not tried)")
    reader.close()


def test_the_best_ranked_feed_that_works_wins_though_a_later_one_answers_first(
    reader: Reader, server: LoopbackServer
) -> None:
    first = server.add("/first.xml", body=FEED, delay=1.0)
    second = server.add("/second.xml", body=FEED)
    [added] = reader.add_feeds([_page(server, [first, second])])
    assert not isinstance(added, AddError)
    assert added.url == first


def test_a_working_feed_is_found_though_a_better_ranked_one_never_finishes(
    tmp_path: Path, server: LoopbackServer
) -> None:
    reader = make_reader(make_settings(tmp_path, extract=False))
    stuck = server.add("/stuck.xml", body=FEED, drip=1.0)
    fine = server.add("/fine.xml", body=FEED)
    started = time.monotonic()
    [added] = reader.add_feeds([_page(server, [stuck, fine])])
    assert not isinstance(added, AddError)
    assert added.url == fine
    assert time.monotonic() - started < 8  # the budget (4 s here), not the drip (~150 s)
    reader.close()
