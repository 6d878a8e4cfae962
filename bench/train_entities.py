"""Train the shipped span classifier (reader/core/entities/spans.py) and print dev figures.

Training text: our inline-labelled paragraphs (tests/data/entities_eval.txt) and,
when present, the training sets in bench/data (``ner_train*_refs.jsonl`` with their
``ner_train*_labels.jsonl``, rebuilt from the shared corpora by label_sets.py; their
sources are disjoint from the dev and test sets). The dev set is only scored, never
trained on (unless ``--with-dev``); the frozen test set is never read here.

For each training paragraph the rules run without the classifier; the candidate runs
in the text that the knowledge base and the patterns did not claim become examples,
labelled with the gold label of the span they match exactly ("O" when none). Training
on the runs the context rules also typed gives the model more examples than the
leftovers alone; at run time it is asked only about the leftovers. An averaged
perceptron learns the weights; training is deterministic (fixed order, fixed seed).

The margin over "not a name" (``--threshold``) is chosen by cross-validation on the
labelled training text (``--folds 5``: train on four fifths, score the whole recogniser
on the fifth its rules were never tuned on), with the dev figures as a second look.
``--by-source`` puts all items of one source in one fold (a name recurring on one site
is then never learned from that site); ``--with-dev`` also trains on the dev set, folds
by source over both sets, and scores dev out of fold beside the training set. The
shipped weights are the mean of ``--seeds`` perceptrons trained on different orders.

    python bench/train_entities.py --corpora /work/shared/corpora          # train, write
    python bench/train_entities.py --corpora /work/shared/corpora --folds 5 \
        --thresholds 1,2,3,4 --dry-run                  # compare margins, write nothing
    python bench/train_entities.py --corpora /work/shared/corpora --folds 5 --by-source \
        --thresholds 3 --dry-run                        # the same, each source in one fold
    python bench/train_entities.py --corpora /work/shared/corpora --folds 5 --by-source \
        --thresholds 3 --dry-run --why-missed           # and why names were missed, by cause
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "bench/data"
sys.path.insert(0, str(REPO_ROOT / "bench"))
try:
    import reader  # noqa: F401
except ImportError:  # not installed: run against the source tree
    sys.path.insert(0, str(REPO_ROOT / "src"))

from eval_entities import DEFAULT_DATA, Counts, Doc, Score, load_inline, score_docs  # noqa: E402
from reader.core.entities.recognizer import Recognizer  # noqa: E402
from reader.core.entities.spans import (  # noqa: E402
    CLASSES,
    MODEL_FILE,
    SpanModel,
    candidates,
    features,
    known_names,
    mention_edges,
    text_words,
    worth_asking,
)
from why_missed import print_causes, why_missed, why_spurious  # noqa: E402

MODEL_PATH = REPO_ROOT / "src/reader/data/entities" / MODEL_FILE
DEFAULT_CORPORA = REPO_ROOT.parent / "shared/corpora"
# Sources whose mentions the candidates are cut around in training (see above).
_STRONG = frozenset({"user", "kb", "pattern"})

Example = tuple[list[str], int]

# Unlabelled feeds, none of them (nor their sites) in the dev or the test set.
# bench/make_name_lists.py reads them to tell names from everyday words. (Training
# on their runs labelled by the rules, "silver" examples, was tried: it lowered
# the cross-validated F1 by a point, as the runs the rules leave untyped are
# often names, taught as "not a name".)
SILVER_FEEDS = (
    "feeds/tech-ai/0xsmw-ai-feeds/feeds/feed_ai_research.xml",
    "feeds/tech-ai/0xsmw-ai-feeds/feeds/feed_arenamag.xml",
    "feeds/tech-ai/0xsmw-ai-feeds/feeds/feed_digg_tech.xml",
    "feeds/tech-ai/0xsmw-ai-feeds/feeds/feed_steve_jobs_archive_stories.xml",
    "feeds/tech-ai/ai-news-direct/feeds/aibase_daily.xml",
    "feeds/tech-ai/ai-news-direct/feeds/artificial_analysis.xml",
    "feeds/tech-ai/ai-news-direct/feeds/bytedance_seed_blog.xml",
    "feeds/tech-ai/ai-news-direct/feeds/deeplearning_ai_batch.xml",
    "feeds/tech-ai/ai-news-direct/feeds/deepseek_news.xml",
    "feeds/tech-ai/ai-news-direct/feeds/meta_ai_news.xml",
    "feeds/tech-ai/ai-news-direct/feeds/minimax_blog.xml",
    "feeds/tech-ai/ai-news-direct/feeds/moonshot_blog.xml",
    "feeds/tech-ai/ai-news-direct/feeds/z_ai_blog.xml",
    "feeds/tech-ai/rsparser-site-feeds/DaringFireball.atom",
    "feeds/tech-ai/rsparser-site-feeds/ScriptingNews.json",
    "feeds/tech-ai/rsparser-site-feeds/inessential.json",
    "feeds/tech-ai/rsparser-site-feeds/macworld.rss",
    "feeds/tech-ai/rsparser-site-feeds/livemint.xml",
    "feeds/tech-ai/rsparser-site-feeds/cloudblog.rss",
    "feeds/tech-ai/rsparser-site-feeds/pxlnv.json",
    "feeds/tech-ai/rsparser-site-feeds/rubenerd.rss",
    "feeds/tech-ai/rsparser-site-feeds/atp.rss",
    "feeds/tech-ai/rsparser-site-feeds/sixcolors.html",
)
_NAME_LABELS = frozenset(CLASSES[1:])


def silver_paragraphs(corpora: Path, per_feed: int) -> list[str]:
    """Up to `per_feed` paragraphs of 12+ words from each silver feed, in file order."""
    import label_sets

    texts: list[str] = []
    for rel in SILVER_FEEDS:
        path = corpora / rel
        if not path.is_file():
            continue
        try:
            feed = label_sets.read_feed(path)
        except (ValueError, OSError):
            continue
        taken = 0
        for entry in feed.entries:
            for para in label_sets.html_paragraphs(entry.html):
                if len(para.split()) >= 12 and taken < per_feed:
                    texts.append(para)
                    taken += 1
    return texts


def load_ref_sets(corpora: Path, kind: str, sources: list[str] | None = None) -> list[Doc]:
    """Every labelled set of `kind` ("train", "dev") kept as references; each
    item's source site is appended to `sources` when given."""
    import label_sets

    docs: list[Doc] = []
    for refs in sorted(DATA_DIR.glob(f"ner_{kind}*_refs.jsonl")):
        labels = refs.with_name(refs.name.replace("_refs.jsonl", "_labels.jsonl"))
        if not labels.is_file():
            print(f"{labels.name} missing: {refs.name} skipped")
            continue
        items = label_sets.load_ner(corpora, refs, labels)
        if items is None:
            continue
        docs += [(item.text, list(item.spans)) for item in items]
        if sources is not None:
            sources += [item.source for item in items]
        print(f"{refs.name}: {len(items)} paragraphs")
    return docs


