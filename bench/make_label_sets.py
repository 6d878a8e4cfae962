"""Select the paragraphs and feed items that labellers mark (issue 10's held-out sets).

Deterministic: the same corpora give the same files. Writes, outside the repository,
the labellers' files (``ner_dev.txt``, ``ner_test.txt``, ``rel_test.txt``) and, in the
repository, their references only (``bench/data/*_refs.jsonl``: where each item lives
and the sha1 of its text; never the text). See docs/labelling.md for the guideline.

Sources are chosen so that the test sets share no source with what was studied:

- entity dev: the AI-lab feeds whose items are already in the relevance dev labels
  (xAI, Mistral, OpenAI research, Thinking Machines, Pirate Wires);
- entity test: other sites only: Hacker News entries that appear only in the feed's
  snapshots (not in the feed file the relevance dev labels come from), each linked
  site a source; Anthropic's research and red-team feeds; the extraction benchmark's
  news pages, each site a source;
- relevance test: feed files with no item in ``bench/data/ai_relevance_labels.jsonl``
  (items whose link or title also appears in a dev-labelled feed are dropped), plus
  the extraction benchmark's pages (title + lead);
- entity train (``--set train``, for a statistical tagger): feeds used by neither
  entity set, each paragraph's site and linked site checked against every source of
  the entity dev and test sets by publisher (``blog.example.com`` is ``example``), text
  also found in those sets dropped, and no item of the relevance test set used.

- relevance dev extension (``--set relevance-dev``, a second wave of studied labels):
  Hacker News "best stories" titles seen only in the daily snapshots (not in the
  feed file of the dev labels; each linked site a source, none a news site of the
  test pages), unlabelled entries of the feeds the dev labels already use, and a
  few small real feeds no set uses. Items whose link or title is in the test set
  are dropped, and no feed file of the test set is read.
- relevance dev, third wave (``--set relevance-dev3``): the kinds of text the test
  positives come from and the first two waves barely hold: Hacker News headlines
  linking to paper, repository and AI-lab sites (arXiv, GitHub, Hugging Face, project
  pages), and the entries not yet labelled of research, model-hub, repository and
  AI-lab feeds that no test item comes from. Same exclusions as the second wave, plus
  every item either earlier dev wave holds.
- relevance dev, fourth wave (``--set relevance-dev4``): what the corpora still hold
  that no set uses: the paper and lab feeds' last entries, every Hacker News
  best-stories headline the earlier waves' caps left out, and the other Hacker News
  feed's snapshot-only entries whose articles the entity test set does not read.

Run from the repository root::

    python bench/make_label_sets.py /work/shared/corpora --out /work/wt/labelwork
    python bench/make_label_sets.py /work/shared/corpora --set train --out /work/wt/labelwork/train
    python bench/make_label_sets.py /work/shared/corpora --set relevance-dev --out ../labelwork
    python bench/make_label_sets.py /work/shared/corpora --set relevance-dev3 --out ../labelwork
    python bench/make_label_sets.py /work/shared/corpora --set relevance-dev4 --out ../labelwork
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from label_sets import (
    PAGES_PATH,
    body_paragraphs,
    collapse,
    entry_part,
    html_paragraphs,
    read_feed,
    read_ground_truth,
    read_refs,
    relevance_text,
    sha1,
    write_jsonl,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = REPO_ROOT / "bench/data"
DEV_RELEVANCE = DATA / "ai_relevance_labels.jsonl"
OXSMW = "feeds/tech-ai/0xsmw-ai-feeds/feeds/"

NER_DEV_FEEDS = [
    OXSMW + "feed_xai_news.xml",
    OXSMW + "feed_mistral_news.xml",
    OXSMW + "feed_openai_research.xml",
    OXSMW + "feed_thinkingmachines.xml",
    OXSMW + "feed_piratewires.xml",
]
NER_TEST_FEEDS = [OXSMW + "feed_anthropic_research.xml", OXSMW + "feed_anthropic_red.xml"]
# Full-text feeds of other sites with no item in the relevance dev labels.
NER_TEST_BLOG_FEEDS = [
    "feeds/tech-ai/rsparser-site-feeds/" + name
    for name in (
        "allthis.atom",
        "dcrainmaker.xml",
        "natasha.xml",
        "russcox.atom",
        "monkeydom.rss",
        "OneFootTsunami.atom",
        "manton.rss",
        "489.rss",
        "EMarley.rss",
        "donthitsave.xml",
    )
] + [
    "feeds/realworld/node-feedparser/feeds/intertwingly.atom",
    "feeds/realworld/rss-parser-js/input/feedburner.atom",
    "feeds/realworld/feed-rs/rss2/rss_2.0_cloudflare.xml",
    "feeds/realworld/feed-rs/rss2/rss_2.0_element_io.xml",
    "feeds/realworld/feed-rs/rss2/rss_2.0_wirecutter.xml",
    "feeds/realworld/feed-rs/rss2/rss_2.0_rps.xml",
    "feeds/realworld/feed-rs/atom/atom_example_7.xml",
    "feeds/realworld/feed-rs/rss1/rss_1.0_example_2.xml",
]
HN_SNAPSHOTS = "feeds/tech-ai/snapshots/0xsmw_feed_hackernews"
HN_FEED = OXSMW + "feed_hackernews.xml"

# Feed files with no item in the relevance dev labels: English, real publications.
# Test fixtures of parsers (spec examples, "Example Feed", empty or one-line items),
# non-English feeds and copies of a dev feed (tpm-with-*-base.atom, xml2js-options.rss,
# the JSON twins of Daring Fireball and Scripting News) are left out.
RELEVANCE_FEEDS = [
    OXSMW + "feed_anthropic_red.xml",
    OXSMW + "feed_anthropic_research.xml",
    OXSMW + "feed_openai_alignment.xml",
    OXSMW + "feed_ai_research.xml",
    OXSMW + "feed_steve_jobs_archive_stories.xml",
    "feeds/tech-ai/ai-news-direct/feeds/anthropic_news.xml",
    "feeds/tech-ai/ai-news-direct/feeds/anthropic_research.xml",
    "feeds/tech-ai/ai-news-direct/feeds/bytedance_seed_research.xml",
    "feeds/tech-ai/ai-news-direct/feeds/github_trends_daily.xml",
    "feeds/tech-ai/ai-news-direct/feeds/github_trends_weekly.xml",
    "feeds/tech-ai/ai-news-direct/feeds/github_trends_monthly.xml",
    "feeds/tech-ai/ai-news-direct/feeds/huggingface_trending_datasets.xml",
    "feeds/tech-ai/rsparser-site-feeds/489.rss",
    "feeds/tech-ai/rsparser-site-feeds/4fsodonline.atom",
    "feeds/tech-ai/rsparser-site-feeds/EMarley.rss",
    "feeds/tech-ai/rsparser-site-feeds/OneFootTsunami.atom",
    "feeds/tech-ai/rsparser-site-feeds/allthis.atom",
    "feeds/tech-ai/rsparser-site-feeds/dcrainmaker.xml",
    "feeds/tech-ai/rsparser-site-feeds/donthitsave.xml",
    "feeds/tech-ai/rsparser-site-feeds/expertopinionent.atom",
    "feeds/tech-ai/rsparser-site-feeds/manton.rss",
    "feeds/tech-ai/rsparser-site-feeds/monkeydom.rss",
    "feeds/tech-ai/rsparser-site-feeds/natasha.xml",
    "feeds/tech-ai/rsparser-site-feeds/russcox.atom",
    "feeds/tech-ai/rsparser-site-feeds/scriptingNews.rss",
    "feeds/tech-ai/rsparser-site-feeds/theomnishow.rss",
    "feeds/tech-ai/rsparser-site-feeds/pxlnv.json",
    "feeds/tech-ai/rsparser-site-feeds/3960.json",
    "feeds/tech-ai/rsparser-site-feeds/curt.json",
    "feeds/tech-ai/rsparser-site-feeds/rose.json",
    "feeds/tech-ai/rsparser-site-feeds/inessential.json",
    "feeds/realworld/node-feedparser/feeds/intertwingly.atom",
    "feeds/realworld/rss-parser-js/input/feedburner.atom",
    "feeds/realworld/rss-parser-js/input/itunes-missing-image.rss",
    "feeds/realworld/rss-parser-js/input/craigslist.rss",
    "feeds/realworld/feed-rs/atom/atom_mediarss_reddit_1.xml",
    "feeds/realworld/feed-rs/atom/atom_example_2.xml",
    "feeds/realworld/feed-rs/atom/atom_example_3.xml",
    "feeds/realworld/feed-rs/atom/atom_example_4.xml",
    "feeds/realworld/feed-rs/atom/atom_example_5.xml",
    "feeds/realworld/feed-rs/atom/atom_example_7.xml",
    "feeds/realworld/feed-rs/atom/atom_example_reddit.xml",
    "feeds/realworld/feed-rs/atom/atom_mediarss_youtube_1.xml",
    "feeds/realworld/feed-rs/atom/atom_scattered.xml",
    "feeds/realworld/feed-rs/rss1/rss_1.0_debian.xml",
    "feeds/realworld/feed-rs/rss1/rss_1.0_example_2.xml",
    "feeds/realworld/feed-rs/rss2/rss_2.0_bbc.xml",
    "feeds/realworld/feed-rs/rss2/rss_2.0_ch9.xml",
    "feeds/realworld/feed-rs/rss2/rss_2.0_cloudflare.xml",
    "feeds/realworld/feed-rs/rss2/rss_2.0_dbengines.xml",
    "feeds/realworld/feed-rs/rss2/rss_2.0_element_io.xml",
    "feeds/realworld/feed-rs/rss2/rss_2.0_example_2.xml",
    "feeds/realworld/feed-rs/rss2/rss_2.0_example_3.xml",
    "feeds/realworld/feed-rs/rss2/rss_2.0_reddit.xml",
    "feeds/realworld/feed-rs/rss2/rss_2.0_rps.xml",
    "feeds/realworld/feed-rs/rss2/rss_2.0_wirecutter.xml",
    "feeds/realworld/node-feedparser/feeds/mediacontent-dupes.xml",
    "feeds/realworld/node-feedparser/feeds/relative-channel-image-url.xml",
]
REFS = {
    "rel_test": "ai_relevance_test_refs.jsonl",
    "rel_dev2": "ai_relevance_dev2_refs.jsonl",
    "rel_dev3": "ai_relevance_dev3_refs.jsonl",
    "rel_dev4": "ai_relevance_dev4_refs.jsonl",
}
# Entity training set: feeds with no paragraph in the entity dev or test set. The value
# is the paragraph's source site, or None when each entry links to its own site (the
# Hacker News feed holds the linked articles; the Macworld feed links TechHive too).
# Fixed sites where the entry links are trackers, relative, or someone else's page
# the post comments on (Daring Fireball's linked list). The Hacker News entries seen
# only in older snapshots are where the entity test set comes from: of those, only
# linked sites that are not test sources are used (the site check below).
NER_TRAIN_FEEDS: dict[str, str | None] = {
    HN_FEED: None,
    OXSMW + "feed_digg_tech.xml": None,
    OXSMW + "feed_arenamag.xml": "arenamag.com",
    "feeds/tech-ai/rsparser-site-feeds/DaringFireball.rss": "daringfireball.net",
    "feeds/tech-ai/rsparser-site-feeds/DaringFireball.atom": "daringfireball.net",
    "feeds/tech-ai/rsparser-site-feeds/KatieFloyd.rss": "katiefloyd.com",
    "feeds/tech-ai/rsparser-site-feeds/macworld.rss": None,
    "feeds/tech-ai/rsparser-site-feeds/rubenerd.rss": None,
    "feeds/tech-ai/rsparser-site-feeds/cloudblog.rss": None,
    "feeds/tech-ai/rsparser-site-feeds/rose.json": "rosemaryorchard.com",
    "feeds/realworld/node-feedparser/feeds/tpm.atom": "talkingpointsmemo.com",
    "feeds/realworld/node-feedparser/feeds/wapowellness.xml": "washingtonpost.com",
    "feeds/realworld/rss-parser-js/input/customfields.rss": "varthabharati.in",
    "feeds/realworld/rss-parser-js/input/content-encoded.rss": None,
}
# Short, AI-dense items for the training set: the headlines and plain-text summaries of
# AI newsletters and release notes (their feeds carry no article paragraphs). Without
# them the disjoint sources above hold almost no AI model names.
NER_TRAIN_HEADLINE_FEEDS = [
    "feeds/tech-ai/ai-news-direct/feeds/" + name
    for name in (
        "artificial_analysis.xml",
        "deeplearning_ai_batch.xml",
        "z_ai_blog.xml",
        "minimax_blog.xml",
        "moonshot_blog.xml",
        "bytedance_seed_blog.xml",
        "meta_ai_news.xml",
        "huggingface_daily_papers.xml",
        "deepseek_news.xml",
    )
]
NER_TRAIN_HEADLINES = 160
HEADLINE_MIN_WORDS, SUMMARY_MIN_WORDS = 3, 8
# One publisher under two domains (the entity test set has hosted.ap.org and github.com).
PUBLISHER_ALIASES = {"apnews": "ap", "githubstatus": "github"}
NER_TRAIN_SIZE = 560
NER_TRAIN_CHUNK = 80  # labelled and committed one chunk at a time
NER_TRAIN_PER_SITE = 48  # 10% of the selection: no source dominates what is learnt
NER_TRAIN_PER_ARTICLE = 8
NER_TRAIN_MIN_DENSITY = 3

PER_FEED = 25  # no feed may dominate the relevance set
PER_PODCAST = 10  # podcast episode lists and classified ads: a few are enough

NER_DEV_SIZE = 60
NER_TEST_SIZE = 320
MIN_DENSITY = 6
PER_ARTICLE = 3
PER_SITE = {"ner_dev": 12, "page": 6, "feed": 6}
MIN_WORDS, MAX_WORDS = 40, 200

_WORD = re.compile(r"[^\W\d_][\w'’.-]*|\d[\d,.]*%?|\$[\d,.]+")
_STOPWORDS = frozenset("the a an of to and in on for is was that with by as at from it".split())
_YEAR = re.compile(r"(?:19|20)\d\d")
_CODE = re.compile(r"[{};=<>]|\(\)|::|=>")


@dataclass(frozen=True, slots=True)
class Candidate:
    ref: dict[str, Any]
    text: str
    words: int
    density: float  # estimated entity mentions per paragraph; used only to rank


def estimated_mentions(text: str) -> int:
    """A crude, recogniser-independent count of name-like and numeric token runs.

    Runs of capitalised words (not a sentence's first word, not long ALL_CAPS code
    words), currency amounts, percentages and years. Used only to prefer entity-dense
    paragraphs; ranking by our own recogniser would bias the test towards what it
    already finds.
    """
    runs = 0
    in_run = False
    sentence_start = True
    for token in text.split():
        core = token.strip("\"'“”‘’()[],;:.!?")
        named = bool(core) and (
            (core[0].isupper() and "_" not in core and not (core.isupper() and len(core) > 5))
            or core[0] in "$€£"
            or core.endswith("%")
            or bool(_YEAR.fullmatch(core))
        )
        # A capitalised first word says nothing (names there are rare enough to lose),
        # nor does "I".
        if named and (sentence_start or core in ("I", "I’ve", "I'm", "I’m", "I've")):
            named = False
        if named and not in_run:
            runs += 1
        in_run = named
        sentence_start = token.endswith((".", "!", "?", ":", "”", '"'))
    return runs


def usable(text: str) -> bool:
    """English prose of the right length, no code, nothing that clashes with markup."""
    words = _WORD.findall(text)
    if not MIN_WORDS <= len(words) <= MAX_WORDS:
        return False
    if "[[" in text or "]]" in text or "|" in text or text.startswith("#"):
        return False
    if len(_CODE.findall(text)) > 2:
        return False
    return english(text)


def english(text: str) -> bool:
    words = _WORD.findall(text)
    return bool(words) and sum(w.lower() in _STOPWORDS for w in words) / len(words) >= 0.12


def site(url: str) -> str:
    host = urlsplit(url).netloc.lower().split(":")[0]
    return host.removeprefix("www.")


def feed_candidates(corpora: Path, path: str, keys: Iterable[str] | None = None) -> list[Candidate]:
    """Usable paragraphs of a feed's entries (all entries, or those with the given keys)."""
    wanted = set(keys) if keys is not None else None
    out: list[Candidate] = []
    for entry in read_feed(corpora / path).entries:
        if wanted is not None and entry.key not in wanted:
            continue
        for index, text in enumerate(html_paragraphs(entry.html)):
            if usable(text):
                ref = {
                    "corpus": "feed",
                    "path": path,
                    "entry": entry.key,
                    "para": index,
                    "source": site(entry.link) or path,
                    "sha1": sha1(text),
                }
                out.append(Candidate(ref, text, len(text.split()), estimated_mentions(text)))
    return out


