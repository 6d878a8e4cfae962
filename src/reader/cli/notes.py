"""Highlights and notes: annotate, note, list, export and import."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from reader.wording import plural

if TYPE_CHECKING:
    from reader.core.models import (
        Annotation,
    )
    from reader.core.service import Reader

from reader.cli.common import EXIT_OK, CliError, note_long_search, print_json, write_file
from reader.cli.json_shapes import annotation_json


def import_notes_file(reader: Reader, path: str) -> int:
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
    if result.unmatched and not result.matched:
        # A script restoring a backup learns that nothing of it was (some
        # unmatched items beside matched ones are listed, and exit 0, as a
        # refresh with some failed feeds).
        raise CliError(
            f"nothing was restored from {path}: none of its items is on an article in this"
            " database (subscribe to their feeds and refresh, then import again)"
        )
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
                write_file(folder / name, content)
        except OSError as exc:
            raise CliError(f"cannot write to {out}: {exc.strerror or exc}") from exc
        print(f"wrote {plural(len(files), 'file')} to {folder}", file=sys.stderr)
        return EXIT_OK
    document = reader.export_notes(args.format)
    if out:
        try:
            write_file(out, document)
        except OSError as exc:
            raise CliError(f"cannot write {out}: {exc.strerror or exc}") from exc
        print(f"wrote {len(reader.annotations())} annotations to {out}", file=sys.stderr)
    else:
        sys.stdout.write(document)
    return EXIT_OK


def annotation_line(a: Annotation) -> str:
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
        print_json(annotation_json(annotation))
    else:
        print(f"highlight {annotation.id} on article {args.id}: “{annotation.exact}”")
    return EXIT_OK


def cmd_note(reader: Reader, args: argparse.Namespace) -> int:
    try:
        annotation = reader.note(args.id, args.text, tags=args.tag)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print_json(annotation_json(annotation))
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
    note_long_search(args.search)
    if args.json:
        print_json([annotation_json(a) for a in found])
        return EXIT_OK
    if not found:
        print("no annotations")
    article_id = None
    for a in found:
        if a.article_id != article_id:
            article_id = a.article_id
            print(f"{a.article_id:>6}  {a.article_title}")
        print(annotation_line(a))
    return EXIT_OK
