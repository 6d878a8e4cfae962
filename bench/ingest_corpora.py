"""Ingest the shared feed corpora end to end and check that nothing breaks.

Every feed file under the corpus folder (feedparser's own test suite, real-world
fixtures from five other feed parsers, tech and AI site feeds) is served from one
loopback HTTP server, subscribed to in a fresh temporary database and refreshed
through the real pipeline (fetch, parse in the process pool, store), with article
page extraction off so no link to a real site is ever fetched. It checks:

- no exception escapes ``Reader.refresh()`` and no feed fails with an
  "internal error" / "cannot parse the feed" (an exception caught per feed);
- every feed ends either stored or with a non-empty ``last_error``; the distinct
  error reasons are listed with counts, and feeds with warnings are counted;
- entry counts and titles against the expectations the corpora ship cheaply:
  feedparser 6.0.14 baselines (``baseline_*.tsv``: a file with entries there must
  store articles), feed-rs ``*.serde.json`` and rss-parser ``output/*.json``
  (mismatches are reported as counts with examples, for information);
- a second forced refresh with ETag/Last-Modified stripped (no 304 possible, every
  document parsed again) adds and updates no article;
- ``tech-ai/snapshots/``: each feed is served day after day at one URL and refreshed
  after each day; the stored identities must equal the union of the days' entry ids
  (computed with feedparser directly: entry id, else link), an article keeps its
  row id across days, and an entry that changed is updated in place.

feedparser-tests files are served with their ``Header:`` lines as response headers
(``Content-type`` replaces the default); otherwise the Content-Type comes from the
file extension. Only 127.0.0.1 is contacted.

Run from the repository root::

    python bench/ingest_corpora.py
    python bench/ingest_corpora.py --corpus /path/to/corpora/feeds

The corpus is not part of the repository; when the folder is missing the script
says so and exits 0. It exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sqlite3
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared/corpora/feeds"

try:
    import reader  # noqa: F401
except ImportError:  # not installed: run against the source tree
    sys.path.insert(0, str(REPO_ROOT / "src"))
sys.path.insert(0, str(REPO_ROOT / "tests"))

import feedparser  # noqa: E402

from loopback import LoopbackServer, Route  # noqa: E402
from reader.core.config import (  # noqa: E402
    HttpSettings,
    RefreshSettings,
    Settings,
    StorageSettings,
)
from reader.core.models import Feed, FeedResult  # noqa: E402
from reader.core.service import Reader, make_reader  # noqa: E402

CONTENT_TYPES = {
    "xml": "application/xml",
    "json": "application/json",
    "html": "text/html",
}
NOT_FEEDS = {"MANIFEST.json", "LICENSE", "LICENSE-MIT"}
# Feed results that are really exceptions caught by the pipeline.
EXCEPTION_PREFIXES = ("internal error:", "cannot parse the feed:")
EXAMPLES = 5  # examples shown per list (--examples)

_COMMENT = re.compile(rb"<!--(.*?)-->", re.DOTALL)
_HEADER = re.compile(rb"^[ \t]*Header:[ \t]*([^:\r\n]+?)[ \t]*:[ \t]*(.*?)[ \t]*\r?$", re.M)
_EXPECT = re.compile(rb"^[ \t]*Expect:[ \t]*(.*?)[ \t]*\r?$", re.M)


def ws(value: str | None) -> str:
    return " ".join((value or "").split())


def read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:  # rss-parser's uolNoticias output is ISO-8859-1
        return data.decode("latin-1")


# -- the corpus ----------------------------------------------------------------------


@dataclass
class FeedFile:
    rel: str  # path inside the corpus folder, also the URL path
    group: str  # first folder: feedparser-tests, realworld, tech-ai
    body: bytes
    content_type: str
    headers: dict[str, str]
    expect: str = ""

    @property
    def url_path(self) -> str:
        return "/" + self.rel

    def route(self, *, conditional: bool = True) -> Route:
        headers = self.headers
        if not conditional:
            headers = {
                k: v for k, v in headers.items() if k.lower() not in ("etag", "last-modified")
            }
        return Route(body=self.body, content_type=self.content_type, headers=headers)


def content_type_for(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower().lstrip("."), "application/octet-stream")


def feedparser_test_headers(body: bytes) -> tuple[str | None, dict[str, str], str]:
    """(Content-Type, other headers, Expect) from a feedparser test's first comment."""
    comment = _COMMENT.search(body[:4096])
    if comment is None:
        return None, {}, ""
    content_type = None
    headers: dict[str, str] = {}
    for name_raw, value_raw in _HEADER.findall(comment.group(1)):
        name, value = name_raw.decode("latin-1"), value_raw.decode("latin-1")
        if name.lower() == "content-type":
            content_type = value
        else:
            headers[name] = value
    expect = _EXPECT.search(comment.group(1))
    return content_type, headers, expect.group(1).decode("latin-1") if expect else ""


