"""The reading pane: a virtualised, line-based view of one :class:`Article`.

Design (like Textual's ``Log`` / toolong's ``LogView``): the article is laid
out per width into a flat list of *visual lines* (cheap tuples pointing into
the block text), and :meth:`ArticleView.render_line` turns only the lines on
screen into :class:`~textual.strip.Strip` objects, which are kept in an LRU
cache. No child widget is mounted per block. The layout itself is
incremental: :meth:`ArticleView.load` lays out what the first screen needs,
the rest follows in short background steps (and at once, on demand, when a
caller jumps further down), so a 1 MB article paints as fast as a short one.

For callers (app shell, marks, search):

* ``load(article, cursor=, scroll_y=)``; ``cursor`` (block index, settable)
  and ``scroll_y``; ``CursorMoved`` messages; ``show_removed``.
* ``set_highlights([Highlight(start, end, style, note=, key=)])`` with offsets
  into ``article.text()``; ``highlights`` gives them back.
* ``cursor_span()``, ``block_span(i)``, ``block_at(offset)``, ``block_count``,
  ``visible_blocks()``, ``sentence_spans(i)`` (sentences of block *i* as text
  offsets; :func:`sentence_spans` is the pure function).
* ``selected_span()`` (mouse selection as text offsets), ``select_span(s, e)``.
  A double click selects the paragraph under the pointer, a triple click the
  whole article.
* ``scroll_to_block(i)``, ``flash_block(i)``.

Coordinates: every body line knows the block it belongs to and the character
range ``[a, b)`` of the block text it shows, so screen positions map to
offsets into :meth:`Article.text` (the coordinate system of marks and
search) and back. The text selection machinery of Textual works on that
mapping: each segment carries an ``offset`` meta of ``(x, y)`` where ``y`` is
the visual line and ``x`` the character index within the line's text
(negative in the margin, past the end in the right padding).

All article text is emitted as plain Segments; nothing from an article is
ever parsed as markup.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from time import perf_counter
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from rich.cells import cell_len, get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.cache import LRUCache
from textual.color import Color
from textual.events import Click, Resize
from textual.geometry import Offset, Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip

from tui.core.model import BLOCK_SEP, CAPTION, HEADING, ITEM, QUOTE, Article

__all__ = ["ArticleView", "Highlight", "HIGHLIGHT_COLOURS", "wrap_spans", "sentence_spans"]

#: Mark colours a Highlight may use, plus the two special styles.
HIGHLIGHT_COLOURS = {
    "yellow": "#f2c94c",
    "green": "#5fd38d",
    "blue": "#5aa7ff",
    "pink": "#f58cc8",
    "purple": "#b48cf2",
}
_SPECIAL_STYLES = ("search", "flash")

#: Widest text column, in cells.
MAX_TEXT_WIDTH = 76
#: Cells left of the text: cursor bar, note marker, space.
MARGIN = 3
FLASH_SECONDS = 1.5
#: Background layout: blocks per batch, and time per step between messages.
LAYOUT_STEP = 100
LAYOUT_STEP_SECONDS = 0.008

# Visual line roles.
R_TITLE, R_META, R_DEK, R_BLANK, R_BODY, R_RLABEL, R_REMOVED, R_EMPTY = range(8)

#: The empty pane's lines (centred): what it is, and how to get an article.
PLACEHOLDER = ("No article open", "", "Pick one in the list (Tab, Enter)")
# Prefix kinds (for quotes and list items).
P_NONE, P_QUOTE, P_BULLET, P_HANG, P_REMOVED = range(5)
_PREFIX = {P_NONE: "", P_QUOTE: "▌ ", P_BULLET: "• ", P_HANG: "  ", P_REMOVED: "┆ "}

#: Component style (article-view--NAME) of the non-body lines.
_ROLE_STYLE = {
    R_TITLE: "title",
    R_META: "meta",
    R_DEK: "dek",
    R_REMOVED: "removed",
    R_RLABEL: "removed-label",
    R_EMPTY: "placeholder",
}

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Highlight:
    """A styled character range of ``article.text()``."""

    start: int
    end: int
    #: "yellow" | "green" | "blue" | "pink" | "purple" | "search" | "flash"
    style: str
    #: Show a note marker ("✎") in the margin of the highlight's first line.
    note: bool = False
    #: Anything the caller wants back (e.g. the mark id).
    key: object = None


# ----------------------------------------------------------------------
# Pure helpers (no Textual): wrapping and sentences


def _push(text: str, pos: int, end: int, nxt: int, stop: int, out: list[tuple[int, int]]) -> int:
    """Emit the line ``text[pos:end]`` (trailing spaces dropped); return
    where the next line starts (leading spaces skipped)."""
    while end > pos and text[end - 1] == " ":
        end -= 1
    out.append((pos, end))
    while nxt < stop and text[nxt] == " ":
        nxt += 1
    return nxt


def _wrap_ascii(text: str, start: int, stop: int, width: int, out: list[tuple[int, int]]) -> None:
    """Greedy word wrap of ``text[start:stop]`` where 1 char == 1 cell."""
    pos = start
    rfind = text.rfind
    while pos < stop:
        if stop - pos <= width:
            _push(text, pos, stop, stop, stop, out)
            return
        brk = rfind(" ", pos, pos + width + 1)
        if brk <= pos:
            pos = _push(text, pos, pos + width, pos + width, stop, out)
        else:
            pos = _push(text, pos, brk, brk + 1, stop, out)


def _wrap_cells(text: str, start: int, stop: int, width: int, out: list[tuple[int, int]]) -> None:
    """Greedy word wrap measuring cells (wide and zero-width characters)."""
    pos = start
    while pos < stop:
        cells = 0
        i = pos
        last_space = -1
        while i < stop:
            ch = text[i]
            w = get_character_cell_size(ch) or (1 if ch <= "\x1f" or "\x7f" <= ch <= "\x9f" else 0)
            if cells + w > width:
                break
            if ch == " " or ch == "\t":
                last_space = i
            cells += w
            i += 1
        if i >= stop:
            _push(text, pos, stop, stop, stop, out)
            return
        if text[i] == " ":
            pos = _push(text, pos, i, i + 1, stop, out)
        elif last_space > pos:
            pos = _push(text, pos, last_space, last_space + 1, stop, out)
        else:
            brk = max(i, pos + 1)
            pos = _push(text, pos, brk, brk, stop, out)


def _single_cells(text: str) -> bool:
    """True when every character of *text* takes exactly one cell."""
    if text.isascii():
        return "\t" not in text
    size = get_character_cell_size
    return all(size(c) == 1 for c in set(text))


def wrap_spans(text: str, width: int) -> list[tuple[int, int]]:
    """Wrap *text* to *width* cells; return ``(start, end)`` char ranges.

    Hard newlines start a new line; spaces at a wrap point are dropped. An
    empty text gives one empty line. The ranges are increasing and each
    ``text[start:end]`` fits in *width* cells (but a single character wider
    than *width*).
    """
    width = max(1, width)
    out: list[tuple[int, int]] = []
    wrap = _wrap_ascii if _single_cells(text) else _wrap_cells
    pos = 0
    n = len(text)
    while True:
        nl = text.find("\n", pos)
        stop = n if nl < 0 else nl
        if stop == pos:
            out.append((pos, pos))
        else:
            wrap(text, pos, stop, width, out)
        if nl < 0:
            break
        pos = nl + 1
    return out


_SENTENCE_END = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s+|$)""")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split *text* into sentences; return ``(start, end)`` char ranges.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` (plus closing quotes or
    brackets) followed by whitespace and then a capital letter, digit,
    opening quote or bracket. Leading/trailing whitespace is excluded.
    Common abbreviations ("Mr.", "e.g.", single initials) don't end one.
    """
    spans: list[tuple[int, int]] = []
    n = len(text)
    start = 0
    while start < n and text[start].isspace():
        start += 1
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if end <= start:
            continue
        nxt = end
        while nxt < n and text[nxt].isspace():
            nxt += 1
        if nxt < n:
            c = text[nxt]
            if not (c.isupper() or c.isdigit() or c in "\"'“‘([«"):
                continue
            word = text[start:m.start()].rsplit(None, 1)[-1] if text[start:m.start()].strip() else ""
            if text[m.start()] == "." and (
                (len(word) == 1 and word.isalpha())
                or word.lower() in _ABBREVIATIONS
            ):
                continue
        spans.append((start, end))
        start = nxt
    if start < n:
        end = n
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr vs etc e.g i.e no gen col lt sgt rep sen gov u.s inc corp co ltd".split()
)


# ----------------------------------------------------------------------


class ArticleView(ScrollView, can_focus=True):
    """Virtualised reading pane with a paragraph cursor.

    Renders title, meta line, dek and body blocks at a comfortable width.
    ``cursor`` is a block index into ``article.blocks``; ``show_removed``
    shows the text the cleaner removed, in place and dimmed.
    """

    ALLOW_SELECT = True

    BINDINGS = [
        Binding("j,down", "cursor_down", "Next paragraph", key_display="j/↓"),
        Binding("k,up", "cursor_up", "Previous paragraph", key_display="k/↑"),
        Binding("space,pagedown", "page_down", "Page down", show=False, key_display="space/pgdn"),
        Binding("b,pageup", "page_up", "Page up", show=False, key_display="b/pgup"),
        Binding("g,home", "cursor_top", "Top", show=False, key_display="g/home"),
        Binding("G,end", "cursor_bottom", "Bottom", show=False, key_display="G/end"),
        Binding("r", "toggle_removed", "Removed text", show=True),
    ]

    COMPONENT_CLASSES = {
        "article-view--title",
        "article-view--meta",
        "article-view--dek",
        "article-view--heading",
        "article-view--subheading",
        "article-view--quote",
        "article-view--caption",
        "article-view--removed",
        "article-view--removed-label",
        "article-view--cursor",
        "article-view--cursor-bar",
        "article-view--placeholder",
        "article-view--note",
    }

    DEFAULT_CSS = """
    ArticleView {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
        & > .article-view--title { color: $text-accent; text-style: bold; }
        & > .article-view--meta { color: $text-muted; }
        & > .article-view--dek { text-style: italic; }
        & > .article-view--heading { color: $text-accent; text-style: bold; }
        & > .article-view--subheading { text-style: bold; }
        & > .article-view--quote { text-style: italic; }
        & > .article-view--caption { color: $text-muted; text-style: italic; }
        & > .article-view--removed { color: $text-disabled; }
        & > .article-view--removed-label { color: $text-warning; text-style: italic; }
        & > .article-view--cursor { background: $foreground 5%; }
        & > .article-view--cursor-bar { color: $text-muted; }
        & > .article-view--placeholder { color: $text-muted; text-style: italic; }
        & > .article-view--note { color: $text-accent; }
        &:focus > .article-view--cursor { background: $accent 12%; }
        &:focus > .article-view--cursor-bar { color: $accent; }
    }
    """

    #: Block index of the paragraph cursor.
    cursor: var[int] = var(0, init=False)
    #: Show the text the cleaner removed, in place.
    show_removed: var[bool] = var(False, init=False)

    class CursorMoved(Message):
        """The paragraph cursor moved to block ``index``."""

        def __init__(self, view: "ArticleView", index: int) -> None:
            super().__init__()
            self.view = view
            self.index = index

        @property
        def control(self) -> "ArticleView":
            return self.view

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.article: Article | None = None
        self._spans: list[tuple[int, int]] = []
        self._starts: list[int] = []
        self._text_len = 0
        # Layout (per width).
        self._lines: list[tuple[int, int, int, int, int]] = []
        self._block_first: list[int] = []
        self._block_end: list[int] = []
        self._layout_width = -1
        self._col_left = 0
        self._text_width = MAX_TEXT_WIDTH
        self._pending: tuple[int, float] | None = None
        self._pending_block: int | None = None
        self._removed_order: list = []
        self._laid = 0
        self._ri = 0
        self._layout_done = True
        self._layout_gen = 0
        self._meta = ""
        # Rendering.
        self._cache: LRUCache[int, Strip] = LRUCache(1024)
        self._style_cache: dict[str, Style] | None = None
        self._highlights: list[Highlight] = []
        self._hl_by_block: dict[int, list[Highlight]] = {}
        self._flash: int | None = None
        self._flash_token = 0
        self._no_cursor_scroll = False
        #: Counters, for tests and benchmarks.
        self.lines_rendered = 0
        self.layouts = 0

    # ------------------------------------------------------------------
    # Public API

    def load(self, article: Article | None, *, cursor: int = 0, scroll_y: float = 0.0) -> None:
        """Show *article* (or the empty state for None) at *cursor* / *scroll_y*.

        Highlights are cleared unless the new article has the same text as
        the one shown: callers set them again after loading another article.
        Posts :class:`CursorMoved`.
        """
        same_text = (
            article is not None
            and self.article is not None
            and len(article.blocks) == len(self.article.blocks)
            and all(x.text == y.text for x, y in zip(article.blocks, self.article.blocks))
        )
        self.article = article
        self._spans = list(article.block_spans()) if article is not None else []
        self._starts = [s for s, _ in self._spans]
        self._text_len = self._spans[-1][1] if self._spans else 0
        self._meta = self._meta_text()
        if not same_text:
            # Highlights are offsets into the old text: they go with it. (A
            # reload of the same text, e.g. after a rescan, keeps them.)
            self._highlights = []
            self._hl_by_block = {}
        self._flash = None
        self._layout_width = -1
        self._lines = []
        self._block_first = []
        self._block_end = []
        self._laid = 0
        self._layout_done = False
        self._layout_gen += 1
        self._cache.clear()
        self.screen_clear_selection()
        n = len(self._spans)
        cursor = max(0, min(cursor, n - 1)) if n else 0
        self._no_cursor_scroll = True
        try:
            self.set_reactive(ArticleView.cursor, cursor)
        finally:
            self._no_cursor_scroll = False
        self._pending = (cursor, scroll_y)
        if self.is_mounted and self.scrollable_content_region.width > 0:
            self._layout(self.scrollable_content_region.width)
        else:
            self.virtual_size = Size(0, 0)
        self.refresh()
        if article is not None:
            self.post_message(self.CursorMoved(self, cursor))

    def set_highlights(self, highlights: Sequence[Highlight]) -> None:
        """Replace the highlighted ranges (marks, search hits)."""
        old_blocks = set(self._hl_by_block)
        self._highlights = sorted(highlights, key=lambda h: (h.start, h.end))
        self._hl_by_block = {}
        if self._spans:
            for h in self._highlights:
                if h.end <= h.start and not h.note:
                    continue
                first = self.block_at(h.start)
                last = self.block_at(max(h.start, h.end - 1))
                for i in range(first, last + 1):
                    self._hl_by_block.setdefault(i, []).append(h)
        self._invalidate_blocks(old_blocks | set(self._hl_by_block))

    def replace_highlights(self, owned: Callable[[Highlight], bool],
                           highlights: Sequence[Highlight]) -> None:
        """Replace the highlights *owned* says are one layer's (marks, search
        hits) with *highlights*, keeping every other layer's."""
        others = [h for h in self._highlights if not owned(h)]
        self.set_highlights(others + list(highlights))

    @property
    def highlights(self) -> list[Highlight]:
        return list(self._highlights)

    def flash_block(self, index: int) -> None:
        """Briefly highlight block *index* (~1.5 s)."""
        if not self._spans:
            return
        index = max(0, min(index, len(self._spans) - 1))
        old = self._flash
        self._flash = index
        self._flash_token += 1
        token = self._flash_token
        self._invalidate_blocks({index} | ({old} if old is not None else set()))

        def unflash() -> None:
            if self._flash_token == token and self._flash is not None:
                was = self._flash
                self._flash = None
                self._invalidate_blocks({was})

        self.set_timer(FLASH_SECONDS, unflash)

    def go_to_block(self, index: int) -> None:
        """Put the cursor on block *index* (clamped), scroll it near the top
        and flash it: how a search hit, a mark or a same-story pick lands."""
        if not self._spans:
            return
        index = max(0, min(index, len(self._spans) - 1))
        self.cursor = index
        self.scroll_to_block(index)
        self.flash_block(index)

    def scroll_to_block(self, index: int, *, animate: bool = False) -> None:
        """Scroll so block *index* is near the top of the view."""
        if not self._spans:
            return
        index = max(0, min(index, len(self._spans) - 1))
        if not self._lines:
            self._pending = (self.cursor, 0.0) if self._pending is None else self._pending
            self._pending_block = index
            return
        self._ensure(index)
        y = max(0, self._block_first[index] - 2)
        self._extend(lines=y + 2 * self._view_height())
        self.scroll_to(y=y, animate=animate, immediate=not animate)

    def cursor_span(self) -> tuple[int, int]:
        """Offsets in ``article.text()`` of the block under the cursor."""
        if not self._spans:
            return (0, 0)
        return self._spans[max(0, min(self.cursor, len(self._spans) - 1))]

    def block_span(self, index: int) -> tuple[int, int]:
        return self._spans[index]

    def block_at(self, offset: int) -> int:
        """Index of the block containing text *offset* (the next block when
        the offset falls between blocks; the last one past the end)."""
        if not self._starts:
            return 0
        i = bisect_right(self._starts, offset) - 1
        if i < 0:
            return 0
        if offset > self._spans[i][1] and i + 1 < len(self._spans):
            return i + 1
        return i

    def sentence_spans(self, index: int) -> list[tuple[int, int]]:
        """Sentence ranges of block *index*, as offsets into ``article.text()``."""
        if self.article is None or not self._spans:
            return []
        start = self._spans[index][0]
        return [(start + a, start + b) for a, b in sentence_spans(self.article.blocks[index].text)]

    def selected_span(self) -> tuple[int, int] | None:
        """Offsets in ``article.text()`` of the mouse selection, if any."""
        selection = self.text_selection
        if selection is None or self.article is None or not self._lines:
            return None
        start, end = self._selection_offsets(selection)
        if end <= start:
            return None
        return start, end

    @property
    def block_count(self) -> int:
        return len(self._spans)

    def visible_blocks(self) -> tuple[int, int]:
        """``(first, last)`` block indices with a line on screen."""
        if not self._lines:
            return (0, -1)
        top = int(self.scroll_offset.y)
        bottom = min(len(self._lines), top + self.scrollable_content_region.height)
        blocks = [self._lines[y][1] for y in range(top, bottom) if self._lines[y][0] == R_BODY]
        if not blocks:
            return (0, -1)
        return blocks[0], blocks[-1]

    # ------------------------------------------------------------------
    # Layout

    def _layout(self, width: int) -> None:
        """Lay the article out for *width* cells; keep the reader's place.

        Only what the screen needs is laid out now (a few hundred lines at
        most); the rest follows in the background, a step at a time, and on
        demand when a caller needs a block further down.
        """
        self.layouts += 1
        article = self.article
        # Keep the reader's place: the cursor block where it is on screen when
        # it is visible, else the text at the top of the view.
        anchor_block = anchor_offset = None
        anchor_delta = 0
        h = self._view_height()
        if self._lines and self._pending is None and self._block_first:
            top = int(self.scroll_offset.y)
            c = self.cursor
            if c < len(self._block_first) and self._block_first[c] < top + h and self._block_end[c] > top:
                anchor_block = c
                anchor_delta = self._block_first[c] - top
            else:
                anchor_offset = self._point_offset(0, top)
        self._layout_gen += 1
        self._layout_width = width
        self._cache.clear()
        text_w = max(8, min(MAX_TEXT_WIDTH, width - MARGIN - 1))
        self._text_width = text_w
        self._col_left = max(0, (width - (MARGIN + text_w + 1)) // 2)
        lines: list[tuple[int, int, int, int, int]] = [(R_BLANK, -1, 0, 0, P_NONE)]
        self._lines = lines
        self._block_first = []
        self._block_end = []
        self._laid = 0
        self._ri = 0
        self._layout_done = False
        if article is None:
            for i in range(len(PLACEHOLDER)):
                lines.append((R_EMPTY, i, 0, 0, P_NONE))
            self._removed_order = []
            self._layout_done = True
        else:
            for role, s in ((R_TITLE, article.title), (R_META, self._meta), (R_DEK, article.dek or "")):
                if s:
                    for a, b in wrap_spans(s, text_w):
                        lines.append((role, -1, a, b, P_NONE))
            lines.append((R_BLANK, -1, 0, 0, P_NONE))
            self._removed_order = (
                sorted(article.removed, key=lambda r: r.start_line) if self.show_removed else []
            )
        if self._pending is not None:
            cursor, scroll_y = self._pending
            self._pending = None
            block = self._pending_block
            self._pending_block = None
            if block is not None and self._spans:
                self._ensure(block)
                scroll_y = max(0, self._block_first[block] - 2)
            y = int(scroll_y)
        elif anchor_block is not None:
            self._ensure(anchor_block)
            first = self._block_first[anchor_block]
            y = max(0, first - anchor_delta)
            self._extend(lines=y + 2 * h)
            if self._block_end[anchor_block] > y + h:
                # Taller now: show as much of the block as fits.
                y = max(0, min(first - 1, self._block_end[anchor_block] + 1 - h))
        elif anchor_offset is not None:
            y = self._line_of_offset(anchor_offset)
        else:
            y = 0
        self._extend(lines=y + 2 * h)
        self.virtual_size = Size(width, len(self._lines))
        self.scroll_to(y=y, animate=False, immediate=True)
        self.refresh()
        if not self._layout_done:
            self.call_after_refresh(self._layout_step, self._layout_gen)

    def _layout_step(self, gen: int) -> None:
        """Background layout: one step, then the next after other messages."""
        if gen != self._layout_gen or self._layout_done:
            return
        deadline = perf_counter() + LAYOUT_STEP_SECONDS
        while not self._layout_done and perf_counter() < deadline:
            self._extend(steps=LAYOUT_STEP, resize=False)
        self._set_virtual_height()
        if not self._layout_done:
            self.call_later(self._layout_step, gen)

    def _ensure(self, block: int) -> None:
        """Lay out up to and including *block*."""
        if not self._layout_done and block >= self._laid:
            self._extend(block=block)

    def finish_layout(self) -> None:
        """Lay out the whole article now (normally done in the background)."""
        if not self._layout_done:
            self._extend(block=len(self._spans))

    @property
    def layout_complete(self) -> bool:
        return self._layout_done

    def _set_virtual_height(self) -> None:
        if self.virtual_size.height != len(self._lines):
            self.virtual_size = Size(self._layout_width, len(self._lines))

    def _extend(self, *, block: int = -1, lines: int = 0, steps: int | None = None, resize: bool = True) -> None:
        """Lay out more blocks: through *block* and until there are *lines*
        lines, or *steps* blocks (background step)."""
        article = self.article
        if self._layout_done or article is None or self._layout_width <= 0:
            return
        blocks = article.blocks
        n = len(blocks)
        out = self._lines
        append = out.append
        block_first = self._block_first
        block_end = self._block_end
        removed = self._removed_order
        nrem = len(removed)
        ri = self._ri
        text_w = self._text_width
        bi = self._laid
        stop = n if steps is None else min(n, bi + steps)
        while bi < stop and (steps is not None or bi <= block or len(out) < lines):
            b = blocks[bi]
            while ri < nrem and removed[ri].start_line < b.start_line:
                self._layout_removed(out, ri, removed[ri].text, text_w)
                ri += 1
            kind = b.kind
            if kind == HEADING and bi > 0:
                append((R_BLANK, -1, 0, 0, P_NONE))
            block_first.append(len(out))
            if kind == QUOTE:
                for s, e in wrap_spans(b.text, text_w - 2):
                    append((R_BODY, bi, s, e, P_QUOTE))
            elif kind == ITEM:
                prefix = P_BULLET
                for s, e in wrap_spans(b.text, text_w - 2):
                    append((R_BODY, bi, s, e, prefix))
                    prefix = P_HANG
            else:
                for s, e in wrap_spans(b.text, text_w):
                    append((R_BODY, bi, s, e, P_NONE))
            block_end.append(len(out))
            append((R_BLANK, -1, 0, 0, P_NONE))
            bi += 1
        if bi >= n:
            while ri < nrem:
                self._layout_removed(out, ri, removed[ri].text, text_w)
                ri += 1
            append((R_BLANK, -1, 0, 0, P_NONE))
            self._layout_done = True
        self._laid = bi
        self._ri = ri
        if resize:
            self._set_virtual_height()

    def _line_of_offset(self, offset: int) -> int:
        """The visual line that shows text *offset*."""
        i = self.block_at(offset)
        self._ensure(i)
        rel = offset - self._spans[i][0]
        y = self._block_first[i]
        end = self._block_end[i]
        while y + 1 < end and self._lines[y + 1][2] <= rel:
            y += 1
        return y

    def _layout_removed(self, lines: list, ri: int, text: str, text_w: int) -> None:
        lines.append((R_RLABEL, ri, 0, 0, P_NONE))
        for a, b in wrap_spans(text, text_w - 2):
            lines.append((R_REMOVED, ri, a, b, P_REMOVED))
        lines.append((R_BLANK, -1, 0, 0, P_NONE))

    def _meta_text(self) -> str:
        art = self.article
        if art is None:
            return ""
        bits = [art.outlet, art.author and "By " + art.author, art.display_date(), art.section]
        # Like Article.reading_minutes() (230 words a minute), but counting
        # spaces (C speed): splitting 1 MB of text into words takes ~15 ms.
        words = sum(b.text.count(" ") + 1 for b in art.blocks if b.text)
        bits.append(f"{max(1, round(words / 230))} min read")
        return " · ".join(b for b in bits if b)

    def _source(self, line: tuple[int, int, int, int, int]) -> str:
        role, idx = line[0], line[1]
        art = self.article
        if art is None:
            return PLACEHOLDER[idx] if role == R_EMPTY else ""
        if role == R_BODY:
            return art.blocks[idx].text
        if role == R_TITLE:
            return art.title
        if role == R_META:
            return self._meta
        if role == R_DEK:
            return art.dek or ""
        if role == R_REMOVED:
            return self._removed_order[idx].text
        if role == R_RLABEL:
            return "removed · " + (self._removed_order[idx].reason or "junk")
        return ""

    def on_resize(self, event: Resize) -> None:
        width = self.scrollable_content_region.width
        if width > 0 and width != self._layout_width:
            self._layout(width)

    # ------------------------------------------------------------------
    # Styles and rendering

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style_cache = None
        self._cache.clear()

    def on_focus(self, event) -> None:
        self._style_cache = None
        self._invalidate_blocks({self.cursor})

    def on_blur(self, event) -> None:
        self._style_cache = None
        self._invalidate_blocks({self.cursor})

    def _styles(self) -> dict[str, Style]:
        if self._style_cache is not None:
            return self._style_cache
        get = self.get_component_rich_style
        base = self.rich_style
        bg = self.background_colors[1]
        styles: dict[str, Style] = {"base": base}
        for name in ("title", "meta", "dek", "heading", "subheading", "quote", "caption", "removed",
                     "removed-label", "cursor", "cursor-bar", "placeholder", "note"):
            # The partial style says which attributes the component sets; the
            # full one has its colours blended with the background (alpha).
            partial = get("article-view--" + name, partial=True)
            full = get("article-view--" + name)
            styles[name] = Style(
                color=full.color if partial.color is not None else None,
                bgcolor=full.bgcolor if partial.bgcolor is not None else None,
                bold=partial.bold,
                italic=partial.italic,
                dim=partial.dim,
                underline=partial.underline,
                strike=partial.strike,
            )
        for name, colour in HIGHLIGHT_COLOURS.items():
            tint = bg.blend(Color.parse(colour), 0.38 if bg.brightness < 0.5 else 0.45)
            styles[name] = Style(bgcolor=tint.rich_color, color=tint.get_contrast_text(0.95).rich_color)
        accent = Color.parse(self.app.current_theme.accent or "#ffa62b") if self.app.current_theme else Color.parse("#ffa62b")
        styles["search"] = Style(bgcolor=bg.blend(accent, 0.6).rich_color, underline=True, bold=True)
        styles["flash"] = Style(bgcolor=bg.blend(accent, 0.35).rich_color)
        styles["selection"] = self.selection_style
        self._style_cache = styles
        return styles

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._layout_width and width > 0:
            self._layout(width)
        line_no = int(self.scroll_offset.y) + y
        if line_no >= len(self._lines) and not self._layout_done:
            self._extend(lines=line_no + self._view_height())
        if line_no < 0 or line_no >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        selection = self.text_selection
        span = selection.get_span(line_no) if selection is not None else None
        if span is None:
            strip = self._cache.get(line_no)
            if strip is not None:
                return strip
        strip = self._render(line_no, width, span)
        if span is None:
            self._cache[line_no] = strip
        return strip

    def _render(self, y: int, width: int, sel: tuple[int, int] | None) -> Strip:
        self.lines_rendered += 1
        st = self._styles()
        base = st["base"]
        line = self._lines[y]
        role, idx, a, b, prefix = line
        src = self._source(line)
        text = src if role in (R_RLABEL, R_EMPTY) else src[a:b]
        if _CONTROL.search(text):
            text = _CONTROL.sub(" ", text)
        n = len(text)
        left = self._col_left
        text_w = self._text_width
        segments: list[Segment] = []
        meta = Style.from_meta
        pre_cells = left + MARGIN + len(_PREFIX[prefix])

        # Line style and margin.
        bar = " "
        marker = " "
        line_style = base
        col_style = base
        kind = None
        if role == R_BODY:
            kind = self.article.blocks[idx].kind
            if kind == HEADING:
                line_style = base + (st["heading"] if self.article.blocks[idx].level <= 2 else st["subheading"])
            elif kind == QUOTE:
                line_style = base + st["quote"]
            elif kind == CAPTION:
                line_style = base + st["caption"]
            if idx == self.cursor:
                bar = "┃"
                col_style = base + st["cursor"]
                line_style = line_style + st["cursor"]
            if self._flash == idx:
                col_style = col_style + st["flash"]
                line_style = line_style + st["flash"]
            if self._note_on_line(y, line):
                marker = "✎"
        elif role in _ROLE_STYLE:
            line_style = base + st[_ROLE_STYLE[role]]

        x = -pre_cells
        if left:
            segments.append(Segment(" " * left, base + meta({"offset": (x, y)})))
            x += left
        segments.append(Segment(bar, base + st["cursor-bar"] + meta({"offset": (x, y)})))
        x += 1
        segments.append(Segment(marker, base + st["note"] + meta({"offset": (x, y)})))
        x += 1
        segments.append(Segment(" ", col_style + meta({"offset": (x, y)})))
        x += 1
        if prefix != P_NONE:
            ptext = _PREFIX[prefix]
            pstyle = col_style + (st["meta"] if prefix == P_QUOTE else st["removed"] if prefix == P_REMOVED else Style())
            segments.append(Segment(ptext, pstyle + meta({"offset": (x, y)})))

        # Text, split where highlight / selection styles change.
        if n:
            pieces: list[tuple[int, int, Style]] = []
            if role == R_BODY:
                A = self._spans[idx][0] + a
                for h in self._hl_by_block.get(idx, ()):
                    s = max(h.start - A, 0)
                    e = min(h.end - A, n)
                    if s < e:
                        hs = st.get(h.style)
                        if hs is not None:
                            pieces.append((s, e, hs))
            if sel is not None:
                s, e = sel
                if e == -1:
                    e = n
                s = max(0, s)
                e = min(n, e)
                if s < e:
                    pieces.append((s, e, st["selection"]))
            if not pieces:
                segments.append(Segment(text, line_style + meta({"offset": (0, y)})))
            else:
                cuts = {0, n}
                for s, e, _ in pieces:
                    cuts.add(s)
                    cuts.add(e)
                bounds = sorted(cuts)
                for s, e in zip(bounds, bounds[1:]):
                    style = line_style
                    for ps, pe, pst in pieces:
                        if ps <= s and e <= pe:
                            style = style + pst
                    segments.append(Segment(text[s:e], style + meta({"offset": (s, y)})))
        used = pre_cells + (n if text.isascii() else cell_len(text))
        if role == R_EMPTY:
            # Centre the placeholder.
            shift = max(0, (width - n) // 2 - pre_cells)
            segments.insert(len(segments) - 1, Segment(" " * shift, base))
            used += shift
        col_end = left + MARGIN + text_w + 1
        if used < col_end and col_style is not base:
            segments.append(Segment(" " * (col_end - used), col_style + meta({"offset": (n, y)})))
            used = col_end
        if used < width:
            segments.append(Segment(" " * (width - used), base + meta({"offset": (n, y)})))
        strip = Strip(segments, max(used, width))
        if used > width:
            strip = strip.crop(0, width)
        return strip

    def _note_on_line(self, y: int, line: tuple[int, int, int, int, int]) -> bool:
        _, idx, a, b, _ = line
        hs = self._hl_by_block.get(idx)
        if not hs:
            return False
        start = self._spans[idx][0]
        first = y == self._block_first[idx]
        last = y == self._block_end[idx] - 1
        for h in hs:
            if not h.note or self.block_at(h.start) != idx:
                continue
            rel = h.start - start
            # The line that holds the first character of the highlight.
            if (first or rel >= a) and (last or self._lines[y + 1][2] > rel):
                return True
        return False

    def _invalidate_blocks(self, blocks: Iterable[int]) -> None:
        blocks = [i for i in blocks if i is not None and 0 <= i < len(self._block_first)]
        if not self._lines:
            return
        if len(blocks) > 200:
            self._cache.clear()
            self.refresh()
            return
        top = int(self.scroll_offset.y)
        height = self.scrollable_content_region.height
        for i in blocks:
            f, e = self._block_first[i], self._block_end[i]
            for y in range(f, e):
                self._cache.discard(y)
            if e > top and f < top + height:
                self.refresh_lines(f, e - f)

    # ------------------------------------------------------------------
    # Selection

    def _point_offset(self, x: int, y: int) -> int:
        """Map a selection point (char x on visual line y) to a text offset."""
        lines = self._lines
        if not lines:
            return 0
        if y < 0:
            return 0
        if y >= len(lines):
            return self._text_len
        role, idx, a, b, _ = lines[y]
        if role == R_BODY:
            return self._spans[idx][0] + a + max(0, min(x, b - a))
        # Not body text: snap to the start of the next body line.
        for yy in range(y + 1, len(lines)):
            r, i, aa, _, _ = lines[yy]
            if r == R_BODY:
                return self._spans[i][0] + aa
        if self._laid < len(self._spans):
            return self._spans[self._laid][0]
        return self._text_len

    def _selection_offsets(self, selection: Selection) -> tuple[int, int]:
        start = 0 if selection.start is None else self._point_offset(*selection.start)
        end = self._text_len if selection.end is None else self._point_offset(*selection.end)
        return start, end

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        if self.article is None or not self._lines:
            return None
        start, end = self._selection_offsets(selection)
        if end <= start:
            return None
        return self.article.text()[start:end], "\n"

    def select_span(self, start: int, end: int) -> None:
        """Select ``article.text()[start:end]`` as if by mouse (empty: clear)."""
        if not self._lines or not self._block_first or end <= start:
            self.screen_clear_selection()
            return
        start = max(0, min(start, self._text_len))
        end = max(start, min(end, self._text_len))
        y1 = self._line_of_offset(start)
        y2 = self._line_of_offset(max(start, end - 1))
        x1 = start - self._spans[self._lines[y1][1]][0] - self._lines[y1][2]
        x2 = end - self._spans[self._lines[y2][1]][0] - self._lines[y2][2]
        selections = dict(self.screen.selections)
        selections[self] = Selection(Offset(x1, y1), Offset(x2, y2))
        self.screen.selections = selections

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()

    def screen_clear_selection(self) -> None:
        try:
            screen = self.screen
        except Exception:
            return
        if self in screen.selections:
            selections = dict(screen.selections)
            selections.pop(self, None)
            screen.selections = selections

    # ------------------------------------------------------------------
    # Cursor

    def validate_cursor(self, value: int) -> int:
        n = len(self._spans)
        return max(0, min(int(value), n - 1)) if n else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self._invalidate_blocks({old, new})
        if not self._no_cursor_scroll:
            self._scroll_cursor_into_view()
        if self.article is not None:
            self.post_message(self.CursorMoved(self, new))

    def _set_cursor_quietly(self, index: int) -> None:
        self._no_cursor_scroll = True
        try:
            self.cursor = index
        finally:
            self._no_cursor_scroll = False

    def _view_height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def _scroll_cursor_into_view(self) -> None:
        if not self._lines or not self._block_first:
            return
        i = self.cursor
        self._ensure(i)
        first, end = self._block_first[i], self._block_end[i]
        self._extend(lines=end + self._view_height())
        top = int(self.scroll_offset.y)
        h = self._view_height()
        if first - 1 < top:
            target = max(0, first - 2 if self.article.blocks[i].kind == HEADING else first - 1)
            if i == 0:
                target = 0
        elif end + 1 > top + h:
            target = min(first - 1, end + 1 - h)
        else:
            return
        self.scroll_to(y=target, animate=False, immediate=True)

    def _first_visible_block(self, top: int) -> int:
        lines = self._lines
        h = self._view_height()
        stop = min(len(lines), top + h)
        fallback = None
        for y in range(max(0, top), stop):
            role, idx = lines[y][0], lines[y][1]
            if role == R_BODY:
                if self._block_first[idx] == y:
                    return idx
                if fallback is None:
                    fallback = idx
        if fallback is not None:
            return fallback
        return self.block_at(self._point_offset(0, top))

    def action_cursor_down(self) -> None:
        if not self._spans or not self._lines:
            return
        self._ensure(self.cursor + 1)
        top = int(self.scroll_offset.y)
        h = self._view_height()
        end = self._block_end[self.cursor] if self._block_first else 0
        if end > top + h and self._block_first[self.cursor] < top + h:
            # A long block whose end is below the view: scroll through it first.
            self.scroll_to(y=min(end + 1 - h, top + max(1, h - 2)), animate=False, immediate=True)
            return
        self.cursor = min(self.cursor + 1, len(self._spans) - 1)

    def action_cursor_up(self) -> None:
        if not self._spans or not self._lines:
            return
        self._ensure(self.cursor)
        top = int(self.scroll_offset.y)
        h = self._view_height()
        first = self._block_first[self.cursor] if self._block_first else 0
        if first < top and self._block_end[self.cursor] > top:
            self.scroll_to(y=max(first - 1, top - max(1, h - 2), 0), animate=False, immediate=True)
            return
        if self.cursor == 0 and top > 0:
            # Nothing to move to, but the title, dek or removed text above
            # the first paragraph is out of view: show it.
            self.scroll_to(y=max(0, top - max(1, h - 2)), animate=False, immediate=True)
            return
        self.cursor = max(self.cursor - 1, 0)

    def action_page_down(self) -> None:
        if not self._spans or not self._lines:
            return
        top = int(self.scroll_offset.y)
        h = self._view_height()
        self._extend(lines=top + 3 * h)
        target = min(int(self.max_scroll_y), top + max(1, h - 1))
        if target <= top:
            # Already at the bottom: the cursor goes to the last block.
            self._set_cursor_quietly(len(self._spans) - 1)
            return
        self.scroll_to(y=target, animate=False, immediate=True)
        self._set_cursor_quietly(self._first_visible_block(target))

    def action_page_up(self) -> None:
        if not self._spans:
            return
        top = int(self.scroll_offset.y)
        h = self._view_height()
        target = max(0, top - max(1, h - 1))
        if target >= top:
            self._set_cursor_quietly(0)
            return
        self.scroll_to(y=target, animate=False, immediate=True)
        self._set_cursor_quietly(0 if target == 0 else self._first_visible_block(target))

    def action_cursor_top(self) -> None:
        if not self._spans:
            return
        self._set_cursor_quietly(0)
        self.scroll_to(y=0, animate=False, immediate=True)

    def action_cursor_bottom(self) -> None:
        if not self._spans or not self._lines:
            return
        self.finish_layout()
        self._set_cursor_quietly(len(self._spans) - 1)
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)
        self._scroll_cursor_into_view()

    def action_toggle_removed(self) -> None:
        self.show_removed = not self.show_removed

    def watch_show_removed(self, value: bool) -> None:
        if self._lines and self.article is not None and self._layout_width > 0:
            self._layout(self._layout_width)
        if self.article is None or not self.is_mounted:
            return
        # Say what the key did: with nothing removed, nothing changes on screen.
        n = len(self.article.removed)
        if not value:
            self.notify("Removed text hidden.", timeout=2)
        elif n:
            self.notify(f"Showing text the cleaner removed ({n} part{'s' if n != 1 else ''}, "
                        f"dimmed and labelled); r hides it.", timeout=3)
        else:
            self.notify("The cleaner removed nothing from this article.", timeout=3)

    def on_click(self, event: Click) -> None:
        # Single click: the cursor goes to the block. Double click selects
        # the paragraph under the pointer, triple click the whole article
        # (Textual's default would select the whole widget on a double click).
        if not self._lines:
            return
        offset = event.get_content_offset(self)
        y = int(self.scroll_offset.y) + offset.y if offset is not None else -1
        on_body = 0 <= y < len(self._lines) and self._lines[y][0] == R_BODY
        if event.chain in (2, 3) and self.allow_select and self.screen.allow_select and self.app.ALLOW_SELECT:
            event.prevent_default()
            if event.chain == 3:
                self.select_span(0, self._text_len)
            elif on_body:
                self.select_span(*self._spans[self._lines[y][1]])
            return
        if self.text_selection is not None:
            return
        if on_body:
            self.cursor = self._lines[y][1]
