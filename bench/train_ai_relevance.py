"""Fit the AI relevance weights on the development labels, and cross-validate them.

The scorer (reader.core.entities.relevance) sums its evidence into a few
hand-designed features (AI vocabulary and AI model names in the title, the lead
and the body, compute words beside them, the feed's title); this script fits the
logistic weights of those features on ``bench/data/ai_relevance_labels.jsonl``
(the dev set: never the frozen test set) and on the hard cases written for the
project, ``bench/data/ai_relevance_original.jsonl`` (hardware news, acronyms inside
other names, ambiguous words, AI stories that never say "AI") and writes them to the package data
``src/reader/data/relevance/ai_relevance_weights.json``. Nothing is fitted at
run time and nothing is downloaded.

Every entry is read four ways (full text or headline and lead, feed title shown
or hidden; see eval_ai_relevance.MODES), so the weights learn that the text
alone must carry a clear AI story. The weights are kept non-negative: each
feature is evidence for AI, never against it, which keeps a small fit from
learning the quirks of one feed.

``--cv`` reports leave-feeds-out cross-validation: each feed's entries are
scored by weights fitted on the other feeds only, so no feed's wording is
seen in training before its own entries are scored (random splits would put
entries of one feed on both sides).

Run from the repository root (needs numpy, which the dev extras bring)::

    python bench/train_ai_relevance.py --cv            # report only
    python bench/train_ai_relevance.py --write         # refit and write the weights
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
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
    figures,
    inputs,
    load_items,
    load_original,
    print_row,
)

WEIGHTS_PATH = REPO_ROOT / "src/reader/data/relevance/ai_relevance_weights.json"
L2 = 0.005  # per feature, relative to the mean log-loss
STEPS = 4000
RATE = 0.1


def feature_rows(items: Sequence[Item]) -> tuple[np.ndarray, list[str]]:
    """Features of every entry in every mode: shape (len(MODES), len(items), n)."""
    from reader.core.entities import recognize
    from reader.core.entities.relevance import FEATURES, ai_features

    rows = np.zeros((len(MODES), len(items), len(FEATURES)))
    for m, (_, lead_only, feed_shown) in enumerate(MODES):
        for i, item in enumerate(items):
            title, text, feed_title = inputs(item, lead_only, feed_shown)
            found = ai_features(title, text, recognize(text), feed_title, recognize(title))
            rows[m, i] = [found[name] for name in FEATURES]
    return rows, list(FEATURES)


def fit(x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Logistic regression, L2-regularised, weights projected to be non-negative."""
    n, k = x.shape
    w = np.zeros(k)
    b = 0.0
    # Adam: the features have very different scales (counts, densities).
    m_w, v_w, m_b, v_b = np.zeros(k), np.zeros(k), 0.0, 0.0
    for step in range(1, STEPS + 1):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        g_w = x.T @ (p - y) / n + L2 * w
        g_b = float(np.mean(p - y))
        m_w = 0.9 * m_w + 0.1 * g_w
        v_w = 0.999 * v_w + 0.001 * g_w**2
        m_b = 0.9 * m_b + 0.1 * g_b
        v_b = 0.999 * v_b + 0.001 * g_b**2
        corr1, corr2 = 1 - 0.9**step, 1 - 0.999**step
        w -= RATE * (m_w / corr1) / (np.sqrt(v_w / corr2) + 1e-8)
        b -= RATE * (m_b / corr1) / (np.sqrt(v_b / corr2) + 1e-8)
        w = np.maximum(w, 0.0)
    return b, w


def predict(x: np.ndarray, b: float, w: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-(x @ w + b))))


def fit_modes(rows: np.ndarray, y: np.ndarray, idx: np.ndarray) -> tuple[float, np.ndarray]:
    """Fit on the entries `idx`, each read in every mode."""
    x = rows[:, idx, :].reshape(-1, rows.shape[2])
    return fit(x, np.tile(y[idx], rows.shape[0]))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="feeds folder")
    parser.add_argument("--original", type=Path, default=DEFAULT_ORIGINAL)
    parser.add_argument("--cv", action="store_true", help="leave-feeds-out cross-validation")
    parser.add_argument("--write", action="store_true", help=f"write {WEIGHTS_PATH.name}")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"feed corpus not found at {args.corpus}; skipped (pass --corpus PATH)")
        return 0
    from reader.core.config import EntitySettings
    from reader.core.extract import html_to_text

    threshold = EntitySettings().ai_threshold
    items, _ = load_items(args.labels, args.corpus, html_to_text)
    items += load_original(args.original)
    rows, names = feature_rows(items)
    y = np.array([1.0 if item.ai else 0.0 for item in items])
    truth = [item.ai for item in items]
    everything = np.arange(len(items))

    b, w = fit_modes(rows, y, everything)
    print(f"fitted on {len(items)} entries x {len(MODES)} modes: bias {b:.3f}")
    for name, value in zip(names, w, strict=True):
        print(f"  {name:<16} {value:.3f}")
    written = [item.file.startswith("original/") for item in items]

    def show(title: str, scores: np.ndarray) -> None:
        """Figures per mode, for the corpus entries and the written cases apart."""
        for part, keep in (("corpus", False), ("written", True)):
            idx = [i for i in range(len(items)) if written[i] == keep]
            print(f"\n{title}, {part} entries ({len(idx)}), ai_score >= {threshold}:")
            for m, (mode, _, _) in enumerate(MODES):
                predicted = [scores[m, i] >= threshold for i in idx]
                print_row(mode, figures([truth[i] for i in idx], predicted))

    show("in-sample", np.stack([predict(rows[m], b, w) for m in range(len(MODES))]))

    if args.cv:
        feeds = sorted({item.file for item in items})
        held_out = np.zeros((len(MODES), len(items)))
        for feed in feeds:
            test = np.array([i for i, item in enumerate(items) if item.file == feed])
            train = np.array([i for i, item in enumerate(items) if item.file != feed])
            fb, fw = fit_modes(rows, y, train)
            for m in range(len(MODES)):
                held_out[m, test] = predict(rows[m, test], fb, fw)
        show(f"leave-one-feed-out ({len(feeds)} folds, written cases by category)", held_out)

    if args.write:
        data = {
            "fitted_by": "bench/train_ai_relevance.py on bench/data/ai_relevance_labels.jsonl",
            "bias": round(b, 3),
            "weights": {name: round(float(v), 3) for name, v in zip(names, w, strict=True)},
        }
        WEIGHTS_PATH.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {WEIGHTS_PATH.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