def is_feed_file(path: Path, corpus: Path) -> bool:
    rel = path.relative_to(corpus).as_posix()
    return not (
        path.name in NOT_FEEDS
        or path.suffix == ".tsv"
        or path.name.endswith(".serde.json")
        or rel.startswith("realworld/rss-parser-js/output/")
        or rel.startswith("tech-ai/snapshots/")
    )


def load_feed_files(corpus: Path) -> list[FeedFile]:
    files = []
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        if not is_feed_file(path, corpus):
            continue
        rel = path.relative_to(corpus).as_posix()
        body = path.read_bytes()
        group = rel.split("/", 1)[0]
        content_type = content_type_for(path)
        headers: dict[str, str] = {}
        expect = ""
        if group == "feedparser-tests":
            declared, headers, expect = feedparser_test_headers(body)
            content_type = declared if declared is not None else content_type
        files.append(FeedFile(rel, group, body, content_type, headers, expect))
    return files


# -- expectations shipped with the corpora --------------------------------------------


@dataclass
class Expected:
    source: str  # baseline, feed-rs, rss-parser-js
    count: int
    titles: list[str] = field(default_factory=list)


def load_expectations(corpus: Path) -> dict[str, list[Expected]]:
    """rel path -> expectations (entry counts, titles) from the corpora's own files."""
    found: dict[str, list[Expected]] = {}
    for group in ("realworld", "tech-ai"):
        tsv = corpus / group / "baseline_feedparser-6.0.14.tsv"
        if tsv.exists():
            with tsv.open(encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh, delimiter="\t"):
                    rel = f"{group}/{row['path']}"
                    if rel.endswith(".json"):  # feedparser does not read JSON Feed
                        continue
                    found.setdefault(rel, []).append(
                        Expected("baseline", int(row["n_entries"] or 0))
                    )
    for serde in sorted((corpus / "realworld/feed-rs").rglob("*.serde.json")):
        stem = serde.name.removesuffix(".serde.json")
        sources = [p for p in serde.parent.glob(stem + ".*") if p != serde]
        if len(sources) != 1:
            continue
        data = json.loads(read_text(serde))
        entries = data.get("entries") or []
        titles = [ws((e.get("title") or {}).get("content")) for e in entries]
        rel = sources[0].relative_to(corpus).as_posix()
        found.setdefault(rel, []).append(Expected("feed-rs", len(entries), titles))
    output = corpus / "realworld/rss-parser-js/output"
    for expected in sorted(output.glob("*.json")):
        sources = list((output.parent / "input").glob(expected.stem + ".*"))
        if len(sources) != 1:
            continue
        items = json.loads(read_text(expected)).get("feed", {}).get("items", [])
        titles = [ws(i.get("title")) for i in items if isinstance(i.get("title"), str)]
        rel = sources[0].relative_to(corpus).as_posix()
        found.setdefault(rel, []).append(Expected("rss-parser-js", len(items), titles))
    return found


# -- refreshing -----------------------------------------------------------------------


@dataclass
class Run:
    results: list[FeedResult]
    exceptions: int
    seconds: float


def refresh(reader: Reader, feed_ids: list[int] | None = None, *, force: bool = False) -> Run:
    """One refresh; an exception escaping it is printed and counted, never fatal."""
    results: list[FeedResult] = []
    exceptions = 0
    start = time.perf_counter()
    try:
        for result in reader.refresh(feed_ids, force=force):
            results.append(result)
    except Exception:
        exceptions += 1
        traceback.print_exc()
    return Run(results, exceptions, time.perf_counter() - start)


def make_settings(db: Path) -> Settings:
    return Settings(
        storage=StorageSettings(db=str(db)),
        http=HttpSettings(total_timeout=120.0, read_timeout=60.0),
        refresh=RefreshSettings(
            concurrency=64, per_host=64, extract=False, extract_workers=2, backoff_base_minutes=0
        ),
    )