def headline_usable(text: str, min_words: int) -> bool:
    """Short English text: enough words, Latin script, no clash with the markup."""
    words = _WORD.findall(text)
    letters = [ch for ch in text if ch.isalpha()]
    latin = sum(ch.isascii() for ch in letters) >= 0.9 * len(letters) if letters else False
    clash = "[[" in text or "]]" in text or "|" in text or text.startswith("#")
    return min_words <= len(words) <= MAX_WORDS and latin and not clash


def headline_candidates(corpora: Path, path: str) -> list[Candidate]:
    """Each entry's title and, when it says more, its plain-text summary."""
    out: list[Candidate] = []
    for entry in read_feed(corpora / path).entries:
        title = entry_part(entry, "title")
        for part, min_words in (("title", HEADLINE_MIN_WORDS), ("summary", SUMMARY_MIN_WORDS)):
            text = entry_part(entry, part)
            if part == "summary" and (text == title or title in text):
                continue
            # Counters such as "Type: ... Downloads: ..." are not prose.
            if not headline_usable(text, min_words) or text.count(":") > 3:
                continue
            ref = {
                "corpus": "feed",
                "path": path,
                "entry": entry.key,
                "para": part,
                "source": site(entry.link) or path,
                "sha1": sha1(text),
            }
            out.append(Candidate(ref, text, len(text.split()), estimated_mentions(text)))
    return out


