"""The `reader` command line. Its commands and --json keys are stable (DESIGN.md).

Start-up is kept lean: heavy modules are imported by the command that needs
them, so `reader feeds` or an unchanged `reader refresh` start fast.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sqlite3
import sys
import textwrap
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from reader.core.models import COLORS, LABELS
from reader.wording import plural

if TYPE_CHECKING:
    from reader.core.models import (
        Annotation,
        Article,
        ArticleSummary,
        Feed,
        FeedResult,
        Mention,
        RefreshTally,
        Rule,
    )
    from reader.core.service import Reader

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A user-facing error: printed as `reader: <message>`, exit code 1."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reader",
        description="A terminal news reader for tech and AI news.",
    )
    parser.add_argument("--db", type=_path, metavar="PATH", help="database file (env READER_DB)")
    parser.add_argument(
        "--config", type=_path, metavar="PATH", help="config file (env READER_CONFIG)"
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an unexpected error"
    )
    from reader import __version__

    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the app with the bundled offline demo feeds loaded",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    add = sub.add_parser("add", help="subscribe to feeds (a site's home page works too)")
    add.add_argument("urls", nargs="+", metavar="URL")
    add.add_argument("--tag", action="append", default=[], metavar="T", help="tag the feed")
    add.add_argument(
        "--no-fetch",
        action="store_true",
        help="subscribe to the URL as given, without fetching it now",
    )
    add.set_defaults(handler=cmd_add)

    refresh = sub.add_parser("refresh", help="fetch new articles")
    refresh.add_argument(
        "--feed",
        action="append",
        default=[],
        metavar="URL",
        help="only this feed (URL or id); may repeat",
    )
    refresh.add_argument(
        "--force", action="store_true", help="also fetch feeds that are backing off after errors"
    )
    refresh.set_defaults(handler=cmd_refresh)

    feeds = sub.add_parser("feeds", help="list feeds with counts and errors")
    feeds.add_argument("--json", action="store_true")
    feeds.set_defaults(handler=cmd_feeds)

    articles = sub.add_parser("articles", help="list articles, newest first")
    articles.add_argument("--json", action="store_true")
    articles.add_argument("--feed", metavar="URL", help="feed URL or id")
    articles.add_argument("--tag", action="append", default=[], metavar="T")
    articles.add_argument(
        "--search", metavar="Q", help="full-text search (title, text, highlights and notes)"
    )
    articles.add_argument(
        "--entity", metavar="NAME", help="articles that mention this entity (or an alias of it)"
    )
    articles.add_argument("--unread", action="store_true")
    articles.add_argument("--starred", action="store_true")
    articles.add_argument("--limit", type=_positive_int, default=50, metavar="N")
    articles.set_defaults(handler=cmd_articles)

    show = sub.add_parser("show", help="one article with its full text")
    show.add_argument("id", type=_positive_int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)

    entities = sub.add_parser(
        "entities", help="the entity mentions in plain text from FILE or standard input"
    )
    entities.add_argument(
        "file", nargs="?", type=_path, metavar="FILE", help="default: standard input"
    )
    entities.add_argument("--json", action="store_true")
    entities.set_defaults(handler=cmd_entities)

    entity = sub.add_parser("entity", help="your own entities and corrections; they win")
    entity_sub = entity.add_subparsers(dest="action", metavar="ACTION", required=True)
    e_add = entity_sub.add_parser("add", help="add an entity (or change a known one's type)")
    e_add.add_argument("name")
    e_add.add_argument("--label", required=True, type=str.upper, choices=LABEL_CHOICES)
    e_add.add_argument("--alias", action="append", default=[], metavar="A")
    e_add.set_defaults(handler=cmd_entity_add)
    e_alias = entity_sub.add_parser("alias", help="another name for an entity")
    e_alias.add_argument("name")
    e_alias.add_argument("alias")
    e_alias.set_defaults(handler=cmd_entity_alias)
    e_type = entity_sub.add_parser("type", help="change an entity's type")
    e_type.add_argument("name")
    e_type.add_argument("label", type=str.upper, choices=LABEL_CHOICES)
    e_type.set_defaults(handler=cmd_entity_type)
    e_ignore = entity_sub.add_parser("ignore", help="never mark this text (or entity) again")
    e_ignore.add_argument("surface")
    e_ignore.add_argument("--undo", action="store_true", help="remove the ignore rule")
    e_ignore.set_defaults(handler=cmd_entity_ignore)
    e_rules = entity_sub.add_parser("rules", help="list your entity rules")
    e_rules.add_argument("--json", action="store_true")
    e_rules.set_defaults(handler=cmd_entity_rules)
    e_top = entity_sub.add_parser("top", help="the most mentioned entities")
    e_top.add_argument("--json", action="store_true")
    e_top.add_argument("--limit", type=_positive_int, default=30, metavar="N")
    e_top.set_defaults(handler=cmd_entity_top)

    reanalyse = sub.add_parser(
        "reanalyse", help="find entities again in articles analysed by older recognisers"
    )
    reanalyse.add_argument("--all", action="store_true", help="every article")
    reanalyse.set_defaults(handler=cmd_reanalyse)

    annotate = sub.add_parser("annotate", help="highlight the first occurrence of a quote")
    annotate.add_argument("id", type=_positive_int)
    annotate.add_argument("--quote", required=True, metavar="TEXT")
    annotate.add_argument("--note", default="", metavar="TEXT", help="Markdown")
    annotate.add_argument("--color", default="yellow", choices=COLOR_CHOICES)
    annotate.add_argument("--tag", action="append", default=[], metavar="T")
    annotate.add_argument(
        "--occurrence", type=_positive_int, default=1, metavar="N", help="the N-th occurrence"
    )
    annotate.add_argument("--json", action="store_true")
    annotate.set_defaults(handler=cmd_annotate)

    note = sub.add_parser("note", help="an article-level note")
    note.add_argument("id", type=_positive_int)
    note.add_argument("text", help="Markdown")
    note.add_argument("--tag", action="append", default=[], metavar="T")
    note.add_argument("--json", action="store_true")
    note.set_defaults(handler=cmd_note)

    annotations = sub.add_parser("annotations", help="list highlights and notes")
    annotations.add_argument("--article", type=_positive_int, metavar="ID")
    annotations.add_argument("--color", choices=COLOR_CHOICES)
    annotations.add_argument("--tag", metavar="T")
    annotations.add_argument("--search", metavar="Q", help="full-text search in quotes and notes")
    annotations.add_argument("--orphans", action="store_true", help="only orphaned highlights")
    annotations.add_argument("--json", action="store_true")
    annotations.set_defaults(handler=cmd_annotations)

    tag = sub.add_parser("tag", help="add or remove article tags")
    tag.add_argument("id", type=_positive_int)
    tag.add_argument("tags", nargs="+", metavar="TAG")
    tag.add_argument("--remove", action="store_true")
    tag.set_defaults(handler=cmd_tag)

    remove = sub.add_parser("remove", help="unsubscribe from a feed and delete its articles")
    remove.add_argument("feed", metavar="URL", help="feed URL or id")
    remove.set_defaults(handler=cmd_remove)

    import_ = sub.add_parser(
        "import",
        help="subscribe to the feeds of an OPML file, or restore an annotations export (JSON)",
    )
    import_.add_argument("file", type=_path, metavar="FILE", help="FILE.opml or FILE.json")
    import_.set_defaults(handler=cmd_import)

    export = sub.add_parser("export", help="export subscriptions or notes")
    export_sub = export.add_subparsers(dest="what", metavar="WHAT", required=True)
    export_opml = export_sub.add_parser("opml", help="subscriptions as OPML")
    export_opml.add_argument(
        "file", nargs="?", type=_path, metavar="FILE", help="default: standard output"
    )
    export_opml.set_defaults(handler=cmd_export_opml)
    export_notes = export_sub.add_parser(
        "notes", help="highlights and notes as Markdown or W3C Web Annotation JSON"
    )
    export_notes.add_argument("--format", choices=("markdown", "json"), default="markdown")
    export_notes.add_argument(
        "--out",
        type=_path,
        metavar="PATH",
        help="a file, or a folder (ending in /) for one Markdown file per article;"
        " default: standard output",
    )
    export_notes.set_defaults(handler=cmd_export_notes)
    return parser


# From the vocabulary, which imports no recogniser: the parser starts fast.
LABEL_CHOICES = LABELS
COLOR_CHOICES = COLORS


# SQLite's largest integer: no id or limit can be bigger.
_LARGEST = 2**63 - 1


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    if number > _LARGEST:
        raise argparse.ArgumentTypeError(f"must be at most {_LARGEST}: {value}")
    return number


def _path(value: str) -> str:
    # No file name holds a NUL; the OS calls would raise ValueError on it.
    if "\x00" in value:
        raise argparse.ArgumentTypeError("a path cannot contain a NUL character")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("\nreader: interrupted; what finished is stored.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `reader articles | head`: the reader of our output left; not an error.
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:  # the last guard: one line, the traceback on request
        from reader.core.errors import unexpected

        if args.debug:
            traceback.print_exc()
        return _fail(unexpected(exc))


def _run(args: argparse.Namespace) -> int:
    handler: Callable[[Reader, argparse.Namespace], int] = getattr(args, "handler", cmd_app)
    from reader.core.config import ConfigError, load_settings
    from reader.core.errors import database_problem
    from reader.core.service import AddError, NotFoundError, UrlError, make_reader

    try:
        settings = load_settings(args.config, db=args.db)
    except ConfigError as exc:
        return _fail(str(exc))
    try:
        reader = make_reader(settings)
    except ConfigError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot open the database {settings.db_path()}: {exc.strerror or exc}")
    except sqlite3.Error as exc:
        return _fail(database_problem(exc, settings.db_path()))
    try:
        return handler(reader, args)
    except (CliError, AddError, NotFoundError, UrlError) as exc:
        return _fail(str(exc))
    except sqlite3.Error as exc:
        return _fail(database_problem(exc, settings.db_path()))
    finally:
        reader.close()


def _fail(message: str) -> int:
    from reader.core.errors import one_line

    print(f"reader: {one_line(message)}", file=sys.stderr)
    return EXIT_ERROR


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def cmd_app(reader: Reader, args: argparse.Namespace) -> int:
    """No command: open the app (Textual is imported only here)."""
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        raise CliError("the app needs a terminal; see `reader --help` for the commands")
    from reader.tui.app import run_app

    # A crash inside the app is its exit code too, not 0.
    return run_app(reader, demo=args.demo, debug=args.debug)


# -- add / import / export ---------------------------------------------------------


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
            _fail(f"cannot add {result}")  # one line, no terminal controls
            failed += 1
            continue
        note = "" if result.url == url else f" (found at {url})"
        verb = "subscribed to" if result.created else "already subscribed to"
        print(f"{verb} {result.url}{note}")
        added_ids.append(result.feed_id)
    if added_ids and not args.no_fetch:
        _run_refresh(reader, added_ids, force=True)
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
        return _import_notes(reader, args.file)

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


def _import_notes(reader: Reader, path: str) -> int:
    try:
        result = reader.import_notes(path)
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise CliError(f"{path}: {exc}") from exc
    print(
        f"imported {path}: {plural(result.annotations_added, 'annotation')} added,"
        f" {result.updated} updated, {plural(result.tags_added, 'article tag')} added"
        + (f", {len(result.unmatched)} unmatched" if result.unmatched else "")
    )
    from reader.core.service import strip_controls

    for lost in result.unmatched:
        # Listed in full, so nothing in the file is lost without the user
        # knowing; the file's text is not trusted with the terminal.
        line = f"  unmatched {lost.kind} {lost.uid} on {lost.url or '(no url)'}: "
        print(strip_controls(line + (lost.exact or lost.note)), file=sys.stderr)
    return EXIT_OK


def cmd_export_notes(reader: Reader, args: argparse.Namespace) -> int:
    out: str | None = args.out
    if out and (out.endswith(("/", os.sep)) or Path(out).is_dir()):
        if args.format != "markdown":
            raise CliError("a folder takes one Markdown file per article; give a file for JSON")
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            files = reader.export_notes_files()
            for name, content in files.items():
                (folder / name).write_text(content, encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot write to {out}: {exc.strerror or exc}") from exc
        print(f"wrote {plural(len(files), 'file')} to {folder}", file=sys.stderr)
        return EXIT_OK
    document = reader.export_notes(args.format)
    if out:
        try:
            Path(out).write_text(document, encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot write {out}: {exc.strerror or exc}") from exc
        print(f"wrote {len(reader.annotations())} annotations to {out}", file=sys.stderr)
    else:
        sys.stdout.write(document)
    return EXIT_OK


def cmd_export_opml(reader: Reader, args: argparse.Namespace) -> int:
    document = reader.export_opml()
    if args.file:
        try:
            Path(args.file).write_text(document, encoding="utf-8")
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


# -- refresh -----------------------------------------------------------------------


def cmd_refresh(reader: Reader, args: argparse.Namespace) -> int:
    # A refresh allocates many short-lived objects (HTTP machinery, parsed
    # feeds) and few cycles; the default collector thresholds made it scan
    # the whole heap often. Start-up objects are frozen out of the scans.
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    feed_ids = [reader.feed_id(f) for f in args.feed] if args.feed else None
    # Naming feeds is an explicit request: fetch them even while backing off.
    _run_refresh(reader, feed_ids, force=args.force or bool(feed_ids))
    waiting = reader.count_unanalysed()
    if waiting:
        print(
            f"{plural(waiting, 'article')} stored by an earlier version have no entities yet:"
            " run `reader reanalyse`"
        )
    return EXIT_OK


def _run_refresh(reader: Reader, feed_ids: list[int] | None, *, force: bool) -> RefreshTally:
    from reader.core.models import RefreshTally

    started = time.monotonic()
    summary = RefreshTally()
    progress = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    for result in reader.refresh(feed_ids, force=force):
        summary.add(result)
        if progress is not None:
            progress.update(result, summary.new, len(summary.failed))
        else:
            print(_result_line(result), flush=True)
    if progress is not None:
        progress.finish()
    elapsed = time.monotonic() - started
    print(_summary_line(summary, elapsed))
    for failure in summary.failed:
        print(f"  failed  {failure.url}: {failure.error}")
    for skipped in summary.skipped:
        print(f"  skipped {skipped.url}: {skipped.error} (use --force to fetch now)")
    return summary


def _result_line(result: FeedResult) -> str:
    name = result.url
    if result.status == "updated":
        detail = f"{result.new} new, {result.updated} updated"
        if result.extraction_failures:
            detail += f", {result.extraction_failures} kept the feed's text"
    elif result.status in ("failed", "skipped"):
        detail = result.error or ""
    else:
        detail = result.status.replace("_", " ")
    return f"{result.status:<12} {name}  {detail}"


def _summary_line(summary: RefreshTally, elapsed: float) -> str:
    failed = len(summary.failed)
    parts = [
        f"{plural(summary.feeds, 'feed')} in {elapsed:.1f} s",
        f"{summary.changed_feeds} updated",
        plural(summary.new, "new article"),
        plural(summary.updated, "changed article"),
    ]
    if summary.not_modified:
        parts.append(f"{summary.not_modified} not modified")
    if summary.extraction_failures:
        parts.append(f"{plural(summary.extraction_failures, 'page')} fell back to the feed's text")
    if summary.skipped_articles:
        parts.append(f"{plural(summary.skipped_articles, 'article')} skipped as not about AI")
    if failed:
        parts.append(f"{failed} failed")
    if summary.skipped:
        parts.append(f"{len(summary.skipped)} skipped")
    return "refreshed " + ", ".join(parts)


class ProgressBar:
    """One self-rewriting stderr line: feeds done, articles extracted, failures."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()

    def update(self, result: FeedResult, new: int, failed: int) -> None:
        p = result.progress
        total = max(p.feeds_total, 1)
        width = 24
        filled = int(width * p.feeds_done / total)
        bar = "█" * filled + "░" * (width - filled)
        line = (
            f"\r{bar} {p.feeds_done}/{plural(p.feeds_total, 'feed')} · "
            f"{p.pages_done}/{p.pages_total} articles extracted · {new} new"
            + (f" · {failed} failed" if failed else "")
            + f" · {time.monotonic() - self.started:.0f}s"
        )
        columns = _terminal_columns()
        self.stream.write(line[: columns + 1] + "\x1b[K")
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\r\x1b[K")
        self.stream.flush()


def _terminal_columns() -> int:
    try:
        columns = os.get_terminal_size(sys.stderr.fileno()).columns
    except OSError:
        columns = 0
    # A terminal that reports no size (0 columns) gets a sensible width.
    return columns - 1 if columns > 1 else 100


# -- listing -----------------------------------------------------------------------


def feed_json(feed: Feed) -> dict[str, Any]:
    return {
        "id": feed.id,
        "url": feed.url,
        "title": feed.title,
        "site_url": feed.site_url,
        "articles": feed.articles,
        "unread": feed.unread,
        "last_fetched": feed.last_fetched,
        "last_error": feed.last_error,
        "last_updated": feed.last_updated,
        "last_warning": feed.last_warning,
        "error_count": feed.error_count,
        "next_fetch_after": feed.next_fetch_after,
        "added_at": feed.added_at,
        "tags": list(feed.tags),
    }


def article_json(article: ArticleSummary) -> dict[str, Any]:
    return {
        "id": article.id,
        "feed_id": article.feed_id,
        "url": article.url,
        "title": article.title,
        "author": article.author,
        "published": article.published,
        "read": article.read,
        "starred": article.starred,
        "tags": list(article.tags),
        "feed_tags": list(article.feed_tags),
        "feed_title": article.feed_title,
        "added_at": article.added_at,
        "extraction": article.extraction,
    }


def mention_json(mention: Mention) -> dict[str, Any]:
    return {
        "start": mention.start,
        "end": mention.end,
        "label": mention.label,
        "text": mention.text,
        "entity": mention.entity,
        "source": mention.source,
    }


def annotation_json(annotation: Annotation) -> dict[str, Any]:
    return {
        "id": annotation.id,
        "uid": annotation.uid,
        "article_id": annotation.article_id,
        "kind": annotation.kind,
        "exact": annotation.exact,
        "prefix": annotation.prefix,
        "suffix": annotation.suffix,
        # Offsets index the current `text`; an orphan's old place does not.
        "start": None if annotation.state == "orphan" else annotation.start,
        "end": None if annotation.state == "orphan" else annotation.end,
        "note": annotation.note,
        "color": annotation.color,
        "tags": list(annotation.tags),
        "state": annotation.state,
        "score": annotation.score,
        "created_at": annotation.created_at,
        "updated_at": annotation.updated_at,
        "article_title": annotation.article_title,
        "article_url": annotation.article_url,
    }


def show_json(
    article: Article, mentions: Sequence[Mention], annotations: Sequence[Annotation]
) -> dict[str, Any]:
    data = article_json(article.summary)
    data.update(
        {
            "mentions": [mention_json(m) for m in mentions],
            "annotations": [annotation_json(a) for a in annotations],
            "ai_score": article.ai_score,
            "text": article.text,
            "text_sha": article.text_sha,
            "updated": article.updated,
            "site_name": article.site_name,
            "image_url": article.image_url,
            "extraction_error": article.extraction_error,
            "guid": article.guid,
        }
    )
    return data


def cmd_feeds(reader: Reader, args: argparse.Namespace) -> int:
    feeds = reader.feeds()
    if args.json:
        _print_json([feed_json(f) for f in feeds])
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
    if not articles and args.entity:
        # Say why the list is empty (on stderr: --json output stays a list).
        looked_for = "" if query.entity == args.entity.strip() else f" (as {query.entity!r})"
        print(
            f"reader: no articles mention {args.entity.strip()!r}{looked_for}"
            + (" with these filters" if _has_other_filters(args) else ""),
            file=sys.stderr,
        )
    if args.json:
        _print_json([article_json(a) for a in articles])
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
        _print_json(show_json(article, mentions, annotations))
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
            print(_annotation_line(annotation))
    return EXIT_OK


def _annotation_line(a: Annotation) -> str:
    state = "" if a.state in ("exact", "moved") else f" [{a.state}]"
    tags = f" #{' #'.join(a.tags)}" if a.tags else ""
    if a.kind == "note":
        head = f"  {a.id:>5} note{tags}"
    else:
        quote = a.exact if len(a.exact) <= 80 else a.exact[:79] + "…"
        head = f"  {a.id:>5} {a.color:<6} “{quote}”{state}{tags}"
    # Every line of the note under the head, its own indentation kept (a
    # Markdown list or code block in a note stays one).
    return head + ("\n" + textwrap.indent(a.note, " " * 9) if a.note else "")


def cmd_entities(reader: Reader, args: argparse.Namespace) -> int:
    if args.file:
        try:
            text = Path(args.file).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise CliError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    else:
        text = sys.stdin.read()
    mentions = reader.recognize(text)
    if args.json:
        _print_json([mention_json(m) for m in mentions])
        return EXIT_OK
    for m in mentions:
        entity = f"  → {m.entity}" if m.entity != m.text else ""
        print(f"{m.start:>7} {m.end:>7}  {m.label:<8} {m.text}{entity}")
    return EXIT_OK


def _apply_rule(reader: Reader, *rules: Rule) -> int:
    try:
        done = reader.correct_entities(rules)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    print(f"re-analysed {plural(done, 'article')}")
    return EXIT_OK


def cmd_entity_add(reader: Reader, args: argparse.Namespace) -> int:
    from reader.core.models import Rule

    rules = [Rule("entity", args.name, args.name, args.label)]
    rules += [Rule("alias", alias, args.name, args.label) for alias in args.alias]
    return _apply_rule(reader, *rules)


def cmd_entity_alias(reader: Reader, args: argparse.Namespace) -> int:
    from reader.core.models import Rule

    name = reader.resolve_entity(args.name)
    return _apply_rule(reader, Rule("alias", args.alias, name, ""))


def cmd_entity_type(reader: Reader, args: argparse.Namespace) -> int:
    from reader.core.models import Rule

    name = reader.resolve_entity(args.name)
    return _apply_rule(reader, Rule("entity", name, name, args.label))


def cmd_entity_ignore(reader: Reader, args: argparse.Namespace) -> int:
    from reader.core.models import Rule

    if args.undo:
        from reader.core.service import NotFoundError

        try:
            done = reader.unignore_entity(args.surface)
        except NotFoundError as exc:
            raise CliError(str(exc)) from None
        print(f"re-analysed {plural(done, 'article')}")
        return EXIT_OK
    return _apply_rule(reader, Rule("ignore", args.surface))


def cmd_entity_rules(reader: Reader, args: argparse.Namespace) -> int:
    rules = reader.entity_rules()
    if args.json:
        _print_json(
            [
                {"kind": r.kind, "surface": r.surface, "entity": r.entity, "label": r.label}
                for r in rules
            ]
        )
        return EXIT_OK
    if not rules:
        print("no entity rules yet: `reader entity add NAME --label ORG`")
    for r in rules:
        target = f" → {r.entity}" if r.entity and r.entity != r.surface else ""
        print(f"{r.kind:<7} {r.surface}{target} {r.label}".rstrip())
    return EXIT_OK


def cmd_entity_top(reader: Reader, args: argparse.Namespace) -> int:
    counts = reader.entity_counts(limit=args.limit)
    if args.json:
        _print_json([{"entity": c.name, "label": c.label, "articles": c.articles} for c in counts])
        return EXIT_OK
    for c in counts:
        print(f"{c.articles:>6}  {c.label:<8} {c.name}")
    return EXIT_OK


def cmd_reanalyse(reader: Reader, args: argparse.Namespace) -> int:
    if args.all:
        ids: list[int] | None = reader.all_article_ids()
    else:
        # Never analysed (stored before entities existed), then any analysed
        # by older recognisers or rules.
        ids = None
    done = 0
    for done in reader.reanalyse(ids):
        if sys.stderr.isatty():
            print(f"\r{done} articles", end="", file=sys.stderr, flush=True)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"re-analysed {plural(done, 'article')}")
    return EXIT_OK


