"""The refresh pipeline: fetch → parse → fetch pages → extract, concurrently.

Network work runs on one asyncio event loop with one shared HTTP client
(connection reuse, global and per-host limits). CPU work (feedparser,
trafilatura, entity analysis) runs in worker processes (workers.WorkerPool) so
both cores parse, each job under a time limit that ends its worker. The pipeline never
writes: each finished feed becomes an outcome that the caller's thread stores
in one short transaction (see service.Reader.refresh), so writes come from a
single place and a crash leaves every feed either stored or untouched.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.core.config import EntitySettings, Settings
from reader.core.entities import Rule
from reader.core.fetch import PAGE_ACCEPT, Fetcher, FetchError, FetchResult
from reader.core.models import PAGE_TIMED_OUT, ArticleRecord, ExtractionStatus, FeedState
from reader.core.site_boilerplate import paragraph_keys, remove_boilerplate, site_of
from reader.core.textnorm import strip_controls
from reader.core.workers import JobTimeoutError, WorkerLostError, WorkerPool
from reader.wording import plural

if TYPE_CHECKING:
    # Imported where first needed instead: the parent of an unchanged refresh
    # (all 304) parses nothing, and the feed parser and the extractor compile
    # regexes and build dataclasses at import (~15 ms of its start-up).
    from reader.core.extract import PageExtract
    from reader.core.feeds import ParsedEntry, ParsedFeed

# How many feeds may be in the page-extraction phase at once. Without a bound,
# pages of every feed interleave in the CPU queue and all feeds finish at the
# very end; bounded, feeds complete (and are stored) steadily, so progress is
# real and an interrupted refresh keeps what it finished.
FEEDS_EXTRACTING_AT_ONCE = 16

HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")


class _SitePages:
    """How one site's article pages go in this refresh, over all its feeds."""

    __slots__ = ("answered", "given_up", "probe")

    def __init__(self) -> None:
        # Once one of its pages timed out, no more are asked for in this
        # refresh: each holds its feed total_timeout seconds, and a site
        # dripping bytes held a feed of 24 items 182 s (3 rounds of 8 pages);
        # with a second timeout needed, a page started as the first round
        # ended added a round of its own (124 s).
        self.given_up = False
        self.answered = False  # one of its pages came back (or failed) in time
        # Pages that timed out last time are asked for one at a time until one
        # comes back: a site still dripping costs one page's time a refresh.
        self.probe = asyncio.Lock()


@dataclass(frozen=True, slots=True)
class NotModified:
    state: FeedState


@dataclass(frozen=True, slots=True)
class Failed:
    state: FeedState
    error: str
    retry_after: float | None = None


@dataclass(frozen=True, slots=True, repr=False)
class Fetched:
    state: FeedState
    response: FetchResult
    feed: ParsedFeed
    records: tuple[ArticleRecord, ...]
    extraction_failures: int
    # Keys of articles left out by the AI-only filter (remembered, not refetched).
    skipped_keys: tuple[str, ...] = ()
    # (old key, new key) of articles an older version keyed differently; None
    # when the feed was not looked through for them (reader.core.legacy_keys).
    rekeyed: tuple[tuple[str, str], ...] | None = None

    def __repr__(self) -> str:
        # Short on purpose: the command line's refresh takes each feed's outcome
        # from asyncio.Runner.run, which formats its finished task, result and
        # all, twice when it puts Ctrl-C's handler back (signal's enum lookup of
        # the old handler, a partial holding the task, builds a message with its
        # repr). The dataclass's repr of a feed's records with their page texts
        # was ~4.5 ms of the parent's CPU a feed (~1 ms with feed texts only).
        return f"Fetched({self.state.url!r}, {len(self.records)} records)"


Outcome = NotModified | Failed | Fetched


@dataclass(slots=True)
class Counters:
    feeds_total: int = 0
    feeds_done: int = 0
    pages_total: int = 0
    pages_done: int = 0


