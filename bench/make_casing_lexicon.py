"""Write the word-casing lexicon the span classifier reads (reader/data/entities/word_case.txt).

For each word of unlabelled feed text, how often it is written capitalised in the
middle of a sentence against how often in lower case. Editors capitalise names and
little else, so a run of capitalised words that are usually lower case ("Smart
Battery Case" aside, "Annual Report", "Workflow") is less likely one name, and a
word that is almost always capitalised ("Karnataka", "Tandem Social") is likely
part of one. The span classifier (core/entities/spans.py) turns a word's bucket
into a feature; the knowledge base's one-word names that are everyday words can be
told apart with the same counts.

Text: the paragraphs of every feed under ``feeds/tech-ai`` and ``feeds/realworld``
of the shared corpora, except

- every feed file that holds an item of the frozen entity test set (whole files,
  not only the items: their other articles share the items' names), and
- every entry any entity set (dev, test, training) takes a paragraph from, and
  every paragraph with the sha1 of such an item, wherever the entry recurs (the
  Hacker News snapshots repeat entries): so neither cross-validation on the
  training set nor a dev or test score sees counts from its own text.

Only the references are read (file, entry key, sha1), never a test item's text.
Paragraphs written mostly in capitals (titles, headings) are skipped, and so is a
sentence's first word (capitalised whatever it is).

Buckets, by the share of capitalised mid-sentence uses among a word's n >= 3 uses:
``L`` under 5%, ``l`` under 35%, ``m`` under 65%, ``c`` under 95%, ``C`` the rest.

    python bench/make_casing_lexicon.py --corpora /work/shared/corpora
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "bench"))
OUT = REPO_ROOT / "src/reader/data/entities/word_case.txt"
FEED_DIRS = ("feeds/tech-ai", "feeds/realworld")
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom", ".json", ".rdf"})
MIN_USES = 3
MAX_WORDS = 40_000  # the most used words kept (the file stays a few hundred KB)
_WORD = re.compile(r"[A-Za-z][a-z]*(?:['’-][A-Za-z][a-z]*)*")
# Characters after which the next word starts a sentence or a quotation.
_OPENERS = frozenset(".!?:;\"“”‘'([—–•|")
BUCKETS = (("L", 0.05), ("l", 0.35), ("m", 0.65), ("c", 0.95), ("C", 1.01))


def held_out(data: Path) -> tuple[set[str], set[str], set[str]]:
    """(feed files of the test set, entry keys and sha1s of every entity set)."""
    import label_sets

    files: set[str] = set()
    entries: set[str] = set()
    shas: set[str] = set()
    for refs_path in sorted(data.glob("ner_*_refs.jsonl")):
        for ref in label_sets.read_refs(refs_path).values():
            if "_test_" in refs_path.name:
                files.add(ref["path"])
            if ref.get("entry"):
                entries.add(str(ref["entry"]))
            shas.add(ref["sha1"])
    return files, entries, shas


def paragraphs(corpora: Path, data: Path) -> Iterator[str]:
    import label_sets

    files, entries, shas = held_out(data)
    for folder in FEED_DIRS:
        for path in sorted((corpora / folder).rglob("*")):
            if path.suffix not in FEED_SUFFIXES or not path.is_file():
                continue
            if str(path.relative_to(corpora)) in files:
                continue
            try:
                feed = label_sets.read_feed(path)
            except (ValueError, OSError, UnicodeDecodeError):
                continue
            for entry in feed.entries:
                if entry.key in entries:
                    continue
                for para in label_sets.html_paragraphs(entry.html):
                    if label_sets.sha1(para) not in shas:
                        yield para


def count(texts: Iterator[str]) -> tuple[Counter[str], Counter[str]]:
    """(capitalised, lower-case) mid-sentence uses of each word, by its lower-case form."""
    upper: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    seen: set[str] = set()
    for text in texts:
        if text in seen:  # feeds and snapshots repeat entries
            continue
        seen.add(text)
        words = list(_WORD.finditer(text))
        capitals = sum(1 for w in words if w.group()[0].isupper())
        if len(words) < 8 or capitals > len(words) / 2:
            continue  # a title or heading, not running text
        for w in words:
            start = w.start()
            before = text[:start].rstrip()
            if not before or before[-1] in _OPENERS:
                continue  # a sentence's first word says nothing about the word
            if start > 0 and text[start - 1] not in " \u00a0":
                continue  # inside a token ("e.g", "foo/Bar", "x-Y")
            word = w.group()
            if word.islower():
                lower[word] += 1
            elif word[0].isupper() and (word[1:].islower() or len(word) == 1):
                upper[word.lower()] += 1
    return upper, lower


def bucket(capitalised: int, total: int) -> str:
    share = capitalised / total
    return next(name for name, limit in BUCKETS if share < limit)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", type=Path, default=REPO_ROOT.parent / "shared/corpora")
    args = parser.parse_args(argv)
    if not (args.corpora / FEED_DIRS[0]).is_dir():
        print(f"{args.corpora / FEED_DIRS[0]} not found: pass --corpora")
        return 1
    upper, lower = count(paragraphs(args.corpora, REPO_ROOT / "bench/data"))
    totals = Counter({w: upper[w] + lower[w] for w in upper.keys() | lower.keys()})
    kept = [w for w, n in totals.most_common(MAX_WORDS) if n >= MIN_USES]
    by_bucket: dict[str, list[str]] = {name: [] for name, _ in BUCKETS}
    for w in kept:
        by_bucket[bucket(upper[w], totals[w])].append(w)
    lines = [
        "# Word casing in running text: each line is a bucket letter and words (lower case)",
        "# by the share of their mid-sentence uses written capitalised: L <5%, l <35%,",
        "# m <65%, c <95%, C the rest. Made by bench/make_casing_lexicon.py from unlabelled",
        "# feeds of the shared corpora (no entity set's items, no test set's feeds).",
    ]
    for name, words in by_bucket.items():
        words.sort()
        for i in range(0, len(words), 16):
            lines.append(name + " " + " ".join(words[i : i + 16]))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sizes = ", ".join(f"{name} {len(words)}" for name, words in by_bucket.items())
    print(
        f"wrote {OUT.relative_to(REPO_ROOT)}: {len(kept)} words ({sizes}), "
        f"{OUT.stat().st_size:,} bytes"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
