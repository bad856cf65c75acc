"""Snapshot tests of the main screen (120x40, 80x24) and the help screen.

Deterministic: a fresh home per test, the bundled seeds, a fixed theme, the
scan finished before the picture is taken, no clock in the header. After the
cleaner or the reading pane change, LOOK at the new SVGs and then run
``pytest tests/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

from tui.ui.app import CopydeskApp

THEME = "textual-dark"


def make_app(home: Path, seeds_dir: Path) -> CopydeskApp:
    app = CopydeskApp(roots=[seeds_dir], home=str(home))
    app.theme = THEME
    return app


async def _settled(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def test_main_screen_120x40(snap_compare, home: Path, seeds_dir: Path) -> None:
    assert snap_compare(make_app(home, seeds_dir), terminal_size=(120, 40), run_before=_settled)


def test_main_screen_80x24(snap_compare, home: Path, seeds_dir: Path) -> None:
    assert snap_compare(make_app(home, seeds_dir), terminal_size=(80, 24), run_before=_settled)


def test_help_screen(snap_compare, home: Path, seeds_dir: Path) -> None:
    async def run_before(pilot) -> None:
        await _settled(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(home, seeds_dir), terminal_size=(100, 40), run_before=run_before)


def test_second_article_after_moving_cursor(snap_compare, home: Path, seeds_dir: Path) -> None:
    async def run_before(pilot) -> None:
        await _settled(pilot)
        await pilot.press("tab", "down", "enter", "j", "j")
        await pilot.pause()

    assert snap_compare(make_app(home, seeds_dir), terminal_size=(120, 40), run_before=run_before)
