from __future__ import annotations

from loopback import LoopbackServer, article_page, rss
from reader.core.service import Reader
from reader.core.store import ArticleQuery


def test_refresh_fetches_feed_and_article_pages(server: LoopbackServer, reader: Reader) -> None:
    page = server.add(
        "/a1",
        body=article_page("Model launch", ["OpenAI released a model today. " * 20]),
        content_type="text/html",
    )
    feed_url = server.add(
        "/feed.xml",
        body=rss([{"title": "Model launch", "link": page, "guid": "a1", "description": "short"}]),
        etag='"v1"',
    )
    reader.add_feed(feed_url, discover=False)
    results = list(reader.refresh())
    assert [(r.status, r.new) for r in results] == [("updated", 1)]
    [summary] = reader.articles(ArticleQuery())
    article = reader.article(summary.id)
    assert article.summary.extraction == "page"
    assert "OpenAI released a model today." in article.text
    # The second refresh is a conditional GET answered 304.
    results = list(reader.refresh())
    assert [r.status for r in results] == ["not_modified"]
    assert server.hits("/feed.xml")[-1].headers["if-none-match"] == '"v1"'
    assert len(server.hits("/a1")) == 1


def test_a_page_that_failed_is_tried_again_when_the_feed_next_changes(
    server: LoopbackServer, reader: Reader
) -> None:
    page = server.add("/a1", status=503, body=b"busy", content_type="text/plain")
    body = rss([{"title": "Launch", "link": page, "guid": "a1", "description": "short teaser"}])
    feed_url = server.add("/feed.xml", body=body)
    reader.add_feed(feed_url, discover=False)
    list(reader.refresh())
    [summary] = reader.articles(ArticleQuery())
    assert (
        reader.article(summary.id).extraction_error == "article page: HTTP 503 Service Unavailable"
    )

    server.add(
        "/a1", body=article_page("Launch", ["The full story. " * 30]), content_type="text/html"
    )
    # Unchanged entry, but its page failed last time: fetched again, updated in place.
    [result] = list(reader.refresh())
    assert (result.new, result.updated) == (0, 1)
    article = reader.article(summary.id)
    assert article.summary.extraction == "page" and article.extraction_error is None
    assert "The full story." in article.text
    # Once it worked, the page is not fetched again.
    list(reader.refresh())
    assert len(server.hits("/a1")) == 2


def test_the_collector_is_relaxed_while_a_refresh_runs_and_restored_after(
    server: LoopbackServer, reader: Reader
) -> None:
    import gc

    from reader.core.refresh import REFRESH_GC_THRESHOLDS

    before = gc.get_threshold()
    assert before != REFRESH_GC_THRESHOLDS
    for n in range(2):
        url = server.add(
            f"/f{n}.xml", body=rss([{"title": "T", "link": server.url("/a"), "guid": f"g{n}"}])
        )
        reader.add_feed(url, discover=False)
    running = reader.refresh()
    next(running)
    assert gc.get_threshold() == REFRESH_GC_THRESHOLDS
    # Another refresh overlapping this one leaves the thresholds to the last to end.
    list(reader.refresh(force=True))
    assert gc.get_threshold() == REFRESH_GC_THRESHOLDS
    list(running)
    assert gc.get_threshold() == before
    # Stopped early (the app's cancel): restored too.
    stopped = reader.refresh(force=True)
    next(stopped)
    stopped.close()
    assert gc.get_threshold() == before
