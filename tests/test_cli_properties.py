"""Property-based tests (hypothesis) of what reaches the command line from
outside: URLs, OPML files, annotation exports (JSON), arguments and config
values. Whatever they hold: no traceback (not even the top level's "unexpected
error" line: that guard is for what nobody foresaw, and these inputs are
foreseen), a non-zero exit only with a `reader: ` line saying why, and every
highlight, note, tag, star and feed the user had is still there.

Each example runs `reader.cli.main` in-process on a fresh copy of one seeded
database (the offline demo plus the user's own marks)."""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import sqlite3
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reader.cli import main
from reader.core.clock import iso_after
from reader.core.config import ConfigError, Settings, StorageSettings, load_settings
from reader.core.service import make_reader
from reader.core.store import ArticleQuery
from reader.core.urls import UrlError, check_url, typed_url
from reader.wording import plural

EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# -- the seeded database -----------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    path: Path  # a closed database file, copied for each example
    article_url: str  # an article with a highlight on it
    quote: str  # a word of its text


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Seed:
    path = tmp_path_factory.mktemp("seed") / "seed.db"
    reader = make_reader(Settings(storage=StorageSettings(db=str(path))))
    try:
        list(reader.refresh(reader.add_demo()))
        first, second, third, *_ = reader.articles(ArticleQuery(limit=None))
        quote = reader.article(first.id).text.split()[0]
        reader.annotate(first.id, quote, note="my highlight", tags=["idea"])
        reader.note(second.id, "my note", tags=["todo"])
        reader.tag(third.id, ["mine"])
        reader.store.set_starred([third.id])
        reader.store.add_feed("https://own.example/feed", tags=["own"])
        return Seed(path, first.url, quote)
    finally:
        reader.close()


@dataclass(frozen=True)
class Marks:
    """What belongs to the user and must survive any input."""

    annotations: frozenset[tuple[int, str, str]]  # id, kind, note
    user_tags: frozenset[tuple[int, str]]
    starred: frozenset[int]
    feeds: frozenset[str]
    feed_tags: frozenset[tuple[str, str]]


def marks(path: Path) -> Marks:
    conn = sqlite3.connect(path)
    try:
        return Marks(
            frozenset(conn.execute("SELECT id, kind, note FROM annotations")),
            frozenset(
                conn.execute(
                    "SELECT l.article_id, t.name FROM article_tags l JOIN tags t"
                    " ON t.id = l.tag_id WHERE l.source = 'user'"
                )
            ),
            frozenset(r[0] for r in conn.execute("SELECT id FROM articles WHERE starred = 1")),
            frozenset(
                r[0] for r in conn.execute("SELECT url FROM feeds WHERE unsubscribed_at IS NULL")
            ),
            frozenset(
                conn.execute(
                    "SELECT f.url, t.name FROM feed_tags l JOIN feeds f ON f.id = l.feed_id"
                    " JOIN tags t ON t.id = l.tag_id WHERE f.unsubscribed_at IS NULL"
                )
            ),
        )
    finally:
        conn.close()


@dataclass
class Run:
    code: int
    out: str
    err: str


@contextmanager
def workspace(seed: Seed) -> Iterator[Path]:
    """A fresh folder holding a copy of the seeded database, as the working directory."""
    folder = Path(tempfile.mkdtemp(prefix="reader-prop-"))
    cwd = os.getcwd()
    try:
        shutil.copyfile(seed.path, folder / "reader.db")
        os.chdir(folder)
        yield folder
    finally:
        os.chdir(cwd)
        shutil.rmtree(folder, ignore_errors=True)


def run_cli(folder: Path, *args: str, stdin: str = "") -> Run:
    out, err = io.StringIO(), io.StringIO()
    environ = {"READER_DB": str(folder / "reader.db"), "READER_CONFIG": ""}
    saved = {name: os.environ.get(name) for name in environ}
    os.environ.update(environ)
    real_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exit_:  # argparse: usage errors and --help
                code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.stdin = real_stdin
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return Run(code, out.getvalue(), err.getvalue())


