"""bench/eval_entities.py: choosing the labelled set and the CrossNER-style mapping."""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_entities", ROOT / "bench/eval_entities.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_entities"] = module
    spec.loader.exec_module(module)
    return module


def test_a_set_without_labels_falls_back_to_the_inline_file_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    script = load_script()
    monkeypatch.setattr(script, "DATA_DIR", tmp_path)
    inline = tmp_path / "inline.txt"
    inline.write_text("[[OpenAI|ORG]] hired [[Sam Altman|PERSON]].\n", encoding="utf-8")
    monkeypatch.setattr(script, "REPO_ROOT", tmp_path)
    (tmp_path / "ner_dev_refs.jsonl").write_text("", encoding="utf-8")
    args = argparse.Namespace(set="dev", data=inline, corpora=tmp_path / "ner")
    title, docs = script.load_set(args)
    assert title == str(inline)
    assert docs == [("OpenAI hired Sam Altman.", [(0, 6, "ORG"), (13, 23, "PERSON")])]
    assert "ner_dev_labels.jsonl not found" in capsys.readouterr().out


def test_crossner_style_counts_models_as_products() -> None:
    script = load_script()
    docs = [[(0, 5, "AI_MODEL"), (6, 9, "ORG")], [(1, 2, "PRODUCT")]]
    assert script.as_product(docs) == [[(0, 5, "PRODUCT"), (6, 9, "ORG")], [(1, 2, "PRODUCT")]]
    gold = [[(0, 5, "PRODUCT")]]
    pred = [[(0, 5, "AI_MODEL")]]
    assert script.score_docs(gold, pred).typed.tp == 0
    assert script.score_docs(script.as_product(gold), script.as_product(pred)).typed.tp == 1


def test_a_source_group_scores_only_its_sources_paragraphs(tmp_path: Path) -> None:
    script = load_script()
    import label_sets

    corpora = tmp_path / "corpora"
    pages = corpora / label_sets.PAGES_PATH
    pages.mkdir(parents=True)
    bodies = {"p1": "Anthropic released Claude.", "p2": "Ford sold trucks."}
    (pages / "ground-truth.json").write_text(
        json.dumps({page: {"articleBody": body} for page, body in bodies.items()}),
        encoding="utf-8",
    )
    data = tmp_path / "data"
    data.mkdir()
    refs = [
        {"id": "t1", "corpus": "page", "page": "p1", "para": 0, "source": "anthropic.com"},
        {"id": "t2", "corpus": "page", "page": "p2", "para": 0, "source": "ford.com"},
    ]
    for ref in refs:
        ref["sha1"] = label_sets.sha1(bodies[str(ref["page"])])
    (data / "ner_test_refs.jsonl").write_text(
        "".join(json.dumps(ref) + "\n" for ref in refs), encoding="utf-8"
    )
    (data / "ner_test_labels.jsonl").write_text(
        json.dumps({"id": "t1", "spans": [[0, 9, "ORG"]]})
        + "\n"
        + json.dumps({"id": "t2", "spans": [[0, 4, "ORG"]]})
        + "\n",
        encoding="utf-8",
    )
    script.DATA_DIR = data
    every = argparse.Namespace(set="test", data=None, corpora=corpora / "ner", sources=None)
    title, docs = script.load_set(every)
    assert len(docs) == 2 and title == "test set (2 sources)"
    ai_only = argparse.Namespace(set="test", data=None, corpora=corpora / "ner", sources="ai")
    title, docs = script.load_set(ai_only)
    assert title == "test set (1 sources, ai sources only)"
    assert docs == [("Anthropic released Claude.", [(0, 9, "ORG")])]
