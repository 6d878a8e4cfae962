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
    python bench/eval_entities.py --set dev --no-spacy --skip-corpora
    python bench/eval_entities.py --set dev --no-spacy --rules-too   # with and without spans.py

``--set dev`` / ``--set test`` score the labelled sets kept as references into the
shared corpora (``bench/data/ner_*_refs.jsonl`` and ``ner_*_labels.jsonl``, loaded by
``bench/label_sets.py``); without their labels or the corpora the inline file is scored,
with a message saying so. Every score is also given CrossNER-style, with AI_MODEL
counted as PRODUCT in gold and predictions alike (as CrossNER-ai labels models).
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
DATA_DIR = REPO_ROOT / "bench/data"
sys.path.insert(0, str(REPO_ROOT / "bench"))  # label_sets, beside this script

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


# -- scoring ----------------------------------------------------------------------------


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    labels: dict[str, Counts] = field(default_factory=dict)
    typed: Counts = field(default_factory=Counts)
    untyped: Counts = field(default_factory=Counts)
    kinds: Counter[str] = field(default_factory=Counter)  # error kinds


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def error_kinds(gold: Iterable[Span], pred: Iterable[Span]) -> Counter[str]:
    """Classify typed errors: wrong label (same span), boundary (overlap), spurious, missed."""
    gold_set, pred_set = set(gold), set(pred)
    kinds: Counter[str] = Counter()
    gold_spans = {(s, e): lab for s, e, lab in gold_set}
    pred_spans = {(s, e): lab for s, e, lab in pred_set}
    for s, e, lab in pred_set - gold_set:
        if (s, e) in gold_spans:
            kinds[f"label {gold_spans[(s, e)]}->{lab}"] += 1
        elif any(_overlaps((s, e), g) for g in gold_spans):
            kinds[f"boundary {lab}"] += 1
        else:
            kinds[f"spurious {lab}"] += 1
    for s, e, lab in gold_set - pred_set:
        if (s, e) in pred_spans:
            continue  # counted above as a wrong label
        if any(_overlaps((s, e), p) for p in pred_spans):
            continue  # counted above as a boundary error
        kinds[f"missed {lab}"] += 1
    return kinds


def score_docs(gold_docs: Sequence[list[Span]], pred_docs: Sequence[list[Span]]) -> Score:
    result = Score()
    for gold, pred in zip(gold_docs, pred_docs, strict=True):
        gold_set, pred_set = set(gold), set(pred)
        for label in {lab for *_, lab in gold_set | pred_set}:
            g = {x for x in gold_set if x[2] == label}
            p = {x for x in pred_set if x[2] == label}
            c = Counts(len(g & p), len(p - g), len(g - p))
            result.labels.setdefault(label, Counts()).add(c)
            result.typed.add(c)
        g_spans = {(s, e) for s, e, _ in gold_set}
        p_spans = {(s, e) for s, e, _ in pred_set}
        result.untyped.add(
            Counts(len(g_spans & p_spans), len(p_spans - g_spans), len(g_spans - p_spans))
        )
        result.kinds.update(error_kinds(gold_set, pred_set))
    return result


def _row(name: str, c: Counts, note: str = "") -> str:
    gold, pred = c.tp + c.fn, c.tp + c.fp
    figures = f"{c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}"
    return f"    {name:<10} {gold:>5} {pred:>5} {figures}  {note}".rstrip()


def print_score(name: str, score: Score, labels: Sequence[str], note: str = "") -> None:
    print(f"\n  {name}{'  ' + note if note else ''}")
    print(f"    {'label':<10} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6}")
    for label in labels:
        print(_row(label, score.labels.get(label, Counts())))
    print(_row("typed", score.typed, "(micro)"))
    print(_row("untyped", score.untyped, "(span only)"))
    common = ", ".join(f"{kind} {n}" for kind, n in score.kinds.most_common(8))
    print(f"    most common errors: {common or 'none'}")


