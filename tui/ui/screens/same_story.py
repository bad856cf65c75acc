"""The same passage in other sources: a list of the paragraphs of other
articles that say what the cursor paragraph says, best first.

Dismisses with the chosen :class:`~tui.core.search.PassageHit` (``Enter``)
or None (``Esc``). All text is shown as :class:`Content`, never markup.
"""

from __future__ import annotations

from typing import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static

from tui.ui.widgets.search_results import ResultOption, _clean, passage_prompt

SHARED_STYLE = "bold $accent"


class SamePassageScreen(ModalScreen):
    """Passages in other articles saying the same thing."""

    DEFAULT_CSS = """
    SamePassageScreen {
        align: center middle;
    }
    SamePassageScreen > Vertical {
        width: 90%;
        max-width: 120;
        height: auto;
        max-height: 85%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    SamePassageScreen #same-source {
        color: $text-muted;
        height: auto;
        max-height: 4;
        margin: 0 0 1 0;
    }
    SamePassageScreen OptionList {
        height: auto;
        max-height: 30;
        border: none;
    }
    SamePassageScreen OptionList > .option-list--option {
        padding: 0 0 1 0;
    }
    """

    BINDINGS = [
        Binding("escape,q,s", "cancel", "Close"),
        Binding("enter", "choose", "Jump there", show=False),
    ]

    def __init__(self, source: str, hits: Sequence) -> None:
        super().__init__()
        self.source = source
        self.hits = list(hits)

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            n = len(self.hits)
            box.border_title = Content(f"Same passage in other sources · {n} found")
            box.border_subtitle = Content("↑↓ choose · Enter jump there · Esc close")
            src = _clean(self.source)
            if len(src) > 240:
                src = src[:240] + "…"
            yield Static(Content("“" + src + "”"), id="same-source", markup=False)
            ol = OptionList(*[ResultOption(h, passage_prompt(h, 300)) for h in self.hits],
                            id="same-list")
            yield ol

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        if self.hits:
            ol.highlighted = 0
        ol.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(getattr(event.option, "hit", None))

    def action_choose(self) -> None:
        ol = self.query_one(OptionList)
        if ol.highlighted is None:
            return
        self.dismiss(getattr(ol.get_option_at_index(ol.highlighted), "hit", None))

    def action_cancel(self) -> None:
        self.dismiss(None)
