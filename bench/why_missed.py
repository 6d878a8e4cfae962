"""Why the recogniser missed a gold name, or made one up: counts by cause, not a
listing of names.

Used by ``bench/train_entities.py --why-missed`` on the cross-validation folds and
on dev. Every gold ORG, PRODUCT or AI_MODEL span the recogniser did not find with
its exact span and label falls into the first of these that holds:

- ``c typed wrong``: a mention with the same span and another label;
- ``b boundary (mention)``: a mention overlapping the span, other boundaries;
- ``d dropped (filtered)``: a candidate run of the span classifier with exactly
  this span, left out before the model was asked (``spans.worth_asking``);
- ``d dropped (margin)``: such a candidate the model asked about and left out
  (the model's "not a name" within the margin, or a later pass' veto);
- ``b boundary (candidate)``: a candidate run overlapping the span, other
  boundaries, and no mention there;
- ``a never a candidate``: nothing overlaps it; split by the span's shape
  (the first that holds, in the order of `SHAPES`).

Every spurious ORG, PRODUCT or AI_MODEL mention (``why_spurious``) is counted by
the pass that made it (``kb``, ``context``, ``model``...) and by what the gold
has there: the same span with another label (c), a gold name it overlaps with
other boundaries (b), or no gold name at all (o).

Candidates are the trainer's (``spans.candidates`` outside what the knowledge
base, the patterns and user rules claimed), so a run a context rule typed
counts as a candidate too (its mention decides b or c first).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from reader.core.entities.context import is_stop_word, sentence_start
from reader.core.entities.recognizer import Recognizer
from reader.core.entities.spans import candidates, text_words, worth_asking

Span = tuple[int, int, str]
LABELS = ("ORG", "PRODUCT", "AI_MODEL")
_STRONG = frozenset({"user", "kb", "pattern"})
_CONNECTOR = re.compile(r" (?:of|for|de|du|la|and|the|on|in|at|y|und|&|\+) ", re.IGNORECASE)


def _shape(text: str, start: int, end: int) -> str:
    """The shape class of a span no candidate reached."""
    surface = text[start:end]
    words = surface.split()
    first = surface[:1]
    if first.islower():
        return "lower-case initial (iPhone, eBay)"
    if first.isdigit():
        return "digit initial (3DS, 1Password)"
    if _CONNECTOR.search(surface) or "&" in surface:
        return "joined by a connector (&, of, for, de, and)"
    letters = [c for c in surface if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return "all capitals (5+ letters or in a run)"
    if any(not (w[:1].isupper() or w[:1].isdigit()) for w in words):
        return "a lower-case word inside (Apple Watch ultra)"
    if re.search(r"\d|\.\w|[+#]", surface):
        return "digits or dots inside (Node.js, Web3, M4)"
    before = text[start - 1 : start] if start else ""
    if before in "\"“‘'([«" and before:
        return "inside quotes or brackets"
    if is_stop_word(words[0]):
        return "first word a stop word (New, One, Next)"
    if sentence_start(text, start):
        return "sentence-initial"
    if len(words) > 3:
        return "four words or more"
    return "other (a title or rule word next to it, a hyphen compound)"


def why_missed(
    text: str, gold: Sequence[Span], pred: Sequence[Span], rules: Recognizer
) -> Counter[tuple[str, str]]:
    """(label, cause) counts for the missed ORG/PRODUCT/AI_MODEL spans of one text;
    `rules` is a recogniser without the span classifier (for the candidates)."""
    counts: Counter[tuple[str, str]] = Counter()
    found = set(pred)
    missed = [g for g in gold if g[2] in LABELS and g not in found]
    if not missed:
        return counts
    strong = sorted((m.start, m.end) for m in rules.find(text) if m.source in _STRONG)
    cands = candidates(text, strong)
    words = text_words(text)
    pred_at = {(s, e): lab for s, e, lab in pred}
    for start, end, label in missed:
        if (start, end) in pred_at:
            cause = "c typed wrong as " + pred_at[start, end]
        elif any(s < end and start < e for s, e, _ in pred):
            cause = "b boundary (mention)"
        else:
            exact = [c for c in cands if c.start == start and c.end == end]
            if exact:
                if worth_asking(text, exact[0], words):
                    cause = "d dropped (margin)"
                else:
                    cause = "d dropped (filtered)"
            elif any(c.start < end and start < c.end for c in cands):
                cause = "b boundary (candidate)"
            else:
                cause = "a " + _shape(text, start, end)
        counts[label, cause] += 1
    return counts


def why_spurious(
    gold: Sequence[Span], pred: Sequence[tuple[int, int, str, str]]
) -> Counter[tuple[str, str]]:
    """(label, cause) counts for the spurious ORG/PRODUCT/AI_MODEL mentions of one
    text; `pred` are (start, end, label, source) with the pass that made each:
    the same span with another gold label (c), a span overlapping a gold name (b),
    or no gold name there at all (o)."""
    counts: Counter[tuple[str, str]] = Counter()
    exact = {(s, e): lab for s, e, lab in gold}
    for start, end, label, source in pred:
        if label not in LABELS or exact.get((start, end)) == label:
            continue
        if (start, end) in exact:
            cause = f"c gold is {exact[start, end]}, by {source}"
        elif any(s < end and start < e for s, e, _ in gold):
            cause = f"b boundary, by {source}"
        else:
            cause = f"o no name there, by {source}"
        counts[label, cause] += 1
    return counts


def print_causes(title: str, counts: Counter[tuple[str, str]], what: str = "missed") -> None:
    """A table: causes as rows, labels as columns, with totals."""
    causes = sorted({cause for _, cause in counts})
    print(f"\nwhy {what}, {title}")
    print(f"  {'cause':<62} " + " ".join(f"{lab:>8}" for lab in LABELS) + "    total")
    for cause in causes:
        row = [counts[lab, cause] for lab in LABELS]
        print(f"  {cause:<62} " + " ".join(f"{n:>8}" for n in row) + f" {sum(row):>8}")
    totals = [sum(n for (lab, _), n in counts.items() if lab == label) for label in LABELS]
    print(f"  {'all ' + what:<62} " + " ".join(f"{n:>8}" for n in totals) + f" {sum(totals):>8}")
