"""Bad input on the command line: one clear line and a non-zero exit, never a
traceback, and nothing already stored is lost. Run in-process through
`reader.cli.main` (the console script's entry point) on real SQLite files."""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.config import Settings, StorageSettings, load_settings
from reader.core.models import AddResult
from reader.core.service import Reader, make_reader
from reader.core.store import ArticleQuery

HUGE = "99999999999999999999"
SCRIPT = Path(sys.executable).parent / "reader"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("READER_DB", str(path))
    return path


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline demo (20 articles) in a closed database, refreshed once."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    reader = make_reader(Settings(storage=StorageSettings(db=str(path))))
    list(reader.refresh(reader.add_demo()))
    reader.close()
    return path


@pytest.fixture
def seeded(db: Path, demo_db: Path) -> Iterator[Reader]:
    """This test's own copy of the demo database, as READER_DB."""
    shutil.copyfile(demo_db, db)
    reader = make_reader(load_settings())
    yield reader
    reader.close()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("reader: "), err
    assert "Traceback" not in err and "unexpected error" not in err, err
    return lines[0]


def first_article(reader: Reader) -> int:
    return reader.articles(ArticleQuery(limit=1))[0].id


# -- item 4: one URL check -------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://[::1", "invalid URL: Invalid IPv6 URL"),
        ("https://[foo]/feed", "invalid URL: 'foo' does not appear to be an IPv4 or IPv6"),
        ("ftp://example.org/feed", "unsupported URL scheme (ftp): only http and https"),
        ("file:///etc/passwd", "unsupported URL scheme (file)"),
        ("javascript:alert(1)", "unsupported URL scheme (javascript)"),
        ("http://127.0.0.1:99999/", "invalid URL: Port out of range 0-65535"),
        ("https://", "URL has no host"),
    ],
)
def test_add_refuses_a_bad_url_in_one_line(
    capsys: pytest.CaptureFixture[str], db: Path, url: str, reason: str
) -> None:
    code, _, err = run(capsys, "add", url)
    assert code == 1
    line = one_error_line(err)
    assert line.startswith(f"reader: cannot add {url}: ") and reason in line, line


