"""extract_page (article pages) and html_to_text (feed HTML), on small inline fixtures."""

from __future__ import annotations

import pytest

from reader.core.extract import PageExtract, extract_page, html_to_text

pytest.importorskip("trafilatura")

BODY_PARAGRAPHS = [
    "The harbour authority in Vellmar approved a plan on Tuesday to replace its "
    "ageing tidal gates with a pair of lifting barriers, ending a decade of debate.",
    "Engineers said the new barriers would close in under four minutes, against the "
    "forty minutes the present gates need, which matters during sudden storm surges.",
    "Construction is due to begin next spring and to last three years, during which "
    "ferries will use a temporary pier on the northern side of the estuary.",
    "Residents who opposed the scheme over noise from the works were promised quiet "
    "hours at night and a fund for double glazing in the streets closest to the site.",
]


def article_page(*, extra_body: str = "", headline_in_body: bool = False) -> bytes:
    paragraphs = "\n".join(f"<p>{text}</p>" for text in BODY_PARAGRAPHS)
    headline = "<h1>Vellmar votes for new tidal barriers</h1>" if headline_in_body else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Vellmar votes for new tidal barriers | Coastline Herald</title>
  <meta property="og:title" content="Vellmar votes for new tidal barriers">
  <meta property="og:site_name" content="Coastline Herald">
  <meta name="author" content="Ines Marwick">
  <meta property="article:published_time" content="2026-03-14T09:30:00Z">
</head>
<body>
  <header><nav><ul>
    <li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
    <li><a href="/weather">Weather</a></li><li><a href="/subscribe">Subscribe now</a></li>
  </ul></nav></header>
  <main>
    <article>
      {headline}
      {paragraphs}
      {extra_body}
    </article>
    <section id="comments" class="comments">
      <h3>Comments</h3>
      <div class="comment"><p>Zebulon42: Total waste of taxpayer money, mark my words.</p></div>
      <div class="comment"><p>Harbourfan: Finally! Should have happened years ago.</p></div>
    </section>
  </main>
  <footer>
    <p>Copyright 2026 Coastline Herald Media Group. All rights reserved.</p>
    <p><a href="/privacy">Privacy policy</a> <a href="/cookies">Cookie settings</a></p>
  </footer>
