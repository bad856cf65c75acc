"""A footer that keeps the main keys visible on narrow terminals.

Textual's footer lays out every shown binding in one row; when they do not
fit, the last ones (the app's own ``q``, ``?``, ``/``, which come after the
focused widget's) slide under the command-palette key and leave stray
letters. This footer drops the keys that do not fit instead, never the
essential ones (:data:`ESSENTIAL_ACTIONS`); ``?`` lists them all anyway.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: Actions always shown, whatever the width (``close``: how to leave a
#: full screen such as the marks list).
ESSENTIAL_ACTIONS = ("help", "quit", "focus_search", "close")
#: Cells a compact footer key takes besides its key and description.
KEY_PADDING = 2
#: Cells kept for the command palette key on the right.
PALETTE_WIDTH = 12


def _width(key: FooterKey) -> int:
    return cell_len(key.key_display) + cell_len(key.description) + KEY_PADDING


class CopydeskFooter(Footer):
    _composed_width = -1

    def compose(self):
        self._composed_width = self.app.size.width
        items = list(super().compose())
        if not all(isinstance(w, FooterKey) for w in items):
            yield from items  # key groups: leave the stock layout alone
            return
        keys = [w for w in items if w.action != "command_palette"]
        available = max(0, self.app.size.width - PALETTE_WIDTH)
        essential = [k for k in keys if k.action.removeprefix("app.") in ESSENTIAL_ACTIONS]
        budget = available - sum(_width(k) for k in essential)
        keep = set(map(id, essential))
        for key in keys:
            if id(key) in keep:
                continue
            w = _width(key)
            if w <= budget:
                keep.add(id(key))
                budget -= w
            else:
                budget = -1  # keep the order: once one is dropped, drop the rest
        shown = [w for w in items if id(w) in keep or getattr(w, "action", "") == "command_palette"]
        self.styles.grid_size_columns = len(shown)
        yield from shown

    def on_resize(self) -> None:
        if self.app.size.width != self._composed_width:
            self.refresh(recompose=True)
