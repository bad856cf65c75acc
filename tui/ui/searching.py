"""Search in the reader: the app side of the search bar, the results panel,
``n``/``N`` (next/previous hit of the last passage query in the open
article) and ``s`` (the same passage in other sources).

:class:`SearchMixin` is mixed into :class:`tui.ui.app.CopydeskApp` (which
owns ``db``, ``roots``, ``reader``, ``sources``, ``current_path``, ``open_path``).
The search index (:mod:`tui.core.search`, numpy + rapidfuzz) is imported and
built only in worker threads, the first time search is used, from the
library database; it is rebuilt when the library changes. Every query runs
in an exclusive thread worker, so a new keystroke cancels the stale query
and typing never waits for a search.

Message handlers here use ``on_*`` names, not ``@on``: Textual collects
``@on`` handlers only from classes built by its metaclass, not from mixins.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from textual import work
from textual.content import Content
from textual.message import Message
from textual.worker import get_current_worker

from tui.ui.widgets.article_view import Highlight
from tui.ui.widgets.search_bar import SearchBar, split_query
from tui.ui.widgets.search_results import SearchResults

if TYPE_CHECKING:
    from tui.core.search import SearchIndex

#: Highlight keys of the search layer are ("search", n).
SEARCH_KEY = "search"
RESULT_LIMIT = 50
SAME_LIMIT = 20


class SearchDone(Message):
    def __init__(self, value: str, passages: bool, query: str, hits: list, matched: int) -> None:
        super().__init__()
        self.value = value
        self.passages = passages
        self.query = query
        self.hits = hits
        self.matched = matched


class SearchIndexReady(Message):
    """A built index; ``partial``: titles only, paragraphs still coming."""

    def __init__(self, index: Any, signature: tuple, error: str | None = None,
                 partial: bool = False) -> None:
        super().__init__()
        self.index = index
        self.signature = signature
        self.error = error
        self.partial = partial


class SearchIndexProgress(Message):
    """Paragraphs of *done* of *total* articles indexed (first build)."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


class SamePassageDone(Message):
    def __init__(self, path: str, paragraph: int, source: str, hits: list, stories: list) -> None:
        super().__init__()
        self.path = path
        self.paragraph = paragraph
        self.source = source
        self.hits = hits
        self.stories = stories


def _mine(h: Highlight) -> bool:
    k = h.key
    return isinstance(k, tuple) and len(k) == 2 and k[0] == SEARCH_KEY


