"""The text rules' shortcuts give exactly what the plain regexes give.

The cleaner's speed comes from prefilters (patterns.py) and shortcuts
(text._features, units._line_unit) that must never change a decision.
These tests guard the facts they rely on: the characters that
IGNORECASE folds oddly (patterns.TRICKY), lower-casing keeps word
characters, a stripped token of letters is one word, and, with text
generated from every alternative of every phrase list, that no prefilter
hides a match.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.clean import patterns as P
from tui.core.clean import text as T
from tui.core.clean.units import Unit, _line_unit, _MARKER_START, _CAPTION, _HEADING, _ITEM, _QUOTE, _RULE

_W = re.compile(r"\w")


def _chars():
    for cp in range(0x110000):
        if not 0xD800 <= cp < 0xE000:
            yield chr(cp)


def test_tricky_is_every_character_ignorecase_matches_to_ascii_otherwise():
    """The literal prefilter reads ``s.lower()``: exact for every character
    but those IGNORECASE equates with an ASCII one while lower() does not
    turn them into it. TRICKY must hold all of them."""
    any_ascii = re.compile("(?:" + "|".join(re.escape(chr(i)) for i in range(128)) + ")", re.I)
    odd = set()
    for c in _chars():
        if c >= "\x80" and any_ascii.fullmatch(c):
            low = c.lower()
            if not (len(low) == 1 and low < "\x80" and re.fullmatch(re.escape(low), c, re.I)):
                odd.add(c)
    # (The Kelvin sign lower-cases to "k", so it is safe, but TRICKY may keep it.)
    assert odd <= set("\u0130\u0131\u017f\u212a")
    assert all(P.TRICKY.search(c) for c in odd)
    # And the other way: everything TRICKY names does match an ASCII letter.
    assert all(any_ascii.fullmatch(c) for c in "\u0130\u0131\u017f\u212a")


def test_lower_case_keeps_word_and_non_word_characters():
    """Word prefilters compare the \\w+ runs of s.lower() with the regex's
    \\b-bounded words: lower() must not turn a word character into a
    non-word one or back (TRICKY characters aside)."""
    for c in _chars():
        if P.TRICKY.search(c):
            continue
        w = bool(_W.match(c))
        assert all(bool(_W.match(x)) == w for x in c.lower()), repr(c)


def test_letters_are_word_letters():
    """A token for which str.isalpha() holds is one _WORD and one \\w+ run."""
    for c in _chars():
        if c.isalpha():
            assert T._WORD.fullmatch(c) and T._KEYWORD.fullmatch(c), repr(c)


def test_token_edges_are_not_word_characters():
    """_features strips these off a token's ends: none is a word character
    (the apostrophes join letters only inside a token)."""
    for c in T._TOKEN_EDGE:
        assert not _W.match(c), repr(c)
    assert "'" in T._TOKEN_EDGE and "’" in T._TOKEN_EDGE and T._WORD.pattern.count("['’]") == 1


def test_white_space_is_unprintable_but_the_space():
    """normalise_line leaves a printable line without double, leading or
    trailing spaces as it is: str.split() splits on no printable character
    but " "."""
    for c in _chars():
        if c.isspace() and c != " ":
            assert not c.isprintable(), repr(c)


@given(st.text(alphabet=st.sampled_from(list(" a\t\xa0\u2003\u3000\x85\u200bé")), max_size=12))
def test_normalise_line_is_split_and_join(s):
    from tui.core.clean.units import _INVISIBLE, normalise_line

    assert normalise_line(s) == " ".join(_INVISIBLE.sub("", s).split())


def test_marker_starts_cover_every_marker():
    """_line_unit skips the marker regexes when the first character is not
    in _MARKER_START and not a decimal digit."""
    for c in _chars():
        if c in _MARKER_START or c.isdecimal():
            continue
        s = c + " x *y* 1. z"
        for rx in (_RULE, _HEADING, _QUOTE, _ITEM, _CAPTION):
            assert rx.match(s) is None, (repr(c), rx.pattern)


# -- _features: words and key as the regexes find them -----------------------

_TEXT = st.text(
    alphabet=st.sampled_from(list("abcXYZ éßİıſΣσς 12_'’'’--.,;:!?\"()[]“”…—/#*\u200b\u2e80\u4e00\u0660\u00b2\u00bd\t")),
    max_size=60,
)


def _unit(text: str) -> Unit:
    u = Unit(text, 0, 1)
    T._features(u)
    return u


@given(_TEXT | st.text(max_size=40))
@settings(max_examples=400, deadline=None)
def test_features_words_and_key_are_the_regexes(text):
    u = _unit(text)
    low = text.lower()
    assert u.words == T._WORD.findall(low)
    assert u.key == " ".join(T._KEYWORD.findall(low))
    assert set(u.toks) == set(T._KEYWORD.findall(low))
    assert u.plain == (P.TRICKY.search(text) is None)


# -- prefilters: a line holding a phrase is always tried ---------------------

_FAMILIES = [
    "COMMENTS_HEADER", "COMMENTS_LINE", "REACTIONS_HEADER", "SHARE_LINE", "NAV_LINE", "COOKIE", "AD",
    "CREDIT", "RELATED_HEADER", "PROMO", "SYNDICATION", "DISCLAIMER", "AUTHOR_BIO", "FOOTER_START",
]


def _cases():
    for name in _FAMILIES:
        alts = getattr(P, name)
        for k, x in enumerate(alts.f_src):
            yield pytest.param(name, x, False, id=f"{name}-f{k}")
        for k, x in enumerate(alts.a_src):
            yield pytest.param(name, x, True, id=f"{name}-a{k}")
    yield pytest.param("COMMENT_POLICY", P.COMMENT_POLICY.rx.pattern, False, id="COMMENT_POLICY")


_PADDING = st.sampled_from(["", " ", "Read this. ", "x", "İ ", "ſ", "Comments: ", "(", "—", "1 "])


def _check_line(s: str) -> None:
    """Every prefiltered matcher gives the plain regex's answer on *s*."""
    u = _unit(s)
    low, plain = u.low, u.plain
    toks = set(u.toks)
    for name in _FAMILIES:
        alts = getattr(P, name)
        want = bool(alts.anchored is not None and alts.anchored.full.match(s)) or bool(
            alts.floating is not None and alts.floating.rx.search(s))
        assert alts.search(s) == want, (name, s)
        assert alts.search(s, low, plain, toks) == want, (name, s)
        assert alts.search(s, low, plain, u.toks) == want, (name, s)
    want = P.COMMENT_POLICY.rx.search(s)
    got = P.COMMENT_POLICY.search(s, low, plain, toks)
    assert (got and got.span()) == (want and want.span()), s
    # The short lines' families, with their order.
    full_a = P.SHORT_ANCHORED.full.match(s)
    assert (full_a and full_a.lastgroup) == P.SHORT_ANCHORED.first(s), s
    assert (full_a and full_a.lastgroup) == P.SHORT_ANCHORED.first(s, low, plain), s
    full_f = P.SHORT_FLOATING.rx.search(s)
    got_f = P.SHORT_FLOATING.search(s, low, plain, toks)
    assert (full_f and full_f.lastgroup) == (got_f and got_f.lastgroup), s
    # The prose notices, in their order, with one anchored match for all.
    want_fam = next((fam for fam, alts in P.LONG_FAMILIES if (
        alts.anchored is not None and alts.anchored.full.match(s)) or (
        alts.floating is not None and alts.floating.rx.search(s))), None)
    floating = not plain or not P.FLOATING_WORDS.isdisjoint(u.toks)
    assert P.long_family(s, low, plain, toks, floating) == want_fam, s
    # FLOATING_WORDS rules out every floating phrase it stands for.
    if not floating:
        assert not P.SHORT_FLOATING.rx.search(s) and not P.COMMENT_POLICY.rx.search(s)
        for _, alts in P.LONG_FAMILIES:
            assert alts.floating is None or not alts.floating.rx.search(s)


