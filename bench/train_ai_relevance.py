"""Fit the AI relevance weights on the development labels, and cross-validate them by source.

The scorer (reader.core.entities.relevance) sums its evidence into a few
hand-designed features (AI vocabulary and AI model names in the title, the lead
and the body, compute words beside them or alone, the feed's title) and adds a
weight for each word of the headline and lead. This script fits all of them by
logistic regression on the dev labels only, never the frozen test set:

- ``bench/data/ai_relevance_labels.jsonl``: the first dev labels (376 feed entries);
- ``bench/data/ai_relevance_dev2_*``: the second wave (440 items: Hacker News
  headlines from 200+ sites, more entries of the dev feeds, small unused feeds);
- ``bench/data/ai_relevance_dev3_*``: the third wave (264 items: paper, model-hub,
  repository and AI-lab sources that no test item comes from);
- ``bench/data/ai_relevance_dev4_*``: the fourth wave (393 items: Hacker News headlines
  no earlier wave took, and the lab feeds' last entries; ``--hold-out dev4`` scores it
  with weights fitted on the rest);
- ``bench/data/ai_relevance_original.jsonl``: hard cases written for the project
  (hardware news, acronyms inside other names, ambiguous words, AI stories that
  never say "AI").

It writes ``src/reader/data/relevance/ai_relevance_weights.json``. Nothing is
fitted at run time and nothing is downloaded.

Every entry is read four ways (full text or headline and lead, feed title shown
or hidden; see eval_ai_relevance.MODES), so the weights learn that the text
alone must carry a clear AI story. The feature weights are kept non-negative
(each is evidence for AI; ``SIGNED`` ones are evidence against it, at most 0),
which keeps a small fit from learning the quirks of one feed. A word gets a
weight only when it occurs in entries of at least ``--min-sources`` different
sources (feeds, or sites for the Hacker News headlines): a feed's boilerplate
("Downloads:", "Score:") is never learned. Word weights are regularised harder than the features.

``--cv`` reports cross-validation across sources: the sources are split into
``FOLDS`` groups, and each group's entries are scored by weights fitted on the
other groups only (words counted on those too). That predicts the figure on
sources nobody labelled; random splits would put entries of one feed on both
sides. ``--grid`` does the same for several settings, to choose them.

The CV report ends with F1 by kind of source beside the keyword rule
(eval_ai_relevance.source_kind). ``--without FEATURE`` leaves a feature out (an
ablation); ``--positive-weight W`` weighs AI entries W times in the loss.

Run from the repository root (needs numpy, which the dev extras bring)::

    python bench/train_ai_relevance.py --cv            # report only
    python bench/train_ai_relevance.py --grid          # choose the settings by CV
    python bench/train_ai_relevance.py --write         # refit on everything, write the weights
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_ai_relevance import (
    DEFAULT_CORPUS,
    DEFAULT_LABELS,
    DEFAULT_ORIGINAL,
    MODES,
    REPO_ROOT,
    Item,
    baseline,
    figures,
    inputs,
    kinds,
    load_items,
    load_original,
    load_referenced,
    print_row,
)

WEIGHTS_PATH = REPO_ROOT / "src/reader/data/relevance/ai_relevance_weights.json"
L2_FEATURES = 0.001  # per feature, relative to the mean log-loss (chosen by --grid)
L2_WORDS = 0.005  # per word (chosen by --grid): words shift the evidence, they do not decide alone
MIN_SOURCES = 4
WORDS_AGAINST = True
POSITIVE_WEIGHT = 1.25  # chosen by CV by source (1.0, 1.25, 1.5: sixth pass)
FOLDS = 10
STEPS = 1500
RATE = 0.05


@dataclass(frozen=True, slots=True)
class Data:
    items: list[Item]
    groups: list[str]  # each entry's source
    rows: np.ndarray  # (len(MODES), n, len(FEATURES))
    words: list[list[frozenset[str]]]  # [mode][entry]
    names: list[str]
    signed: np.ndarray  # bool per feature: evidence against AI (at most 0)


def load(args: argparse.Namespace) -> Data:
    from reader.core.entities import recognize
    from reader.core.entities.relevance import FEATURES, SIGNED, ai_features, headline_words
    from reader.core.extract import html_to_text

    items, _ = load_items(args.labels, args.corpus, html_to_text)
    items += load_referenced(args.corpora, "dev2") or []
    if not args.without_dev3:
        items += load_referenced(args.corpora, "dev3") or []
    if not args.without_dev4:
        items += load_referenced(args.corpora, "dev4") or []
    items += load_original(args.original)
    rows = np.zeros((len(MODES), len(items), len(FEATURES)))
    words: list[list[frozenset[str]]] = []
    for m, (_, lead_only, feed_shown) in enumerate(MODES):
        words.append([])
        for i, item in enumerate(items):
            title, text, feed_title = inputs(item, lead_only, feed_shown)
            found = ai_features(title, text, recognize(text), feed_title, recognize(title))
            rows[m, i] = [found[name] for name in FEATURES]
            words[m].append(headline_words(title, text))
    ablate(rows, list(FEATURES), args.without or ())
    # The first dev labels name a feed without the "feeds/" the referenced sets carry.
    groups = [item.file.removeprefix("feeds/") for item in items]
    signed = np.array([name in SIGNED for name in FEATURES])
    return Data(items, groups, rows, words, list(FEATURES), signed)


def ablate(rows: np.ndarray, names: Sequence[str], without: Sequence[str]) -> None:
    """An ablation: the features named in `without` read 0 in every mode and entry
    (rows: modes x entries x features), so a fit shows what the rest do without them."""
    for name in without:
        rows[:, :, list(names).index(name)] = 0.0


# Words that carry no topic, and the parts of web addresses: a lead's length, not its
# subject, decides how many of them an entry has, and leads are longer in some feeds.
FUNCTION_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers him his how i if in into is
    it its itself just me more most my no nor not now of off on once only or other our ours
    out over own same she should so some such than that the their theirs them then there
    these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours
    com org net www html http https""".split()
)