def show_errors(
    texts: Sequence[str],
    gold_docs: Sequence[list[Span]],
    pred_docs: Sequence[list[Span]],
    limit: int,
) -> None:
    shown = 0
    for index, (text, gold, pred) in enumerate(zip(texts, gold_docs, pred_docs, strict=True)):
        gold_set, pred_set = set(gold), set(pred)
        errors = [("FP", x) for x in pred_set - gold_set] + [("FN", x) for x in gold_set - pred_set]
        for kind, (s, e, lab) in sorted(errors, key=lambda item: (item[1][0], item[0])):
            if shown >= limit:
                print("    ... (more; raise --max-errors)")
                return
            left = text[max(0, s - 40) : s].replace("\n", " ")
            right = text[e : e + 40].replace("\n", " ")
            print(f"    [{index}] {kind} {lab:<8} ...{left}[{text[s:e]}]{right}...")
            shown += 1


# -- systems ----------------------------------------------------------------------------


def reader_tagger(spans: bool = True) -> Tagger:
    """reader's recogniser; `spans=False` leaves out the learned span
    classifier (core/entities/spans.py), to see what the rules alone do."""
    from reader.core.entities import Recognizer

    recognizer = Recognizer(use_spans=spans)

    def tag(text: str) -> list[Span]:
        return [(m.start, m.end, m.label) for m in recognizer.find(text)]

    return tag


SPACY_MAP = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "GPE",
    "PRODUCT": "PRODUCT",
    "MONEY": "MONEY",
    "DATE": "DATE",
    "PERCENT": "PERCENT",
}


def spacy_tagger(model: str) -> Tagger | str:
    """A tagger for an installed spaCy pipeline, or the reason there is none."""
    try:
        import spacy  # type: ignore[import-not-found]
    except ImportError:
        return "spaCy is not installed"
    try:
        nlp = spacy.load(model)
    except OSError:
        return f"spaCy is installed but the pipeline {model!r} is not"

    def tag(text: str) -> list[Span]:
        spans: list[Span] = []
        for ent in nlp(text).ents:
            label = SPACY_MAP.get(ent.label_)
            if label is None:
                continue
            start = ent.start_char
            if text[start : start + 4].lower() == "the ":
                start += 4
            if start < ent.end_char:
                spans.append((start, ent.end_char, label))
        return spans

    return tag


def run(tagger: Tagger, texts: Sequence[str]) -> tuple[list[list[Span]], float]:
    """Predictions for every text and the cost in milliseconds per 1,000 words."""
    tagger(texts[0] if texts else "")  # warm-up: loads the knowledge base or pipeline
    started = time.perf_counter()
    preds = [tagger(text) for text in texts]
    elapsed = time.perf_counter() - started
    words = sum(len(text.split()) for text in texts) or 1
    return preds, elapsed * 1000 * 1000 / words


# -- IOB corpora ------------------------------------------------------------------------


@dataclass(frozen=True)
class IobDoc:
    text: str
    gold: list[Span]
    ignored: list[tuple[int, int]]  # gold spans of types we do not score


def load_iob(path: Path, mapping: dict[str, str]) -> list[IobDoc]:
    """Sentences of an IOB2 file; tokens joined with single spaces give the offsets.

    Types missing from ``mapping`` are kept as ignored spans.
    """
    docs: list[IobDoc] = []
    tokens: list[tuple[str, str]] = []

    def flush() -> None:
        if not tokens:
            return
        text_parts: list[str] = []
        gold: list[Span] = []
        ignored: list[tuple[int, int]] = []
        pos = 0
        current: tuple[int, int, str] | None = None

        def close() -> None:
            if current is None:
                return
            start, end, kind = current
            if kind in mapping:
                gold.append((start, end, mapping[kind]))
            else:
                ignored.append((start, end))

        for token, tag in tokens:
            if text_parts:
                pos += 1
            start, end = pos, pos + len(token)
            text_parts.append(token)
            pos = end
            prefix, _, kind = tag.partition("-")
            if prefix == "B" or (prefix == "I" and (current is None or current[2] != kind)):
                close()
                current = (start, end, kind)
            elif prefix == "I" and current is not None:
                current = (current[0], end, kind)
            else:
                close()
                current = None
        close()
        docs.append(IobDoc(" ".join(text_parts), gold, ignored))
        tokens.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            flush()
            continue
        token, _, tag = line.partition("\t")
        tokens.append((token, tag.strip() or "O"))
    flush()
    return docs


