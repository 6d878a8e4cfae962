"""Labelled evaluation sets kept as references into the shared corpora.

The corpora's text belongs to its publishers and stays out of the repository. A set is
therefore two files in ``bench/data``:

- ``*_refs.jsonl`` (written by ``bench/make_label_sets.py``): one object a line with the
  item's ``id``, where its text lives (``corpus``: ``feed`` or ``page``; ``path``
  relative to the corpora root; ``entry`` (feed entry id, else link) or ``page`` (the
  extraction benchmark's page id); ``para`` (paragraph index, entity sets only; or
  ``title`` / ``summary`` for an entry's headline or plain-text summary)) and
  ``sha1`` of the text, so that a changed corpus is noticed instead of silently scored.
- ``*_labels.jsonl`` (written here from a labeller's file): entity sets hold
  ``{"id", "spans": [[start, end, label], ...]}`` with code-point offsets into the
  paragraph; relevance sets hold ``{"id", "ai": bool}``.

Labellers work on plain-text files outside the repository (``/work/wt/labelwork``),
one block per item separated by blank lines. An entity block is ``# id: ...`` and
``# ref: ...`` lines, then the paragraph on one line, marked inline as
``[[surface|LABEL]]`` (see docs/labelling.md). A relevance block has ``# id:``,
``# ref:``, ``feed:``, ``title:``, ``lead:`` lines and an ``ai: yes|no`` answer.

Conversion checks that the paragraph without markup is exactly the referenced one
(same sha1), so a label can never drift onto other text.

Paragraph extraction is done here, not with ``reader.core.extract``, on purpose: the
reader's extractor is being improved, and a frozen test set must not change when it
does. Only whitespace is normalised (runs become one space); characters such as
non-breaking hyphens are kept because they are part of what is being tested.

Usage (from the repository root)::

    python bench/label_sets.py ner LABELLED.txt bench/data/ner_test_refs.jsonl \\
        bench/data/ner_test_labels.jsonl
    python bench/label_sets.py ner --partial CHUNKS.txt bench/data/ner_train_refs.jsonl \\
        bench/data/ner_train_labels.jsonl     # a set labelled chunk by chunk
    python bench/label_sets.py check [--corpora DIR]   # every entity set's spans
    python bench/label_sets.py rel LABELLED.txt bench/data/ai_relevance_test_refs.jsonl \\
        bench/data/ai_relevance_test_labels.jsonl
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_entities import LABELS, MarkupError, Span, _parse_paragraph

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPORA = REPO_ROOT.parent / "shared/corpora"
PAGES_PATH = "extraction/article-extraction-benchmark"

_SPACES = re.compile(r"\s+")


# -- text from the corpora ---------------------------------------------------------------


def collapse(text: str) -> str:
    """Runs of whitespace (newlines included) become one space; ends are trimmed."""
    return _SPACES.sub(" ", text).strip()


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def html_paragraphs(html: str) -> list[str]:
    """The non-empty ``<p>`` elements of an HTML fragment, whitespace collapsed."""
    if not html.strip():
        return []
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return []
    found = (collapse(p.text_content()) for p in root.iter("p"))
    return [p for p in found if p]


def html_plain(html: str) -> str:
    """All text of an HTML fragment (or plain text), whitespace collapsed."""
    if "<" not in html and "&" not in html:
        return collapse(html)
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return collapse(html)
    # Block ends become spaces so that "<p>a</p><p>b</p>" does not read "ab".
    for element in root.iter():
        if element.tail is None and element is not root:
            element.tail = " "
        elif element is not root:
            element.tail = " " + element.tail
    return collapse(root.text_content())


def body_paragraphs(body: str) -> list[str]:
    """Paragraphs of a ground-truth article body: its non-empty lines."""
    return [p for p in (collapse(line) for line in body.split("\n")) if p]


def entry_key(entry: Any) -> str | None:
    """An entry's id, else its link: the key bench/eval_ai_relevance.py also uses."""
    key = entry.get("id") or entry.get("link")
    return str(key) if key else None