def assert_clean(run: Run, args: tuple[str, ...] = ()) -> None:
    assert "Traceback" not in run.err, (args, run.err)
    assert "unexpected error" not in run.err, (args, run.err)
    assert run.code in (0, 1, 2), (args, run.code, run.err)
    if run.code == 1:
        assert any(line.startswith("reader: ") for line in run.err.splitlines()), (args, run.err)


def assert_kept(
    before: Marks, after: Marks, *, may_unsubscribe: bool = False, may_untag: bool = False
) -> None:
    """Nothing of the user's went, except what the command line asked to remove."""
    # An import may update a known annotation's note; none may disappear.
    assert {a[0] for a in before.annotations} <= {a[0] for a in after.annotations}
    if not may_untag:
        assert before.user_tags <= after.user_tags
    assert before.starred <= after.starred
    if not may_unsubscribe:
        assert before.feeds <= after.feeds
        assert before.feed_tags <= after.feed_tags


# -- URLs --------------------------------------------------------------------------------

URL_PIECES = st.sampled_from(
    ["http", "https", "ftp", "file", "javascript", "mailto", "HTTP", "", "data", "localhost"]
)
HOSTS = st.one_of(
    st.sampled_from(
        [
            "example.org",
            "[::1",
            "[::1]",
            "[foo]",
            "[@click=app.quit]x[/]",
            "127.0.0.1:99999",
            "a:b@c",
            "",
            " ",
            "exa mple.org",
            "\x1b[2J",
            "例え.jp",
            "[v1.x]",
            "%00",
            "host:0",
        ]
    ),
    st.text(max_size=20),
)
URLS = st.one_of(
    st.text(max_size=60),
    st.builds(
        lambda scheme, sep, host, path: f"{scheme}{sep}{host}{path}",
        URL_PIECES,
        st.sampled_from(["://", ":", ":/", "//", ""]),
        HOSTS,
        st.sampled_from(["", "/", "/feed.xml", "/?q=[x]", "#frag", "/\n", "/é"]),
    ),
)


@settings(max_examples=400, deadline=None)
@given(URLS)
# urlsplit quotes a netloc that NFKC normalisation changes, ESC included.
@example("http://a\u2100\x1b/")
def test_a_typed_url_is_accepted_as_http_or_refused_in_one_line(text: str) -> None:
    try:
        url = typed_url(text)
    except UrlError as exc:
        message = str(exc)
        assert message and "\n" not in message and "\x1b" not in message
        return
    parts = urlsplit(url)
    assert parts.scheme.lower() in ("http", "https") and parts.hostname
    assert check_url(url) == url  # what the app and the CLI accept, the fetcher accepts


@EXAMPLES
@given(st.lists(URLS, min_size=1, max_size=4))
def test_add_without_fetching_never_fails_badly(seed: Seed, urls: list[str]) -> None:
    with workspace(seed) as folder:
        before = marks(folder / "reader.db")
        run = run_cli(folder, "add", "--no-fetch", "--", *urls)
        assert_clean(run, tuple(urls))
        refused = [line for line in run.err.splitlines() if line.startswith("reader: cannot add")]
        assert len(refused) + run.out.count("subscribed to") == len(urls)
        assert_kept(before, marks(folder / "reader.db"))


# -- OPML --------------------------------------------------------------------------------

XML_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=15)


@st.composite
def opml_documents(draw: st.DrawFn) -> bytes:
    """OPML with folders, feeds (good and bad URLs), stray attributes; sometimes broken."""
    root = ET.Element("opml", version=draw(st.sampled_from(["1.0", "2.0", ""])))
    body = ET.SubElement(root, "body")
    parents = [body]
    for _ in range(draw(st.integers(0, 12))):
        parent = draw(st.sampled_from(parents))
        attrs = {"text": draw(XML_TEXT)}
        if draw(st.booleans()):
            attrs["xmlUrl"] = draw(URLS.filter(lambda u: all(c.isprintable() for c in u)))
            if draw(st.booleans()):
                attrs["category"] = draw(XML_TEXT)
        outline = ET.SubElement(parent, "outline", attrs)
        if "xmlUrl" not in attrs:
            parents.append(outline)
    data = ET.tostring(root, encoding="utf-8")
    depth = draw(st.sampled_from([0, 0, 5000]))
    if depth:  # written as text: ElementTree itself recurses when it writes
        deep = (
            b'<outline text="deep">' * depth
            + b'<outline xmlUrl="https://deep.example/feed"/>'
            + b"</outline>" * depth
        )
        data = data.replace(b"</body>", deep + b"</body>").replace(
            b"<body />", b"<body>" + deep + b"</body>"
        )
    return data[: draw(st.integers(0, len(data)))] if draw(st.booleans()) else data