def hn_snapshot_paths(corpora: Path) -> dict[str, str]:
    """Hacker News entries seen only in snapshots: key -> the first snapshot holding it."""
    studied = {e.key for e in read_feed(corpora / HN_FEED).entries}
    first: dict[str, str] = {}
    for file in sorted((corpora / HN_SNAPSHOTS).glob("*.xml")):
        rel = str(file.relative_to(corpora))
        for entry in read_feed(file).entries:
            if entry.key not in studied and entry.key not in first:
                first[entry.key] = rel
    return first


def page_candidates(corpora: Path) -> list[Candidate]:
    out: list[Candidate] = []
    for page, truth in sorted(read_ground_truth(corpora).items()):
        for index, text in enumerate(body_paragraphs(truth.get("articleBody") or "")):
            if usable(text):
                ref = {
                    "corpus": "page",
                    "path": PAGES_PATH,
                    "page": page,
                    "para": index,
                    "source": site(truth.get("url") or "") or PAGES_PATH,
                    "sha1": sha1(text),
                }
                out.append(Candidate(ref, text, len(text.split()), estimated_mentions(text)))
    return out


def pick(
    candidates: Sequence[Candidate], size: int, per_source: int, per_article: int = PER_ARTICLE
) -> list[Candidate]:
    """The densest paragraphs, at most per_article per article and per_source per site.

    Round-robin over sources (densest first within each) so that many sources are
    represented before any one fills up; a smaller size therefore picks a prefix of
    what a larger one picks.
    """
    by_source: dict[str, list[Candidate]] = defaultdict(list)
    for c in sorted(candidates, key=lambda c: (-c.density, c.ref["sha1"])):
        by_source[c.ref["source"]].append(c)
    chosen: list[Candidate] = []
    in_article: Counter[str] = Counter()
    taken: Counter[str] = Counter()
    seen_text: set[str] = set()
    while len(chosen) < size:
        progressed = False
        for source in sorted(by_source):
            queue = by_source[source]
            while queue and taken[source] < per_source:
                c = queue.pop(0)
                article = f"{c.ref['path']}#{c.ref.get('entry') or c.ref.get('page')}"
                if in_article[article] >= per_article or c.ref["sha1"] in seen_text:
                    continue
                chosen.append(c)
                seen_text.add(c.ref["sha1"])
                in_article[article] += 1
                taken[source] += 1
                progressed = True
                break
            if len(chosen) >= size:
                break
        if not progressed:
            break
    return chosen


