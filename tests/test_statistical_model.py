"""The optional statistical recogniser: a real spaCy pipeline named in config.

The pipeline is built here (a blank English pipeline with an entity ruler,
saved to disk), so nothing is downloaded; spaCy itself is a test dependency.
"""

from __future__ import annotations

from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

from reader.core.analysis import analyse  # noqa: E402
from reader.core.config import EntitySettings  # noqa: E402
from reader.core.entities import Recognizer  # noqa: E402
from reader.core.entities.statistical import ModelError, load_model  # noqa: E402


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "ORG", "pattern": "Frobnitz Collective"},
            {"label": "GPE", "pattern": "Zembla"},
            {"label": "PERSON", "pattern": "OpenAI"},  # wrong on purpose: the KB must win
            {"label": "WORK_OF_ART", "pattern": "Pale Fire"},  # a label reader does not use
        ]
    )
    path = tmp_path_factory.mktemp("spacy") / "pipeline"
    nlp.to_disk(path)
    return path


def test_model_fills_what_the_other_recognisers_left(pipeline: Path) -> None:
    text = "The Frobnitz Collective in Zembla met OpenAI about Pale Fire."
    # Without the shipped span classifier, whose guesses share the source
    # "model" (it types "Pale Fire" an ORG): only the pipeline's are checked.
    recognizer = Recognizer(model=load_model(str(pipeline)), use_spans=False)
    found = {m.text: m for m in recognizer.find(text)}
    assert found["Frobnitz Collective"].label == "ORG"
    assert found["Frobnitz Collective"].source == "model"
    assert found["Zembla"].label == "GPE"
    assert found["OpenAI"].label == "ORG" and found["OpenAI"].source == "kb"
    assert "Pale Fire" not in found


def test_model_named_in_settings_is_used_by_the_analysis(pipeline: Path) -> None:
    settings = EntitySettings(model=str(pipeline))
    result = analyse("Title", "The Frobnitz Collective met.", "", settings)
    assert [(m.text, m.source) for m in result.mentions] == [("Frobnitz Collective", "model")]
    assert result.digest != analyse("Title", "x", "", EntitySettings()).digest


def test_a_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"never\s+downloads"):
        load_model(str(tmp_path / "no-such-pipeline"))


def test_cli_reports_an_unloadable_model(tmp_path: Path) -> None:
    import subprocess
    import sys

    config = tmp_path / "config.toml"
    config.write_text('[entities]\nmodel = "no_such_pipeline_xyz"\n')
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "reader",
            "--config",
            str(config),
            "--db",
            str(tmp_path / "r.db"),
            "feeds",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "no_such_pipeline_xyz" in result.stderr and "never" in result.stderr
