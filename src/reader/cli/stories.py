"""The command line for stories, the watchlist and the digest:
`reader stories`, `reader follow`, `reader unfollow`, `reader following`,
`reader digest`. Registered by cli.parser.build_parser; every call goes through the
service facade."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from reader.cli.common import EXIT_OK, CliError, print_json, write_file
from reader.wording import plural

if TYPE_CHECKING:
    from reader.core.service import Reader
    from reader.core.stories.queries import Story


def add_parsers(sub: Any, positive_int: Callable[[str], int], path: Callable[[str], str]) -> None:
    stories = sub.add_parser("stories", help="articles grouped by the news they report")
    stories.add_argument(
        "--since", metavar="D", help="stories with an article since then: 12h, 1d, 2w or a date"
    )
    stories.add_argument("--limit", type=positive_int, default=50, metavar="N")
    stories.add_argument("--json", action="store_true")
    stories.set_defaults(handler=cmd_stories)

    follow = sub.add_parser("follow", help="follow an entity (or a search) in stories")
    follow.add_argument("name", metavar="NAME")
    follow.add_argument(
        "--search", action="store_true", help="follow NAME as a full-text search, not an entity"
    )
    follow.set_defaults(handler=cmd_follow)

    unfollow = sub.add_parser("unfollow", help="stop following an entity or search")
    unfollow.add_argument("name", metavar="NAME")
    unfollow.set_defaults(handler=cmd_unfollow)

    following = sub.add_parser("following", help="what you follow, with its new stories")
    following.add_argument("--json", action="store_true")
    following.set_defaults(handler=cmd_following)

    digest = sub.add_parser(
        "digest", help="new stories since a time, by followed entity and AI relevance"
    )
    digest.add_argument("--since", default="1d", metavar="D", help="12h, 1d, 2w or a date")
    digest.add_argument("--format", choices=("markdown", "json"), default="markdown")
    digest.add_argument("--out", type=path, metavar="FILE", help="default: standard output")
    digest.set_defaults(handler=cmd_digest)


def story_json(story: Story) -> dict[str, Any]:
    from reader.core.stories.digest import story_json as keys

    return {**keys(story), "ai_score": story.ai_score, "unread": story.unread}


def cmd_stories(reader: Reader, args: argparse.Namespace) -> int:
    try:
        stories = reader.stories(args.since, limit=args.limit)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print_json([story_json(s) for s in stories])
        return EXIT_OK
    if not stories:
        print("no stories" + (f" since {args.since}" if args.since else ""))
    for story in stories:
        when = story.newest[:16].replace("T", " ")
        count = plural(len(story.sources), "source")
        print(f"{story.id:>6}  {when}  {count:<10}  {story.title}")
        if len(story.sources) > 1:
            print(f"{'':>8}{', '.join(story.sources)}")
    return EXIT_OK


def cmd_follow(reader: Reader, args: argparse.Namespace) -> int:
    try:
        name, created = reader.follow(args.name, search=args.search)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    what = "search" if args.search else "entity"
    print(f"following {what} {name!r}" + ("" if created else " (already)"))
    return EXIT_OK


def cmd_unfollow(reader: Reader, args: argparse.Namespace) -> int:
    if not reader.unfollow(args.name):
        raise CliError(f"not following {args.name!r}: `reader following` lists what you follow")
    print(f"stopped following {args.name!r}")
    return EXIT_OK


def cmd_following(reader: Reader, args: argparse.Namespace) -> int:
    follows = reader.following()
    if args.json:
        print_json(
            [
                {
                    "id": f.id,
                    "kind": f.kind,
                    "name": f.name,
                    "created_at": f.created_at,
                    "seen_at": f.seen_at,
                    "new_stories": f.new_stories,
                }
                for f in follows
            ]
        )
        return EXIT_OK
    if not follows:
        print("following nothing yet: `reader follow NAME`")
    for f in follows:
        print(f"{f.new_stories:>5} new  {f.kind:<6}  {f.name}")
    return EXIT_OK


def cmd_digest(reader: Reader, args: argparse.Namespace) -> int:
    import json

    from reader.core.stories.digest import digest_json, digest_markdown

    try:
        digest = reader.digest(args.since)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.format == "json":
        text = json.dumps(digest_json(digest), ensure_ascii=False, indent=2) + "\n"
    else:
        text = digest_markdown(digest)
    if not args.out:
        print(text, end="")
        return EXIT_OK
    try:
        write_file(args.out, text)
    except OSError as exc:
        raise CliError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    print(f"wrote {plural(digest.story_count, 'story', 'stories')} to {args.out}")
    return EXIT_OK
