"""Subscribing, importing and exporting, listing feeds and articles, one article, tags."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from reader.wording import plural

if TYPE_CHECKING:
    from reader.core.service import Reader

from reader.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    CliError,
    fail,
    note_long_search,
    print_json,
    write_file,
)
from reader.cli.json_shapes import article_json, feed_json, show_json
from reader.cli.notes import annotation_line, import_notes_file
from reader.cli.refresh import run_refresh


def cmd_add(reader: Reader, args: argparse.Namespace) -> int:
    from reader.core.service import AddError

    added_ids = []
    failed = 0
    for url, result in zip(
        args.urls,
        reader.add_feeds(args.urls, tags=args.tag, discover=not args.no_fetch),
        strict=True,
    ):
        if isinstance(result, AddError):
            fail(f"cannot add {result}")  # one line, no terminal controls
            failed += 1
            continue
        note = "" if result.url == url else f" (found at {url})"
        verb = "subscribed to" if result.created else "already subscribed to"
        print(f"{verb} {result.url}{note}")
        added_ids.append(result.feed_id)
    if added_ids and not args.no_fetch:
        run_refresh(reader, added_ids, force=True)
    return EXIT_ERROR if failed else EXIT_OK


def _looks_like_json(path: str) -> bool:
    """An annotations export (JSON) rather than OPML: by extension, else by content."""
    suffix = Path(path).suffix.lower()
    if suffix in (".json", ".jsonld"):
        return True
    if suffix in (".opml", ".xml"):
        return False
    try:
        with open(path, "rb") as file:
            start = file.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if start[:1] in (b"{", b"["):
        return True
    if start[:1] == b"<":
        return False
    raise CliError(f"{path}: neither an OPML file nor an annotations export (JSON)")


def cmd_import(reader: Reader, args: argparse.Namespace) -> int:
    from reader.core.service import OpmlError

    if _looks_like_json(args.file):
        return import_notes_file(reader, args.file)

    try:
        result = reader.import_opml(args.file)
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror or exc}") from exc
    except OpmlError as exc:
        raise CliError(f"{args.file}: {exc}") from exc
    print(
        f"imported {args.file}: {plural(result.added, 'new feed')},"
        f" {result.existing} already subscribed"
        + (f", {len(result.invalid)} skipped" if result.invalid else "")
        + ("; `reader refresh` fetches them" if result.added else "")
    )
    for problem in result.invalid:
        print(f"  skipped {problem}", file=sys.stderr)
    return EXIT_OK


def cmd_export_opml(reader: Reader, args: argparse.Namespace) -> int:
    document = reader.export_opml()
    if args.file:
        try:
            write_file(args.file, document)
        except OSError as exc:
            raise CliError(f"cannot write {args.file}: {exc.strerror or exc}") from exc
        print(f"wrote {plural(len(reader.feeds()), 'feed')} to {args.file}", file=sys.stderr)
    else:
        sys.stdout.write(document)
    return EXIT_OK


def cmd_remove(reader: Reader, args: argparse.Namespace) -> int:
    feed_id = reader.feed_id(args.feed)
    feed = reader.feed(feed_id)
    deleted, kept = reader.remove_feed(feed_id)
    kept_note = f"; kept {kept} starred or tagged articles" if kept else ""
    print(f"removed {feed.url} and {deleted} of its articles{kept_note}")
    return EXIT_OK


def cmd_feeds(reader: Reader, args: argparse.Namespace) -> int:
    feeds = reader.feeds()
    if args.json:
        print_json([feed_json(f) for f in feeds])
        return EXIT_OK
    if not feeds:
        print("no feeds yet: `reader add URL` or `reader import FILE.opml`")
        return EXIT_OK
    print(f"{'id':>5}  {'unread/all':<11}  {'last fetched':<16}  title and URL")
    for feed in feeds:
        fetched = (feed.last_fetched or "never")[:16].replace("T", " ")
        print(
            f"{feed.id:>5}  {feed.unread:>5}/{feed.articles:<5}  {fetched}  "
            f"{feed.title or feed.url}"
        )
        if feed.title:
            print(f"{'':>26}{feed.url}")
        if feed.last_error:
            print(
                f"{'':>26}error: {feed.last_error}"
                + (f" (retry after {feed.next_fetch_after})" if feed.next_fetch_after else "")
            )
        elif feed.last_warning:
            print(f"{'':>26}warning: {feed.last_warning}")
    return EXIT_OK


def cmd_articles(reader: Reader, args: argparse.Namespace) -> int:
    from reader.core.models import ArticleQuery

    query = ArticleQuery(
        feed_id=reader.feed_id(args.feed) if args.feed else None,
        tags=tuple(args.tag),
        unread=args.unread,
        starred=args.starred,
        search=args.search,
        entity=reader.resolve_entity(args.entity) if args.entity else None,
        limit=args.limit,
    )
    articles = reader.articles(query)
    note_long_search(args.search)
    if not articles and args.entity:
        # Say why the list is empty (on stderr: --json output stays a list).
        looked_for = "" if query.entity == args.entity.strip() else f" (as {query.entity!r})"
        print(
            f"reader: no articles mention {args.entity.strip()!r}{looked_for}"
            + (" with these filters" if _has_other_filters(args) else ""),
            file=sys.stderr,
        )
    if args.json:
        stories = reader.story_ids([a.id for a in articles])
        print_json([{**article_json(a), "story": stories.get(a.id)} for a in articles])
        return EXIT_OK
    for article in articles:
        marks = ("*" if article.starred else " ") + (" " if article.read else "N")
        date = (article.published or article.added_at)[:10]
        print(f"{article.id:>6} {marks} {date}  {article.title}  ({article.feed_title})")
    return EXIT_OK


def _has_other_filters(args: argparse.Namespace) -> bool:
    return bool(args.feed or args.tag or args.unread or args.starred or args.search)


def cmd_show(reader: Reader, args: argparse.Namespace) -> int:
    from reader.core.models import AnnotationFilter
    from reader.core.service import salience

    article = reader.article(args.id)
    mentions = reader.mentions(args.id)
    annotations = reader.annotations(AnnotationFilter(article_id=args.id))
    if args.json:
        print_json(show_json(article, mentions, annotations))
        return EXIT_OK
    s = article.summary
    print(s.title)
    byline = " · ".join(
        part for part in (s.author, article.site_name or s.feed_title, s.published or "") if part
    )
    print(byline)
    print(s.url)
    if s.tags or s.feed_tags:
        print("tags: " + ", ".join((*s.tags, *s.feed_tags)))
    if article.extraction_error:
        print(f"(text from the feed: {article.extraction_error})")
    top = salience(mentions, s.title, article.text)[:8]
    if top:
        print("entities: " + ", ".join(f"{name} ({label}, {n})" for name, label, n, _ in top))
    print()
    print(article.text)
    if annotations:
        print()
        print(f"{plural(len(annotations), 'annotation')}:")
        for annotation in annotations:
            print(annotation_line(annotation))
    return EXIT_OK


def cmd_tag(reader: Reader, args: argparse.Namespace) -> int:
    try:
        reader.tag(args.id, args.tags, remove=args.remove)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    tags = reader.article(args.id).summary.tags
    print(f"article {args.id}: " + (", ".join(tags) if tags else "no tags"))
    return EXIT_OK
