"""Entities found at ingest, stored, followed and corrected; the automatic `ai` tag.

A real refresh from loopback feeds, driven through the installed console script.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from loopback import LoopbackServer, article_page, rss

SCRIPT = Path(sys.executable).parent / "reader"
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "reader"]

FUNDING = (
    "OpenAI said on Wednesday it had raised $6.6 billion in new funding. Sam Altman, "
    "the chief executive, said the money would pay for more computing power to train "
    "large language models and to build new data centres for its chatbot."
)
MODELS = (
    "Anthropic released a new version of its Claude language model for software "
    "developers. The model writes and reviews code, and the company said its benchmark "
    "results beat every earlier release on agentic coding tasks and long documents."
)
COUNCIL = (
    "The city council approved a new budget for road repairs and parks on Tuesday. "
    "The mayor said the plan would fix potholes on Main Street before winter, add two "
    "playgrounds and extend the opening hours of the public library on weekends."
)
FOUNDERS = (
    "Mark Zuckerberg said Meta would buy robots from Parallax, a start-up in Montreal. "
    "Parallax's chief executive, Sofía Valderrama, said the deal was its largest. "
    "Valderrama said Zuckerberg had asked for a demonstration of its world model."
)
STORIES = {"funding": FUNDING, "models": MODELS, "council": COUNCIL, "founders": FOUNDERS}
TITLES = {
    "funding": "OpenAI raises $6.6 billion",
    "models": "Anthropic updates Claude for coders",
    "council": "Council approves road budget",
    "founders": "Meta buys robots from a start-up",
}

Run = Callable[..., subprocess.CompletedProcess[str]]


def make_cli(tmp_path: Path, config: str = "") -> Run:
    tmp_path.mkdir(parents=True, exist_ok=True)
    config_path = tmp_path / "config.toml"
    config_path.write_text(
        "[http]\ntotal_timeout = 5.0\n[refresh]\nextract_workers = 1\n" + config, encoding="utf-8"
    )
    env = {**os.environ, "READER_DB": str(tmp_path / "e.db"), "READER_CONFIG": str(config_path)}

    def run(
        *args: str, ok: bool = True, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [*COMMAND, *args], capture_output=True, text=True, env=env, timeout=60, input=stdin
        )
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    return run


# The stories of the mixed feed most tests serve.
MIXED = ("funding", "models", "council")


def serve(server: LoopbackServer, keys: tuple[str, ...] = MIXED) -> str:
    items = []
    for n, key in enumerate(keys):
        page = server.add(
            f"/{key}",
            body=article_page(TITLES[key], [STORIES[key], STORIES[key]]),
            content_type="text/html",
        )
        items.append(
            {
                "title": TITLES[key],
                "link": page,
                "guid": key,
                "description": "teaser",
                "pubDate": f"Mon, 0{n + 1} Jun 2026 10:00:00 GMT",
            }
        )
    return server.add("/feed.xml", body=rss(items, title="Mixed news"))


def articles(run: Run, *args: str) -> dict[str, dict[str, Any]]:
    found = json.loads(run("articles", "--json", *args).stdout)
    return {a["title"]: a for a in found}


def show(run: Run, article_id: int) -> dict[str, Any]:
    return dict(json.loads(run("show", str(article_id), "--json").stdout))


def entities_of(shown: dict[str, Any]) -> dict[str, str]:
    return {m["entity"]: m["label"] for m in shown["mentions"]}


@pytest.fixture
def cli(tmp_path: Path) -> Run:
    return make_cli(tmp_path)


def test_refresh_stores_mentions_with_offsets_into_the_text(
    cli: Run, server: LoopbackServer
) -> None:
    cli("add", serve(server))
    by_title = articles(cli)
    shown = show(cli, by_title[TITLES["funding"]]["id"])
    assert shown["mentions"], shown["text"]
    for m in shown["mentions"]:
        assert {"start", "end", "label", "text", "entity"} <= set(m)
        assert shown["text"][m["start"] : m["end"]] == m["text"]
    assert entities_of(shown).items() >= {
        ("OpenAI", "ORG"),
        ("Sam Altman", "PERSON"),
        ("$6.6 billion", "MONEY"),
    }
    starts = [m["start"] for m in shown["mentions"]]
    assert starts == sorted(starts)
    # Following an entity by a partial name or another case resolves it.
    assert set(articles(cli, "--entity", "Altman")) == {TITLES["funding"]}
    assert set(articles(cli, "--entity", "openai")) == {TITLES["funding"]}
    assert articles(cli, "--entity", "Nobody In Particular") == {}
    council = show(cli, by_title[TITLES["council"]]["id"])
    assert "OpenAI" not in entities_of(council)


def test_following_an_entity_by_any_case_surname_or_short_name(
    cli: Run, server: LoopbackServer
) -> None:
    cli("add", serve(server, ("funding", "founders")))
    founders, funding = {TITLES["founders"]}, {TITLES["funding"]}
    # Known to the knowledge base, in any case; a surname alone.
    assert set(articles(cli, "--entity", "altman")) == funding
    assert set(articles(cli, "--entity", "SAM ALTMAN")) == funding
    assert set(articles(cli, "--entity", "zuckerberg")) == founders
    # Found in the articles only: by surname, and the start-up by its name.
    assert set(articles(cli, "--entity", "valderrama")) == founders
    assert set(articles(cli, "--entity", "parallax")) == founders
    # An empty result says so on stderr; the JSON output stays an empty list.
    empty = cli("articles", "--json", "--entity", "nobody in particular")
    assert json.loads(empty.stdout) == []
    assert "no articles mention 'nobody in particular'" in empty.stderr
    plain = cli("articles", "--entity", "nobody in particular")
    assert plain.stdout == "" and "no articles mention" in plain.stderr


def test_entities_command_reads_a_file_or_standard_input(cli: Run, tmp_path: Path) -> None:
    text = "Intro — " + FUNDING  # offsets count code points, not bytes
    path = tmp_path / "in.txt"
    path.write_text(text, encoding="utf-8")
    from_file = json.loads(cli("entities", str(path), "--json").stdout)
    from_stdin = json.loads(cli("entities", "--json", stdin=text).stdout)
    assert from_file == from_stdin
    for m in from_file:
        assert text[m["start"] : m["end"]] == m["text"]
    assert {(m["entity"], m["label"]) for m in from_file} >= {
        ("OpenAI", "ORG"),
        ("Sam Altman", "PERSON"),
        ("$6.6 billion", "MONEY"),
    }
    assert json.loads(cli("entities", "--json", stdin="").stdout) == []
    plain = cli("entities", str(path)).stdout
    assert "PERSON" in plain and "Sam Altman" in plain


def test_entity_rules_reanalyse_stored_articles(cli: Run, server: LoopbackServer) -> None:
    cli("add", serve(server, ("funding", "council")))
    article_id = articles(cli)[TITLES["funding"]]["id"]

    done = cli("entity", "type", "OpenAI", "PRODUCT")
    assert "re-analysed 1 article" in done.stdout
    assert entities_of(show(cli, article_id))["OpenAI"] == "PRODUCT"

    cli("entity", "alias", "Sam Altman", "the chief executive")
    mentions = show(cli, article_id)["mentions"]
    alias = [m for m in mentions if m["text"] == "the chief executive"]
    assert alias and all(m["entity"] == "Sam Altman" for m in alias)

    cli("entity", "ignore", "Sam Altman")
    shown = show(cli, article_id)
    assert "Sam Altman" not in {m["text"] for m in shown["mentions"]}
    assert articles(cli, "--entity", "Sam Altman") == {}
    rules = json.loads(cli("entity", "rules", "--json").stdout)
    assert {"kind": "ignore", "surface": "Sam Altman", "entity": "", "label": ""} in rules

    cli("entity", "ignore", "Sam Altman", "--undo")
    assert "Sam Altman" in {m["text"] for m in show(cli, article_id)["mentions"]}


@pytest.mark.parametrize("name", ["", " ", "\x9b2J"])
def test_an_alias_of_no_entity_is_refused(cli: Run, server: LoopbackServer, name: str) -> None:
    """`entity alias NAME ALIAS` with a name that is empty once cleaned (blank,
    or only a terminal control): refused in one line, no rule stored. It was
    stored pointing at "", and every mention of the alias became a nameless
    entity (a blank line in `entity top`)."""
    cli("add", serve(server, ("funding",)))
    done = cli("entity", "alias", name, "Sam Altman", ok=False)
    assert done.returncode == 1
    assert done.stderr == "reader: an alias needs the name of the entity it stands for\n"
    assert json.loads(cli("entity", "rules", "--json").stdout) == []
    top = json.loads(cli("entity", "top", "--json").stdout)
    assert all(entry["entity"] for entry in top)


def test_ai_tag_is_automatic_and_never_overrides_the_users(
    cli: Run, server: LoopbackServer, tmp_path: Path
) -> None:
    cli("add", serve(server))
    by_title = articles(cli)
    assert "ai" in by_title[TITLES["funding"]]["tags"]
    assert "ai" in by_title[TITLES["models"]]["tags"]
    assert "ai" not in by_title[TITLES["council"]]["tags"]
    assert set(articles(cli, "--tag", "ai")) == {TITLES["funding"], TITLES["models"]}
    # The user tags one AI article `ai` themselves.
    cli("tag", str(by_title[TITLES["funding"]]["id"]), "ai")

    # Stricter settings: re-analysis drops the automatic tag everywhere...
    strict = make_cli(tmp_path, "[entities]\nai_threshold = 1.0\n")
    assert "re-analysed 3 articles" in strict("reanalyse", "--all").stdout
    after = articles(strict)
    # ...but not the one the user set.
    assert after[TITLES["funding"]]["tags"] == ["ai"]
    assert after[TITLES["models"]]["tags"] == []
    assert after[TITLES["council"]]["tags"] == []


def test_ai_only_feeds_skip_other_articles_at_ingest(
    server: LoopbackServer, tmp_path: Path
) -> None:
    feed_url = serve(server)
    run = make_cli(tmp_path, f'[entities]\nai_only_feeds = ["{feed_url}"]\n')
    done = run("add", feed_url)
    assert "2 new articles" in done.stdout
    assert "1 article skipped as not about AI" in done.stdout
    assert set(articles(run)) == {TITLES["funding"], TITLES["models"]}
    council_hits = len(server.hits("/council"))

    # Every entry of the feed changes; the skipped article does not come back.
    items = [
        {"title": TITLES[k], "link": server.url(f"/{k}"), "guid": k, "description": "v2"}
        for k in MIXED
    ]
    server.add("/feed.xml", body=rss(items, title="Mixed news"))
    again = run("refresh")
    assert "skipped as not about AI" not in again.stdout
    assert set(articles(run)) == {TITLES["funding"], TITLES["models"]}
    assert len(server.hits("/council")) == council_hits
    # A feed not listed keeps everything.
    other = make_cli(tmp_path / "other")
    other("add", feed_url)
    assert len(articles(other)) == 3


def test_reanalysis_of_a_text_that_changed_meanwhile_is_not_stored(tmp_path: Path) -> None:
    from reader.core.entities import Mention
    from reader.core.store import Store
    from records import article_id, record, write

    store = Store(tmp_path / "r.db")
    feed_id, _ = store.add_feed("https://news.example/feed.xml")
    write(store, feed_id, record("a1", "OpenAI said so."))
    aid = article_id(store, feed_id, "a1")
    [pending] = store.pending_analysis(ids=[aid])
    write(store, feed_id, record("a1", "Changed: OpenAI said so."))  # a refresh meanwhile
    stale = Mention(0, 6, "ORG", "OpenAI", "OpenAI", "kb")
    assert store.save_analysis([(aid, pending.text_sha, [stale], 0.9, [], "d")]) == 0
    assert store.mentions(aid) == []
    [fresh] = store.pending_analysis(ids=[aid])
    good = Mention(9, 15, "ORG", "OpenAI", "OpenAI", "kb")
    assert store.save_analysis([(aid, fresh.text_sha, [good], 0.9, [], "d")]) == 1
    assert [m.text for m in store.mentions(aid)] == ["OpenAI"]
    store.close()


def test_a_changed_text_whose_analysis_failed_keeps_no_stale_mentions(tmp_path: Path) -> None:
    """A refresh whose analysis job timed out stores the new text unanalysed:
    the old mentions (offsets into the old text) go, and `reanalyse` finds it."""
    import dataclasses

    from reader.core.entities import Mention
    from reader.core.store import Store
    from records import article_id, record, write

    store = Store(tmp_path / "r.db")
    feed_id, _ = store.add_feed("https://news.example/feed.xml")
    mention = Mention(0, 6, "ORG", "OpenAI", "OpenAI", "kb")
    analysed = dataclasses.replace(
        record("a1", "OpenAI said so."),
        mentions=(mention,),
        ai_score=0.9,
        auto_tags=("ai",),
        analysed_with="d",
    )
    write(store, feed_id, analysed)
    aid = article_id(store, feed_id, "a1")
    assert store.pending_analysis(digest="d") == []
    # The same article again with a longer text and no analysis (it timed out).
    write(store, feed_id, record("a1", "Changed at length: OpenAI said so."))
    assert store.mentions(aid) == []
    assert [p.id for p in store.pending_analysis(digest="d")] == [aid]
    # An unchanged text keeps its analysis when the analysis fails.
    write(store, feed_id, analysed)
    write(store, feed_id, dataclasses.replace(record("a1", "OpenAI said so."), title="New title"))
    assert [m.text for m in store.mentions(aid)] == ["OpenAI"]
    assert store.pending_analysis(digest="d") == []
    store.close()
