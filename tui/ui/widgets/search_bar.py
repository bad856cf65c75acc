"""The search bar (basic version: filters the source list by title).

The search issue replaces this with fuzzy title and passage search. The app
listens for ``Input.Changed`` and ``Input.Submitted`` (Enter) from the bar
(id ``search``) and for :class:`SearchBar.Dismissed` (Esc).
"""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class SearchBar(Input):
    """One-line query input. ``/`` (an app binding) focuses it; Esc leaves."""

    BINDINGS = [
        Binding("escape", "dismiss", "Back to reading"),
    ]

    class Dismissed(Message):
        """Esc pressed: the app returns focus to the reading pane."""

    def __init__(self, *, id: str | None = "search") -> None:
        super().__init__(placeholder="/ filter titles  (Enter opens the first, Esc returns)",
                         id=id, compact=True)

    def action_dismiss(self) -> None:
        self.post_message(self.Dismissed())
