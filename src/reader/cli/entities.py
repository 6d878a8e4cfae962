"""Entity commands: find them in text, correct them, list them, re-analyse."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from reader.wording import plural

if TYPE_CHECKING:
    from reader.core.models import (
        Rule,
    )
    from reader.core.service import Reader

from reader.cli.common import EXIT_OK, CliError, print_json
from reader.cli.json_shapes import entity_count_json, mention_json, rule_json


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
        print_json([mention_json(m) for m in mentions])
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
        print_json([rule_json(r) for r in rules])
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
        print_json([entity_count_json(c) for c in counts])
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
