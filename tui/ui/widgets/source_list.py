"""The source list: one two-line row per library entry.

A virtualised :class:`~textual.widgets.OptionList`: rows are built lazily
(only rows that are painted get their ``Content``), and since every row is
exactly :data:`ROW_HEIGHT` lines tall the line bookkeeping is arithmetic
instead of measuring every option, so 100k entries fill the list in a
fraction of a second.

Titles, outlets and file names are untrusted: they only ever go into
``Content(...)`` (plain text), never into markup.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.core.library import Entry

#: Every row is a title line and a details line.
ROW_HEIGHT = 2
UNREAD = "●"
MARKS = "✎"
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
    parts: list = [("  ", ""), (details, "dim")]
    if entry.marks:
        parts += [("  ", ""), (f"{MARKS}{entry.marks}", "$warning")]
    return Content.assemble(line1, "\n", Content.assemble(*parts))


class EntryOption(Option):
    """An option whose prompt is built from its entry on first use."""

    def __init__(self, entry: Entry) -> None:
        super().__init__("", id=None)
        self.entry = entry
        self._built = False

    @property
    def prompt(self) -> Content:  # type: ignore[override]
        if not self._built:
            self._prompt = row_content(self.entry)
            self._built = True
        return self._prompt  # type: ignore[return-value]


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
        self.entries: list[Entry] = []
        self._all_options: list[EntryOption] = []
        self._query = ""

    # -- data ----------------------------------------------------------------

    def set_entries(self, entries: Iterable[Entry], *, keep: str | None = None) -> None:
        """Replace the rows; keep the highlight on path *keep* (or the current one)."""
        keep = keep if keep is not None else self.highlighted_path
        self.entries = list(entries)
        self._all_options = [EntryOption(e) for e in self.entries]
        self._apply(keep)

    def set_filter(self, query: str) -> None:
        """Show only entries whose title contains *query* (case-insensitive)."""
        query = query.strip().casefold()
        if query == self._query:
            return
        self._query = query
        self._apply(self.highlighted_path)

    @property
    def query(self) -> str:
        return self._query

    def _visible_options(self) -> list[EntryOption]:
        q = self._query
        if not q:
            return self._all_options
        return [o for o in self._all_options if q in o.entry.title.casefold()]

    def _apply(self, keep: str | None) -> None:
        options = self._visible_options()
        self.set_options(options)
        index = 0
        if keep is not None:
            for i, o in enumerate(options):
                if o.entry.path == keep:
                    index = i
                    break
        if options:
            self.highlighted = index
            self.call_after_refresh(self.scroll_to_highlight)

    @property
    def visible_entries(self) -> list[Entry]:
        return [o.entry for o in self._options]  # type: ignore[attr-defined]

    @property
    def highlighted_entry(self) -> Entry | None:
        opt = self.highlighted_option
        return opt.entry if isinstance(opt, EntryOption) else None

    @property
    def highlighted_path(self) -> str | None:
        e = self.highlighted_entry
        return e.path if e else None

    def highlight_path(self, path: str) -> bool:
        for i, o in enumerate(self._options):
            if isinstance(o, EntryOption) and o.entry.path == path:
                self.highlighted = i
                return True
        return False

    def update_entry(self, path: str, **changes) -> None:
        """Change one entry's fields (e.g. ``read=True``) and repaint its row."""
        for o in self._all_options:
            if o.entry.path == path:
                for k, v in changes.items():
                    setattr(o.entry, k, v)
                o._built = False
                o._visual = None
                self._option_render_cache.clear()
                self.refresh()
                return

    # -- selection -------------------------------------------------------------

    def action_select(self) -> None:
        option = self.highlighted_option
        if self.on_select is not None and isinstance(option, EntryOption):
            self.on_select(option.entry)
        else:
            super().action_select()

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option = event.option
        if isinstance(option, EntryOption):
            self.post_message(self.EntrySelected(self, option.entry))

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
