"""Pilot tests of search in the app: as-you-type title results, opening a
result, passage mode opening at the paragraph, n/N, same-passage jump."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.ui.app import CopydeskApp
from tui.ui.screens.same_story import SamePassageScreen
from tui.ui.widgets.article_view import ArticleView
from tui.ui.widgets.search_bar import SearchBar, split_query
from tui.ui.widgets.search_results import SearchResults

SIZE = (130, 42)


from tests.pilot_helpers import screen_text as results_text  # noqa: E402
from tests.pilot_helpers import settle as _settle  # noqa: E402


async def settle(app: CopydeskApp, pilot) -> None:
    """Let workers (scan, index build, queries: each may start the next) finish."""
    await _settle(app, pilot, rounds=3)


def seed(seeds_dir: Path, n: int) -> str:
    return str(sorted(seeds_dir.glob("*.txt"))[n].resolve())


def block_with(app: CopydeskApp, needle: str) -> int:
    art = app.query_one(ArticleView).article
    return next(i for i, b in enumerate(art.blocks) if needle in b.text)


async def type_query(app, pilot, text: str) -> None:
    await pilot.press("slash")
    await pilot.press(*text)
    await settle(app, pilot)


def test_split_query_modes():
    assert split_query("biden") == (False, "biden")
    assert split_query(">  north korea ") == (True, "north korea")
    assert split_query("  >x") == (True, "x")


async def test_typing_updates_title_results(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "biden")
        res = app.query_one(SearchResults)
        assert res.visible and not res.passages
        assert res.option_count >= 4
        await pilot.press(*" cavs")
        await settle(app, pilot)
        assert res.query_text == "biden cavs"
        assert res.option_count == 1
        top = res.selected_hit
        assert top.path == seed(seeds_dir, 2)
        text = results_text(app)
        assert "Biden caves" in text and "Titles" in text
        # The matched characters are styled in the option's prompt.
        prompt = res.get_option_at_index(0).prompt
        styled = {prompt.plain[s.start:s.end] for s in prompt.spans}
        assert "Biden" in styled and "cav" in "".join(styled)


async def test_enter_opens_chosen_title_and_esc_leaves(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "biden")
        res = app.query_one(SearchResults)
        await pilot.press("down")
        second = res.selected_hit
        assert second is res.get_option_at_index(1).hit
        await pilot.press("up", "down", "enter")
        await pilot.pause()
        assert app.current_path == second.path
        assert not res.visible
        assert isinstance(app.focused, ArticleView)
        # Esc leaves the bar and hides the results.
        await type_query(app, pilot, "x")
        await pilot.press("escape")
        await pilot.pause()
        assert not res.visible and isinstance(app.focused, ArticleView)


async def test_tab_toggles_passage_mode_shown_clearly(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "storm shadow")
        bar = app.query_one(SearchBar)
        await pilot.press("tab")
        await settle(app, pilot)
        assert bar.value.startswith(">") and bar.has_class("-passages")
        res = app.query_one(SearchResults)
        assert res.passages and "Passages" in results_text(app)
        assert all("storm shadow" in h.passage.lower()
                   for h in (res.get_option_at_index(i).hit for i in range(res.option_count)))
        await pilot.press("tab")
        await settle(app, pilot)
        assert bar.value == "storm shadow" and not bar.has_class("-passages")
        assert not res.passages


async def test_passage_result_opens_at_paragraph(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, ">pokrovsk artilery power sector")
        res = app.query_one(SearchResults)
        assert res.passages and res.option_count >= 1
        assert "Pokrovsk" in results_text(app)
        # The snippet's matched words are styled in the result.
        prompt = res.get_option_at_index(0).prompt
        styled = {prompt.plain[s.start:s.end] for s in prompt.spans}
        assert {"Pokrovsk", "artillery", "power", "sector"} <= styled
        await pilot.press("enter")
        await pilot.pause()
        reader = app.query_one(ArticleView)
        assert app.current_path == seed(seeds_dir, 4)
        want = block_with(app, "Pokrovsk")
        assert reader.cursor == want
        assert reader._flash == want  # briefly highlighted
        first, last = reader.visible_blocks()
        assert first <= want <= last  # scrolled into view
        # The matched words are highlighted in the article.
        text = reader.article.text()
        words = {text[h.start:h.end] for h in reader.highlights if h.style == "search"}
        assert {"Pokrovsk", "artillery", "power", "sector"} <= words
        assert isinstance(app.focused, ArticleView)


async def test_n_and_N_move_between_hits(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, ">north korean")
        res = app.query_one(SearchResults)
        # Choose a result in seed 003, which mentions North Korean troops often.
        target = next(i for i in range(res.option_count)
                      if res.get_option_at_index(i).hit.path == seed(seeds_dir, 3))
        res.highlighted = target
        await pilot.press("enter")
        await pilot.pause()
        reader = app.query_one(ArticleView)
        blocks = reader.article.blocks
        hits = [i for i, b in enumerate(blocks) if "north korea" in b.text.lower()]
        assert len(hits) >= 3 and reader.cursor in hits
        start = reader.cursor
        seen = [start]
        for _ in range(len(hits)):
            await pilot.press("n")
            await pilot.pause()
            seen.append(reader.cursor)
        # n visits every hit in reading order and wraps around to the start.
        assert sorted(set(seen)) == hits and seen[-1] == start
        k = hits.index(start)
        assert seen[1] == hits[(k + 1) % len(hits)]
        await pilot.press("N")
        await pilot.pause()
        assert reader.cursor == hits[(k - 1) % len(hits)]


async def test_n_without_query_warns(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        reader = app.query_one(ArticleView)
        before = reader.cursor
        await pilot.press("n")
        await pilot.pause()
        assert reader.cursor == before
        assert any("No passage search" in str(n.message) for n in app._notifications)


async def test_same_passage_lists_and_jumps(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.open_path(seed(seeds_dir, 0), focus=True)
        await pilot.pause()
        reader = app.query_one(ArticleView)
        reader.cursor = block_with(app, "every dollar we have")
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, SamePassageScreen)
        top = app.screen.hits[0]
        assert top.path == seed(seeds_dir, 1) and "every dollar" in top.passage
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, SamePassageScreen)
        assert app.current_path == seed(seeds_dir, 1)
        assert reader.cursor == block_with(app, "every dollar we have")
        assert reader._flash == reader.cursor


async def test_same_passage_escape_closes(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.open_path(seed(seeds_dir, 1), focus=True)
        await pilot.pause()
        app.query_one(ArticleView).cursor = block_with(app, "approximately 10,000 North Korean")
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, SamePassageScreen)
        assert any(h.path == seed(seeds_dir, 2) for h in app.screen.hits)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SamePassageScreen)
        assert app.current_path == seed(seeds_dir, 1)


async def test_hostile_titles_render_as_text(home: Path, hostile_library: Path) -> None:
    app = CopydeskApp(roots=[hostile_library], home=str(home))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, ">bold brackets")
        res = app.query_one(SearchResults)
        assert res.option_count >= 1
        assert "[bold]" in results_text(app)  # shown literally, not as markup
        assert app.is_running


async def test_search_is_not_imported_at_startup(home: Path, seeds_dir: Path) -> None:
    import subprocess
    import sys

    code = ("import sys; from tui.ui.app import CopydeskApp; "
            "print('tui.core.search' in sys.modules, 'rapidfuzz' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.split()[0] == "False"


async def test_index_is_built_on_focus_and_refreshed_after_rescan(home: Path, seeds_dir: Path,
                                                                  tmp_path: Path) -> None:
    import shutil

    lib = tmp_path / "lib"
    shutil.copytree(seeds_dir, lib, ignore=shutil.ignore_patterns("__*"))
    app = CopydeskApp(roots=[lib], home=str(home))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app._search_index is None  # nothing built until search is used
        await pilot.press("slash")
        await settle(app, pilot)
        first = app._search_index
        assert first is not None and len(first) == 5
        (lib / "new.txt").write_text(
            "Zanzibar spice harvest breaks records\n\n"
            "Farmers on Zanzibar gathered a record clove harvest this season, officials said.\n",
            encoding="utf-8")
        app.action_rescan()
        await settle(app, pilot)
        assert app._search_index is not first and len(app._search_index) == 6
        await pilot.press(*"zanzibar")
        await settle(app, pilot)
        res = app.query_one(SearchResults)
        assert res.selected_hit.path.endswith("new.txt")


async def test_same_story_tab_lists_articles_and_opens_one(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.open_path(seed(seeds_dir, 1), focus=True)
        await pilot.pause()
        await pilot.press("s")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SamePassageScreen) and screen.mode == "passage"
        await pilot.press("tab")
        await pilot.pause()
        assert screen.mode == "story"
        assert "Same story in other sources" in results_text(app)
        others = {h.path for h in screen.stories}
        assert seed(seeds_dir, 1) not in others and len(others) >= 3
        target = screen.stories[0].path
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, SamePassageScreen)
        assert app.current_path == target


async def test_n_uses_the_last_passage_search_after_escape(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.open_path(seed(seeds_dir, 3), focus=True)
        await pilot.pause()
        reader = app.query_one(ArticleView)
        reader.cursor = 0
        await type_query(app, pilot, ">storm shad")  # still typing the last word
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_path == seed(seeds_dir, 3)
        await pilot.press("n")
        await pilot.pause()
        assert "storm shadow" in reader.article.blocks[reader.cursor].text.lower()
        text = reader.article.text()
        assert {text[h.start:h.end] for h in reader.highlights if h.style == "search"} >= {"Storm", "Shadow"}


async def test_index_staleness_is_checked_once_per_scan_not_per_keystroke(
        home: Path, seeds_dir: Path, monkeypatch) -> None:
    """The signature (a query over the library + a hash of every path) is
    computed when the index is built and once after each rescan, never for
    a keystroke; a rescan that finds another program's change rebuilds."""
    from tui.core import search

    calls = []
    real = search.library_signature

    def counting(db_path, paths):
        calls.append(len(list(paths)))
        return real(db_path, paths)

    monkeypatch.setattr(search, "library_signature", counting)
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_query(app, pilot, "bi")
        built = len(calls)
        assert built >= 1 and app._search_index is not None
        await pilot.press(*"den cavs")
        await settle(app, pilot)
        await pilot.press("backspace", "backspace", ">", "n")
        await settle(app, pilot)
        assert len(calls) == built  # typing never recomputes it
        app.action_rescan()  # nothing changed on disk
        await settle(app, pilot)
        assert len(calls) == built + 1  # checked once, still current
        index = app._search_index
        # another program changes the library database behind the app's back
        with app.db.transaction() as c:
            c.execute("UPDATE articles SET indexed_at = indexed_at + 1 WHERE path = ?",
                      (seed(seeds_dir, 0),))
        app.action_rescan()
        await settle(app, pilot)
        assert len(calls) >= built + 2 and app._search_index is not index  # rebuilt


