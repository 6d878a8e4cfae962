"""bench/label_sets.py: labelled files become offsets only, checked against the corpus.

A tiny corpus is written into tmp_path (an RSS feed, an extraction-benchmark page) so
that no shared corpora are needed.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import label_sets

PARA_0 = "Short intro."
PARA_1 = "Anthropic said Claude Opus 4.6 costs $5 per million input tokens in the U.S. today."
FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Lab News</title>
<item><guid>https://lab.example/a</guid><link>https://lab.example/a</link>
<title>Opus 4.6 pricing</title><description>Prices for the new model.</description>
<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[
<p>{PARA_0}</p><p>Anthropic said   Claude Opus 4.6 costs
$5 per million input tokens in the U.S. today.</p>]]></content:encoded></item>
</channel></rss>
"""
PAGE_BODY = "Tennis star wins.\nThe match in Paris lasted 3 hours."


@pytest.fixture
def corpora(tmp_path: Path) -> Path:
    root = tmp_path / "corpora"
    feed = root / "feeds/lab.xml"
    feed.parent.mkdir(parents=True)
    feed.write_text(FEED, encoding="utf-8")
    pages = root / label_sets.PAGES_PATH
    (pages / "html").mkdir(parents=True)
    truth = {"p1": {"articleBody": PAGE_BODY, "url": "https://news.example/x"}}
    (pages / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    html = b"<html><head><title>Tennis  star wins</title></head><body></body></html>"
    (pages / "html/p1.html.gz").write_bytes(gzip.compress(html))
    return root


def ner_refs(tmp_path: Path) -> Path:
    refs = [
        {
            "id": "ner-t-1",
            "corpus": "feed",
            "path": "feeds/lab.xml",
            "entry": "https://lab.example/a",
            "para": 1,
            "source": "lab.example",
            "sha1": label_sets.sha1(PARA_1),
        }
    ]
    path = tmp_path / "refs.jsonl"
    label_sets.write_jsonl(path, refs)
    return path


LABELLED = (
    "# a comment block without id is ignored\n\n"
    "# id: ner-t-1\n# ref: feeds/lab.xml | https://lab.example/a | para 1\n"
    "[[Anthropic|ORG]] said [[Claude Opus 4.6|AI_MODEL]] costs "
    "[[$5 per million input tokens|MONEY]] in the [[U.S.|GPE]] today.\n"
)


def test_labelled_paragraph_becomes_offsets_into_the_corpus_text(
    tmp_path: Path, corpora: Path
) -> None:
    labelled = tmp_path / "ner.txt"
    labelled.write_text(LABELLED, encoding="utf-8")
    refs = ner_refs(tmp_path)
    rows = label_sets.convert_ner(labelled, refs)
    assert rows == [
        {
            "id": "ner-t-1",
            "spans": [[0, 9, "ORG"], [15, 30, "AI_MODEL"], [37, 64, "MONEY"], [72, 76, "GPE"]],
        }
    ]
    out = tmp_path / "labels.jsonl"
    label_sets.write_jsonl(out, rows)
    items = label_sets.load_ner(corpora, refs, out)
    assert items is not None and len(items) == 1
    text = items[0].text
    assert text == PARA_1  # whitespace of the HTML collapsed, characters kept
    assert [text[s:e] for s, e, _ in items[0].spans] == [
        "Anthropic",
        "Claude Opus 4.6",
        "$5 per million input tokens",
        "U.S.",
    ]


def test_a_changed_character_outside_the_markup_is_refused(tmp_path: Path) -> None:
    labelled = tmp_path / "ner.txt"
    # The final full stop was dropped while labelling: the text no longer matches.
    labelled.write_text(LABELLED.replace("today.", "today"), encoding="utf-8")
    with pytest.raises(label_sets.LabelFileError, match="differs from the corpus"):
        label_sets.convert_ner(labelled, ner_refs(tmp_path))


def test_unknown_label_and_missing_items_are_reported(tmp_path: Path) -> None:
    labelled = tmp_path / "ner.txt"
    labelled.write_text(LABELLED.replace("|GPE]]", "|LOC]]"), encoding="utf-8")
    with pytest.raises(label_sets.LabelFileError, match="unknown label 'LOC'"):
        label_sets.convert_ner(labelled, ner_refs(tmp_path))
    labelled.write_text("# id: other\nSomething.\n", encoding="utf-8")
    with pytest.raises(label_sets.LabelFileError, match=r"id not in refs\.jsonl"):
        label_sets.convert_ner(labelled, ner_refs(tmp_path))


def test_relevance_answers_and_page_items(tmp_path: Path, corpora: Path) -> None:
    feed_ref = {"corpus": "feed", "path": "feeds/lab.xml", "entry": "https://lab.example/a"}
    page_ref = {"corpus": "page", "path": label_sets.PAGES_PATH, "page": "p1"}
    refs = []
    for item_id, ref in (("rel-1", feed_ref), ("rel-2", page_ref)):
        found = label_sets.relevance_text(corpora, ref)
        assert found is not None
        refs.append(
            {
                "id": item_id,
                **ref,
                "source": "s",
                "sha1": label_sets.sha1(found[1] + "\n" + found[2]),
            }
        )
    refs_path = tmp_path / "rel_refs.jsonl"
    label_sets.write_jsonl(refs_path, refs)
    labelled = tmp_path / "rel.txt"
    labelled.write_text(
        "# id: rel-1\nfeed: Lab News\ntitle: Opus 4.6 pricing\nlead: x\nai: yes\n\n"
        "# id: rel-2\nfeed: (web page)\ntitle: Tennis star wins\nlead: y\nai: No\n",
        encoding="utf-8",
    )
    rows = label_sets.convert_relevance(labelled, refs_path)
    assert rows == [{"id": "rel-1", "ai": True}, {"id": "rel-2", "ai": False}]
    out = tmp_path / "rel_labels.jsonl"
    label_sets.write_jsonl(out, rows)
    items = label_sets.load_relevance(corpora, refs_path, out)
    assert items is not None
    assert [(i.feed_title, i.title, i.lead, i.ai) for i in items] == [
        ("Lab News", "Opus 4.6 pricing", "Prices for the new model.", True),
        ("", "Tennis star wins", "Tennis star wins. The match in Paris lasted 3 hours.", False),
    ]

    labelled.write_text("# id: rel-1\nai: maybe\n", encoding="utf-8")
    with pytest.raises(label_sets.LabelFileError, match="ai: yes' or 'ai: no"):
        label_sets.convert_relevance(labelled, refs_path)


def test_missing_corpora_give_a_message_not_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"
    labels = tmp_path / "labels.jsonl"
    labels.write_text("", encoding="utf-8")
    assert label_sets.load_ner(missing, ner_refs(tmp_path), labels) is None
    assert label_sets.load_relevance(missing, ner_refs(tmp_path), labels) is None
    assert "corpora not found" in capsys.readouterr().out


def test_span_problems_accepts_guideline_spans_and_names_each_fault() -> None:
    text = "Claude's maker Anthropic (US) raised $2 per million tokens."
    good = [[0, 6, "AI_MODEL"], [15, 24, "ORG"], [26, 28, "GPE"], [37, 58, "MONEY"]]
    assert label_sets.span_problems(text, good) == []

    def problem(spans: list[list[object]]) -> str:
        found = label_sets.span_problems(text, spans)
        assert len(found) == 1, found
        return found[0]

    assert "unknown label" in problem([[0, 6, "MODEL"]])
    assert "empty or negative" in problem([[6, 6, "ORG"]])
    assert "ends after the text" in problem([[37, 99, "MONEY"]])
    assert "overlaps" in problem([[15, 28, "ORG"], [26, 28, "GPE"]])
    assert "starts inside a word" in problem([[1, 6, "AI_MODEL"]])
    assert "ends inside a word" in problem([[15, 20, "ORG"]])
    assert "outer whitespace" in problem([[14, 24, "ORG"]])
    assert "punctuation at an edge" in problem([[25, 28, "GPE"]])  # "(US"
    assert "punctuation at an edge" in problem([[26, 29, "GPE"]])  # "US)"
    # Without the text only the form can be checked; the message never shows text.
    assert label_sets.span_problems(None, [[15, 20, "ORG"]]) == []
    hidden = label_sets.span_problems(text, [[15, 20, "ORG"]], show_text=False)
    assert hidden and "Anthr" not in hidden[0]


def test_convert_refuses_spans_that_break_the_boundary_rules(tmp_path: Path) -> None:
    labelled = tmp_path / "ner.txt"
    # "[[U.S|GPE]]." would be fine; a span cut inside a word is not.
    labelled.write_text(LABELLED.replace("[[Anthropic|ORG]]", "[[Anthrop|ORG]]ic"), "utf-8")
    with pytest.raises(label_sets.LabelFileError, match="ends inside a word"):
        label_sets.convert_ner(labelled, ner_refs(tmp_path))


def test_partial_conversion_allows_a_set_labelled_in_chunks(tmp_path: Path) -> None:
    refs = ner_refs(tmp_path)
    rows = [json.loads(line) for line in refs.read_text(encoding="utf-8").splitlines()]
    label_sets.write_jsonl(refs, [*rows, {**rows[0], "id": "ner-t-2"}])
    labelled = tmp_path / "ner.txt"
    labelled.write_text(LABELLED, encoding="utf-8")
    with pytest.raises(label_sets.LabelFileError, match="1 ids not labelled"):
        label_sets.convert_ner(labelled, refs)
    assert [r["id"] for r in label_sets.convert_ner(labelled, refs, partial=True)] == ["ner-t-1"]


def test_every_committed_entity_set_is_well_formed(capsys: pytest.CaptureFixture[str]) -> None:
    """Known ids, allowed labels, ordered spans that do not overlap (no corpora needed)."""
    data = Path(__file__).resolve().parent.parent / "bench/data"
    assert label_sets.check_ner_sets(data, None) == 0
    out = capsys.readouterr().out
    for name in ("ner_dev", "ner_test", "ner_train"):
        assert f"{name}_labels.jsonl:" in out


def test_headline_and_summary_references(tmp_path: Path, corpora: Path) -> None:
    """An entry's title or plain-text summary can be a labelled item (``para`` names it)."""
    base = {"corpus": "feed", "path": "feeds/lab.xml", "entry": "https://lab.example/a"}
    title = label_sets.ref_paragraph(corpora, {**base, "para": "title"})
    summary = label_sets.ref_paragraph(corpora, {**base, "para": "summary"})
    assert (title, summary) == ("Opus 4.6 pricing", "Prices for the new model.")
    refs = tmp_path / "refs.jsonl"
    label_sets.write_jsonl(
        refs,
        [{"id": "t-1", **base, "para": "title", "source": "s", "sha1": label_sets.sha1(title)}],
    )
    labelled = tmp_path / "ner.txt"
    labelled.write_text("# id: t-1\n[[Opus 4.6|AI_MODEL]] pricing\n", encoding="utf-8")
    out = tmp_path / "labels.jsonl"
    label_sets.write_jsonl(out, label_sets.convert_ner(labelled, refs))
    items = label_sets.load_ner(corpora, refs, out)
    assert items is not None and [(i.text, i.spans) for i in items] == [
        ("Opus 4.6 pricing", [(0, 8, "AI_MODEL")])
    ]


def test_the_relevance_dev_sets_share_no_feed_entry_or_site_with_the_test_set() -> None:
    data = Path(__file__).resolve().parent.parent / "bench/data"

    def rows(name: str) -> list[dict[str, object]]:
        text = (data / name).read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    test = rows("ai_relevance_test_refs.jsonl")
    dev2 = rows("ai_relevance_dev2_refs.jsonl")
    dev2_labels = rows("ai_relevance_dev2_labels.jsonl")
    assert [r["id"] for r in dev2] == [r["id"] for r in dev2_labels]
    assert all(isinstance(r["ai"], bool) for r in dev2_labels)
    test_paths = {r["path"] for r in test}
    test_sites = {r["source"] for r in test if r["corpus"] == "page"}
    first_wave = {"feeds/" + str(r["file"]) for r in rows("ai_relevance_labels.jsonl")}
    assert not first_wave & test_paths
    assert not {r["path"] for r in dev2} & test_paths
    assert not {r["entry"] for r in dev2} & {r.get("entry") for r in test}
    assert not {r["source"] for r in dev2} & test_sites
    # Broad enough to say something about sources nobody labelled.
    assert len(dev2) >= 400 and len({r["source"] for r in dev2}) >= 200
    # The third wave (papers, repositories, lab posts): disjoint from the test set the
    # same way, and no item of an earlier dev wave labelled again.
    dev3 = rows("ai_relevance_dev3_refs.jsonl")
    dev3_labels = rows("ai_relevance_dev3_labels.jsonl")
    assert [r["id"] for r in dev3] == [r["id"] for r in dev3_labels]
    assert all(isinstance(r["ai"], bool) for r in dev3_labels)
    assert not {r["path"] for r in dev3} & test_paths
    assert not {r["entry"] for r in dev3} & {r.get("entry") for r in test}
    assert not {r["source"] for r in dev3} & test_sites
    assert not {r["entry"] for r in dev3} & {r["entry"] for r in dev2}
    first_wave_entries = {str(r["entry"]) for r in rows("ai_relevance_labels.jsonl")}
    assert not {r["entry"] for r in dev3} & first_wave_entries
    assert len(dev3) >= 250
    # The fourth wave (what the corpora still held): disjoint the same way, from the
    # earlier waves, and from the articles the entity test set reads.
    dev4 = rows("ai_relevance_dev4_refs.jsonl")
    dev4_labels = rows("ai_relevance_dev4_labels.jsonl")
    assert [r["id"] for r in dev4] == [r["id"] for r in dev4_labels]
    assert all(isinstance(r["ai"], bool) for r in dev4_labels)
    assert not {r["path"] for r in dev4} & test_paths
    assert not {r["entry"] for r in dev4} & {r.get("entry") for r in test}
    assert not {r["source"] for r in dev4} & test_sites
    earlier = {r["entry"] for r in dev2 + dev3} | first_wave_entries
    assert not {r["entry"] for r in dev4} & earlier
    assert not {r["entry"] for r in dev4} & {r.get("entry") for r in rows("ner_test_refs.jsonl")}
    assert len(dev4) >= 350
