"""bench/eval_entities.py: choosing the labelled set and the CrossNER-style mapping."""

from __future__ import annotations

import argparse
import importlib.util
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