def feed_of(group: str) -> str:
    """The feed an entry came through: Hacker News headlines are grouped by their site
    for cross-validation, but they share one feed's format (its "Score: 12 Comments: 3")."""
    return group if "/" in group else "hackernews-best-stories-snapshots"


BOILERPLATE_SHARE = 0.8
BOILERPLATE_MIN_ENTRIES = 8


def vocabulary(data: Data, idx: Sequence[int], min_sources: int) -> list[str]:
    """Words seen in entries of at least `min_sources` feeds among `idx`, except function
    words and a feed's boilerplate: a word in most entries of a feed ("Score",
    "Comments", "Downloads", "Likes") says which feed it is, not what the story is."""
    sources: dict[str, set[str]] = defaultdict(set)
    per_feed: dict[str, list[int]] = defaultdict(list)
    for i in idx:
        feed = feed_of(data.groups[i])
        per_feed[feed].append(i)
        for mode_words in data.words:
            for word in mode_words[i]:
                sources[word].add(feed)
    boilerplate: set[str] = set()
    for entries in per_feed.values():
        if len(entries) >= BOILERPLATE_MIN_ENTRIES:
            counts: dict[str, int] = defaultdict(int)
            for i in entries:
                for word in data.words[0][i] | data.words[2][i]:
                    counts[word] += 1
            boilerplate |= {w for w, c in counts.items() if c > BOILERPLATE_SHARE * len(entries)}
    return sorted(
        w
        for w, found in sources.items()
        if len(found) >= min_sources and w.lower() not in FUNCTION_WORDS and w not in boilerplate
    )


