"""The same passage in other sources: a list of the paragraphs of other
articles that say what the cursor paragraph says, best first; ``Tab``
switches to the other articles on the same story.

Dismisses with the chosen :class:`~tui.core.search.PassageHit` or
:class:`~tui.core.search.StoryHit` (``Enter``) or None (``Esc``). All text is
shown as :class:`Content`, never markup.
"""

from __future__ import annotations

from typing import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static

from tui.ui.widgets.search_results import ResultOption, _clean, passage_prompt, source_heading

SHARED_STYLE = "bold $accent"


class SamePassageScreen(ModalScreen):
    """Passages in other articles saying the same thing."""

    DEFAULT_CSS = """
    SamePassageScreen {
        align: center middle;
    }
    SamePassageScreen > #same-box {
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
        Binding("tab", "toggle", "Same passage / same story", key_display="tab"),
        Binding("enter", "choose", "Jump there", show=False),
    ]

    def __init__(self, source: str, hits: Sequence, stories: Sequence = ()) -> None:
        super().__init__()
        self.source = source
        self.hits = list(hits)
        self.stories = list(stories)
        #: "passage" or "story": which list is shown.
        self.mode = "passage" if self.hits or not self.stories else "story"

    def compose(self) -> ComposeResult:
        with Vertical(id="same-box"):
            src = _clean(self.source)
            if len(src) > 240:
                src = src[:240] + "…"
            yield Static(Content("“" + src + "”"), id="same-source", markup=False)
            yield OptionList(id="same-list")

    def on_mount(self) -> None:
        self._fill()

    def _fill(self) -> None:
        box = self.query_one("#same-box")
        ol = self.query_one(OptionList)
        ol.clear_options()
        n, m = len(self.hits), len(self.stories)
        if self.mode == "passage":
            box.border_title = Content(f"Same passage in other sources · {n} found")
            ol.add_options([ResultOption(h, passage_prompt(h, 300)) for h in self.hits])
            other = f"Tab same story ({m})"
        else:
            box.border_title = Content(f"Same story in other sources · {m} found")
            ol.add_options([ResultOption(h, story_prompt(h)) for h in self.stories])
            other = f"Tab same passage ({n})"
        box.border_subtitle = Content(f"↑↓ choose · Enter jump there · {other} · Esc close")
        if ol.option_count:
            ol.highlighted = 0
        ol.focus()

    def action_toggle(self) -> None:
        self.mode = "story" if self.mode == "passage" else "passage"
        self._fill()

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


def story_prompt(hit) -> Content:
    """``title — outlet`` and the share of the story's names and numbers."""
    return Content.assemble(source_heading(hit),
                            Content(f"  {hit.score:.0f}% of this story's names and numbers"
                                    f" ({hit.shared} shared)").stylize("dim"))
