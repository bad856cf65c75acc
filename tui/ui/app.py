"""copydesk's Textual application: search bar, source list, reading pane.

Start-up is built to paint fast: the constructor opens the database; on
mount the source list is filled from the index and the last-read article
(or the first) is opened; only after that first paint does a thread worker
run :meth:`Library.scan`, posting progress messages that refresh the list.

Untrusted text (titles, article text, file names) only ever reaches the
screen as ``Content``/``Text`` objects, never as markup.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Iterable

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Static
from textual.worker import get_current_worker

from tui.core.db import Database, DatabaseError, DatabaseReadOnly
from tui.core.library import Entry, Library, ReadingState, get_state, last_opened, save_state
from tui.core.listing import Listing
from tui.core.model import PARAGRAPH, Article, ArticleError, Block
from tui.ui.widgets.footer import CopydeskFooter
from tui.ui.widgets.search_bar import SearchBar
from tui.ui.widgets.source_list import SourceList

from tui.ui.widgets.article_view import ArticleView
# --- marks (marks engineer) ---
from tui.ui.marking import MarksMixin
# --- end marks ---
# --- search (search engineer) ---
from tui.ui.searching import SearchMixin
# --- end search ---

#: bench/bench_startup.py sets this to a file name: write the CPU time at the
#: first paint there and exit.
BENCH_ENV = "COPYDESK_BENCH_EXIT"
#: Settings keys in the database.
THEME_SETTING = "theme"
#: Seconds of quiet after a cursor move before the reading state is saved.
SAVE_DELAY = 0.6
#: While scanning, the source list is refreshed at most this often (seconds).
LIST_REFRESH_INTERVAL = 1.0
#: Scan progress messages are posted at most this often (seconds).
PROGRESS_INTERVAL = 0.1


class ScanProgress(Message):
    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


class ScanFinished(Message):
    def __init__(self, report=None, error: str | None = None) -> None:
        super().__init__()
        self.report = report
        self.error = error


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with the real stderr.

    The library's process pool (spawn start method, used from this worker
    thread) starts the tracker on first use and passes it
    ``sys.stderr.fileno()``; while Textual runs, ``sys.stderr`` is a capture
    object whose ``fileno()`` is -1, and the pool fails with "bad value(s) in
    fds_to_keep". Starting the tracker here, with the real stderr, avoids it.
    """
    import sys
    from multiprocessing import resource_tracker

    if getattr(getattr(resource_tracker, "_resource_tracker", None), "_fd", None) is not None:
        return  # already running: no need to touch sys.stderr
    saved = sys.stderr
    try:
        if sys.__stderr__ is not None:
            sys.stderr = sys.__stderr__
        resource_tracker.ensure_running()
    except Exception:  # noqa: BLE001 - the pool will report its own error
        pass
    finally:
        sys.stderr = saved


def placeholder_article(title: str, message: str) -> Article:
    """An article-shaped message for the reading pane (e.g. a non-article file)."""
    return Article(title=title, blocks=[Block(PARAGRAPH, message)])


def _copydesk_commands():
    """The palette provider, imported when the palette first opens."""
    from tui.ui.commands import CopydeskCommands

    return CopydeskCommands


def progress_bar(done: int, total: int, width: int = 12) -> str:
    """A text progress bar, e.g. ``━━━━━━╺─────``."""
    filled = round(width * done / total) if total else 0
    return "━" * filled + ("╺" if filled < width else "") + "─" * max(0, width - filled - 1)


#: Terminals narrower than this get the narrow source list.
WIDE_FROM = 100
SIDEBAR_WIDE, SIDEBAR_NARROW = 38, 30


def sidebar_width(terminal_width: int) -> int:
    return SIDEBAR_WIDE if terminal_width >= WIDE_FROM else SIDEBAR_NARROW