# The cyclic collector's thresholds while a refresh runs in this process (the
# workers set the same in _init_worker). A first refresh keeps a growing heap
# of records, mentions and story keys, and the default thresholds ran ~560
# collections over it, 5 of them full (0.4 s of the parent's CPU on the bench's
# 300 feeds with story grouping); these ran 18 and none full. Only reference
# cycles wait longer to be freed.
REFRESH_GC_THRESHOLDS = (20_000, 20, 20)
_gc_lock = threading.Lock()
_gc_relaxed = 0  # refreshes running now (the app may run two in threads)
_gc_saved: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the collector's thresholds for the block; the earlier ones are
    back when the last of the overlapping blocks ends."""
    global _gc_relaxed, _gc_saved
    with _gc_lock:
        if _gc_relaxed == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(*REFRESH_GC_THRESHOLDS)
        _gc_relaxed += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_relaxed -= 1
            if _gc_relaxed == 0:
                gc.set_threshold(*_gc_saved)


def _die_with_parent() -> None:
    """Ask Linux to end this worker when the process that started it dies.

    A refresh killed with SIGKILL cannot shut its pool down, and its workers
    would wait forever on a queue whose other end their siblings still hold.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(0)


def _init_worker(import_trafilatura: bool) -> None:
    _die_with_parent()
    # feedparser allocates many small objects and the default collector ran
    # often enough to cost ~15% of parse time; jobs make few cycles.
    gc.set_threshold(*REFRESH_GC_THRESHOLDS)
    # Load in each worker up front, while the parent is still waiting on
    # the network, rather than inside the first job. (A worker started by the
    # fork server finds all this loaded already: WORKER_PRELOAD.)
    load_for_jobs()
    if import_trafilatura:
        import trafilatura  # noqa: F401


def load_for_jobs() -> None:
    """What every worker's jobs need, but trafilatura: the feed parser, the
    analysis (imports ~0.1 s, mostly compiling the recognisers' patterns) and
    the entity knowledge base (~0.06 s to build); ~0.2 s of CPU in all."""
    import feedparser  # noqa: F401

    # Ours too: the parent of an unchanged refresh no longer imports them.
    import reader.core.feed_lead
    import reader.core.feeds  # noqa: F401  # and the extractor it imports
    from reader.core.analysis import analyse

    # One short text loads all the analysis builds on first use (the knowledge
    # base, the span classifier, the AI vocabulary, the shipped settings' recogniser).
    analyse("Warm-up", "A worker starts.", "", EntitySettings())


# Where workers are started by multiprocessing's fork server (the refreshing
# process runs threads: the app), the server imports these modules once before
# it forks any worker, so every worker of every refresh starts with them loaded
# instead of loading them itself (see reader.core.worker_preload).
WORKER_PRELOAD = ("reader.core.worker_preload",)
WORKER_PRELOAD_PAGES = ("reader.core.worker_preload_pages",)


class Pipeline:
    def __init__(
        self,
        settings: Settings,
        known_entries: Callable[[int], tuple[dict[str, str], set[str], set[str]]],
        rules: tuple[Rule, ...] = (),
        site_boilerplate: Callable[[str], frozenset[int]] | None = None,
        legacy_keyed: frozenset[int] = frozenset(),
    ) -> None:
        self.settings = settings
        self.known_entries = known_entries
        # Feeds an older version may have keyed differently (Store.legacy_keyed_feeds).
        self.legacy_keyed = legacy_keyed
        self.rules = rules  # the user's entity rules, for the analysis step
        # Per-site boilerplate learned from the archive, read once per host and
        # refresh (pages stored during this refresh teach the next one).
        self._site_boilerplate = site_boilerplate
        self._boilerplate_by_host: dict[str, frozenset[int]] = {}
        self._sites: dict[str, _SitePages] = {}
        refresh = settings.refresh
        self.fetcher = Fetcher(
            settings.http, concurrency=refresh.concurrency, per_host=refresh.per_host
        )
        self.pool = WorkerPool(
            refresh.extract_workers or os.cpu_count() or 2,
            _init_worker,
            (refresh.extract,),
            preload=WORKER_PRELOAD + (WORKER_PRELOAD_PAGES if refresh.extract else ()),
        )
        self.counters = Counters()
        self._extracting = asyncio.Semaphore(FEEDS_EXTRACTING_AT_ONCE)
        self._results: asyncio.Queue[Outcome] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self, states: Sequence[FeedState]) -> None:
        # A feed without a validator (ETag, Last-Modified) is sent in full, so
        # it will be parsed: its worker starts now, while the feed is fetched.
        # An unchanged refresh (all 304) starts none. With no process to spare
        # now, workers start on demand as before, a failure each feed's own.
        wanted = sum(1 for s in states if not (s.etag or s.last_modified))
        if wanted:
            # Before the fork, so that the workers start with our parser
            # loaded, as the first job in this process needs it too.
            import reader.core.feeds  # noqa: F401
        with contextlib.suppress(OSError):
            self.pool.prestart(wanted)
        await self.fetcher.__aenter__()
        self.counters.feeds_total = len(states)
        for state in states:
            self._tasks.append(asyncio.create_task(self._run_one(state)))

    async def next_outcome(self) -> Outcome:
        outcome = await self._results.get()
        self.counters.feeds_done += 1
        return outcome

    def ready_outcome(self) -> Outcome | None:
        """A finished feed already waiting, taken without running the loop; None if none is."""
        try:
            outcome = self._results.get_nowait()
        except asyncio.QueueEmpty:
            return None
        self.counters.feeds_done += 1
        return outcome

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.fetcher.__aexit__()
        self.pool.close()

    async def _run_one(self, state: FeedState) -> None:
        try:
            outcome = await self._refresh_feed(state)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # one feed's surprise must not stop the others
            outcome = Failed(state, f"internal error: {type(exc).__name__}: {exc}")
        await self._results.put(outcome)

    async def _refresh_feed(self, state: FeedState) -> Outcome:
        try:
            response = await self.fetcher.get(
                state.url, etag=state.etag, last_modified=state.last_modified
            )
        except FetchError as exc:
            return Failed(state, exc.reason, exc.retry_after)
        if response.not_modified:
            return NotModified(state)
        # Before the job: a worker forked for it starts with the parser loaded,
        # as when the parent imported it at start-up.
        from reader.core.feeds import NotAFeedError, cannot_parse

        limit = self.settings.refresh.parse_timeout
        hashes, pruned, slow = self.known_entries(state.id)
        extract = self.settings.refresh.extract
        entities = self.settings.entities
        stories = self.settings.stories.group_on_refresh
        # One job parses the feed, keeps the new and changed entries and, when
        # the feed's own text is what gets stored, analyses them too: the
        # articles cross between the processes once.
        legacy = state.id in self.legacy_keyed
        job = (response.content, dict(response.headers), response.url, hashes, pruned, state.title)
        try:
            try:
                feed, analysed, rekeyed = await self.pool.run(
                    _read_feed, *job, None if extract else (entities, self.rules, stories),
                    legacy, limit=limit, urgent=True,
                )  # fmt: skip
            except (JobTimeoutError, WorkerLostError):
                if extract:
                    raise
                # Parsing alone may fit: the articles are then stored unanalysed
                # rather than lost (`reader reanalyse` finds them).
                feed, analysed, rekeyed = await self.pool.run(
                    _read_feed, *job, None, legacy, limit=limit, urgent=True
                )
        except NotAFeedError as exc:
            return Failed(state, str(exc))
        except JobTimeoutError:
            return Failed(state, f"parsing the feed took longer than {limit:g} s; stopped")
        except Exception as exc:
            return Failed(state, cannot_parse(exc))
        changed = feed.entries
        feed_title = feed.title or state.title
        if extract and changed:
            self.counters.pages_total += len(changed)
            # A feed's pages being fetched or waiting for a worker, per host: as many
            # as the fetcher asks one host for at once. Unbounded, every page of the
            # feeds above was fetched at once and each body waited here for a worker
            # (16 feeds x 20 real news pages of ~180 KB: ~58 MB of the bench's peak).
            # Per feed and host, not overall: an overall bound goes to the first
            # feeds' pages, often all on one host, which then fetches 8 at a time;
            # and a feed linking to many sites still fetches from all at once.
            pages_ahead: dict[str, asyncio.Semaphore] = {}
            async with self._extracting:
                # One budget for all the feed's page requests, so that no site
                # holds the feed (and its slot here) longer, however it answers.
                deadline = asyncio.get_running_loop().time() + self.settings.refresh.pages_timeout
                read = await asyncio.gather(
                    *(
                        self._from_page(
                            e, feed_title, response, pages_ahead, deadline, e.key in slow
                        )
                        for e in changed
                    )
                )
            # None: a page that timed out before, not asked again; stored as it was.
            records = [r for r in read if r is not None]
            feed = _with_pages_note(feed, len(read) - len(records), records)
        else:
            records = list(analysed) or [_record(entry, None, None) for entry in changed]
        failures = sum(1 for r in records if r.extraction_error)
        # Pages were analysed with their extraction; articles whose page could
        # not be read keep the feed's text, analysed here in one batch.
        waiting = [r for r in records if r.analysed_with is None] if extract else []
        if waiting:
            try:
                done = await self.pool.run(
                    _analyse, waiting, feed_title, entities, self.rules, stories,
                    limit=limit, urgent=True,
                )  # fmt: skip
            except (JobTimeoutError, WorkerLostError):
                done = []  # stored unanalysed rather than lost: `reader reanalyse` finds them
            by_key = {r.key: r for r in done}
            records = [by_key.get(r.key, r) for r in records]
        skipped: tuple[str, ...] = ()
        if records and state.url in entities.ai_only_feeds:
            # Only new articles are left out: one already stored (kept from
            # before the filter) keeps getting its updates.
            renamed = {new for _, new in rekeyed or ()}
            skipped = tuple(
                r.key
                for r in records
                if (r.ai_score or 0.0) < entities.ai_threshold
                and r.key not in hashes
                and r.key not in renamed
            )
            records = [r for r in records if r.key not in skipped]
        return Fetched(state, response, feed, tuple(records), failures, skipped, rekeyed)

    async def _from_page(
        self,
        entry: ParsedEntry,
        feed_title: str,
        feed_response: FetchResult,
        pages_ahead: dict[str, asyncio.Semaphore],
        deadline: float,
        slow: bool,
    ) -> ArticleRecord | None:
        host = site_of(entry.url)
        if host not in pages_ahead:
            pages_ahead[host] = asyncio.Semaphore(max(1, self.settings.refresh.per_host))
        site = self._sites.get(host)
        if site is None:
            site = self._sites[host] = _SitePages()
        try:
            async with pages_ahead[host]:
                if not entry.url:
                    return _record(entry, None, "the entry has no link to an article page")
                page = await self._fetch_page(entry.url, feed_response, site, deadline, slow)
                if page is None:
                    return None
                if isinstance(page, str):
                    return _record(entry, None, page, page_unreachable=True)
                return await self._extract(entry, page, feed_title)
        except Exception as exc:  # never leave sibling pages running: keep the feed's text
            return _record(entry, None, f"internal error: {type(exc).__name__}: {exc}")
        finally:
            self.counters.pages_done += 1

    async def _fetch_page(
        self, url: str, feed_response: FetchResult, site: _SitePages, deadline: float, slow: bool
    ) -> FetchResult | str | None:
        """The page, or why it was not read (its article is tried again at a
        later refresh), or None for a page that timed out before and is not
        asked for now (`slow`: its article stays as stored)."""
        probe = site.probe if slow and not site.answered else contextlib.nullcontext()
        async with probe:
            if site.given_up:
                return (
                    None
                    if slow
                    else f"{PAGE_TIMED_OUT} on this site earlier in this refresh; not asked for"
                )
            try:
                async with asyncio.timeout_at(deadline):
                    page = await self.fetcher.get(
                        url, accept=PAGE_ACCEPT, linked_from=feed_response
                    )
            except TimeoutError:
                budget = self.settings.refresh.pages_timeout
                return f"{PAGE_TIMED_OUT}: the feed's pages took over {budget:g} s"
            except FetchError as exc:
                if exc.kind == "timeout":
                    site.given_up = True
                else:  # it failed fast: the site is not the slow one it was
                    site.answered = True
                return f"article page: {exc.reason}"
        site.answered = True
        return page

    async def _extract(
        self, entry: ParsedEntry, page: FetchResult, feed_title: str
    ) -> ArticleRecord:
        content_type = page.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in HTML_TYPES:
            return _record(entry, None, f"article page is {content_type}, not HTML")
        timeout = self.settings.refresh.extract_timeout
        from reader.core.extract import PageTooComplexError  # loaded with the parser

        try:
            return await self.pool.run(
                _page_record,
                entry,
                page.content,
                page.url,
                feed_title,
                self.settings.entities,
                self.rules,
                self.settings.stories.group_on_refresh,
                self._boilerplate_for(entry.url),
                limit=timeout,
            )
        except JobTimeoutError:
            return _record(entry, None, f"extraction stopped after {timeout:g} s")
        except PageTooComplexError as exc:
            return _record(entry, None, str(exc))
        except Exception as exc:
            return _record(entry, None, f"extraction failed: {type(exc).__name__}: {exc}")

    def _boilerplate_for(self, url: str) -> frozenset[int]:
        if self._site_boilerplate is None:
            return frozenset()
        host = site_of(url)
        if host not in self._boilerplate_by_host:
            self._boilerplate_by_host[host] = self._site_boilerplate(url)
        return self._boilerplate_by_host[host]