def entry_html(entry: Any) -> str:
    """The longest ``content`` value, else the summary (as reader ingests a feed)."""
    contents = entry.get("content") or []
    content = max((c.get("value") or "" for c in contents), key=len, default="")
    return content or (entry.get("summary") or "")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    key: str
    title: str
    summary_html: str
    html: str
    link: str


@dataclass(frozen=True, slots=True)
class Feed:
    title: str
    entries: tuple[FeedEntry, ...]


@lru_cache(maxsize=256)
def read_feed(path: Path) -> Feed:
    """A feed file (RSS, Atom, RDF through feedparser; JSON Feed directly)."""
    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        items: list[FeedEntry] = []
        for item in data.get("items") or []:
            key = item.get("id") or item.get("url")
            if not key:
                continue
            html = item.get("content_html") or item.get("content_text") or ""
            items.append(
                FeedEntry(
                    key=str(key),
                    title=str(item.get("title") or ""),
                    summary_html=str(item.get("summary") or html),
                    html=str(html),
                    link=str(item.get("url") or ""),
                )
            )
        return Feed(title=str(data.get("title") or ""), entries=tuple(items))
    import feedparser

    parsed = feedparser.parse(str(path))
    entries = []
    for e in parsed.entries:
        key = entry_key(e)
        if key is None:
            continue
        entries.append(
            FeedEntry(
                key=key,
                title=str(e.get("title") or ""),
                summary_html=str(e.get("summary") or ""),
                html=entry_html(e),
                link=str(e.get("link") or ""),
            )
        )
    return Feed(title=str(parsed.feed.get("title") or ""), entries=tuple(entries))


@lru_cache(maxsize=4)
def read_ground_truth(corpora: Path) -> dict[str, dict[str, str]]:
    path = corpora / PAGES_PATH / "ground-truth.json"
    data: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def page_title(corpora: Path, page: str) -> str:
    """The ``<title>`` of a benchmark page (the ground truth holds only the body)."""
    import lxml.html

    raw = gzip.decompress((corpora / PAGES_PATH / "html" / f"{page}.html.gz").read_bytes())
    titles = lxml.html.fromstring(raw).findall(".//title")
    return collapse(titles[0].text_content()) if titles else ""


def find_entry(corpora: Path, path: str, key: str) -> FeedEntry | None:
    file = corpora / path
    if not file.is_file():
        return None
    return next((e for e in read_feed(file).entries if e.key == key), None)


# Feed items whose text is the entry's headline or its plain-text summary rather than
# a <p> of its content (``para`` is then this word, not an index): AI newsletters and
# release notes whose feeds carry short summaries only.
ENTRY_PARTS = ("title", "summary")


def entry_part(entry: FeedEntry, part: str) -> str:
    """The entry's title, or its summary (else content) as plain text, collapsed."""
    if part == "title":
        return collapse(entry.title)
    return html_plain(entry.summary_html) or html_plain(entry.html)


def ref_paragraph(corpora: Path, ref: dict[str, Any]) -> str | None:
    """The paragraph a reference points at, or None when the corpus lacks it."""
    if ref["corpus"] == "feed" and ref["para"] in ENTRY_PARTS:
        found = find_entry(corpora, ref["path"], ref["entry"])
        return entry_part(found, ref["para"]) if found else None
    if ref["corpus"] == "page":
        body = read_ground_truth(corpora).get(ref["page"], {}).get("articleBody")
        paragraphs = body_paragraphs(body) if body else []
    else:
        entry = find_entry(corpora, ref["path"], ref["entry"])
        paragraphs = html_paragraphs(entry.html) if entry else []
    index = int(ref["para"])
    return paragraphs[index] if index < len(paragraphs) else None


# -- labelled files ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Block:
    """One item of a labeller's file: its id, other ``#`` lines and content lines."""

    id: str
    line: int
    content: tuple[str, ...]


