"""The note editor: a multi-line note on a mark. Ctrl+S saves, Esc cancels.

Dismisses with the note text, or None when cancelled. The quote shown above
the editor is article text: it is rendered as ``Content``, never as markup.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

#: Characters of the quote shown above the editor.
QUOTE_PREVIEW = 240


def preview(quote: str, limit: int = QUOTE_PREVIEW) -> str:
    q = " ".join(quote.split())
    return q if len(q) <= limit else q[: limit - 1] + "…"


class NoteEditor(ModalScreen[str | None]):
    """Edit the note of a mark."""

    DEFAULT_CSS = """
    NoteEditor {
        align: center middle;
        background: $background 50%;
    }
    NoteEditor > Vertical {
        width: 80%;
        max-width: 90;
        height: auto;
        max-height: 80%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    NoteEditor #note-quote {
        color: $text-muted;
        text-style: italic;
        margin-bottom: 1;
        max-height: 6;
    }
    NoteEditor TextArea {
        height: 10;
        max-height: 30vh;
        min-height: 3;
    }
    NoteEditor #note-help {
        color: $text-muted;
        margin-top: 1;
    }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save note", priority=True),
        Binding("escape", "cancel", "Cancel", priority=True),
    ]

    #: What Ctrl+S and Esc do, under the editor.
    HINT = "Ctrl+S save · Esc cancel (the note stays as it was)"
    #: ... when the mark was just made for this note (Esc keeps the mark).
    NEW_MARK_HINT = "Ctrl+S save the note · Esc no note (the passage stays marked)"

    def __init__(self, quote: str, note: str = "", *, title: str = "Note",
                 new_mark: bool = False) -> None:
        super().__init__()
        self.quote = quote
        self.note = note
        self.heading = title
        self.hint = self.NEW_MARK_HINT if new_mark else self.HINT

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.heading
            yield Static(Content("“" + preview(self.quote) + "”"), id="note-quote")
            yield TextArea(self.note, id="note-text", soft_wrap=True, show_line_numbers=False,
                           tab_behavior="focus")
            yield Static(Content(self.hint), id="note-help")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def action_save(self) -> None:
        # Ctrl+S is a priority binding: it runs as soon as the key arrives,
        # while keys typed (or pasted) just before it may still wait in the
        # text area's queue. Read the text after the area has handled them,
        # or the end of the note would be lost.
        if getattr(self, "_saving", False):
            return
        self._saving = True
        self.query_one(TextArea).call_later(self._finish_save)

    def _finish_save(self) -> None:
        if self.is_current:
            self.dismiss(self.text.strip())

    def action_cancel(self) -> None:
        if getattr(self, "_saving", False):
            return  # Ctrl+S came first
        self.dismiss(None)
