"""Helpers shared by the Pilot tests of the app."""

from __future__ import annotations


async def settle(app, pilot, rounds: int = 1) -> None:
    """Let the app's workers (scan, search index, queries) finish and the
    screen repaint; *rounds* for work that starts more work."""
    for _ in range(rounds):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def screen_text(app) -> str:
    """The text currently on the (top) screen, one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