def ner_block(item_id: str, c: Candidate) -> str:
    where = c.ref.get("entry") or c.ref.get("page")
    return (
        f"# id: {item_id}\n"
        f"# ref: {c.ref['path']} | {where} | para {c.ref['para']} | source {c.ref['source']}\n"
        f"{c.text}\n"
    )


def write_ner(
    name: str, chosen: Sequence[Candidate], out: Path, chunk: int | None = None
) -> list[dict[str, Any]]:
    """The labellers' file (or numbered files of ``chunk`` items) and the references."""
    refs: list[dict[str, Any]] = []
    blocks: list[str] = []
    for number, c in enumerate(chosen, 1):
        item_id = f"{name.replace('_', '-')}-{number:04d}"
        refs.append({"id": item_id, **c.ref})
        blocks.append(ner_block(item_id, c))
    size = chunk or max(len(blocks), 1)
    parts = [blocks[i : i + size] for i in range(0, len(blocks), size)] or [[]]
    for index, part in enumerate(parts, 1):
        file = out / (f"{name}_{index:02d}.txt" if chunk else f"{name}.txt")
        header = (
            f"# {file.stem}: {len(part)} paragraphs. Mark entities inline as "
            "[[surface|LABEL]] following docs/labelling.md.\n"
            "# Change nothing else in the paragraph line; keep the # lines.\n"
        )
        file.write_text(header + "\n" + "\n".join(part), encoding="utf-8")
    write_jsonl(DATA / f"{name}_refs.jsonl", refs)
    return refs


def publisher(host: str) -> str:
    """The registrable name of a site, without its suffix: ``news.bbc.co.uk`` -> ``bbc``.

    A rough public-suffix rule (two-letter country code after co/com/org/ac/gov/net)
    is enough to tell publishers apart here. A source that is a corpus path stays as is.
    """
    if "/" in host:
        return host
    labels = host.lower().removeprefix("www.").split(".")
    if (
        len(labels) >= 3
        and len(labels[-1]) == 2
        and labels[-2] in ("co", "com", "org", "ac", "gov", "net")
    ):
        name = labels[-3]
    else:
        name = labels[-2] if len(labels) >= 2 else labels[0]
    return PUBLISHER_ALIASES.get(name, name)


def train_candidates(corpora: Path, headlines: bool = False) -> list[Candidate]:
    """Paragraphs (or, with ``headlines``, titles and summaries of the AI newsletter
    feeds) for the entity training set, none sharing a source with dev or test.

    A paragraph is dropped when its source or the site its entry links to belongs to a
    publisher of the entity dev or test set, when its text is in either set (same sha1),
    or when its entry is an item of the relevance test set.
    """
    held: list[dict[str, Any]] = []
    for name in ("ner_dev", "ner_test"):
        held += read_refs(DATA / f"{name}_refs.jsonl").values()
    held_publishers = {publisher(r["source"]) for r in held}
    held_text = {r["sha1"] for r in held}
    held_files = {r["path"] for r in held}
    relevance_test = {
        (r["path"], r.get("entry"))
        for r in read_refs(DATA / "ai_relevance_test_refs.jsonl").values()
    }
    snapshot_only: dict[str, list[str]] = defaultdict(list)
    for key, path in hn_snapshot_paths(corpora).items():
        snapshot_only[path].append(key)
    feeds: list[tuple[str, str | None, list[str] | None]] = [
        (path, source, None) for path, source in NER_TRAIN_FEEDS.items()
    ]
    feeds += [(path, None, keys) for path, keys in sorted(snapshot_only.items())]
    if headlines:
        feeds = [(path, None, None) for path in NER_TRAIN_HEADLINE_FEEDS]
    out: list[Candidate] = []
    for path, fixed_source, keys in feeds:
        assert keys is not None or path not in held_files, path
        file = corpora / path
        if not file.is_file():
            print(f"  missing feed {path}; skipped")
            continue
        links = {e.key: site(e.link) for e in read_feed(file).entries}
        found = (
            headline_candidates(corpora, path)
            if headlines
            else feed_candidates(corpora, path, keys)
        )
        for c in found:
            linked = links.get(c.ref["entry"], "")
            source = fixed_source or c.ref["source"]
            if {publisher(source), publisher(linked or source)} & held_publishers:
                continue
            if c.ref["sha1"] in held_text or (path, c.ref["entry"]) in relevance_test:
                continue
            out.append(Candidate({**c.ref, "source": source}, c.text, c.words, c.density))
    return out