</body>
</html>""".encode()


# --- extract_page -----------------------------------------------------------


def test_extract_page_returns_article_body_in_order() -> None:
    page = extract_page(article_page(), "https://herald.example/vellmar-barriers")
    assert isinstance(page, PageExtract)
    positions = [page.text.find(paragraph) for paragraph in BODY_PARAGRAPHS]
    assert all(pos >= 0 for pos in positions), page.text
    assert positions == sorted(positions)
    # paragraphs stay separate lines
    assert page.text.count("\n") >= len(BODY_PARAGRAPHS) - 1


def test_extract_page_leaves_out_nav_footer_and_comments() -> None:
    page = extract_page(article_page(), "https://herald.example/vellmar-barriers")
    assert page is not None
    for boilerplate in (
        "Subscribe now",
        "Weather",
        "Zebulon42",
        "taxpayer money",
        "Harbourfan",
        "All rights reserved",
        "Cookie settings",
    ):
        assert boilerplate not in page.text


def test_extract_page_metadata_from_meta_tags() -> None:
    page = extract_page(article_page(), "https://herald.example/vellmar-barriers")
    assert page is not None
    assert page.title == "Vellmar votes for new tidal barriers"
    assert page.author == "Ines Marwick"
    assert page.date == "2026-03-14"
    assert page.site_name == "Coastline Herald"


def test_extract_page_metadata_without_meta_tags_and_only_what_is_wanted() -> None:
    # No meta tags: the byline, the <time> and the <title> are read from the page;
    # a caller whose feed entry names the author and date does not pay for them.
    html = article_page().replace(b'<meta name="author" content="Ines Marwick">', b"")
    html = html.replace(
        b"<article>",
        b'<article><p class="byline">By <a rel="author" href="/people/ines">Ines Marwick'
        b'</a></p><time datetime="2026-03-14">14 March</time>',
    )
    url = "https://herald.example/vellmar-barriers"
    page = extract_page(html, url)
    assert page is not None
    assert (page.author, page.date, page.site_name) == (
        "Ines Marwick",
        "2026-03-14",
        "Coastline Herald",
    )
    lean = extract_page(html, url, want_author=False, want_date=False)
    assert lean is not None
    assert (lean.author, lean.date) == ("", "")
    assert (lean.text, lean.title, lean.site_name) == (page.text, page.title, page.site_name)


# JSON-LD as sites write it: pretty-printed, escaped quotes and slashes, \u escapes
# (a surrogate pair among them), an entity, markup in a string, white space inside
# strings; a second script that is not valid JSON; scripts of other types.
JSON_LD_SCRIPTS = [
    (
        "application/ld+json",
        '{\n  "@context": "https://schema.org",\n  "@type": "NewsArticle",\n'
        '  "headline": "Vellmar  votes \\"yes\\" for new\\ttidal barriers \\ud83c\\udf0a",\n'
        '  "author": {"@type": "Person", "name": "Ines \t Marwick"},\n'
        '  "publisher": {"@type": "Organization", "name": "Coastline &amp; <b>Herald</b>"},\n'
        '  "url": "https:\\/\\/herald.example\\/vellmar",\n'
        '  "datePublished": "2026-03-14T09:30:00Z"\n}',
    ),
    ("application/ld+json", '{"@type": "NewsArticle", "headline": "Broken "quote", }'),
    ("application/settings+json", '{"@type": "WebPage", "name": "Site settings"}'),
    ("text/javascript", '{"@type": "NewsArticle", "headline": "Not metadata"}'),
]


def json_ld_page(scripts: list[tuple[str, str]], *, bare: bool = False) -> bytes:
    """The article page with the scripts in its head; `bare`: and no meta tag
    or title, so the JSON-LD alone gives the title, the author and the rest."""
    tags = "".join(f'<script type="{kind}">{body}</script>\n' for kind, body in scripts)
    page = article_page()
    if bare:
        head_start, head_end = page.index(b"<head>") + len(b"<head>"), page.index(b"</head>")
        page = page[:head_start] + page[head_end:]
    return page.replace(b"</head>", tags.encode() + b"</head>")


@pytest.mark.parametrize("bare", [False, True])
def test_json_ld_is_read_as_trafilatura_reads_it(bare: bool) -> None:
    # page_metadata finds and minifies the JSON-LD in C; every field must be the
    # one trafilatura's own extract_meta_json gives, with each script in turn.
    from trafilatura import metadata as tm

    from reader.core.extract import load_page
    from reader.core.page_metadata import _json_ld_metadata

    for count in range(1, len(JSON_LD_SCRIPTS) + 1):
        for scripts in (JSON_LD_SCRIPTS[:count], JSON_LD_SCRIPTS[:count][::-1]):
            html = json_ld_page(scripts, bare=bare)
            ours = _json_ld_metadata(load_page(html), tm.examine_meta(load_page(html)))
            theirs = tm.extract_meta_json(load_page(html), tm.examine_meta(load_page(html)))
            for field in ("title", "author", "url", "sitename", "date", "image", "pagetype"):
                assert getattr(ours, field) == getattr(theirs, field), (count, field)
    page = extract_page(json_ld_page(JSON_LD_SCRIPTS), "https://herald.example/vellmar")
    assert page is not None
    assert page.site_name == "Coastline & Herald"


def test_the_json_minifier_removes_what_trafilaturas_removes() -> None:
    import itertools

    from trafilatura.metadata import JSON_MINIFY

    from reader.core.page_metadata import json_minified

    # Every string of up to 6 of these characters: quotes opened and left open,
    # escaped quotes and backslashes, a backslash before a line break (where a
    # string stops), runs of white space (a Unicode one too).
    alphabet = ['"', "\\", " ", "\n", "\u3000", "a", ":"]
    for length in range(7):
        for chars in itertools.product(alphabet, repeat=length):
            text = "".join(chars)
            assert json_minified(text) == JSON_MINIFY.sub(r"\1", text), repr(text)
    # Longer texts where a string never closes, with closed ones before and after
    # a backslash that stops it (trafilatura's minifier takes ~0.1 s on these).
    unclosed = '{"a": "b", "c": "' + '\\" x \t' * 300
    for text in (unclosed, unclosed + '\\\n "d" : [ 1 ,\t2 ]', '{"k": "v"}  ' + unclosed):
        assert json_minified(text) == JSON_MINIFY.sub(r"\1", text)


def test_a_page_without_a_site_name_is_named_after_its_own_url_whatever_is_wanted() -> None:
    # The page's URL (its canonical link here) is looked for only where it is used:
    # the date search, and the site name a page does not give.
    html = article_page().replace(
        b'<meta property="og:site_name" content="Coastline Herald">',
        b'<link rel="canonical" href="https://www.tidewater.example/news/vellmar">',
    )
    for want_date in (True, False):
        page = extract_page(html, "https://feeds.example/item/1", want_date=want_date)
        assert page is not None
        assert page.site_name == "tidewater.example"
    # Without a canonical link the address the page was fetched from names it.
    bare = article_page().replace(b'<meta property="og:site_name" content="Coastline Herald">', b"")
    page = extract_page(bare, "https://herald.example/vellmar", want_date=False)
    assert page is not None
    assert page.site_name == "herald.example"


def test_extract_page_drops_headline_repeated_as_first_line() -> None:
    page = extract_page(article_page(headline_in_body=True), "https://herald.example/a")
    assert page is not None
    assert page.title == "Vellmar votes for new tidal barriers"
    assert page.text.startswith(BODY_PARAGRAPHS[0])
    assert "Vellmar votes" not in page.text


@pytest.mark.parametrize(
    "html",
    [
        b"",
        b"   \n\t  \r\n ",
        b"\x00\x01\x02\xff\xfe\x9c",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
        b"<html><head></head><body></body></html>",
    ],
    ids=["empty", "whitespace", "control-bytes", "png-bytes", "empty-document"],
)
def test_extract_page_none_without_article(html: bytes) -> None:
    assert extract_page(html, "https://herald.example/x") is None


def test_extract_page_strips_terminal_escapes() -> None:
    hostile = (
        "<p>The council minutes\x1b]52;c;SGVsbG8=\x07 were published in full on "
        "Wednesday evening\x1b[2J after a request from the local newspaper.</p>"
    )
    page = extract_page(article_page(extra_body=hostile), "https://herald.example/minutes")
    assert page is not None
    assert "\x1b" not in page.text
    assert "\x07" not in page.text
    assert "52;c;" not in page.text
    assert "SGVsbG8=" not in page.text
    assert "[2J" not in page.text
    assert "The council minutes were published in full on Wednesday evening after" in page.text


def test_extract_page_strips_escapes_written_as_character_references() -> None:
    hostile = (
        "<p>The harbour pilots&#27;]52;c;SGVsbG8=&#7; will move to the new pier&#x1B;[2J "
        "in June, and a stray&#1; control reference must not cost the page its text.</p>"
    )
    page = extract_page(article_page(extra_body=hostile), "https://herald.example/pilots")
    assert page is not None
    assert BODY_PARAGRAPHS[0] in page.text
    assert "52;c;" not in page.text
    assert "[2J" not in page.text
    assert "The harbour pilots will move to the new pier in June, and a stray control" in page.text


# --- html_to_text -------------------------------------------------------------


def test_extract_page_drops_promotion_lines_but_not_sentences_that_start_alike() -> None:
    promo = (
        "<p>Related: Ferry fares rise again on the northern route</p>"
        "<p>Follow the Coastline Herald on Instagram, Facebook and YouTube.</p>"
        "<p>Get the latest updates right in your inbox. Subscribe to our newsletters.</p>"
        "<p>More than two hundred residents attended the final hearing on the plan.</p>"
        "<p>Read more about the estuary in our archive, said the librarian, smiling.</p>"
    )
    page = extract_page(article_page(extra_body=promo), "https://herald.example/a")
    assert page is not None
    assert "Related:" not in page.text
    assert "Instagram" not in page.text and "newsletters" not in page.text
    assert "More than two hundred residents attended" in page.text
    assert "Read more about the estuary in our archive" in page.text
    assert BODY_PARAGRAPHS[-1] in page.text


def test_extract_page_keeps_the_balanced_reading_when_the_precise_one_is_nearly_empty() -> None:
    # Article text that is all link text in plain divs: favor_precision's link
    # density rules drop all of it, and its own rescue stages are off.
    sentence = "The harbour authority approved a plan to replace the ageing tidal gates"
    divs = "".join(
        f'<div><a href="/d{i}">{sentence}, part {i}, at length and in detail.</a></div>'
        for i in range(8)
    )
    html = f"<html><body><main>{divs}</main></body></html>".encode()
    page = extract_page(html, "https://herald.example/b")
    assert page is not None
    assert page.text.count(sentence) == 8


# --- what is taken out before trafilatura reads the page (_drop_never_kept) ----------

FORUM_POSTS = [
    "Has anyone measured how long the new Vellmar barriers take to close during a surge tide?",
    "I watched them last winter from the northern pier: a little under four minutes each time.",
    "The old gates needed forty minutes, so the difference matters a great deal for the ferries.",
    "The engineers' report says three minutes and forty seconds with both barriers lifting.",
]


def forum_thread(*, declared: bool) -> bytes:
    posts = "".join(
        f'<div class="comment"><span class="user">User{i}</span><p>{text}</p></div>'
        for i, text in enumerate(FORUM_POSTS)
    )
    json_ld = (
        '<script type="application/ld+json">{"@context": "https://schema.org", '
        '"@type": "DiscussionForumPosting", "headline": "Barrier timing"}</script>'
    )
    return f"""<!DOCTYPE html><html><head><title>Barrier timing</title>
{json_ld if declared else ""}<script>var tracking = 1;</script></head><body>
<nav><a href="/">Forum home</a> <a href="/rules">Rules</a></nav>
<main><h1>Barrier timing</h1>
<p>A question from the harbour forum about the tidal barriers.</p>
<div class="comments">{posts}</div></main>
<footer><p>Forum rules apply to every thread.</p></footer></body></html>""".encode()


def test_a_forum_thread_declared_in_the_head_keeps_its_posts() -> None:
    # The posts sit in comment containers, which the precise pass prunes; the
    # balanced re-read keeps them only if it still sees the page's JSON-LD saying
    # it is a forum thread, which lives in the <head> with scripts that go.
    declared = extract_page(forum_thread(declared=True), "https://forum.example/t/1")
    assert declared is not None
    assert all(post in declared.text for post in FORUM_POSTS)
    undeclared = extract_page(forum_thread(declared=False), "https://forum.example/t/1")
    assert undeclared is not None
    assert not any(post in undeclared.text for post in FORUM_POSTS)


def test_an_article_inside_a_form_is_still_read() -> None:
    # Some sites wrap the whole page in one <form> (ASP.NET WebForms): trafilatura
    # keeps a form that holds most of the page's text, so it must reach it.
    paragraphs = "".join(f"<p>{text}</p>" for text in BODY_PARAGRAPHS)
    html = f"""<html><head><title>Vellmar votes</title></head><body>
