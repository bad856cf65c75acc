"""HTML and Markdown inputs: DOM pruning, main content, metadata, structure,
deep nesting, and laziness of the heavy imports."""

from __future__ import annotations

import subprocess
import sys

from tui.core.clean import clean
from tui.core.model import HEADING, ITEM, PARAGRAPH, QUOTE

P1 = ("The harbour was quiet on Sunday, as the fishing fleet stayed in port because of the storm "
      "warnings that the coastguard issued on Saturday evening.")
P2 = ("Skippers said they would wait for the wind to drop before going out again, which may take "
      "until the middle of the week, and that the lost days would cost them dearly.")
P3 = ("The harbour master, who has worked on the quay for thirty years, said she could not remember "
      "a storm season that started so early in the autumn.")


def page(article: str, extra: str = "") -> str:
    return f"""<!doctype html><html><head>
<title>Quiet Harbour | The Coastal Gazette</title>
<meta property="og:site_name" content="The Coastal Gazette">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2024-10-02T08:15:00+01:00">
<meta property="article:section" content="Local">
<script>var x = "Home About Contact";</script><style>p {{ color: red }}</style>
</head><body>
<header class="site-header"><a href="/">The Coastal Gazette</a></header>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<div class="layout">
<main>{article}</main>
<aside class="sidebar"><h3>Most read</h3><ul><li><a>Council budget row goes on and on and on</a></li></ul></aside>
</div>
<div id="comments" class="comments-area"><h3>3 Comments</h3><p>Great piece, thanks for writing it, I enjoyed every word of it.</p></div>
<div class="share-buttons"><a>Facebook</a><a>Twitter</a></div>
<div class="cookie-banner">We use cookies to improve your experience. Accept all</div>
{extra}
<footer><p>© 2024 The Coastal Gazette. All rights reserved.</p><a>Privacy</a></footer>
</body></html>"""


ARTICLE = f"""<article><h1>Quiet Harbour</h1>
<p class="byline">By Jane Roe</p>
<p>{P1}</p>
<div class="ad-slot">Advertisement</div>
<h2>Waiting for the wind</h2>
<p>{P2}</p>
<blockquote><p>“We have never seen anything like it,” she said of the early storms this year.</p></blockquote>
<ul><li>The fleet stays in port until Wednesday at the earliest.</li><li>The ferry runs as normal.</li></ul>
<p>{P3}</p>
</article>"""


def test_html_main_content_and_structure():
    art = clean(page(ARTICLE), kind="html")
    texts = [b.text for b in art.blocks]
    assert P1 in texts and P2 in texts and P3 in texts
    assert texts.index(P1) < texts.index(P2) < texts.index(P3)
    kinds = {b.text: b.kind for b in art.blocks}
    assert kinds[P1] == PARAGRAPH
    assert kinds.get("Waiting for the wind") == HEADING
    assert any(b.kind == QUOTE and b.text.startswith("“We have never seen") for b in art.blocks)
    assert any(b.kind == ITEM and b.text.startswith("The fleet stays in port") for b in art.blocks)
    body = art.text()
    for junk in ("Home", "Sport", "Most read", "Great piece", "Facebook", "cookies", "©", "Advertisement",
                 "var x", "color: red"):
        assert junk not in body, junk


def test_html_metadata_from_head():
    art = clean(page(ARTICLE), kind="html")
    assert art.title == "Quiet Harbour"
    assert art.author == "Jane Roe"
    assert art.outlet == "The Coastal Gazette"
    assert art.published == "2024-10-02T08:15"
    assert art.section == "Local"


def test_html_without_article_element_uses_text_density():
    divs = "".join(f"<div class='x'><span>{p}</span></div>" for p in (P1, P2, P3))
    html = f"<html><body><div class='menu'><a>Home</a><a>News</a></div><div id='content-wrap'>{divs}</div>" \
           f"<div class='footer-links'><a>Privacy</a><a>Terms</a></div></body></html>"
    art = clean(html, kind="html")
    assert [b.text for b in art.blocks] == [P1, P2, P3]


