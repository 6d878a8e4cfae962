"""CPU of `page_metadata` on pages whose author text is built to be costly.

trafilatura's normalize_authors costs the square of one string with opening
brackets and no closer, and for each call the square of the names found so
far (authors12). Each case is one small page; the figure is the CPU seconds
of one `page_metadata` call on its parsed tree (parsing not counted), with
the length of the author found. Run from the repository root, with each
checkout's interpreter to compare::

    python bench/author_text_bench.py --count 300
    ../main/.venv/bin/python bench/author_text_bench.py --count 300

It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import time

from reader.core.extract import load_page
from reader.core.page_metadata import page_metadata


def _names(count: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    # distinct two-word names, none inside another, no digits
    return [
        f"Ann{letters[i % 26]}{letters[i // 26 % 26]} Lee{letters[i // 676 % 26]}"
        for i in range(count)
    ]


def _ld(value: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(value)}</script>'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kb", type=int, default=32, help='KB of "( " in one author')
    parser.add_argument("--count", type=int, default=300, help="authors in the many-author cases")
    args = parser.parse_args()
    parens, names = "( " * (args.kb * 512), _names(args.count)
    article = {"@context": "https://schema.org", "@type": "NewsArticle"}
    cases = {
        f'{args.kb} KB of "( " in a meta author': f'<meta name="author" content="{parens}">',
        f"{args.count} author metas": "".join(f'<meta name="author" content="{n}">' for n in names),
        f'{args.kb} KB of "( " in a JSON-LD person': _ld(
            {**article, "author": {"@type": "Person", "name": parens}}
        ),
        f"{args.count} JSON-LD persons": _ld(
            {**article, "author": [{"@type": "Person", "name": n} for n in names]}
        ),
        # never closed: json.loads rejects it (json_ld_crude reads it)
        f"{args.count} authors in broken JSON-LD": '<script type="application/ld+json">{'
        + ",".join(f'"author":{{"name":"{n}"}}' for n in names)
        + "</script>",
    }
    for described, head in cases.items():
        page = f"<html><head><title>T</title>{head}</head><body><p>Text.</p></body></html>"
        tree = load_page(page.encode())
        start = time.process_time()
        found = page_metadata(tree, None, want_date=False)
        cpu = time.process_time() - start
        print(f"{described}: {cpu:.3f} s CPU, author {len(found.author or '')} characters")


if __name__ == "__main__":
    main()