<form id="aspnetForm" action="/article.aspx" method="post">
<input type="hidden" name="__VIEWSTATE" value="dDwtMTA4MzE0MjEzOTs7Pg==">
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Vellmar votes</h1>{paragraphs}</article>
<button type="submit">Search</button></form></body></html>""".encode()
    page = extract_page(html, "https://herald.example/article.aspx")
    assert page is not None
    assert all(text in page.text for text in BODY_PARAGRAPHS)
    assert "Search" not in page.text


def test_text_after_an_element_taken_out_stays_in_its_sentence() -> None:
    # An inline button, icon or date inside a paragraph goes; the words after it
    # (its "tail" in the tree) stay where they were.
    sentence = (
        "<p>Engineers said the barriers would close in under "
        '<time datetime="2026-03-14">four</time>minutes, <button>Share</button>against '
        '<svg viewBox="0 0 1 1"><path d="M0 0"/></svg>the forty minutes the present gates '
        "need, which matters during sudden storm surges on the estuary.</p>"
    )
    paragraphs = "".join(f"<p>{text}</p>" for text in BODY_PARAGRAPHS[:3])
    html = f"<html><body><article>{paragraphs}{sentence}</article></body></html>".encode()
    page = extract_page(html, "https://herald.example/c")
    assert page is not None
    assert (
        "Engineers said the barriers would close in under minutes, against the forty minutes"
        in page.text
    )
    assert "Share" not in page.text


def test_html_to_text_paragraphs_become_blank_line_separated() -> None:
    assert html_to_text("<p>First paragraph.</p><p>Second paragraph.</p>") == (
        "First paragraph.\n\nSecond paragraph."
    )


def test_html_to_text_br_is_a_line_break() -> None:
    assert html_to_text("<p>line one<br>line two<br/>line three</p>") == (
        "line one\nline two\nline three"
    )


def test_html_to_text_list_items_are_bulleted_blocks() -> None:
    assert html_to_text("<p>Items:</p><ul><li>apples</li><li>pears</li></ul>") == (
        "Items:\n\n• apples\n\n• pears"
    )


def test_html_to_text_drops_script_and_style_keeps_tail() -> None:
    fragment = (
        "<p>before</p><script>alert('x'); var a = '<p>no</p>';</script>"
        "<style>p { color: red }</style>after"
    )
    text = html_to_text(fragment)
    assert text == "before\n\nafter"


def test_html_to_text_keeps_bracket_markup_literally() -> None:
    fragment = "<p>Press [b]bold[/b] or [link=https://a.example]here[/link] [red]now[/]</p>"
    assert html_to_text(fragment) == (
        "Press [b]bold[/b] or [link=https://a.example]here[/link] [red]now[/]"
    )


def test_html_to_text_plain_text_passes_through_normalised() -> None:
    assert html_to_text("Plain   summary\twith  spaces\n\n\n\nand a gap [x]") == (
        "Plain summary with spaces\n\nand a gap [x]"
    )
    assert html_to_text("3 < 4 and 5 > 2") == "3 < 4 and 5 > 2"


def test_html_to_text_decodes_entities() -> None:
    assert html_to_text("Fish &amp; chips &lt;3 &eacute;t&eacute;") == "Fish & chips <3 été"


@pytest.mark.parametrize("fragment", ["", "   ", "\n\t\n"])
def test_html_to_text_empty(fragment: str) -> None:
    assert html_to_text(fragment) == ""


def test_html_to_text_malformed_html() -> None:
    assert html_to_text("<p>Unclosed <b>bold<p>next one</div></span>") == (
        "Unclosed bold\n\nnext one"
    )
    assert html_to_text("<div>dangling") == "dangling"


def test_html_to_text_strips_terminal_escapes() -> None:
    assert html_to_text("<p>safe\x1b]52;c;SGVsbG8=\x07 text\x1b[2J</p>") == "safe text"


# --- load_page: trafilatura's loader, with less work ----------------------------------

LOADER_CASES = {
    "utf-8 page": article_page(),
    "xhtml doctype (removed by the loader)": (
        b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        b"<html><body><p>Caf\xc3\xa9 on the pier</p></body></html>"
    ),
    "xhtml doctype on the only line": (
        b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "http://www.w3.org/TR/x.dtd">'
        b"<html><body><p>one line</p></body></html>"
    ),
    "self-closed html tag": b'<!DOCTYPE html>\n<html lang="en"/>\n<body><p>faulty</p></body>',
    "control bytes and noncharacters": (
        b"<html><body><p>a\x00b\x02c\x0bd\x0ce\x1ff \xef\xbf\xbe\xef\xbf\xbf g</p></body></html>"
    ),
    "noncharacters beside characters beyond the basic plane": (
        "<html><body><p>wave \U0001f30a \ufffe tide \uffff</p></body></html>".encode()
    ),
    "form feed ahead of the doctype": b"\x0c<!doctype html>\x0b<html><body><p>ff</p></body></html>",
    "charset declared as windows-1252, bytes in UTF-8": (
        b'<html><head><meta charset="windows-1252"></head>'
        b"<body><p>na\xc3\xafve \xe2\x80\x94 caf\xc3\xa9</p></body></html>"
    ),
    "latin-1 bytes": b"<html><body><p>caf\xe9 au lait</p></body></html>",
    "xml declaration of another encoding, bytes in UTF-8": (
        b"<?xml version='1.0' encoding='iso-8859-1'?>"
        b"<html><body><p>caf\xc3\xa9 cr\xc3\xa8me</p></body></html>"
    ),
    "byte-order mark": b"\xef\xbb\xbf<!DOCTYPE html><html><body><p>bom</p></body></html>",
    "fragment, not a document": b"<div><p>one</p><p>two</p></div>",
    "no markup": b"plain text, no markup at all",
    "line separators": "<html><body><p>\u2028sep \u0085 nel</p></body></html>".encode(),
    "no-break space ahead of the doctype": (
        "\u00a0<!DOCTYPE html>\n<html><head><title>t</title></head><body><p>nbsp</p></body></html>"
    ).encode(),
    "ideographic space and a line separator ahead of the markup": (
        " \u3000\u2028<!DOCTYPE html>\n<html><head><title>t</title></head><body><p>wide</p></body></html>"
    ).encode(),
}


@pytest.mark.parametrize("html", LOADER_CASES.values(), ids=LOADER_CASES.keys())
def test_load_page_gives_the_tree_trafilaturas_loader_gives(html: bytes) -> None:
    import gzip

    import trafilatura
    from lxml import etree

    from reader.core.extract import load_page

    def serialised(tree: object) -> str | None:
        if tree is None:
            return None
        return str(etree.tostring(tree.getroottree(), encoding="unicode"))  # type: ignore[attr-defined]

    assert serialised(load_page(html)) == serialised(trafilatura.load_html(html))
    packed = gzip.compress(html)  # a server's gzip without the header: the loader unpacks it
    assert serialised(load_page(packed)) == serialised(trafilatura.load_html(packed))