def cmd_annotate(reader: Reader, args: argparse.Namespace) -> int:
    try:
        annotation = reader.annotate(
            args.id,
            args.quote,
            note=args.note,
            color=args.color,
            tags=args.tag,
            occurrence=args.occurrence,
        )
    except (LookupError, ValueError) as exc:
        raise CliError(str(exc)) from None
    if args.json:
        _print_json(annotation_json(annotation))
    else:
        print(f"highlight {annotation.id} on article {args.id}: “{annotation.exact}”")
    return EXIT_OK


def cmd_note(reader: Reader, args: argparse.Namespace) -> int:
    try:
        annotation = reader.note(args.id, args.text, tags=args.tag)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        _print_json(annotation_json(annotation))
    else:
        print(f"note {annotation.id} on article {args.id}")
    return EXIT_OK


def cmd_annotations(reader: Reader, args: argparse.Namespace) -> int:
    from reader.core.models import AnnotationFilter

    found = reader.annotations(
        AnnotationFilter(
            article_id=args.article,
            color=args.color,
            tag=args.tag,
            search=args.search,
            state="orphan" if args.orphans else None,
        )
    )
    if args.json:
        _print_json([annotation_json(a) for a in found])
        return EXIT_OK
    if not found:
        print("no annotations")
    article_id = None
    for a in found:
        if a.article_id != article_id:
            article_id = a.article_id
            print(f"{a.article_id:>6}  {a.article_title}")
        print(_annotation_line(a))
    return EXIT_OK


def cmd_tag(reader: Reader, args: argparse.Namespace) -> int:
    try:
        reader.tag(args.id, args.tags, remove=args.remove)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    tags = reader.article(args.id).summary.tags
    print(f"article {args.id}: " + (", ".join(tags) if tags else "no tags"))
    return EXIT_OK
