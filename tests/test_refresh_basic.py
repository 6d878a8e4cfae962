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
