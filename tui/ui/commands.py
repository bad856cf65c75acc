"""Command palette (Ctrl+P) provider with copydesk's own commands.

Article titles are untrusted: every hit is displayed as ``Content`` built
from plain strings (Textual's ``Matcher.highlight`` parses markup, so it is
not used for titles), and help texts never contain article text.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, Callable, Iterable

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

if TYPE_CHECKING:
    from tui.ui.app import CopydeskApp

#: At most this many "open article" hits are offered for one query.
MAX_ARTICLE_HITS = 100
#: Above this many entries, titles are prefiltered by substring before fuzzy matching.
PREFILTER_ABOVE = 2000


def highlighted(prefix: str, text: str, offsets: Iterable[int], style: str) -> Content:
    """``prefix + text`` as plain Content with the matched offsets of *text* styled."""
    content = Content(prefix + text)
    n = len(prefix)
    for off in offsets:
        if 0 <= off < len(text) and not text[off].isspace():
            content = content.stylize(style, n + off, n + off + 1)
    return content


class CopydeskCommands(Provider):
    """Open an article, toggle removed text, change theme, export marks
    (Markdown, CSV, JSON; article or library), rescan."""

    @property
    def _app(self) -> "CopydeskApp":
        return self.app  # type: ignore[return-value]

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self._app
        return [
            ("Toggle removed text", "Show or hide the text the cleaner removed (r)",
             app.action_toggle_removed),
            ("Change theme", "Pick a colour theme (remembered)", app.action_change_theme),
            ("Export marks", "Write this article's marks as Markdown", app.action_export_marks),
            ("Export marks as CSV", "This article's marks in Readwise's CSV, for import",
             partial(app.action_export_marks, "csv")),
            ("Export marks as JSON", "This article's marks as W3C Web Annotations",
             partial(app.action_export_marks, "json")),
            ("Export every mark", "The whole library's marks as Markdown",
             partial(app.action_export_marks, "markdown", library=True)),
            ("Rescan library", "Index new and changed files (Ctrl+R)", app.action_rescan),
            ("Show keys", "Every key binding (?)", app.action_help),
        ]

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(Content(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        style = "bold $accent"
        for name, help_text, callback in self._commands():
            score, offsets = matcher.fuzzy_search.match(matcher.query, name)
            if score > 0:
                yield Hit(score, highlighted("", name, offsets, style), callback,
                          text=name, help=help_text)
        entries = [e for e in getattr(self._app, "entries", ()) if e.ok]
        if len(entries) > PREFILTER_ABOVE:
            words = query.casefold().split()
            entries = [e for e in entries if all(w in e.title.casefold() for w in words)]
        hits = 0
        prefix = "Open: "
        for n, entry in enumerate(entries, 1):
            title = entry.title.replace("\n", " ")
            score, offsets = matcher.fuzzy_search.match(matcher.query, title)
            if score > 0:
                yield Hit(score * 0.9, highlighted(prefix, title, offsets, style),
                          partial(self._app.open_path, entry.path, focus=True),
                          text=prefix + title, help="Open this article")
                hits += 1
                if hits >= MAX_ARTICLE_HITS:
                    return
            if n % 500 == 0:
                await asyncio.sleep(0)
