"""The help screen: every key binding of the app, its screens and widgets.

Bindings are collected from the live DOM (the app, the screen below the help
screen and every widget on it), so new bindings added by any widget show up
here without editing this file.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

#: Friendly names for the places bindings come from (class name -> heading).
GROUP_NAMES = {
    "CopydeskApp": "Everywhere",
    "MainScreen": "Everywhere",
    "Screen": "Everywhere",
    "SourceList": "Source list",
    "ArticleView": "Reading pane",
    "SearchBar": "Search bar",
}

#: Bindings of Textual's own widgets that add nothing for a reader.
_SKIP_ACTIONS = {"help_quit", "command_palette"}

MOUSE_HELP = [
    ("click", "a source: open it; a paragraph: move the cursor there"),
    ("wheel", "scroll the pane under the pointer"),
    ("drag", "select text in the reading pane"),
]


@dataclass
class HelpRow:
    group: str
    keys: list[str]
    description: str
    action: str


def _group_name(node: DOMNode) -> str:
    for cls in type(node).__mro__:
        if cls.__name__ in GROUP_NAMES:
            return GROUP_NAMES[cls.__name__]
    return type(node).__name__


def collect_bindings(app, screen: Screen) -> list[HelpRow]:
    """Every binding active on *screen*: app, screen, then each widget."""
    # A widget's bindings only act while it or a descendant has focus.
    widgets = [w for w in screen.walk_children()
               if w.focusable or any(c.focusable for c in w.walk_children())]
    nodes: list[DOMNode] = [app, screen, *widgets]
    rows: dict[tuple[str, str], HelpRow] = {}
    for node in nodes:
        group = _group_name(node)
        for key, binding in node._bindings:
            if not isinstance(binding, Binding) or binding.action in _SKIP_ACTIONS:
                continue
            if binding.system and not binding.description:
                continue
            action = binding.action.removeprefix("app.").removeprefix("screen.")
            description = binding.description or binding.tooltip or action.replace("_", " ")
            ident = (group, action)
            display = app.get_key_display(binding)
            row = rows.get(ident)
            if row is None:
                rows[ident] = HelpRow(group, [display], description, binding.action)
            elif display not in row.keys:
                row.keys.append(display)
    # The command palette key is an App setting, not a BINDINGS entry.
    if getattr(app, "ENABLE_COMMAND_PALETTE", False):
        key = getattr(app, "COMMAND_PALETTE_BINDING", "ctrl+p")
        rows[("Everywhere", "command_palette")] = HelpRow(
            "Everywhere", [app.get_key_display(Binding(key, "command_palette"))],
            "Command palette (open article, theme, export marks, rescan…)", "command_palette")
    order = list(dict.fromkeys(["Everywhere", *GROUP_NAMES.values()]))
    return sorted(rows.values(), key=lambda r: (order.index(r.group) if r.group in order
                                                else len(order), r.group))


def help_table(rows: list[HelpRow]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", style="bold", no_wrap=True)
    table.add_column()
    group = None
    for row in rows:
        if row.group != group:
            if group is not None:
                table.add_row("", "")
            table.add_row(Text(""), Text(row.group, style="bold underline"))
            group = row.group
        table.add_row(Text(" / ".join(row.keys)), Text(row.description))
    table.add_row("", "")
    table.add_row(Text(""), Text("Mouse", style="bold underline"))
    for what, desc in MOUSE_HELP:
        table.add_row(Text(what), Text(desc))
    return table


class HelpScreen(ModalScreen[None]):
    """A modal list of all bindings. Esc, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close help"),
    ]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 76;
        max-width: 100%;
        height: 90%;
        border: round $accent;
        border-title-align: center;
        padding: 0 1;
        background: $surface;
    }
    HelpScreen Static {
        width: 1fr;
    }
    """

    def __init__(self, rows: list[HelpRow]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "copydesk keys"
            scroll.border_subtitle = "Esc closes"
            yield Static(help_table(self.rows), id="help-table")

    def action_close(self) -> None:
        self.dismiss(None)