class MainPanes(Horizontal):
    """Source list and reading pane; the list narrows on narrow terminals.

    (Set here as an inline width rather than with Textual's breakpoint
    classes on the screen, which restyle every widget when they first apply:
    a few milliseconds of start-up.)"""

    def on_resize(self, event) -> None:
        width = sidebar_width(self.app.size.width)
        sidebar = self.query_one("#sidebar")
        if sidebar.styles.width is None or sidebar.styles.width.value != width:
            sidebar.styles.width = width


class CopydeskApp(SearchMixin, MarksMixin, App[int]):
    """The copydesk reader."""

    CSS_PATH = "copydesk.tcss"
    TITLE = "copydesk"
    COMMANDS = App.COMMANDS | {_copydesk_commands}

    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Keys", key_display="?"),
        Binding("slash", "focus_search", "Search", key_display="/"),
        Binding("tab", "focus_next", "Next pane", show=False),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False),
        Binding("ctrl+r", "rescan", "Rescan library", show=False),
        # --- marks (marks engineer) ---
        Binding("m", "mark", "Mark"),
        Binding("a", "annotate", "Mark + note"),
        Binding("v", "select_sentences", "Select sentences to mark", show=False),
        Binding("apostrophe", "marks_list", "Marks", key_display="'"),
        Binding("u", "undo_mark", "Undo mark removal", show=False),
        # --- end marks ---
        # --- search (search engineer) ---
        Binding("s", "same_passage", "Same passage elsewhere"),
        Binding("n", "search_next", "Next search hit", show=False),
        Binding("N", "search_previous", "Previous search hit", show=False),
        # --- end search ---
    ]

    def __init__(self, roots: Iterable[str | os.PathLike[str]] | None = None,
                 home: str | os.PathLike[str] | None = None) -> None:
        super().__init__()
        if roots is None:
            from tui.core.library import bundled_data_dir

            roots = [bundled_data_dir()]
        self.roots = [Path(r) for r in roots]
        self.home = home
        # Raises DatabaseError (a clear one-line message) before the UI starts.
        self.db = Database.open(home)
        self.library = Library(self.db, self.roots)
        #: The source list's rows: a windowed SQL view (tui.core.listing).
        self.listing = Listing(self.db, self.roots)
        self.current_path: str | None = None
        self._save_timer = None
        self._readonly_warned = False
        self._save_warned = False
        self._last_list_refresh = 0.0
        self._list_refresh_interval = LIST_REFRESH_INTERVAL
        self._scanning = False
        self._scan_progress: tuple[int, int] | None = None
        self._rescan_after_load = False
        theme = self.db.get_setting(THEME_SETTING)
        if theme and theme in self.available_themes:
            self.theme = theme

    # -- layout ------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        screen = super().get_default_screen()
        # Start in the reading pane. (Textual's default, the first focusable
        # widget, is the search bar, whose focus starts building the search
        # index.) Other screens keep the default.
        screen.AUTO_FOCUS = "#reader"
        return screen

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="≡")
        yield SearchBar()
        with MainPanes(id="main"):
            with Vertical(id="sidebar") as sidebar:
                sidebar.styles.width = sidebar_width(self.size.width)
                yield SourceList(id="sources",
                                 on_select=lambda e: self.open_path(e.path, focus=True))
                yield Static(id="library-status", markup=False)
            yield ArticleView(id="reader")
        yield CopydeskFooter(compact=True)

    @property
    def sources(self) -> SourceList:
        return self.query_one("#sources", SourceList)

    @property
    def reader(self) -> ArticleView:
        return self.query_one("#reader", ArticleView)

    @property
    def entries(self) -> list[Entry]:
        """Every entry of the library (one Python object per article, built
        on first use and kept until the list changes: for the palette; the
        source list itself reads rows by window)."""
        return self.sources.entries

    # -- start-up ------------------------------------------------------------------

    def on_mount(self) -> None:
        # Paint the last-read article first; the list (one query over the
        # whole library, big for big libraries) fills in right after.
        path = last_opened(self.db)
        if path is not None and self.listing.contains(path):  # (one indexed row)
            self.open_path(path)
        else:
            self.reader.load(None)
        self._update_status()
        bench = bool(os.environ.get(BENCH_ENV))
        if bench:  # bench/bench_startup.py: stop at the first paint of the article
            self.call_after_refresh(self._bench_exit)
        self.call_after_refresh(self._load_entries)
        self.reader.focus()
        self.theme_changed_signal.subscribe(self, self._on_theme_changed)
        if self.db.moved_aside:
            self.notify(Content(f"The database was damaged. It was moved aside to "
                                f"{self.db.moved_aside} (kept, not deleted) and a fresh one "
                                f"was started."),
                        title="Database", severity="warning", timeout=20)
        if self.db.read_only:
            self._warn_readonly()
        # Index new and changed files only after the list is painted (the
        # scan's walk, a Python loop over every file, would otherwise hold
        # the GIL while the list fills).
        self._rescan_after_load = not bench and not self.db.read_only

    def _bench_exit(self) -> None:
        """bench/bench_startup.py: record CPU and wall time at the first paint, exit."""
        with open(os.environ[BENCH_ENV], "a", encoding="utf-8") as f:
            f.write(f"{time.process_time():.6f} {time.time():.6f}\n")
        self.exit(0)

    def _load_entries(self) -> None:
        self.sources.set_listing(self.listing, keep=self.current_path)
        if self.current_path is not None and self.listing.contains(self.current_path):
            self.sources.update_entry(self.current_path, read=True)
        else:
            first = self.listing.first_ok()
            if first is not None:
                self.open_path(first.path)
        self._update_status()
        if self._rescan_after_load:
            self._rescan_after_load = False
            self.call_after_refresh(self.action_rescan)

    # -- opening articles ------------------------------------------------------------

    def _entry(self, path: str) -> Entry | None:
        return self.listing.entry(path)

    def open_path(self, path: str, *, focus: bool = False) -> None:
        """Show the article at *path*, restoring its cursor and scroll."""
        if self.current_path is not None and self.current_path != path:
            self._save_current_state()
        entry = self._entry(path)
        name = os.path.basename(path)
        readable = True
        try:
            state = get_state(self.db, path)
            if entry is not None and not entry.ok:
                raise ArticleError(entry.error or entry.status, path)
            article = self.library.article(path)
        except ArticleError as e:
            article = placeholder_article(name, f"{name} is not a readable article: {e.reason}.")
            state = ReadingState(path)
            readable = False
        except Exception as e:  # noqa: BLE001 - a damaged index row or database
            article = placeholder_article(name, f"{name} could not be loaded from the "
                                                f"library index: {e}. Ctrl+R rescans.")
            state = ReadingState(path)
            readable = False
        self.current_path = path
        self.reader.load(article, cursor=state.cursor, scroll_y=state.scroll)
        self.marks_article_loaded(article, path, readable)  # marks engineer
        self.sub_title = article.title.replace("\n", " ")
        self.sources.highlight_path(path)
        state.read = True
        self._save_state(state)
        self.sources.update_entry(path, read=True)
        self._update_status()
        if focus:
            self._focus_now(self.reader)

    def _current_state(self) -> ReadingState | None:
        if self.current_path is None:
            return None
        # The save timer can fire while the app shuts down, after the
        # screen (and the reading pane) is gone: nothing left to save then.
        readers = self.query("#reader").results(ArticleView)
        reader = next(readers, None)
        if reader is None:
            return None
        return ReadingState(self.current_path, read=True, cursor=int(reader.cursor),
                            scroll=float(reader.scroll_y))

    def _save_state(self, state: ReadingState) -> None:
        if self.db.read_only:
            return
        try:
            save_state(self.db, state)
        except DatabaseReadOnly:
            self._warn_readonly()
        except Exception as e:  # disk full, locked, damaged: tell once, keep reading
            self._warn_save_failed(e)

    def _warn_save_failed(self, error: Exception) -> None:
        if not self._save_warned:
            self._save_warned = True
            self.notify(Content(f"Could not save the reading position: {error}"),
                        title="Database", severity="error", timeout=10)

    def _save_current_state(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        state = self._current_state()
        if state is not None:
            self._save_state(state)

    def _warn_readonly(self) -> None:
        if not self._readonly_warned:
            self._readonly_warned = True
            why = getattr(self.db, "read_only_reason", None)
            self.notify(Content(f"{self.db.path} is read-only{f' ({why})' if why else ''}: "
                                f"reading positions and settings will not be saved."),
                        title="Database", severity="warning", timeout=10)

    @on(SourceList.Filtered)
    def _on_sources_filtered(self) -> None:
        self._update_status()

    @on(ArticleView.CursorMoved)
    def _on_cursor_moved(self, event) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self._save_current_state)

    # -- search bar (basic: filters titles) ----------------------------------------------

    @on(Input.Changed, "#search")
    def _on_search_changed(self, event: Input.Changed) -> None:
        self.search_changed(event.value)  # search engineer: fuzzy titles / passages

    @on(Input.Submitted, "#search")
    def _on_search_submitted(self, event: Input.Submitted) -> None:
        if self.search_submitted():  # search engineer: opened a search result
            return
        self.sources.flush_filter()  # Enter right after typing: the matches of what was typed
        visible = self.sources.visible_entries
        if len(visible):
            self.open_path(visible[0].path, focus=True)
        else:
            self.notify("No title matches the filter.", severity="warning")

    @on(SearchBar.Dismissed)
    def _on_search_dismissed(self) -> None:
        self.search_dismissed()  # search engineer: hide the results
        self._focus_now(self.reader)

    # -- focus: Tab / Shift+Tab move between the two panes ------------------------------------

    def _focus_now(self, widget) -> None:
        """Focus at once (``Widget.focus`` waits a turn, so keys typed right
        after Tab or Enter would still go to the old widget)."""
        widget.screen.set_focus(widget)

    def _cycle_panes(self, step: int) -> bool:
        """On the main screen, move focus between source list and reading pane."""
        if len(self.screen_stack) != 1:
            return False  # a modal screen: its own focus chain
        panes = [self.sources, self.reader]
        focused = self.focused
        if focused in panes:
            self._focus_now(panes[(panes.index(focused) + step) % len(panes)])
        else:  # e.g. from the search bar
            self._focus_now(panes[0] if step > 0 else panes[-1])
        return True

    def action_focus_next(self) -> None:
        if not self._cycle_panes(1):
            super().action_focus_next()

    def action_focus_previous(self) -> None:
        if not self._cycle_panes(-1):
            super().action_focus_previous()

    def action_focus_search(self) -> None:
        self._focus_now(self.query_one(SearchBar))

    # -- library scanning ------------------------------------------------------------------

    def action_rescan(self) -> None:
        """Index new and changed files in a background thread."""
        if self.db.read_only:
            self._readonly_warned = False
            self._warn_readonly()
            return
        self._scanning = True
        self.query_one("#sidebar").add_class("scanning")
        self._update_status()
        self._scan()

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def _scan(self) -> None:
        worker = get_current_worker()
        last = 0.0

        def progress(done: int, total: int, path: str) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_INTERVAL or done == total:
                last = now
                self.post_message(ScanProgress(done, total))

        try:
            db = Database.open(self.home)  # one connection per thread
        except DatabaseError as e:
            self.post_message(ScanFinished(error=str(e)))
            return
        try:
            _start_resource_tracker()
            report = Library(db, self.roots).scan(progress=progress,
                                                  stop=lambda: worker.is_cancelled)
        except DatabaseError as e:
            self.post_message(ScanFinished(error=str(e)))
            return
        except Exception as e:  # noqa: BLE001 - shown to the user, the reader keeps working
            self.post_message(ScanFinished(error=f"{type(e).__name__}: {e}"))
            return
        finally:
            db.close()
        if worker.is_cancelled:
            return
        self.post_message(ScanFinished(report))

    def on_scan_progress(self, message: ScanProgress) -> None:
        self._scan_progress = (message.done, message.total)
        self._update_status()
        now = time.monotonic()
        if now - self._last_list_refresh >= self._list_refresh_interval:
            self._refresh_entries()
            # Big libraries: refreshing costs more, so refresh less often
            # (the main thread stays at most ~1/8 busy with it).
            cost = time.monotonic() - now
            self._list_refresh_interval = max(LIST_REFRESH_INTERVAL, 8 * cost)
            self._last_list_refresh = time.monotonic()

    def on_scan_finished(self, message: ScanFinished) -> None:
        self._scanning = False
        self._scan_progress = None
        self.query_one("#sidebar").remove_class("scanning")
        if message.error:
            self.notify(Content(f"Indexing failed: {message.error}"), title="Library",
                        severity="error", timeout=10)
        self._refresh_entries()
        report = message.report
        if report is not None and report.failed:
            n = len(report.failed)
            self.notify(Content(f"{n} file{'s' if n != 1 else ''} could not be read as "
                                f"articles (dimmed in the list)."),
                        title="Library", severity="warning")
        if report is not None and self.current_path is not None and report.indexed:
            # The open article may have changed on disk: reload it in place.
            entry = self._entry(self.current_path)
            if entry is not None and entry.ok:
                reader = self.reader
                try:
                    article = self.library.article(self.current_path)
                except ArticleError:
                    article = None
                if article is not None and article != reader.article:
                    reader.load(article, cursor=int(reader.cursor), scroll_y=float(reader.scroll_y))
                    self.marks_article_loaded(article, self.current_path)  # marks engineer
                    self.sub_title = article.title.replace("\n", " ")

    def _refresh_entries(self) -> None:
        sources = self.sources
        if sources.listing is None:
            sources.set_listing(self.listing, keep=self.current_path)
        else:
            sources.reload(keep=sources.highlighted_path or self.current_path)
        if self.current_path is None:
            first = self.listing.first_ok()
            if first is not None:
                self.open_path(first.path)
        self._update_status()

    def _update_status(self) -> None:
        listing = self.sources.listing
        if listing is None:  # start-up: the list is filled right after the first paint
            text = ""
        else:
            total, n = listing.totals()
            text = f"{n} article{'s' if n != 1 else ''} · {listing.unread()} unread"
            if listing.query:
                text = f"{listing.count()} of {total} shown"
        scan = self._scan_progress
        if self._scanning and scan is not None and scan[0] < scan[1]:
            text = f"Indexing {progress_bar(*scan)} {scan[0]}/{scan[1]}"
        elif self._scanning:
            text = f"{text} · indexing…" if text else "indexing…"
        self.query_one("#library-status", Static).update(Content(text))

    # -- other actions ---------------------------------------------------------------------

    def action_help(self) -> None:
        from tui.ui.screens.help import HelpScreen, collect_bindings

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(collect_bindings(self, self.screen)))

    def action_toggle_removed(self) -> None:
        reader = self.reader
        reader.show_removed = not reader.show_removed

    def action_export_marks(self, fmt: str = "markdown", library: bool = False) -> None:
        """Export the open article's marks (or, with *library* or no article
        open, the library's) to a new file in *fmt*; say where."""
        from tui.core.marks import export_file

        try:
            target = export_file(self.db, article=None if library else self.current_path, fmt=fmt)
        except Exception as e:  # noqa: BLE001 - any failure is reported, not raised
            self.notify(Content(f"Export failed: {e}"), severity="error")
            return
        self.notify(Content(f"Marks exported to {target}"), title="Marks")

    def _on_theme_changed(self, theme) -> None:
        if self.db.read_only:
            return
        try:
            self.db.set_setting(THEME_SETTING, self.theme)
        except DatabaseReadOnly:
            self._warn_readonly()
        except Exception as e:  # noqa: BLE001
            self._warn_save_failed(e)

    async def action_quit(self) -> None:
        self._save_current_state()
        self.exit(0)
