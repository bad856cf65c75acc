"""The cleaner finishes in bounded time on adversarial input: long lines of
regex-hostile characters, very many lines, deeply nested HTML.

Each case runs in a subprocess with a timeout (a hang guard, not a
benchmark: before the fixes these took minutes to hours)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tui.core.clean import clean

#: Generous: the cases below take well under a second each on a laptop.
TIMEOUT = 60


def _run_bounded(code: str) -> str:
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                       timeout=TIMEOUT)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


# 200 KB single lines: each was quadratic (or worse) in the inline-Markdown
# regexes ("[" * 40,000 alone took 7-14 s).
LINES = ["[", "![", "**a ", "[a](", "](", "(", "<", "*", "_", "`", "#", ".", "a ", "*a ", "`a ", "# a ", "1. ", "<a ", "<div x=\"", "</"]


@pytest.mark.parametrize("kind", ["text", "markdown", "html"])
def test_long_hostile_lines_finish(kind):
    out = _run_bounded(f"""
        from tui.core.clean import clean
        for pat in {LINES!r}:
            t = pat * (200_000 // len(pat))
            art = clean(t, kind={kind!r})
            art.markdown()
        print("ok")
    """)
    assert out.strip() == "ok"


def test_many_short_lines_finish_and_are_all_shown():
    out = _run_bounded("""
        from tui.core.clean import clean
        lines = [f"line {i} word" for i in range(400_000)]
        art = clean("\\n".join(lines))
        assert " ".join(b.text for b in art.blocks) == " ".join(lines)
        assert len(art.blocks) <= 10_000, len(art.blocks)
        print("ok")
    """)
    assert out.strip() == "ok"


@pytest.mark.parametrize("opener", ["<div>", "<div>a", "<ul><li>", "<div><span>", "<blockquote>", '<div x="<">'])
def test_deeply_nested_html_finishes(opener):
    """100,000-deep nesting: lexbor's parse time is quadratic in the depth;
    the elements past the depth limit are read flat."""
    out = _run_bounded(f"""
        from tui.core.clean import clean
        body = "<p>The council met on Tuesday and argued about the budget, which was late again.</p>"
        art = clean({opener!r} * 100_000 + body, kind="html")
        assert "The council met on Tuesday" in art.text(), art.text()[:200]
        assert any("too deep" in n for n in art.notes)
        print("ok")
    """)
    assert out.strip() == "ok"


def test_inline_markup_still_read():
    art = clean("[The council](http://x.y/a_(b)) met on **Tuesday** and *argued* about the `budget`, "
                "which was late again this year, as it was [last](u \"t\") year.", kind="markdown")
    assert art.blocks[0].text == ("The council met on Tuesday and argued about the budget, "
                                  "which was late again this year, as it was last year.")


def test_depth_limit_leaves_ordinary_pages_alone():
    from tui.core.clean.html import limit_depth

    page = "<html><body>" + "<div><p>Text<p>More</div>" * 20_000 + "<ul><li>a<li>b</ul>" * 5000 + "</body></html>"
    assert limit_depth(page) == (page, 0)
    deep = "<div>" * 10_000 + "x" + "</div>" * 10_000
    flat, n = limit_depth(deep, 100)
    assert n == 9_900 and flat == "<div>" * 100 + "x" + "</div>" * 100


@pytest.mark.parametrize("line", ["By Jane", "> a", "Comments"])
def test_one_long_markdown_paragraph_of_short_lines_finishes(line):
    """Joining a paragraph's lines was quadratic (string += per line)."""
    out = _run_bounded(f"""
        from tui.core.clean import clean
        art = clean("\\n".join([{line!r}] * 300_000), kind="markdown")
        art.markdown()
        print("ok")
    """)
    assert out.strip() == "ok"


def test_millions_of_lines_are_shown_uncleaned_quickly():
    out = _run_bounded("""
        from tui.core.clean import clean
        art = clean("a\\n" * 2_500_000, kind="markdown")
        assert any("too long to clean" in n for n in art.notes)
        assert sum(len(b.text.split()) for b in art.blocks) == 2_500_000
        print("ok")
    """)
    assert out.strip() == "ok"