WNUT_MAP = {
    "person": "PERSON",
    "corporation": "ORG",
    "group": "ORG",
    "location": "GPE",
    "product": "PRODUCT",
}
WNUT_PRED = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "GPE",
    "PRODUCT": "PRODUCT",
    "AI_MODEL": "PRODUCT",
}
CROSSNER_MAP = {
    "person": "PERSON",
    "politician": "PERSON",
    "scientist": "PERSON",
    "researcher": "PERSON",
    "organisation": "ORG",
    "university": "ORG",
    "politicalparty": "ORG",
    "country": "GPE",
}
CROSSNER_PRED = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE"}


def adapt(preds: list[Span], doc: IobDoc, pred_map: dict[str, str]) -> list[Span]:
    """Map predicted labels to the corpus's scored set; drop what cannot be judged."""
    out: list[Span] = []
    for s, e, label in preds:
        mapped = pred_map.get(label)
        if mapped is None:
            continue
        if any(_overlaps((s, e), span) for span in doc.ignored):
            continue
        out.append((s, e, mapped))
    return out


# -- main -------------------------------------------------------------------------------


def as_product(docs: Sequence[list[Span]]) -> list[list[Span]]:
    """CrossNER-style labels: an AI model counts as a PRODUCT (CrossNER-ai has no
    model type), so a model/product confusion is no error."""
    return [[(s, e, "PRODUCT" if lab == "AI_MODEL" else lab) for s, e, lab in doc] for doc in docs]


# The test set's sources that are AI companies or AI-focused writers, judged from the
# source's name alone and fixed on 2026-12-06 before the set was scored for this
# grouping: the nearest thing here to the "paragraphs of real AI news".
SOURCE_GROUPS: dict[str, frozenset[str]] = {
    "ai": frozenset(
        {
            "anthropic.com",
            "blog.roboflow.com",
            "dreadnode.io",
            "inco.ai",
            "modular.com",
            "openrouter.ai",
            "ornith.ai",
            "simonwillison.net",
            "unsloth.ai",
        }
    ),
}


def load_set(args: argparse.Namespace) -> tuple[str, list[Doc]] | None:
    """The labelled set to score: ``--set dev|test`` (references into the shared
    corpora, rebuilt by bench/label_sets.py) or the inline file."""
    if args.set != "inline":
        refs = DATA_DIR / f"ner_{args.set}_refs.jsonl"
        labels = DATA_DIR / f"ner_{args.set}_labels.jsonl"
        if not refs.is_file() or not labels.is_file():
            missing = labels if refs.is_file() else refs
            print(
                f"== {args.set} set: {missing.relative_to(REPO_ROOT)} not found (the set is not"
                f" labelled or not merged yet); scoring {args.data} instead"
            )
        else:
            import label_sets

            items = label_sets.load_ner(Path(args.corpora).parent, refs, labels)
            if items is None:
                print(f"== {args.set} set: corpora missing; scoring {args.data} instead")
            else:
                group = getattr(args, "sources", None)
                if group is not None:
                    items = [item for item in items if item.source in SOURCE_GROUPS[group]]
                sources = len({item.source for item in items})
                where = f", {group} sources only" if group is not None else ""
                return f"{args.set} set ({sources} sources{where})", [
                    (item.text, list(item.spans)) for item in items
                ]
    try:
        return str(args.data), load_inline(args.data)
    except MarkupError as exc:
        print(f"malformed markup: {exc}")
        raise SystemExit(1) from exc


def evaluate_ours(args: argparse.Namespace, systems: dict[str, Tagger]) -> None:
    loaded = load_set(args)
    if loaded is None:
        return
    title, docs = loaded
    texts = [text for text, _ in docs]
    gold = [spans for _, spans in docs]
    words = sum(len(t.split()) for t in texts)
    entities = sum(map(len, gold))
    print(f"== ours: {title} ({len(docs)} paragraphs, {words:,} words, {entities} entities)")
    for name, tagger in systems.items():
        preds, cost = run(tagger, texts)
        print_score(name, score_docs(gold, preds), LABELS, f"{cost:.1f} ms per 1,000 words")
        crossner = score_docs(as_product(gold), as_product(preds))
        print(_row("typed", crossner.typed, "(CrossNER-style: AI_MODEL counted as PRODUCT)"))
        if args.show_errors:
            show_errors(texts, gold, preds, args.max_errors)


