"""AI relevance: the text alone carries a clear AI story, with the feed title hidden.

Headlines and leads here are written for these tests (none comes from a feed) and
differ from the hard cases the weights were fitted on
(bench/data/ai_relevance_original.jsonl).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.entities import recognize
from reader.core.entities.relevance import (
    FEATURES,
    SIGNED,
    _vocabulary_matches,
    ai_features,
    ai_score,
    find_terms,
    headline_words,
    parse_vocabulary,
    weights,
)
from reader.core.entities.relevance_shapes import (
    hub_listing,
    listing_name,
    model_identifiers,
    paper_title_cues,
)

THRESHOLD = 0.5  # the default [entities] ai_threshold


def score(title: str, lead: str, feed_title: str = "") -> float:
    return ai_score(title, lead, recognize(lead), feed_title)


def terms(text: str) -> list[tuple[str, str]]:
    return [(text[h.start : h.end], h.kind) for h in find_terms(text)]


def headline_terms(title: str) -> list[tuple[str, str]]:
    return [(title[h.start : h.end], h.kind) for h in find_terms(title, headline=True)]


# -- AI stories that never say "AI" ----------------------------------------------------

AI_WITHOUT_THE_WORD = [
    (
        "Claude Haiku 5 is twice as fast on long documents",
        "Anthropic's smallest model now reads a whole contract in under a second.",
    ),
    (
        "Ship an MCP server in an afternoon",
        "A walkthrough of exposing your ticket tracker to coding agents over the Model "
        "Context Protocol.",
    ),
    (
        "QLoRA on a single consumer card",
        "We fine-tuned a 13B model overnight with 4-bit weights and paged optimisers.",
    ),
    (
        "Where the latency goes when serving long prompts",
        "Prefill, decode and the KV cache: profiling an inference server under load.",
    ),
    (
        "Phi-5-mini-instruct now on the hub",
        "The checkpoint and its model card are on Hugging Face under the MIT licence.",
    ),
    (
        "DeepMind's new weather system beats forecasters",
        "The lab says its model predicts cyclone tracks days earlier than physics codes.",
    ),
    (
        "Agentic workflows need better guardrails",
        "When a subagent can run shell commands, every tool call is a security boundary.",
    ),
    (
        "Llama 5 Scout tops the open leaderboard",
        "Meta's mid-sized release scores 82 on MMLU-Pro and leads on SWE-bench.",
    ),
    (
        "How reward hacking shows up in RLHF",
        "Policies learn to please the reward model instead of the people it stands for.",
    ),
    (
        "Gemini 3 Pro gets a cheaper tier",
        "Google cut the price per million input tokens by half for developers.",
    ),
]


@pytest.mark.parametrize(("title", "lead"), AI_WITHOUT_THE_WORD)
def test_ai_stories_without_the_word_ai_are_ai_with_the_feed_title_hidden(
    title: str, lead: str
) -> None:
    assert score(title, lead) >= THRESHOLD


def test_the_headline_alone_can_carry_the_story() -> None:
    assert score("OpenAI releases GPT-5.5 with a longer context window", "") >= THRESHOLD
    assert score("Fine-tuning Qwen3-32B for legal search", "") >= THRESHOLD


# Headlines with no lead, no feed title and no "AI": agents, MCP servers, fine-tuning,
# inference internals, products by name, model repositories.
HEADLINES_WITHOUT_THE_WORD = [
    "Running a coding agent in a locked-down sandbox",
    "An MCP server for the team wiki",
    "Subagents and hooks: how our agent harness works",
    "LoRA adapters for a 7B model on one laptop",
    "Fine-tuning a small model to write SQL",
    "Quantising a 70B model to 4 bits without losing accuracy",
    "Speculative decoding halves our serving latency",
    "Prompt caching cut our bill in half",
    "Claude Design, a week in",
    "Our lab's new open-weights release",
    "acme-lab/tiny-chat-1.5b-instruct",
]


@pytest.mark.parametrize("title", HEADLINES_WITHOUT_THE_WORD)
def test_headlines_without_the_word_ai_are_ai(title: str) -> None:
    assert score(title, "") >= THRESHOLD


# -- hardware words alone are not AI ---------------------------------------------------

HARDWARE_ONLY = [
    ("A beginner's guide to GPU programming", "Warps, occupancy and coalesced memory reads."),
    (
        "Driver flaw lets apps read other apps' GPU memory",
        "The vulnerability affects graphics cards from three vendors; patches are out.",
    ),
    (
        "Planning inquiry opens into a data centre on green-belt land",
        "Campaigners say the site's diesel generators would break air-quality limits.",
    ),
    ("Nvidia shares slip after a broker downgrade", "The chip designer lost 3% in early trade."),
    (
        "Chip shortage delays car deliveries again",
        "Carmakers say microcontroller supplies will not recover until spring.",
    ),
    (
        "The fastest GPUs for 4K gaming this year",
        "We tested eight graphics cards in twelve games at high settings.",
    ),
    (
        "Rowhammer-style flaw lets attackers take over machines with discrete GPUs",
        "Researchers flipped bits in graphics memory from an unprivileged process.",
    ),
    ("Chipmaker's quarterly revenue beats forecasts", "Demand for phone processors recovered."),
    (
        "The data centre that heats a swimming pool",
        "Waste heat from the servers warms the town's lido.",
    ),
    ("GPU driver update fixes stutter in open-world games", ""),
    ("Every graphics card that mattered", ""),
]


@pytest.mark.parametrize(("title", "lead"), HARDWARE_ONLY)
def test_hardware_words_alone_are_not_ai(title: str, lead: str) -> None:
    assert score(title, lead) < THRESHOLD


def test_hardware_words_beside_ai_evidence_are_ai() -> None:
    assert (
        score(
            "Nvidia's next GPUs target trillion-parameter training",
            "The accelerators are built for large language models in AI data centres.",
        )
        >= THRESHOLD
    )


def test_hardware_words_only_count_beside_strong_evidence() -> None:
    found = ai_features("GPU prices fall", "Graphics cards and data centres and chips.", ())
    assert found["title_hardware"] == 0.0 and found["lead_hardware"] == 0.0
    # Alone they are a feature of their own, evidence against AI or nothing.
    assert found["hardware_alone"] > 0.0 and weights().weights["hardware_alone"] <= 0.0
    with_ai = ai_features("GPU prices fall", "AI labs buy GPUs and chips for data centres.", ())
    assert with_ai["lead_hardware"] > 0.0 and with_ai["hardware_alone"] == 0.0


# -- acronyms inside other names -------------------------------------------------------

ACRONYMS_IN_NAMES = [
    ("HTML email is back", "Newsletters rediscover tables and inline styles."),
    (
        "ML-DSA signatures land in OpenSSL",
        "The post-quantum scheme is now in the default provider.",
    ),
    ("AIDS charities warn of funding gap", "Clinics in three countries may close by winter."),
    ("AIG sells its life insurance arm", "The deal values the unit at $2.8 billion."),
    ("Flight AI302 diverted after a bird strike", "Passengers were rebooked on the next service."),
    ("Una giornata dedicata ai bambini", "Il museo apre gratis ai visitatori sotto i dodici anni."),
    ("THAI AIRWAYS ADDS FLIGHTS TO MILAN", "The carrier will fly daily from March."),
    ("AIMS conference returns to Lyon", "The applied mathematics meeting expects 800 delegates."),
]


@pytest.mark.parametrize(("title", "lead"), ACRONYMS_IN_NAMES)
def test_acronyms_inside_other_names_and_words_are_not_ai(title: str, lead: str) -> None:
    assert score(title, lead) < THRESHOLD


def test_acronyms_count_as_whole_tokens_only() -> None:
    assert terms("HTML and XML") == []
    assert terms("AI171 and AIDS and MAIN") == []
    assert ("AI", "strong") in terms("AI tools for search, an AI-run shop")
    assert ("AI", "strong") in terms("AI日报：新模型发布")  # no spaces in Chinese
    assert terms("LoRa radios") == [] and terms("LoRA adapters") == [("LoRA", "strong")]


def test_lower_case_text_keeps_the_ai_names() -> None:
    assert score("Do Bots Feel?", "a new paper from anthropic asks what claude wants") >= THRESHOLD
    # ...but lower-case "ai" in ordinary mixed-case Italian text is a preposition.
    assert terms("Il premio va ai vincitori") == []


# -- ambiguous words need the AI sense -------------------------------------------------

AMBIGUOUS_NOT_AI = [
    ("Claude Debussy's piano works, remastered", "A new box set of the complete preludes."),
    ("Estate agents report a slow spring", "Asking prices fell for the third month."),
    ("Border agents seize counterfeit watches", "The haul was worth an estimated $4 million."),
    ("Type inference without the headaches", "How Hindley–Milner works, with examples in OCaml."),
    ("Grid operator replaces an ageing transformer", "The substation upgrade takes six weeks."),
    ("The business model of local newspapers", "Subscriptions now outweigh advertising."),
    (
        "Security tokens and how to rotate them",
        "Revoke leaked API tokens before attackers use them.",
    ),
    ("Fine-tuning the city's parking rules", "Councillors want shorter bays near schools."),
    ("Inside the intelligence agencies' new budget", "Spending on signals intelligence rises."),
    ("Transformers: The Last Knight returns to cinemas", "The robots are back for a re-release."),
    ("Agent Orange veterans win compensation", "The ruling covers families in three provinces."),
    ("The secret agent novels of the 1960s", "A reissue of the spy paperbacks."),
    ("Free agents sign before the deadline", "The club added two defenders."),
]


@pytest.mark.parametrize(("title", "lead"), AMBIGUOUS_NOT_AI)
def test_ambiguous_words_without_the_ai_sense_are_not_ai(title: str, lead: str) -> None:
    assert score(title, lead) < THRESHOLD


def test_ambiguous_names_in_the_ai_sense() -> None:
    assert ("Claude", "strong") in terms("Claude Opus writes the tests")
    assert ("Claude", "strong") in terms("We asked Claude to review the patch.")
    assert terms("Claude Debussy wrote it.") == []
    assert terms("Jean-Claude Juncker spoke.") == []
    assert ("Gemini", "strong") in terms("Gemini Flash answered first.")
    assert terms("The Gemini Observatory opened.") == []


def test_names_in_title_case_headlines() -> None:
    # Every word is capitalised in a title-case headline: a verb or a product word after
    # the name keeps it the AI product, a surname does not.
    assert score("Gemini Gets A Memory Upgrade", "") >= THRESHOLD
    assert score("Introducing The Claude Developer Platform", "") >= THRESHOLD
    assert score("Claude Lelouch Returns With A New Film", "") < THRESHOLD


def test_a_common_word_after_a_name_in_a_title_case_headline_keeps_the_product() -> None:
    # Title case capitalises every word: a word running text writes in lower case
    # ("hacked", "open", "founder") after the name is not part of a person's name.
    assert ("Codex", "strong") in headline_terms("Codex Hacked A Smart TV In An Afternoon")
    assert ("Kimi", "strong") in headline_terms("Kimi Open Platform: What Changed In March")
    # A surname or an unknown word after it stays weak, and so does a lower-case entry
    # of the vocabulary ("agents" is a trade as often as a product).
    assert ("Claude", "weak") in headline_terms("Claude Monet Painting Sells For A Record Sum")
    assert ("Agents", "weak") in headline_terms("FBI Agents Raid Offices In Three States")
    assert score("Claude Monet Painting Sells For A Record Sum", "") < THRESHOLD


def test_one_ambiguous_word_repeated_is_not_several() -> None:
    # Weak words count fully only beside strong evidence; alone, the number of
    # different ones counts: one word said twice is not a mix of the field's words.
    once = ai_features("Security tokens", "Rotate the tokens.", ())
    assert once["weak_alone"] == 1.0 and once["title_weak"] == 0.0
    mixed = ai_features("Prompts, tokens and benchmarks", "Inference and embeddings.", ())
    assert mixed["weak_alone"] == 3.0
    assert score("Prompts, tokens and benchmarks", "Inference and embeddings.") >= THRESHOLD
    assert (
        score("Prompts, tokens and benchmarks", "What large language models spend tokens on.")
        >= THRESHOLD
    )


# "agent" is the field's word unless a trade or an agency qualifies it, or a name follows.
AGENTS_AI = [
    "Parallel agents for your terminal",
    "Building agents that keep their state between runs",
    "Why our agents forget what they were asked",
]
AGENTS_NOT_AI = [
    ("Insurance agents brace for a busy storm season", "Claims are expected to double."),
    ("Talent agents walk out of the awards ceremony", "The guild called the pay offer insulting."),
    ("Nerve agents found in the soil samples", "Inspectors say the site was used for storage."),
    ("Special agents arrest a fraud suspect in Ohio", "The scheme took $3 million from retirees."),
    ("Agent Carter returns for a third season", "The spy drama was renewed after strong ratings."),
    ("Double agents of the Cold War, revisited", "A historian reopens the Cambridge files."),
]


@pytest.mark.parametrize("title", AGENTS_AI)
def test_agents_in_the_fields_sense_are_ai(title: str) -> None:
    assert ("agents", "strong") in [(w.lower(), k) for w, k in terms(title)]
    assert score(title, "") >= THRESHOLD


@pytest.mark.parametrize(("title", "lead"), AGENTS_NOT_AI)
def test_agents_of_a_trade_or_agency_are_not_ai(title: str, lead: str) -> None:
    assert score(title, lead) < THRESHOLD


# -- the feed prior --------------------------------------------------------------------


def test_the_feed_title_is_evidence_but_not_needed() -> None:
    title, lead = AI_WITHOUT_THE_WORD[0]
    hidden = score(title, lead)
    shown = score(title, lead, feed_title="AI News Daily")
    assert hidden >= THRESHOLD and shown >= hidden
    # An AI feed does not make a story with no AI evidence an AI story.
    assert score("Office closed on Monday", "Back on Tuesday.", "AI News Daily") < THRESHOLD


def test_a_passing_mention_in_a_long_unrelated_text_stays_below() -> None:
    body = "The council voted on the bus lanes and the new library hours. " * 120
    text = body + "One councillor said AI might help with the timetables."
    assert score("Council approves the transport plan", text) < THRESHOLD


def test_scores_stay_below_one_so_a_threshold_of_one_means_never() -> None:
    text = "OpenAI, Anthropic and DeepMind released AI models, LLMs and agents. " * 20
    assert score("OpenAI and Anthropic ship AI models", text) < 1.0


# -- the shipped data ------------------------------------------------------------------


def test_the_weights_cover_every_feature_and_are_evidence_for_ai() -> None:
    model = weights()
    assert set(model.weights) == set(FEATURES)
    assert all(w >= 0.0 for name, w in model.weights.items() if name not in SIGNED)
    assert all(model.weights[name] <= 0.0 for name in SIGNED)
    assert model.bias < 0.0


def test_the_word_weights_are_words_of_several_feeds_not_boilerplate() -> None:
    words = weights().words
    assert words["agents"] > 0.0 and words["prompt"] > 0.0
    # Function words, numbers and web addresses never get a weight, nor does the
    # boilerplate of one feed's entries ("Score: 12 Comments: 3").
    assert not {"the", "and", "of", "https", "com", "score", "comments", "downloads"} & set(words)
    assert all(word.isalpha() for word in words)


def test_headline_words_are_letters_with_acronyms_kept_and_addresses_left_out() -> None:
    found = headline_words("AI agents: GPT-5.5 and Ai", "See https://example.com/Agents now")
    assert found == {"AI", "agents", "GPT", "and", "ai", "see", "now"}


def test_headline_words_read_ascii_and_other_text_alike() -> None:
    # ASCII titles and leads are split by a byte table, others by the regex: the
    # same runs of two letters or more either way, the same set in the same order.
    ascii_found = headline_words("LLM x agents_2 A-b co-pilot", "Q3 GPT4o ok")
    assert ascii_found == {"LLM", "agents", "co", "pilot", "GPT", "ok"}
    unicode_found = headline_words("LLM x agents_2 A-b co-pilot", "Q3 GPT4o ok é")
    assert unicode_found == ascii_found
    assert list(headline_words("b a the AI cat", "")) == list(frozenset(["the", "AI", "cat"]))


def test_cased_and_lower_case_words_are_found_in_one_scan_as_written() -> None:
    vocab = parse_vocabulary("Gemini\tstrong\ngemini\tweak\nΣIGMA\tstrong\nZETAΣ\tstrong\n")
    text = "gemini and Gemini, ΣIGMA, ZETAΣ and sigma."
    found = [(text[s:e], kind) for s, e, kind in _vocabulary_matches(vocab.both, text)]
    # The cased words first, where the text holds them as written, then the
    # lower-case ones wherever the lower-cased text does; each in order of its end.
    assert found == [
        ("Gemini", "strong"),
        ("ΣIGMA", "strong"),
        ("ZETAΣ", "strong"),
        ("gemini", "weak"),
        ("Gemini", "weak"),
    ]


def test_longer_entries_win_and_stops_hide_the_words_inside() -> None:
    vocab_text = "inference\tweak\ntype inference\tstop\nLLM inference\tstrong\n"
    vocab = parse_vocabulary(vocab_text)
    assert vocab.digest != parse_vocabulary(vocab_text + "GPU\thardware\n").digest
    assert terms("Type inference in Rust") == []
    assert terms("LLM inference at scale") == [("LLM inference", "strong")]


def test_model_names_that_are_ordinary_words_need_the_model_shape() -> None:
    # The recogniser's model grammar reads "Granite 4" as a model; relevance does
    # not take an ordinary word with a number as AI evidence on its own...
    assert score("Granite 4 worktops are back in fashion", "Kitchens go grey again.") < THRESHOLD
    # ...but a model written as models are, or a distinctive family, counts.
    assert score("Microsoft releases Phi-5", "") >= THRESHOLD
    assert score("Hunyuan 3 launches", "") >= THRESHOLD


def test_a_model_named_by_one_everyday_word_needs_its_version() -> None:
    # The knowledge base knows a model called "Solar"; a headline about solar power
    # is not about it, and "Solar Pro 2" still is.
    assert score("IEA: Solar overtakes all energy sources for the first time", "") < THRESHOLD
    assert score("Upstage releases Solar Pro 2", "") >= THRESHOLD


def test_the_fields_acronyms_glued_to_a_number_name_something_else() -> None:
    assert terms("AGI-64 brings adventure games to the Commodore 64") == []
    assert terms("Flight AI-171 landed safely") == []
    assert ("AI-powered", "strong") in terms("AI-powered search")


def test_parameter_sizes_are_evidence_but_not_money() -> None:
    assert ("7B", "strong") in terms("a 7B model for phones")
    assert ("Qwen3-72B", "strong") in terms("Qwen3-72B-Base")
    assert ("Orion 2.5 Flash", "strong") in terms("Orion 2.5 Flash is out")
    assert terms("The iPhone 17 Pro and Flash floods") == []
    assert terms("the company raised $3B") == [] and terms("F-35B jets") == []


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("AIMLBaiml0123456789 -.$'’\nQwenFlashCoderClaude日é")),
        max_size=120,
    ),
    st.text(max_size=200),
)
def test_any_text_scores_between_zero_and_one(title: str, text: str) -> None:
    found = score(title, text)
    assert 0.0 <= found < 1.0
    for hit in find_terms(text):
        assert 0 <= hit.start < hit.end <= len(text)


def test_offsets_survive_letters_that_lower_to_two() -> None:
    text = "İstanbul hosts a summit on large language models"
    (hit,) = [h for h in find_terms(text) if h.kind == "strong"]
    assert text[hit.start : hit.end] == "large language models"


# -- what AI items look like: model identifiers, listings, paper titles ------------------

MODEL_SHAPED = [
    # (text, the identifier found as strong evidence)
    ("Kestrel-V2 weights are out", "Kestrel-V2"),
    ("Orchid-2.5 beats last year's flagship", "Orchid-2.5"),
    ("Trying Heron-14B-Instruct on a laptop", "Heron-14B-Instruct"),
    ("tidewater/Marlin-XL.3", "Marlin-XL.3"),
    ("Lark-3-Coder writes the migration", "Lark-3-Coder"),
    ("mossbank/Wren-7B-Q4_K_M", "Q4_K_M"),
    ("A faster sparrow-large-bf16 build", "bf16"),
]


@pytest.mark.parametrize(("text", "identifier"), MODEL_SHAPED)
def test_model_shaped_identifiers_are_strong_evidence(text: str, identifier: str) -> None:
    assert (identifier, "strong") in terms(text)


NOT_MODEL_SHAPED = [
    "COVID-19 cases rise again in the north",
    "F-35B jets grounded after a fault",
    "Licence fees for H.264 rise to $4.5M",
    "UTF-8 everywhere, finally",
    "Boeing 737-8 deliveries resume",
    "Python-3.14 drops the global interpreter lock",
    "Upgrading to GTK-4.0 in a weekend",
    "ISO-8859-1 is not dead yet",
]


@pytest.mark.parametrize("text", NOT_MODEL_SHAPED)
def test_versions_of_other_things_are_not_model_identifiers(text: str) -> None:
    assert model_identifiers(text) == []
    assert score(text, "") < THRESHOLD


def test_listings_are_split_into_words_and_read_like_headlines() -> None:
    assert listing_name("mossbank / TerminalAgent") == "mossbank Terminal Agent"
    assert listing_name("kiln-labs/free-coding-agent") == "kiln labs free coding agent"
    assert listing_name("Why we left / a note") is None and listing_name("a / b c") is None
    found = ai_features("kiln-labs / free-coding-agent", "", ())
    assert found["listing"] == 1.0 and found["title_strong"] >= 1.0
    # A model on a hub, with only the hub's counters as its lead.
    assert score("tidewater/Marlin-XL.3", "Type: text-generation Downloads: 812") >= THRESHOLD
    assert score("kiln-labs / free-coding-agent", "A terminal helper.") >= THRESHOLD
    # A repository that is not about AI stays below, listing or not.
    assert score("ferrous-org / tiny-http-server", "A small HTTP server in Rust.") < THRESHOLD
    assert score("quillpad / quillpad", "A notes app that syncs over WebDAV.") < THRESHOLD


def test_a_model_hub_listing_is_an_ai_item_even_without_words() -> None:
    # The guideline counts a hub's trending models and datasets as AI items; a hub's
    # list gives an "owner/name" title and only its counters.
    assert hub_listing("kiln-labs/orchard-recipes-v1", "Downloads: 4,210 Likes: 73")
    assert hub_listing("kiln-labs/heron", "Type: text-generation Downloads: 9 Likes: 1")
    assert not hub_listing("kiln-labs/heron", "A tool to rename files. Downloads: 9 Likes: 1")
    assert not hub_listing("Downloads are up", "Downloads: 9 Likes: 1")
    assert score("kiln-labs/orchard-recipes-v1", "Downloads: 4,210 Likes: 73") >= THRESHOLD
    # A lab's handle on the hub says whose model or dataset it is.
    assert ("allenai", "strong") in terms("allenai orchard mix")


def test_paper_title_grammar_is_counted() -> None:
    assert paper_title_cues("GLOW: Gated Latent Optimisation for Wide Retrieval") == 1
    assert paper_title_cues("Towards Robust Reward Models via Self-Critique") == 2
    assert paper_title_cues("Sparse Routing for Efficient Long-Context Decoding") == 1
    assert paper_title_cues("Brexit: what happens next for farmers") == 0
    assert paper_title_cues("The council approves the bus lanes") == 0
    assert ai_features("Towards Robust Reward Models via Self-Critique", "", ())["paper_title"] == 2


def test_the_feed_title_names_ai_labs_and_hubs_however_capitalised() -> None:
    for feed in ("Huggingface Daily Papers", "xAI News", "Minimax Blog", "Deepseek News"):
        assert ai_features("Office closed", "", (), feed)["feed"] == 1.0
    for feed in ("The Verge", "Gardening Weekly", "Hacker News", ""):
        assert ai_features("Office closed", "", (), feed)["feed"] == 0.0


def test_model_tiers_with_a_version_and_hyphenated_tiers() -> None:
    assert ("Opus 4", "strong") in terms("Opus 4.9 is out for everyone")
    assert ("Sonnet 5", "strong") in terms("Sonnet 5 writes the tests")
    assert terms("Sonnet 18, read aloud by the cast") == []
    # A tier joined to more by a hyphen keeps the name an AI name in a title-case headline.
    assert score("Gemini Robotics-ER 2 Learns To Fold Laundry", "") >= THRESHOLD
    assert score("Gemini Observatory Opens To Visitors", "") < THRESHOLD


# -- where the evidence stands: the first sentence states the subject -------------------

SUBJECT_IN_THE_FIRST_SENTENCE = [
    (
        "Introducing Lantern",
        "Today we're releasing Lantern, a system that lets companies fine-tune LLMs on "
        "their own documents.",
    ),
    ("Memory, now on every plan", "Claude remembers your projects and preferences across chats."),
    ("Inviting your hardest questions", "We're asking readers what worries them most about AI."),
]


@pytest.mark.parametrize(("title", "lead"), SUBJECT_IN_THE_FIRST_SENTENCE)
def test_a_lead_whose_first_sentence_names_the_ai_subject_is_ai(title: str, lead: str) -> None:
    # A lab post's title says little; its one-sentence lead names the subject.
    assert ai_features(title, lead, recognize(lead))["first_sentence"] == 1.0
    assert score(title, lead) >= THRESHOLD


def test_a_passing_mention_after_the_first_sentence_is_not_the_subject() -> None:
    lead = (
        "The council voted on the bus lanes and the library hours on Tuesday. Residents "
        "asked about parking and the school run. One councillor said AI might help."
    )
    assert ai_features("Council approves the transport plan", lead, ())["first_sentence"] == 0.0
    assert score("Council approves the transport plan", lead) < THRESHOLD
    # The first sentence ends at a stop and a space, or a line break, within 300 characters.
    assert ai_features("Notes", "Gardening tips\nAI in the shed", ())["first_sentence"] == 0.0
    assert ai_features("Notes", "v1.2 of the LLM toolkit", ())["first_sentence"] == 1.0


# -- the vocabulary by category (the guideline's list of what an AI story is about) -----

CATEGORY_HEADLINES = [
    "A coding assistant that reads your whole monorepo",  # agents and tools
    "Why our agent loop retries tool calls twice",
    "Supervised fine-tuning versus preference optimization on a small budget",  # tuning
    "Low-rank adaptation for people in a hurry",
    "Batch inference on spot instances, measured",  # inference internals
    "Writing attention kernels for older cards",
    "Rerankers beat bigger embedding models on our search",  # retrieval
    "A model zoo for satellite imagery",  # repositories
    "Robotaxis arrive in a second city",  # self-driving: a learned-model product
]


@pytest.mark.parametrize("title", CATEGORY_HEADLINES)
def test_each_category_of_ai_story_is_carried_by_its_own_words(title: str) -> None:
    assert any(kind == "strong" for _, kind in terms(title)), terms(title)
    assert score(title, "") >= THRESHOLD


def test_gpu_programming_is_not_ai_evidence() -> None:
    # The guideline's trap: GPU programming is a `no` unless AI is the point, so the
    # phrase counts for nothing (it used to be an ambiguous AI word)...
    assert terms("An introduction to GPU programming in Rust") == []
    # ...while inference on the GPU is an inference story.
    assert ("GPU inference", "strong") in terms("Zero-copy GPU inference from the browser")


def test_the_fields_acronyms_glued_on_in_camel_case_name_ai_projects() -> None:
    assert terms("nanoGPT and GraphRAG, rebuilt") == [("nanoGPT", "strong"), ("GraphRAG", "strong")]
    assert terms("MobileLLM-R1 on a phone")[0] == ("MobileLLM", "strong")
    # Capitals inside an all-capital word or before more letters are not the acronym.
    assert terms("DRAGON STORAGE and a draGPTo") == []


def test_named_tools_benchmarks_and_products_of_the_field() -> None:
    for title in ("Le Chat gets memory", "GSM8K is saturated", "Running ComfyUI on a laptop"):
        assert any(kind == "strong" for _, kind in terms(title)), title
    # Names that are also ordinary words or people's names are weak on their own.
    assert terms("Aider of the year award") == [("Aider", "weak")]


def test_a_lead_sentence_defining_the_headlines_subject_as_ai_counts_as_its_first() -> None:
    # The first sentence names only the product; the next says what it is.
    lead = (
        "Today, we're releasing Relay in public preview. Relay is the routing layer for "
        "enterprise AI workloads. Teams asked for it."
    )
    assert ai_features("Relay for the work that matters", lead, ())["first_sentence"] == 1.0
    # The same sentence about something the headline does not name is a passing mention.
    other = "Today, we're releasing Relay in public preview. Ours is the layer for AI workloads."
    assert ai_features("Relay for the work that matters", other, ())["first_sentence"] == 0.0
    # A pronoun, or a word found only inside a longer word of the headline, is no name.
    pronoun = "We shipped Relay today. It is the routing layer for AI workloads."
    assert ai_features("Iterating on Relay", pronoun, ())["first_sentence"] == 0.0
    inside = "We shipped Relay today. Lay is the routing layer for AI workloads."
    assert ai_features("Relay for the work", inside, ())["first_sentence"] == 0.0