@dataclass(frozen=True, slots=True)
class Design:
    """Entries read in some modes: dense features and sparse word indicators."""

    dense: np.ndarray  # (rows, features)
    row: np.ndarray  # row index of each (row, word) pair
    col: np.ndarray  # word index of each pair


def design(data: Data, idx: Sequence[int], vocab: Sequence[str], modes: Sequence[int]) -> Design:
    column = {w: j for j, w in enumerate(vocab)}
    dense = np.vstack([data.rows[m, idx] for m in modes])
    rows: list[int] = []
    cols: list[int] = []
    r = 0
    for m in modes:
        for i in idx:
            for word in sorted(data.words[m][i]):  # the same sums on every run
                j = column.get(word)
                if j is not None:
                    rows.append(r)
                    cols.append(j)
            r += 1
    return Design(dense, np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))


def logits(d: Design, w_f: np.ndarray, w_words: np.ndarray, b: float) -> np.ndarray:
    z = d.dense @ w_f + b
    if len(d.row):
        z += np.bincount(d.row, weights=w_words[d.col], minlength=len(z))
    return np.asarray(z)


def vocabulary_words() -> frozenset[str]:
    """The words of the AI vocabulary's entries (compute words and stops excepted),
    as headline_words writes them."""
    from reader.core.entities.relevance import _data_text, headline_words

    words: set[str] = set()
    for line in _data_text("ai_vocabulary.tsv").splitlines():
        surface, _, kind = line.partition("\t")
        if not line.startswith("#") and kind.strip() in ("strong", "name", "weak", "tier"):
            words |= headline_words(surface, "")
    return frozenset(words)


@dataclass(frozen=True, slots=True)
class Fit:
    bias: float
    w: np.ndarray  # features
    words: np.ndarray  # one weight per vocab word
    vocab: list[str]


@dataclass(frozen=True, slots=True)
class Settings:
    l2_words: float = L2_WORDS
    min_sources: int = MIN_SOURCES
    use_words: bool = True
    l2_features: float = L2_FEATURES
    words_against: bool = WORDS_AGAINST  # may a word be evidence against AI?
    # How much an AI entry weighs in the loss against a non-AI one: above 1 trades
    # precision for recall (the held-out readings miss more AI stories than they invent).
    positive_weight: float = POSITIVE_WEIGHT

    def __str__(self) -> str:
        if not self.use_words:
            return f"features only, l2 {self.l2_features}"
        against = "signed" if self.words_against else "for AI only"
        return (
            f"l2 {self.l2_features}, words l2 {self.l2_words}, {self.min_sources}+ feeds, "
            f"{against}, AI weighs {self.positive_weight}"
        )


def fit(data: Data, idx: Sequence[int], s: Settings) -> Fit:
    """Logistic regression on the entries `idx`, each read in every mode."""
    vocab = vocabulary(data, idx, s.min_sources) if s.use_words else []
    d = design(data, idx, vocab, range(len(MODES)))
    y = np.tile(np.array([1.0 if data.items[i].ai else 0.0 for i in idx]), len(MODES))
    n = len(y)
    k = len(data.names)
    floor = np.where(data.signed, -np.inf, 0.0)
    # ...and a SIGNED feature is evidence against AI or nothing: compute words alone are
    # hardware news by the guideline, never a reason to call a story AI.
    ceiling = np.where(data.signed, 0.0, np.inf)
    # A word of the AI vocabulary is evidence for AI or nothing: a negative weight
    # would only learn which of a lab's posts the labels happened to call corporate.
    ai_words = vocabulary_words()
    floor_u = np.array(
        [0.0 if word in ai_words or not s.words_against else -np.inf for word in vocab]
    )
    w, u, b = np.zeros(k), np.zeros(len(vocab)), 0.0
    balance = np.where(y > 0, s.positive_weight, 1.0)
    balance /= balance.mean()  # the regularisation keeps its strength
    # Adam: the features have very different scales (counts, densities, indicators).
    state = [np.zeros(k), np.zeros(k), np.zeros(len(vocab)), np.zeros(len(vocab)), 0.0, 0.0]
    for step in range(1, STEPS + 1):
        err = (1.0 / (1.0 + np.exp(-logits(d, w, u, b))) - y) * balance
        g_w = d.dense.T @ err / n + s.l2_features * w
        g_u = np.bincount(d.col, weights=err[d.row], minlength=len(vocab)) / n + s.l2_words * u
        g_b = float(np.mean(err))
        corr1, corr2 = 1 - 0.9**step, 1 - 0.999**step
        for slot, g in ((0, g_w), (2, g_u), (4, g_b)):
            state[slot] = 0.9 * state[slot] + 0.1 * g
            state[slot + 1] = 0.999 * state[slot + 1] + 0.001 * g**2
        w = w - RATE * (state[0] / corr1) / (np.sqrt(state[1] / corr2) + 1e-8)
        u = u - RATE * (state[2] / corr1) / (np.sqrt(state[3] / corr2) + 1e-8)
        b -= RATE * (state[4] / corr1) / (np.sqrt(state[5] / corr2) + 1e-8)
        w = np.minimum(np.maximum(w, floor), ceiling)
        u = np.maximum(u, floor_u)
    return Fit(b, w, u, vocab)


