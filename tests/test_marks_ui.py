"""Pilot tests of marking in the reader: mark by key, mark a mouse
selection, select sentences, annotate, the colour/remove menu, the marks
screen (list, jump, delete, undo, copy), persistence across restarts,
orphans, export from the command palette, and a real kill -9 in tmux."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tui.core.db import Database
from tui.core.marks import add_mark, all_marks, marks_for
from tui.core.model import PARAGRAPH, Article, Block
from tui.ui.app import CopydeskApp
from tui.ui.screens.mark_menu import MarkMenu
from tui.ui.screens.marks import MarksScreen
from tui.ui.screens.note import NoteEditor
from tui.ui.widgets.article_view import ArticleView, sentence_spans
from textual import events
from textual.app import App
from textual.widgets import TextArea


from tests.pilot_helpers import screen_text, settle  # noqa: E402


def mark_highlights(app: CopydeskApp) -> dict[str, tuple[int, int, str, bool]]:
    return {h.key[1]: (h.start, h.end, h.style, h.note) for h in app.reader.highlights
            if isinstance(h.key, tuple) and h.key[0] == "mark"}


def entry_marks(app: CopydeskApp, path: str) -> int:
    return next(e.marks for e in app.entries if e.path == path)


async def wait_screen(app: CopydeskApp, pilot, cls) -> None:
    """Wait until the top screen is a mounted *cls* (slow machines)."""
    for _ in range(100):
        if isinstance(app.screen, cls) and app.screen.is_mounted and app.screen.children:
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError(f"{cls.__name__} did not open; top screen: {app.screen!r}")


async def wait_until(pilot, condition, what: str, tries: int = 1000) -> None:
    """Wait (pausing) until *condition()* holds; fail after ~20 s."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


async def ready(app: CopydeskApp, pilot) -> None:
    """Wait for the state the tests need, not for time: the start-up scan
    has indexed every file and its end was handled (it may reload the open
    article, which clears a mouse selection), an article is open and laid
    out. (settle() alone can return before the scan even started: it is
    started after the first refresh.)"""
    from tui.core.library import iter_article_files

    n_files = sum(1 for _ in iter_article_files(app.roots))

    def done() -> bool:
        indexed = app.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        scanning = getattr(app, "_scanning", False) or any(
            w.group == "scan" and not w.is_finished for w in app.workers)
        reader = app.reader
        return (indexed >= n_files and not scanning and reader.article is not None
                and app.current_path is not None and reader.layout_complete)

    await settle(app, pilot)
    await wait_until(pilot, done, "the start-up scan and the first article")
    await settle(app, pilot)


async def start(app: CopydeskApp, pilot, cursor: int = 1) -> ArticleView:
    await ready(app, pilot)
    reader = app.reader
    reader.focus()
    reader.cursor = cursor
    await pilot.pause()
    return reader


def multi_sentence_block(article: Article) -> int:
    for i, b in enumerate(article.blocks):
        if len(sentence_spans(b.text)) >= 3:
            return i
    raise AssertionError("no paragraph with three sentences")


# -- marking ------------------------------------------------------------------------

