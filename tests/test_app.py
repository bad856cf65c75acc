"""Pilot tests of the app shell: opening, switching, cursor, help, state,
quitting, search filter, palette, theme, and markup safety."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tui.ui.app import CopydeskApp
from tui.ui.screens.help import HelpScreen
from tui.ui.widgets.article_view import ArticleView
from tui.ui.widgets.source_list import SourceList

HOSTILE_TITLE = "[@click=app.quit]Quit now[/]"
HOSTILE_BODY = "[red]x[/red]"


from tests.pilot_helpers import screen_text, settle  # noqa: E402


def reader_text(app: CopydeskApp) -> str:
    reader = app.query_one(ArticleView)
    return "\n".join(reader.render_line(y).text for y in range(reader.size.height))


def list_text(app: CopydeskApp) -> str:
    sl = app.query_one(SourceList)
    return "\n".join(sl.render_line(y).text for y in range(sl.size.height))


async def test_opens_on_bundled_articles(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        seeds = sorted(str(p.resolve()) for p in seeds_dir.glob("*.txt"))
        assert sorted(e.path for e in app.entries) == seeds
        assert app.current_path in seeds
        article = app.query_one(ArticleView).article
        assert article is not None and article.blocks
        text = screen_text(app)
        # The title (at least its start) and the first body words are painted.
        assert article.title[:20] in text
        assert " ".join(article.blocks[0].text.split()[:4]) in text
        # Every seed has a row in the list.
        assert list_text(app).count("\n") >= 9
        assert app.focused is app.query_one(ArticleView)


async def test_switching_sources_changes_the_pane(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        first_path = app.current_path
        first_title = app.query_one(ArticleView).article.title
        sl = app.query_one(SourceList)
        sl.focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.current_path != first_path
        assert app.current_path == sl.visible_entries[1].path
        second = app.query_one(ArticleView).article
        assert second.title != first_title
        assert second.title[:20] in screen_text(app)
        assert app.focused is app.query_one(ArticleView)
        # Opening marks the article read: its unread marker goes away.
        assert sl.highlighted_entry.read
        # A mouse click on a row opens it too (row 3 = fourth entry, 2 lines each).
        await pilot.click(SourceList, offset=(5, 3 * 2))
        await pilot.pause()
        assert app.current_path == sl.visible_entries[3].path


async def test_jk_move_the_paragraph_cursor(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        reader = app.query_one(ArticleView)
        assert reader.cursor == 0
        await pilot.press("j", "j", "j")
        assert reader.cursor == 3
        await pilot.press("k")
        assert reader.cursor == 2
        await pilot.press("down")
        assert reader.cursor == 3
        await pilot.press("up", "up")
        assert reader.cursor == 1
        await pilot.press("G")
        assert reader.cursor == len(reader.article.blocks) - 1
        await pilot.press("g")
        assert reader.cursor == 0


async def test_help_lists_every_binding(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = app.screen.rows
        described = {r.description for r in rows}
        # Bindings of the app, the reading pane, the source list, the search bar.
        widgets = [app, app.query_one(ArticleView), app.query_one(SourceList)]
        for node in widgets:
            for b in type(node).BINDINGS:
                desc = getattr(b, "description", "")
                if desc:
                    assert desc in described, desc
        for needle in ("Quit", "Next paragraph", "Previous paragraph", "Removed text",
                       "Search", "Open", "Back to reading", "Next pane", "Rescan library"):
            assert needle in described, needle
        assert any(r.description.startswith("Command palette") for r in rows)
        text = screen_text(app)
        for needle in ("copydesk keys", "Quit", "Command palette", "Next source"):
            assert needle in text, needle
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_state_survives_a_restart(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        sl = app.query_one(SourceList)
        target = sl.visible_entries[2].path
        app.open_path(target, focus=True)
        await pilot.pause()
        await pilot.press("j", "j", "j", "j")
        await pilot.pause()
        scroll = app.query_one(ArticleView).scroll_y
        await pilot.press("q")
    assert app.return_code == 0

    app2 = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app2.run_test(size=(120, 40)) as pilot:
        await settle(app2, pilot)
        assert app2.current_path == target
        reader = app2.query_one(ArticleView)
        assert reader.cursor == 4
        assert reader.scroll_y == scroll
        entries = {e.path: e for e in app2.entries}
        assert entries[target].read
        unread = [e for e in app2.entries if not e.read]
        assert len(unread) == len(app2.entries) - 2  # first opened + target


async def test_cursor_is_saved_without_quitting(home: Path, seeds_dir: Path) -> None:
    """A crash after moving the cursor keeps the (debounced) position."""
    from tui.core.db import Database
    from tui.core.library import get_state

    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "j")
        await pilot.pause(0.9)
        db = Database.open(home)
        assert get_state(db, app.current_path).cursor == 2
        db.close()


async def test_q_quits(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_search_bar_filters_and_opens(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        sl = app.query_one(SourceList)
        target = sl.visible_entries[3]
        word = max(target.title.split(), key=len)
        await pilot.press("slash")
        assert app.focused.id == "search"
        # Typing q or j in the bar types them: no quitting, no cursor moves.
        await pilot.press(*word)
        await settle(app, pilot)  # the title filter runs in a worker
        assert app.is_running
        assert app.query_one("#search").value == word
        visible = sl.visible_entries
        assert target in visible
        assert all(word.casefold() in e.title.casefold() for e in visible)
        await pilot.press("escape")
        assert app.focused is app.query_one(ArticleView)
        await pilot.press("slash", "enter")
        await pilot.pause()
        assert app.current_path == visible[0].path
        assert app.focused is app.query_one(ArticleView)


async def test_tab_moves_between_panes(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        reader, sources = app.query_one(ArticleView), app.query_one(SourceList)
        assert app.focused is reader
        await pilot.press("tab")
        assert app.focused is sources
        await pilot.press("tab")
        assert app.focused is reader
        await pilot.press("shift+tab")
        assert app.focused is sources
        await pilot.press("shift+tab")
        assert app.focused is reader
        # From the search bar, Shift+Tab goes back to the reading pane.
        await pilot.press("slash")
        assert app.focused.id == "search"
        await pilot.press("shift+tab")
        assert app.focused is reader
        # A modal screen keeps its own Tab order.
        await pilot.press("question_mark")
        await pilot.press("tab")
        assert isinstance(app.screen, HelpScreen)


async def test_theme_is_remembered(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.theme = "nord"
        await pilot.pause()
    app2 = CopydeskApp(roots=[seeds_dir], home=str(home))
    assert app2.theme == "nord"


async def test_palette_has_app_commands(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"removed")
        await pilot.pause(0.5)
        assert "Toggle removed text" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one(ArticleView).show_removed is True
        # Open an article through the palette.
        target = app.entries[4]
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*target.title[:25])
        await pilot.pause(0.6)
        assert "Open: " + target.title[:25] in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_path == target.path


async def test_markup_in_titles_and_text_is_literal(home: Path, hostile_library: Path) -> None:
    app = CopydeskApp(roots=[hostile_library], home=str(home))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        entries = {Path(e.path).name: e for e in app.entries}
        assert set(entries) == {"markup.txt", "empty.txt"}
        assert entries["markup.txt"].title == HOSTILE_TITLE
        app.open_path(entries["markup.txt"].path)
        await pilot.pause()
        # Source list row, reading pane and header show the text as written.
        assert HOSTILE_TITLE in list_text(app)
        assert HOSTILE_BODY in reader_text(app)
        assert HOSTILE_TITLE in reader_text(app)
        text = screen_text(app)
        assert "copydesk — " + HOSTILE_TITLE in text
        # The non-article is listed, dimmed, with its reason.
        assert "not an article: empty" in list_text(app)
        # Clicking the title in the list and in the pane does not quit.
        await pilot.click(SourceList, offset=(4, 0))
        await pilot.click(SourceList, offset=(4, 2))
        await pilot.click(ArticleView, offset=(8, 1))
        await pilot.pause()
        assert app.is_running
        # A notification with the title shows it literally.
        from textual.content import Content

        app.notify(Content(f"Opened {HOSTILE_TITLE}"))
        await pilot.pause()
        await pilot.pause(0.3)
        assert f"Opened {HOSTILE_TITLE}" in screen_text(app)
        # The command palette lists it literally.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"quit now")
        await pilot.pause(0.6)
        assert "Open: " + HOSTILE_TITLE in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running


async def test_corrupt_database_is_moved_aside_and_reported(home: Path, seeds_dir: Path) -> None:
    (home / "copydesk.db").write_bytes(b"this is not a database" * 100)
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    assert app.db.moved_aside is not None and app.db.moved_aside.exists()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        assert "moved aside" in screen_text(app)
        assert len(app.entries) == 5


async def test_read_only_database_still_reads(home: Path, seeds_dir: Path) -> None:
    from tui.core.db import Database
    from tui.core.library import get_state

    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        first = app.current_path
    # Reopen with a read-only connection (as Database.open does for a file
    # the user cannot write): the reader works, nothing is written, one warning.
    app2 = CopydeskApp(roots=[seeds_dir], home=str(home))
    app2.db.close()
    db_path = home / "copydesk.db"
    app2.db = Database(Database._connect(db_path, read_only=True), db_path, read_only=True)
    app2.library.db = app2.listing.db = app2.db
    async with app2.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(app2, pilot)
        assert app2.current_path == first
        assert "read-only" in screen_text(app2)
        await pilot.press("j", "j")
        await pilot.pause(0.9)
        other = next(e.path for e in app2.entries if e.path != first)
        app2.open_path(other)
        await pilot.pause()
        assert app2.query_one(ArticleView).article is not None
        await pilot.press("q")
    db = Database.open(home)
    assert get_state(db, first).cursor == 0
    assert not get_state(db, other).read
    db.close()


async def test_large_first_scan_fills_the_list_in_the_background(home: Path, tmp_path: Path) -> None:
    """More files than the library's pool threshold: the scan runs in worker
    processes started from the app's thread (this used to fail under Textual,
    whose sys.stderr has no file descriptor), and the list fills in."""
    from tui.core import library

    lib = tmp_path / "big"
    lib.mkdir()
    n = getattr(library, "POOL_THRESHOLD", 200) + 40
    for i in range(n):
        (lib / f"{i:04d}.txt").write_text(
            f"Headline number {i}\n\nA body paragraph for story {i}, long enough to be kept "
            f"as the article's text by the cleaner.\n", encoding="utf-8")
    app = CopydeskApp(roots=[lib], home=str(home))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        for _ in range(300):
            await pilot.pause(0.1)
            if not app._scanning and len(app.entries) == n:
                break
        assert not [m for m in app._notifications if "failed" in str(m.message)]
        assert len(app.entries) == n
        assert all(e.ok for e in app.entries)
        assert app.current_path is not None
        assert f"{n} articles" in screen_text(app)


async def test_footer_keeps_the_main_keys_at_80_columns(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        footer = screen_text(app).splitlines()[-1]
        for key in ("q", "?", "/"):
            assert any(part.startswith(key) for part in footer.split()), footer
        assert "Quit" in footer and "Keys" in footer and "Search" in footer
        assert footer.rstrip().endswith("palette"), footer
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(160, 24)) as pilot:
        await settle(app, pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "Removed text" in footer and "Next paragraph" in footer


async def test_typing_in_the_search_bar_never_triggers_app_keys(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        reader = app.query_one(ArticleView)
        await pilot.press("slash", "q", "j", "question_mark", "slash", "r", "m")
        await pilot.pause()
        assert app.is_running
        assert app.query_one("#search").value == "qj?/rm"
        assert reader.cursor == 0 and not reader.show_removed
        assert not isinstance(app.screen, HelpScreen)


async def test_a_failing_save_is_reported_once(home: Path, seeds_dir: Path, monkeypatch) -> None:
    import tui.ui.app as app_module
    from tui.core.db import DatabaseFull

    calls = []

    def full(db, state):
        calls.append(state)
        raise DatabaseFull("database or disk is full")

    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        monkeypatch.setattr(app_module, "save_state", full)
        for entry in app.entries[1:4]:
            app.open_path(entry.path)
            await pilot.pause()
        assert len(calls) >= 3
        messages = [str(n.message) for n in app._notifications]
        assert sum("Could not save the reading position" in m for m in messages) == 1
        assert app.is_running and app.query_one(ArticleView).article is not None


async def test_a_damaged_index_row_shows_a_message_not_a_crash(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        target = app.entries[2]
        with app.db.transaction() as c:
            c.execute("UPDATE articles SET doc = '{not json' WHERE path = ?", (target.path,))
        app.open_path(target.path)
        await settle(app, pilot)
        assert app.is_running
        text = " ".join(reader_text(app).split())
        # (since doc format 2 the library itself reports the damaged row)
        assert "could not be loaded" in text or "index is damaged" in text


async def test_last_article_from_another_library_is_not_reopened(home: Path, seeds_dir: Path,
                                                                  hostile_library: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        app.open_path(app.entries[3].path)
        await pilot.press("q")
    app2 = CopydeskApp(roots=[hostile_library], home=str(home))
    async with app2.run_test(size=(100, 30)) as pilot:
        await settle(app2, pilot)
        assert app2.current_path == str((hostile_library / "markup.txt").resolve())
        assert {Path(e.path).parent for e in app2.entries} == {hostile_library.resolve()}


async def test_keys_typed_right_after_tab_and_enter_go_to_the_new_pane(home: Path,
                                                                       seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        sl = app.query_one(SourceList)
        # Typed ahead, in one burst (pilot.press waits after each key).
        from textual import events

        for key, char in (("tab", "\t"), ("j", "j"), ("enter", "\r"), ("j", "j"), ("j", "j")):
            app.post_message(events.Key(key, char))
        await pilot.pause()
        await pilot.pause()
        assert app.current_path == sl.visible_entries[1].path
        assert app.query_one(ArticleView).cursor == 2


async def test_a_position_save_due_at_shutdown_is_harmless(home: Path, seeds_dir: Path) -> None:
    """The delayed reading-position save may fire while the app closes,
    after its screen is gone: it must neither raise nor write a bogus row."""
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j")
        await pilot.pause()
        assert app.current_path is not None
        opened = app.current_path
    # The pane is gone now; the timer's callback runs as it would late.
    assert not app.query("#reader")
    app._save_current_state()
    with sqlite3.connect(home / "copydesk.db") as conn:
        rows = conn.execute("SELECT cursor FROM reading_state WHERE path = ?", (opened,)).fetchall()
    assert rows == [] or all(isinstance(c, int) for (c,) in rows)
