"""Schema, as numbered sqlite-utils migrations run when a database is opened.

A migration is never edited once released: a change is a new migration, so a
database made by any earlier version upgrades in place (tests build one with
the earlier migrations only and upgrade it).
"""

from __future__ import annotations

import sqlite3
from typing import Any

MIGRATION_SET = "reader"


def _statements(db: Any, sql: str) -> None:
    # Migrations run inside sqlite-utils' transaction; executescript() would
    # commit it, so run the statements one by one (triggers contain ";").
    pending = ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            db.execute(pending)
            pending = ""
    if pending.strip():
        db.execute(pending)


_M0001_CORE = """
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    user_title TEXT,
    site_url TEXT NOT NULL DEFAULT '',
    etag TEXT,
    last_modified TEXT,
    added_at TEXT NOT NULL,
    last_fetched TEXT,
    last_updated TEXT,
    last_error TEXT,
    last_warning TEXT,
    error_count INTEGER NOT NULL DEFAULT 0,
    next_fetch_after TEXT
);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    guid TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    published TEXT,
    updated TEXT,
    added_at TEXT NOT NULL,
    sort_date TEXT NOT NULL,
    summary_html TEXT NOT NULL DEFAULT '',
    content_html TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    text_sha TEXT NOT NULL DEFAULT '',
    entry_hash TEXT NOT NULL DEFAULT '',
    extraction TEXT NOT NULL DEFAULT 'feed',
    extraction_error TEXT,
    site_name TEXT NOT NULL DEFAULT '',
    image_url TEXT NOT NULL DEFAULT '',
    ai_score REAL,
    read INTEGER NOT NULL DEFAULT 0,
    read_at TEXT,
    starred INTEGER NOT NULL DEFAULT 0,
    UNIQUE (feed_id, key)
);
CREATE INDEX articles_by_date ON articles (sort_date DESC, id DESC);
CREATE INDEX articles_by_feed ON articles (feed_id, sort_date DESC, id DESC);
CREATE INDEX articles_unread ON articles (sort_date DESC, id DESC) WHERE read = 0;
CREATE INDEX articles_starred ON articles (sort_date DESC, id DESC) WHERE starred = 1;
CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind TEXT NOT NULL DEFAULT 'user' CHECK (kind IN ('user', 'auto'))
);
CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX article_tags_by_tag ON article_tags (tag_id, article_id);
CREATE TABLE feed_tags (
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (feed_id, tag_id)
) WITHOUT ROWID;
CREATE TABLE article_tombstones (
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    deleted_at TEXT NOT NULL,
    PRIMARY KEY (feed_id, key)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END
"""

# The app: saved searches in the sidebar, remembered preferences (theme), and
# feeds that were removed but keep the articles the user tagged or starred.
_M0002_APP = """
CREATE TABLE saved_searches (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    query TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE TABLE preferences (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
ALTER TABLE feeds ADD COLUMN unsubscribed_at TEXT;
CREATE INDEX articles_by_title ON articles (lower(title), id);
-- Per-feed article and unread counts for the sidebar, from the index alone
-- (7 ms at 100,000 articles instead of 190 ms reading every row).
CREATE INDEX articles_feed_read ON articles (feed_id, read)
"""

# Entities: canonical entities, their mentions in article text (computed at
# ingest, replaced whenever the text or the user's rules change), the user's
# own rules, and which recogniser version analysed each article. Tags on an
# article say who set them: an automatic tag (such as `ai`) never replaces or
# removes the user's own.
_M0003_ENTITIES = """
CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    UNIQUE (name, label)
);
CREATE INDEX entities_by_name ON entities (name COLLATE NOCASE);
CREATE TABLE mentions (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    source TEXT NOT NULL,
    PRIMARY KEY (article_id, start)
) WITHOUT ROWID;
CREATE INDEX mentions_by_entity ON mentions (entity_id, article_id);
CREATE TABLE entity_rules (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('entity', 'alias', 'ignore')),
    surface TEXT NOT NULL,
    entity TEXT NOT NULL DEFAULT '',
    label TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (kind, surface)
);
ALTER TABLE articles ADD COLUMN analysed_with TEXT;
-- Articles stored before entities existed (an upgraded database) wait here
-- for `reader reanalyse`; the partial index makes counting them free.
CREATE INDEX articles_unanalysed ON articles (id) WHERE analysed_with IS NULL;
ALTER TABLE article_tags ADD COLUMN source TEXT NOT NULL DEFAULT 'user'
    CHECK (source IN ('user', 'auto'))
"""

# Annotations: highlights (anchored by quote and position on a text version)
# and article notes. An annotated article cannot be deleted by accident: the
# foreign key restricts, so only an explicit purge removes annotations first.
# Old texts that an annotation still points at are kept in article_versions.
_M0004_ANNOTATIONS = """
CREATE TABLE article_versions (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    text_sha TEXT NOT NULL,
    text TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (article_id, text_sha)
) WITHOUT ROWID;
CREATE TABLE annotations (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE RESTRICT,
    kind TEXT NOT NULL CHECK (kind IN ('highlight', 'note')),
    exact TEXT NOT NULL DEFAULT '',
    prefix TEXT NOT NULL DEFAULT '',
    suffix TEXT NOT NULL DEFAULT '',
    start INTEGER,
    "end" INTEGER,
    text_sha TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'exact'
        CHECK (state IN ('exact', 'moved', 'fuzzy', 'orphan')),
    score REAL NOT NULL DEFAULT 1.0,
    note TEXT NOT NULL DEFAULT '',
    color TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX annotations_by_article ON annotations (article_id, start);
CREATE TABLE annotation_tags (
    annotation_id INTEGER NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (annotation_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX annotation_tags_by_tag ON annotation_tags (tag_id, annotation_id);
CREATE VIRTUAL TABLE annotations_fts USING fts5(
    exact, note, content='annotations', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER annotations_fts_insert AFTER INSERT ON annotations BEGIN
    INSERT INTO annotations_fts (rowid, exact, note) VALUES (new.id, new.exact, new.note);
END;
CREATE TRIGGER annotations_fts_delete AFTER DELETE ON annotations BEGIN
    INSERT INTO annotations_fts (annotations_fts, rowid, exact, note)
    VALUES ('delete', old.id, old.exact, old.note);
END;
CREATE TRIGGER annotations_fts_update AFTER UPDATE OF exact, note ON annotations BEGIN
    INSERT INTO annotations_fts (annotations_fts, rowid, exact, note)
    VALUES ('delete', old.id, old.exact, old.note);
    INSERT INTO annotations_fts (rowid, exact, note) VALUES (new.id, new.exact, new.note);
END
"""

# Per-site boilerplate learning (reader.core.site_boilerplate): the pages read
# of each host and which of them carried a paragraph, by fingerprint only.
# WITHOUT ROWID: the key is the whole row; page before paragraph, so a pruned
# article's page is forgotten by its key prefix.
_M0005_SITE_PARAGRAPHS = """
CREATE TABLE site_pages (
    host TEXT NOT NULL,
    page INTEGER NOT NULL,
    PRIMARY KEY (host, page)
) WITHOUT ROWID;
CREATE TABLE site_paragraphs (
    host TEXT NOT NULL,
    paragraph INTEGER NOT NULL,
    page INTEGER NOT NULL,
    PRIMARY KEY (host, page, paragraph)
) WITHOUT ROWID
"""