class SearchMixin:
    """App-side search. Requires the host app's ``db``, ``roots``, ``reader``,
    ``sources``, ``current_path`` and ``open_path``."""

    _search_index: "SearchIndex | None" = None
    _search_signature: list | None = None
    _search_building = False
    #: (articles done, articles) of the paragraphs index being built.
    _search_progress: tuple[int, int] = (0, 0)
    _search_waiting: str | None = None
    _same_waiting: tuple[str, int, str] | None = None
    #: The last passage query that found something (for n/N).
    last_passage_query: str | None = None
    _hits_cache: tuple[str, str, Any, list] | None = None

    # -- widgets --------------------------------------------------------------------------

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one("#search", SearchBar)  # type: ignore[attr-defined]

    @property
    def search_results(self) -> SearchResults:
        try:
            return self.query_one("#search-results", SearchResults)  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - first use: mount it over the screen
            results = SearchResults()
            self.screen.mount(results)  # type: ignore[attr-defined]
            return results

    # -- the index ----------------------------------------------------------------------

    def search_ensure_index(self) -> None:
        """Start building (or refreshing) the search index in the background."""
        if self._search_building:
            return
        self._search_building = True
        self._search_progress = (0, 0)
        self._search_build(str(self.db.path), list(self.roots))  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="search-index", exit_on_error=False)
    def _search_build(self, db_path: str, roots: list) -> None:
        try:
            from tui.core.listing import ok_paths
            from tui.core.search import library_index, library_signature

            paths = ok_paths(db_path, roots)
            sig = library_signature(db_path, paths)

            def titles_ready(part) -> None:
                self.post_message(SearchIndexReady(part, sig, partial=True))  # type: ignore[attr-defined]

            def progress(done: int, total: int) -> None:
                self.post_message(SearchIndexProgress(done, total))  # type: ignore[attr-defined]

            index = library_index(db_path, paths, on_titles=titles_ready, on_progress=progress,
                                  save=not self.db.read_only)  # type: ignore[attr-defined]
        except Exception as e:  # noqa: BLE001 - shown to the user; the reader keeps working
            self.post_message(SearchIndexReady(None, (), f"{type(e).__name__}: {e}"))  # type: ignore[attr-defined]
            return
        self.post_message(SearchIndexReady(index, sig))  # type: ignore[attr-defined]

    def on_search_index_progress(self, message: SearchIndexProgress) -> None:
        self._search_progress = (message.done, message.total)
        if self._search_waiting is not None and self.search_results.visible \
                and self.search_results.passages:
            self.search_results.show_message(self._indexing_message(), True)

    def _indexing_message(self) -> str:
        done, total = self._search_progress
        if not total:
            return "indexing paragraphs…"
        return (f"indexing paragraphs… {done * 100 // total}% of {total:,} articles "
                "(once; titles work now)")

    def on_search_index_ready(self, message: SearchIndexReady) -> None:
        if message.partial:
            # Titles are searchable now; keep a previous full index meanwhile.
            if self._search_index is None or not self._search_index.passages_ready:
                self._search_index = message.index
                self._search_signature = message.signature
                if self._search_waiting is not None and self.search_results.visible:
                    self.search_changed(self.search_bar.value)
            return
        self._search_building = False
        if message.error:
            self.notify(Content(f"Search index failed: {message.error}"),  # type: ignore[attr-defined]
                        severity="error")
            return
        self._search_index = message.index
        self._search_signature = message.signature
        if self._search_waiting is not None and self.search_results.visible:
            self.search_changed(self.search_bar.value)
        self._search_waiting = None
        if self._same_waiting is not None:
            path, para, text = self._same_waiting
            self._same_waiting = None
            self._same_run(self._search_index, path, para, text)

    def on_search_bar_focused(self, message: SearchBar.Focused) -> None:
        """Build the index as soon as the user heads for the bar."""
        if self._search_index is None:
            self.search_ensure_index()

    def on_scan_finished(self, message) -> None:
        """After a rescan (the app handles it first): refresh a built index
        if the library changed; if the scan changed nothing, check once (in
        a worker) whether another program changed the database."""
        report = getattr(message, "report", None)
        if self._search_index is None or report is None:
            return
        if report.indexed or report.missing or report.failed:
            self.search_ensure_index()
        elif not self._search_building:
            self._search_check(str(self.db.path), list(self.roots),  # type: ignore[attr-defined]
                               self._search_signature)

    @work(thread=True, exclusive=True, group="search-check", exit_on_error=False)
    def _search_check(self, db_path: str, roots: list, signature: list | None) -> None:
        """Rebuild the search index if the library no longer matches it
        (computed once per scan, not per query)."""
        try:
            from tui.core.listing import ok_paths
            from tui.core.search import library_signature

            stale = library_signature(db_path, ok_paths(db_path, roots)) != signature
        except sqlite3.Error:
            return
        if stale and not get_current_worker().is_cancelled:
            self.call_from_thread(self.search_ensure_index)  # type: ignore[attr-defined]

    # -- the bar ---------------------------------------------------------------------------

    def search_changed(self, value: str) -> None:
        """The bar's text changed: search (in a worker) and show results."""
        passages, query = split_query(value)
        # The source list keeps its plain title filter in title mode.
        self.sources.set_filter("" if passages else query)  # type: ignore[attr-defined]
        self._update_status()  # type: ignore[attr-defined]
        results = self.search_results
        if not query:
            if passages:
                results.show_message("type words to find in every paragraph", True)
            else:
                results.hide()
            return
        index = self._search_index
        if index is None or (passages and not index.passages_ready):
            self._search_waiting = value
            results.show_message(self._indexing_message() if index is not None
                                 else "building the search index…", passages)
            self.search_ensure_index()
            return
        self._search_query(index, value, passages, query)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search_query(self, index, value: str, passages: bool, query: str) -> None:
        worker = get_current_worker()
        if passages:
            hits = index.search_passages(query, limit=RESULT_LIMIT)
        else:
            hits = index.search_titles(query, limit=RESULT_LIMIT)
        matched = index.last_matches
        if worker.is_cancelled:
            return
        self.post_message(SearchDone(value, passages, query, hits, matched))  # type: ignore[attr-defined]

    def on_search_done(self, message: SearchDone) -> None:
        if message.value != self.search_bar.value:
            return  # a stale query: a newer one is on its way
        self.search_results.show_hits(message.query, message.passages, message.hits, message.matched)
        if message.passages and message.hits:
            self.last_passage_query = message.query  # n/N use it, even after Esc

    def search_submitted(self) -> bool:
        """Enter in the bar: open the chosen (or first) result. False when
        no results are showing (the app then opens the first listed source)."""
        results = self.search_results
        hit = results.selected_hit if results.visible else None
        if hit is None:
            return False
        self.search_open(hit, results.passages, results.query_text)
        return True

    def search_open(self, hit, passages: bool, query: str) -> None:
        self.search_results.hide()
        if passages:
            self.last_passage_query = query
            self.open_path(hit.path, focus=True)  # type: ignore[attr-defined]
            self.search_go_to_paragraph(hit.paragraph)
            self.search_show_hits()
        else:
            self.open_path(hit.path, focus=True)  # type: ignore[attr-defined]

    def search_dismissed(self) -> None:
        self.search_results.hide()

    def on_search_bar_move(self, message: SearchBar.Move) -> None:
        results = self.search_results
        if results.visible:
            results.move(message.delta)

    def on_option_list_option_selected(self, event: SearchResults.OptionSelected) -> None:
        if not isinstance(event.option_list, SearchResults):
            return
        event.stop()
        hit = getattr(event.option, "hit", None)
        if hit is not None:
            results = self.search_results
            self.search_open(hit, results.passages, results.query_text)

    # -- in the article: go to a paragraph, n/N --------------------------------------------

    def search_go_to_paragraph(self, index: int) -> None:
        self.reader.go_to_block(index)  # type: ignore[attr-defined]

    def _article_hits(self) -> list:
        """Hits of the last passage query in the open article (reading order),
        matched against the article as shown, so offsets always fit."""
        reader = self.reader  # type: ignore[attr-defined]
        art, path, q = reader.article, self.current_path, self.last_passage_query  # type: ignore[attr-defined]
        if art is None or path is None or not q:
            return []
        c = self._hits_cache
        if c is not None and c[0] == path and c[1] == q and c[2] is art:
            return c[3]
        from tui.core.search import SearchIndex

        ix = SearchIndex.from_articles([(path, art)])
        hits = ix.hits_in(path, q)
        self._hits_cache = (path, q, art, hits)
        return hits

    def search_show_hits(self) -> None:
        """Highlight the last passage query's matched words in the article."""
        reader = self.reader  # type: ignore[attr-defined]
        if reader.article is None:
            return
        mine = []
        for hit in self._article_hits():
            start = reader.block_span(hit.paragraph)[0]
            for n, (a, b) in enumerate(hit.spans):
                mine.append(Highlight(start + a, start + b, "search", key=(SEARCH_KEY, len(mine))))
        reader.replace_highlights(_mine, mine)

    def _search_step(self, forward: bool) -> None:
        if not self.last_passage_query:
            self.notify("No passage search yet: press / then Tab (or >) and type.",  # type: ignore[attr-defined]
                        severity="warning")
            return
        hits = self._article_hits()
        if not hits:
            self.notify(Content(f"No hits for “{self.last_passage_query}” in this article."),  # type: ignore[attr-defined]
                        severity="warning")
            return
        self.search_show_hits()
        cur = int(self.reader.cursor)  # type: ignore[attr-defined]
        paras = [h.paragraph for h in hits]
        if forward:
            nxt = next((p for p in paras if p > cur), paras[0])
        else:
            nxt = next((p for p in reversed(paras) if p < cur), paras[-1])
        self.search_go_to_paragraph(nxt)
        k = paras.index(nxt) + 1
        self.notify(Content(f"Hit {k} of {len(paras)} for “{self.last_passage_query}”"),  # type: ignore[attr-defined]
                    timeout=2)

    def action_search_next(self) -> None:
        self._search_step(True)

    def action_search_previous(self) -> None:
        self._search_step(False)

    # -- same passage in other sources -----------------------------------------------------

    def action_same_passage(self) -> None:
        reader = self.reader  # type: ignore[attr-defined]
        art, path = reader.article, self.current_path  # type: ignore[attr-defined]
        if art is None or path is None or not art.blocks:
            return
        para = int(reader.cursor)
        text = art.blocks[para].text
        if self._search_index is None or not self._search_index.passages_ready:
            self._same_waiting = (path, para, text)
            self.notify("Building the search index…", timeout=3)  # type: ignore[attr-defined]
            self.search_ensure_index()
            return
        self._same_run(self._search_index, path, para, text)

    @work(thread=True, exclusive=True, group="same-passage", exit_on_error=False)
    def _same_run(self, index, path: str, para: int, text: str) -> None:
        hits = index.same_passage(path, para, limit=SAME_LIMIT, text=text)
        stories = index.same_story(path, limit=SAME_LIMIT)
        if not get_current_worker().is_cancelled:
            self.post_message(SamePassageDone(path, para, text, hits, stories))  # type: ignore[attr-defined]

    def on_same_passage_done(self, message: SamePassageDone) -> None:
        if message.path != self.current_path:  # type: ignore[attr-defined]
            return
        if not message.hits and not message.stories:
            self.notify("No other source has this passage or story.", timeout=3)  # type: ignore[attr-defined]
            return
        from tui.ui.screens.same_story import SamePassageScreen

        def chosen(hit) -> None:
            if hit is None:
                return
            self.open_path(hit.path, focus=True)  # type: ignore[attr-defined]
            if hasattr(hit, "paragraph"):  # a passage (a story hit opens where you left it)
                self.search_go_to_paragraph(hit.paragraph)

        self.push_screen(SamePassageScreen(message.source, message.hits, message.stories),  # type: ignore[attr-defined]
                         chosen)