def _with_pages_note(feed: ParsedFeed, not_asked: int, records: list[ArticleRecord]) -> ParsedFeed:
    """The feed with a warning that says how many articles' pages timed out
    (or were not asked for, their site timing out): the user sees why they
    keep the feed's text, and that their pages are tried again later."""
    timed_out = not_asked + sum(
        1 for r in records if (r.extraction_error or "").startswith(PAGE_TIMED_OUT)
    )
    if not timed_out:
        return feed
    note = (
        f"the article pages of {plural(timed_out, 'item')} timed out or were not asked for"
        " (their site's pages timed out); they keep the feed's text and are tried"
        " again at a later refresh"
    )
    return dataclasses.replace(feed, warning="; ".join(w for w in (feed.warning, note) if w))


def _page_record(
    entry: ParsedEntry,
    content: bytes,
    url: str,
    feed_title: str,
    settings: EntitySettings,
    rules: tuple[Rule, ...],
    stories: bool,
    boilerplate: frozenset[int] = frozenset(),
) -> ArticleRecord:
    """In a worker process: extract the page, choose the text, analyse it. One
    task per page, so the article travels between processes once."""
    from reader.core.extract import MIN_ARTICLE_CHARS, extract_page
    from reader.core.feed_lead import trim_to_feed

    # The entry's own author and date win over the page's (_record): not looked for then.
    extracted = extract_page(
        content, url, want_author=not entry.author, want_date=entry.published is None
    )
    learned: tuple[int, ...] = ()
    if extracted is not None:
        # What the site repeats is learned from the text as extracted; then the
        # site's known template and the lines outside the feed's own start and
        # end are taken off (reader.core.site_boilerplate, reader.core.feed_lead).
        learned = paragraph_keys(extracted.text)
        text = remove_boilerplate(extracted.text, boilerplate, entry.feed_text)
        extracted = dataclasses.replace(extracted, text=trim_to_feed(text, entry.feed_text))
    if extracted is None:
        record = _record(entry, None, "no article text found on the page")
    elif len(extracted.text) < MIN_ARTICLE_CHARS and len(entry.feed_text) > len(extracted.text):
        record = _record(entry, extracted, "page text too short; kept the feed's content")
    elif len(entry.feed_text) > 2 * len(extracted.text):
        record = _record(entry, extracted, "the feed's content is fuller than the page's")
    else:
        record = _record(entry, extracted, None, use_page_text=True)
    record = dataclasses.replace(record, site_paragraphs=learned)
    return _analyse([record], feed_title, settings, rules, stories)[0]