@EXAMPLES
@given(opml_documents())
def test_any_opml_file_imports_the_good_feeds(seed: Seed, document: bytes) -> None:
    with workspace(seed) as folder:
        path = folder / "subscriptions.opml"
        path.write_bytes(document)
        before = marks(folder / "reader.db")
        run = run_cli(folder, "import", str(path))
        assert_clean(run)
        after = marks(folder / "reader.db")
        assert_kept(before, after)
        if run.code == 0:
            added = after.feeds - before.feeds
            assert all(check_url(url) == url for url in added)
            assert plural(len(added), "new feed", "new feeds") in run.out


# -- annotation exports (JSON) -------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def annotation_exports(draw: st.DrawFn, seed_value: Seed) -> Any:
    """Web Annotation JSON, mostly well formed, with hostile or missing parts."""
    items = []
    for _ in range(draw(st.integers(0, 5))):
        selector: dict[str, Any] = {
            "type": draw(st.sampled_from(["TextQuoteSelector", "TextPositionSelector", "x"])),
            "exact": draw(st.sampled_from([seed_value.quote, "nope", ""]) | JSON_VALUES),
            "start": draw(st.integers(-5, 10**20) | JSON_VALUES),
            "end": draw(st.integers(-5, 10**20) | JSON_VALUES),
        }
        item: dict[str, Any] = {
            "type": "Annotation",
            "id": draw(st.text(max_size=12) | JSON_VALUES),
            "target": {
                "source": draw(st.sampled_from([seed_value.article_url, "https://x.example/"])),
                "selector": [selector],
                "styleClass": draw(st.sampled_from(["yellow", "PINK", "", "[b]x[/b]"])),
            },
            "body": draw(
                st.lists(
                    st.fixed_dictionaries(
                        {"value": XML_TEXT | JSON_VALUES},
                        optional={"purpose": st.sampled_from(["tagging", "commenting", 5])},
                    ),
                    max_size=3,
                )
                | JSON_VALUES
            ),
            "reader:state": draw(
                st.fixed_dictionaries({}, optional={"kind": JSON_VALUES, "score": JSON_VALUES})
            ),
        }
        items.append(item)
    document: Any = {"type": "AnnotationCollection", "items": items}
    return draw(st.sampled_from([document, items]) | JSON_VALUES)


@EXAMPLES
@given(st.data())
def test_any_annotation_export_imports_what_it_can(seed: Seed, data: st.DataObject) -> None:
    document = data.draw(annotation_exports(seed))
    with workspace(seed) as folder:
        path = folder / "notes.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        before = marks(folder / "reader.db")
        run = run_cli(folder, "import", str(path))
        assert_clean(run)
        assert_kept(before, marks(folder / "reader.db"))


# -- command-line arguments --------------------------------------------------------------