async def test_m_marks_the_cursor_paragraph_and_it_persists(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        reader = await start(app, pilot, cursor=1)
        path = app.current_path
        text = reader.article.text()
        s, e = reader.cursor_span()
        await pilot.press("m")
        await pilot.pause()
        [m] = marks_for(app.db, path)
        assert (m.start, m.end, m.exact) == (s, e, text[s:e].strip())
        assert mark_highlights(app) == {m.uuid: (s, e, "yellow", False)}
        assert entry_marks(app, path) == 1
        assert "Marked" in screen_text(app)
        await pilot.press("q")
    # Restart: the mark is still there and shown.
    app2 = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app2.run_test(size=(120, 40)) as pilot:
        await ready(app2, pilot)
        assert app2.current_path == path
        assert mark_highlights(app2) == {m.uuid: (s, e, "yellow", False)}
        assert entry_marks(app2, path) == 1


async def test_m_marks_exactly_the_mouse_selection(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await start(app, pilot, cursor=0)
        words = " ".join(reader.article.blocks[0].text.split()[1:4])
        # Find the words on screen and drag across them.
        for y in range(reader.size.height):
            line = reader.render_line(y).text
            if words in line:
                x0 = line.index(words)
                break
        else:
            raise AssertionError("words not on screen")
        await pilot.mouse_down(ArticleView, offset=(x0, y))
        await pilot.hover(ArticleView, offset=(x0 + 3, y))
        await pilot.mouse_up(ArticleView, offset=(x0 + len(words) - 1, y))
        await wait_until(pilot, lambda: reader.selected_span() is not None, "the selection")
        await pilot.press("m")
        await wait_until(pilot, lambda: marks_for(app.db, app.current_path), "the mark")
        [m] = marks_for(app.db, app.current_path)
        assert m.exact == words
        text = reader.article.text()
        assert text[m.start:m.end] == words
        # The exact span is highlighted, not the whole paragraph.
        assert mark_highlights(app)[m.uuid][:2] == (m.start, m.end)
        assert reader.cursor_span() != (m.start, m.end)
        assert reader.selected_span() is None  # the selection is cleared


STORY = """Grid holds through the night

Officials in Kyiv said on Tuesday that the power grid held through the night. Engineers worked in shifts to repair the damaged substations. A spokesman said the repairs would take weeks. Aid from allies had arrived faster than in previous months.

The minister warned that winter would test the country's energy system again. He asked people to save power in the evenings. Schools will close early on Fridays.

Residents in the east reported long queues at the few shops still open. Many said they had learned to live with the outages.
"""


@pytest.fixture
def story_dir(tmp_path: Path) -> Path:
    d = tmp_path / "story"
    d.mkdir()
    (d / "grid.txt").write_text(STORY, encoding="utf-8")
    return d


async def test_sentence_selection_marks_part_of_a_paragraph(home: Path, story_dir: Path) -> None:
    app = CopydeskApp(roots=[story_dir], home=str(home))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        reader = app.reader
        block = multi_sentence_block(reader.article)
        reader = await start(app, pilot, cursor=block)
        base = reader.block_span(block)[0]
        sents = sentence_spans(reader.article.blocks[block].text)
        await pilot.press("v")
        await pilot.pause()
        sel = [h for h in reader.highlights if h.style == "search"]
        assert [(h.start, h.end) for h in sel] == [(base + sents[0][0], base + sents[0][1])]
        await pilot.press("j", "j", "k")  # three sentences, then back to two
        await pilot.press("m")
        await pilot.pause()
        [m] = marks_for(app.db, app.current_path)
        assert (m.start, m.end) == (base + sents[0][0], base + sents[1][1])
        assert not [h for h in reader.highlights if h.style == "search"]
        # h/l move the start; Esc leaves without marking.
        await pilot.press("v", "j", "j", "l", "escape")
        await pilot.pause()
        assert len(marks_for(app.db, app.current_path)) == 1
        await pilot.press("v", "j", "j", "l", "m")
        await pilot.pause()
        spans = sorted((x.start, x.end) for x in marks_for(app.db, app.current_path))
        assert spans[1] == (base + sents[1][0], base + sents[2][1])


async def test_a_marks_and_annotates(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await start(app, pilot, cursor=1)
        await pilot.press("a")
        await wait_screen(app, pilot, NoteEditor)
        [m] = marks_for(app.db, app.current_path)  # marked before the note is written
        # The hint says Esc keeps the new mark (it is already made).
        assert NoteEditor.NEW_MARK_HINT in screen_text(app)
        await pilot.press(*"Key line", "enter", *"second")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, NoteEditor), "the editor closed")
        [m] = marks_for(app.db, app.current_path)
        assert m.note == "Key line\nsecond"
        assert mark_highlights(app)[m.uuid][3] is True  # note marker
        # a on a marked passage edits its note; Esc cancels the edit.
        await pilot.press("a")
        await wait_screen(app, pilot, NoteEditor)
        assert app.screen.query_one(TextArea).text == "Key line\nsecond"
        assert NoteEditor.HINT in screen_text(app)
        await pilot.press(*"xx", "escape")
        await pilot.pause()
        assert marks_for(app.db, app.current_path)[0].note == "Key line\nsecond"
        # On an unmarked paragraph, Esc keeps the mark without a note.
        reader.cursor = 3
        await pilot.press("a", *"zz", "escape")
        await pilot.pause()
        notes = sorted(x.note for x in marks_for(app.db, app.current_path))
        assert notes == ["", "Key line\nsecond"]


async def test_m_on_a_marked_passage_changes_colour_or_removes(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await start(app, pilot, cursor=1)
        path = app.current_path
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("m")
        await wait_screen(app, pilot, MarkMenu)
        assert "Esc closes" in screen_text(app)
        await pilot.press("3")
        await pilot.pause()
        [m] = marks_for(app.db, path)
        assert m.color == "blue" and mark_highlights(app)[m.uuid][2] == "blue"
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert marks_for(app.db, path) == [] and mark_highlights(app) == {}
        assert entry_marks(app, path) == 0
        await pilot.press("u")  # undo
        await pilot.pause()
        assert [x.uuid for x in marks_for(app.db, path)] == [m.uuid]
        assert m.uuid in mark_highlights(app) and entry_marks(app, path) == 1


async def test_a_mark_that_was_not_saved_is_not_shown(home: Path, seeds_dir: Path, monkeypatch) -> None:
    import sqlite3

    import tui.ui.marking as marking

    def failing(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await start(app, pilot, cursor=1)
        monkeypatch.setattr(marking, "add_mark", failing)
        await pilot.press("m")
        await pilot.pause()
        assert marks_for(app.db, app.current_path) == []
        assert mark_highlights(app) == {} and entry_marks(app, app.current_path) == 0
        assert "NOT saved" in screen_text(app) and "Marked." not in screen_text(app)
        assert app.is_running


def notices(app: CopydeskApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_a_database_error_after_a_saved_change_is_said_not_crashed(
        home: Path, seeds_dir: Path, monkeypatch) -> None:
    """Each change is committed, then reading the marks back fails (database
    locked by another program): the reader is told the change is saved (not
    that it failed), the app keeps running, and the database has it."""
    from tui.core.db import DatabaseLocked

    import tui.ui.marking as marking
    import tui.ui.screens.marks as marks_screen

    def locked(*args, **kwargs):
        raise DatabaseLocked("database is locked")

    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await start(app, pilot, cursor=1)
        path = app.current_path
        monkeypatch.setattr(marking, "marks_for", locked)
        monkeypatch.setattr(marking, "mark_count", locked)
        # m: saved, shown from what is known, and said.
        await pilot.press("m")
        await wait_until(pilot, lambda: marks_for(app.db, path), "the mark")
        [m] = marks_for(app.db, path)
        assert mark_highlights(app)[m.uuid][:2] == (m.start, m.end)
        said = notices(app)
        assert "Marked." in said and any(x.startswith("Saved, but") for x in said)
        assert not any("NOT saved" in x or "Could not change" in x for x in said)
        # The menu's colour change: saved; no "could not change".
        app.clear_notifications()
        await pilot.press("m")
        await wait_screen(app, pilot, MarkMenu)
        await pilot.press("2")
        await wait_until(pilot, lambda: marks_for(app.db, path)[0].color == "green", "green")
        said = notices(app)
        assert any(x.startswith("Saved, but") for x in said)
        assert not any("Could not change" in x for x in said)
        # A note: saved, and not said to be lost.
        app.clear_notifications()
        await pilot.press("a")
        await wait_screen(app, pilot, NoteEditor)
        await pilot.press(*"kept", "ctrl+s")
        await wait_until(pilot, lambda: marks_for(app.db, path)[0].note == "kept", "the note")
        said = notices(app)
        assert "Note saved." in said and not any("NOT saved" in x for x in said)
        # The marks screen: a deletion is saved, the list cannot be re-read.
        app.clear_notifications()
        await pilot.press("apostrophe")
        await wait_screen(app, pilot, MarksScreen)
        monkeypatch.setattr(marks_screen, "marks_for", locked)
        monkeypatch.setattr(marks_screen, "all_marks", locked)
        await pilot.press("d")
        await wait_until(pilot, lambda: marks_for(app.db, path) == [], "the deletion")
        said = notices(app)
        assert "Mark deleted. u: undo" in said and any(x.startswith("Saved, but") for x in said)
        assert not any("Could not delete" in x for x in said)
        # Undo: saved again.
        await pilot.press("u")
        await wait_until(pilot, lambda: len(marks_for(app.db, path)) == 1, "the undo")
        assert "Mark restored." in notices(app)
        # t (scope) cannot read either: said, the screen stays as it was.
        scope = app.screen.library
        await pilot.press("t")
        await pilot.pause()
        assert app.screen.library == scope
        assert any(x.startswith("Could not read the marks") for x in notices(app))
        assert app.is_running and isinstance(app.screen, MarksScreen)


# -- the marks screen -------------------------------------------------------------------

def _seed_marks(home: Path, seeds_dir: Path) -> dict[str, tuple[str, str]]:
    """Index the seeds and mark the 3rd paragraph of the first and the last
    seed (with a note on the last). Returns {path: (uuid, quote)}."""
    from tui.core.library import Library

    db = Database.open(home)
    try:
        lib = Library(db, [seeds_dir])
        lib.scan()
        paths = sorted(e.path for e in lib.entries() if e.ok)
        out = {}
        for path, note in ((paths[0], ""), (paths[-1], "far away")):
            art = lib.article(path)
            s, e = list(art.block_spans())[min(3, len(art.blocks) - 1)]
            m = add_mark(db, path, art, s, e, note=note)
            out[path] = (m.uuid, m.exact)
        return out
    finally:
        db.close()


async def test_marks_screen_lists_toggles_and_jumps(home: Path, seeds_dir: Path) -> None:
    made = _seed_marks(home, seeds_dir)
    first, last = sorted(made)
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        app.open_path(first)
        await pilot.pause()
        await pilot.press("apostrophe")
        await wait_screen(app, pilot, MarksScreen)
        screen = app.screen
        assert [m.uuid for m in screen.marks] == [made[first][0]]
        assert " ".join(made[first][1].split()[:5]) in screen_text(app)
        await pilot.press("t")  # the whole library
        await pilot.pause()
        assert {m.uuid for m in screen.marks} == {made[first][0], made[last][0]}
        text = screen_text(app)
        assert "far away" in text and "2 marks" in text
        # Choose the other article's mark and jump there.
        screen.option_list.highlighted = next(i for i, m in enumerate(screen.marks)
                                              if m.path == last)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, MarksScreen)
        assert app.current_path == last
        reader = app.reader
        m = marks_for(app.db, last)[0]
        block = reader.block_at(m.start)
        assert reader.cursor == block
        lo, hi = reader.visible_blocks()
        assert lo <= block <= hi
        assert app.focused is reader


async def test_marks_screen_keeps_reading_keys_off_and_its_own_on(home: Path, seeds_dir: Path) -> None:
    """The marks screen is a full screen: the reading pane's keys (m, a, v, /,
    s, n) must not act on the hidden article under it, nor show in its
    footer; at 80x24 the footer still shows how to close it, and the title
    says Enter goes to the passage."""
    from tui.ui.marking import SentenceSelect

    made = _seed_marks(home, seeds_dir)
    first = sorted(made)[0]
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        app.open_path(first)
        await pilot.pause()
        await pilot.press("apostrophe")
        await wait_screen(app, pilot, MarksScreen)
        text = screen_text(app)
        footer = text.splitlines()[-1]
        assert "Close" in footer and "Mark" not in footer and "Search" not in footer
        assert "Enter: go to it" in text.splitlines()[0]
        await pilot.press("m", "a", "v", "slash", "s", "n")
        await pilot.pause()
        assert isinstance(app.screen, MarksScreen)
        assert not isinstance(app.screen, SentenceSelect)
        assert len(marks_for(app.db, first)) == 1  # nothing marked underneath
        await pilot.press("escape")
        await pilot.pause()
        # Back on the reading screen the keys work again.
        app.reader.cursor = 0
        await pilot.press("m")
        await wait_until(pilot, lambda: len(marks_for(app.db, first)) == 2, "the new mark")

async def test_help_lists_live_keys_only(home: Path, seeds_dir: Path) -> None:
    """The help screen lists keys that do something where it was opened:
    no horizontal scrolling (every pane wraps), the search field's ~25
    editing keys as one row, Enter of the search bar described; opened over
    the marks screen, not the reading pane's marking keys."""
    from tui.ui.screens.help import EDITING_DESCRIPTION, HelpScreen

    _seed_marks(home, seeds_dir)
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("question_mark")
        await wait_screen(app, pilot, HelpScreen)
        rows = app.screen.rows
        described = [r.description for r in rows]
        for dead in ("Scroll Left", "Scroll Right", "Page Left", "Page Right"):
            assert dead not in described, dead
        assert described.count(EDITING_DESCRIPTION) == 1
        assert not any(r.description in ("Move cursor left", "Delete character left")
                       for r in rows)
        assert any(r.group == "Search bar" and r.keys == ["⏎"] and "Open" in r.description
                   for r in rows)
        assert {"Mark", "Mark + note", "Next paragraph", "Back to reading"} <= set(described)
        await pilot.press("escape", "apostrophe")
        await wait_screen(app, pilot, MarksScreen)
        await pilot.press("question_mark")
        await wait_screen(app, pilot, HelpScreen)
        described = {r.description for r in app.screen.rows}
        assert {"Delete", "Undo delete", "Copy quote"} <= described
        assert not {"Mark", "Mark + note", "Select sentences to mark", "Search"} & described

async def test_marks_screen_edits_deletes_undoes_and_copies(home: Path, seeds_dir: Path) -> None:
    made = _seed_marks(home, seeds_dir)
    first = sorted(made)[0]
    uid, quote = made[first]
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        app.open_path(first)
        await pilot.pause()
        await pilot.press("apostrophe")
        await wait_screen(app, pilot, MarksScreen)
        # Colour and note.
        await pilot.press("4")
        await pilot.pause()
        assert marks_for(app.db, first)[0].color == "pink"
        await pilot.press("e")
        await wait_screen(app, pilot, NoteEditor)
        await pilot.press(*"edited", "ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, MarksScreen), "the editor closed")
        await pilot.pause()
        assert marks_for(app.db, first)[0].note == "edited"
        assert "edited" in screen_text(app)
        # Copy the quote with its source line.
        await pilot.press("y")
        await pilot.pause()
        clip = app.clipboard
        title = next(e.title for e in app.entries if e.path == first)
        assert clip.startswith("“" + quote + "”\n— ") and " ".join(title.split()) in clip
        assert first in clip
        # Delete, then undo.
        await pilot.press("d")
        await pilot.pause()
        assert marks_for(app.db, first) == [] and app.screen.marks == []
        assert entry_marks(app, first) == 0
        await pilot.press("u")
        await pilot.pause()
        assert [m.uuid for m in marks_for(app.db, first)] == [uid]
        assert entry_marks(app, first) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert uid in mark_highlights(app)
        assert mark_highlights(app)[uid][2] == "pink"
        # A deletion in the marks screen can still be undone after closing it.
        await pilot.press("apostrophe", "d", "escape")
        await pilot.pause()
        assert marks_for(app.db, first) == [] and uid not in mark_highlights(app)
        await pilot.press("u")
        await pilot.pause()
        assert [m.uuid for m in marks_for(app.db, first)] == [uid] and uid in mark_highlights(app)


async def test_orphans_are_listed_not_shown_in_the_text(home: Path, seeds_dir: Path) -> None:
    from tui.core.library import Library

    db = Database.open(home)
    try:
        lib = Library(db, [seeds_dir])
        lib.scan()
        path = sorted(e.path for e in lib.entries() if e.ok)[0]
        # A mark made on an older version of the text, whose passage is gone.
        old = Article(title="Old version", blocks=[Block(PARAGRAPH, "A paragraph the editors cut later.")])
        add_mark(db, path, old, 2, 30, note="still here", source_hash="old", cleaner_version=-1)
    finally:
        db.close()
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(app, pilot)
        app.open_path(path)
        await pilot.pause()
        [m] = marks_for(app.db, path)
        assert m.state == "orphan" and m.note == "still here"
        assert mark_highlights(app) == {}
        assert entry_marks(app, path) == 1
        await pilot.press("apostrophe")
        await wait_screen(app, pilot, MarksScreen)
        text = screen_text(app)
        assert "[orphan]" in text and "paragraph the editors cut" in text and "still here" in text
        await pilot.press("enter")
        await pilot.pause()
        assert "orphan" in screen_text(app)  # told, not moved


async def test_markup_in_quotes_is_literal(home: Path, hostile_library: Path) -> None:
    app = CopydeskApp(roots=[hostile_library], home=str(home))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        path = next(e.path for e in app.entries if e.ok)
        app.open_path(path)
        await pilot.pause()
        reader = app.reader
        i = next(i for i, b in enumerate(reader.article.blocks) if "[red]" in b.text)
        reader.cursor = i
        await pilot.press("a", *"[bold]n[/bold]", "ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, NoteEditor), "the editor closed")
        await pilot.press("apostrophe")
        await wait_screen(app, pilot, MarksScreen)
        text = screen_text(app)
        assert "[red]x[/red]" in text and "[bold]n[/bold]" in text
        assert app.is_running


async def test_export_from_the_command_palette(home: Path, seeds_dir: Path) -> None:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        reader = await start(app, pilot, cursor=1)
        quote = reader.article.blocks[1].text
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Export marks")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        files = list((home / "exports").glob("marks-*.md"))
        assert len(files) == 1
        content = files[0].read_text(encoding="utf-8")
        assert "> " + " ".join(quote.split()[:6]) in content
        assert app.current_path in content
        # The other formats, and the whole library.
        for name, pattern in (("Export marks as CSV", "marks-*.csv"),
                              ("Export marks as JSON", "marks-*.json"),
                              ("Export every mark", "marks-library-*.md")):
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*name)
            await pilot.pause(0.3)
            await pilot.press("enter")
            await wait_until(pilot, lambda: list((home / "exports").glob(pattern)), name)
        [csv_file] = (home / "exports").glob("marks-*.csv")
        assert csv_file.read_text(encoding="utf-8").startswith("Highlight,Title,Author,URL,Note,Location")
        [json_file] = (home / "exports").glob("marks-*.json")
        assert '"TextQuoteSelector"' in json_file.read_text(encoding="utf-8")


# -- a real process, killed right after the mark is shown ------------------------------------

@pytest.mark.e2e
def test_mark_survives_kill_9_of_the_real_app(tmp_path: Path) -> None:
    exe = shutil.which("copydesk")
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    assert exe, "copydesk is not installed on PATH"

    def tmux(*args: str, check: bool = True) -> str:
        r = subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=20)
        if check and r.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)}: {r.stderr.strip()}")
        return r.stdout

    def wait_for(predicate, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = tmux("capture-pane", "-p", "-t", session)
            if predicate(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"timed out; the screen was:\n{screen}")

    home = tmp_path / "home"
    session = f"copydesk-marks-{uuid.uuid4().hex[:8]}"
    cmd = (f"exec env COPYDESK_HOME={shlex.quote(str(home))} TERM=xterm-256color "
           f"{shlex.quote(exe)}")
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", cmd)
    try:
        pid = int(tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip())
        # Wait until the library is listed and indexing has been over for a moment.
        quiet_since = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            screen = tmux("capture-pane", "-p", "-t", session)
            if "articles" in screen and "indexing" not in screen.lower():
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since > 1.0:
                    break
            else:
                quiet_since = None
            time.sleep(0.05)
        for _ in range(3):  # a key sent while the app is busy may come late: resend
            tmux("send-keys", "-t", session, "m")
            try:
                wait_for(lambda s: "Marked." in s or "Marked passage" in s, timeout=10)
                break
            except AssertionError:
                continue
        else:
            raise AssertionError("the mark was never acknowledged")
        os.kill(pid, signal.SIGKILL)  # one moment after the acknowledgement
    finally:
        tmux("kill-session", "-t", session, check=False)
    db = Database.open(home)
    try:
        marks = all_marks(db)
        assert len(marks) == 1 and marks[0].exact
        assert marks[0].path.endswith(".txt")
    finally:
        db.close()


# -- the note editor ---------------------------------------------------------------------

class NoteApp(App):
    result: str | None = "unset"

    def on_mount(self) -> None:
        self.push_screen(NoteEditor("A quote.", "x"), self.done)

    def done(self, note: str | None) -> None:
        self.result = note


async def test_keys_typed_right_before_ctrl_s_are_saved() -> None:
    """Ctrl+S (a priority binding) right after fast typing or a paste: every
    key typed before it is in the saved note (the end was lost before)."""
    app = NoteApp()
    async with app.run_test() as pilot:
        for _ in range(50):
            if isinstance(app.screen, NoteEditor) and app.focused is not None:
                break
            await pilot.pause(0.02)
        for ch in " quick brown fox":
            app.post_message(events.Key("space" if ch == " " else ch, ch))
        app.post_message(events.Key("ctrl+s", None))
        for _ in range(100):
            if app.result != "unset":
                break
            await pilot.pause(0.02)
        assert app.result == "x quick brown fox"


# -- layout found wrong in the newcomer pass ----------------------------------------------

@pytest.mark.parametrize("width", [80, 120])
async def test_search_results_panel_fits_the_screen(home: Path, seeds_dir: Path, width: int) -> None:
    """The results panel (offset one cell from the left) was as wide as the
    screen, so its right border was cut off."""
    from tui.ui.widgets.search_results import SearchResults

    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(width, 30)) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"biden")
        panel = app.query_one(SearchResults)
        await wait_until(pilot, lambda: panel.display and panel.region.height > 2, "results")
        region = panel.region
        assert region.x >= 1 and region.right <= width - 1
        border = screen_text(app).splitlines()[region.y]
        assert border.rstrip().endswith("╮")


