"""The argument parser: every command, its options and its handler."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from reader.core.models import COLORS, LABELS

if TYPE_CHECKING:
    pass

from reader.cli.entities import (
    cmd_entities,
    cmd_entity_add,
    cmd_entity_alias,
    cmd_entity_ignore,
    cmd_entity_rules,
    cmd_entity_top,
    cmd_entity_type,
    cmd_reanalyse,
)
from reader.cli.feeds import (
    cmd_add,
    cmd_articles,
    cmd_export_opml,
    cmd_feeds,
    cmd_import,
    cmd_remove,
    cmd_show,
    cmd_tag,
)
from reader.cli.notes import cmd_annotate, cmd_annotations, cmd_export_notes, cmd_note
from reader.cli.refresh import cmd_refresh


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

    from reader.cli.stories import add_parsers as add_story_parsers

    add_story_parsers(sub, _positive_int, _path)
    _text_arguments(parser)
    return parser


def _text_arguments(parser: argparse.ArgumentParser) -> None:
    """Every argument that is neither a path nor typed otherwise is text: it is
    checked as such (see _text), in every command at once."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                _text_arguments(subparser)
        elif action.type is None and action.nargs != 0 and action.dest != "help":
            action.type = _text


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


def _text(value: str) -> str:
    # Python hands bytes that are not UTF-8 over as lone surrogates
    # ("surrogateescape"); a search, tag or URL holding one ended in
    # "unexpected error (UnicodeEncodeError ...)" when SQLite was given it.
    # A path may hold such bytes (file names are bytes): _path takes them.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError(
            "not valid UTF-8 (check the terminal's encoding)"
        ) from None
    return value


def _path(value: str) -> str:
    # No file name holds a NUL; the OS calls would raise ValueError on it.
    if "\x00" in value:
        raise argparse.ArgumentTypeError("a path cannot contain a NUL character")
    return value