def test_html_deep_nesting_does_not_recurse():
    depth = 20_000
    html = "<html><body>" + "<div>" * depth + f"<p>{P1}</p><p>{P2}</p>" + "</div>" * depth + "</body></html>"
    art = clean(html, kind="html")
    assert P1 in art.text() and P2 in art.text()
    html2 = "<b>" * depth + P1 + "</b>" * depth
    assert P1 in clean(html2, kind="html").text()


def test_html_garbage_never_raises():
    for junk in ("", "<", "<<<>>>", "<html><body></body></html>", "<p>" * 1000, "\x00<p>\x1b[31mx</p>",
                 "<table><tr><td>" * 500, "<!-- unterminated", "<script>" + "x" * 1000):
        art = clean(junk, kind="html", name="page.html")
        assert art.title


def test_html_control_characters_stripped():
    html = f"<html><body><article><p>{P1}\x1b]0;pwned\x07 \x9b31m</p><p>{P2}</p></article></body></html>"
    art = clean(html, kind="html")
    assert "\x1b" not in art.markdown() and "\x9b" not in art.markdown() and "\x07" not in art.markdown()


def test_markdown_input_kept_as_markdown():
    md = f"""# Quiet Harbour

*The storm season started early this year.*

By Jane Roe

{P1}

## Waiting for the wind

{P2}

> “We have never seen anything like it,” she said of the early storms this year.

- The fleet stays in port until Wednesday at the earliest.
- The ferry runs as normal on all of its routes this week.

{P3}

Share this:

Facebook
"""
    art = clean(md, kind="markdown")
    assert art.title == "Quiet Harbour"
    assert art.dek == "The storm season started early this year."
    assert art.author == "Jane Roe"
    kinds = [(b.kind, b.text[:20]) for b in art.blocks]
    assert kinds[0] == (PARAGRAPH, P1[:20])
    assert (HEADING, "Waiting for the wind") in kinds
    assert any(k == QUOTE for k, _ in kinds) and sum(1 for k, _ in kinds if k == ITEM) == 2
    assert "Share this" not in art.text() and "Facebook" not in art.text()
    again = clean(art.markdown(), kind="markdown")
    assert [(b.kind, b.text) for b in again.blocks] == [(b.kind, b.text) for b in art.blocks]
    assert (again.title, again.dek, again.author) == (art.title, art.dek, art.author)


def test_seed_markdown_round_trip_keeps_blocks_and_metadata(seeds_dir):
    for f in sorted(seeds_dir.glob("*.txt")):
        art = clean(f.read_text(encoding="utf-8"), name=f.name)
        again = clean(art.markdown(), kind="markdown")
        assert [(b.kind, b.text) for b in again.blocks] == [(b.kind, b.text) for b in art.blocks], f.name
        assert again.title == art.title
        for field in ("dek", "outlet", "author", "section", "published"):
            assert getattr(again, field) == getattr(art, field), (f.name, field)


