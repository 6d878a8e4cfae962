"""The fast feed path against feedparser, on every feed file of a corpus.

For each file (and each of the XML media types it could be served with), the
fast path (reader.core.feeds_fast) either declines or must give a ParsedFeed
equal to the one feedparser's path gives. Prints how many documents it took,
every difference (there must be none), and the parse time of both paths on the
documents it took.

    python bench/feed_parser_diff.py [CORPUS_DIR ...]      # default ../shared/corpora/feeds
    python bench/feed_parser_diff.py --show 5             # print the first 5 differences

Exit status 1 when any document differs.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT = REPO_ROOT.parent / "shared/corpora/feeds"

try:
    import reader  # noqa: F401
except ImportError:  # not installed: run against the source tree
    sys.path.insert(0, str(REPO_ROOT / "src"))

from reader.core import feeds  # noqa: E402
from reader.core.feeds_fast import parse_plain_feed  # noqa: E402

TYPES = ("application/rss+xml", "application/atom+xml", "application/xml; charset=utf-8")
HEADER = re.compile(rb"^Header:\s*Content-type:\s*(.+?)\s*$", re.I | re.M)


def documents(roots: list[Path]) -> list[Path]:
    found = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix.lower() in (".xml", ".rss", ".atom", ".rdf", ".txt"):
                found.append(path)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("roots", nargs="*", type=Path, default=[DEFAULT])
    parser.add_argument("--show", type=int, default=3)
    args = parser.parse_args(argv)
    roots = [r for r in args.roots if r.exists()]
    if not roots:
        print(f"no corpus at {', '.join(map(str, args.roots))}: nothing to compare")
        return 0
    tried = taken = differ = 0
    fast_s = slow_s = 0.0
    items = 0
    shown = 0
    for path in documents(roots):
        content = path.read_bytes()
        header = HEADER.search(content[:2048])
        types = [header.group(1).decode("latin-1")] if header else list(TYPES)
        url = f"http://example.org/{path.name}"
        for media in types:
            tried += 1
            headers = {"content-type": media}
            t = time.perf_counter()
            plain = parse_plain_feed(content, headers)
            if plain is None:
                continue
            fast = feeds._from_plain(plain, url)
            fast_s += time.perf_counter() - t
            taken += 1
            items += len(fast.entries)
            t = time.perf_counter()
            try:
                slow = feeds._parse_with_feedparser(content, headers, url)
            except feeds.NotAFeedError as exc:
                slow = None
                why = str(exc)
            slow_s += time.perf_counter() - t
            if slow != fast:
                differ += 1
                if shown < args.show:
                    shown += 1
                    print(f"DIFFERS {path} ({media})")
                    if slow is None:
                        print(f"  feedparser: not a feed ({why})")
                        continue
                    for name in ("title", "site_url", "warning", "duplicates"):
                        if getattr(slow, name) != getattr(fast, name):
                            print(f"  {name}: {getattr(slow, name)!r} != {getattr(fast, name)!r}")
                    for a, b in zip(slow.entries, fast.entries, strict=False):
                        for name in a.__slots__:
                            left, right = getattr(a, name), getattr(b, name)
                            if left != right:
                                print(f"  entry {name}: {left!r:.150} != {right!r:.150}")
                    if len(slow.entries) != len(fast.entries):
                        print(f"  entries {len(slow.entries)} != {len(fast.entries)}")
    print(
        f"documents x media types tried: {tried}; read by the fast path: {taken} "
        f"({items} entries); different from feedparser: {differ}"
    )
    if taken:
        ratio = slow_s / max(fast_s, 1e-9)
        print(
            f"parse time on those: fast {fast_s * 1000:.0f} ms,"
            f" feedparser {slow_s * 1000:.0f} ms ({ratio:.1f}x)"
        )
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