def select_train(corpora: Path, out: Path) -> int:
    """Write the entity training selection: chunk files for the labeller and the refs."""
    pool = [c for c in train_candidates(corpora) if c.density >= NER_TRAIN_MIN_DENSITY]
    train = pick(pool, NER_TRAIN_SIZE, NER_TRAIN_PER_SITE, NER_TRAIN_PER_ARTICLE)
    # Appended after the paragraphs so that adding them left the paragraphs' ids as
    # they were labelled; an entry gives at most its title and its summary.
    seen = {c.ref["sha1"] for c in train}
    short = [c for c in train_candidates(corpora, headlines=True) if c.ref["sha1"] not in seen]
    train += pick(short, NER_TRAIN_HEADLINES, NER_TRAIN_PER_SITE, 2)
    write_ner("ner_train", train, out, chunk=NER_TRAIN_CHUNK)
    summary("ner_train", [c.ref["source"] for c in train])
    print(f"  estimated mentions {sum(c.density for c in train):.0f}")
    print(f"written to {out} and {DATA}")
    return 0


def dev_relevance_keys(corpora: Path) -> tuple[set[str], set[str], set[str]]:
    """Files, entry keys/links and titles of the relevance dev set."""
    labels = [json.loads(x) for x in DEV_RELEVANCE.read_text(encoding="utf-8").splitlines() if x]
    files = {label["file"] for label in labels}
    keys: set[str] = set()
    titles: set[str] = set()
    for rel in files:
        path = corpora / "feeds" / rel
        if path.is_file():
            for e in read_feed(path).entries:
                keys.update(k for k in (e.key, e.link) if k)
                if e.title.strip():
                    titles.add(collapse(e.title).lower())
    return files, keys, titles


def relevance_items(corpora: Path) -> list[tuple[dict[str, Any], tuple[str, str, str]]]:
    dev_files, dev_keys, dev_titles = dev_relevance_keys(corpora)
    chosen: list[tuple[dict[str, Any], tuple[str, str, str]]] = []
    seen: set[str] = set()
    for path in RELEVANCE_FEEDS:
        assert path.removeprefix("feeds/") not in dev_files, path
        file = corpora / path
        if not file.is_file():
            print(f"  missing feed {path}; skipped")
            continue
        cap = PER_PODCAST if "itunes" in path or "craigslist" in path else PER_FEED
        taken = 0
        for entry in read_feed(file).entries:
            if taken >= cap:
                break
            ref = {"corpus": "feed", "path": path, "entry": entry.key, "source": path}
            found = relevance_text(corpora, ref)
            if found is None:
                continue
            _, title, lead_text, _ = found
            dup = {entry.key, entry.link, title.lower()}
            if not title or dup & (dev_keys | dev_titles | seen):
                continue
            seen |= dup - {""}
            chosen.append(({**ref, "sha1": sha1(title + "\n" + lead_text)}, found[:3]))
            taken += 1
    for page, truth in sorted(read_ground_truth(corpora).items()):
        ref = {"corpus": "page", "path": PAGES_PATH, "page": page}
        ref["source"] = site(truth.get("url") or "") or PAGES_PATH
        found = relevance_text(corpora, ref)
        if found is None or not found[1] or not english(found[2]):
            continue
        _, title, lead_text, _ = found
        chosen.append(({**ref, "sha1": sha1(title + "\n" + lead_text)}, found[:3]))
    return chosen


def write_relevance(
    items: Sequence[tuple[dict[str, Any], tuple[str, str, str]]], out: Path, name: str = "rel_test"
) -> None:
    refs: list[dict[str, Any]] = []
    blocks: list[str] = []
    for number, (ref, (feed_title, title, lead_text)) in enumerate(items, 1):
        item_id = f"{name.replace('_', '-')}-{number:04d}"
        refs.append({"id": item_id, **ref})
        where = ref.get("entry") or ref.get("page")
        blocks.append(
            f"# id: {item_id}\n# ref: {ref['path']} | {where}\n"
            f"feed: {feed_title or '(web page, no feed)'}\n"
            f"title: {title}\nlead: {lead_text}\nai: \n"
        )
    header = (
        f"# {name}: {len(items)} items. Answer each 'ai:' line with yes or no, following\n"
        "# docs/labelling.md (AI relevance). Judge the title and lead; the feed line is context.\n"
    )
    (out / f"{name}.txt").write_text(header + "\n" + "\n".join(blocks), encoding="utf-8")
    write_jsonl(DATA / REFS[name], refs)


# -- the relevance dev extension ---------------------------------------------------

