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

#: Bindings of Textual's own widgets that add nothing for a reader. The
#: horizontal scrolls do nothing here: the list and the article wrap their
#: lines, so nothing is ever wider than its pane.
_SKIP_ACTIONS = {"help_quit", "command_palette", "scroll_left", "scroll_right",
                 "page_left", "page_right"}

#: One row for a text field's editing keys (Textual's Input has ~25 of them).
EDITING_KEYS = "←/→ …"
EDITING_DESCRIPTION = ("Edit the text: the usual keys (←/→, ⌫/del, ^a/^e start/end, ^w/^u/^k "
                       "delete word/left/right, shift+arrows select, ^x/^c/^v)")

MOUSE_HELP = [
    ("click", "a source: open it; a paragraph: move the cursor there"),
    ("wheel", "scroll the pane under the pointer"),
    ("drag", "select text in the reading pane (then m marks exactly it)"),
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


def _editing_actions(node: DOMNode) -> set[str]:
    """Actions of a text field's inherited editing keys (Textual's Input),
    not those its subclass (e.g. the search bar) binds itself."""
    from textual.widgets import Input

    if not isinstance(node, Input):
        return set()
    own = {b.action for cls in type(node).__mro__ if cls is not Input and issubclass(cls, Input)
           for b in cls.__dict__.get("BINDINGS", ()) if isinstance(b, Binding)}
    return {b.action for b in Input.BINDINGS if isinstance(b, Binding)} - own


def _disabled(node: DOMNode, action: str) -> bool:
    """The node's check_action turns this action off (and hides its key)."""
    name = action.rsplit(".", 1)[-1].split("(", 1)[0]
    try:
        return node.check_action(name, ()) is False
    except Exception:  # noqa: BLE001 - a check that needs real parameters: keep it
        return False


def collect_bindings(app, screen: Screen) -> list[HelpRow]:
    """Every binding active on *screen*: app, screen, then each widget. A
    text field's editing keys are one row at the end of its group."""
    # A widget's bindings only act while it or a descendant has focus.
    widgets = [w for w in screen.walk_children()
               if w.focusable or any(c.focusable for c in w.walk_children())]
    nodes: list[DOMNode] = [app, screen, *widgets]
    rows: dict[tuple[str, str], HelpRow] = {}
    editing_rows: dict[str, HelpRow] = {}
    for node in nodes:
        group = _group_name(node)
        editing = _editing_actions(node)
        for key, binding in node._bindings:
            if not isinstance(binding, Binding) or binding.action in _SKIP_ACTIONS:
                continue
            if binding.system and not binding.description:
                continue
            if _disabled(node, binding.action):
                continue  # e.g. the reading pane's keys under the marks screen
            if binding.action in editing:
                editing_rows.setdefault(group, HelpRow(group, [EDITING_KEYS], EDITING_DESCRIPTION,
                                                       "editing"))
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
    for group, row in editing_rows.items():
        rows[(group, "editing")] = row
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
