"""The menu shown by ``m`` on a marked passage: colour, note, remove.

Dismisses with the chosen action: ``"color:<name>"``, ``"note"``,
``"remove"``, ``"new"`` (mark the paragraph/selection anyway) or None.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.core.marks import COLORS, Mark
from tui.ui.screens.note import preview


class MarkMenu(ModalScreen[str | None]):
    """Change a mark's colour, edit its note, or remove it."""

    DEFAULT_CSS = """
    MarkMenu {
        align: center middle;
        background: $background 40%;
    }
    MarkMenu > Vertical {
        width: 60;
        max-width: 90%;
        height: auto;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    MarkMenu #menu-quote {
        color: $text-muted;
        text-style: italic;
        max-height: 4;
        margin-bottom: 1;
    }
    MarkMenu OptionList {
        height: auto;
        max-height: 14;
        border: none;
        padding: 0;
    }
    """

    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("1", "pick('color:yellow')", "Yellow", show=False),
        Binding("2", "pick('color:green')", "Green", show=False),
        Binding("3", "pick('color:blue')", "Blue", show=False),
        Binding("4", "pick('color:pink')", "Pink", show=False),
        Binding("5", "pick('color:purple')", "Purple", show=False),
        Binding("e", "pick('note')", "Edit note", show=False),
        Binding("x,d,delete", "pick('remove')", "Remove mark", show=False),
        Binding("n", "pick('new')", "New mark here", show=False),
    ]

    def __init__(self, mark: Mark, *, new_label: str | None = None) -> None:
        super().__init__()
        self.mark = mark
        self.new_label = new_label

    def compose(self) -> ComposeResult:
        options: list[Option] = []
        for n, colour in enumerate(COLORS, 1):
            tick = " ✓" if colour == self.mark.color else ""
            label = Content.assemble(f"{n}  ", ("■ ", f"{_swatch(colour)}"), colour + tick)
            options.append(Option(label, id="color:" + colour))
        options.append(Option(Content("e  Edit note" if self.mark.note else "e  Add a note"), id="note"))
        options.append(Option(Content("x  Remove mark"), id="remove"))
        if self.new_label:
            options.append(Option(Content("n  " + self.new_label), id="new"))
        with Vertical() as box:
            box.border_title = "Marked passage"
            box.border_subtitle = "key or Enter chooses · Esc closes"
            yield Static(Content("“" + preview(self.mark.exact, 160) + "”"), id="menu-quote")
            yield OptionList(*options, id="menu-options")

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.focus()
        ol.highlighted = COLORS.index(self.mark.color) if self.mark.color in COLORS else 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_pick(self, choice: str) -> None:
        if choice == "new" and not self.new_label:
            return
        self.dismiss(choice)

    def action_close(self) -> None:
        self.dismiss(None)


def _swatch(colour: str) -> str:
    from tui.ui.widgets.article_view import HIGHLIGHT_COLOURS

    return HIGHLIGHT_COLOURS.get(colour, "#888888")