def predict(data: Data, f: Fit, idx: Sequence[int], mode: int) -> np.ndarray:
    z = logits(design(data, idx, f.vocab, [mode]), f.w, f.words, f.bias)
    return np.asarray(1.0 / (1.0 + np.exp(-z)))


def folds(groups: Sequence[str], k: int) -> list[list[int]]:
    """Entries split into `k` folds by source, the largest sources placed first, each
    into the fold with the fewest entries so far (deterministic)."""
    members: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(groups):
        members[g].append(i)
    out: list[list[int]] = [[] for _ in range(k)]
    for g in sorted(members, key=lambda g: (-len(members[g]), g)):
        smallest = min(range(k), key=lambda f: (len(out[f]), f))
        out[smallest] += members[g]
    return out


def cross_validate(data: Data, s: Settings, by_feed: bool = False) -> np.ndarray:
    """Held-out scores (len(MODES), n): every fold scored by a fit on the others.
    `by_feed`: the Hacker News headlines are one source, not one per site."""
    held_out = np.zeros((len(MODES), len(data.items)))
    everything = set(range(len(data.items)))
    groups = [feed_of(g) for g in data.groups] if by_feed else data.groups
    for test in folds(groups, FOLDS):
        train = sorted(everything - set(test))
        f = fit(data, train, s)
        for m in range(len(MODES)):
            held_out[m, test] = predict(data, f, test, m)
    return held_out


def wave(item: Item) -> str:
    """Which set an entry comes from: the referenced waves carry their id as the entry."""
    if item.file.startswith("original/"):
        return "written"
    return (
        item.entry[4:8]
        if item.entry.startswith(("rel-dev2-", "rel-dev3-", "rel-dev4-"))
        else "dev1"
    )