HN_BEST_SNAPSHOTS = "feeds/tech-ai/snapshots/ai-news-direct_hackernews_best_stories"
HN_BEST_FEED = "feeds/tech-ai/ai-news-direct/feeds/hackernews_best_stories.xml"
# Headlines with a word that makes relevance hard either way (AI vocabulary, compute,
# chips, agents, models): all of them are taken, so the hard negatives and the AI
# stories without "AI" are many; a fixed share of the other headlines keeps the mix
# honest. A fixed word list, not our scorer, so the choice does not follow its errors.
_HARD_WORDS = re.compile(
    r"\b(?:AI|A\.I\.|GPUs?|chips?|Nvidia|agents?|agentic|models?|LLMs?|inference|"
    r"data ?cent(?:er|re)s?|neural|tokens?|Claude|GPT|OpenAI|Anthropic|Gemini|Copilot|MCP|"
    r"fine-tun\w*|training|transformers?|Llama|Qwen|DeepSeek|Mistral|learning|bots?|"
    r"chatbots?|CUDA|TPUs?|vibe|prompt\w*|semiconductors?|TSMC|AMD|Intel)\b",
    re.IGNORECASE,
)
HN_OTHER = 120  # headlines without a hard word
HN_PER_SITE = 3
# Feed files the dev labels use: their unlabelled entries (podcast lists, classified
# ads and non-English feeds left out).
DEV_FEEDS_MORE = [
    "feeds/" + rel
    for rel in (
        "tech-ai/0xsmw-ai-feeds/feeds/feed_arenamag.xml",
        "tech-ai/0xsmw-ai-feeds/feeds/feed_piratewires.xml",
        "tech-ai/0xsmw-ai-feeds/feeds/feed_xai_news.xml",
        "tech-ai/0xsmw-ai-feeds/feeds/feed_mistral_news.xml",
        "tech-ai/0xsmw-ai-feeds/feeds/feed_openai_research.xml",
        "tech-ai/0xsmw-ai-feeds/feeds/feed_anthropic_news.xml",
        "tech-ai/ai-news-direct/feeds/aibase_daily.xml",
        "tech-ai/ai-news-direct/feeds/anthropic_engineering.xml",
        "tech-ai/ai-news-direct/feeds/artificial_analysis.xml",
        "tech-ai/ai-news-direct/feeds/huggingface_trending_models.xml",
        "tech-ai/ai-news-direct/feeds/minimax_blog.xml",
        "tech-ai/ai-news-direct/feeds/z_ai_blog.xml",
        "tech-ai/ai-news-direct/feeds/github_trends.xml",
        "tech-ai/rsparser-site-feeds/DaringFireball.atom",
        "tech-ai/rsparser-site-feeds/macworld.rss",
        "tech-ai/rsparser-site-feeds/livemint.xml",
        "tech-ai/rsparser-site-feeds/cloudblog.rss",
        "realworld/rss-parser-js/input/guardian.rss",
        "realworld/rss-parser-js/input/many-links.rss",
        "realworld/rss-parser-js/input/rss-1.rss",
        "realworld/rss-parser-js/input/reddit.rss",
        "realworld/node-feedparser/feeds/illegally-nested.xml",
        "realworld/node-feedparser/feeds/tpm.atom",
        "realworld/node-feedparser/feeds/wapowellness.xml",
    )
]
# Small real feeds no set uses (spec examples and non-English feeds left out).
OTHER_FEEDS = [
    "feeds/realworld/feed-rs/rss2/" + name
    for name in (
        "rss_2.0_example_5.xml",
        "rss_2.0_heated.xml",
        "rss_2.0_matrix.xml",
        "rss_2.0_ghost_2.xml",
        "rss_2.0_kdist.xml",
        "rss_2.0_nbcny.xml",
    )
] + [
    "feeds/realworld/feed-rs/atom/atom_example_6.xml",
    "feeds/realworld/rss-parser-js/input/gulp-atom.atom",
    "feeds/realworld/node-feedparser/feeds/category-feed.xml",
]
PER_DEV_FEED = 10


def test_relevance_keys(corpora: Path) -> tuple[set[str], set[str], set[str]]:
    """Entry keys and links, titles, and news sites of the frozen relevance test set."""
    keys: set[str] = set()
    titles: set[str] = set()
    sites: set[str] = set()
    refs = DATA / "ai_relevance_test_refs.jsonl"
    for line in refs.read_text(encoding="utf-8").splitlines():
        ref = json.loads(line)
        if ref["corpus"] == "page":
            sites.add(ref["source"])
            continue
        found = relevance_text(corpora, ref)
        keys.add(ref["entry"])
        if found is not None:
            titles.add(found[1].lower())
    for path in RELEVANCE_FEEDS:
        if (corpora / path).is_file():
            keys.update(e.link for e in read_feed(corpora / path).entries if e.link)
    return keys, titles, sites


def _unstudied_hn_entries(
    corpora: Path, snapshots: str = HN_BEST_SNAPSHOTS, feed: str = HN_BEST_FEED
) -> list[tuple[str, Any]]:
    """(snapshot path, entry) of the Hacker News entries that only the daily
    snapshots hold (not the feed file the first dev wave studied), each from the
    first snapshot it appears in, in _by_hash order."""
    studied = {e.key for e in read_feed(corpora / feed).entries}
    first: dict[str, tuple[str, Any]] = {}
    for file in sorted((corpora / snapshots).glob("*.xml")):
        rel = str(file.relative_to(corpora))
        for entry in read_feed(file).entries:
            if entry.key not in studied:
                first.setdefault(entry.key, (rel, entry))
    return [first[e.key] for e in _by_hash(e for _, e in first.values())]


def _by_hash(entries: Iterable[Any]) -> list[Any]:
    """A fixed order that follows neither the feed's order nor any score."""
    return sorted(entries, key=lambda e: sha1(e.key))


def relevance_dev_items(corpora: Path) -> list[tuple[dict[str, Any], tuple[str, str, str]]]:
    """The relevance dev extension: new items for the studied side only."""
    dev_keys, dev_titles = labelled_dev_keys(corpora)
    test_keys, test_titles, test_sites = test_relevance_keys(corpora)
    dev_paths = {"feeds/" + f for f in json_files(DEV_RELEVANCE)}
    taken_keys = dev_keys | test_keys
    taken_titles = dev_titles | test_titles
    chosen: list[tuple[dict[str, Any], tuple[str, str, str]]] = []
    seen: set[str] = set()

    def add(path: str, entry: Any, source: str) -> bool:
        ref = {"corpus": "feed", "path": path, "entry": entry.key, "source": source}
        found = relevance_text(corpora, ref)
        if found is None or not found[1] or not english(found[1] + " " + found[2] + " the"):
            return False
        dup = {entry.key, entry.link, found[1].lower()}
        if dup & (taken_keys | taken_titles | seen):
            return False
        seen.update(dup - {""})
        chosen.append(({**ref, "sha1": sha1(found[1] + "\n" + found[2])}, found[:3]))
        return True

    per_site: Counter[str] = Counter()
    others = 0
    for rel, entry in _unstudied_hn_entries(corpora):
        source = site(entry.link) or "news.ycombinator.com"
        hard = bool(_HARD_WORDS.search(entry.title))
        if (
            source in test_sites
            or per_site[source] >= HN_PER_SITE
            or (not hard and others >= HN_OTHER)
        ):
            continue
        if add(rel, entry, source):
            per_site[source] += 1
            others += not hard
    for path in DEV_FEEDS_MORE + OTHER_FEEDS:
        assert path in dev_paths or path not in RELEVANCE_FEEDS, path
        if not (corpora / path).is_file():
            print(f"  missing feed {path}; skipped")
            continue
        taken = 0
        for entry in _by_hash(read_feed(corpora / path).entries):
            if taken >= PER_DEV_FEED:
                break
            taken += add(path, entry, path)
    return chosen