def _read_feed(
    content: bytes,
    headers: dict[str, str],
    url: str,
    hashes: dict[str, str],
    pruned: set[str],
    fallback_title: str,
    analysis: tuple[EntitySettings, tuple[Rule, ...], bool] | None,
    legacy: bool = False,
) -> tuple[ParsedFeed, tuple[ArticleRecord, ...], tuple[tuple[str, str], ...] | None]:
    """In a worker process: the feed with only its new and changed entries,
    and, given `analysis` (the settings, the rules, whether to fingerprint
    for stories), those entries as analysed records of the feed's text, the
    feed then without its entries: the records are what the parent stores,
    and the entries sent beside them cost it as much again to unpickle
    (0.06 s of a first refresh's 6,000 items). Third, with `legacy` (a feed
    an older version may have keyed differently), the articles it stored
    under another key: (old key, new key); None without."""
    from reader.core.feeds import parse_feed

    feed = parse_feed(content, headers, url)
    rekeyed = _older_articles(content, headers, url, feed, hashes, pruned) if legacy else None
    # An entry stored under an older key is compared with that article (or
    # left out, if it was pruned).
    old_key = {new: old for old, new in rekeyed or ()}
    changed = tuple(
        entry
        for entry in feed.entries
        if (key := old_key.get(entry.key, entry.key)) not in pruned
        and hashes.get(key) != entry.entry_hash
    )
    feed = dataclasses.replace(feed, entries=changed)
    if analysis is None or not changed:
        return feed, (), rekeyed
    settings, rules, stories = analysis
    records = [_record(entry, None, None) for entry in changed]
    analysed = _analyse(records, feed.title or fallback_title, settings, rules, stories)
    return dataclasses.replace(feed, entries=()), tuple(analysed), rekeyed