def evaluate_iob(
    title: str,
    paths: Sequence[Path],
    mapping: dict[str, str],
    pred_map: dict[str, str],
    note: str,
    args: argparse.Namespace,
    systems: dict[str, Tagger],
) -> None:
    docs = [doc for path in paths for doc in load_iob(path, mapping)]
    texts = [doc.text for doc in docs]
    gold = [doc.gold for doc in docs]
    labels = sorted(set(mapping.values()), key=LABELS.index)
    print(f"\n== {title} ({len(docs)} sentences, {sum(map(len, gold))} scored entities)")
    print(f"   {note}")
    for name, tagger in systems.items():
        raw, cost = run(tagger, texts)
        preds = [adapt(p, doc, pred_map) for p, doc in zip(raw, docs, strict=True)]
        print_score(name, score_docs(gold, preds), labels, f"{cost:.1f} ms per 1,000 words")
        if args.show_errors:
            show_errors(texts, gold, preds, args.max_errors)


def evaluate_corpora(args: argparse.Namespace, systems: dict[str, Tagger]) -> None:
    root = Path(args.corpora)
    if not root.is_dir():
        print(f"\n== shared NER corpora: {root} not found, skipped (pass --corpora PATH)")
        return
    wnut = root / "wnut17" / "emerging.test.annotated"
    if wnut.is_file():
        evaluate_iob(
            "wnut17 emerging.test.annotated",
            [wnut],
            WNUT_MAP,
            WNUT_PRED,
            "person->PERSON, corporation/group->ORG, location->GPE, product->PRODUCT; "
            "creative-work ignored;\n   our AI_MODEL predictions scored as PRODUCT; "
            "MONEY/DATE/PERCENT predictions dropped",
            args,
            systems,
        )
    else:
        print(f"\n== wnut17: {wnut} not found, skipped")
    crossner = [
        p
        for p in (root / "crossner" / d / "test.txt" for d in ("politics", "science"))
        if p.is_file()
    ]
    if crossner:
        evaluate_iob(
            "crossner " + " + ".join(p.parent.name for p in crossner) + " test.txt",
            crossner,
            CROSSNER_MAP,
            CROSSNER_PRED,
            "person/politician/scientist/researcher->PERSON, organisation/university/"
            "politicalparty->ORG, country->GPE;\n   location and all other types ignored; "
            "predictions other than PERSON/ORG/GPE dropped",
            args,
            systems,
        )
    else:
        print(f"\n== crossner: no test.txt under {root / 'crossner'}, skipped")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="inline-labelled file")
    parser.add_argument(
        "--set",
        choices=("inline", "dev", "test"),
        default="inline",
        help="labelled set: the inline file (--data) or bench/data/ner_{dev,test}_*.jsonl"
        " rebuilt from the corpora (the corpora root is the parent of --corpora)",
    )
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="shared ner folder")
    parser.add_argument("--skip-corpora", action="store_true", help="only our labelled set")
    parser.add_argument(
        "--sources",
        choices=sorted(SOURCE_GROUPS),
        help="score only this group of the set's sources (see SOURCE_GROUPS)",
    )
    parser.add_argument("--show-errors", action="store_true", help="list false positives/negatives")
    parser.add_argument("--max-errors", type=int, default=400, help="per system and data set")
    parser.add_argument("--spacy-model", default="en_core_web_sm", help="spaCy pipeline to compare")
    parser.add_argument("--no-spacy", action="store_true", help="do not try spaCy")
    parser.add_argument(
        "--rules-too", action="store_true", help="also score the rules without the span classifier"
    )
    args = parser.parse_args(argv)

    systems: dict[str, Tagger] = {"reader.recognize": reader_tagger()}
    if args.rules_too:
        systems["reader, rules only"] = reader_tagger(spans=False)
    if args.no_spacy:
        print("spaCy comparison: off (--no-spacy)")
    else:
        spacy = spacy_tagger(args.spacy_model)
        if isinstance(spacy, str):
            print(f"spaCy comparison: {spacy}; only reader is scored")
        else:
            systems[f"spaCy {args.spacy_model}"] = spacy
    evaluate_ours(args, systems)
    if not args.skip_corpora:
        evaluate_corpora(args, systems)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