async def test_first_passage_index_shows_its_progress(home: Path, seeds_dir: Path, monkeypatch) -> None:
    """While the paragraphs are indexed for the first time, the passage
    results say how far along it is (and that titles work meanwhile)."""
    import threading

    import tui.core.search as search

    monkeypatch.setattr(search, "PROGRESS_EVERY", 1)
    gate, seen = threading.Event(), []
    real_build = search.SearchIndex.build.__func__

    def slow_build(cls, docs, **kw):
        report = kw.get("on_progress")

        def held(done, total):
            seen.append((done, total))
            report(done, total)
            if done == 2:
                gate.wait(10)   # hold the build two articles in
        kw["on_progress"] = held if report else None
        return real_build(cls, docs, **kw)

    monkeypatch.setattr(search.SearchIndex, "build", classmethod(slow_build))
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")          # no settle: the build is held open
        await pilot.press(*">every dollar")
        for _ in range(100):
            if "40% of 5 articles" in str(app.query_one(SearchResults).border_title):
                break
            await pilot.pause(0.05)
        title = str(app.query_one(SearchResults).border_title)
        assert "indexing paragraphs… 40% of 5 articles" in title and "titles work now" in title
        gate.set()
        await settle(app, pilot)
        for _ in range(100):
            res = app.query_one(SearchResults)
            if res.option_count:
                break
            await pilot.pause(0.05)
        assert res.option_count and "indexing" not in str(res.border_title)
    assert seen[0] == (0, 5) and seen[-1] == (5, 5)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
