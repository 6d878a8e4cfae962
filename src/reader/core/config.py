"""Settings: a TOML file read with tomllib into frozen dataclasses.

Every key is documented in config.example.toml (a test loads that file). Unknown
keys are an error rather than silently ignored, so a typo does not quietly leave
a setting at its default.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader import __version__

APP_NAME = "reader"
DB_ENV = "READER_DB"
CONFIG_ENV = "READER_CONFIG"


class ConfigError(ValueError):
    """The configuration file is unreadable or has a wrong key or value."""


PRIVATE_ADDRESS_MODES = ("feed-network", "always", "never")
# String settings that take one of a few words.
_CHOICES: dict[str, tuple[str, ...]] = {"[http] private_addresses": PRIVATE_ADDRESS_MODES}
# String settings sent as an HTTP header's value: visible ASCII and spaces only.
# httpx refuses anything else when it builds the client, which ended every
# refresh in an "unexpected error"; a line break would start another header.
_HEADER_VALUES = frozenset({"[http] user_agent"})
_HEADER_VALUE = re.compile(r"[\x20-\x7e]*")


@dataclass(frozen=True, slots=True)
class StorageSettings:
    db: str = ""  # empty: reader.db in the user data folder
    data_dir: str = ""  # empty: the platform's user data folder
    # Seconds a command waits for another one's write to finish before it gives up.
    busy_timeout: float = 30.0


@dataclass(frozen=True, slots=True)
class HttpSettings:
    user_agent: str = (
        f"reader/{__version__} (terminal feed reader; +https://pypi.org/project/reader-terminal/)"
    )
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_response_bytes: int = 10_000_000
    max_redirects: int = 5
    # Article pages and redirects to loopback, private, link-local or multicast
    # addresses: "feed-network" (only from a feed on that kind of network),
    # "always" or "never". See PRIVATE_ADDRESS_MODES.
    private_addresses: str = "feed-network"


@dataclass(frozen=True, slots=True)
class RefreshSettings:
    # Requests in flight over all hosts: a bound on sockets and bodies in memory,
    # not politeness (per_host is). 256 lets 30 hosts fill their 8 slots in one
    # round; at 128, 300 feeds on 30 hosts took a third round of latency.
    concurrency: int = 256
    per_host: int = 8
    extract: bool = True
    extract_workers: int = 0  # 0: one per CPU core
    extract_timeout: float = 30.0
    # All of one feed's article page requests together, from the start of its
    # page phase: pages not fetched by then keep the feed's text and are tried
    # again at a later refresh (one site dripping bytes held a feed for
    # minutes: N pages / per_host rounds of total_timeout each).
    pages_timeout: float = 180.0
    parse_timeout: float = 60.0  # one feed's parsing, and its articles' analysis
    backoff_base_minutes: float = 5.0
    backoff_max_hours: float = 24.0


@dataclass(frozen=True, slots=True)
class RetentionSettings:
    keep_days: int = 0  # 0: keep everything
    keep_unread: bool = True


STARTER_FEEDS: tuple[str, ...] = (
    "https://news.ycombinator.com/rss",
    "https://simonwillison.net/atom/everything/",
    "https://huggingface.co/blog/feed.xml",
    "https://openai.com/news/rss.xml",
    "https://deepmind.google/blog/rss.xml",
    "https://www.technologyreview.com/feed/",
    "https://feeds.arstechnica.com/arstechnica/index",
    "https://techcrunch.com/category/artificial-intelligence/feed/",
    "https://www.theverge.com/rss/index.xml",
    "https://importai.substack.com/feed",
    "https://www.latent.space/feed",
    "https://rss.arxiv.org/rss/cs.AI",
)


@dataclass(frozen=True, slots=True)
class UiSettings:
    theme: str = "textual-dark"  # the first theme; a theme picked in the app is remembered
    mark_read_on_open: bool = True  # Enter, or reading in the focused pane
    # Also mark read what only passed through the pane (the list's cursor
    # resting on it for a moment): newsreaders differ, so it is a choice.
    preview_marks_read: bool = False
    refresh_minutes: float = 0.0  # 0: refresh only when asked
    starter_feeds: tuple[str, ...] = STARTER_FEEDS


@dataclass(frozen=True, slots=True)
class EntitySettings:
    # Articles scoring at least this (0..1) get the automatic AI tag.
    ai_threshold: float = 0.5
    ai_tag: str = "ai"  # empty: no automatic tag
    # Feed URLs of general feeds: only their AI-relevant articles are kept.
    ai_only_feeds: tuple[str, ...] = ()
    # An optional spaCy pipeline (installed package name or path); empty: none.
    model: str = ""


@dataclass(frozen=True, slots=True)
class StorySettings:
    # Put a refresh's new articles in their stories at its end; false: only when
    # stories are asked for (the story list, `reader stories`, the digest).
    group_on_refresh: bool = True
    # Reading an article marks the other articles of its story read too.
    read_marks_story: bool = True


@dataclass(frozen=True, slots=True)
class Settings:
    storage: StorageSettings = field(default_factory=StorageSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    refresh: RefreshSettings = field(default_factory=RefreshSettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    entities: EntitySettings = field(default_factory=EntitySettings)
    stories: StorySettings = field(default_factory=StorySettings)
    # Binding id -> keys, e.g. {"app.refresh": "f5,r"}; applied with App.set_keymap.
    keymap: Mapping[str, str] = field(default_factory=dict)

    def db_path(self) -> Path:
        if self.storage.db:
            return Path(self.storage.db).expanduser()
        return self.data_dir() / "reader.db"

    def data_dir(self) -> Path:
        if self.storage.data_dir:
            return Path(self.storage.data_dir).expanduser()
        from platformdirs import user_data_dir

        return Path(user_data_dir(APP_NAME, appauthor=False))


def default_config_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def load_settings(path: str | Path | None = None, *, db: str | Path | None = None) -> Settings:
    """Settings from `path` (or $READER_CONFIG, or the default file if it exists).

    `db` (or $READER_DB) overrides the database path from the file.
    """
    explicit = path or os.environ.get(CONFIG_ENV)
    config_path = Path(explicit).expanduser() if explicit else default_config_path()
    data: Mapping[str, Any] = {}
    try:
        present = bool(explicit) or config_path.exists()
    except OSError as exc:  # a folder on the way that we may not enter
        raise ConfigError(f"cannot read config {config_path}: {exc.strerror or exc}") from exc
    if present:
        try:
            data = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"config file not found: {config_path}") from exc
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config {config_path}: {exc}") from exc
    settings = settings_from_mapping(data, source=str(config_path))
    db = db or os.environ.get(DB_ENV)
    if db:
        settings = dataclasses.replace(
            settings, storage=dataclasses.replace(settings.storage, db=str(db))
        )
    return settings


_SECTIONS: dict[str, type[Any]] = {
    "storage": StorageSettings,
    "http": HttpSettings,
    "refresh": RefreshSettings,
    "retention": RetentionSettings,
    "ui": UiSettings,
    "entities": EntitySettings,
    "stories": StorySettings,
}


def settings_from_mapping(data: Mapping[str, Any], *, source: str = "config") -> Settings:
    unknown = set(data) - set(_SECTIONS) - {"keymap"}
    if unknown:
        raise ConfigError(f"{source}: unknown section(s): {', '.join(sorted(unknown))}")
    sections: dict[str, Any] = {}
    for name, section_type in _SECTIONS.items():
        values = data.get(name, {})
        if not isinstance(values, Mapping):
            raise ConfigError(f"{source}: [{name}] must be a table")
        sections[name] = _build_section(section_type, values, source, name)
    keymap = data.get("keymap", {})
    if not isinstance(keymap, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in keymap.items()
    ):
        raise ConfigError(f'{source}: [keymap] maps binding ids to keys, e.g. "app.quit" = "q"')
    return Settings(**sections, keymap=dict(keymap))


def _build_section(cls: type[Any], values: Mapping[str, Any], source: str, name: str) -> Any:
    known = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{source}: unknown key [{name}] {key}")
        default = getattr(cls(), key)
        kwargs[key] = _coerce(value, default, f"[{name}] {key}", source)
    return cls(**kwargs)


# Upper bounds that keep every number usable where it goes (a timer, a date
# computed from a number of days or hours); any other number is capped at
# _MAXIMUM, far above any sensible setting and far below what overflows.
_MAXIMUM = 1e9
_LIMITS: dict[str, float] = {
    "[retention] keep_days": 36_500,  # a century
    "[refresh] backoff_base_minutes": 525_600,  # a year
    "[refresh] backoff_max_hours": 87_600,  # ten years
    "[ui] refresh_minutes": 525_600,
    "[entities] ai_threshold": 1.0,
    # SQLite takes it in milliseconds as a C int: past ~24.8 days it wraps and
    # a command would not wait at all.
    "[storage] busy_timeout": 86_400,  # a day
    # A process each, ~60 MB with the extractor loaded: 40 took 2.3 GB for
    # no gain on a machine of 2 cores.
    "[refresh] extract_workers": 4 * (os.cpu_count() or 1),
}


def _number(value: float, default: float, where: str, source: str) -> float:
    if not math.isfinite(value):
        raise ConfigError(f"{source}: {where} must be a finite number, not {value}")
    if value < 0:
        raise ConfigError(f"{source}: {where} must not be negative")
    limit = _LIMITS.get(where, _MAXIMUM)
    if value > limit:
        raise ConfigError(f"{source}: {where} must be at most {limit:g}, not {value:g}")
    if isinstance(default, int) and value != int(value):
        raise ConfigError(f"{source}: {where} must be a whole number, not {value:g}")
    return type(default)(value)


def _coerce(value: Any, default: Any, where: str, source: str) -> Any:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{source}: {where} must be true or false")
        return value
    if isinstance(default, int | float) and not isinstance(value, bool):
        if isinstance(value, int | float):
            return _number(value, default, where, source)
        raise ConfigError(f"{source}: {where} must be a number")
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(f"{source}: {where} must be a string")
        if "\x00" in value:  # no path, name or tag holds one; file APIs raise on it
            raise ConfigError(f"{source}: {where} must not contain a NUL character")
        if where in _HEADER_VALUES and not _HEADER_VALUE.fullmatch(value):
            raise ConfigError(
                f"{source}: {where} is sent as an HTTP header: only ASCII letters, digits,"
                " punctuation and spaces"
            )
        if where in _CHOICES and value not in _CHOICES[where]:
            raise ConfigError(f"{source}: {where} must be one of {', '.join(_CHOICES[where])}")
        return value
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{source}: {where} must be a list of strings")
        return tuple(value)
    raise ConfigError(f"{source}: {where} has an unsupported value")