# -- the third relevance wave: papers, repositories, lab posts ------------------------

# Sites of papers, code repositories, project pages and AI labs, for the Hacker News
# headlines (all of them: the second wave took at most three a site). Anthropic is left
# out: its feeds are test sources.
_RESEARCH_HOST = re.compile(
    r"(?:^|\.)(?:arxiv\.org|github\.com|github\.io|huggingface\.co|openreview\.net|"
    r"openai\.com|deepmind\.google|ai\.meta\.com|meta\.ai|qwen\.ai|z\.ai|mistral\.ai|"
    r"x\.ai)$"
)
# Research-paper, model-hub, repository and AI-lab feeds no test item comes from (some
# are dev feeds, some give the entity training set its headlines).
DEV3_FEEDS = [
    "feeds/tech-ai/ai-news-direct/feeds/" + name
    for name in (
        "huggingface_daily_papers.xml",
        "huggingface_trending_models.xml",
        "github_trends.xml",
        "deepseek_news.xml",
        "bytedance_seed_blog.xml",
        "meta_ai_news.xml",
        "minimax_blog.xml",
        "moonshot_blog.xml",
        "z_ai_blog.xml",
        "deeplearning_ai_batch.xml",
        "anthropic_engineering.xml",
        "artificial_analysis.xml",
        "aibase_daily.xml",
        "hackernews_best_stories.xml",
    )
] + [
    OXSMW + name
    for name in (
        "feed_hackernews.xml",
        "feed_anthropic_news.xml",
        "feed_thinkingmachines.xml",
        "feed_openai_research.xml",
        "feed_mistral_news.xml",
        "feed_xai_news.xml",
        "feed_piratewires.xml",
    )
]
PER_DEV3_FEED = 25
LISTING_FEEDS = frozenset(DEV3_FEEDS[1:3])  # model hub and repository listings


class _WavePicker:
    """A relevance wave's items as they are offered: English prose (or a model
    listing) neither taken by an earlier set (`taken`: keys, links and lower-case
    titles), nor seen already in this wave, nor `excluded` by entry key."""

    def __init__(self, corpora: Path, taken: set[str], excluded: set[Any] | None = None) -> None:
        self.corpora, self.taken, self.excluded = corpora, taken, excluded or set()
        self.seen: set[str] = set()
        self.chosen: list[tuple[dict[str, Any], tuple[str, str, str]]] = []

    def add(self, path: str, entry: Any, source: str, shared: set[str]) -> bool:
        ref = {"corpus": "feed", "path": path, "entry": entry.key, "source": source}
        found = relevance_text(self.corpora, ref)
        if found is None or not found[1]:
            return False
        # A model listing is a name and counters, not prose: Latin script is enough.
        listing = path in LISTING_FEEDS and headline_usable(found[1], 1)
        if not listing and not english(found[1] + " " + found[2] + " the"):
            return False
        # Release-note feeds link every entry to one page: such a link names no item.
        link = "" if entry.link in shared else entry.link
        dup = {entry.key, link, found[1].lower()}
        if dup & (self.taken | self.seen) or entry.key in self.excluded:
            return False
        self.seen.update(dup - {""})
        self.chosen.append(({**ref, "sha1": sha1(found[1] + "\n" + found[2])}, found[:3]))
        return True


def _titles_of(corpora: Path, refs: Sequence[dict[str, Any]]) -> set[str]:
    """The lower-case titles of an earlier wave's items."""
    titles = set()
    for ref in refs:
        found = relevance_text(corpora, ref)
        if found is not None:
            titles.add(found[1].lower())
    return titles


def relevance_dev3_items(corpora: Path) -> list[tuple[dict[str, Any], tuple[str, str, str]]]:
    """The third relevance wave: items of the kinds the test positives come from."""
    dev_keys, dev_titles = labelled_dev_keys(corpora)
    test_keys, test_titles, test_sites = test_relevance_keys(corpora)
    wave2 = list(read_refs(DATA / REFS["rel_dev2"]).values())
    picker = _WavePicker(
        corpora,
        dev_keys
        | test_keys
        | {r["entry"] for r in wave2}
        | dev_titles
        | test_titles
        | _titles_of(corpora, wave2),
    )
    add = picker.add

    for rel, entry in _unstudied_hn_entries(corpora):
        source = site(entry.link)
        # Also the headlines with a hard word the second wave left out (three a site).
        wanted = _RESEARCH_HOST.search(source) or _HARD_WORDS.search(entry.title)
        if source and source not in test_sites and wanted:
            add(rel, entry, source, set())
    for path in DEV3_FEEDS:
        assert path not in RELEVANCE_FEEDS, path
        if not (corpora / path).is_file():
            print(f"  missing feed {path}; skipped")
            continue
        entries = read_feed(corpora / path).entries
        links = Counter(e.link for e in entries if e.link)
        shared = {link for link, n in links.items() if n > 1}
        taken = 0
        for entry in _by_hash(entries):
            if taken >= PER_DEV3_FEED:
                break
            taken += add(path, entry, path, shared)
    return picker.chosen


# -- the fourth relevance wave: what the corpora still hold ---------------------------


