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