def article_rows(conn: sqlite3.Connection, feed_id: int | None = None) -> list[sqlite3.Row]:
    sql = "SELECT id, feed_id, key, guid, url, title, entry_hash, text_sha FROM articles"
    if feed_id is None:
        return conn.execute(sql).fetchall()
    return conn.execute(sql + " WHERE feed_id = ?", (feed_id,)).fetchall()


def reason_group(error: str) -> str:
    """An error message with numbers and URLs folded, to count distinct reasons."""
    error = re.sub(r"https?://\S+", "<url>", error)
    return re.sub(r"\d+", "N", error)


# -- the checks -----------------------------------------------------------------------


@dataclass
class Report:
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    def check(self, name: str, ok: bool, detail: str = "") -> None:
        self.checks.append((name, ok, detail))

    @property
    def passed(self) -> bool:
        return all(ok for _, ok, _ in self.checks)


def show(title: str, items: Iterable[str], total: int | None = None) -> None:
    shown = list(items)
    count = total if total is not None else len(shown)
    print(f"  {title}: {count}")
    for item in shown[:EXAMPLES]:
        print(f"    - {item}")


def ingest(corpus: Path, workdir: Path, report: Report) -> None:
    files = load_feed_files(corpus)
    expectations = load_expectations(corpus)
    by_group = Counter(f.group for f in files)
    print(f"corpus: {corpus}")
    print("feed files: " + ", ".join(f"{g} {n}" for g, n in sorted(by_group.items())))
    reader = make_reader(make_settings(workdir / "ingest.db"))
    with LoopbackServer() as server:
        feed_ids: dict[str, int] = {}
        add_exceptions = 0
        for f in files:
            try:
                server.routes[f.url_path] = f.route()
                feed_ids[f.rel] = reader.add_feed(server.url(f.url_path), discover=False).feed_id
            except Exception:
                add_exceptions += 1
                traceback.print_exc()
        by_id = {v: k for k, v in feed_ids.items()}

        print("\n[1] first refresh")
        first = refresh(reader)
        feeds = {feed.id: feed for feed in reader.feeds()}
        caught = [r for r in first.results if (r.error or "").startswith(EXCEPTION_PREFIXES)]
        stored_ok = [f for f in feeds.values() if f.last_fetched and f.last_error is None]
        errored = [f for f in feeds.values() if f.last_error is not None]
        blank_errors = [f for f in errored if not f.last_error or not f.last_error.strip()]
        untouched = [f for f in feeds.values() if not f.last_fetched]
        warned = [f for f in feeds.values() if f.last_warning]
        articles = len(article_rows(reader.store.conn))
        print(f"  feeds: {len(feeds)} (results yielded: {len(first.results)})")
        print(f"  exceptions escaping refresh(): {first.exceptions + add_exceptions}")
        show(
            "exceptions caught per feed (internal error / cannot parse)",
            (f"{by_id.get(r.feed_id)}: {r.error}" for r in caught),
        )
        print(f"  feeds stored OK: {len(stored_ok)}")
        print(f"  feeds with a recorded error: {len(errored)} (blank: {len(blank_errors)})")
        print(f"  feeds never stored nor failed: {len(untouched)}")
        print(f"  feeds with a warning: {len(warned)}")
        print(f"  articles stored: {articles}")
        print(f"  time: {first.seconds:.1f} s ({len(files) / first.seconds:.0f} feeds/s)")
        reasons: dict[str, list[str]] = {}
        for feed in errored:
            reasons.setdefault(reason_group(feed.last_error or ""), []).append(by_id[feed.id])
        print("  distinct error reasons:")
        for reason, rels in sorted(reasons.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            print(f"    {len(rels):4d}  {reason}   e.g. {rels[0]}")
        warnings = Counter(reason_group(f.last_warning or "")[:90] for f in warned)
        print("  most common warnings:")
        for warning, n in warnings.most_common(8):
            print(f"    {n:4d}  {warning}")
        report.check(
            "no exceptions",
            first.exceptions + add_exceptions == 0 and not caught,
            f"{first.exceptions + add_exceptions} escaped, {len(caught)} caught per feed",
        )
        report.check(
            "every feed stored or has an error",
            not untouched and not blank_errors and len(first.results) == len(files),
            f"{len(stored_ok)} stored, {len(errored)} errors, {len(untouched)} neither",
        )

        counts = Counter(row["feed_id"] for row in article_rows(reader.store.conn))
        titles: dict[int, list[str]] = {}
        for row in article_rows(reader.store.conn):
            titles.setdefault(row["feed_id"], []).append(ws(row["title"]))
        compare_expectations(expectations, feed_ids, feeds, counts, titles, report)
        feedparser_bozo(files, feed_ids, feeds)

        print("\n[2] second refresh, forced, no ETag/Last-Modified: every document parsed again")
        for f in files:
            server.routes[f.url_path] = f.route(conditional=False)
        before = {(r["feed_id"], r["key"]): r["id"] for r in article_rows(reader.store.conn)}
        second = refresh(reader, force=True)
        after = {(r["feed_id"], r["key"]): r["id"] for r in article_rows(reader.store.conn)}
        statuses = Counter(r.status for r in second.results)
        new = sum(r.new for r in second.results)
        updated = [r for r in second.results if r.updated]
        print(f"  statuses: {dict(sorted(statuses.items()))}")
        print(f"  articles: {len(before)} -> {len(after)}; new {new}")
        show(
            "feeds reporting updated articles",
            (f"{by_id.get(r.feed_id)}: {r.updated}" for r in updated),
        )
        print(f"  exceptions: {second.exceptions}; time: {second.seconds:.1f} s")
        report.check(
            "re-ingest adds no duplicates",
            second.exceptions == 0
            and before == after
            and new == 0
            and statuses.get("not_modified", 0) == 0
            and len(second.results) == len(files),
            f"{len(before)} -> {len(after)} articles, {new} new, "
            f"{statuses.get('not_modified', 0)} not modified",
        )
        report.check(
            "re-ingest updates nothing (stable entry hashes)",
            not updated,
            f"{len(updated)} feeds, {sum(r.updated for r in updated)} articles updated",
        )
    reader.close()


def compare_expectations(
    expectations: dict[str, list[Expected]],
    feed_ids: dict[str, int],
    feeds: dict[int, Feed],
    counts: Counter[int],
    titles: dict[int, list[str]],
    report: Report,
) -> None:
    print("\n  expectations shipped with the corpora:")
    missing_entries: list[str] = []
    mismatches: dict[str, list[str]] = {}
    compared: Counter[str] = Counter()
    for rel, expected_list in sorted(expectations.items()):
        feed_id = feed_ids.get(rel)
        if feed_id is None:
            continue
        feed = feeds[feed_id]
        stored = counts.get(feed_id, 0)
        for expected in expected_list:
            compared[expected.source] += 1
            if expected.source == "baseline" and expected.count > 0 and stored == 0:
                missing_entries.append(f"{rel}: 0 stored, baseline {expected.count}")
            if stored != expected.count:
                note = f" ({feed.last_error})" if feed.last_error else ""
                mismatches.setdefault(f"{expected.source} count", []).append(
                    f"{rel}: stored {stored}, expected {expected.count}{note}"
                )
            wanted = [t for t in expected.titles if t]
            absent = [t for t in wanted if t not in set(titles.get(feed_id, []))]
            if absent:
                mismatches.setdefault(f"{expected.source} titles", []).append(
                    f"{rel}: {len(absent)}/{len(wanted)} titles not stored, e.g. {absent[0]!r}"
                )
    print("    compared: " + ", ".join(f"{k} {v}" for k, v in sorted(compared.items())))
    for kind, items in sorted(mismatches.items()):
        show(f"{kind} mismatches", items)
    report.check(
        "feeds with entries in the baseline store articles",
        not missing_entries,
        f"{len(missing_entries)} of {compared['baseline']} files store none"
        + (f": {', '.join(missing_entries[:EXAMPLES])}" if missing_entries else ""),
    )


def feedparser_bozo(
    files: list[FeedFile], feed_ids: dict[str, int], feeds: dict[int, Feed]
) -> None:
    """For information: feedparser-tests expecting bozo vs what the reader recorded."""
    expect_bozo = [f for f in files if re.match(r"^\(?bozo\b", f.expect)]
    flagged = [
        f
        for f in expect_bozo
        if feeds[feed_ids[f.rel]].last_warning or feeds[feed_ids[f.rel]].last_error
    ]
    print(
        f"  feedparser-tests expecting bozo: {len(expect_bozo)}, "
        f"stored with a warning or error: {len(flagged)}"
    )


# -- snapshots ------------------------------------------------------------------------


def identity(entry: Any) -> str:
    return ws(entry.get("id")) or ws(entry.get("link"))


def entry_signature(entry: Any) -> str:
    parts = [entry.get("title") or "", entry.get("summary") or "", entry.get("link") or ""]
    parts += [c.get("value") or "" for c in entry.get("content") or []]
    return hashlib.sha1("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def stored_identity(row: sqlite3.Row) -> str:
    key = str(row["key"])
    return key.split(":", 1)[1] if key.startswith(("guid:", "link:")) else key


def snapshots(corpus: Path, workdir: Path, report: Report) -> None:
    folder = corpus / "tech-ai/snapshots"
    print(f"\n[3] snapshots: {folder}")
    if not folder.is_dir():
        print("  missing; skipped")
        return
    reader = make_reader(make_settings(workdir / "snapshots.db"))
    problems: list[str] = []
    exceptions = 0
    with LoopbackServer() as server:
        for feed_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
            days = sorted(feed_dir.glob("*.xml"))
            path = f"/live/{feed_dir.name}.xml"
            server.routes[path] = Route(status=404)
            feed_id = reader.add_feed(server.url(path), discover=False).feed_id
            union: set[str] = set()
            last_seen: dict[str, str] = {}  # identity -> signature on its last day
            row_ids: dict[str, int] = {}
            hashes: dict[str, str] = {}
            changed = updated_ok = no_identity = 0
            start = time.perf_counter()
            for day in days:
                body = day.read_bytes()
                etag = '"' + hashlib.sha1(body).hexdigest() + '"'
                server.routes[path] = Route(body=body, content_type="application/xml", etag=etag)
                run = refresh(reader, [feed_id], force=True)
                exceptions += run.exceptions
                for result in run.results:
                    if not result.ok or result.status == "not_modified":
                        problems.append(f"{day.name}: {result.status} {result.error or ''}")
                rows = {stored_identity(r): r for r in article_rows(reader.store.conn, feed_id)}
                today: dict[str, Any] = {}
                for entry in feedparser.parse(body).entries:
                    ident = identity(entry)
                    if not ident:
                        no_identity += 1
                    else:
                        today.setdefault(ident, entry)
                for ident, entry in today.items():
                    row = rows.get(ident)
                    if row is None:
                        problems.append(f"{day.name}: {ident} not stored")
                        continue
                    if ident in row_ids and row_ids[ident] != row["id"]:
                        problems.append(f"{day.name}: {ident} changed row id")
                    if entry.get("title") and ws(row["title"]) != ws(entry.get("title")):
                        problems.append(
                            f"{day.name}: {ident} title {row['title']!r} != {entry.get('title')!r}"
                        )
                    signature = entry_signature(entry)
                    if ident in last_seen and last_seen[ident] != signature:
                        changed += 1
                        if hashes[ident] != row["entry_hash"]:
                            updated_ok += 1
                        else:
                            problems.append(f"{day.name}: {ident} changed but not updated")
                    last_seen[ident] = signature
                    row_ids[ident] = row["id"]
                    hashes[ident] = row["entry_hash"]
                union |= set(today)
            stored = {stored_identity(r) for r in article_rows(reader.store.conn, feed_id)}
            extra, lost = stored - union, union - stored
            print(
                f"  {feed_dir.name}: {len(days)} days, union of ids {len(union)}, "
                f"stored {len(stored)} (extra {len(extra)}, missing {len(lost)}), "
                f"entries changed between days {changed} (updated in place {updated_ok}), "
                f"entries without id or link {no_identity}, {time.perf_counter() - start:.1f} s"
            )
            problems += [f"{feed_dir.name}: stored but in no file: {i}" for i in sorted(extra)]
            problems += [f"{feed_dir.name}: in a file but not stored: {i}" for i in sorted(lost)]
    reader.close()
    show("snapshot problems", problems)
    report.check(
        "snapshots: stored ids == union, updates in place",
        not problems and exceptions == 0,
        f"{len(problems)} problems, {exceptions} exceptions",
    )


def main(argv: list[str] | None = None) -> int:
    global EXAMPLES
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpora/feeds folder")
    parser.add_argument("--examples", type=int, default=EXAMPLES, help="examples per list")
    args = parser.parse_args(argv)
    EXAMPLES = args.examples
    corpus: Path = args.corpus.resolve()
    if not corpus.is_dir():
        print(f"corpus folder not found: {corpus} (pass --corpus PATH); nothing to do")
        return 0
    report = Report()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="reader-ingest-") as tmp:
        ingest(corpus, Path(tmp), report)
        snapshots(corpus, Path(tmp), report)
    print(f"\nsummary ({time.perf_counter() - start:.1f} s in all)")
    for name, ok, detail in report.checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {detail}")
    print("PASS" if report.passed else "FAIL")
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
