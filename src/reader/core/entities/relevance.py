"""AI relevance: how much an article is about artificial intelligence.

A score in [0, 1] from what the story names (AI models, AI labs, AI products
and chips: a GPU launch or a Llama release is AI news even when it never says
"AI"), its vocabulary (in the title, the lead and the body), and the feed it
came from. Word traps ("fashion model", "estate agent", "transformer" in a
substation) carry no weight unless the AI sense is named nearby.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from reader.core.entities.records import Mention

# Words that mean AI whatever their case, matched on the lower-cased text (a
# case-insensitive regex is several times slower in Python's engine).
_WORDS = re.compile(
    r"\b(?:artificial intelligence|machine learning|deep learning|"
    r"large language models?|language models?|generative|chatbots?|"
    r"neural networks?|foundation models?|frontier models?|open-weights?|reasoning models?|"
    r"ai agents?|agentic|fine-tun\w+|transformer models?|diffusion models?|multimodal|"
    r"superintelligence|inference|training runs?|model weights|embeddings?|"
    r"prompt(?:s|ing)?|tokens? per second|context window|benchmarks?|"
    r"data cent(?:er|re)s?|hallucinat\w+|copilots?|computer vision|robotics|"
    r"speech recognition|text-to-(?:image|video|speech)|speech-to-text|subagents?|"
    r"vision-language)\b"
)
# Acronyms, only as written: "ai" and "ml" in lower case are other words. No
# word boundary is needed next to other scripts ("AI日报").
_ACRONYMS = re.compile(
    r"(?<![A-Za-z])(?:AI|A\.I\.|AGI|GenAI|LLMs?|RLHF|GPUs?|TPUs?|ML|VLMs?)(?![A-Za-z])"
)
LEAD_CHARS = 600

# Organisations whose news is AI news.
_AI_ORG_NAMES = frozenset(
    """OpenAI|Anthropic|DeepMind|Google DeepMind|Mistral AI|Cohere|Hugging Face|xAI|Meta AI|
    Stability AI|Midjourney|Inflection AI|Character.AI|Perplexity|Perplexity AI|Scale AI|
    Nvidia|Cerebras|Groq|SambaNova|CoreWeave|Together AI|Databricks|DeepSeek|Moonshot AI|
    Zhipu AI|MiniMax|Baichuan|01.AI|StepFun|Safe Superintelligence|Thinking Machines Lab|
    Runway|Pika|ElevenLabs|Suno|Udio|Adept|Reka|AI21 Labs|Allen Institute for AI|Ai2|
    EleutherAI|LAION|Anysphere|Cognition|Poolside|Sakana AI|Aleph Alpha|Lambda|Figure AI|
    Physical Intelligence|Skild AI|World Labs|Harvey|Glean|Replit|Lovable|Cursor|Windsurf|
    Codeium|Microsoft Research|FAIR|Google Brain|Google Research|Qwen|Moonshot|Zhipu|
    Liquid AI|Nous Research|Black Forest Labs|Luma AI|Hebbia|Sierra|Decagon|Mercor""".split("|")
)
_AI_ORG_NAMES = frozenset(name.strip() for name in _AI_ORG_NAMES)
_AI_PRODUCTS = re.compile(
    r"^(?:ChatGPT|Copilot|GitHub Copilot|Microsoft Copilot|Gemini|Claude|Meta AI|Grok|"
    r"Perplexity|Midjourney|Sora|Cursor|Claude Code|Codex|NotebookLM|Siri|Alexa\+|"
    r"H100|H200|B200|B100|GB200|GB300|A100|Blackwell|Hopper|MI300X|MI325X|MI350|TPU|"
    r"Trainium|Inferentia|Gaudi|CUDA|PyTorch|TensorFlow|JAX|Hugging Face Hub|Vertex AI|"
    r"Bedrock|Azure OpenAI|Apple Intelligence|Galaxy AI)\b"
)
_AI_FEED = re.compile(
    r"\b(?:AI|A\.I\.|artificial intelligence|machine learning|ML|LLM|deep learning|"
    r"OpenAI|Anthropic|DeepMind|Hugging Face|Mistral|arXiv|cs\.AI|cs\.LG|cs\.CL)\b",
    re.IGNORECASE,
)


# People whose news is AI news.
_AI_PEOPLE = frozenset(
    """Sam Altman|Dario Amodei|Daniela Amodei|Demis Hassabis|Ilya Sutskever|Andrej Karpathy|
    Yann LeCun|Geoffrey Hinton|Yoshua Bengio|Mira Murati|Mustafa Suleyman|Greg Brockman|
    Liang Wenfeng|Arthur Mensch|Alexandr Wang|Aravind Srinivas|Fei-Fei Li|Jakub Pachocki|
    Jan Leike|Noam Shazeer|Koray Kavukcuoglu|Jeff Dean|Andrew Ng|Emad Mostaque|
    Kevin Weil|Nat Friedman|Daniel Gross|Jensen Huang""".split("|")
)
_AI_PEOPLE = frozenset(name.strip() for name in _AI_PEOPLE)


# "AI" written next to non-Latin letters ("AI日报") has no word boundary.
def _term_hits(text: str) -> list[int]:
    """Where the AI vocabulary occurs in `text` (start offsets)."""
    found = [m.start() for m in _WORDS.finditer(text.lower())]
    found += [m.start() for m in _ACRONYMS.finditer(text)]
    return found


def _ai_entity(m: Mention) -> bool:
    """A mention that by itself says the story is about AI."""
    if m.label == "AI_MODEL":
        return True
    if m.label == "ORG":
        return m.entity in _AI_ORG_NAMES
    if m.label == "PRODUCT":
        return _AI_PRODUCTS.match(m.entity) is not None
    if m.label == "PERSON":
        return m.entity in _AI_PEOPLE
    return False


def ai_score(
    title: str,
    text: str,
    mentions: Sequence[Mention],
    feed_title: str = "",
    title_mentions: Sequence[Mention] | None = None,
) -> float:
    """How strongly the article is about AI, from 0 (not at all) to 1.

    The title weighs most: a headline that says "AI" or names an AI model, lab,
    product or person is an AI story. The body adds evidence by density, so a
    passing mention in a long unrelated essay stays below the threshold.
    `title_mentions` are the title's entities (found here when not given).
    """
    if title_mentions is None:
        from reader.core.entities.recognizer import recognize

        title_mentions = recognize(title)
    words = max(len(text.split()), 1)
    title_hits = len(_term_hits(title))
    body = _term_hits(text)
    lead_hits = sum(1 for start in body if start < LEAD_CHARS)
    body_density = len(body) * 1000 / max(words, 200)
    body_entities = sum(1 for m in mentions if _ai_entity(m))
    title_entities = sum(1 for m in title_mentions if _ai_entity(m))
    z = (
        -3.0
        + 3.5 * min(title_hits, 1)
        + 3.5 * min(title_entities, 1)
        + 0.9 * min(lead_hits, 3)
        + 0.3 * min(body_density, 12.0)
        + 0.5 * min(body_entities, 6)
        + (1.5 if _AI_FEED.search(feed_title or "") else 0.0)
    )
    return round(1.0 / (1.0 + math.exp(-z)), 4)
