"""Reviewer R's regression tests (library / listing / CLI / marks review)."""

from __future__ import annotations

import os
from pathlib import Path

from tui.core.db import Database
from tui.core.library import Library


def _write(p: Path, paras: list[str]) -> None:
    p.write_text("A headline for the test\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
    st = p.stat()
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


def test_article_read_is_one_snapshot_when_another_program_reindexes_it(tmp_path):
    """Library.article reads the article's row (doc: geometry and metadata)
    and then its paragraphs (the texts): two statements. A `copydesk index`
    committing in between must not give the old row with the new texts (a
    mixed article: marks are anchored on its text's offsets)."""
    root = tmp_path / "lib"
    root.mkdir()
    p = root / "a.txt"
    old = ["First old paragraph of the story, which tells what happened on the day.",
           "Second old paragraph, a quote from somebody who saw it all happen there.",
           "Third old paragraph, with what comes next for the people of the town."]
    # (each new paragraph spans two lines: other line ranges)
    new = ["Short new one,\nall changed.", "Another short new\nparagraph here.",
           "And the third\nshort one too."]
    _write(p, old)
    home = tmp_path / "home"
    reader = Database.open(home)
    lib = Library(reader, [root])
    lib.scan(jobs=1)
    before = lib.article(str(p))
    assert [b.text for b in before.blocks][-3:] == old

    _write(p, new)
    real_execute = reader.execute
    fired = []

    def execute_then_reindex(sql, params=()):
        cur = real_execute(sql, params)
        if not fired and "FROM articles WHERE path" in sql:
            fired.append(True)
            # Another program (its own connection) re-indexes the file now.
            other = Database.open(home)
            try:
                Library(other, [root]).scan(jobs=1)
            finally:
                other.close()
        return cur

    reader.execute = execute_then_reindex
    got = lib.article(str(p))
    assert fired
    # Whole old or whole new, never the old geometry with the new texts.
    texts = [b.text for b in got.blocks][-3:]
    new_texts = [t.replace("\n", " ") for t in new]
    assert texts in (old, new_texts)
    reader.execute = real_execute
    fresh = lib.article(str(p))
    if texts == new_texts:
        assert got == fresh
    else:
        assert got == before
    reader.close()


def test_search_of_a_small_library_leaves_the_homes_own_files_out(tmp_path, monkeypatch, capsys):
    """`copydesk search` cleans a small library directly (no --home given):
    when the copydesk home (COPYDESK_HOME) lies inside the searched folder,
    its marks exports (exports/*.md) were searched as articles."""
    from tui.cli import main

    root = tmp_path / "notes"
    root.mkdir()
    (root / "story.txt").write_text(
        "Lighthouse keepers of the north\n\nThe lighthouse keepers of the north coast "
        "kept their lamps burning through the long winter storms of that year.\n",
        encoding="utf-8")
    home = root / "copydesk-home"
    (home / "exports").mkdir(parents=True)
    (home / "exports" / "marks-library-20260101-000000.md").write_text(
        "# Marks: lighthouse\n\n> The lighthouse keepers of the north coast kept their "
        "lamps burning through the long winter storms.\n", encoding="utf-8")
    monkeypatch.setenv("COPYDESK_HOME", str(home))
    assert main(["search", "--format", "json", "lighthouse", str(root)]) == 0
    out = capsys.readouterr().out
    assert "story.txt" in out
    assert "exports" not in out


def test_reanchor_stale_reads_the_article_in_one_snapshot(tmp_path):
    """`copydesk marks` re-anchors marks of re-indexed articles from the
    library index (row + paragraphs). A re-index by another program between
    the two reads must not make it skip the article (or anchor the marks on
    a mix of two versions)."""
    from tui.core.marks import add_mark, marks_for, reanchor_stale

    root = tmp_path / "lib"
    root.mkdir()
    p = root / "a.txt"
    v1 = ["The harbour master said the ferry would run twice a day from the spring.",
          "Fishermen welcomed the news but asked for a longer quay for their boats.",
          "The council will decide on the quay at its next meeting in the town hall."]
    v2 = [*v1[:2], "The council decided on the quay at its last meeting, to everyone's relief."]
    v3 = ["Short,\nnew.", "Shorter\nstill.", "Fishermen welcomed the news but asked for a\n"
          "longer quay for their boats.", "An extra paragraph\nat the end."]
    _write(p, v1)
    home = tmp_path / "home"
    db = Database.open(home)
    lib = Library(db, [root])
    lib.scan(jobs=1)
    art = lib.article(str(p))
    start = art.text().index("Fishermen")
    add_mark(db, str(p), art, start, start + len("Fishermen welcomed the news"))
    _write(p, v2)
    lib.scan(jobs=1)  # the mark is now stale (another source hash)
    _write(p, v3)

    real_execute = db.execute
    fired = []

    def execute_then_reindex(sql, params=()):
        cur = real_execute(sql, params)
        if not fired and "doc, hash, cleaner_version FROM articles WHERE path" in sql:
            fired.append(True)
            other = Database.open(home)
            try:
                Library(other, [root]).scan(jobs=1)
            finally:
                other.close()
        return cur

    db.execute = execute_then_reindex
    try:
        done = reanchor_stale(db)
    finally:
        db.execute = real_execute
    assert fired
    assert done == 1
    (m,) = marks_for(db, str(p))
    assert not m.orphan
    db.close()


async def test_source_list_survives_the_library_shrinking_under_it(tmp_path):
    """Another program (`copydesk index` after files were deleted) marks
    articles missing while the app shows the list: rows the list counted are
    gone when their page is read. End (or scrolling there) raised
    IndexError in OptionList.watch_highlighted / render: the app crashed.
    Now the rows read short are placeholders and the list reloads."""
    from tests.pilot_helpers import settle
    from tests.test_marks_ui import ready
    from tui.ui.app import CopydeskApp

    root = tmp_path / "lib"
    root.mkdir()
    for i in range(150):
        (root / f"{i:04d}.txt").write_text(
            f"Story number {i} of the test library\n\nThe town's council met again on day {i} "
            "and talked about the bridge, the buses and the budget for a long while.\n",
            encoding="utf-8")
    home = tmp_path / "home"
    app = CopydeskApp(roots=[root], home=home)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(app, pilot)
        assert len(app.sources._rows) == 150
        for i in range(100):
            (root / f"{i:04d}.txt").unlink()
        other = Database.open(home)
        try:
            report = Library(other, [root]).scan(jobs=1)
        finally:
            other.close()
        assert report.missing == 100
        app.sources.focus()
        await pilot.pause()
        await pilot.press("end")
        await settle(app, pilot)
        assert app.is_running
        # The list caught up with the library.
        assert len(app.sources._rows) == 50
        await pilot.press("end")
        await pilot.pause()
        e = app.sources.highlighted_entry
        assert e is not None and e.path.endswith("0149.txt")


def test_listing_rows_end_when_the_library_shrank_since_the_count(tmp_path):
    """Listing.rows(offset, limit) walked pages until it had the rows it
    counted: with rows gone since the count (marked missing by another
    program) the pages came back empty forever and it never returned."""
    import threading

    from tui.core.listing import PAGE, Listing

    root = tmp_path / "lib"
    root.mkdir()
    n = PAGE * 2 + 10
    for i in range(n):
        (root / f"{i:04d}.txt").write_text(f"Title {i}\n\nBody of the article number {i}, "
                                           "long enough to be an article body.\n",
                                           encoding="utf-8")
    home = tmp_path / "home"
    db = Database.open(home)
    Library(db, [root]).scan(jobs=1)
    listing = Listing(db, [root])
    assert listing.count() == n
    other = Database.open(home)
    with other.transaction() as c:
        c.execute("UPDATE articles SET status = 'missing' WHERE path >= ?",
                  (str(root / "0050.txt"),))
    other.close()
    got: list = []
    t = threading.Thread(target=lambda: got.append(listing.rows(0, n)), daemon=True)
    t.start()
    t.join(10)
    assert not t.is_alive(), "Listing.rows did not return"
    assert [e.path for e in got[0]] == [str(root / f"{i:04d}.txt") for i in range(50)]
    db.close()


async def test_source_list_mark_count_is_not_cut_off_by_a_long_details_line(tmp_path):
    """A row's mark count came after the outlet, date and reading time, so
    in the app's list pane (~34 cells) the ellipsis cut it off for most
    real rows ('Continental News Service · 2023…'): marked articles did not
    look marked."""
    from tests.test_source_list import list_app
    from tui.core.listing import Listing
    from tui.ui.widgets.source_list import MARKS, SourceList

    db = Database.open(tmp_path / "home")
    root = "/no-such-copydesk-library"
    with db.transaction() as c:
        c.execute("INSERT INTO articles(path, title, status, outlet, published, words) VALUES "
                  "(?, 'A title long enough to be cut off as well, surely', 'ok', "
                  "'Continental News Service', '2023-05-17T10:00', 2300)", (f"{root}/a.txt",))
        c.executemany("INSERT INTO marks(uuid, path, exact, start, end, created, modified) "
                      "VALUES (?, ?, 'x', 0, 1, 'c', 'm')",
                      [(f"u{i}", f"{root}/a.txt") for i in range(3)])
    app = list_app()
    async with app.run_test(size=(80, 10)) as pilot:
        sl = app.query_one(SourceList)
        sl.set_listing(Listing(db, [root]))
        await pilot.pause()
        details = sl.render_line(1).text
        assert "…" in details  # (the line is too long: it is cut)
        assert f"{MARKS}3" in details
    db.close()