TOKENS = st.sampled_from(
    [
        "feeds",
        "articles",
        "show",
        "tag",
        "note",
        "annotate",
        "annotations",
        "remove",
        "import",
        "export",
        "opml",
        "notes",
        "entities",
        "entity",
        "add",
        "top",
        "rules",
        "ignore",
        "alias",
        "type",
        "--json",
        "--limit",
        "--tag",
        "--remove",
        "--quote",
        "--occurrence",
        "--note",
        "--color",
        "--feed",
        "--search",
        "--entity",
        "--unread",
        "--starred",
        "--orphans",
        "--article",
        "--format",
        "--out",
        "--no-fetch",
        "--label",
        "--db",
        "--config",
        "--debug",
        "--help",
        "1",
        "2",
        "3",
        "0",
        "-1",
        "99999999999999999999",
        "1e308",
        "nan",
        "",
        "#",
        ",",
        " ",
        "[@click=app.quit]x[/]",
        "\x1b[2J",
        "ORG",
        "yellow",
        "json",
        "markdown",
        "out/",
        "x.opml",
        "good.opml",
        "deep.json",
        "picture.png",
        "bad.toml",
        "http://[::1",
        "example.org",
        "https://own.example/feed",
        "C++",
        '"unterminated',
        "NEAR(",
        "*",
    ]
)
FILES = {
    "good.opml": b'<opml><body><outline xmlUrl="https://good.example/feed"/></body></opml>',
    "deep.json": b"[" * 5000 + b"]" * 5000,
    "picture.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
    "bad.toml": b"[http]\ntotal_timeout = inf\n[retention]\nkeep_days = 1e308\n",
}


GLOBAL_OPTIONS = st.sampled_from(
    [[], [], [], ["--debug"], ["--db", "picture.png"], ["--db", "new.db"], ["--config", "bad.toml"]]
)
IDS = st.one_of(
    st.sampled_from(["99999999999999999999", "9223372036854775808", "1e308"]),  # past SQLite
    st.sampled_from(["1", "2", "3", "0", "-1", "nan"]),
    st.integers(-(2**70), 2**70).map(str),
)
WORDS = st.one_of(TOKENS, st.text(max_size=12))


def options(*choices: tuple[str, st.SearchStrategy[str]]) -> st.SearchStrategy[list[str]]:
    """Some of the options, each with a value drawn for it."""
    return st.lists(
        st.sampled_from(choices).flatmap(lambda c: c[1].map(lambda v: [c[0], v])),
        max_size=3,
    ).map(lambda pairs: [part for pair in pairs for part in pair])


def command(*parts: st.SearchStrategy[list[str]]) -> st.SearchStrategy[list[str]]:
    return st.tuples(*parts).map(lambda lists: [part for lst in lists for part in lst])


def fixed(*words: str) -> st.SearchStrategy[list[str]]:
    return st.just(list(words))


