"""The cleaner: a saved page (plain text, HTML, Markdown) -> :class:`Article`.

Pure core: no Textual import; the HTML path imports its parsers lazily.
Public surface: :data:`CLEANER_VERSION`, :func:`clean`, :func:`clean_file`.
"""

from __future__ import annotations

import os
import re

from tui.core.model import Article, ArticleError
from tui.core.textio import kind_of, read_article_text, strip_controls

#: Past this many blocks a file is not an article: it is shown uncleaned
#: (cleaning costs about 25 µs a block; 50,000 blocks is over 1 s).
MAX_UNITS = 50_000
MAX_TEXT_LINES = 1_000_000
#: ...and read as paragraphs of up to this many consecutive lines.
PLAIN_GROUP = 50

#: Bumped whenever the cleaner's output changes (the library re-indexes).
CLEANER_VERSION = 3

# Every escape sequence starts with a C0/C1 control, so this finds them all.
_ANY_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# The characters that start a terminal escape sequence (ESC and 8-bit CSI/OSC/DCS...).
_INTRODUCERS = ("\x1b", "\x9b", "\x90", "\x98", "\x9d", "\x9e", "\x9f")

__all__ = ["CLEANER_VERSION", "clean", "clean_file", "Article", "ArticleError"]


def clean(text: str, *, kind: str = "text", name: str = "") -> Article:
    """Clean decoded *text* of the given kind (``text``, ``markdown``, ``html``).

    Never raises on any ``str`` input: a failure inside a rule falls back to
    a plainer reading of the text rather than losing the article.
    """
    from tui.core.clean.text import clean_units
    from tui.core.clean.units import text_units

    text = text or ""
    # Decoded files come with "\n" line ends and no controls already
    # (textio.decode); for other callers CRLF is read as a line end and any
    # other control, a lone CR included, is stripped.
    if kind != "html":
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        if _ANY_CONTROL.search(text):  # cheap test first: the strip is slow
            text = strip_controls(text)
    elif any(c in text for c in _INTRODUCERS):
        # HTML: the parser reads line ends and lone controls itself, but an
        # escape sequence is stripped before it joins lines (an unterminated
        # one ends at its source line end, as in text).
        text = strip_controls(text.replace("\r\n", "\n"))
    notes: list[str] = []
    if kind == "html":
        from tui.core.clean.html import html_to_markdown

        try:
            md, meta = html_to_markdown(text)
            # Controls are stripped from what the page yields (far smaller than the page).
            if _ANY_CONTROL.search(md):
                md = strip_controls(md)
            if "note" in meta:
                notes.append(meta.pop("note"))
            meta = {k: strip_controls(v) for k, v in meta.items()}
        except Exception as e:  # noqa: BLE001 - never lose an article to a parser bug
            md, meta = strip_controls(_crude_text(text)), {}
            notes.append(f"HTML could not be parsed ({type(e).__name__}); read as text.")
        text, markdown = md, True
    else:
        meta, markdown = None, kind == "markdown"
    try:
        # (More than 1,000,000 lines: too long however they join, and reading
        # them one by one would take seconds.)
        units = text_units(text, markdown=markdown, limit=MAX_UNITS) if text.count("\n") <= MAX_TEXT_LINES else None
        if units is None:
            art = _plain(text, group=PLAIN_GROUP)
            notes.append(f"This file is too long to clean (over {MAX_UNITS:,} blocks); it is shown uncleaned.")
        else:
            art = clean_units(units, markdown=markdown, html_meta=meta)
    except Exception as e:  # noqa: BLE001 - a rule bug must not lose the article
        art = _plain(text)
        notes.append(f"The cleaner failed on this file ({type(e).__name__}); shown uncleaned.")
    if not art.title:
        art.title = _title_from_name(name) or "Untitled"
    art.notes.extend(notes)
    return art


def _plain(text: str, group: int = 1) -> Article:
    """Every non-blank line a paragraph: the reading when the rules fail.

    With *group* > 1 (files too long to clean), consecutive non-blank lines
    are read together, up to *group* lines a paragraph: a file of 400,000
    short lines gives 8,000 blocks, not 400,000.
    """
    from tui.core.model import PARAGRAPH, Block

    blocks: list[Block] = []
    lines = text.split("\n")
    if group <= 1:
        blocks = [Block(PARAGRAPH, " ".join(l.split()), i, i + 1) for i, l in enumerate(lines) if l.strip()]
        return Article(blocks=blocks)
    # Blank lines end a paragraph, unless there are too many paragraphs:
    # then fixed runs of *group* lines.
    fragmented = text.count("\n\n") > MAX_UNITS // 5
    start, buf = 0, []
    for i, l in enumerate(lines):
        if l and not l.isspace():
            if not buf:
                start = i
            buf.append(l)
            if len(buf) < group:
                continue
        elif not buf or fragmented:
            continue
        text_ = " ".join(" ".join(buf).split())
        if text_:
            blocks.append(Block(PARAGRAPH, text_, start, i + 1 if l and not l.isspace() else i))
        buf = []
    if buf:
        blocks.append(Block(PARAGRAPH, " ".join(" ".join(buf).split()), start, len(lines)))
    return Article(blocks=blocks)


def _title_from_name(name: str) -> str:
    base = os.path.splitext(os.path.basename(name or ""))[0]
    return strip_controls(" ".join(base.replace("_", " ").replace("-", " ").split()))


def _crude_text(html: str) -> str:
    import re

    s = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", html)
    s = re.sub(r"(?i)<\s*(?:br|/p|/div|/h\d|/li)\b[^>]*>", "\n", s)
    s = re.sub(r"<[^>]*>", " ", s)
    import html as _html

    return _html.unescape(s)


def clean_file(path: str | os.PathLike[str]) -> Article:
    """Read, decode and clean a file. Raises ArticleError for non-articles."""
    text, notes = read_article_text(path)
    art = clean(text, kind=kind_of(path), name=os.fspath(path))
    art.notes.extend(notes)
    return art
