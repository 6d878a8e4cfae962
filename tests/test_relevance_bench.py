"""bench/eval_ai_relevance.py and bench/train_ai_relevance.py: the views by kind of
source and the fit's settings, on written examples (no shared corpora needed)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import eval_ai_relevance as ev
import train_ai_relevance as tr


def item(source: str, ai: bool, title: str = "A headline") -> ev.Item:
    return ev.Item(source, title, ai, "", title, "", "")


def test_sources_are_grouped_by_kind_from_feed_names_and_hosts() -> None:
    assert ev.source_kind("arxiv.org") == "papers (arXiv…)"
    assert ev.source_kind("feeds/tech-ai/ai-news-direct/feeds/huggingface_daily_papers.xml") == (
        "papers (arXiv…)"
    )
    assert ev.source_kind("feeds/tech-ai/0xsmw-ai-feeds/feeds/feed_xai_news.xml") == "lab blogs"
    assert ev.source_kind("openai.com") == "lab blogs"
    assert ev.source_kind("krebsonsecurity.com") == "security news"
    assert ev.source_kind("tech-ai/rsparser-site-feeds/DaringFireball.atom") == "tech press"
    assert ev.source_kind("theregister.com") == "tech press"
    assert ev.source_kind("github.com") == "hubs and repositories"
    assert ev.source_kind("seriouseats.com") == "other"


def test_kinds_list_the_items_of_each_kind_in_a_fixed_order() -> None:
    items = [item("seriouseats.com", False), item("arxiv.org", True), item("openai.com", True)]
    assert ev.kinds(items) == [("papers (arXiv…)", [1]), ("lab blogs", [2]), ("other", [0])]


def tiny_data() -> tr.Data:
    """Six entries, one feature that is 1 for three AI entries and two non-AI ones."""
    labels = [True, True, True, False, False, False]
    present = [1.0, 1.0, 1.0, 1.0, 1.0, 0.0]
    items = [item(f"site{i}.example", ai) for i, ai in enumerate(labels)]
    rows = np.zeros((len(ev.MODES), len(items), 1))
    rows[:, :, 0] = present
    words = [[frozenset[str]() for _ in items] for _ in ev.MODES]
    return tr.Data(items, [i.file for i in items], rows, words, ["evidence"], np.array([False]))


def test_weighing_ai_entries_more_raises_their_scores() -> None:
    data = tiny_data()
    everything = list(range(6))
    plain = tr.fit(data, everything, tr.Settings(use_words=False))
    leaning = tr.fit(data, everything, tr.Settings(use_words=False, positive_weight=3.0))
    # With the feature present, 3 of 5 entries are AI: about 0.6 when both count alike,
    # more when an AI entry weighs three times as much.
    assert 0.5 < tr.predict(data, plain, [0], 0)[0] < 0.7
    assert tr.predict(data, leaning, [0], 0)[0] > tr.predict(data, plain, [0], 0)[0] + 0.1


def test_an_ablation_zeroes_only_the_named_features() -> None:
    rows = np.ones((len(ev.MODES), 3, 2))
    tr.ablate(rows, ["title_strong", "first_sentence"], ["first_sentence"])
    assert (rows[:, :, 1] == 0.0).all() and (rows[:, :, 0] == 1.0).all()