def _older_articles(
    content: bytes,
    headers: dict[str, str],
    url: str,
    feed: ParsedFeed,
    hashes: dict[str, str],
    pruned: set[str],
) -> tuple[tuple[str, str], ...]:
    """(old key, new key) of the feed's entries stored under an older
    version's key. Read again only when an entry's key is unknown; a
    surprise in that second reading (best effort) finds none."""
    unknown = {e.key for e in feed.entries if e.key not in hashes and e.key not in pruned}
    if not unknown:
        return ()
    from reader.core.legacy_keys import renamed_entries

    try:
        return renamed_entries(content, headers, url, unknown, hashes.keys() | pruned)
    except Exception:
        return ()


def _analyse(
    records: Sequence[ArticleRecord],
    feed_title: str,
    settings: EntitySettings,
    rules: tuple[Rule, ...],
    stories: bool,
) -> list[ArticleRecord]:
    """In a worker process: the recognisers are imported there, not by the
    command line (an unchanged refresh never needs them). With `stories`,
    each record also gets its story fingerprint, from the text and mentions
    as they will be stored: the process that stores then only looks it up."""
    from reader.core.analysis import analyse_records

    return analyse_records(records, feed_title, settings, rules, stories=stories)


def _record(
    entry: ParsedEntry,
    page: PageExtract | None,
    error: str | None,
    *,
    use_page_text: bool = False,
    page_unreachable: bool = False,
) -> ArticleRecord:
    """An article from the feed entry, completed with what the page gave.

    `page_unreachable`: the page could not be fetched, so the next refresh
    tries it again (its extraction status is "retry")."""
    status: ExtractionStatus = "retry" if page_unreachable else "failed" if error else "done"
    text = page.text if (page is not None and use_page_text) else entry.feed_text
    title = entry.title or (page.title if page else "") or _first_words(text)
    published = entry.published
    if published is None and page is not None and len(page.date) == 10:
        from reader.core.feed_dates import read  # (loaded with the parser in workers)

        # The page's day, under the one rule for an item's date.
        published = read(page.date + "T00:00:00Z", lambda _: None)
    return ArticleRecord(
        key=entry.key,
        guid=entry.guid,
        url=entry.url,
        title=title,
        author=entry.author or (page.author if page else ""),
        published=published,
        updated=entry.updated,
        summary_html=entry.summary_html,
        content_html=entry.content_html,
        text=text,
        entry_hash=entry.entry_hash,
        extraction="page" if use_page_text else "feed",
        # Reasons may quote a server (a header, an exception's text).
        extraction_error=strip_controls(error) if error else None,
        site_name=page.site_name if page else "",
        image_url=page.image if page else "",
        extraction_status=status,
    )


def _first_words(text: str, limit: int = 80) -> str:
    line = text.split("\n", 1)[0]
    return line if len(line) <= limit else line[: limit - 1].rsplit(" ", 1)[0] + "…"