def one(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return strategy.map(lambda value: [value])


FLAGS = st.lists(st.sampled_from(["--json", "--unread", "--starred", "--orphans"]), max_size=2)
# Well-formed command lines with hostile values: these reach the commands
# themselves, not only the argument parser.
WELL_FORMED = st.one_of(
    command(fixed("show"), one(IDS), FLAGS),
    command(fixed("tag"), one(IDS), st.lists(WORDS, min_size=1, max_size=3)),
    command(fixed("note"), one(IDS), one(WORDS), options(("--tag", WORDS))),
    command(
        fixed("annotate"),
        one(IDS),
        fixed("--quote"),
        one(WORDS),
        options(("--occurrence", IDS), ("--tag", WORDS), ("--note", WORDS)),
    ),
    command(
        fixed("articles"),
        options(("--limit", IDS), ("--feed", WORDS | IDS), ("--tag", WORDS), ("--search", WORDS)),
        FLAGS,
    ),
    command(fixed("articles", "--entity"), one(WORDS)),
    command(
        fixed("annotations"), options(("--article", IDS), ("--tag", WORDS), ("--search", WORDS))
    ),
    command(fixed("remove"), one(IDS | WORDS)),
    command(fixed("import"), one(st.sampled_from(sorted(FILES)) | WORDS)),
    command(fixed("export", "opml"), st.lists(WORDS, max_size=1)),
    command(
        fixed("export", "notes"),
        options(("--format", st.sampled_from(["json", "markdown"])), ("--out", WORDS)),
    ),
    command(fixed("entities"), st.lists(st.sampled_from(sorted(FILES)) | WORDS, max_size=1), FLAGS),
    command(fixed("entity", "ignore"), one(WORDS), st.lists(st.just("--undo"), max_size=1)),
    command(fixed("entity", "alias"), one(WORDS), one(WORDS)),
    command(
        fixed("entity", "type"), one(WORDS), one(st.sampled_from(["ORG", "PERSON", "org"]) | WORDS)
    ),
    command(
        fixed("entity", "add"), one(WORDS), fixed("--label", "ORG"), options(("--alias", WORDS))
    ),
    command(fixed("entity", "top"), options(("--limit", IDS))),
    command(fixed("add", "--no-fetch"), st.lists(URLS, min_size=1, max_size=2)),
)
ANYTHING = st.lists(st.one_of(IDS, WORDS), min_size=0, max_size=6)


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    return [*draw(GLOBAL_OPTIONS), *draw(st.one_of(WELL_FORMED, WELL_FORMED, ANYTHING))]


@settings(
    max_examples=70,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(command_lines())
def test_any_command_line_is_answered_without_a_traceback(seed: Seed, argv: list[str]) -> None:
    if "add" in argv and "--no-fetch" not in argv:
        argv = [*argv, "--no-fetch"]  # never the network: adding fetches unless told not to
    with workspace(seed) as folder:
        for name, content in FILES.items():
            (folder / name).write_bytes(content)
        before = marks(folder / "reader.db")
        run = run_cli(folder, *argv, stdin="OpenAI hired Sam Altman in San Francisco.")
        assert_clean(run, tuple(argv))
        assert_kept(
            before,
            marks(folder / "reader.db"),
            may_unsubscribe="remove" in argv,
            may_untag="--remove" in argv,
        )


# -- config values -------------------------------------------------------------------------

NUMBERS = st.one_of(
    st.floats(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([math.inf, -math.inf, math.nan, 1e308, 2**62, 0, 0.0, -0.0, 1e-300]),
)
SCALARS = NUMBERS | st.booleans() | st.text(max_size=10) | st.lists(st.text(max_size=5), max_size=3)
KEYS = {
    "storage": ["db", "data_dir", "busy_timeout"],
    "http": [
        "connect_timeout",
        "read_timeout",
        "total_timeout",
        "max_response_bytes",
        "max_redirects",
    ],
    "refresh": [
        "concurrency",
        "per_host",
        "extract",
        "extract_workers",
        "extract_timeout",
        "backoff_base_minutes",
        "backoff_max_hours",
    ],
    "retention": ["keep_days", "keep_unread"],
    "ui": ["theme", "mark_read_on_open", "refresh_minutes", "starter_feeds"],
    "entities": ["ai_threshold", "ai_tag", "ai_only_feeds"],
}


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)  # strings and lists of strings: valid TOML as JSON writes them


@st.composite
def config_files(draw: st.DrawFn) -> str:
    lines = []
    for section in draw(st.lists(st.sampled_from(sorted(KEYS)), max_size=3, unique=True)):
        lines.append(f"[{section}]")
        for key in draw(st.lists(st.sampled_from(KEYS[section]), max_size=3, unique=True)):
            if key in ("db", "data_dir"):
                continue  # paths are the other tests' business; keep the seeded database
            lines.append(f"{key} = {toml_value(draw(SCALARS))}")
    return "\n".join(lines) + "\n"


@EXAMPLES
@given(config_files())
def test_any_config_is_used_or_refused_in_one_line(seed: Seed, text: str) -> None:
    with workspace(seed) as folder:
        config = folder / "config.toml"
        config.write_text(text, encoding="utf-8")
        before = marks(folder / "reader.db")
        run = run_cli(folder, "--config", str(config), "feeds")
        assert_clean(run)
        assert_kept(before, marks(folder / "reader.db"))
        try:
            loaded = load_settings(config, db=folder / "reader.db")
        except ConfigError:
            assert run.code == 1
            return
        assert run.code == 0, run.err
        # Accepted numbers work where they are used: dates and back-off.
        reader = make_reader(loaded)
        try:
            reader.store.prune(loaded.retention.keep_days, keep_unread=loaded.retention.keep_unread)
            for failures in (1, 30, 5000):
                iso_after(reader._backoff_seconds(failures, None))
        finally:
            reader.close()
        assert_kept(before, marks(folder / "reader.db"))
