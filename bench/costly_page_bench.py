"""Refresh wall time when one article page is built to stall extraction.

The page is `<article>` + `<p>a b</p>` x 200,000: 2 MB, under the size cap,
and minutes of trafilatura (its time grows with the square of the paragraphs).
It is one item of one feed among ``--feeds`` ordinary feeds of ``--items``
items, each item linking to an ordinary ~5 KB article page, all on a loopback
server this script starts. ``reader refresh`` runs through the real CLI in a
fresh process with the default settings (30 s extraction limit); the wall time
is process start to exit, so work left running past the summary counts.

``--slow`` serves instead a page under the tag limit that still takes seconds
(``<p>a b</p>`` x 19,000), with ``--extract-timeout`` (default 1 s): the limit
then has to stop a running extraction.

``--json-ld KB`` serves instead an ordinary article whose JSON-LD script is KB
kilobytes of escaped quotes in a string that never closes: trafilatura's JSON
minifier, tried at every quote, takes time that grows with the square of it.

``--json-ld-keys KB`` serves instead an ordinary article whose JSON-LD script is
``"author":1,`` repeated to KB kilobytes, never closed: json.loads rejects it,
and trafilatura's crude author patterns looked from every key to the end
(review12, finding 4; page_metadata reads it with json_ld_crude now).

``--meta-author KB`` serves instead an ordinary article whose author meta is
``"( "`` repeated to KB kilobytes: trafilatura's normalize_authors removes
nicknames with a pattern that scans from every unclosed bracket to the end
(authors12; page_metadata cuts a page's author text to a budget now).

``--meta-comments KB`` serves instead an ordinary article whose description meta
is ``&lt;!--`` repeated to KB kilobytes of page: trafilatura's tag-stripping
pattern scans from every unclosed ``<!--`` to the end, and so does libxml2's
writer of the value (htmldate serialises the page); ``--json-ld-comments KB``
puts ``\u003c!--`` in a JSON-LD headline instead (lead13: strip_tags.py, and
extract.py's _defuse_comment_runs).

Run from the repository root::

    python bench/costly_page_bench.py
    python bench/costly_page_bench.py --slow --extract-timeout 1
    python bench/costly_page_bench.py --json-ld 64
    python bench/costly_page_bench.py --json-ld-keys 128
    python bench/costly_page_bench.py --meta-author 64
    python bench/costly_page_bench.py --meta-comments 320
    python bench/costly_page_bench.py --json-ld-comments 320

Only loopback addresses are used. It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from loopback import LoopbackServer, article_page, rss  # noqa: E402

SCRIPT = Path(sys.executable).parent / "reader"
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "reader"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=10)
    parser.add_argument("--items", type=int, default=5)
    parser.add_argument("--slow", action="store_true", help="a slow page under the tag limit")
    parser.add_argument("--extract-timeout", type=float, default=None)
    parser.add_argument("--json-ld", type=int, default=0, metavar="KB")
    parser.add_argument("--json-ld-keys", type=int, default=0, metavar="KB")
    parser.add_argument("--meta-author", type=int, default=0, metavar="KB")
    parser.add_argument("--meta-comments", type=int, default=0, metavar="KB")
    parser.add_argument("--json-ld-comments", type=int, default=0, metavar="KB")
    args = parser.parse_args()
    paragraphs = 19_000 if args.slow else 200_000
    timeout = (
        args.extract_timeout if args.extract_timeout is not None else (1.0 if args.slow else 30.0)
    )
    costly = b"<html><body><article>" + b"<p>a b</p>" * paragraphs + b"</article></body></html>"
    described = f"<p>a b</p> x {paragraphs:,}"
    script = ""
    if args.json_ld:
        script = '{"@type": "NewsArticle", "headline": "' + '\\"' * (args.json_ld * 512)
        described = f"an article with {args.json_ld} KB of unclosed JSON-LD"
    elif args.json_ld_keys:
        script = "{" + '"author":1,' * (args.json_ld_keys * 1000 // 11)
        described = f'an article with {args.json_ld_keys} KB of JSON-LD "author":1, keys'
    elif args.json_ld_comments:
        headline = "\\u003c!--" * (args.json_ld_comments * 1000 // 10)
        script = '{"@type": "NewsArticle", "headline": "' + headline + '"}'
        described = f"an article with a {args.json_ld_comments} KB JSON-LD headline of <!--"
    if script:
        costly = article_page("Costly", ["Paragraph of the costly story. " * 60]).replace(
            b"</head>", f'<script type="application/ld+json">{script}</script></head>'.encode()
        )
    elif args.meta_author:
        meta = f'<meta name="author" content="{"( " * (args.meta_author * 512)}">'
        costly = article_page("Costly", ["Paragraph of the costly story. " * 60]).replace(
            b"</head>", f"{meta}</head>".encode()
        )
        described = f'an article with a {args.meta_author} KB author meta of "( "'
    elif args.meta_comments:
        comments = "&lt;!--" * (args.meta_comments * 1000 // 7)
        meta = f'<meta name="description" content="{comments}">'
        costly = article_page("Costly", ["Paragraph of the costly story. " * 60]).replace(
            b"</head>", f"{meta}</head>".encode()
        )
        described = f"an article with a {args.meta_comments} KB description meta of &lt;!--"

    with LoopbackServer() as server, tempfile.TemporaryDirectory() as tmp:
        costly_url = server.add("/costly", body=costly, content_type="text/html")
        urls = []
        for f in range(args.feeds):
            items = []
            if f == 0:
                items.append(
                    {"title": "Costly", "guid": "costly", "link": costly_url, "description": "x"}
                )
            for i in range(args.items):
                page = server.add(
                    f"/f{f}/p{i}",
                    body=article_page(f"Story {f}.{i}", [f"Paragraph of story {f}.{i}. " * 60]),
                    content_type="text/html",
                )
                items.append({"title": f"Story {f}.{i}", "guid": f"{f}.{i}", "link": page})
            urls.append(server.add(f"/f{f}.xml", body=rss(items, title=f"Feed {f}")))
        config = Path(tmp) / "config.toml"
        config.write_text(f"[refresh]\nextract_timeout = {timeout}\n", encoding="utf-8")
        env = {
            **os.environ,
            "READER_DB": str(Path(tmp) / "bench.db"),
            "READER_CONFIG": str(config),
        }
        subprocess.run(
            [*COMMAND, "add", "--no-fetch", *urls], env=env, check=True, capture_output=True
        )
        start, before = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run([*COMMAND, "refresh"], env=env, capture_output=True, text=True)
        wall, after = time.monotonic() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = sum(after[:2]) - sum(before[:2])  # the refresh and its workers
        listed = subprocess.run(
            [*COMMAND, "articles", "--json", "--limit", "100000"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        articles = json.loads(listed.stdout)
        [costly_article] = [a for a in articles if a["title"] == "Costly"]
        shown = subprocess.run(
            [*COMMAND, "show", "--json", str(costly_article["id"])],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        error = json.loads(shown.stdout).get("extraction_error")
    print(
        f"page: {described} ({len(costly) / 1e6:.1f} MB); "
        f"extract_timeout {timeout:g} s; {args.feeds} feeds x {args.items} pages"
    )
    print(
        f"reader refresh: exit {done.returncode}, wall {wall:.2f} s, CPU {cpu:.2f} s, "
        f"{len(articles)} articles stored (expected {args.feeds * args.items + 1})"
    )
    print(f"costly article: {error}")
    if "Traceback" in done.stderr:
        print(done.stderr)


if __name__ == "__main__":
    main()