def read_blocks(path: Path) -> Iterator[Block]:
    """Blocks separated by blank lines; a block without ``# id:`` is a comment."""
    lines = path.read_text(encoding="utf-8").splitlines()
    block: list[tuple[int, str]] = []
    for number, line in [*enumerate(lines, 1), (len(lines) + 1, "")]:
        if line.strip():
            block.append((number, line.rstrip()))
            continue
        if not block:
            continue
        ids = [text[len("# id:") :].strip() for _, text in block if text.startswith("# id:")]
        if ids:
            content = tuple(text for _, text in block if not text.startswith("#"))
            yield Block(id=ids[0], line=block[0][0], content=content)
        block = []


def read_refs(path: Path) -> dict[str, dict[str, Any]]:
    refs: dict[str, dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            ref = json.loads(line)
            refs[ref["id"]] = ref
    return refs


class LabelFileError(ValueError):
    """A labelled file does not match its references; the message lists every problem."""


# Characters that docs/labelling.md keeps outside a span (quotes, brackets, clause
# punctuation). A closing bracket may end a span only when the span opened it; "!"
# may end one ("Yahoo!").
_OUTSIDE_START = frozenset("\"'“”‘’«»([{,;:!?")
_OUTSIDE_END = frozenset("\"'“”‘’«»)]},;:")
_OPENING = {")": "(", "]": "[", "}": "{"}


def span_problems(
    text: str | None, spans: Sequence[Sequence[Any]], show_text: bool = True
) -> list[str]:
    """What is wrong with a paragraph's spans; empty when they are well formed.

    Without the text (corpora absent) only the form is checked: labels in the allowed
    set, ``0 <= start < end``, spans in order and not overlapping. With it, also that
    each span lies inside the text, starts and ends on a word boundary (no letter or
    digit on both sides of an edge), has no outer whitespace, and leaves quotes,
    brackets and clause punctuation outside. ``show_text=False`` keeps the surfaces out
    of the messages (for a frozen test set, whose text its users must not read).
    """
    problems: list[str] = []
    previous_end = 0
    for span in spans:
        start, end, label = int(span[0]), int(span[1]), str(span[2])
        where = f"[{start}, {end}) {label}"
        if label not in LABELS:
            problems.append(f"{where}: unknown label")
        if not 0 <= start < end:
            problems.append(f"{where}: empty or negative span")
            continue
        if start < previous_end:
            problems.append(f"{where}: overlaps or precedes the span before it")
        previous_end = max(previous_end, end)
        if text is None:
            continue
        if end > len(text):
            problems.append(f"{where}: ends after the text ({len(text)} characters)")
            continue
        surface = text[start:end]
        if show_text:
            where = f"{where} {surface!r}"
        if surface != surface.strip():
            problems.append(f"{where}: outer whitespace")
        if start > 0 and text[start - 1].isalnum() and surface[0].isalnum():
            problems.append(f"{where}: starts inside a word")
        if end < len(text) and text[end].isalnum() and surface[-1].isalnum():
            problems.append(f"{where}: ends inside a word")
        unopened = surface[-1] in _OUTSIDE_END and _OPENING.get(surface[-1], "") not in surface
        if surface[0] in _OUTSIDE_START or unopened:
            problems.append(f"{where}: punctuation at an edge belongs outside")
    return problems


def convert_ner(labelled: Path, refs_path: Path, partial: bool = False) -> list[dict[str, Any]]:
    """Entity labels with offsets, checked against the references' sha1 and span rules.

    ``partial`` accepts a file that labels only some of the referenced items (a set
    delivered in chunks, such as the training set); ids must still be known and unique.
    """
    refs = read_refs(refs_path)
    out: list[dict[str, Any]] = []
    problems: list[str] = []
    for block in read_blocks(labelled):
        where = f"{labelled}:{block.line} ({block.id})"
        ref = refs.get(block.id)
        if ref is None:
            problems.append(f"{where}: id not in {refs_path.name}")
            continue
        try:
            text, spans = _parse_paragraph(" ".join(block.content), where)
        except MarkupError as error:
            problems.append(str(error))
            continue
        if sha1(text) != ref["sha1"]:
            problems.append(
                f"{where}: text without markup differs from the corpus paragraph "
                "(a character was changed, added or removed outside [[...|...]])"
            )
            continue
        problems += [f"{where}: {problem}" for problem in span_problems(text, spans)]
        out.append({"id": block.id, "spans": [list(s) for s in spans]})
    _check_complete(out, refs, labelled, problems, partial)
    return out


def convert_relevance(labelled: Path, refs_path: Path) -> list[dict[str, Any]]:
    """Relevance answers (``ai: yes|no``) of every referenced item."""
    refs = read_refs(refs_path)
    out: list[dict[str, Any]] = []
    problems: list[str] = []
    for block in read_blocks(labelled):
        where = f"{labelled}:{block.line} ({block.id})"
        if block.id not in refs:
            problems.append(f"{where}: id not in {refs_path.name}")
            continue
        answers = [
            line.split(":", 1)[1].strip().lower()
            for line in block.content
            if line.startswith("ai:")
        ]
        if len(answers) != 1 or answers[0] not in ("yes", "no"):
            problems.append(f"{where}: needs exactly one 'ai: yes' or 'ai: no' line")
            continue
        out.append({"id": block.id, "ai": answers[0] == "yes"})
    _check_complete(out, refs, labelled, problems)
    return out


def _check_complete(
    out: list[dict[str, Any]],
    refs: dict[str, Any],
    labelled: Path,
    problems: list[str],
    partial: bool = False,
) -> None:
    seen = [item["id"] for item in out]
    duplicates = sorted({i for i in seen if seen.count(i) > 1})
    if duplicates:
        problems.append(f"{labelled}: ids labelled twice: {', '.join(duplicates)}")
    missing = [i for i in refs if i not in set(seen)]
    if missing and not problems and not partial:
        problems.append(f"{labelled}: {len(missing)} ids not labelled, first {missing[0]}")
    if problems:
        raise LabelFileError("\n".join(problems))


def write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    lines = (json.dumps(row, ensure_ascii=False) for row in rows)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


# -- loaders for evaluation scripts ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NerItem:
    id: str
    source: str
    text: str
    spans: list[Span]


@dataclass(frozen=True, slots=True)
class RelevanceItem:
    id: str
    source: str
    feed_title: str
    title: str
    lead: str
    html: str  # the entry's content or summary; a page's ground-truth body as text
    ai: bool


def _missing(corpora: Path) -> bool:
    if corpora.is_dir():
        return False
    print(f"corpora not found at {corpora}; skipped (pass the corpora folder)")
    return True


def load_ner(corpora: Path, refs_path: Path, labels_path: Path) -> list[NerItem] | None:
    """Labelled paragraphs rebuilt from the corpora; None (with a message) without them.

    Items whose paragraph changed or vanished in the corpus are left out with a note.
    Spans are not re-checked here, so that scoring a frozen set never prints its text;
    ``python bench/label_sets.py check`` does that.
    """
    if _missing(corpora):
        return None
    refs = read_refs(refs_path)
    items: list[NerItem] = []
    for line in labels_path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        label = json.loads(line)
        ref = refs[label["id"]]
        text = ref_paragraph(corpora, ref)
        if text is None or sha1(text) != ref["sha1"]:
            print(f"{label['id']}: paragraph missing or changed in the corpus; left out")
            continue
        spans = [(int(s), int(e), str(lab)) for s, e, lab in label["spans"]]
        items.append(NerItem(id=label["id"], source=ref["source"], text=text, spans=spans))
    return items


def relevance_text(corpora: Path, ref: dict[str, Any]) -> tuple[str, str, str, str] | None:
    """(feed title, title, lead, html) of a relevance item, or None when it is gone."""
    if ref["corpus"] == "page":
        body = read_ground_truth(corpora).get(ref["page"], {}).get("articleBody")
        if body is None:
            return None
        return "", page_title(corpora, ref["page"]), lead(collapse(body)), body
    entry = find_entry(corpora, ref["path"], ref["entry"])
    if entry is None:
        return None
    feed = read_feed(corpora / ref["path"])
    summary = html_plain(entry.summary_html) or html_plain(entry.html)
    return collapse(feed.title), collapse(entry.title), lead(summary), entry.html


def lead(text: str, limit: int = 300) -> str:
    """The first ``limit`` characters, cut back to a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut[: cut.rfind(" ")] if " " in cut else cut


def load_relevance(corpora: Path, refs_path: Path, labels_path: Path) -> list[RelevanceItem] | None:
    """Labelled relevance items with their text; None (with a message) without corpora."""
    if _missing(corpora):
        return None
    refs = read_refs(refs_path)
    items: list[RelevanceItem] = []
    for line in labels_path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        label = json.loads(line)
        ref = refs[label["id"]]
        found = relevance_text(corpora, ref)
        if found is None or sha1(found[1] + "\n" + found[2]) != ref["sha1"]:
            print(f"{label['id']}: item missing or changed in the corpus; left out")
            continue
        feed_title, title, lead_text, html = found
        items.append(
            RelevanceItem(
                id=label["id"],
                source=ref["source"],
                feed_title=feed_title,
                title=title,
                lead=lead_text,
                html=html,
                ai=bool(label["ai"]),
            )
        )
    return items


def check_ner_sets(data: Path, corpora: Path | None) -> int:
    """Check every ``ner_*_labels.jsonl`` in ``data`` against its refs; print problems.

    Ids must be known and unique; spans must pass ``span_problems`` (with the text when
    the corpora are there). Problems in a test set are shown without their text.
    Returns the number of problems.
    """
    count = 0
    for labels_path in sorted(data.glob("ner_*_labels.jsonl")):
        refs_path = labels_path.with_name(labels_path.name.replace("_labels", "_refs"))
        refs = read_refs(refs_path) if refs_path.is_file() else {}
        seen: set[str] = set()
        rows = [json.loads(x) for x in labels_path.read_text(encoding="utf-8").splitlines() if x]
        problems: list[str] = []
        frozen = "_test_" in labels_path.name
        for row in rows:
            ref = refs.get(row["id"])
            if ref is None or row["id"] in seen:
                problems.append(f"{row['id']}: unknown or repeated id")
                continue
            seen.add(row["id"])
            text = None
            if corpora is not None:
                text = ref_paragraph(corpora, ref)
                if text is None or sha1(text) != ref["sha1"]:
                    problems.append(f"{row['id']}: paragraph missing or changed in the corpus")
                    continue
            found = span_problems(text, row["spans"], show_text=not frozen)
            problems += [f"{row['id']}: {p}" for p in found]
        spans = sum(len(row["spans"]) for row in rows)
        print(f"{labels_path.name}: {len(rows)} items, {spans} spans, {len(problems)} problems")
        for problem in problems:
            print(f"  {problem}")
        count += len(problems)
    return count


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "kind",
        choices=("ner", "rel", "check"),
        help="convert an entity or relevance file, or check every entity set in bench/data",
    )
    parser.add_argument("labelled", type=Path, nargs="?", help="the labeller's text file")
    parser.add_argument("refs", type=Path, nargs="?", help="bench/data/*_refs.jsonl")
    parser.add_argument("out", type=Path, nargs="?", help="bench/data/*_labels.jsonl to write")
    parser.add_argument(
        "--partial", action="store_true", help="ner: the file labels only some referenced items"
    )
    parser.add_argument(
        "--corpora", type=Path, default=DEFAULT_CORPORA, help="check: the shared corpora folder"
    )
    # Intermixed: "ner --partial FILE REFS OUT" has a flag between optional positionals.
    args = parser.parse_intermixed_args(argv)
    if args.kind == "check":
        corpora = None if _missing(args.corpora) else args.corpora
        return 1 if check_ner_sets(REPO_ROOT / "bench/data", corpora) else 0
    if args.labelled is None or args.refs is None or args.out is None:
        parser.error(f"{args.kind} needs LABELLED REFS OUT")
    try:
        if args.kind == "ner":
            rows = convert_ner(args.labelled, args.refs, partial=args.partial)
        else:
            rows = convert_relevance(args.labelled, args.refs)
    except LabelFileError as error:
        print(error)
        print("nothing written")
        return 1
    write_jsonl(args.out, rows)
    extra = f", {sum(len(r['spans']) for r in rows)} spans" if args.kind == "ner" else ""
    print(f"{len(rows)} items{extra} -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
