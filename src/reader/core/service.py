"""The facade the command line and the app call. Built by `make_reader()`."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Unpack

from reader.core import clock
from reader.core.config import ConfigError, Settings
from reader.core.entities import LABELS, Mention, Rule
from reader.core.fetch import Fetcher, FetchError
from reader.core.models import (
    DEFAULT_COLOR,
    AddResult,
    Annotation,
    AnnotationChanges,
    AnnotationFilter,
    Article,
    ArticleSummary,
    EntityCount,
    Feed,
    FeedResult,
    HighlightOptions,
    NotesImportResult,
    OpmlImportResult,
    RefreshProgress,
)
from reader.core.opml import OpmlError, parse_opml, write_opml
from reader.core.refresh import (
    WORKER_PRELOAD,
    WORKER_PRELOAD_PAGES,
    Counters,
    Failed,
    Fetched,
    NotModified,
    Outcome,
    Pipeline,
    fewer_collections,
)
from reader.core.store import (
    MAX_SEARCH_TERMS,
    ArticleQuery,
    NotFoundError,
    Store,
    StoredWithoutStories,
    fts_terms,
)
from reader.core.stories.facade import StoriesFacade, newer_than_every_story
from reader.core.textnorm import normalize_tag, strip_controls
from reader.core.urls import UrlError, check_url, shown, typed_url
from reader.wording import plural

if TYPE_CHECKING:
    from reader.core.entities.recognizer import Recognizer
    from reader.core.stories.grouping import StoryBatch


# How many of the feeds a page links to `reader add` tries (best first; see
# feeds.find_feed_links): a site lists a handful, and each candidate may take
# up to the HTTP timeout, so a page listing thousands held the command for hours.
DISCOVERY_CANDIDATES = 10

# Seconds a write from the app's screen waits for another process's write (a
# `reader remove` of a large feed, an import, a reanalyse batch, an sqlite3
# session): the screen draws nothing and takes no key meanwhile, so 30 s (the
# store's) froze the app that long before it said "busy". A few seconds let
# ordinary writes by another reader finish; past them the app says "Not saved".
INTERACTIVE_BUSY_TIMEOUT = 3.0


class AddError(ValueError):
    """A URL that could not be subscribed to; the message says why."""


@dataclass(frozen=True, slots=True)
class Discovered:
    url: str  # the feed's own URL (after autodiscovery)
    title: str


class Reader(StoriesFacade):
    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store

    def close(self) -> None:
        self.store.close()

    # -- subscribing ---------------------------------------------------------------

    def discover(self, url: str) -> Discovered:
        """The feed at `url`, or the feed an HTML page at `url` links to."""
        [found] = asyncio.run(self._discover_all([url]))
        if isinstance(found, AddError):
            raise found
        return found

    async def _discover_all(self, urls: Sequence[str]) -> list[Discovered | AddError]:
        refresh = self.settings.refresh
        async with Fetcher(
            self.settings.http, concurrency=refresh.concurrency, per_host=refresh.per_host
        ) as fetcher:
            return await asyncio.gather(*(self._discover_one(fetcher, url) for url in urls))

    async def _discover_one(self, fetcher: Fetcher, url: str) -> Discovered | AddError:
        try:
            return await self._discover(fetcher, url, self.settings.http.total_timeout)
        except AddError as exc:
            return exc
        except Exception as exc:
            # One URL's surprise is that URL's error: it used to end the whole
            # gather, and no URL of the command was subscribed to. Not a
            # failure of memory or of the database, every URL's (as a refresh).
            if not _caused_by_the_feed(exc):
                raise
            return AddError(f"{url}: internal error: {type(exc).__name__}: {shown(str(exc))}")

    @staticmethod
    async def _discover(fetcher: Fetcher, url: str, budget: float) -> Discovered:
        # The feed parser is imported when first needed: a refresh parses in
        # its workers, and an unchanged one parses nothing (~15 ms of start-up).
        from reader.core.feeds import NotAFeedError, cannot_parse, find_feed_links, parse_feed

        try:
            response = await fetcher.get(url)
        except FetchError as exc:
            raise AddError(f"{url}: {exc.reason}") from exc
        try:
            feed = parse_feed(response.content, response.headers, response.url)
            return Discovered(response.url, feed.title)
        except NotAFeedError as not_feed:
            candidates = find_feed_links(response.content, response.url)
            if not candidates:
                raise AddError(f"{url}: {not_feed}, and the page links to no feed") from not_feed
        except Exception as exc:  # the parser's own failure: this URL's error, as in a refresh
            raise AddError(f"{url}: {cannot_parse(exc)}") from exc

        async def attempt(candidate: str) -> Discovered | str:
            try:
                # The page chose these links: held to the rules of a feed's links.
                found = await fetcher.get(candidate, linked_from=response)
                feed = parse_feed(found.content, found.headers, found.url)
                return Discovered(found.url, feed.title)
            except (FetchError, NotAFeedError) as exc:
                return str(exc)
            except Exception as exc:  # as above: this candidate fails, the others go on
                if not _caused_by_the_feed(exc):
                    raise
                return cannot_parse(exc)

        # A page may list any number of feeds (a crafted one thousands): the
        # best few are tried, all at once, within one budget for them all
        # (tried in turn, each with its own deadline, 10 links that drip bytes
        # held the command 10 times total_timeout, ~11 minutes by default).
        # The best-ranked one that works wins.
        tried = candidates[:DISCOVERY_CANDIDATES]
        tasks = [asyncio.ensure_future(attempt(candidate)) for candidate in tried]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + budget
        try:
            for task in tasks:
                await asyncio.wait({task}, timeout=max(0.0, deadline - loop.time()))
                if not task.done():
                    break  # out of time: the best of those that finished, if any
                if isinstance(task.result(), Discovered):
                    break
            for task in tasks:
                if task.done() and isinstance(result := task.result(), Discovered):
                    return result
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        errors = [
            # (Each bounded: the page chose the URL, the server the error.)
            f"{shown(candidate)}: {shown(result if isinstance(result, str) else 'no answer')}"
            for candidate, task in zip(tried, tasks, strict=True)
            for result in [None if task.cancelled() else task.result()]
        ]
        late = any(task.cancelled() for task in tasks)
        within = f" within {budget:g} s, the [http] total_timeout they share" if late else ""
        skipped = len(candidates) - DISCOVERY_CANDIDATES
        untried = f"; {skipped} more not tried" if skipped > 0 else ""
        raise AddError(
            f"{url}: no working feed among the page's links{within} ({'; '.join(errors)}{untried})"
        )

    def add_feeds(
        self, urls: Sequence[str], *, tags: Sequence[str] = (), discover: bool = True
    ) -> list[AddResult | AddError]:
        """Subscribe to each URL, discovering feeds concurrently (unless `discover`
        is false: then each URL is taken as a feed as it is). One result per URL."""
        # What the user typed is checked first, so a malformed address is one
        # clear error and the others go on (`example.org` means https).
        found: list[Discovered | AddError] = []
        valid: list[str] = []
        for url in urls:
            try:
                valid.append(typed_url(url))
                found.append(Discovered(valid[-1], ""))
            except UrlError as exc:
                found.append(AddError(f"{shown(url)}: {exc}"))
        if discover and valid:
            discovered = iter(asyncio.run(self._discover_all(valid)))
            found = [item if isinstance(item, AddError) else next(discovered) for item in found]
        results: list[AddResult | AddError] = []
        for item in found:
            if isinstance(item, AddError):
                results.append(item)
                continue
            feed_id, created = self.store.add_feed(item.url, title=item.title, tags=tags)
            results.append(AddResult(feed_id, item.url, created))
        return results

    def add_feed(self, url: str, *, tags: Sequence[str] = (), discover: bool = True) -> AddResult:
        """Subscribe to one URL; raises AddError saying why it failed."""
        [result] = self.add_feeds([url], tags=tags, discover=discover)
        if isinstance(result, AddError):
            raise result
        return result

    def remove_feed(self, feed_id: int) -> tuple[int, int]:
        """Unsubscribe; returns (articles deleted, articles kept for their tags or star)."""
        return self.store.remove_feed(feed_id)

    def add_demo(self) -> list[int]:
        """Subscribe to the bundled demo feeds (tagged `demo`); refresh() fetches
        them offline. Returns their feed ids."""
        from reader.core.demo import DEMO_TAG, demo_feed_urls

        return [self.store.add_feed(url, tags=[DEMO_TAG])[0] for url in demo_feed_urls()]

    def remove_demo(self) -> tuple[int, int]:
        """Unsubscribe from every demo feed; returns (feeds removed, articles kept).

        As with any unsubscribing, articles the user starred, tagged or
        annotated stay: highlights and notes are the user's work even on
        sample stories."""
        from reader.core.demo import is_demo_url

        demo = [feed.id for feed in self.store.feeds() if is_demo_url(feed.url)]
        kept = sum(self.store.remove_feed(feed_id)[1] for feed_id in demo)
        return len(demo), kept

    def import_opml(self, path: str | Path) -> OpmlImportResult:
        feeds = parse_opml(Path(path).read_bytes())
        added = existing = 0
        invalid = []
        for feed in feeds:
            try:
                url = check_url(feed.url)
            except UrlError as exc:
                invalid.append(f"{shown(feed.url)}: {exc}")
                continue
            _, created = self.store.add_feed(url, title=feed.title, tags=feed.tags)
            added += created
            existing += not created
        return OpmlImportResult(added, existing, tuple(invalid))

    def export_opml(self) -> str:
        return write_opml(self.store.feeds())

    # -- refreshing ----------------------------------------------------------------

    def refresh(
        self,
        feed_ids: Sequence[int] | None = None,
        *,
        force: bool = False,
        stop: threading.Event | None = None,
    ) -> Iterator[FeedResult]:
        """Refresh feeds, yielding one result per feed as each is stored.

        Feeds backing off after errors are skipped (and reported) unless
        `force`. Stopping the iteration early cancels the outstanding work;
        feeds already yielded stay stored. `stop`, set from another thread
        (the app quitting), ends the refresh so within STOP_CHECK_SECONDS,
        even while it waits on a slow feed, as stopping the iteration does.
        """
        if self.settings.stories.group_on_refresh:
            self._group_left_by_a_stop()
        states = self.store.feed_states(feed_ids)
        now = clock.utcnow()
        due = []
        for state in states:
            if not force and state.next_fetch_after and state.next_fetch_after > now:
                yield FeedResult(
                    feed_id=state.id,
                    url=state.url,
                    title=state.title,
                    status="skipped",
                    error=f"backing off after errors until {state.next_fetch_after}",
                    next_fetch_after=state.next_fetch_after,
                )
            else:
                due.append(state)
        if not due:
            return
        # A Runner, not a bare loop: Ctrl-C then cancels the running step
        # inside the loop rather than raising at any line of it, and what
        # an interrupted step left pending is cancelled at the close (a
        # traceback was printed when the closed loop's coroutine was collected).
        runner = asyncio.Runner()
        pipeline = Pipeline(
            self.settings,
            self.store.known_entries,
            tuple(self.store.entity_rules()),
            site_boilerplate=self.store.site_boilerplate,
            legacy_keyed=self.store.legacy_keyed_feeds(),
        )
        # New articles meet their candidates as each feed is stored; their
        # stories are written once the last is, or on the way into an empty
        # archive (stories.grouping.StoryBatch). The batch is made when the
        # first feed that changed comes: an unchanged refresh never imports
        # grouping (~7 ms), and a batch still empty is neither due nor counted.
        grouping = self.settings.stories.group_on_refresh
        waiting: StoryBatch | None = None
        with fewer_collections():
            try:
                runner.run(pipeline.start(due))
                for _ in due:
                    outcome = _take_outcome(runner, pipeline, stop)
                    if outcome is None:
                        return  # stopped; the next refresh groups what it stored
                    if grouping and waiting is None and isinstance(outcome, Fetched):
                        from reader.core.stories.grouping import StoryBatch

                        waiting = StoryBatch()
                    yield self._store(outcome, pipeline.counters, waiting)
            finally:
                _close_pipeline(runner, pipeline)
            if waiting:
                self.group_refreshed(waiting)
        retention = self.settings.retention
        self.store.prune(retention.keep_days, keep_unread=retention.keep_unread)

    def _group_left_by_a_stop(self) -> None:
        """A refresh stopped before it wrote its stories left its newest articles
        out of every story (and out of the follows' counts): group them before
        this refresh's articles look for candidates among them."""
        if newer_than_every_story(self.store.conn):
            self.group_pending()

    def _store(
        self, outcome: Outcome, counters: Counters, waiting: StoryBatch | None
    ) -> FeedResult:
        state = outcome.state
        new = updated = 0
        not_grouped = None
        if isinstance(outcome, Fetched):
            # Written before the progress is made: it counts what waits for stories.
            try:
                new, updated = self._write(outcome, waiting)
            except StoredWithoutStories as stored:
                cause = stored.__cause__
                if isinstance(cause, Exception) and not _caused_by_the_feed(cause):
                    raise cause from None  # the database's failure: every feed's
                # Stored and committed: the feed's result says so, not "cannot
                # store the feed" (it was put on backoff for articles it had stored).
                new, updated = stored.new, stored.updated
                not_grouped = strip_controls(  # (the cause may quote a stored value)
                    "its new articles are stored but not yet in their stories"
                    f" ({type(cause).__name__}: {cause}); they are grouped when"
                    " stories are next asked for"
                )
            except Exception as exc:
                if not _caused_by_the_feed(exc):
                    raise
                # The feed's transaction was rolled back: this feed fails (and
                # backs off) like one that could not be fetched; the others
                # are stored. One hostile feed used to end every refresh.
                outcome = Failed(state, f"cannot store the feed: {type(exc).__name__}: {exc}")
        if waiting is not None and waiting.due():
            self.group_some_refreshed(waiting)
        progress = RefreshProgress(
            counters.feeds_total,
            counters.feeds_done,
            counters.pages_total,
            counters.pages_done,
            len(waiting or ()),
        )
        if isinstance(outcome, NotModified):
            self.store.record_not_modified(state.id)
            return FeedResult(state.id, state.url, state.title, "not_modified", progress=progress)
        if isinstance(outcome, Failed):
            next_after = clock.iso_after(
                self._backoff_seconds(state.error_count + 1, outcome.retry_after)
            )
            # An error may quote the server or the document (a parser's message).
            error = strip_controls(outcome.error)
            self.store.record_failure(state.id, error, next_after)
            return FeedResult(
                state.id,
                state.url,
                state.title,
                "failed",
                error=error,
                next_fetch_after=next_after,
                progress=progress,
            )
        response, feed = outcome.response, outcome.feed
        warning = feed.warning
        if not_grouped is not None:
            # Stored on the feed too, where the user sees its warnings (`reader feeds`).
            warning = "; ".join(w for w in (warning, not_grouped) if w)
            self.store.record_warning(state.id, warning)
        return FeedResult(
            state.id,
            response.permanent_url or state.url,
            feed.title or state.title,
            "updated" if new or updated else "unchanged",
            new=new,
            updated=updated,
            warning=warning,
            extraction_failures=outcome.extraction_failures,
            skipped_articles=len(outcome.skipped_keys),
            progress=progress,
        )

    def _write(self, outcome: Fetched, waiting: StoryBatch | None) -> tuple[int, int]:
        """Store a fetched feed; returns (new, updated)."""
        state, response, feed = outcome.state, outcome.response, outcome.feed
        return self.store.write_feed(
            state.id,
            url=response.permanent_url,
            title=feed.title or state.title,
            site_url=feed.site_url,
            etag=response.etag,
            last_modified=response.last_modified,
            warning=feed.warning,
            articles=outcome.records,
            skipped_keys=outcome.skipped_keys,
            group_stories=self.settings.stories.group_on_refresh,
            stories_later=waiting,
            rekeyed=outcome.rekeyed,
        )

    def _backoff_seconds(self, error_count: int, retry_after: float | None) -> float:
        refresh = self.settings.refresh
        cap = refresh.backoff_max_hours * 3600
        if retry_after is not None:
            return min(retry_after, cap)
        # The doubling stops at 2**64: a feed failing for years (error_count
        # past 1024) would otherwise overflow the float and crash the refresh.
        doublings = min(error_count - 1, 64)
        return min(refresh.backoff_base_minutes * 60.0 * 2.0**doublings, cap)

    # -- reading -------------------------------------------------------------------

    def feeds(self) -> list[Feed]:
        return self.store.feeds()

    def feed_id(self, url_or_id: str) -> int:
        """A feed by its URL or its numeric id."""
        if url_or_id.isdigit():
            if int(url_or_id) > MAX_ID:  # SQLite integers stop there
                raise NotFoundError(f"no feed with id {url_or_id}")
            return self.store.feed(int(url_or_id)).id
        return self.store.feed_id_for_url(url_or_id.strip())

    def articles(self, query: ArticleQuery) -> list[ArticleSummary]:
        return self.store.articles(query)

    def article(self, article_id: int) -> Article:
        return self.store.article(article_id)

    def has_feeds(self) -> bool:
        return self.store.has_feeds()

    def feed(self, feed_id: int) -> Feed:
        return self.store.feed(feed_id)

    def article_keys(self, query: ArticleQuery) -> list[tuple[str, int]]:
        """(sort key, id) of the matching articles, cheap: the app pages through them."""
        return self.store.article_keys(query)

    def count_articles(self, query: ArticleQuery) -> int:
        return self.store.count_articles(query)

    def summaries(self, ids: Sequence[int]) -> list[ArticleSummary]:
        return self.store.summaries(ids)

    def mentions(self, article_id: int) -> list[Mention]:
        return self.store.mentions(article_id)

    # -- the reader's marks, tags, saved searches, preferences -------------------------

    def answer_a_person_here(self) -> None:
        """This thread runs the app's screen: its writes (a star, a mark read,
        a tag, a note) wait for another process's write at most
        INTERACTIVE_BUSY_TIMEOUT, then fail as busy (the app says "Not saved"
        and keeps what was typed). The refresh's threads keep the long wait."""
        self.store.wait_here_at_most(INTERACTIVE_BUSY_TIMEOUT)

    def set_read(self, article_ids: Sequence[int], read: bool = True) -> None:
        self.store.set_read(article_ids, read)

    def set_starred(self, article_ids: Sequence[int], starred: bool = True) -> None:
        self.store.set_starred(article_ids, starred)

    def mark_all_read(self, query: ArticleQuery) -> list[int]:
        """Mark the query's unread articles read; returns their ids (to undo)."""
        return self.store.mark_all_read(query)

    def tag(self, article_id: int, tags: Sequence[str], *, remove: bool = False) -> None:
        self.store.tag_article(article_id, check_tags(tags), remove=remove)

    def tag_articles(
        self, article_ids: Sequence[int], tags: Sequence[str], *, remove: bool = False
    ) -> None:
        self.store.tag_articles(article_ids, tags, remove=remove)

    def tag_names(self) -> list[str]:
        return self.store.tag_names()

    def tag_counts(self) -> list[tuple[str, str, int]]:
        """(name, kind, articles) of every tag on an article."""
        return self.store.tag_counts()

    def rename_tag(self, old: str, new: str) -> int:
        return self.store.rename_tag(old, new)

    def delete_tag(self, name: str) -> int:
        return self.store.delete_tag(name)

    def save_search(self, query: str, name: str = "") -> int:
        return self.store.save_search(query, name)

    def saved_searches(self) -> list[tuple[int, str, str]]:
        """(id, name, query), oldest first."""
        return self.store.saved_searches()

    def delete_search(self, search_id: int) -> None:
        self.store.delete_search(search_id)

    def preference(self, key: str) -> str | None:
        return self.store.preference(key)

    def set_preference(self, key: str, value: str) -> None:
        self.store.set_preference(key, value)

    # -- entities ------------------------------------------------------------------

    def recognizer(self) -> Recognizer:
        """The recognisers with the user's rules, as ingest uses them."""
        from reader.core.analysis import recognizer_for

        return recognizer_for(tuple(self.store.entity_rules()), self.settings.entities.model)

    def entity_rules(self) -> list[Rule]:
        return self.store.entity_rules()

    def entity_counts(self, *, prefix: str = "", limit: int = 50) -> list[EntityCount]:
        return self.store.entity_counts(prefix=prefix, limit=limit)

    def entity_timeline(self, name: str) -> list[tuple[str, int]]:
        return self.store.entity_timeline(name)

    def entity_label(self, name: str) -> str | None:
        return self.store.entity_label(name)

    def count_unanalysed(self) -> int:
        """Articles stored before entities existed, waiting for `reanalyse`."""
        return self.store.count_unanalysed()

    def all_article_ids(self) -> list[int]:
        return self.store.all_article_ids()

    def correct_entities(self, rules: Sequence[Rule]) -> int:
        """Store the user's corrections and re-analyse every article they may
        change; returns how many were re-analysed. Raises ValueError for a rule
        that names an unknown label. One correction at a time: a later rule's
        results must not be overwritten by an earlier, slower re-analysis."""
        with _CORRECTIONS:
            affected: set[int] = set()
            for rule in rules:
                affected.update(self.add_entity_rule(rule))
            return self.reanalyse_all(sorted(affected))

    def unignore_entity(self, surface: str) -> int:
        """Stop ignoring `surface`; returns how many articles were re-analysed.
        Raises NotFoundError if it was not ignored."""
        with _CORRECTIONS:
            if not self.store.delete_entity_rule("ignore", surface):
                raise NotFoundError(f"{surface!r} is not ignored")
            return self.reanalyse_all(self.store.articles_mentioning([surface], []))

    def typed_alias(self, surface: str, entity: str, label: str = "") -> Rule:
        """An alias pointing at the entity's canonical name, with the entity's
        type (or `label` for one not seen yet); ValueError if neither is known."""
        name = self.resolve_entity(entity)
        found = self.store.entity_label(name) or next(
            (m.label for m in self.recognize(name) if m.entity == name), label
        )
        if not found:
            raise ValueError(f"{name} is not a known entity: choose its type")
        return Rule("alias", surface, name, found)

    def recognize(self, text: str) -> list[Mention]:
        return self.recognizer().find(text)

    def resolve_entity(self, name: str) -> str:
        """The canonical name for what the user typed ("Altman", "openai")."""
        name = name.strip()
        for rule in self.store.entity_rules():
            if rule.kind in ("entity", "alias") and rule.surface.lower() == name.lower():
                return rule.entity
        from reader.core.entities.kb import knowledge_base

        kb = knowledge_base()
        entry = kb.entries.get(name) or kb.by_lower_surface().get(name.lower())
        if entry is not None:
            return entry.name
        # A name stored from the articles, then a surname or a short name of
        # one ("zuckerberg", "scale").
        return self.store.entity_name(name) or self.store.entity_by_name_part(name) or name

    def add_entity_rule(self, rule: Rule) -> list[int]:
        """Store a rule; returns the articles it may change (to re-analyse)."""
        # An alias may leave its label empty: it takes the entity's (see Recognizer).
        labelled = rule.kind == "entity" or (rule.kind == "alias" and rule.label)
        if labelled and rule.label not in LABELS:
            raise ValueError(f"unknown label {rule.label!r}; one of {', '.join(LABELS)}")
        before = self.recognizer()
        self.store.add_entity_rule(rule)
        names = {rule.surface, rule.entity} - {""}
        # Articles where the surface occurs, and those that mention the entity
        # (a type change applies to every mention).
        old = {m.entity for m in before.find(rule.surface)}
        return self.store.articles_mentioning(sorted(names), sorted(names | old))

    def reanalyse(
        self, article_ids: Sequence[int] | None = None, *, batch: int = 200
    ) -> Iterator[int]:
        """Re-analyse the given articles (None: every article analysed with other
        recognisers or rules than the current ones). Yields the running count."""
        rules = tuple(self.store.entity_rules())
        settings = self.settings.entities
        from reader.core.analysis import analyse, analysis_digest, recognizer_for

        digest = analysis_digest(recognizer_for(rules, settings.model).digest)
        done = 0
        last_id = 0
        pending_ids = list(article_ids) if article_ids is not None else None
        while True:
            if pending_ids is not None:
                if not pending_ids:
                    return
                chunk, pending_ids = pending_ids[:batch], pending_ids[batch:]
                todo = self.store.pending_analysis(ids=chunk)
            else:
                todo = self.store.pending_analysis(digest=digest, limit=batch, after_id=last_id)
                if not todo:
                    return
                last_id = todo[-1].id
            results = []
            for item in todo:
                result = analyse(item.title, item.text, item.feed_title, settings, rules)
                results.append(
                    (
                        item.id,
                        item.text_sha,
                        result.mentions,
                        result.ai_score,
                        result.auto_tags,
                        result.digest,
                    )
                )
            done += self.store.save_analysis(results)
            yield done

    def reanalyse_all(self, article_ids: Sequence[int] | None = None) -> int:
        """Re-analyse to the end; returns how many articles were analysed."""
        done = 0
        for done in self.reanalyse(article_ids):  # noqa: B007 (the last count is the total)
            pass
        return done

    # -- annotations ---------------------------------------------------------------

    def annotate(
        self,
        article_id: int,
        quote: str,
        *,
        note: str = "",
        color: str = DEFAULT_COLOR,
        tags: Sequence[str] = (),
        occurrence: int = 1,
    ) -> Annotation:
        return self.store.highlight_quote(
            article_id, quote, occurrence=occurrence, note=note, color=color, tags=check_tags(tags)
        )

    def note(self, article_id: int, text: str, *, tags: Sequence[str] = ()) -> Annotation:
        return self.store.add_note(article_id, text, tags=check_tags(tags))

    def annotations(self, where: AnnotationFilter | None = None) -> list[Annotation]:
        return self.store.annotations(where or AnnotationFilter())

    def annotation_counts(self, article_ids: Sequence[int]) -> dict[int, int]:
        return self.store.annotation_counts(article_ids)

    def highlight(
        self, article_id: int, start: int, end: int, **options: Unpack[HighlightOptions]
    ) -> Annotation:
        """Highlight text[start:end]; refused if the text is no longer the
        version `text_sha` names (the offsets would be other words). The options
        are the store's, named once in HighlightOptions."""
        return self.store.highlight(article_id, start, end, **options)

    def passage_now(
        self, article_id: int, seen_text: str, start: int, end: int
    ) -> tuple[int, int, str] | None:
        """Where seen_text[start:end] is in the article's current text, when a
        refresh changed the text after the user selected the passage on
        `seen_text`: (start, end, the current text's sha) if the anchoring
        algorithm, as a refresh places highlights, finds the same words
        ("exact" or "moved"); None if the passage was changed or is gone.
        NotFoundError if the article is gone."""
        article = self.article(article_id)
        anchor = self.store.anchoring.make_anchor(seen_text, start, end)
        [place] = self.store.anchoring.reanchor_all([anchor], seen_text, article.text)
        if place.state in ("exact", "moved"):
            return place.start, place.end, article.text_sha
        return None

    def add_note(self, article_id: int, note: str, *, tags: Sequence[str] = ()) -> Annotation:
        return self.store.add_note(article_id, note, tags=tags)

    def update_annotation(
        self, annotation_id: int, **changes: Unpack[AnnotationChanges]
    ) -> Annotation:
        """Change a highlight's or note's note, colour or tags (None: unchanged)."""
        return self.store.update_annotation(annotation_id, **changes)

    def delete_annotation(self, annotation_id: int) -> None:
        self.store.delete_annotation(annotation_id)

    def reattach(
        self, annotation_id: int, start: int, end: int, *, text_sha: str | None = None
    ) -> Annotation:
        return self.store.reattach(annotation_id, start, end, text_sha=text_sha)

    def orphan_to_note(self, annotation_id: int) -> Annotation:
        return self.store.orphan_to_note(annotation_id)

    def version_text(self, article_id: int, sha: str) -> str | None:
        return self.store.version_text(article_id, sha)

    def export_notes(self, fmt: str = "markdown") -> str:
        """Every annotation as one Markdown file or W3C Web Annotation JSON ("json")."""
        from reader.core.notes.markdown import notes_markdown
        from reader.core.notes.w3c import notes_w3c

        if fmt == "json":
            document = notes_w3c(self.store)
            return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        if fmt == "markdown":
            return notes_markdown(self.store)
        raise ValueError(f"unknown notes format {fmt!r}; markdown or json")

    def export_notes_files(self) -> dict[str, str]:
        """One Markdown document per annotated article: {file name: content}."""
        from reader.core.notes.markdown import notes_markdown_files

        return notes_markdown_files(self.store)

    def import_notes(self, path: str | Path) -> NotesImportResult:
        """Restore a W3C Web Annotation JSON export onto the matching articles.
        Raises ValueError for a file that is not such JSON."""
        from reader.core.notes.w3c import import_notes

        try:
            data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
        except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, a 5,000-digit number
            raise ValueError(f"not valid JSON: {exc}") from exc
        except RecursionError:
            raise ValueError("not an annotations export: nested too deeply") from None
        return import_notes(self.store, data)


def long_search_note(search: str | None) -> str | None:
    """What to tell the user when a search had more words than are searched
    for (store.common.MAX_SEARCH_TERMS), else None."""
    left_out = fts_terms(search)[1] if search else 0
    if not left_out:
        return None
    return (
        f"the search is long: only its first {MAX_SEARCH_TERMS} search terms are used"
        f" ({plural(left_out, 'word')} left out)"
    )


def salience(
    mentions: Sequence[Mention], title: str, text: str
) -> list[tuple[str, str, int, float]]:
    """(entity, label, mention count, score) for followable entities, best first
    (see reader.core.entities.recognizer.salience; imported when first used)."""
    from reader.core.entities.recognizer import salience as ranked

    return ranked(mentions, title, text)


# Entity corrections one at a time (see Reader.correct_entities).
_CORRECTIONS = threading.Lock()

# The largest id SQLite can store; a bigger number names no feed or article.
MAX_ID = 2**63 - 1


def check_tags(tags: Sequence[str]) -> list[str]:
    """The tags as given, or ValueError naming one that is empty once normalised
    (`''`, `'#'`, `','`): it would otherwise be dropped without a word."""
    for tag in tags:
        if not normalize_tag(tag):
            raise ValueError(f"not a tag: {tag!r} is empty once '#' and commas are removed")
    return list(tags)


def make_reader(settings: Settings) -> Reader:
    """The one way to build the core: the CLI, the app and the tests use it."""
    if settings.entities.model:
        # A configured model that cannot load is a configuration error, said
        # once here rather than as a failure of every feed in the refresh.
        try:
            from reader.core.entities.statistical import ModelError, load_model

            load_model(settings.entities.model)
        except ModelError as exc:
            raise ConfigError(str(exc)) from None
    return Reader(settings, Store(settings.db_path(), busy_timeout=settings.storage.busy_timeout))


__all__ = [
    "WORKER_PRELOAD",
    "WORKER_PRELOAD_PAGES",
    "AddError",
    "AddResult",
    "Discovered",
    "NotFoundError",
    "NotesImportResult",
    "OpmlError",
    "OpmlImportResult",
    "Reader",
    "UrlError",
    "make_reader",
    "salience",
    "strip_controls",
    "typed_url",
]


# How often a refresh waiting for its next feed looks whether it was told to
# stop (Reader.refresh's `stop`, an event set from another thread).
STOP_CHECK_SECONDS = 0.1


def _caused_by_the_feed(exc: Exception) -> bool:
    """Whether storing a feed failed on what the feed holds (a value SQLite
    cannot bind, a constraint its items break), not on the database itself:
    a locked, full or damaged database is every feed's failure, and must not
    put each on backoff in turn."""
    if isinstance(exc, (sqlite3.OperationalError, sqlite3.InternalError, MemoryError)):
        return False
    # A bare DatabaseError is a damaged file ("database disk image is malformed").
    return type(exc) is not sqlite3.DatabaseError


async def _next_outcome(pipeline: Pipeline, stop: threading.Event | None) -> Outcome | None:
    """The next finished feed, or None once `stop` is set."""
    if stop is None:
        return await pipeline.next_outcome()
    waiting = asyncio.ensure_future(pipeline.next_outcome())
    while not stop.is_set():
        done, _ = await asyncio.wait({waiting}, timeout=STOP_CHECK_SECONDS)
        if done:
            return waiting.result()
    waiting.cancel()
    return None


def _take_outcome(
    runner: asyncio.Runner, pipeline: Pipeline, stop: threading.Event | None
) -> Outcome | None:
    """The next finished feed, or None once `stop` is set. One already waiting
    (several often finish in one step of the loop) is taken without running
    the loop: each run costs a task and two swaps of the SIGINT handler."""
    if stop is not None and stop.is_set():
        return None
    outcome = pipeline.ready_outcome()
    if outcome is None:
        outcome = runner.run(_next_outcome(pipeline, stop))
    return outcome


def _close_pipeline(runner: asyncio.Runner, pipeline: Pipeline) -> None:
    """Close the refresh's pipeline, then its loop, even after a Ctrl-C.

    A Ctrl-C that comes when the running step has just finished (its loop
    still running the other tasks) is raised inside one of them, and that
    step's "stop the loop" stays queued: it would end the next run at once
    ("Event loop stopped before Future completed", exit code 1, the workers
    and connections not closed). The close is then run once more."""
    loop = runner.get_loop()
    closing = loop.create_task(pipeline.close())
    try:
        try:
            loop.run_until_complete(closing)
        except RuntimeError:
            if closing.done() or loop.is_running():
                raise
            loop.run_until_complete(closing)  # that stop is spent now
    finally:
        runner.close()
