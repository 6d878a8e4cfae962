"""A feed item's title is recognised without the span classifier when nothing
can come of it (reader.core.analysis._title_mentions): the AI score reads only
the title's AI models that are evidence (relevance.model_evidence), and the
classifier's guesses are not. The analysis must stay what the title's full
mentions give: these titles have names only the classifier types ("V4 Pro",
"Muse Spark"), known and unknown models, names before a model and a
headline in capitals."""

from __future__ import annotations

import pytest

from reader.core.analysis import analyse, analyse_records, recognizer_for
from reader.core.config import EntitySettings
from reader.core.entities import Rule
from reader.core.entities.relevance import ai_score
from reader.core.models import ArticleRecord

TITLES = [
    "DeepSeek is back among the leading open weights models with V4 Pro and V4 Flash",
    "Muse Spark: Meta is back in the AI race",
    "Claude plays robotics",
    "Acme Robotics Llama 3 tops the chart",
    "Inside Mistral Large 2: Vantorix Codestral 22B",
    "Kestrel-3 8B Beats Larger Rivals On Reasoning Benchmarks",
    "Halvorsen Capital Backs Quillon In Series B Round",
    "lsdefine/GenericAgent",
    "Parallax unveils Vesper-0",
]
SUMMARY = (
    "Parallax, a start-up based in Lisbon, said its model beat GPT-4o on two benchmarks."
    " Its co-founder Sofia Valderrama expects revenue to double."
)
RULES = (Rule("entity", "Vesper", "Vesper", "AI_MODEL"), Rule("ignore", "Lisbon"))


@pytest.mark.parametrize("rules", [(), RULES], ids=["no rules", "user rules"])
@pytest.mark.parametrize("title", TITLES)
def test_the_score_is_the_one_of_the_titles_full_mentions(
    title: str, rules: tuple[Rule, ...]
) -> None:
    settings = EntitySettings()
    recognizer = recognizer_for(rules, settings.model)
    mentions = recognizer.find(SUMMARY)
    expected = ai_score(title, SUMMARY, mentions, "Tech news", recognizer.find(title))
    result = analyse(title, SUMMARY, "Tech news", settings, rules)
    assert result.ai_score == expected
    assert result.mentions == tuple(mentions)


def test_a_worker_batch_gets_the_analysis_of_each_item_alone() -> None:
    settings = EntitySettings()
    records = [
        ArticleRecord(
            *(str(i), "", "", title, "", None, None, "", "", SUMMARY if i % 2 else title),
            *("h", "feed", None, "", ""),
        )
        for i, title in enumerate(TITLES)
    ]
    done = analyse_records(records, "Tech news", settings, (), stories=True)
    for before, after in zip(records, done, strict=True):
        alone = analyse(before.title, before.text, "Tech news", settings)
        assert (after.mentions, after.ai_score, after.auto_tags, after.analysed_with) == (
            alone.mentions,
            alone.ai_score,
            alone.auto_tags,
            alone.digest,
        )
        # Everything else is the record as it came.
        assert (after.key, after.title, after.text, after.extraction) == (
            before.key,
            before.title,
            before.text,
            before.extraction,
        )
        assert after.fingerprint is not None