def test_add_takes_an_address_without_scheme_as_the_app_does(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    code, out, _ = run(capsys, "add", "--no-fetch", "example.org", "localhost:8080/feed.xml")
    assert code == 0
    assert "subscribed to https://example.org" in out
    code, out, _ = run(capsys, "feeds", "--json")
    urls = [f["url"] for f in json.loads(out)]
    assert urls == ["https://example.org", "https://localhost:8080/feed.xml"]


def test_one_bad_url_fails_alone(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code, out, err = run(capsys, "add", "--no-fetch", "http://[::1", "https://good.example/feed")
    assert code == 1
    assert "subscribed to https://good.example/feed" in out
    assert one_error_line(err).startswith("reader: cannot add http://[::1")


OPML_WITH_BAD_URLS = """<opml version="2.0"><body>
  <outline text="Good" xmlUrl="https://good.example/feed"/>
  <outline text="Broken" xmlUrl="http://[::1"/>
  <outline text="Hostile" xmlUrl="https://[@click=app.quit]x[/]"/>
  <outline text="Mail" xmlUrl="mailto:a@b.example"/>
  <outline text="Also good" xmlUrl="http://other.example/rss"/>
</body></opml>"""


def test_opml_import_keeps_the_good_feeds_and_lists_the_bad(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(OPML_WITH_BAD_URLS, encoding="utf-8")
    code, out, err = run(capsys, "import", str(opml))
    assert code == 0
    assert "2 new feeds" in out and "3 skipped" in out
    skipped = err.splitlines()
    assert len(skipped) == 3 and all(line.startswith("  skipped ") for line in skipped)
    assert "http://[::1: invalid URL" in skipped[0]
    assert "[@click=app.quit]x[/]" in skipped[1]
    assert "unsupported URL scheme (mailto)" in skipped[2]
    _, out, _ = run(capsys, "feeds", "--json")
    assert {f["url"] for f in json.loads(out)} == {
        "https://good.example/feed",
        "http://other.example/rss",
    }


# -- item 5: numbers, deep files, paths, databases, config ---------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("show", HUGE),
        ("tag", HUGE, "x"),
        ("note", HUGE, "text"),
        ("annotate", HUGE, "--quote", "x"),
        ("articles", "--limit", HUGE),
        ("annotations", "--article", HUGE),
    ],
)
def test_huge_numbers_are_usage_errors(
    capsys: pytest.CaptureFixture[str], db: Path, args: tuple[str, ...]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"must be at most {2**63 - 1}: {HUGE}" in err.splitlines()[-1]
    assert "Traceback" not in err


@pytest.mark.parametrize("args", [("remove", HUGE), ("refresh", "--feed", HUGE)])
def test_huge_feed_ids_name_no_feed(
    capsys: pytest.CaptureFixture[str], db: Path, args: tuple[str, ...]
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 1
    assert one_error_line(err) == f"reader: no feed with id {HUGE}"


def test_opml_nested_5000_deep_is_read(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    depth = 5000
    opml = tmp_path / "deep.opml"
    opml.write_text(
        "<opml><body>"
        + '<outline text="f">' * depth
        + '<outline xmlUrl="https://deep.example/feed"/>'
        + "</outline>" * depth
        + "</body></opml>",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "import", str(opml))
    assert (code, "1 new feed," in out) == (0, True)


def test_json_nested_5000_deep_is_one_line(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    code, _, err = run(capsys, "import", str(deep))
    assert code == 1
    assert "nested too deeply" in one_error_line(err)


def test_export_to_a_missing_folder(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code, _, err = run(capsys, "export", "opml", "/missing/dir/x.opml")
    assert code == 1
    assert one_error_line(err) == (
        "reader: cannot write /missing/dir/x.opml: No such file or directory"
    )


def test_db_that_is_a_png_or_a_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    png = tmp_path / "picture.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    code, _, err = run(capsys, "--db", str(png), "feeds")
    assert code == 1
    assert one_error_line(err).startswith(f"reader: {png} is not a reader database")
    assert png.read_bytes().startswith(b"\x89PNG")  # left as it was

    code, _, err = run(capsys, "--db", str(tmp_path), "feeds")
    assert code == 1
    assert one_error_line(err) == f"reader: cannot open the database {tmp_path}: it is a folder"


def test_read_only_database(tmp_path: Path) -> None:
    """Run as an unprivileged user: root writes to any file whatever its mode."""
    folder = Path(tempfile.mkdtemp(prefix="reader-ro-"))
    try:
        folder.chmod(0o755)
        path = folder / "ro.db"
        make_reader(load_settings(db=path)).close()
        path.chmod(0o444)
        env = {**os.environ, "HOME": str(folder), "XDG_CONFIG_HOME": str(folder)}
        env["READER_DB"] = str(path)
        env.pop("READER_CONFIG", None)
        command = [str(SCRIPT), "tag", "1", "x"]
        if os.geteuid() == 0:
            drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            probe = subprocess.run([*drop, str(SCRIPT), "--help"], capture_output=True, timeout=60)
            if probe.returncode != 0:
                # A checkout in a private folder (mktemp -d is 0700): the
                # unprivileged user cannot reach its interpreter, and root
                # ignores file modes, so read-only cannot be shown here.
                pytest.skip("the unprivileged user cannot run this checkout's reader")
            command = [*drop, *command]
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 1
        assert one_error_line(done.stderr) == (
            f"reader: cannot write to the database {path}: it is read-only"
        )
    finally:
        shutil.rmtree(folder)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("[http]\ntotal_timeout = inf", "must be a finite number, not inf"),
        ("[http]\nread_timeout = nan", "must be a finite number, not nan"),
        ("[refresh]\nconcurrency = 1e308", "must be at most 1e+09"),
        ("[retention]\nkeep_days = 1e308", "must be at most 36500"),
        ("[refresh]\nper_host = 2.5", "must be a whole number, not 2.5"),
        ("[entities]\nai_threshold = 7", "must be at most 1"),
        ("[storage]\nbusy_timeout = -inf", "must be a finite number, not -inf"),
        ('[storage]\ndb = "a\\u0000b"', "[storage] db must not contain a NUL character"),
        ('[http]\nuser_agent = "l\u00e9ctor/1"', "[http] user_agent is sent as an HTTP header"),
        ('[http]\nuser_agent = "a\\r\\nX-Evil: 1"', "[http] user_agent is sent as an HTTP header"),
    ],
)
def test_config_values_that_cannot_work(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path, setting: str, message: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(setting + "\n", encoding="utf-8")
    code, _, err = run(capsys, "--config", str(config), "feeds")
    assert code == 1
    assert message in one_error_line(err)


# -- item 6: empty tags ----------------------------------------------------------------


@pytest.mark.parametrize("tag", ["", "#", ",", " # ", "#,"])
def test_an_empty_tag_is_refused(
    capsys: pytest.CaptureFixture[str], seeded: Reader, tag: str
) -> None:
    article_id = first_article(seeded)
    seeded.tag(article_id, ["mine"])
    before = seeded.article(article_id).summary.tags
    assert "mine" in before
    for args in (("tag", str(article_id), "ok", tag), ("tag", str(article_id), tag, "--remove")):
        code, out, err = run(capsys, *args)
        assert (code, out) == (1, "")
        assert "is empty once '#' and commas are removed" in one_error_line(err)
    assert seeded.article(article_id).summary.tags == before  # nothing added or removed
    code, _, err = run(capsys, "note", str(article_id), "text", "--tag", tag)
    assert code == 1 and "not a tag" in one_error_line(err)


# -- item 11: annotate's errors --------------------------------------------------------


def test_annotate_says_what_is_missing(capsys: pytest.CaptureFixture[str], seeded: Reader) -> None:
    article_id = first_article(seeded)
    code, _, err = run(capsys, "annotate", str(article_id), "--quote", "nope")
    assert code == 1
    assert one_error_line(err) == (
        f"reader: the text of article {article_id} does not contain 'nope'"
    )
    word = seeded.article(article_id).text.split()[0]
    count = seeded.article(article_id).text.count(word)
    code, _, err = run(capsys, "annotate", str(article_id), "--quote", word, "--occurrence", "99")
    assert code == 1
    times = "1 time" if count == 1 else f"{count} times"
    assert one_error_line(err) == (
        f"reader: {word!r} occurs only {times} in article {article_id}, not 99"
    )
    assert seeded.annotations() == []


# -- item 7: a busy database -----------------------------------------------------------


def test_a_write_during_another_write_waits_then_says_busy(
    capsys: pytest.CaptureFixture[str], seeded: Reader, tmp_path: Path
) -> None:
    article_id = first_article(seeded)
    config = tmp_path / "busy.toml"
    config.write_text("[storage]\nbusy_timeout = 0.3\n", encoding="utf-8")
    other = sqlite3.connect(seeded.store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process in the middle of a long write
    try:
        code, _, err = run(capsys, "--config", str(config), "tag", str(article_id), "later")
        assert code == 1
        line = one_error_line(err)
        assert line.startswith(f"reader: the database {seeded.store.path} is busy"), line
    finally:
        other.execute("ROLLBACK")
        other.close()
    code, _, _ = run(capsys, "--config", str(config), "tag", str(article_id), "later")
    assert code == 0 and "later" in seeded.article(article_id).summary.tags


def test_a_big_annotation_import_commits_in_batches(
    seeded: Reader, demo_db: Path, tmp_path: Path
) -> None:
    from reader.core.store.annotations import RESTORE_BATCH

    article_id = first_article(seeded)
    word = seeded.article(article_id).text.split()[0]
    count = 2 * RESTORE_BATCH + 10
    for _ in range(count):
        seeded.annotate(article_id, word)
    export = tmp_path / "notes.json"
    export.write_text(seeded.export_notes("json"), encoding="utf-8")

    shutil.copyfile(demo_db, tmp_path / "fresh.db")
    fresh = make_reader(load_settings(db=tmp_path / "fresh.db"))
    try:
        statements: list[str] = []
        fresh.store.conn.set_trace_callback(statements.append)
        result = fresh.import_notes(export)
        fresh.store.conn.set_trace_callback(None)
        assert result.annotations_added == count
        # Each transaction is short: other writers get their turn in between.
        assert statements.count("BEGIN IMMEDIATE") == 3
        assert statements.count("COMMIT") == 3
        assert len(fresh.annotations()) == count
    finally:
        fresh.close()


# -- item 13: private files ------------------------------------------------------------


def test_a_new_database_is_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "new" / "deeper" / "reader.db"
        reader = make_reader(load_settings(db=path))
        try:
            reader.store.add_feed("https://example.org/feed")  # the -wal file exists now
            modes = {
                p.name: stat.S_IMODE(p.stat().st_mode)
                for p in (path, path.with_name("reader.db-wal"), path.with_name("reader.db-shm"))
            }
            assert modes == {"reader.db": 0o600, "reader.db-wal": 0o600, "reader.db-shm": 0o600}
            assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
            assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700
        finally:
            reader.close()
    finally:
        os.umask(old)


def test_a_new_database_made_through_a_link_is_private(tmp_path: Path) -> None:
    """A link to where the database should be (a dotfiles setup): the file
    created at its end is private too."""
    target = tmp_path / "real.db"
    link = tmp_path / "reader.db"
    link.symlink_to(target)
    old = os.umask(0o022)
    try:
        reader = make_reader(load_settings(db=link))
        try:
            reader.store.add_feed("https://example.org/feed")
        finally:
            reader.close()
    finally:
        os.umask(old)
    assert link.is_symlink()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


# -- the guard -------------------------------------------------------------------------


def test_an_unexpected_error_is_one_line_and_debug_shows_the_traceback(
    tmp_path: Path, db: Path
) -> None:
    """A terminal that cannot encode a title: nothing anticipated it, so the
    top level reports it in one line, and --debug gives the traceback."""
    reader = make_reader(load_settings())
    reader.store.add_feed("https://example.org/feed", title="Café")
    reader.close()
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [str(SCRIPT), "feeds"], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith("reader: unexpected error (UnicodeEncodeError: ")
    assert line.endswith("; rerun with --debug to see the traceback")
    debug = subprocess.run(
        [str(SCRIPT), "--debug", "feeds"], capture_output=True, text=True, env=env, timeout=60
    )
    assert debug.returncode == 1
    assert "Traceback (most recent call last)" in debug.stderr
    assert debug.stderr.splitlines()[-1].startswith("reader: unexpected error")


def test_an_app_crash_is_one_line_and_a_non_zero_exit_code(seeded: Reader) -> None:
    """The whole app in a terminal: its database loses a table under it (another
    program, a damaged disk). The crash is one line and exit code 1, not 0."""
    path = seeded.store.path
    main_fd, child = pty.openpty()
    env = {**os.environ, "READER_DB": str(path), "TERM": "xterm-256color"}
    app = subprocess.Popen(
        [str(SCRIPT)], stdin=child, stdout=child, stderr=child, env=env, start_new_session=True
    )
    os.close(child)
    screen = b""

    def read_for(seconds: float, until: bytes = b"") -> None:
        nonlocal screen
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (until and until in screen):
            if select.select([main_fd], [], [], 0.1)[0]:
                try:
                    screen += os.read(main_fd, 65536)
                except OSError:  # the app exited and closed the terminal
                    return

    try:
        read_for(30, until=b"palette")  # the footer is drawn: the app is up
        with sqlite3.connect(path) as conn:
            conn.execute("ALTER TABLE articles RENAME TO gone")
        for key in (b"2", b"j", b"j"):
            os.write(main_fd, key)
            read_for(0.5)
        app.wait(timeout=30)
        read_for(1)
    finally:
        if app.poll() is None:
            app.kill()
        os.close(main_fd)
    assert app.returncode == 1
    shown = screen.decode(errors="replace")
    assert (
        "reader: unexpected error (OperationalError: no such table: articles);"
        " rerun with --debug to see the traceback\r\n"
    ) in shown
    assert "Traceback" not in shown


# -- review13: searches and arguments -----------------------------------------------


@pytest.mark.parametrize("command", [("articles",), ("annotations",)])
def test_a_long_search_says_what_was_left_out(
    capsys: pytest.CaptureFixture[str], seeded: Reader, command: tuple[str, ...]
) -> None:
    search = " ".join(f"w{i}" for i in range(70)) + " w1 w2"
    code, _, err = run(capsys, *command, "--search", search)
    assert code == 0
    assert one_error_line(err) == (
        "reader: the search is long: only its first 64 search terms are used (6 words left out)"
    )
    code, _, err = run(capsys, *command, "--search", "w1 " * 100)
    assert (code, err) == (0, "")


def test_one_feed_whatever_the_case_of_its_scheme_and_host_or_its_fragment(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    forms = ["HTTP://EXAMPLE.ORG/f", "http://example.org/f", "http://Example.org/f#frag"]
    opml = tmp_path / "subs.opml"
    outlines = "".join(f'<outline text="f" xmlUrl="{url}"/>' for url in forms)
    opml.write_text(f"<opml><body>{outlines}</body></opml>", encoding="utf-8")
    code, out, _ = run(capsys, "import", str(opml))
    assert code == 0 and "1 new feed, 2 already subscribed" in out
    code, out, _ = run(capsys, "add", "--no-fetch", "--", *forms)
    assert code == 0
    _, out, _ = run(capsys, "feeds", "--json")
    # The path keeps its case: it may be a different resource.
    assert [f["url"] for f in json.loads(out)] == ["http://example.org/f"]
    code, out, err = run(capsys, "articles", "--feed", "HTTP://Example.ORG/f#top")
    assert (code, out, err) == (0, "", "")  # found (no articles yet), not "not subscribed"
    code, _, _ = run(capsys, "add", "--no-fetch", "http://example.org/F")
    _, out, _ = run(capsys, "feeds", "--json")
    assert len(json.loads(out)) == 2


def test_a_subscription_stored_in_another_form_by_an_older_version_is_still_found(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    """Rows written before URLs had one form are found by any form, and never
    rewritten or merged (two of them, once two subscriptions, stay two)."""
    reader = make_reader(load_settings())
    old = reader.add_feed("https://placeholder.example/a", discover=False).feed_id
    twin = reader.add_feed("https://placeholder.example/b", discover=False).feed_id
    reader.close()
    conn = sqlite3.connect(db)
    with conn:  # as an older version stored them: as typed
        conn.execute("UPDATE feeds SET url = 'HTTP://OLD.EXAMPLE/f' WHERE id = ?", (old,))
        conn.execute("UPDATE feeds SET url = 'http://old.example/f#x' WHERE id = ?", (twin,))
    conn.close()
    reader = make_reader(load_settings())
    assert reader.feed_id("HTTP://OLD.EXAMPLE/f") == old  # itself, as stored
    assert reader.feed_id("http://old.example/f#x") == twin
    assert reader.feed_id("http://old.example/f") == old  # the first of its forms
    for form in ("http://Old.Example/f", "http://old.example/f#x"):
        assert reader.add_feed(form, discover=False) == AddResult(
            old, "http://old.example/f", False
        )
    reader.close()
    code, _, err = run(capsys, "remove", "HTTP://OLD.EXAMPLE/f")
    assert code == 0, err
    _, out, _ = run(capsys, "feeds", "--json")
    assert [f["url"] for f in json.loads(out)] == ["http://old.example/f#x"]


NOT_UTF8 = b"\xff".decode("utf-8", "surrogateescape")  # as Python hands such an argument over


@pytest.mark.parametrize(
    "args",
    [
        ("articles", "--search", NOT_UTF8),
        ("articles", "--tag", NOT_UTF8),
        ("articles", "--entity", NOT_UTF8),
        ("articles", "--feed", NOT_UTF8),
        ("annotations", "--search", NOT_UTF8),
        ("annotations", "--tag", NOT_UTF8),
        ("remove", NOT_UTF8),
        ("add", "--no-fetch", "https://example.org/" + NOT_UTF8),
        ("tag", "1", NOT_UTF8),
        ("follow", NOT_UTF8),
    ],
)
def test_an_argument_that_is_not_utf8_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], seeded: Reader, args: tuple[str, ...]
) -> None:
    """Such an argument reached SQLite and ended in "unexpected error
    (UnicodeEncodeError ...)"; it is now refused by the parser, by name."""
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "not valid UTF-8" in err.splitlines()[-1] and "unexpected error" not in err


def test_a_path_that_is_not_utf8_is_still_a_path(seeded: Reader, db: Path, tmp_path: Path) -> None:
    """File names are bytes: a path argument keeps taking any (a real process:
    the arguments are the bytes a shell passes)."""
    out = bytes(tmp_path) + b"/notes-\xff.json"
    env = {**os.environ, "READER_DB": str(db), "PYTHONIOENCODING": "utf-8:surrogateescape"}
    for args in (
        [b"export", b"notes", b"--format", b"json", b"--out", out],
        [b"import", out],
    ):
        done = subprocess.run([bytes(SCRIPT), *args], capture_output=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
    assert os.path.exists(out)


# -- writing files and standard output ---------------------------------------------------


def _reader_with_file_size_limit(limit: int, *args: str) -> subprocess.CompletedProcess[str]:
    """The command in a process whose files cannot grow past `limit` bytes
    (RLIMIT_FSIZE; the write then fails with EFBIG, as on a full disk)."""
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "from reader.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("what", ["notes", "opml"])
def test_an_export_that_fails_halfway_leaves_the_previous_one_whole(
    seeded: Reader, tmp_path: Path, what: str
) -> None:
    """The file is the user's backup: a full disk (here a file size limit)
    during the next export must not leave it truncated."""
    out = tmp_path / "backups" / f"backup.{what}"
    out.parent.mkdir()
    command = (
        ["export", "notes", "--format", "json", "--out", str(out)]
        if what == "notes"
        else ["export", "opml", str(out)]
    )
    seeded.note(first_article(seeded), "an early note")
    first = subprocess.run([str(SCRIPT), *command], capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    out.chmod(0o640)
    backup = out.read_bytes()
    assert len(backup) < 100_000
    if what == "notes":
        seeded.note(first_article(seeded), "n" * 300_000)
    else:
        seeded.store.add_feed("https://big.example/feed", title="t" * 300_000)
    failed = _reader_with_file_size_limit(100_000, *command)
    assert failed.returncode == 1
    assert one_error_line(failed.stderr).startswith(f"reader: cannot write {out}: File too large")
    assert out.read_bytes() == backup
    assert os.listdir(out.parent) == [out.name]  # no temporary file left behind
    # Without the limit the new export replaces it, with the file's permissions.
    done = subprocess.run([str(SCRIPT), *command], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert len(out.read_bytes()) > 300_000
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert os.listdir(out.parent) == [out.name]


def test_an_export_through_a_link_replaces_its_target_and_a_new_file_follows_the_umask(
    tmp_path: Path,
) -> None:
    from reader.cli.common import write_file

    target = tmp_path / "real.md"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    write_file(link, "new")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"
    old = os.umask(0o027)
    try:
        write_file(tmp_path / "fresh.md", "text")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "fresh.md").stat().st_mode) == 0o640


@pytest.mark.parametrize(
    "command",
    [["export", "opml"], ["export", "notes", "--format", "json"], ["articles", "--json"]],
)
def test_a_full_standard_output_is_named_and_a_closed_pipe_stays_silent(
    seeded: Reader, command: list[str]
) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [str(SCRIPT), *command], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60
        )
    assert done.returncode == 1
    assert done.stderr == "reader: cannot write to standard output: No space left on device\n"
    # `| head`: the reader of the output has gone before it is written.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [str(SCRIPT), *command], stdout=write_end, stderr=subprocess.PIPE, timeout=60
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, b"")


@pytest.mark.parametrize(
    ("command", "start"),
    [
        (["export", "opml", "/dev/stdout"], b"<?xml"),
        (["export", "notes", "--format", "json", "--out", "/dev/stdout"], b"{"),
    ],
)
def test_an_export_to_dev_stdout_on_a_pipe_is_written(
    seeded: Reader, command: list[str], start: bytes
) -> None:
    """/dev/stdout on a pipe resolves to a /proc name that cannot be opened: the
    atomic write must not resolve a target that is not a regular file."""
    done = subprocess.run([str(SCRIPT), *command], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.lstrip().startswith(start)


def test_a_database_a_newer_version_migrated_is_not_opened(
    capsys: pytest.CaptureFixture[str], seeded: Reader, db: Path
) -> None:
    """Its schema may carry rules (columns, constraints, triggers) this version
    would write around: refused, with what to do, and nothing written."""
    seeded.close()
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('reader', '0099_future', '2027-01-01')"
        )
    before = db.read_bytes()
    for command in (["feeds"], ["note", "1", "a note"]):
        code, out, err = run(capsys, *command)
        assert (code, out) == (1, "")
        assert one_error_line(err).startswith(
            f"reader: cannot open the database {db}: it was made by a newer version of reader"
            " (schema 0099_future, this version knows up to "
        )
        assert err.rstrip().endswith("upgrade reader to open it")
    assert db.read_bytes() == before


def test_a_database_with_a_retired_migration_of_an_earlier_version_opens(db: Path) -> None:
    """4fb22f2 applied "0006_stories", which 0007 replaced: not a newer version."""
    from reader.core.store.schema import apply_migrations

    conn = sqlite3.connect(db, isolation_level=None)
    apply_migrations(conn, stop_before="0006_extraction_status")
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('reader', '0006_stories', '2026-12-01 10:00:00+00:00')"
    )
    conn.close()
    reader = make_reader(load_settings())
    try:
        assert reader.feeds() == []
    finally:
        reader.close()
