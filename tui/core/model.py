"""The cleaned article: the data every part of copydesk shares.

An :class:`Article` is what the cleaner makes of a saved page: metadata, a
list of body :class:`Block` objects (each remembering the source lines it
came from) and the :class:`Removed` blocks with the reason they were dropped.

The *plain text* of an article (:meth:`Article.text`) is the body blocks'
text joined by blank lines. It is the coordinate system marks anchor to and
search reports in, so it must be derived only from ``blocks``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterator

#: Kinds of body block.
HEADING = "heading"
PARAGRAPH = "paragraph"
QUOTE = "quote"
CAPTION = "caption"
ITEM = "item"
BLOCK_KINDS = (HEADING, PARAGRAPH, QUOTE, CAPTION, ITEM)

#: Separator between blocks in the article's plain text.
BLOCK_SEP = "\n\n"


@dataclass(frozen=True, slots=True)
class Block:
    """One block of the article body."""

    kind: str
    text: str
    #: First source line (0-based, counting ``\n``-split lines) of the block.
    start_line: int = 0
    #: One past the last source line of the block.
    end_line: int = 0
    #: Heading level (2 for ``##``); ignored for other kinds.
    level: int = 2

    def markdown(self) -> str:
        if self.kind == HEADING:
            return "#" * max(1, min(self.level, 6)) + " " + self.text
        if self.kind == QUOTE:
            return "\n".join("> " + line if line else ">" for line in self.text.split("\n"))
        if self.kind == ITEM:
            return "- " + self.text
        if self.kind == CAPTION:
            return "*" + self.text + "*" if self.text else ""
        return self.text


@dataclass(frozen=True, slots=True)
class Removed:
    """A piece of the source that the cleaner dropped, and why."""

    text: str
    #: The junk family, e.g. ``comments``, ``share-counter``, ``promo``.
    reason: str
    start_line: int = 0
    end_line: int = 0


@dataclass(slots=True)
class Article:
    """A cleaned article."""

    title: str = ""
    dek: str | None = None
    outlet: str | None = None
    author: str | None = None
    section: str | None = None
    #: ISO 8601 (``2024-11-18T13:28``) when the date is certain, else None.
    published: str | None = None
    #: The dateline as written on the page (shown when ``published`` is None).
    dateline: str | None = None
    blocks: list[Block] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    #: Notes about the input itself (e.g. "only the first 8 MB were read").
    notes: list[str] = field(default_factory=list)

    # -- derived views -------------------------------------------------

    def text(self) -> str:
        """The body as plain text: blocks separated by blank lines."""
        return BLOCK_SEP.join(b.text for b in self.blocks)

    def block_spans(self) -> Iterator[tuple[int, int]]:
        """``(start, end)`` character offsets of each block in :meth:`text`."""
        pos = 0
        for b in self.blocks:
            end = pos + len(b.text)
            yield pos, end
            pos = end + len(BLOCK_SEP)

    def markdown(self, *, with_title: bool = True) -> str:
        """The article as Markdown: title, dek, metadata line, then the body."""
        parts: list[str] = []
        if with_title and self.title:
            parts.append("# " + self.title)
        if with_title and self.dek:
            parts.append("*" + self.dek + "*")
        if with_title:
            meta = self.meta_line()
            if meta:
                parts.append(meta)
        parts.extend(md for md in (b.markdown() for b in self.blocks) if md)
        return BLOCK_SEP.join(parts) + "\n"

    def meta_line(self) -> str:
        """``outlet · author · date`` as known."""
        bits = [self.outlet, self.author and "By " + self.author, self.display_date(), self.section]
        return " · ".join(b for b in bits if b)

    def display_date(self) -> str | None:
        if self.published:
            return self.published.replace("T", " ")
        return self.dateline

    def word_count(self) -> int:
        return sum(len(b.text.split()) for b in self.blocks)

    def reading_minutes(self) -> int:
        return max(1, round(self.word_count() / 230))

    # -- serialisation (for the library index) --------------------------

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Article":
        d = dict(d)
        d["blocks"] = [Block(**b) for b in d.get("blocks", ())]
        d["removed"] = [Removed(**r) for r in d.get("removed", ())]
        return cls(**d)


class ArticleError(Exception):
    """A file is not a readable article. ``reason`` is short and user-facing
    (``"empty"``, ``"binary"``, ``"not found"``, ``"permission denied"``…)."""

    def __init__(self, reason: str, path: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason
