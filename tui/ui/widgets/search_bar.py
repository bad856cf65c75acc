"""The search bar: fuzzy title search, or passage search with a leading ``>``.

Typing ranks articles by title, outlet and author. A query starting with
``>`` (``Tab`` adds or removes it) searches every paragraph instead; the bar
changes colour and the results panel says which mode is on. ``Up``/``Down``
choose a result (posted as :class:`SearchBar.Move`), ``Enter`` opens it
(``Input.Submitted``), ``Esc`` leaves (:class:`SearchBar.Dismissed`).

The app listens for ``Input.Changed`` and ``Input.Submitted`` from the bar
(id ``search``) and for the two messages below.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

PASSAGE_PREFIX = ">"

TITLE_PLACEHOLDER = "/ search titles, outlets, authors   (Tab or > : search passages · Esc: back)"
PASSAGE_PLACEHOLDER = "> search every paragraph   (Tab: titles · Esc: back)"


def split_query(value: str) -> tuple[bool, str]:
    """``(passages, query)`` from the bar's text."""
    v = value.lstrip()
    if v.startswith(PASSAGE_PREFIX):
        return True, v[len(PASSAGE_PREFIX):].strip()
    return False, value.strip()


class SearchBar(Input):
    """One-line query input. ``/`` (an app binding) focuses it; Esc leaves."""

    BINDINGS = [
        Binding("escape", "dismiss", "Back to reading"),
        Binding("enter", "submit", "Open the chosen result", show=False),
        Binding("tab", "toggle_mode", "Titles / passages", key_display="tab"),
        Binding("down", "move(1)", "Next result", show=False),
        Binding("up", "move(-1)", "Previous result", show=False),
        Binding("pagedown", "move(10)", "Results page down", show=False),
        Binding("pageup", "move(-10)", "Results page up", show=False),
    ]

    class Dismissed(Message):
        """Esc pressed: the app returns focus to the reading pane."""

    class Focused(Message):
        """The bar got focus (the app may start building its search index)."""

    class Move(Message):
        """Up/Down: move the highlighted result by ``delta``."""

        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    def __init__(self, *, id: str | None = "search") -> None:
        super().__init__(placeholder=TITLE_PLACEHOLDER, id=id, compact=True)

    @property
    def passages(self) -> bool:
        return split_query(self.value)[0]

    def watch_value(self, value: str) -> None:
        passages = split_query(value)[0]
        self.set_class(passages, "-passages")
        self.placeholder = PASSAGE_PLACEHOLDER if passages else TITLE_PLACEHOLDER

    def set_mode(self, passages: bool) -> None:
        """Switch to passage (``>``) or title search, keeping the words."""
        words = split_query(self.value)[1]
        self.value = f"{PASSAGE_PREFIX} {words}" if passages else words
        self.cursor_position = len(self.value)

    def _on_focus(self, event) -> None:
        super()._on_focus(event)
        self.post_message(self.Focused())

    def action_toggle_mode(self) -> None:
        self.set_mode(not self.passages)

    def action_move(self, delta: int) -> None:
        self.post_message(self.Move(delta))

    def action_dismiss(self) -> None:
        self.post_message(self.Dismissed())