@pytest.mark.parametrize("name, alt, anchored", list(_cases()))
def test_prefilters_never_hide_a_match(name, alt, anchored):
    rx = re.compile((r"\A(?:" + alt + ")") if anchored else alt, re.I)

    @given(st.tuples(_PADDING if not anchored else st.just(""), st.from_regex(rx), _PADDING))
    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    def check(parts):
        before, s, after = parts
        # Lines reach the phrase lists normalised (units.normalise_line: white
        # space runs are one space); raw runs of many spaces only make the
        # plain regexes used as the oracle here backtrack for seconds.
        s = " ".join(s.split())
        _check_line(before + s + after)
        _check_line((before + s + after).upper())
        _check_line(before + s)

    check()


def test_prefilters_on_every_line_of_the_seeds_and_fixtures():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    paths = sorted((root / "tests" / "fixtures").rglob("*.txt")) + sorted((root / "tests" / "fixtures").rglob("*.md")) + sorted((root / "data").rglob("*.txt"))
    lines = {l.strip() for p in paths for l in p.read_text("utf-8", "replace").splitlines() if l.strip()}
    assert len(lines) > 150
    for line in sorted(lines):
        u = _line_unit(line, 0)
        if u is not None:
            _check_line(u.text)
            _check_line(u.text.strip(T._WRAP) or u.text)


