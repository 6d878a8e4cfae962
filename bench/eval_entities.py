"""Named-entity recognition quality: reader.core.entities.recognize on labelled text.

Scores ``recognize`` (and, when installed, a spaCy pipeline for comparison) by exact
span: a predicted mention counts only when its start and end match a gold span. "Typed"
figures also require the label to match; "untyped" figures ignore labels. Per-label
precision, recall and F1 are typed; the overall figures are micro-averaged.

Data sets:

- ``tests/data/entities_eval.txt`` (ours, in the repository): tech and AI news
  paragraphs with inline ``[[surface|LABEL]]`` markup, labels PERSON ORG PRODUCT
  AI_MODEL MONEY DATE GPE PERCENT. ``load_inline`` parses it.
- ``--corpora`` (default ``../shared/corpora/ner``, not in the repository; skipped with
  a message when missing), IOB2 files whose sentence tokens are joined with single
  spaces to get character offsets:

  * wnut17 ``emerging.test.annotated``: person->PERSON, corporation and group->ORG,
    location->GPE, product->PRODUCT; creative-work is ignored (gold and predictions).
    Our AI_MODEL predictions are scored as PRODUCT (WNUT has no model type); our MONEY,
    DATE and PERCENT predictions are dropped, as WNUT does not annotate them.
  * crossner politics/ and science/ ``test.txt``: person, politician, scientist,
    researcher->PERSON; organisation, university, politicalparty->ORG; country->GPE.
    ``location`` is ignored: it mixes cities with rivers, mountains and regions, and
    we label only political entities. Everything else (misc, event, election, award,
    ...) is ignored. Predictions with a label outside PERSON/ORG/GPE are dropped, as are
    predictions that overlap an ignored gold span (they cannot be judged).

spaCy labels are mapped to ours: PERSON->PERSON, ORG->ORG, GPE->GPE, PRODUCT->PRODUCT,
MONEY->MONEY, DATE->DATE, PERCENT->PERCENT; others (NORP, LOC, CARDINAL, ...) dropped.
A leading "the " is trimmed from spaCy spans, as our convention excludes it.

Run from the repository root::

    python bench/eval_entities.py
    python bench/eval_entities.py --show-errors
    python bench/eval_entities.py --data tests/data/entities_eval.txt --corpora /path/to/ner
    python bench/eval_entities.py --no-spacy --skip-corpora
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT / "tests/data/entities_eval.txt"
DEFAULT_CORPORA = REPO_ROOT.parent / "shared/corpora/ner"

try:
    import reader  # noqa: F401
except ImportError:  # not installed: run against the source tree
    sys.path.insert(0, str(REPO_ROOT / "src"))

LABELS = ("PERSON", "ORG", "PRODUCT", "AI_MODEL", "MONEY", "DATE", "GPE", "PERCENT")

Span = tuple[int, int, str]
Doc = tuple[str, list[Span]]
Tagger = Callable[[str], list[Span]]

_MARK_RE = re.compile(r"\[\[([^\[\]|\n]+)\|([A-Z_]+)\]\]")


class MarkupError(ValueError):
    """The inline markup of the evaluation set is malformed."""


def _parse_paragraph(raw: str, where: str) -> Doc:
    parts: list[str] = []
    spans: list[Span] = []
    problems: list[str] = []
    pos = 0  # offset in the text without markup
    last = 0
    for match in _MARK_RE.finditer(raw):
        plain = raw[last : match.start()]
        parts.append(plain)
        pos += len(plain)
        surface, label = match.group(1), match.group(2)
        if label not in LABELS:
            problems.append(f"unknown label {label!r} in {match.group(0)!r}")
        if surface != surface.strip():
            problems.append(f"surface with outer whitespace in {match.group(0)!r}")
        spans.append((pos, pos + len(surface), label))
        parts.append(surface)
        pos += len(surface)
        last = match.end()
    parts.append(raw[last:])
    text = "".join(parts)
    for leftover in ("[[", "]]"):
        if leftover in text:
            i = text.index(leftover)
            problems.append(f"stray {leftover!r} near {text[max(0, i - 30) : i + 30]!r}")
    if problems:
        raise MarkupError(f"{where}: " + "; ".join(problems))
    return text, spans


def load_inline(path: str | Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Paragraphs of an inline-labelled file: (text without markup, [(start, end, label)]).

    Paragraphs are separated by blank lines; lines starting with ``#`` are comments.
    Lines of one paragraph are joined with a single newline. Offsets count code points,
    so ``text[start:end]`` is the marked surface. Raises MarkupError on unknown labels,
    stray brackets or surfaces with outer whitespace.
    """
    docs: list[Doc] = []
    block: list[str] = []
    start_line = 0

    def flush() -> None:
        if block:
            docs.append(_parse_paragraph("\n".join(block), f"{path}:{start_line}"))
            block.clear()

    lines = Path(path).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if line.startswith("#"):
            continue
        if not line.strip():
            flush()
            continue
        if not block:
            start_line = number
        block.append(line.rstrip())
    flush()
    return docs