def examples(docs: Sequence[Doc], rules: Recognizer, all_runs: bool) -> list[Example]:
    kb = rules.kb
    out: list[Example] = []
    for text, gold in docs:
        mentions = rules.find(text)
        cut = [m for m in mentions if all_runs is False or m.source in _STRONG]
        taken = sorted((m.start, m.end) for m in cut)
        gold_at = {(s, e): lab for s, e, lab in gold}
        known = known_names([m for m in mentions if m.source in _STRONG])
        words = text_words(text)
        edges = mention_edges(mentions)
        for cand in candidates(text, taken):
            if not worth_asking(text, cand, words):
                continue
            label = gold_at.get((cand.start, cand.end), "O")
            target = CLASSES.index(label) if label in CLASSES else 0
            feats = features(text, cand, kb.first_names, words, known, edges)
            out.append((feats, target))
    return out


def train(data: list[Example], epochs: int, seed: int = 0) -> dict[str, list[float]]:
    """Averaged perceptron: weights averaged over every step, for stability."""
    k = len(CLASSES)
    weights: dict[str, list[float]] = defaultdict(lambda: [0.0] * k)
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0] * k)
    stamps: dict[str, list[int]] = defaultdict(lambda: [0] * k)
    step = 0
    order = list(range(len(data)))
    rng = random.Random(seed)

    def update(feat: str, cls: int, delta: float) -> None:
        totals[feat][cls] += (step - stamps[feat][cls]) * weights[feat][cls]
        stamps[feat][cls] = step
        weights[feat][cls] += delta

    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            feats, gold = data[i]
            step += 1
            scores = [0.0] * k
            for f in feats:
                row = weights.get(f)
                if row is not None:
                    for c in range(k):
                        scores[c] += row[c]
            guess = max(range(k), key=lambda c: (scores[c], -c))
            if guess != gold:
                for f in feats:
                    update(f, gold, 1.0)
                    update(f, guess, -1.0)
    averaged: dict[str, list[float]] = {}
    for feat, row in weights.items():
        avg = [(totals[feat][c] + (step - stamps[feat][c]) * row[c]) / step for c in range(k)]
        if any(abs(w) >= 0.005 for w in avg):
            averaged[feat] = [round(w, 3) for w in avg]
    return averaged


