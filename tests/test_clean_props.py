"""Property tests of the cleaner (hypothesis): no exception on any text,
no invented words, idempotent on its own Markdown, no control characters."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.clean import clean
from tui.core.clean.units import normalise_line
from tui.core.textio import strip_controls

WORD = re.compile(r"\w+")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

PROSE = [
    "The council approved the plan on Tuesday, after a long debate about the cost of the new bridge.",
    "Residents said they had waited years for the repairs, and that the delays had hurt local shops.",
    "“We are delighted,” said the mayor, who promised that work would begin before the end of the summer.",
    "Critics argue that the money would be better spent on schools, where many roofs are also leaking.",
    "The report, published by the regional audit office, found that the budget was overspent by a third.",
]
FURNITURE = [
    "Home", "Share this:", "Facebook", "0 0", "Advertisement", "Leave a Reply", "3 Comments", "Notify of",
    "Related", "By Jane Roe", "Nov 18, 2024 - 13:28", "Politics", "x", "()", "S\"\"", "Read more",
    "## Subheading here", "> quoted words here", "- a list item", "*a caption*", "# Title of the page",
    "What's Your Reaction?", "like", "We use cookies on this site. Accept all", "© 2024 Some Media Group",
    "Photo: A. Person / Agency", "Subscribe to our newsletter for updates in your inbox",
    "Report: the plan was approved:", "1. first point", "**bold words** and more", "[a link](http://x.y)",
    "\x1b[31mred\x1b[0m", "tab\there", "\u00a0\u00a0spaced\u00a0out\u00a0", "zero\u200bwidth",
]
LINE = st.one_of(
    st.sampled_from(PROSE),
    st.sampled_from(FURNITURE),
    st.text(max_size=80),
    st.text(alphabet=st.sampled_from(list("ab .,:#>-*_`[]()!?\"'“”\n\t\x00\x1b\x9b")), max_size=40),
)
DOC = st.lists(LINE, max_size=30).flatmap(
    lambda lines: st.sampled_from(["\n", "\n\n"]).map(lambda sep: sep.join(lines))
)
ANY = st.one_of(DOC, st.text(max_size=400))
KIND = st.sampled_from(["text", "markdown"])

PROPS = settings(derandomize=True, max_examples=int(__import__("os").environ.get("CLEAN_PROPS_EXAMPLES", "300")), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def input_words(text: str) -> set[str]:
    text = strip_controls(text.replace("\r\n", "\n"))
    return set(WORD.findall(" ".join(normalise_line(l) for l in text.split("\n"))))


@PROPS
@given(ANY, st.sampled_from(["text", "markdown", "html"]))
def test_never_raises(text, kind):
    art = clean(text, kind=kind, name="x.txt")
    assert isinstance(art.title, str) and art.title
    art.markdown()
    art.text()


@PROPS
@given(ANY, KIND)
def test_output_words_come_from_input(text, kind):
    art = clean(text, kind=kind)
    allowed = input_words(text)
    for b in art.blocks:
        assert set(WORD.findall(b.text)) <= allowed, b
    for field in (art.dek, art.author, art.outlet, art.section):
        if field:
            assert set(WORD.findall(field)) <= allowed


@PROPS
@given(ANY, KIND)
def test_idempotent_on_own_markdown(text, kind):
    art = clean(text, kind=kind)
    again = clean(art.markdown(), kind="markdown")
    assert [b.text for b in again.blocks] == [b.text for b in art.blocks]
    assert again.title == art.title


@PROPS
@given(ANY, st.sampled_from(["text", "markdown", "html"]))
def test_no_control_characters_in_output(text, kind):
    art = clean(text, kind=kind)
    outs = [art.markdown(), art.text(), art.title, art.dek or "", art.dateline or ""]
    outs += [r.text for r in art.removed]
    for s in outs:
        assert not CONTROL.search(s), repr(s)


# -- regressions found by the fuzzers --------------------------------------------------------

import pytest  # noqa: E402


@pytest.mark.parametrize("text,kind", [
    # a standfirst with no body under it is read with the rest
    ("<script>alert(1)</script>\nA0A<style>p{}</style>The&amp;The\nThe", "text"),
    # a first paragraph shaped like our "outlet · section" line
    ("The · The<style>p{}</style>A?", "text"),
    ("Heading\n\n- Tea · Coffee the the the the the the the.\n\nThe · The", "markdown"),
    # a standfirst set as a heading, with no body: judged as it is written back ("*dek*")
    ('By Jane DoeThe<div>+0.0x\xe2\xef\U0009e437\x8b\xf2&"\x19\xd5\U00039e22\xe4\xb6t\xda\\\xd2- Tuesday<div>\xa5\xdd4\xfb\U000538bb\U0001f469\u200d\U0001f469\u200d\U0001f467 ^>\\s?(.*)$?\xc6\x1ag\U000dcf99\x86\xd3\U0010f0a6\x0e\xbeI\xcc\xb6K\xcd+6\x83E|\x9de\n\n# \x1b]0;pwned-title\x07+\xa5l\U000e9d9aq\xc5\U00104ee6\xbe\U0002901e\xc3JN\U000341e3\U000e98b5\xdf(!\xa8DY\U000a773c\xaf\xe6\xfe\x8e\xba\xef\U000342d1\x84w\x96\xca\xc7?\x94\\Q\xf2\x18\xeb\x90\U00100cf5\U0004e781\xe7\U000eb84aQ\xb2-\U000c46f4\xc8\x8d\x05\x9b\u8373\xb2\U000125db\n%\xf7', "text"),
    ("By Jane DoeThe x y z\n\n# +l qA JN ß(!DY æþºï wÊÇ?Qò\n%÷", "text"),
    # a standfirst that is prose, with no body: it is the body, alone
    ("[@click=app.quit]\r\nThe<a href='javascript:x'>[@click=app.quit]A0¹:\r\n<script>alert(1)</script>", "text"),
    ("[@click=app.quit]\r\nThe<a href='javascript:x'>A0¹[@click=app.quit]A0A\r\n<a href='javascript:x'>A0¹", "text"),
    # ...whose heading text began "- ": a paragraph never starts like an item
    ('By Jane DoeThe<div>+0.0x\xe2\xef\U0009e437\x8b\xf2&"\x19\xd5\U00039e22\xe4\xb6t\xda\\\xd2- Tuesday- \xa5\xdd4\xfb\U000538bb\U0001f469\u200d\U0001f469\u200d\U0001f467 ^>\\s?(.*)$?\xc6\x1ag\U000dcf99\x86\xd3\U0010f0a6\x0e\xbeI\xcc\xb6K\xcd+6\x83E|\x9de\n\n# - +\xa5l\U000e9d9aq\xc5\U00104ee6\xbe\U0002901e\xc3JN\U000341e3\U000e98b5\xdf(!\xa8DY\U000a773c\xaf\xe6\xfe\x8e\xba\xef\U000342d1\x84w\x96\xca\xc7?\x94\\Q\xf2\x18\xeb\x90\U00100cf5\U0004e781\xe7\U000eb84aQ\xb2-\U000c46f4\xc8\x8d\x05\x9b\u8373\xb2\U000125db\n%\xf7', "text"),
])
def test_idempotent_regressions(text, kind):
    art = clean(text, kind=kind)
    again = clean(art.markdown(), kind="markdown")
    assert [b.text for b in again.blocks] == [b.text for b in art.blocks]
    assert again.title == art.title


def test_dek_without_body_becomes_body():
    art = clean("Title\nA standfirst line that has quite a few words in it here\nx", kind="text")
    assert art.dek is None or art.blocks


@pytest.mark.parametrize("text", [
    "1\x9d\n0&#27;[31mBy Jane Doe0The“quotes”A?",
    "㐀A0A\x9d<li>TheBy Jane Doe\x1b[31;1mRED\x1b[0m0A0A",
])
def test_html_escape_sequences_end_at_the_line_end(text):
    """An unterminated escape sequence in HTML ends at its source line end,
    as in text: it must not swallow words the parser joined onto its line."""
    from tests.test_hostile import check_clean_properties

    check_clean_properties(text, "html")


def test_plain_start_drops_markers_the_reader_would_see():
    from tui.core.clean.units import plain_start

    # Non-ASCII digits and leading spaces are read as markers too (re's \d, normalise_line).
    assert plain_start("\u0663. foo") == "foo"
    assert plain_start("  # x") == "x"
    assert plain_start("- > b") == "b"
    for t in ("foo", "~x", "", "1990 was a year"):
        assert plain_start(t) == t