def test_heavy_parsers_are_imported_lazily():
    code = ("import sys; from tui.core.clean import clean; clean('Hello there.\\n\\nA line.'); "
            "bad = [m for m in ('selectolax', 'bs4', 'markdownify', 'charset_normalizer', 'textual') if m in sys.modules]; "
            "print(bad)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.stdout.strip() == "[]", res.stdout + res.stderr


def test_html_numbered_lists_are_kept_as_items():
    steps = "".join(f"<li>Step {i}: stir the pot</li>" for i in range(1, 6))
    html = f"<html><body><article><p>{P1}</p><ol>{steps}</ol><p>{P2}</p><p>{P3}</p></article></body></html>"
    art = clean(html, kind="html")
    items = [b.text for b in art.blocks if b.kind == ITEM]
    assert items == [f"Step {i}: stir the pot" for i in range(1, 6)]
    again = clean(art.markdown(), kind="markdown")
    assert [(b.kind, b.text) for b in again.blocks] == [(b.kind, b.text) for b in art.blocks]


# The converter reads an element whose subtree holds only text and inline
# elements with one text() call instead of walking it. These pages mix the
# cases where that must not change a word: inline markup, dropped elements
# inside a paragraph (a space), cells, line breaks, comments, <pre>, lists,
# quotes, headings with links, custom elements and SVG.
INLINE_MIX = [
    ARTICLE,
    f"<article><p>{P1[:60]}<b>bold <i>and <a href='#'>linked</a></i></b> words<!-- a note -->{P2[:40]}</p></article>",
    "<article><p>before<script>var s = 1;</script>after <img src=x alt=y>image <input value=v>field</p></article>",
    "<article><p>line one<br>line two<br/>line three</p><p>x<hr>y</p></article>",
    "<article><table><tr><td>a <b>b</b></td><td>c</td></tr><tr><th>d</th><td><span>e</span> f</td></tr></table></article>",
    "<article><pre>  code <b>line</b> one\n    line <i>two</i>  \n</pre><p>after   the\n\n pre</p></article>",
    "<article><ul><li>one <em>1</em></li><li>two<ol><li>two a</li><li><b>two b</b></li></ol></li></ul></article>",
    "<article><blockquote>quoted <b>text</b><p>and a <a>paragraph</a></p></blockquote></article>",
    "<article><h2>A <a href='#'>linked</a> <span>heading</span></h2><p>text <my-widget>custom <x-y>el</x-y></my-widget> end</p></article>",
    "<article><p>icon <svg><title>t</title><text>svg text</text></svg> next <math><mi>x</mi></math> more</p></article>",
    "<article><div>bare <span>div</span> text<div>inner <b>div</b></div>tail <u>text</u></div></article>",
    "<article><p>select <select><option>o1</option></select> and <textarea>typed</textarea> and <button>b</button></p></article>",
    "<article><p>a<template><b>hidden</b></template>b <noscript>no script</noscript> c</p></article>",
    "<article><dl><dt>term <b>t</b></dt><dd>def <i>d</i></dd></dl><figure><img><figcaption>cap <b>c</b></figcaption></figure></article>",
]


class _Every:
    def __contains__(self, tag_id) -> bool:
        return True


def test_html_inline_subtrees_read_as_the_full_walk(monkeypatch):
    from tui.core.clean import html

    fast = [html.html_to_markdown(page(a)) for a in INLINE_MIX]
    # Every element a "breaker": only elements without element children
    # are read in one call (their text children, in order: the walk itself).
    monkeypatch.setattr(html, "_break_ids", lambda: _Every())
    slow = [html.html_to_markdown(page(a)) for a in INLINE_MIX]
    assert fast == slow
    assert fast[2][0] == "before after image field\n"  # dropped elements separate words
    assert fast[4][0] == "a b | c\n\nd | e f\n"
    assert fast[5][0] == "code line one\n\nline two\n\nafter the pre\n"


def test_html_text_is_parsed_as_utf8_like_the_parser_does():
    # Lone surrogates (which UTF-8 cannot carry) are dropped, as selectolax
    # drops them from a str; characters outside the BMP survive.
    from tui.core.clean.html import html_to_markdown

    html = f"<html><body><article><p>{P1} \ud800 emoji \U0001F600 end.</p></article></body></html>"
    md, _ = html_to_markdown(html)
    assert "\ud800" not in md and "emoji \U0001F600 end." in md and P1 in md


_SPACES = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2007\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"


def test_squash_is_split_and_join():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from tui.core.clean.html import _squash

    @settings(max_examples=400, deadline=None)
    @given(st.text(alphabet=st.sampled_from(list(_SPACES) + list("ab.\u00e9\U0001F600")), max_size=40) | st.text(max_size=40))
    def check(s):
        assert _squash(s) == " ".join(s.split())

    check()