def train_averaged(data: list[Example], epochs: int, seeds: int) -> dict[str, list[float]]:
    """The mean of the weights of `seeds` perceptrons that saw the examples in
    different orders: one retraining moved CrossNER by a point on its own."""
    if seeds <= 1:
        return train(data, epochs)
    k = len(CLASSES)
    total: dict[str, list[float]] = defaultdict(lambda: [0.0] * k)
    for seed in range(seeds):
        for feat, row in train(data, epochs, seed).items():
            acc = total[feat]
            for c in range(k):
                acc[c] += row[c]
    return {
        feat: [round(w / seeds, 3) for w in row]
        for feat, row in total.items()
        if any(abs(w / seeds) >= 0.005 for w in row)
    }


def score(docs: Sequence[Doc], model: SpanModel | None, why: Causes | None = None) -> Score:
    """Scores of the whole recogniser (rules, and the model when given); with
    `why`, the causes of its missed and of its spurious names are added to it
    (bench/why_missed.py; the spurious ones' causes marked by `_SPURIOUS`)."""
    tagger = Recognizer(spans=model, use_spans=model is not None)
    found = [tagger.find(text) for text, _ in docs]
    preds = [[(m.start, m.end, m.label) for m in mentions] for mentions in found]
    if why is not None:
        rules = Recognizer(use_spans=False)
        for (text, gold), pred, mentions in zip(docs, preds, found, strict=True):
            why.update(why_missed(text, gold, pred, rules))
            made = [(m.start, m.end, m.label, m.source) for m in mentions]
            why.update(
                {(lab, _SPURIOUS + c): n for (lab, c), n in why_spurious(gold, made).items()}
            )
    return score_docs([gold for _, gold in docs], preds)


# The spurious mentions' causes share the `why` counter, marked by this prefix.
_SPURIOUS = "spurious: "


def print_why(title: str, why: Causes) -> None:
    """The tables of bench/why_missed.py: names missed, then names made up."""
    print_causes(title, Counter({k: n for k, n in why.items() if not k[1].startswith(_SPURIOUS)}))
    spurious = {
        (lab, c.removeprefix(_SPURIOUS)): n
        for (lab, c), n in why.items()
        if c.startswith(_SPURIOUS)
    }
    print_causes(title, Counter(spurious), "spurious")


def _figures(c: Counts) -> str:
    return f"P {c.precision:.4f} R {c.recall:.4f} F1 {c.f1:.4f}"


def _per_label(name: str, s: Score) -> None:
    """One line of per-label F1 (recall in brackets) for the name labels."""
    cells = []
    for label in _REPORTED:
        c = s.labels.get(label, Counts())
        cells.append(f"{label} {c.f1:.3f} (R {c.recall:.3f})")
    print(f"  {name}: " + ", ".join(cells))


_REPORTED = ("PERSON", "ORG", "PRODUCT", "AI_MODEL", "GPE")


def report(
    name: str,
    docs: Sequence[Doc],
    weights: Weights,
    thresholds: Sequence[float],
    why_threshold: float | None = None,
) -> None:
    print(f"{name}, rules only:           {_figures(score(docs, None).typed)}")
    for t in thresholds:
        why: Causes | None = Counter() if t == why_threshold else None
        scored = score(docs, SpanModel(weights, t), why)
        print(f"{name}, with the model at {t:<4}: {_figures(scored.typed)}")
        _per_label(f"per label at {t}", scored)
        if why is not None:
            print_why(f"{name}, model at {t}", why)


Weights = dict[str, list[float]]
Causes = Counter[tuple[str, str]]


def source_folds(sources: Sequence[str], folds: int) -> list[int]:
    """A fold for each item such that all items of one source share it: the
    sources, largest first, each go to the fold with the fewest items so far
    (deterministic; ties by name)."""
    sizes: dict[str, int] = defaultdict(int)
    for source in sources:
        sizes[source] += 1
    load = [0] * folds
    fold_of: dict[str, int] = {}
    for source in sorted(sizes, key=lambda s: (-sizes[s], s)):
        k = min(range(folds), key=lambda i: (load[i], i))
        fold_of[source] = k
        load[k] += sizes[source]
    return [fold_of[source] for source in sources]