def show(data: Data, title: str, scores: np.ndarray, threshold: float) -> dict[str, float]:
    """Figures per mode: the labelled corpus entries, each dev wave, the written cases."""
    truth = [item.ai for item in data.items]
    waves = [wave(item) for item in data.items]
    f1: dict[str, float] = {}
    parts = [("corpus", lambda w: w != "written")] + [
        (name, lambda w, name=name: w == name)
        for name in ("dev1", "dev2", "dev3", "dev4", "written")
    ]
    for part, keep in parts:
        idx = [i for i in range(len(data.items)) if keep(waves[i])]
        if not idx:
            continue
        print(f"\n{title}, {part} entries ({len(idx)}), ai_score >= {threshold}:")
        for m, (mode, _, _) in enumerate(MODES):
            found = figures([truth[i] for i in idx], [scores[m, i] >= threshold for i in idx])
            print_row(mode, found)
            if part == "corpus":
                f1[mode] = found.f1
    corpus = [i for i in range(len(data.items)) if waves[i] != "written"]
    print(f"\n{title}, corpus entries by kind of source: ai_score | keyword rule, F1")
    for m, (mode, lead_only, _) in enumerate(MODES):
        row = []
        for kind, sub in kinds([data.items[i] for i in corpus]):
            idx = [corpus[j] for j in sub]
            sub_truth = [truth[i] for i in idx]
            ours = figures(sub_truth, [scores[m, i] >= threshold for i in idx]).f1
            rule = figures(sub_truth, [baseline(data.items[i], lead_only) for i in idx]).f1
            row.append(f"{kind} ({len(idx)}) {ours:.3f} | {rule:.3f}")
        print(f"  {mode:<12} " + "; ".join(row))
    return f1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="feeds folder")
    parser.add_argument(
        "--corpora",
        type=Path,
        default=REPO_ROOT.parent / "shared/corpora",
        help="for dev2 and dev3",
    )
    parser.add_argument(
        "--without-dev3", action="store_true", help="the pool before the third wave, to compare"
    )
    parser.add_argument(
        "--without-dev4", action="store_true", help="the pool before the fourth wave, to compare"
    )
    parser.add_argument(
        "--hold-out",
        choices=("dev2", "dev3", "dev4"),
        help="fit on everything but this wave, then score the wave (a held-out check)",
    )
    parser.add_argument("--original", type=Path, default=DEFAULT_ORIGINAL)
    parser.add_argument(
        "--without",
        action="append",
        metavar="FEATURE",
        help="leave a feature out (reads 0), to see what it is worth; repeatable",
    )
    parser.add_argument("--l2-words", type=float, default=L2_WORDS)
    parser.add_argument("--min-sources", type=int, default=MIN_SOURCES)
    parser.add_argument(
        "--positive-weight",
        type=float,
        default=POSITIVE_WEIGHT,
        help="weight of an AI entry in the loss (a non-AI one weighs 1)",
    )
    parser.add_argument("--no-words", action="store_true", help="the features alone")
    parser.add_argument("--cv", action="store_true", help="cross-validation across sources")
    parser.add_argument("--grid", action="store_true", help="CV of several settings")
    parser.add_argument(
        "--by-feed",
        action="store_true",
        help="with --cv: Hacker News headlines held out together (one feed), not by site",
    )
    parser.add_argument(
        "--show-errors", action="store_true", help="with --cv: the held-out errors (lead-hidden)"
    )
    parser.add_argument("--write", action="store_true", help=f"write {WEIGHTS_PATH.name}")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"feed corpus not found at {args.corpus}; skipped (pass --corpus PATH)")
        return 0
    from reader.core.config import EntitySettings

    threshold = EntitySettings().ai_threshold
    data = load(args)
    sources = len(set(data.groups))
    print(f"{len(data.items)} entries from {sources} sources, {sum(i.ai for i in data.items)} AI")

    if args.grid:
        print(f"\n{FOLDS}-fold CV across sources, corpus entries, F1 per mode:")
        grid = [Settings(use_words=False, l2_features=l2) for l2 in (0.005, 0.001)] + [
            Settings(l2_words=l2w, l2_features=l2, words_against=against)
            for l2 in (0.005, 0.001)
            for l2w in (0.002, 0.005, 0.01)
            for against in (True, False)
        ]
        truth = [item.ai for item in data.items]
        idx = [i for i, it in enumerate(data.items) if not it.file.startswith("original/")]
        third = [i for i in idx if wave(data.items[i]) == "dev3"]
        for setting in grid:
            scores = cross_validate(data, setting)
            row = []
            for m, (mode, _, _) in enumerate(MODES):
                found = figures([truth[i] for i in idx], [scores[m, i] >= threshold for i in idx])
                row.append(f"{mode} {found.f1:.3f}")
            if third:  # the wave of papers, repositories and lab posts alone, lead-hidden
                m = [mode[0] for mode in MODES].index("lead-hidden")
                found = figures(
                    [truth[i] for i in third], [scores[m, i] >= threshold for i in third]
                )
                row.append(f"dev3 lead-hidden {found.f1:.3f}")
            print(f"  {setting!s:<52} " + "  ".join(row), flush=True)
        return 0

    everything = list(range(len(data.items)))
    chosen = Settings(
        args.l2_words, args.min_sources, not args.no_words, positive_weight=args.positive_weight
    )
    if args.hold_out:
        # The wave's sources may also hold entries of other waves (a feed labelled twice):
        # those stay in the fit, as they were before the wave was labelled.
        held = [i for i in everything if wave(data.items[i]) == args.hold_out]
        f = fit(data, [i for i in everything if i not in set(held)], chosen)
        scores = np.zeros((len(MODES), len(data.items)))
        for m in range(len(MODES)):
            scores[m, held] = predict(data, f, held, m)
        truth = [data.items[i].ai for i in held]
        print(f"\n{args.hold_out} ({len(held)}) scored by weights fitted on the other entries:")
        for m, (mode, _, _) in enumerate(MODES):
            print_row(mode, figures(truth, [scores[m, i] >= threshold for i in held]))
        if args.show_errors:
            m = [mode[0] for mode in MODES].index("lead-hidden")
            for i in sorted(held, key=lambda i: -scores[m, i]):
                item = data.items[i]
                if (scores[m, i] >= threshold) != item.ai:
                    kind = "FP" if scores[m, i] >= threshold else "FN"
                    print(f"  {kind} {scores[m, i]:.3f} {item.file[-40:]} :: {item.title[:90]}")
        return 0
    f = fit(data, everything, chosen)
    print(f"fitted on {len(data.items)} entries x {len(MODES)} modes: bias {f.bias:.3f}")
    for name, value in zip(data.names, f.w, strict=True):
        print(f"  {name:<16} {value:.3f}")
    word_weights = dict(zip(f.vocab, f.words.tolist(), strict=True))
    ranked = sorted(word_weights.items(), key=lambda kv: -kv[1])
    print(f"  {len(ranked)} words; strongest for: {', '.join(w for w, _ in ranked[:25])}")
    print(f"  strongest against: {', '.join(w for w, _ in ranked[-25:])}")
    in_sample = np.stack([predict(data, f, everything, m) for m in range(len(MODES))])
    show(data, "in-sample", in_sample, threshold)

    if args.cv:
        held_out = cross_validate(data, chosen, args.by_feed)
        held = len({feed_of(g) for g in data.groups}) if args.by_feed else sources
        show(data, f"{FOLDS}-fold cross-validation across {held} sources", held_out, threshold)
        if args.show_errors:
            mode = [m[0] for m in MODES].index("lead-hidden")
            print("\nheld-out errors, lead-hidden (FP: predicted AI, labelled not):")
            for i in sorted(range(len(data.items)), key=lambda i: -held_out[mode, i]):
                item, score = data.items[i], held_out[mode, i]
                if (score >= threshold) != item.ai:
                    kind = "FP" if score >= threshold else "FN"
                    print(f"  {kind} {score:.3f} {item.file[-40:]} :: {item.title[:90]}")

    if args.write:
        out = {
            "fitted_by": "bench/train_ai_relevance.py on the dev labels "
            "(ai_relevance_labels.jsonl, ai_relevance_dev2_*, ai_relevance_dev3_*, "
            "ai_relevance_dev4_*, ai_relevance_original.jsonl)",
            "bias": round(f.bias, 3),
            "weights": {n: round(float(v), 3) for n, v in zip(data.names, f.w, strict=True)},
            "words": {w: round(v, 3) for w, v in sorted(word_weights.items()) if abs(v) >= 0.01},
        }
        WEIGHTS_PATH.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {WEIGHTS_PATH.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
