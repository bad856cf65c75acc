"""Marking in the reader: the app-side actions behind ``m``, ``a``, ``v``,
``'`` and ``u``, and the sentence-selection mode.

:class:`MarksMixin` is mixed into :class:`tui.ui.app.CopydeskApp` (which owns
``db``, ``reader``, ``sources`` and ``current_path``). The app calls
:meth:`MarksMixin.marks_article_loaded` after loading an article into the
reading pane; the mixin re-anchors the article's marks, shows them as
highlights and keeps the source list's marks count current.

A mark is shown (highlight, "Marked" notice) only after the core committed
it, so what the reader sees has survived a crash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.core.marks import (Mark, MarkError, add_mark, delete_mark, mark_count, marks_at,
                            marks_for, reanchor, undelete_mark, update_mark)
from tui.ui.widgets.article_view import ArticleView, Highlight

if TYPE_CHECKING:
    from tui.core.model import Article

#: Highlight keys of the marks layer: ("mark", uuid) and the pending selection.
MARK_KEY = "mark"
SELECTION_KEY = ("marks", "selection")


def _mine(h: Highlight) -> bool:
    k = h.key
    return (isinstance(k, tuple) and len(k) == 2 and k[0] == MARK_KEY) or k == SELECTION_KEY


def set_layer(reader: ArticleView, highlights: list[Highlight]) -> None:
    """Replace the marks' highlights, keeping everyone else's (e.g. search hits)."""
    reader.replace_highlights(_mine, highlights)


class SentenceSelect(ModalScreen[tuple[str, int, int] | None]):
    """Select a span sentence by sentence, starting at the cursor paragraph.

    Dismisses with ``("mark" | "annotate", start, end)`` or None.
    """

    DEFAULT_CSS = """
    SentenceSelect {
        background: transparent;
        align: center bottom;
    }
    SentenceSelect > #select-bar {
        dock: bottom;
        width: 100%;
        height: auto;
        max-height: 2;
        padding: 0 1;
        background: $accent;
        color: $text;
    }
    """

    BINDINGS = [
        Binding("j,down,plus,equals_sign", "extend", "Add next sentence", key_display="j/+"),
        Binding("k,up,minus", "shrink", "Drop last sentence", key_display="k/-"),
        Binding("h,left", "start_earlier", "Start a sentence earlier", key_display="h"),
        Binding("l,right", "start_later", "Start a sentence later", key_display="l"),
        Binding("m,enter", "finish('mark')", "Mark", key_display="m"),
        Binding("a", "finish('annotate')", "Mark + note"),
        Binding("escape,v,q", "cancel", "Cancel", key_display="esc"),
    ]

    def __init__(self, reader: ArticleView) -> None:
        super().__init__()
        self.reader = reader
        # Sentences of a window of blocks: [(block, start, end)], contiguous blocks.
        block = max(0, min(int(reader.cursor), reader.block_count - 1))
        self.sentences: list[tuple[int, int, int]] = self._block_sentences(block)
        self.first = 0
        self.last = 0

    def _block_sentences(self, block: int) -> list[tuple[int, int, int]]:
        spans = self.reader.sentence_spans(block) or [self.reader.block_span(block)]
        return [(block, s, e) for s, e in spans if e > s] or [(block, *self.reader.block_span(block))]

    def compose(self) -> ComposeResult:
        yield Static(id="select-bar", markup=False)

    def on_mount(self) -> None:
        self._show()

    @property
    def span(self) -> tuple[int, int]:
        return self.sentences[self.first][1], self.sentences[self.last][2]

    def _show(self) -> None:
        start, end = self.span
        n = self.last - self.first + 1
        # What to do first (it is cut last on a narrow terminal: two lines).
        self.query_one("#select-bar", Static).update(Content(
            f"{n} sentence{'s' if n != 1 else ''} selected · m: mark · a: mark with note · "
            f"esc: cancel · j/k: more/fewer · h/l: start earlier/later"))
        marks = [h for h in self.reader.highlights if _mine(h) and h.key != SELECTION_KEY]
        set_layer(self.reader, marks + [Highlight(start, end, "search", key=SELECTION_KEY)])
        last_block = self.sentences[self.last][0]
        first_vis, last_vis = self.reader.visible_blocks()
        if not first_vis <= last_block <= last_vis:
            self.reader.scroll_to_block(last_block)

    def action_extend(self) -> None:
        if self.last + 1 >= len(self.sentences):
            block = self.sentences[-1][0] + 1
            if block >= self.reader.block_count:
                return
            self.sentences.extend(self._block_sentences(block))
        self.last += 1
        self._show()

    def action_shrink(self) -> None:
        if self.last > self.first:
            self.last -= 1
            self._show()

    def action_start_earlier(self) -> None:
        if self.first == 0:
            block = self.sentences[0][0] - 1
            if block < 0:
                return
            more = self._block_sentences(block)
            self.sentences[:0] = more
            self.first += len(more)
            self.last += len(more)
        self.first -= 1
        self._show()

    def action_start_later(self) -> None:
        if self.first < self.last:
            self.first += 1
            self._show()

    def action_finish(self, how: str) -> None:
        self._clear()
        self.dismiss((how, *self.span))

    def action_cancel(self) -> None:
        self._clear()
        self.dismiss(None)

    def _clear(self) -> None:
        set_layer(self.reader, [h for h in self.reader.highlights if _mine(h) and h.key != SELECTION_KEY])


class MarksMixin:
    """Marking actions for the app. Expects ``db``, ``reader``, ``sources``,
    ``current_path`` and ``library`` on the app."""

    #: Marks of the open article (re-anchored to its text).
    marks: list[Mark]
    #: Undo tokens of deletions made from the reading pane.
    _mark_undo: list[tuple[str, str]]

    #: App actions on the reading pane. The marks screen is a full screen, not
    #: a modal one, so the app's bindings stay live under it: without this,
    #: ``m`` there marked the hidden article's cursor paragraph, ``v`` opened
    #: sentence selection over the list, ``/`` focused a search bar nobody
    #: sees, and the footer offered those keys.
    READER_ACTIONS = frozenset({"mark", "annotate", "select_sentences", "undo_mark",
                                "marks_list", "focus_search", "same_passage",
                                "search_next", "search_previous"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Reading-pane actions only while the reading screen is on top
        (False also hides them from the footer)."""
        if action in self.READER_ACTIONS and len(self.screen_stack) > 1:
            return False
        return super().check_action(action, parameters)  # type: ignore[misc]

    @property
    def mark_undo_stack(self) -> list[tuple[str, str]]:
        """Undo tokens ``(token, path)`` of mark deletions, shared by the
        reading pane's menu and the marks screen (``u`` in either)."""
        if not hasattr(self, "_mark_undo"):
            self._mark_undo = []
        return self._mark_undo

    # -- hooks called by the app ---------------------------------------------------------

    def marks_article_loaded(self, article: "Article | None", path: str | None,
                             readable: bool = True) -> None:
        """The reading pane now shows *article* (from *path*): re-anchor its
        marks (saving new positions) and show them."""
        self._marks_path = path if (article is not None and readable) else None
        self._marks_article = article if self._marks_path else None
        self.marks = []
        if self._marks_path is not None:
            try:
                self.marks = reanchor(self.db, self._marks_path, article)
            except Exception as e:  # noqa: BLE001 - the reader must still work
                try:
                    self.marks = marks_for(self.db, self._marks_path)
                except Exception:  # noqa: BLE001
                    self.marks = []
                self.notify(Content(f"Could not update the marks' positions: {e}"),
                            severity="warning")
        self._show_marks()

    def marks_changed(self, path: str) -> bool:
        """Marks of *path* changed (e.g. in the marks screen): refresh.

        Called after the change was committed: if the marks cannot be read
        back now (database locked by another program, disk trouble), the
        reader is told the change is saved and the view may lag behind, and
        nothing crashes. Returns False then."""
        try:
            if path == getattr(self, "_marks_path", None):
                self.marks = marks_for(self.db, path)
                self._show_marks()
            count = mark_count(self.db, path)
        except Exception as e:  # noqa: BLE001 - the change itself is saved
            self._reread_failed(e)
            return False
        self._set_mark_count(path, count)
        return True

    def _reread_failed(self, error: Exception) -> None:
        self.notify(Content(f"Saved, but the marks could not be read back ({error}); "
                            f"the highlights and counts may be out of date until the "
                            f"article is opened again."), severity="warning", timeout=10)

    # -- display -------------------------------------------------------------------------

    def _show_marks(self) -> None:
        hl = [Highlight(m.start, m.end, m.color, note=bool(m.note.strip()), key=(MARK_KEY, m.uuid))
              for m in getattr(self, "marks", []) if not m.orphan]
        set_layer(self.reader, hl)

    def _set_mark_count(self, path: str, n: int) -> None:
        try:
            self.sources.update_entry(path, marks=n)
        except Exception:  # noqa: BLE001 - the list may not show this path
            pass

    def _can_mark(self) -> bool:
        if getattr(self, "_marks_path", None) is None or self._marks_article is None:
            self.notify("Open an article to mark passages.", severity="warning")
            return False
        if self.db.read_only:
            self.notify(Content(f"{self.db.path} is read-only: marks cannot be saved."),
                        severity="error")
            return False
        return True

    def _target(self) -> tuple[int, int, bool]:
        """The span to mark: the mouse selection if any, else the cursor
        paragraph. The flag is True for a selection."""
        sel = self.reader.selected_span()
        if sel is not None:
            return sel[0], sel[1], True
        s, e = self.reader.cursor_span()
        return s, e, False

    def _existing(self, start: int, end: int, selection: bool) -> Mark | None:
        """The mark that ``m``/``a`` on this target means, if any: for a
        selection, a mark covering it; for the cursor paragraph, the first
        mark in it."""
        if selection:
            from tui.core.anchor import trim_span

            text = self._marks_article.text()
            s, e = trim_span(text, start, end)
            inside = [m for m in self.marks if not m.orphan and m.start <= s and e <= m.end]
            return inside[0] if inside else None
        hits = marks_at(self.marks, start, end)
        return hits[0] if hits else None

    def _add(self, start: int, end: int, *, note: str = "") -> Mark | None:
        try:
            m = add_mark(self.db, self._marks_path, self._marks_article, start, end, note=note)
        except MarkError as e:
            self.notify(Content(str(e)), severity="warning")
            return None
        except Exception as e:  # noqa: BLE001 - not saved: say so, show nothing
            self.notify(Content(f"The mark was NOT saved: {e}"), severity="error", timeout=10)
            return None
        # Committed: only now is it shown.
        if not self.marks_changed(self._marks_path):
            # Not read back: show the new mark with the ones already known.
            self.marks = sorted([*self.marks, m], key=lambda x: (x.orphan, x.start, x.id))
            self._show_marks()
        self.screen.clear_selection()
        return m

    # -- actions ---------------------------------------------------------------------------

    def action_mark(self) -> None:
        """Mark the selection or the cursor paragraph (menu if already marked)."""
        if not self._can_mark():
            return
        start, end, selection = self._target()
        existing = self._existing(start, end, selection)
        if existing is not None:
            self._open_menu(existing, start, end, selection)
            return
        if self._add(start, end) is not None:
            self.notify("Marked.", timeout=2)

    def action_annotate(self) -> None:
        """Mark the selection or the cursor paragraph and open the note editor."""
        if not self._can_mark():
            return
        start, end, selection = self._target()
        existing = self._existing(start, end, selection)
        if existing is not None:
            self._edit_note(existing)
            return
        m = self._add(start, end)
        if m is not None:
            self._edit_note(m, new=True)

    def action_select_sentences(self) -> None:
        """Select sentence by sentence from the cursor paragraph, then mark."""
        if not self._can_mark() or self.reader.block_count == 0:
            return

        def done(result: tuple[str, int, int] | None) -> None:
            if result is None:
                return
            how, start, end = result
            m = self._add(start, end)
            if m is None:
                return
            if how == "annotate":
                self._edit_note(m, new=True)
            else:
                self.notify("Marked.", timeout=2)

        self.push_screen(SentenceSelect(self.reader), done)

    def action_marks_list(self) -> None:
        """Open the marks screen (this article; t toggles the library)."""
        from tui.ui.screens.marks import MarksScreen

        if isinstance(self.screen, MarksScreen):
            return
        self.push_screen(MarksScreen(self.db, getattr(self, "_marks_path", None)), self._jump_to_mark)

    def action_undo_mark(self) -> None:
        """Undo the last mark removal made from the reading pane."""
        undo = self.mark_undo_stack
        if not undo:
            self.notify("Nothing to undo.")
            return
        token, path = undo.pop()
        try:
            undelete_mark(self.db, token)
        except Exception as e:  # noqa: BLE001
            self.notify(Content(f"Could not undo: {e}"), severity="error")
            return
        self.marks_changed(path)
        self.notify("Mark restored.")

    # -- helpers -----------------------------------------------------------------------------

    def _open_menu(self, mark: Mark, start: int, end: int, selection: bool) -> None:
        from tui.ui.screens.mark_menu import MarkMenu

        same = (mark.start, mark.end) == (start, end)
        label = None if same else ("New mark on the selection" if selection
                                   else "New mark on the whole paragraph")

        def done(choice: str | None) -> None:
            if choice is None:
                return
            try:
                if choice.startswith("color:"):
                    update_mark(self.db, mark.uuid, color=choice.split(":", 1)[1])
                    self.marks_changed(mark.path)
                elif choice == "remove":
                    token = delete_mark(self.db, mark.uuid)
                    self.mark_undo_stack.append((token, mark.path))
                    self.marks_changed(mark.path)
                    self.notify("Mark removed. u: undo", timeout=4)
                elif choice == "note":
                    self._edit_note(mark)
                elif choice == "new":
                    if self._add(start, end) is not None:
                        self.notify("Marked.", timeout=2)
            except Exception as e:  # noqa: BLE001
                self.notify(Content(f"Could not change the mark: {e}"), severity="error")

        self.push_screen(MarkMenu(mark, new_label=label), done)

    def _edit_note(self, mark: Mark, *, new: bool = False) -> None:
        from tui.ui.screens.note import NoteEditor

        def done(note: str | None) -> None:
            if note is None:
                if new:
                    self.notify("Marked (no note).", timeout=2)
                return
            if note == mark.note:
                return
            try:
                update_mark(self.db, mark.uuid, note=note)
            except Exception as e:  # noqa: BLE001
                self.notify(Content(f"The note was NOT saved: {e}"), severity="error", timeout=10)
                return
            self.marks_changed(mark.path)
            self.notify("Note saved." if note else "Note removed.", timeout=2)

        self.push_screen(NoteEditor(mark.exact, mark.note, title="Note" if mark.note else "New note",
                                    new_mark=new), done)

    def _jump_to_mark(self, mark: Mark | None) -> None:
        """Open the mark's article and bring its passage into view."""
        if mark is None:
            return
        if mark.path != getattr(self, "_marks_path", None):
            if not self.sources.contains(mark.path):
                self.notify(Content(f"{mark.path} is not in the open library."), severity="warning")
                return
            self.open_path(mark.path)
        # Re-read: opening may have re-anchored it.
        current = next((m for m in self.marks if m.uuid == mark.uuid), mark)
        if current.orphan:
            self.notify("This mark is an orphan: its passage is no longer in the article.",
                        severity="warning")
            return
        reader = self.reader
        reader.go_to_block(reader.block_at(current.start))
        reader.focus()