def relevance_dev4_items(corpora: Path) -> list[tuple[dict[str, Any], tuple[str, str, str]]]:
    """The fourth relevance wave: every item the corpora still hold that no set uses.
    The paper, model-hub and lab feeds of the third wave are nearly exhausted, so the
    rest comes from Hacker News: the best-stories headlines the earlier waves' caps
    left out (all of them, hard word or not: AI stories without a hard word, and
    repository names that are not AI, are what a shape feature must tell apart), and
    the other Hacker News feed's snapshot-only entries, except those whose articles
    the entity test set reads. Same exclusions as the third wave, plus its items."""
    dev_keys, dev_titles = labelled_dev_keys(corpora)
    test_keys, test_titles, test_sites = test_relevance_keys(corpora)
    earlier = [
        ref for name in ("rel_dev2", "rel_dev3") for ref in read_refs(DATA / REFS[name]).values()
    ]
    entity_test = {r.get("entry") for r in read_refs(DATA / "ner_test_refs.jsonl").values()}
    picker = _WavePicker(
        corpora,
        dev_keys
        | test_keys
        | {r["entry"] for r in earlier}
        | dev_titles
        | test_titles
        | _titles_of(corpora, earlier),
        excluded=entity_test,
    )
    add = picker.add

    for path in DEV3_FEEDS:
        if (corpora / path).is_file():
            entries = read_feed(corpora / path).entries
            links = Counter(e.link for e in entries if e.link)
            shared = {link for link, n in links.items() if n > 1}
            for entry in _by_hash(entries):
                add(path, entry, path, shared)
    for snapshots, feed in ((HN_BEST_SNAPSHOTS, HN_BEST_FEED), (HN_SNAPSHOTS, HN_FEED)):
        for rel, entry in _unstudied_hn_entries(corpora, snapshots, feed):
            source = site(entry.link)
            if source and source not in test_sites:
                add(rel, entry, source, set())
    return picker.chosen


def labelled_dev_keys(corpora: Path) -> tuple[set[str], set[str]]:
    """Entry keys, links and titles of the entries the dev labels already hold."""
    labelled = defaultdict(set)
    for line in DEV_RELEVANCE.read_text(encoding="utf-8").splitlines():
        if line:
            label = json.loads(line)
            labelled[label["file"]].add(label["entry"])
    keys: set[str] = set()
    titles: set[str] = set()
    for rel, wanted in labelled.items():
        path = corpora / "feeds" / rel
        if path.is_file():
            for e in read_feed(path).entries:
                if e.key in wanted:
                    keys.update(k for k in (e.key, e.link) if k)
                    titles.add(collapse(e.title).lower())
    return keys, titles


def json_files(path: Path) -> set[str]:
    return {json.loads(x)["file"] for x in path.read_text(encoding="utf-8").splitlines() if x}


def summary(name: str, sources: Sequence[str]) -> None:
    counts = Counter(sources)
    print(f"{name}: {len(sources)} items from {len(counts)} sources")
    for source, n in sorted(counts.items()):
        print(f"  {n:3d}  {source}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", type=Path, help="the shared corpora folder")
    parser.add_argument("--out", type=Path, default=REPO_ROOT.parent / "labelwork")
    parser.add_argument(
        "--set",
        choices=("eval", "train", "relevance-dev", "relevance-dev3", "relevance-dev4"),
        default="eval",
        help="eval: the dev and test sets (default); train: the entity training set; "
        "relevance-dev: the relevance dev extension (rel_dev2); "
        "relevance-dev3: its third wave (rel_dev3); relevance-dev4: the fourth (rel_dev4)",
    )
    args = parser.parse_args(argv)
    corpora: Path = args.corpora
    if not (corpora / "feeds").is_dir() or not (corpora / PAGES_PATH).is_dir():
        print(f"corpora not found at {corpora} (need feeds/ and {PAGES_PATH}); skipped")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    if args.set == "train":
        return select_train(corpora, args.out)
    if args.set == "relevance-dev":
        extension = relevance_dev_items(corpora)
        write_relevance(extension, args.out, "rel_dev2")
        summary("rel_dev2", [r["source"] for r, _ in extension])
        return 0
    if args.set == "relevance-dev3":
        wave = relevance_dev3_items(corpora)
        write_relevance(wave, args.out, "rel_dev3")
        summary("rel_dev3", [r["source"] for r, _ in wave])
        return 0
    if args.set == "relevance-dev4":
        wave = relevance_dev4_items(corpora)
        write_relevance(wave, args.out, "rel_dev4")
        summary("rel_dev4", [r["source"] for r, _ in wave])
        return 0

    dev_pool = [
        c
        for path in NER_DEV_FEEDS
        for c in feed_candidates(corpora, path)
        if c.density >= MIN_DENSITY
    ]
    dev = pick(dev_pool, NER_DEV_SIZE, PER_SITE["ner_dev"])
    dev_sources = {c.ref["source"] for c in dev}

    test_pool = [c for path in NER_TEST_FEEDS for c in feed_candidates(corpora, path)]
    blog_pool = [c for path in NER_TEST_BLOG_FEEDS for c in feed_candidates(corpora, path)]
    hn: dict[str, list[str]] = defaultdict(list)
    for key, path in hn_snapshot_paths(corpora).items():
        hn[path].append(key)
    hn_pool = [c for path, keys in sorted(hn.items()) for c in feed_candidates(corpora, path, keys)]
    pages = page_candidates(corpora)
    # Only entity-dense paragraphs: real prose has far fewer names per paragraph than
    # the estimate suggests (headings, figure names and code words are capitalised too).
    clean = [
        c
        for c in test_pool + blog_pool + hn_pool + pages
        if c.ref["source"] not in dev_sources and c.density >= MIN_DENSITY
    ]
    anthropic = pick([c for c in clean if c.ref["source"] == "anthropic.com"], 40, 40)
    rest = [c for c in clean if c.ref["source"] != "anthropic.com"]
    feeds_chosen = pick([c for c in rest if c.ref["corpus"] == "feed"], 170, PER_SITE["feed"])
    page_chosen = pick([c for c in rest if c.ref["corpus"] == "page"], 150, PER_SITE["page"])
    test = anthropic + feeds_chosen + page_chosen
    test = test[:NER_TEST_SIZE]
    assert not dev_sources & {c.ref["source"] for c in test}

    write_ner("ner_dev", dev, args.out)
    write_ner("ner_test", test, args.out)
    rel = relevance_items(corpora)
    write_relevance(rel, args.out)

    summary("ner_dev", [c.ref["source"] for c in dev])
    print(f"  estimated mentions {sum(c.density for c in dev):.0f}")
    summary("ner_test", [c.ref["source"] for c in test])
    print(f"  estimated mentions {sum(c.density for c in test):.0f}")
    summary("rel_test", [r["source"] for r, _ in rel])
    print(f"written to {args.out} and {DATA}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
