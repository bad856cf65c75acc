"""The marks screen (``'``): the marks of the open article, or (``t``) of
the whole library. Each row shows the colour, quote, note, article and date;
orphans (passages no longer found in their article) are shown as such.

Enter jumps to the passage; ``e`` edits the note, ``1``-``5``/``c`` change
the colour, ``d`` deletes, ``u`` undoes the last deletion, ``y`` copies the
quote with its source line. Every change is committed before it is shown.

Quotes, notes and titles are untrusted text: rows are built as ``Content``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.core.marks import (COLORS, Mark, MarkError, all_marks, article_info, delete_mark,
                            marks_for, undelete_mark, update_mark)
from tui.ui.screens.note import NoteEditor, preview
from tui.ui.widgets.footer import CopydeskFooter

if TYPE_CHECKING:
    from tui.core.db import Database


def source_line(mark: Mark, title: str, outlet: str | None = None, date: str | None = None) -> str:
    """``— Title, Outlet, date (path)``: the line copied under a quote."""
    bits = [" ".join(title.split())] + [b for b in (outlet, date) if b]
    return "— " + ", ".join(bits) + f" ({mark.path})"


def clipboard_text(mark: Mark, title: str, outlet: str | None = None, date: str | None = None) -> str:
    return f"“{mark.exact}”\n{source_line(mark, title, outlet, date)}"


class MarksScreen(Screen[Mark | None]):
    """List, edit, delete and jump to marks. Dismisses with the mark to
    jump to, or None."""

    DEFAULT_CSS = """
    MarksScreen {
        background: $surface;
    }
    MarksScreen #marks-title {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-accent;
        text-style: bold;
    }
    MarksScreen OptionList {
        height: 1fr;
        border: none;
        padding: 0 1;
        background: $surface;
    }
    MarksScreen OptionList > .option-list--option {
        padding: 0 0 1 0;
    }
    MarksScreen #marks-empty {
        padding: 1 2;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("enter", "jump", "Go to passage", show=False),
        Binding("t", "toggle_scope", "Article/library"),
        Binding("e", "edit_note", "Note"),
        Binding("c", "cycle_color", "Colour"),
        Binding("1", "set_color('yellow')", "Yellow", show=False),
        Binding("2", "set_color('green')", "Green", show=False),
        Binding("3", "set_color('blue')", "Blue", show=False),
        Binding("4", "set_color('pink')", "Pink", show=False),
        Binding("5", "set_color('purple')", "Purple", show=False),
        Binding("d,x,delete", "delete", "Delete"),
        Binding("u", "undo", "Undo delete"),
        Binding("y", "copy", "Copy quote"),
        Binding("escape,q,apostrophe", "close", "Close", key_display="esc"),
    ]

    def __init__(self, db: "Database", path: str | None, *, library: bool = False) -> None:
        super().__init__()
        self.db = db
        self.path = path
        self.library = library or path is None
        self.marks: list[Mark] = []
        self.undo_stack: list[tuple[str, str]] = []  # (token, path)

    def compose(self) -> ComposeResult:
        yield Static(id="marks-title", markup=False)
        yield OptionList(id="marks-list")
        yield Static(Content("No marks yet. In the reading pane: m marks the paragraph under "
                             "the cursor (or the selected text), v selects sentences, a adds a note."),
                     id="marks-empty")
        yield CopydeskFooter()

    def on_mount(self) -> None:
        # Share the app's undo stack (if it has one), so u still undoes a
        # deletion after this screen is closed.
        shared = getattr(self.app, "mark_undo_stack", None)
        if isinstance(shared, list):
            shared.extend(self.undo_stack)
            self.undo_stack = shared
        self.reload()
        self.query_one(OptionList).focus()

    # -- content -------------------------------------------------------------------

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#marks-list", OptionList)

    def reload(self, keep: str | None = None, *, saved: bool = False) -> bool:
        """Re-read the marks from the database and rebuild the rows.

        A database error (locked by another program, disk trouble) keeps the
        rows as they were and is said in a notice; *saved* tells that a
        change was committed just before, so the notice says it is saved.
        Returns False then."""
        ol = self.option_list
        if keep is None and ol.highlighted is not None and ol.highlighted < len(self.marks):
            keep = self.marks[ol.highlighted].uuid
        try:
            marks = all_marks(self.db) if self.library else marks_for(self.db, self.path or "")
            info = article_info(self.db, marks)
        except Exception as e:  # noqa: BLE001 - tell, keep the screen usable
            msg = (f"Saved, but the list could not be read back ({e}); it may be out of date."
                   if saved else f"Could not read the marks: {e}")
            self.notify(Content(msg), severity="warning" if saved else "error", timeout=10)
            return False
        self.marks = marks
        ol.clear_options()
        ol.add_options([Option(self._row(m, info[m.path]), id=m.uuid) for m in self.marks])
        scope = "Library" if self.library else "This article"
        n = len(self.marks)
        orphans = sum(m.orphan for m in self.marks)
        extra = f" · {orphans} orphaned" if orphans else ""
        self.query_one("#marks-title", Static).update(
            Content(f"Marks · {scope} · {n} mark{'s' if n != 1 else ''}{extra}{self._hints(n)}"))
        self.query_one("#marks-empty").display = n == 0
        ol.display = n > 0
        if n:
            index = next((i for i, m in enumerate(self.marks) if m.uuid == keep), None)
            if index is None:
                index = min(ol.highlighted or 0, n - 1) if ol.highlighted is not None else 0
            ol.highlighted = index
        return True

    def _hints(self, n: int) -> str:
        hints = (["Enter: go to it"] if n else []) + ([] if self.path is None else ["t: article/library"])
        return f"   ({' · '.join(hints)})" if hints else ""

    def _row(self, m: Mark, info) -> Content:
        from tui.ui.widgets.article_view import HIGHLIGHT_COLOURS

        swatch = HIGHLIGHT_COLOURS.get(m.color, "#888888")
        parts: list = [("█ ", swatch)]
        if m.orphan:
            parts.append(("[orphan] ", "bold $text-warning"))
        elif m.state == "fuzzy":
            parts.append(("[re-anchored] ", "$text-muted"))
        parts.append("“" + preview(m.exact, 300) + "”")
        if m.note:
            parts.append(("\n  ✎ " + preview(m.note, 300), "$text-accent"))
        meta = [" ".join(info.title.split()), info.date or "", m.color, "marked " + m.created[:10]]
        parts.append(("\n  " + " · ".join(x for x in meta if x), "$text-muted"))
        return Content.assemble(*parts)

    @property
    def current(self) -> Mark | None:
        i = self.option_list.highlighted
        if i is None or not (0 <= i < len(self.marks)):
            return None
        return self.marks[i]

    def _changed(self, path: str) -> None:
        """Tell the app (highlights, marks count) that *path*'s marks changed."""
        hook = getattr(self.app, "marks_changed", None)
        if hook is not None:
            hook(path)

    # -- actions ---------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_jump()

    def action_jump(self) -> None:
        m = self.current
        if m is not None:
            self.dismiss(m)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_toggle_scope(self) -> None:
        if self.path is None:
            self.notify("No article is open: showing the whole library.")
            return
        self.library = not self.library
        if not self.reload(keep=self.current.uuid if self.current else None):
            self.library = not self.library  # still showing the other scope

    def action_edit_note(self) -> None:
        m = self.current
        if m is None:
            return

        def done(note: str | None) -> None:
            if note is None or note == m.note:
                return
            try:
                update_mark(self.db, m.uuid, note=note)
            except (MarkError, Exception) as e:  # noqa: BLE001 - tell, keep going
                self.notify(Content(f"Could not save the note: {e}"), severity="error")
                return
            self.reload(keep=m.uuid, saved=True)
            self._changed(m.path)
            self.notify("Note saved." if note else "Note removed.")

        self.app.push_screen(NoteEditor(m.exact, m.note), done)

    def action_set_color(self, colour: str) -> None:
        m = self.current
        if m is None or m.color == colour:
            return
        try:
            update_mark(self.db, m.uuid, color=colour)
        except Exception as e:  # noqa: BLE001
            self.notify(Content(f"Could not change the colour: {e}"), severity="error")
            return
        self.reload(keep=m.uuid, saved=True)
        self._changed(m.path)

    def action_cycle_color(self) -> None:
        m = self.current
        if m is not None:
            i = COLORS.index(m.color) if m.color in COLORS else -1
            self.action_set_color(COLORS[(i + 1) % len(COLORS)])

    def action_delete(self) -> None:
        m = self.current
        if m is None:
            return
        try:
            token = delete_mark(self.db, m.uuid)
        except Exception as e:  # noqa: BLE001
            self.notify(Content(f"Could not delete the mark: {e}"), severity="error")
            return
        self.undo_stack.append((token, m.path))
        self.reload(saved=True)
        self._changed(m.path)
        self.notify("Mark deleted. u: undo")

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("Nothing to undo.")
            return
        token, path = self.undo_stack.pop()
        try:
            m = undelete_mark(self.db, token)
        except Exception as e:  # noqa: BLE001
            self.notify(Content(f"Could not undo: {e}"), severity="error")
            return
        self.reload(keep=m.uuid, saved=True)
        self._changed(path)
        self.notify("Mark restored.")

    def action_copy(self) -> None:
        m = self.current
        if m is None:
            return
        try:
            info = article_info(self.db, [m])[m.path]
        except Exception as e:  # noqa: BLE001
            self.notify(Content(f"Could not read the article's details: {e}"), severity="error")
            return
        self.app.copy_to_clipboard(clipboard_text(m, info.title, info.outlet, info.date))
        # OSC 52: the terminal sets the clipboard, if it allows programs to.
        self.notify("Quote and source line sent to the clipboard (if your terminal allows it).")
