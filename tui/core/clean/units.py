"""Splitting decoded text into *units*: the candidate blocks the cleaner judges.

Plain text: one unit per non-blank line (hard-wrapped prose is re-joined).
Markdown: one unit per block (paragraph, heading, quote, list item).
The same line-level markers (``#``, ``>``, ``-``, ``*caption*``) are read in
both, so cleaning the cleaned Markdown gives the same blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Invisible characters dropped from text (zero-width space, BOM, soft hyphen,
# bidi controls). The zero-width (non-)joiners stay: emoji sequences and
# several scripts need them.
_INVISIBLE = re.compile("[\u00ad\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff]")

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?$")
_QUOTE = re.compile(r"^>\s?(.*)$")
_ITEM = re.compile(r"^(?:[-+•]|\*(?!\S*\*$)|(\d{1,3})[.)])\s+(.*)$")
_CAPTION = re.compile(r"^\*(?!\*)(\S(?:.*\S)?)\*$")
_RULE = re.compile(r"^(?:[-*_]\s*){3,}$")
_FENCE = re.compile(r"^(?:```|~~~)[\w+-]*\s*$")

# Inline Markdown: images, links, emphasis, code. Linear time on any line:
# a bracket's text stops at the next bracket and bold text at the next "**",
# so the scans from successive openers never overlap ("[" * n, "**a " * n).
_IMG = re.compile(r"!\[([^\[\]\n]*+)\]\([^()\n]*+\)")
_LINK = re.compile(r"\[([^\[\]\n]++)\]\((?>[^()\s]++|\([^()\s]*+\))*+(?:\s+\"[^\"\n]*+\")?\)")
_BOLD = re.compile(r"(?<![\w*])\*\*(?=[^\s*])((?:[^*\n]|\*(?!\*))+?)(?<=[^\s*])\*\*(?![\w*])")
_EM = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
_CODE = re.compile(r"(?<![\w`])`([^`\n]+)`(?![\w`])")


@dataclass(slots=True)
class Unit:
    text: str
    start: int
    end: int
    #: Structural hint from markers: p, h, q, li, cap.
    hint: str = "p"
    level: int = 2
    # Filled by the cleaner.
    words: list[str] = field(default_factory=list)
    nw: int = 0
    sw: float = 0.0
    ends: bool = False
    good: bool = False
    fam: str | None = None
    key: str | None = None     # normalised words, for repetition checks
    low: str | None = None     # text.lower(), for the phrase prefilters
    toks: list[str] | None = None  # the \w+ runs of key (the phrase prefilters' words)
    footer: bool | None = None  # does patterns.FOOTER_START match (once known)
    plain: bool | None = None  # no character the prefilters cannot read (patterns.TRICKY)
    table: bool = False        # a row of a table, or of a numbered list
    num: int = 0               # the number of a numbered list item
    label: str | None = None   # decision: body kinds or "junk"/"meta"
    reason: str | None = None


def normalise_line(s: str) -> str:
    if not s.isascii():  # (the invisible characters are not ASCII)
        s = _INVISIBLE.sub("", s)
    # Already normal: every white-space character but " " is unprintable,
    # so a printable line with no double, leading or trailing space is.
    if s.isprintable() and "  " not in s and s[:1] != " " and s[-1:] != " ":
        return s
    return " ".join(s.split())


def strip_inline(s: str) -> str:
    """Remove inline Markdown markup (links keep their text)."""
    if "[" not in s and "*" not in s and "`" not in s:
        return s
    for _ in range(4):
        t = _IMG.sub(lambda m: m.group(1), s)
        t = _LINK.sub(lambda m: m.group(1), t)
        t = _BOLD.sub(lambda m: m.group(1), t)
        t = _EM.sub(lambda m: m.group(1), t)
        t = _CODE.sub(lambda m: m.group(1), t)
        t = " ".join(t.split())
        if t == s:
            break
        s = t
    return s


#: The first characters of a line the markers (_RULE, _HEADING, _QUOTE,
#: _ITEM, _CAPTION) can match; digits too (str.isdecimal is re's \\d).
_MARKER_START = frozenset("-*_#>+•")


def _line_unit(line: str, i: int) -> Unit | None:
    s = normalise_line(line)
    if not s:
        return None
    if s[0] not in _MARKER_START and not s[0].isdecimal():
        # No marker: a paragraph line (normalised already, so only inline
        # markup can change it).
        t = strip_inline(s)
        if t is not s:
            t = " ".join(t.split())
            if not t:
                return None
        return Unit(t, i, i + 1, "p", 2)
    if _RULE.match(s):
        return None
    hint, level, num = "p", 2, 0
    m = _HEADING.match(s)
    if m:
        hint, level, s = "h", len(m.group(1)), m.group(2)
    else:
        m = _QUOTE.match(s)
        if m:
            hint, s = "q", m.group(1)
        else:
            m = _ITEM.match(s)
            if m:
                hint, s = "li", m.group(2)
                num = int(m.group(1)) if m.group(1) else 0
            else:
                m = _CAPTION.match(s)
                if m:
                    hint, s = "cap", m.group(1)
    s = " ".join(strip_inline(s).split())
    if not s:
        return None
    u = Unit(s, i, i + 1, hint, level)
    u.num = num
    return u


def plain_start(text: str) -> str:
    """*text* without the heading, quote or item markers it begins with: a
    paragraph written as it is must not be read back as one of those (a
    heading's text may be "- x")."""
    c = text[:1]
    if c.isascii() and c.isprintable() and c != " " and c not in _MARKER_START and not c.isdecimal():
        return text  # (_line_unit would read a paragraph: the common case)
    for _ in range(8):
        v = _line_unit(text, 0)
        if v is None or v.hint == "p":
            break
        text = v.text
    return text


def _looks_wrapped(lines: list[str]) -> bool:
    """Hard-wrapped prose: most non-blank lines fill a fixed width."""
    lens = [len(l) for l in lines if l.strip()]
    if len(lens) < 8:
        return False
    longish = [n for n in lens if n >= 40]
    if not longish or max(lens) > 100:
        return False
    width = max(longish)
    near = sum(1 for n in longish if n >= width - 25)
    return near >= 0.6 * len(longish) and len(longish) >= 0.5 * len(lens)


def text_units(text: str, *, markdown: bool = False, limit: int | None = None) -> list[Unit] | None:
    """Units of *text* (already control-stripped); None past *limit* units
    (found without reading the rest of the text)."""
    lines = text.split("\n")
    if limit is None:
        limit = len(lines) + 1
    join_paragraphs = markdown or _looks_wrapped(lines)
    units: list[Unit] = []
    cur: Unit | None = None
    parts: list[str] = []  # the lines joined into cur (joined once: linear time)
    in_fence = False
    for i, raw in enumerate(lines):
        if markdown and _FENCE.match(raw.strip()):
            in_fence = not in_fence
            if cur is not None and len(parts) > 1:
                cur.text = " ".join(parts)
            cur, parts = None, []
            continue
        u = _line_unit(raw, i) if raw and not raw.isspace() else None
        if u is None:
            if cur is not None and len(parts) > 1:
                cur.text = " ".join(parts)
            cur, parts = None, []
            continue
        if in_fence:
            u.hint = "p"
        if (
            join_paragraphs and cur is not None and u.hint == cur.hint
            and u.hint in ("p", "q") and cur.start == units[-1].start
        ):
            parts.append(u.text)
            cur.end = i + 1
            continue
        if len(parts) > 1:
            cur.text = " ".join(parts)  # type: ignore[union-attr]
        units.append(u)
        if len(units) > limit:
            return None
        cur = u if u.hint in ("p", "q") else None
        parts = [u.text]
    if cur is not None and len(parts) > 1:
        cur.text = " ".join(parts)
    if join_paragraphs:
        # Markup may span the joined lines ("*a\nb*"): read it on the whole;
        # and a paragraph must not begin like a heading, quote or item.
        for u in units:
            if u.end - u.start > 1:
                u.text = strip_inline(u.text)
                if u.hint == "p":
                    u.text = plain_start(u.text)
        units = [u for u in units if u.text]
    return units