def test_every_phrase_list_has_its_prefilter():
    """(Speed, not correctness: a pattern edit that loses the prefilter
    should be noticed.)"""
    for name in _FAMILIES:
        f = getattr(P, name).floating
        assert f is None or f.alts is not None, name
    assert P.SHORT_FLOATING.alts is not None and P.COMMENT_POLICY.alts is not None
    assert P.FLOATING_WORDS is not None and "cookies" in P.FLOATING_WORDS


def test_necessary_words_and_literals():
    nw, nl = P.necessary_words, P.necessary_literals
    assert nw(r"\bcookies?\b", re.I) == [frozenset({"cookie", "cookies"})]
    assert nw(r"\b(?:reprinted|republished)\s+with\b", re.I)[0] == frozenset({"reprinted", "republished"})
    assert frozenset({"opt"}) not in nw(r"\bopt-?in\b")  # "optin" has no word "opt"
    assert nw(r"\bfoo\w*") == []  # "foobar": "foo" need not be a whole word
    assert nw(r"\bviews\s+(?:and\s+)?expressed\b")[-1] == frozenset({"expressed"})
    assert nl(r"com(?:mission|pensation)") in (frozenset({"com"}), frozenset({"mission", "pensation"}))
    assert nl(r"\d+\s*x?") is None
    fw = P.first_words
    assert fw(r"(?:share|tweet)\s*:?$", re.I) == frozenset({"share", "tweet"})
    assert fw(r"comments?\s*(?:\(\d+\)|\d+)?$", re.I) is None  # "comments5"
    assert fw(r"(?:newest|oldest)(?:\s+(?:newest|oldest))*$", re.I) == frozenset({"newest", "oldest"})
    assert fw(r"log\s*in", re.I) is None  # "login"
    assert fw(r"e-?mail\b", re.I) == frozenset({"e", "email"}) and fw(r"e-mail\b", re.I) == frozenset({"e"})
    assert P.first_chars(r"\s*abc") == frozenset(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1fa")
    assert P.first_chars(r"(?:ab|cd)e") == frozenset("ac")
    assert P.first_chars(r"(?:ab|cd)e", re.I) == frozenset("acAC")
    assert P.first_chars(r"x?") is None  # matches the empty string
    assert P.first_chars(r"(?=a)b") is None  # lookarounds: anything


# -- meta: the date forms are tried only on lines holding their strings -------

_DATEISH = st.text(
    alphabet=st.sampled_from(list("0123456789 -/.,:JjAaNnFfEeBbMmRrPpYyUuLlGgSsOoCcTtVvDdIiHh\u017f\u212a\u0130\u0131\xa0")),
    max_size=40,
)


@given(_DATEISH | st.text(max_size=30) | st.sampled_from([
    "Nov 18, 2024", "18 November 2024", "2024-11-18T10:00", "18/11/2024", "18.11.2024",
    "\u017fept 3, 2024", "3 \u017fep 2024", "SEP 3 2024", "Mon, 3 June 2024",
]))
@settings(max_examples=500, deadline=None)
def test_date_forms_gate_hides_no_match(s):
    from tui.core.clean.meta import _DATE_FORMS, _date_matches

    want = [m.span() for m in (f.search(s) for f in _DATE_FORMS) if m]
    assert [m.span() for m in _date_matches(s)] == want


@given(st.text(alphabet=st.sampled_from(list("aAbOoSsRrWwLlMmüÜàÀ\u017f\u212a\u0130\u0131 :.-xyzTthe")), max_size=30)
       | st.sampled_from(["About the author", "About Jane Doe", "über Max Mustermann", "à propos de Léa",
                          "ſobre Ana", "Also read: x", "Related: y", "watch: z", "See also: w", "ALSO ON site.com"]))
@settings(max_examples=400, deadline=None)
def test_bio_and_related_start_gates(s):
    """_family tries BIO_HEADER / RELATED_LEAD only on lines whose first
    character is non-ASCII or one their matches can start with."""
    for rx, starts in ((P.BIO_HEADER, T._BIO_STARTS), (P.RELATED_LEAD, T._RELATED_STARTS)):
        if rx.match(s):
            assert s[:1] >= "\x80" or s[:1] in starts
    for c in map(chr, range(128)):
        for rx, starts in ((P.BIO_HEADER, T._BIO_STARTS), (P.RELATED_LEAD, T._RELATED_STARTS)):
            if c not in starts:
                assert rx.match(c + s) is None
