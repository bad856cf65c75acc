"""The search results panel under the search bar (an overlay).

Title results show the title with the matched characters highlighted, and
outlet · author dimmed; passage results show title — outlet and a snippet
with the matched words highlighted. The border title says which mode is on
and how many matched. All text goes in as :class:`Content`, never markup.
"""

from __future__ import annotations

from typing import Sequence

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.core.textio import strip_controls

MATCH_STYLE = "bold underline $accent"
SNIPPET_WIDTH = 220


def _clean(s: str | None) -> str:
    return " ".join(strip_controls(s or "").split())


def _styled(text: str, ranges: Sequence[tuple[int, int]], style: str = MATCH_STYLE) -> Content:
    c = Content(text)
    for a, b in ranges:
        if 0 <= a < b <= len(text):
            c = c.stylize(style, a, b)
    return c


def _runs(positions: Sequence[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for p in sorted(positions):
        if runs and runs[-1][1] == p:
            runs[-1] = (runs[-1][0], p + 1)
        else:
            runs.append((p, p + 1))
    return runs


def title_prompt(hit) -> Content:
    """Title with matched characters highlighted, then outlet · author."""
    title = hit.title or ""
    # Positions index the raw title; show it on one line without shifting them.
    flat = "".join(" " if c in "\n\r\t" else c for c in strip_controls(title))
    if len(flat) != len(title):
        flat, runs = _clean(title), []
    else:
        runs = _runs(hit.positions)
    line = _styled(flat or "Untitled", runs)
    meta = " · ".join(_clean(x) for x in (hit.outlet, hit.author) if x)
    if meta:
        line = Content.assemble(line, Content("  "), Content(meta).stylize("dim"))
    return line


def source_heading(hit) -> Content:
    """``title — outlet`` in bold, on one line (a passage or story hit's head)."""
    head = _clean(hit.title) or "Untitled"
    if hit.outlet:
        head += " — " + _clean(hit.outlet)
    return Content(head).stylize("bold")


def passage_prompt(hit, width: int = SNIPPET_WIDTH) -> Content:
    """``title — outlet  ¶n · score s`` then the snippet with matched words
    highlighted (a bare number after the paragraph read as a mystery)."""
    snippet, spans = hit.snippet(width)
    flat = "".join(" " if c in "\n\r\t" else c for c in snippet)
    if len(strip_controls(flat)) != len(flat):
        body = Content(_clean(flat))
    else:
        body = _styled(flat, spans)
    top = Content.assemble(source_heading(hit),
                           Content(f"  ¶{hit.paragraph + 1} · score {hit.score:.0f}").stylize("dim"))
    return Content.assemble(top, Content("\n"), body)


class ResultOption(Option):
    def __init__(self, hit, prompt: Content) -> None:
        super().__init__(prompt)
        self.hit = hit


class SearchResults(OptionList, can_focus=False):
    """Results of the current query. Stays out of the focus chain: the
    search bar keeps focus and forwards Up/Down here."""

    DEFAULT_CSS = """
    SearchResults {
        overlay: screen;
        position: absolute;
        offset: 1 2;
        width: 1fr;
        margin-right: 2;
        max-width: 120;
        height: auto;
        max-height: 70%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
        display: none;
    }
    SearchResults.-passages {
        border: round $warning;
    }
    SearchResults.-visible {
        display: block;
    }
    SearchResults > .option-list--option {
        padding: 0 0 1 0;
    }
    """

    def __init__(self, *, id: str | None = "search-results") -> None:
        super().__init__(id=id)
        self.query_text = ""
        self.passages = False

    def show_hits(self, query: str, passages: bool, hits: Sequence, matched: int) -> None:
        self.query_text = query
        self.passages = passages
        self.set_class(passages, "-passages")
        self.clear_options()
        if passages:
            self.add_options([ResultOption(h, passage_prompt(h)) for h in hits])
        else:
            self.add_options([ResultOption(h, title_prompt(h)) for h in hits])
        mode = "Passages (>)" if passages else "Titles"
        if hits:
            more = f" of {matched}" if matched > len(hits) else ""
            self.border_title = Content(f"{mode} · {len(hits)}{more} matching")
            self.border_subtitle = Content("↑↓ choose · Enter open · Tab "
                                           + ("titles" if passages else "passages") + " · Esc back")
            self.highlighted = 0
        else:
            self.border_title = Content(f"{mode} · no matches")
            self.border_subtitle = Content("Tab " + ("titles" if passages else "passages") + " · Esc back")
        self.add_class("-visible")

    def show_message(self, text: str, passages: bool) -> None:
        self.passages = passages
        self.set_class(passages, "-passages")
        self.clear_options()
        self.border_title = Content(("Passages (>)" if passages else "Titles") + " · " + text)
        self.border_subtitle = Content("Esc back")
        self.add_class("-visible")

    def hide(self) -> None:
        self.remove_class("-visible")

    @property
    def visible(self) -> bool:
        return self.has_class("-visible")

    def move(self, delta: int) -> None:
        if not self.option_count:
            return
        cur = self.highlighted if self.highlighted is not None else -1
        self.highlighted = max(0, min(self.option_count - 1, cur + delta))

    @property
    def selected_hit(self):
        if self.highlighted is None or not self.option_count:
            return None
        opt = self.get_option_at_index(self.highlighted)
        return getattr(opt, "hit", None)
