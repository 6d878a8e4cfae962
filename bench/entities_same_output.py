"""Dump the recogniser's mentions over every evaluation text, to check that a
speed change leaves the output byte-identical.

    python bench/entities_same_output.py dump OUT.json [--corpora PATH]
    python bench/entities_same_output.py compare BEFORE.json AFTER.json

Texts: the labelled set (tests/data/entities_eval.txt), and when the shared
corpora are present the news benchmark's article texts, every entry of the
tech-ai feeds (title, plain summary, content paragraphs) and the NER dev and
train references (never the test set). Each text is recognised with and
without the span classifier.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import label_sets  # noqa: E402
from eval_entities import load_inline  # noqa: E402


def texts(corpora: Path) -> list[str]:
    found = [text for text, _ in load_inline(HERE.parent / "tests/data/entities_eval.txt")]
    truth = corpora / "extraction/article-extraction-benchmark/ground-truth.json"
    if truth.exists():
        found += [v["articleBody"] for v in json.loads(truth.read_text()).values()]
    feeds = corpora / "feeds/tech-ai"
    for path in sorted(feeds.rglob("*")) if feeds.is_dir() else []:
        if path.suffix not in (".xml", ".rss", ".atom", ".json") or not path.is_file():
            continue
        try:
            feed = label_sets.read_feed(path)
        except Exception:  # a file the labelling tools cannot read is no text to check
            continue
        for entry in feed.entries:
            found.append(label_sets.entry_part(entry, "title"))
            found.append(label_sets.entry_part(entry, "summary"))
            found += label_sets.html_paragraphs(entry.html)
    for split in ("dev", "train"):
        refs = HERE / "data" / f"ner_{split}_refs.jsonl"
        for line in refs.read_text(encoding="utf-8").splitlines():
            text = label_sets.ref_paragraph(corpora, json.loads(line))
            if text:
                found.append(text)
    return [t for t in found if t]


def dump(out: Path, corpora: Path) -> None:
    from reader.core.entities import Recognizer

    with_spans, rules_only = Recognizer(use_spans=True), Recognizer(use_spans=False)
    rows = []
    for text in texts(corpora):
        rows.append(
            {
                "text": label_sets.sha1(text),
                "spans": [repr(m) for m in with_spans.find(text)],
                "rules": [repr(m) for m in rules_only.find(text)],
            }
        )
    out.write_text(json.dumps(rows, ensure_ascii=False, indent=0), encoding="utf-8")
    print(f"{len(rows)} texts, {sum(len(r['spans']) for r in rows)} mentions -> {out}")


def compare(before: Path, after: Path) -> int:
    a = json.loads(before.read_text(encoding="utf-8"))
    b = json.loads(after.read_text(encoding="utf-8"))
    if len(a) != len(b):
        print(f"different text counts: {len(a)} vs {len(b)}")
        return 1
    differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    for i in differ[:10]:
        print(f"text {i} ({a[i]['text'][:10]}) differs")
    print(f"identical on {len(a) - len(differ)} of {len(a)} texts")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("--corpora", type=Path, default=label_sets.DEFAULT_CORPORA)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out, args.corpora)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    raise SystemExit(main())