def cross_validate(
    gold: Sequence[Doc],
    folds: int,
    rules: Recognizer,
    args: argparse.Namespace,
    fold_of: Sequence[int] | None = None,
    groups: Sequence[str] | None = None,
) -> None:
    """Train on all but one fold of the labelled paragraphs and score the
    whole recogniser on the fold left out; counts summed over folds. Folds
    are by position unless `fold_of` gives each item's fold; `groups` names
    each item's set, scored apart ("training set", "dev")."""
    thresholds = args.thresholds
    fold_of = fold_of or [i % folds for i in range(len(gold))]
    groups = groups or ["training set"] * len(gold)
    names = list(dict.fromkeys(groups))
    totals = {(g, t): Score() for g in names for t in [None, *thresholds]}
    why: dict[str, Causes] = {name: Counter() for name in names}
    for k in range(folds):
        kept = [d for i, d in enumerate(gold) if fold_of[i] != k]
        weights = train_averaged(
            examples(kept, rules, all_runs=not args.only_leftovers), args.epochs, args.seeds
        )
        for name in names:
            held = [d for i, d in enumerate(gold) if fold_of[i] == k and groups[i] == name]
            _add(totals[name, None], score(held, None))
            for t in thresholds:
                asked_why = why[name] if args.why_missed and t == thresholds[0] else None
                _add(totals[name, t], score(held, SpanModel(weights, t), asked_why))
    for name in names:
        rules_only = _figures(totals[name, None].typed)
        print(f"cross-validation ({folds} folds), {name}, rules only: {rules_only}")
        _per_label("per label, rules only", totals[name, None])
        for t in thresholds:
            print(
                f"cross-validation, {name}, with the model at {t:<4}: "
                + _figures(totals[name, t].typed)
            )
            _per_label(f"per label at {t}", totals[name, t])
        if args.why_missed:
            print_why(f"cross-validation, {name}, model at {thresholds[0]}", why[name])


def _add(total: Score, part: Score) -> None:
    """Sum `part`'s typed and per-label counts into `total`."""
    total.typed.add(part.typed)
    for label, c in part.labels.items():
        total.labels.setdefault(label, Counts()).add(c)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--threshold", type=float, default=3.0, help="margin over 'O' shipped")
    parser.add_argument(
        "--thresholds",
        type=lambda v: [float(x) for x in v.split(",")],
        default=[],
        help="also score",
    )
    parser.add_argument("--seeds", type=int, default=5, help="perceptrons averaged")
    parser.add_argument("--only-leftovers", action="store_true", help="train on leftover runs")
    parser.add_argument("--folds", type=int, default=0, help="cross-validate on the labelled text")
    parser.add_argument("--dry-run", action="store_true", help="do not write the model")
    parser.add_argument(
        "--by-source", action="store_true", help="cross-validate with each source in one fold"
    )
    parser.add_argument(
        "--with-dev", action="store_true", help="train on the dev set too (folds by source)"
    )
    parser.add_argument(
        "--why-missed",
        action="store_true",
        help="count why ORG/PRODUCT/AI_MODEL names were missed or spurious "
        "(CV at the first threshold, dev)",
    )
    args = parser.parse_args(argv)

    inline = load_inline(DEFAULT_DATA)
    sources = ["inline"] * len(inline)
    gold = inline + load_ref_sets(args.corpora, "train", sources)
    in_train = len(gold)
    if args.with_dev:
        gold += load_ref_sets(args.corpora, "dev", sources)
    rules = Recognizer(use_spans=False)
    data = examples(gold, rules, all_runs=not args.only_leftovers)
    counts = [sum(1 for _, t in data if t == c) for c in range(len(CLASSES))]
    print(
        f"training: {len(gold)} labelled paragraphs, {len(data)} candidate runs ("
        + ", ".join(f"{c} {n}" for c, n in zip(CLASSES, counts, strict=True))
        + ")"
    )
    if args.folds:
        by_source = args.by_source or args.with_dev
        fold_of = source_folds(sources, args.folds) if by_source else None
        # The two sets are scored apart: the training set's figure stays
        # comparable, and dev is scored out of fold (its sources held out).
        groups = ["training set" if i < in_train else "dev" for i in range(len(gold))]
        cross_validate(gold, args.folds, rules, args, fold_of, groups)
    weights = train_averaged(data, args.epochs, args.seeds)
    print(f"model: {len(weights)} features, threshold {args.threshold}")
    dev = load_ref_sets(args.corpora, "dev")
    if dev:
        thresholds = sorted({args.threshold, *args.thresholds})
        name = "dev (trained on: in-sample)" if args.with_dev else "dev"
        why_at = args.threshold if args.why_missed else None
        report(name, dev, weights, thresholds, why_at)
    if not args.dry_run:
        model = SpanModel(weights, args.threshold)
        MODEL_PATH.write_text(model.to_json() + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH.relative_to(REPO_ROOT)} ({MODEL_PATH.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
