"""The cleaner: saved page (text, HTML, Markdown) -> :class:`Article`.

PLACEHOLDER: splits paragraphs only. The real cleaner replaces this module
(issue 3). Public surface: :data:`CLEANER_VERSION`, :func:`clean`,
:func:`clean_file`.
"""

from __future__ import annotations

import os

from tui.core.model import PARAGRAPH, Article, Block
from tui.core.textio import kind_of, read_article_text, strip_controls

CLEANER_VERSION = 0


def clean(text: str, *, kind: str = "text", name: str = "") -> Article:
    """Clean decoded *text* of the given kind (``text``, ``markdown``, ``html``)."""
    text = strip_controls(text)
    lines = text.split("\n")
    blocks = [Block(PARAGRAPH, " ".join(l.split()), i, i + 1) for i, l in enumerate(lines) if l.strip()]
    title = blocks[0].text[:80] if blocks else (os.path.basename(name) or "Untitled")
    return Article(title=title, blocks=blocks[1:])


def clean_file(path: str | os.PathLike[str]) -> Article:
    """Read, decode and clean a file. Raises ArticleError for non-articles."""
    text, notes = read_article_text(path)
    art = clean(text, kind=kind_of(path), name=os.fspath(path))
    art.notes.extend(notes)
    return art