async def test_sentence_selection_bar_fits_80_columns(home: Path, seeds_dir: Path) -> None:
    """The bar under sentence selection said how to mark and leave only past
    the 80th column: now those come first, and it wraps to two lines."""
    from tui.ui.marking import SentenceSelect

    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(80, 24)) as pilot:
        await start(app, pilot, cursor=1)
        await pilot.press("v")
        await wait_screen(app, pilot, SentenceSelect)
        bottom = " ".join(" ".join(screen_text(app).splitlines()[-2:]).split())
        for hint in ("1 sentence selected", "m: mark", "a: mark with note", "esc: cancel",
                     "j/k: more/fewer"):
            assert hint in bottom, hint


def test_passage_result_says_what_its_number_is() -> None:
    from types import SimpleNamespace

    from tui.ui.widgets.search_results import passage_prompt

    hit = SimpleNamespace(title="Grid holds", outlet="The Daily", paragraph=2, score=87.4,
                          snippet=lambda width: ("the power grid held", [(4, 9)]))
    assert passage_prompt(hit).plain.splitlines() == [
        "Grid holds — The Daily  ¶3 · score 87", "the power grid held"]


async def test_note_editor_hint_is_on_screen_at_80x24(home: Path, seeds_dir: Path) -> None:
    """The editor (quote + 10-line text area) was taller than 80% of 24 rows:
    the line saying how to save and leave was cut off."""
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    async with app.run_test(size=(80, 24)) as pilot:
        await start(app, pilot, cursor=1)
        await pilot.press("a")
        await wait_screen(app, pilot, NoteEditor)
        text = " ".join(screen_text(app).replace("│", " ").split())
        assert NoteEditor.NEW_MARK_HINT in text
