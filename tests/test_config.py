from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from reader.core.config import ConfigError, Settings, load_settings, settings_from_mapping

ROOT = Path(__file__).resolve().parent.parent


def test_example_config_loads_and_documents_the_defaults() -> None:
    example = ROOT / "config.example.toml"
    settings = load_settings(example)
    # The example shows every default: loading it gives the default settings.
    assert settings == Settings()
    data = tomllib.loads(example.read_text())
    for section in ("storage", "http", "refresh", "retention", "ui"):
        declared = {f for f in getattr(Settings(), section).__dataclass_fields__}
        assert set(data[section]) == declared, f"[{section}] keys differ from the settings"


def test_refresh_section_has_the_documented_keys() -> None:
    settings = settings_from_mapping(
        {"refresh": {"concurrency": 4, "per_host": 2, "extract": False}}
    )
    assert (settings.refresh.concurrency, settings.refresh.per_host) == (4, 2)
    assert settings.refresh.extract is False


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"refresh": {"concurency": 3}}, "unknown key [refresh] concurency"),
        ({"refresh": {"extract": "yes"}}, "must be true or false"),
        ({"http": {"total_timeout": -1}}, "must not be negative"),
        ({"http": {"user_agent": 5}}, "must be a string"),
        ({"bogus": {}}, "unknown section"),
        ({"storage": {"busy_timeout": 3e6}}, "[storage] busy_timeout must be at most 86400"),
        # A process each: 40 took 2.3 GB (review13).
        (
            {"refresh": {"extract_workers": 4 * (os.cpu_count() or 1) + 1}},
            f"[refresh] extract_workers must be at most {4 * (os.cpu_count() or 1)}",
        ),
    ],
)
def test_bad_settings_are_named(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        settings_from_mapping(data)


def test_db_flag_and_env_override_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[storage]\ndb = "/from/file.db"\n')
    assert load_settings(config).db_path() == Path("/from/file.db")
    monkeypatch.setenv("READER_DB", str(tmp_path / "env.db"))
    assert load_settings(config).db_path() == tmp_path / "env.db"
    assert load_settings(config, db=tmp_path / "flag.db").db_path() == tmp_path / "flag.db"
    monkeypatch.setenv("READER_CONFIG", str(config))
    monkeypatch.delenv("READER_DB")
    assert load_settings().db_path() == Path("/from/file.db")


def test_missing_or_broken_config_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[refresh\n")
    with pytest.raises(ConfigError, match="cannot read config"):
        load_settings(broken)


def test_default_paths_follow_xdg(tmp_path: Path) -> None:
    # conftest points XDG_DATA_HOME into tmp_path.
    assert load_settings().db_path() == tmp_path / "xdg-data" / "reader" / "reader.db"


def test_the_longest_busy_timeout_allowed_still_makes_sqlite_wait(tmp_path: Path) -> None:
    from reader.core.store import Store

    longest = settings_from_mapping({"storage": {"busy_timeout": 86_400}}).storage.busy_timeout
    store = Store(tmp_path / "r.db", busy_timeout=longest)
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 86_400_000
    store.close()
