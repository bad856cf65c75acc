"""The source list: one two-line row per library entry, windowed.

The rows come from a :class:`tui.core.listing.Listing` (SQL over the library
database), a page at a time: only rows that are scrolled into view (and the
highlighted one) are fetched and get an :class:`EntryOption`, so a library
of 100k articles costs what a screenful does. It is still an
:class:`~textual.widgets.OptionList` (same look, keys and mouse): its
``_options`` is a lazy sequence, and since every row is exactly
:data:`ROW_HEIGHT` lines tall the line bookkeeping is arithmetic.

Titles, outlets and file names are untrusted: they only ever go into
``Content(...)`` (plain text), never into markup.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left
from collections import OrderedDict
from typing import Callable, Iterator, Sequence

from textual import work
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tui.core.library import Entry
from tui.core.listing import PAGE, PAGES_KEPT, Listing, connect_read_only, normalize_query

#: Every row is a title line and a details line.
ROW_HEIGHT = 2
UNREAD = "●"
#: Before the number of marks: a highlight bar ("✎" is the reading pane's sign for a note).
MARKS = "▍"
#: Reading speed for the "N min" hint (the same as Article.reading_minutes).
WORDS_PER_MINUTE = 230


def row_content(entry: Entry) -> Content:
    """The two lines shown for *entry* (plain text, styled; never markup)."""
    title = entry.title.replace("\n", " ").strip() or entry.path.rsplit("/", 1)[-1]
    if not entry.ok:
        line1 = Content.assemble(("  ", ""), (title, "dim"))
        reason = entry.error or entry.status
        line2 = Content.assemble(("  ", ""), (f"⚠ not an article: {reason}", "dim italic"))
        return Content.assemble(line1, "\n", line2)
    marker = (f"{UNREAD} ", "$accent") if not entry.read else ("  ", "")
    line1 = Content.assemble(marker, (title, "bold" if not entry.read else ""))
    bits = [b.replace("\n", " ") for b in (entry.outlet, entry.date) if b]
    if entry.words:
        bits.append(f"{max(1, round(entry.words / WORDS_PER_MINUTE))} min")
    details = " · ".join(bits) or "—"
    parts: list = [("  ", "")]
    if entry.marks:  # first: a long details line is cut at its end
        parts += [(f"{MARKS}{entry.marks}", "$warning"), ("  ", "")]
    parts.append((details, "dim"))
    return Content.assemble(line1, "\n", Content.assemble(*parts))


def gone_entry() -> Entry:
    """The row shown for an article that left the library since the list
    was read (until the list is read again)."""
    return Entry(0, "", "", status="missing", error="gone since the list was read")


class EntryOption(Option):
    """An option whose prompt is built from its entry on first use."""

    #: Prompts built, all options (benches and tests).
    prompts = 0

    def __init__(self, entry: Entry, index: int = 0, *, disabled: bool = False) -> None:
        super().__init__("", id=None, disabled=disabled)
        self.entry = entry
        #: Position in the list (OptionList's mouse metadata).
        self.index = index
        self._built = False

    @property
    def prompt(self) -> Content:  # type: ignore[override]
        if not self._built:
            self._prompt = row_content(self.entry)
            self._built = True
            EntryOption.prompts += 1
        return self._prompt  # type: ignore[return-value]


class _Rows(Sequence):
    """``OptionList._options`` over a :class:`Listing`: options are built a
    page at a time, when a row is painted or highlighted, and the last few
    pages are kept."""

    def __init__(self, listing: Listing | None,
                 on_short: Callable[[], None] | None = None) -> None:
        self.listing = listing
        self.count = listing.count() if listing is not None else 0
        self._pages: OrderedDict[int, list[EntryOption]] = OrderedDict()
        #: Options built so far (tests assert it stays near a screenful).
        self.built = 0
        #: Called when a page reads fewer rows than counted (the library
        #: shrank under the list: another program marked articles missing).
        self.on_short = on_short

    def __len__(self) -> int:
        return self.count

    def page(self, p: int) -> list[EntryOption]:
        pages = self._pages
        opts = pages.get(p)
        if opts is not None:
            pages.move_to_end(p)
            return opts
        assert self.listing is not None
        opts = [EntryOption(e, p * PAGE + i) for i, e in enumerate(self.listing.page(p))]
        self.built += len(opts)
        expected = min(PAGE, self.count - p * PAGE)
        if len(opts) < expected:
            # Rows counted but gone: placeholders (disabled) until the list
            # is read again, so painting and moving never index past the end.
            opts += [EntryOption(gone_entry(), p * PAGE + i, disabled=True)
                     for i in range(len(opts), expected)]
            if self.on_short is not None:
                self.on_short()
        pages[p] = opts
        while len(pages) > PAGES_KEPT:
            pages.popitem(last=False)
        return opts

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self.count))]
        if i < 0:
            i += self.count
        if not 0 <= i < self.count:
            raise IndexError(i)
        return self.page(i // PAGE)[i % PAGE]

    def __iter__(self) -> Iterator[EntryOption]:
        for i in range(self.count):
            yield self[i]

    def cached(self) -> Iterator[EntryOption]:
        for opts in self._pages.values():
            yield from opts

    def clear(self) -> None:
        self._pages.clear()


class _OptionIndex:
    """``OptionList._option_to_index``: an option knows its index."""

    def __getitem__(self, option: EntryOption) -> int:
        return option.index

    def clear(self) -> None:
        pass


class _Entries(Sequence):
    """The entries shown (the view after the filter), read on demand."""

    def __init__(self, rows: _Rows) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [o.entry for o in self._rows[i]]
        return self._rows[i].entry


class _Lines(Sequence):
    """``OptionList._lines`` for fixed-height rows: line y -> (index, offset)."""

    def __init__(self, count: int) -> None:
        self.count = count

    def __len__(self) -> int:
        return self.count * ROW_HEIGHT

    def __getitem__(self, y):  # type: ignore[override]
        if isinstance(y, slice):
            return [self[i] for i in range(*y.indices(len(self)))]
        if y < 0:
            y += len(self)
        if not 0 <= y < len(self):
            raise IndexError(y)
        return divmod(y, ROW_HEIGHT)


class _IndexMap:
    """``_index_to_line`` / ``_heights`` for fixed-height rows."""

    def __init__(self, count: int, line: bool) -> None:
        self.count = count
        self.line = line

    def __getitem__(self, index: int) -> int:
        if not 0 <= index < self.count:
            raise KeyError(index)
        return index * ROW_HEIGHT if self.line else ROW_HEIGHT

    def get(self, index: int, default=None):
        try:
            return self[index]
        except KeyError:
            return default

    def __contains__(self, index: object) -> bool:
        return isinstance(index, int) and 0 <= index < self.count


class SourceList(OptionList):
    """The library's articles, one row each; Enter or a click opens one."""

    DEFAULT_CSS = """
    SourceList {
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    BINDINGS = [
        Binding("enter", "select", "Open", show=False),
        Binding("down,j", "cursor_down", "Next source", show=False),
        Binding("up,k", "cursor_up", "Previous source", show=False),
    ]

    class Filtered(Message):
        """The rows now follow a new filter (the title query's matches arrived)."""

        def __init__(self, source_list: "SourceList") -> None:
            super().__init__()
            self.source_list = source_list

        @property
        def control(self) -> "SourceList":
            return self.source_list

    class EntrySelected(Message):
        """The user chose an entry (Enter or click)."""

        def __init__(self, source_list: "SourceList", entry: Entry) -> None:
            super().__init__()
            self.source_list = source_list
            self.entry = entry

        @property
        def control(self) -> "SourceList":
            return self.source_list

    def __init__(self, *, id: str | None = None, classes: str | None = None,
                 on_select: Callable[[Entry], None] | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        #: Called at once when an entry is chosen (keys typed right after
        #: Enter then reach the opened article); else EntrySelected is posted.
        self.on_select = on_select
        self.listing: Listing | None = None
        self._rows = _Rows(None)
        self._options = self._rows  # type: ignore[assignment]
        self._option_to_index = _OptionIndex()  # type: ignore[assignment]
        self._all: list[Entry] | None = None
        #: The query typed last (its matches may still be on their way).
        self._wanted = ""
        self._match_conn: sqlite3.Connection | None = None
        self._short_reload = False

    # -- data ----------------------------------------------------------------

    def set_listing(self, listing: Listing, *, keep: str | None = None) -> None:
        """Show *listing*'s rows; keep the highlight on path *keep* (or the current one)."""
        keep = keep if keep is not None else self.highlighted_path
        self.listing = listing
        self._all = None
        self._apply(keep)

    def reload(self, *, keep: str | None = None) -> None:
        """Read the rows again (the library changed); keep the highlight."""
        keep = keep if keep is not None else self.highlighted_path
        if self.listing is not None:
            self.listing.refresh()
        self._all = None
        self._apply(keep)

    def set_filter(self, query: str, *, wait: bool = False) -> None:
        """Show only entries whose title contains *query* (see tui.core.listing).

        The matches are found in a worker thread with its own connection
        (a query matching most of a big library takes tens of ms), so typing
        never waits: a newer query interrupts an older one, and the rows
        change (and :class:`Filtered` is posted) when the matches arrive.
        An empty query, or *wait*, applies at once."""
        listing = self.listing
        if listing is None:
            return
        query = normalize_query(query)
        self._wanted = query
        self._interrupt_match()
        if query == listing.query:
            return
        if query and not wait and self.is_mounted:
            self._match(query, listing.totals()[0])
            return
        keep = self.highlighted_path
        if listing.set_query(query):
            self._apply(keep)
            self.post_message(self.Filtered(self))

    @property
    def filter_pending(self) -> bool:
        """Is a typed query still being matched?"""
        return self.listing is not None and self._wanted != self.listing.query

    def flush_filter(self) -> None:
        """Apply the last typed query now (e.g. Enter right after typing)."""
        if self.filter_pending:
            self.set_filter(self._wanted, wait=True)

    def _interrupt_match(self) -> None:
        conn = self._match_conn
        if conn is not None:
            try:
                conn.interrupt()
            except sqlite3.Error:
                pass

    @work(thread=True, exclusive=True, group="source-filter", exit_on_error=False)
    def _match(self, query: str, total: int) -> None:
        worker = get_current_worker()
        listing = self.listing
        assert listing is not None
        try:
            conn = connect_read_only(listing.db.path, check_same_thread=False)
        except sqlite3.Error:
            conn = None
        ids = None
        if conn is not None:
            self._match_conn = conn
            try:
                if worker.is_cancelled:
                    return
                ids = listing.match(query, conn, total)
            except sqlite3.Error:
                if worker.is_cancelled or query != self._wanted:
                    return  # interrupted by a newer query
                ids = None  # e.g. no read-only access: match on the app's connection
            finally:
                if self._match_conn is conn:
                    self._match_conn = None
                conn.close()
        if not worker.is_cancelled:
            self.app.call_from_thread(self._matched, query, ids)

    def _matched(self, query: str, ids) -> None:
        listing = self.listing
        if listing is None or query != self._wanted:
            return  # a newer query is on its way
        keep = self.highlighted_path
        if listing.set_query(query, ids):
            self._apply(keep)
        self.post_message(self.Filtered(self))

    @property
    def query(self) -> str:
        return self.listing.query if self.listing is not None else ""

    def _apply(self, keep: str | None) -> None:
        index = None
        if keep is not None and self.listing is not None:
            # (before the count: unfiltered, one scan gives both)
            index = self.listing.index_of(keep)
        self._rows.clear()
        built = self._rows.built
        self._rows = _Rows(self.listing, self._rows_short)
        self._rows.built = built
        self._options = self._rows  # type: ignore[assignment]
        self._mouse_hovering_over = None
        self._option_render_cache.clear()
        if len(self._rows):
            self.highlighted = index if index is not None else 0
            self.call_after_refresh(self.scroll_to_highlight)
        else:
            self.highlighted = None
        self._update_lines()
        self.refresh()

    def _rows_short(self) -> None:
        """A page read fewer rows than counted: read the list again (after
        this paint), unless that was asked already."""
        if not self._short_reload:
            self._short_reload = True
            self.call_later(self._reload_short)

    def _reload_short(self) -> None:
        self._short_reload = False
        listing = self.listing
        if listing is None:
            return
        keep = self.highlighted_path
        listing.refresh()
        if listing.count() != len(self._rows):  # (equal: nothing to do, no loop)
            self._all = None
            self._apply(keep)

    @property
    def built(self) -> int:
        """Row options built so far (grows with what is scrolled, not the library)."""
        return self._rows.built

    @property
    def visible_entries(self) -> Sequence[Entry]:
        """The entries shown, in order (read a page at a time when indexed)."""
        return _Entries(self._rows)

    @property
    def entries(self) -> list[Entry]:
        """Every entry of the library, filter ignored: one query building a
        Python object per article (for the palette; kept until the list
        changes). The list itself never needs it."""
        if self._all is None:
            listing = self.listing
            self._all = listing.all_entries() if listing is not None else []
        return self._all

    @property
    def highlighted_entry(self) -> Entry | None:
        try:
            opt = self.highlighted_option
        except IndexError:  # the library shrank under the list (reloaded soon)
            return None
        if not isinstance(opt, EntryOption) or opt.disabled:  # (a row gone since)
            return None
        return opt.entry

    @property
    def highlighted_path(self) -> str | None:
        e = self.highlighted_entry
        return e.path if e else None

    def entry(self, path: str) -> Entry | None:
        """The row of *path* (filter ignored), or None if not in the library."""
        return self.listing.entry(path) if self.listing is not None else None

    def contains(self, path: str) -> bool:
        return self.entry(path) is not None

    def highlight_path(self, path: str) -> bool:
        if self.listing is None:
            return False
        index = self.listing.index_of(path)
        if index is None:
            return False
        self.highlighted = index
        return True

    def update_entry(self, path: str, **changes) -> None:
        """Change one entry's fields (e.g. ``read=True``, ``marks=3``) and
        repaint its row (only rows in the window cache are touched)."""
        listing = self.listing
        if listing is None:
            return
        if "read" in changes:
            listing.read_changed()
        hit = listing.cached(path)
        if hit is not None:
            for k, v in changes.items():
                setattr(hit[1], k, v)
        for o in self._rows.cached():
            if o.entry.path == path:
                for k, v in changes.items():
                    setattr(o.entry, k, v)
                o._built = False
                o._visual = None
        if self._all is not None:  # the palette's full list, in path order
            i = bisect_left(self._all, path, key=lambda e: e.path)
            if i < len(self._all) and self._all[i].path == path:
                for k, v in changes.items():
                    setattr(self._all[i], k, v)
        self._option_render_cache.clear()
        self.refresh()

    # -- selection -------------------------------------------------------------

    def action_select(self) -> None:
        option = self.highlighted_option
        if isinstance(option, EntryOption) and option.disabled:
            return  # a row gone since the list was read
        if self.on_select is not None and isinstance(option, EntryOption):
            self.on_select(option.entry)
        else:
            super().action_select()

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option = event.option
        if isinstance(option, EntryOption):
            self.post_message(self.EntrySelected(self, option.entry))

    # -- moving: arithmetic (every row is enabled), never a walk over the rows --

    def action_cursor_down(self) -> None:
        n = len(self._rows)
        if n:
            h = self.highlighted
            self.highlighted = 0 if h is None else (h + 1) % n

    def action_cursor_up(self) -> None:
        n = len(self._rows)
        if n:
            h = self.highlighted
            self.highlighted = n - 1 if h is None else (h - 1) % n

    def action_first(self) -> None:
        if len(self._rows):
            self.highlighted = 0

    def action_last(self) -> None:
        if len(self._rows):
            self.highlighted = len(self._rows) - 1

    def _move_page(self, direction) -> None:
        n = len(self._rows)
        if not n:
            return
        height = self.scrollable_content_region.height
        y = (self.highlighted or 0) * ROW_HEIGHT + direction * height
        self.highlighted = max(0, min(n - 1, y // ROW_HEIGHT))

    # -- fixed-height virtualisation --------------------------------------------
    # OptionList measures every option to lay out lines; our rows are all
    # ROW_HEIGHT lines (CSS: text-wrap: nowrap), so the layout is arithmetic.

    @property
    def _lines(self) -> Sequence[tuple[int, int]]:
        return _Lines(len(self._options))

    @property
    def _heights(self):  # type: ignore[override]
        return _IndexMap(len(self._options), line=False)

    @property
    def _index_to_line(self):  # type: ignore[override]
        return _IndexMap(len(self._options), line=True)

    def _update_lines(self) -> None:
        if not self.scrollable_content_region:
            return
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        virtual_size = Size(width, len(self._options) * ROW_HEIGHT)
        if virtual_size != self.virtual_size:
            self.virtual_size = virtual_size
            self._scroll_update(virtual_size)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._options) * ROW_HEIGHT

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width