# Stories: articles that report the same news (see reader.core.stories).
# story_keys is the index a new article finds its candidates through (LSH band
# keys of its text and keys of its salient entities, each with the article's
# day); an article that goes (unsubscribing, retention) takes its keys along,
# and a story left without articles goes too. story_articles.entities: the
# article's salient entity keys, packed (signature.salient_keys).
# The watchlist: entities and searches the user follows, with when the user
# last looked at each (for counts of new stories).
# The first version of this migration ("0006_stories") was on main for a few
# minutes with two indexes where story_keys is now; its tables are replaced.
_M0007_STORIES = """
DROP TRIGGER IF EXISTS story_articles_gone;
DROP TABLE IF EXISTS story_bands;
DROP TABLE IF EXISTS story_entities;
DROP TABLE IF EXISTS story_articles;
DROP TABLE IF EXISTS stories;
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL
);
CREATE TABLE story_articles (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    story_id INTEGER NOT NULL REFERENCES stories(id),
    signature BLOB,
    shingles INTEGER NOT NULL DEFAULT 0,
    entities BLOB NOT NULL DEFAULT x'',
    sort_date TEXT NOT NULL
);
CREATE INDEX story_articles_by_story ON story_articles (story_id, article_id);
CREATE INDEX story_articles_by_date ON story_articles (sort_date);
-- day: the article's date as a day number, so a lookup reads only the key's
-- rows within the matching window however large the archive grows.
CREATE TABLE story_keys (
    key INTEGER NOT NULL,
    day INTEGER NOT NULL,
    article_id INTEGER NOT NULL,
    PRIMARY KEY (key, day, article_id)
) WITHOUT ROWID;
CREATE INDEX story_keys_by_article ON story_keys (article_id);
CREATE TRIGGER story_articles_gone AFTER DELETE ON story_articles BEGIN
    DELETE FROM story_keys WHERE article_id = old.article_id;
    DELETE FROM stories WHERE id = old.story_id
        AND NOT EXISTS (SELECT 1 FROM story_articles WHERE story_id = old.story_id);
END;
CREATE TABLE IF NOT EXISTS follows (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('entity', 'search')),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    UNIQUE (kind, name)
)
"""

# Whether an article's page is worth another try is a status of its own
# (reader.core.models.ExtractionStatus), no longer read from the wording of
# its error. Articles whose page could not be fetched said so by the prefix
# "article page: ": they keep being retried after the upgrade.
_M0006_EXTRACTION_STATUS = """
ALTER TABLE articles ADD COLUMN extraction_status TEXT NOT NULL DEFAULT 'done'
    CHECK (extraction_status IN ('done', 'failed', 'retry'));
UPDATE articles SET extraction_status = CASE
    WHEN extraction_error LIKE 'article page: %' THEN 'retry'
    ELSE 'failed' END
WHERE extraction_error IS NOT NULL
"""

# An article's index keys, packed beside it (story_articles.keys: a JSON array;
# key_day: the day they are indexed under), so the trigger removes them through
# story_keys' primary key. The secondary index by article that did it before
# cost a second B-tree insert for each of the ~44 rows an article adds, for
# deletions alone (issue 12, fifth pass in docs/benchmarks.md).
_M0008_STORY_KEYS_PACKED = """
ALTER TABLE story_articles ADD COLUMN key_day INTEGER NOT NULL DEFAULT 0;
ALTER TABLE story_articles ADD COLUMN keys TEXT NOT NULL DEFAULT '[]';
UPDATE story_articles SET (key_day, keys) = (
    SELECT coalesce(min(k.day), 0), json_group_array(k.key) FROM story_keys k
    WHERE k.article_id = story_articles.article_id
);
DROP TRIGGER story_articles_gone;
DROP INDEX story_keys_by_article;
CREATE TRIGGER story_articles_gone AFTER DELETE ON story_articles BEGIN
    DELETE FROM story_keys WHERE key IN (SELECT value FROM json_each(old.keys))
        AND day = old.key_day AND article_id = old.article_id;
    DELETE FROM stories WHERE id = old.story_id
        AND NOT EXISTS (SELECT 1 FROM story_articles WHERE story_id = old.story_id);
END
"""

# Feeds whose articles an older version may have keyed differently (see
# reader.core.legacy_keys): those that were there before 0002, which came with
# the last change of keys (7ca0232). Compared to the second: 0002's time is
# sqlite-utils' ("2026-12-07 12:09:31.731905+00:00"), a feed's ours
# ("2026-12-07T12:09:31Z"); a feed added in the same second is listed, which
# costs one more reading of its feed. A database made since has no feed yet
# when this runs. The refresh takes a feed off once it has been through it.
_M0009_LEGACY_KEY_FEEDS = """
CREATE TABLE legacy_key_feeds (
    feed_id INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE
);
INSERT INTO legacy_key_feeds (feed_id)
SELECT id FROM feeds WHERE substr(added_at, 1, 19) <= (
    SELECT replace(substr(applied_at, 1, 19), ' ', 'T') FROM _sqlite_migrations
    WHERE migration_set = 'reader' AND name = '0002_app'
);
"""

# Dates stored by earlier versions outside the one rule of
# reader.core.feed_dates (review14c): an item dated year 1 was stored as
# `1-01-01T00:00:00Z`, not ISO text, and every later refresh, `reader stories`
# and `reader digest` failed on it for good; years 100-999 were stored with
# three digits, and years before 1900 are no item's date. Such a date is
# dropped, as the feed parser now does; an article's place in the list then is
# the time it was fetched (what store.write_feed gives an undated item), and
# one whose place changed leaves its story, to be grouped again when stories
# are next asked for (stories.facade.group_pending). Repaired once here, so
# every reader of a stored date can trust it is one.
_STORED_DATE = "GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z'"
_M0010_FEED_DATES = f"""
UPDATE articles SET published = NULL
    WHERE published IS NOT NULL AND NOT (published {_STORED_DATE} AND published >= '1900');
UPDATE articles SET updated = NULL
    WHERE updated IS NOT NULL AND NOT (updated {_STORED_DATE} AND updated >= '1900');
DELETE FROM story_articles
    WHERE NOT (sort_date {_STORED_DATE} AND sort_date >= '1900')
    OR article_id IN (SELECT id FROM articles
                      WHERE NOT (sort_date {_STORED_DATE} AND sort_date >= '1900'));
UPDATE articles SET sort_date = added_at
    WHERE NOT (sort_date {_STORED_DATE} AND sort_date >= '1900')
"""

# (name, sql) in order. The name is what sqlite-utils records as applied.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("0001_core", _M0001_CORE),
    ("0002_app", _M0002_APP),
    ("0003_entities", _M0003_ENTITIES),
    ("0004_annotations", _M0004_ANNOTATIONS),
    ("0005_site_paragraphs", _M0005_SITE_PARAGRAPHS),
    ("0006_extraction_status", _M0006_EXTRACTION_STATUS),
    ("0007_story_keys", _M0007_STORIES),
    ("0008_story_keys_packed", _M0008_STORY_KEYS_PACKED),
    ("0009_legacy_key_feeds", _M0009_LEGACY_KEY_FEEDS),
    ("0010_feed_dates", _M0010_FEED_DATES),
)


# Names earlier versions applied that are no longer in MIGRATIONS: the
# stories' first migrations, replaced by 0007 (see _M0007_STORIES).
RETIRED_MIGRATIONS = frozenset({"0005_stories", "0006_stories", "0006_story_keys"})


class NewerDatabaseError(sqlite3.DatabaseError):
    """The database was migrated by a newer version of reader: this one does
    not know its schema's rules and must not write to it."""


def pending_migrations(conn: sqlite3.Connection) -> list[str]:
    """Names not yet applied, read with plain sqlite3. Raises NewerDatabaseError
    when an applied one is unknown: a newer version's migration may have added
    columns, constraints or triggers that this version's writes would break.

    Importing sqlite-utils costs ~100 ms; a refresh of unchanged feeds must
    start fast, so it is imported only when there is a migration to run.
    """
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    applied: set[str] = set()
    if exists:
        applied = {
            row[0]
            for row in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (MIGRATION_SET,)
            )
        }
    known = {name for name, _ in MIGRATIONS}
    newer = sorted(applied - known - RETIRED_MIGRATIONS)
    if newer:
        raise NewerDatabaseError(
            f"it was made by a newer version of reader (schema {newer[-1]}, this"
            f" version knows up to {MIGRATIONS[-1][0]}); upgrade reader to open it"
        )
    return [name for name, _ in MIGRATIONS if name not in applied]


def apply_migrations(conn: sqlite3.Connection, *, stop_before: str | None = None) -> None:
    """Run pending migrations, each in its own transaction with its record."""
    from sqlite_utils import Database, Migrations

    migrations = Migrations(MIGRATION_SET)
    for name, sql in MIGRATIONS:

        def migration(db: Any, sql: str = sql) -> None:
            _statements(db, sql)

        migrations(name=name)(migration)
    db = Database(conn)
    migrations.apply(db, stop_before=stop_before)
