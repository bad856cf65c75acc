"""Marks core: storage, re-anchoring through the database, export, CLI."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main
from tui.core.db import Database
from tui.core.library import Library
from tui.core.marks import (COLORS, MarkError, add_mark, all_marks, delete_mark, export_csv,
                            export_json, export_markdown, get_mark, mark_counts, marks_at,
                            marks_for, reanchor, undelete_mark, update_mark)
from tui.core.model import PARAGRAPH, Article, Block

PARAS = [
    "Officials in Kyiv said on Tuesday that the power grid held through the night.",
    "Engineers worked in shifts to repair the damaged substations, a spokesman said.",
    "The minister warned that winter would test the country's energy system again.",
    "Aid from allies, he added, had arrived faster than in previous months.",
]


def article(paras=PARAS, title="Grid holds") -> Article:
    return Article(title=title, outlet="The Daily", author="A. Writer",
                   blocks=[Block(PARAGRAPH, p, i, i + 1) for i, p in enumerate(paras)])


@pytest.fixture
def db(tmp_path):
    d = Database.open(tmp_path / "home")
    yield d
    d.close()


def span_of(art: Article, needle: str) -> tuple[int, int]:
    s = art.text().index(needle)
    return s, s + len(needle)


# -- storage ---------------------------------------------------------------------

def test_add_list_update_delete_undo(db):
    art = article()
    s, e = span_of(art, "the power grid held")
    m = add_mark(db, "/a.txt", art, s, e, note="key line", source_hash="h1", cleaner_version=1)
    assert (m.exact, m.start, m.end, m.color, m.note, m.state) == (
        "the power grid held", s, e, "yellow", "key line", "anchored")
    assert m.prefix == art.text()[max(0, s - 32):s] and m.suffix == art.text()[e:e + 32]
    assert m.title == "Grid holds" and m.created.endswith("Z")
    assert [x.uuid for x in marks_for(db, "/a.txt")] == [m.uuid]

    m2 = update_mark(db, m.uuid, color="blue", note="changed")
    assert (m2.color, m2.note) == ("blue", "changed") and m2.modified >= m.modified

    token = delete_mark(db, m.uuid)
    assert marks_for(db, "/a.txt") == [] and all_marks(db) == []
    assert mark_counts(db) == {}
    with pytest.raises(MarkError):
        update_mark(db, m.uuid, note="x")
    back = undelete_mark(db, token)
    assert (back.uuid, back.color, back.note) == (m.uuid, "blue", "changed")
    assert mark_counts(db) == {"/a.txt": 1}
    with pytest.raises(MarkError):
        undelete_mark(db, token)  # nothing left to undo


def test_marks_are_ordered_and_counted(db):
    art = article()
    for needle in ("Aid from allies", "Engineers worked", "Officials in Kyiv"):
        add_mark(db, "/a.txt", art, *span_of(art, needle))
    add_mark(db, "/b.txt", art, *span_of(art, "winter"))
    assert [m.exact for m in marks_for(db, "/a.txt")] == ["Officials in Kyiv", "Engineers worked",
                                                          "Aid from allies"]
    assert [m.path for m in all_marks(db)] == ["/a.txt"] * 3 + ["/b.txt"]
    assert mark_counts(db) == {"/a.txt": 3, "/b.txt": 1}


def test_span_is_trimmed_and_validated(db):
    art = article()
    text = art.text()
    end_first = len(PARAS[0])
    # A selection running over the paragraph break keeps no white space at its ends.
    m = add_mark(db, "/a.txt", art, end_first - 6, end_first + 2)
    assert m.exact == "night." and m.end == end_first
    with pytest.raises(MarkError):
        add_mark(db, "/a.txt", art, end_first, end_first + 2)  # only "\n\n"
    with pytest.raises(MarkError):
        add_mark(db, "/a.txt", art, 0, 5, color="octarine")
    assert len(COLORS) >= 4
    # Control characters never reach the database through a note.
    m = add_mark(db, "/a.txt", art, 0, 9, note="ok\x1b[31m red\x07")
    assert get_mark(db, m.uuid).note == "ok red"
    assert len(text) == len(art.text())


def test_marks_at_finds_overlaps(db):
    art = article()
    a = add_mark(db, "/a.txt", art, *span_of(art, "power grid"))
    add_mark(db, "/a.txt", art, *span_of(art, "substations"))
    ms = marks_for(db, "/a.txt")
    p0 = art.text().index("power")
    assert [m.uuid for m in marks_at(ms, p0 + 3, p0 + 3)] == [a.uuid]
    assert [m.uuid for m in marks_at(ms, 0, len(PARAS[0]))] == [a.uuid]
    assert len(marks_at(ms, 0, len(art.text()))) == 2
    assert marks_at(ms, 0, 3) == []


def test_changes_are_committed_before_returning(db, tmp_path):
    art = article()
    m = add_mark(db, "/a.txt", art, 0, 9)
    other = Database.open(tmp_path / "home")  # a second connection sees it at once
    try:
        assert [x.uuid for x in marks_for(other, "/a.txt")] == [m.uuid]
        delete_mark(db, m.uuid)
        assert marks_for(other, "/a.txt") == []
    finally:
        other.close()


# -- re-anchoring ---------------------------------------------------------------

def test_reanchor_after_the_text_changed(db, tmp_path):
    old = article()
    kept = add_mark(db, "/a.txt", old, *span_of(old, "repair the damaged substations"),
                    source_hash="v1", cleaner_version=1, note="repairs")
    edited = add_mark(db, "/a.txt", old, *span_of(old, "winter would test the country's energy system"),
                      source_hash="v1", cleaner_version=1)
    gone = add_mark(db, "/a.txt", old, *span_of(old, "Aid from allies, he added"),
                    source_hash="v1", cleaner_version=1, note="keep me")
    new = article(["A new first paragraph appeared when the cleaner improved.",
                   PARAS[0], PARAS[1],
                   "The minister warned that winter would test the nation's energy system again."])
    marks = reanchor(db, "/a.txt", new, "v2", 2)
    by = {m.uuid: m for m in marks}
    text = new.text()
    k = by[kept.uuid]
    assert k.state == "anchored" and text[k.start:k.end] == "repair the damaged substations"
    e = by[edited.uuid]
    assert e.state == "fuzzy" and text[e.start:e.end] == "winter would test the nation's energy system"
    g = by[gone.uuid]
    assert g.state == "orphan" and g.exact == "Aid from allies, he added" and g.note == "keep me"
    assert marks[-1].uuid == gone.uuid  # orphans listed last, still listed
    # Saved: a fresh connection sees the new positions; the same version is not redone.
    other = Database.open(tmp_path / "home")
    try:
        stored = {m.uuid: m for m in marks_for(other, "/a.txt")}
        assert (stored[kept.uuid].start, stored[kept.uuid].source_hash) == (k.start, "v2")
        assert stored[gone.uuid].state == "orphan"
    finally:
        other.close()
    again = reanchor(db, "/a.txt", new, "v2", 2)
    assert [(m.uuid, m.start, m.state) for m in again] == [(m.uuid, m.start, m.state) for m in marks]
    # The passage comes back (file restored): the orphan is found again.
    back = {m.uuid: m for m in reanchor(db, "/a.txt", old, "v1", 1)}
    assert back[gone.uuid].state == "anchored" and old.text()[back[gone.uuid].start:back[gone.uuid].end] == "Aid from allies, he added"


def test_reanchor_uses_the_library_index(tmp_path):
    lib_dir = tmp_path / "lib"
    lib_dir.mkdir()
    f = lib_dir / "story.txt"
    f.write_text("Grid holds\n\n" + "\n\n".join(PARAS) + "\n", encoding="utf-8")
    db = Database.open(tmp_path / "home")
    try:
        lib = Library(db, [lib_dir])
        lib.scan()
        path = str(f.resolve())
        art = lib.article(path)
        needle = "repair the damaged substations"
        m = add_mark(db, path, art, *span_of(art, needle))
        row = db.execute("SELECT hash, cleaner_version FROM articles WHERE path = ?", (path,)).fetchone()
        assert (m.source_hash, m.cleaner_version) == (row[0], row[1])
        # The file is edited: a paragraph inserted before the mark.
        f.write_text("Grid holds\n\nBreaking: an update was added at the top of the story.\n\n"
                     + "\n\n".join(PARAS) + "\n", encoding="utf-8")
        lib.scan()
        art2 = lib.article(path)
        [m2] = reanchor(db, path, art2)
        assert art2.text()[m2.start:m2.end] == needle and m2.start > m.start
        assert m2.source_hash != m.source_hash
        assert [e.marks for e in lib.entries()] == [1]
    finally:
        db.close()


# -- export ------------------------------------------------------------------------

@pytest.fixture
def indexed(tmp_path):
    """A library with one indexed article and two marks on it, plus one mark
    on an article that is not in the index."""
    lib_dir = tmp_path / "lib"
    lib_dir.mkdir()
    f = lib_dir / "story.txt"
    f.write_text("Grid holds\n\n" + "\n\n".join(PARAS) + "\n", encoding="utf-8")
    db = Database.open(tmp_path / "home")
    lib = Library(db, [lib_dir])
    lib.scan()
    path = str(f.resolve())
    art = lib.article(path)
    db.execute("UPDATE articles SET outlet = 'The Daily', author = 'A. Writer', "
               "published = '2024-11-18T13:28' WHERE path = ?", (path,))
    a = add_mark(db, path, art, *span_of(art, "the power grid held"), note='He said: "held", then, left')
    b = add_mark(db, path, art, *span_of(art, "Engineers worked in shifts"), color="green")
    gone = article(title="Vanished story")
    c = add_mark(db, "/nowhere/gone.txt", gone, *span_of(gone, "Aid from allies"), note="line one\nline two")
    yield db, path, art, (a, b, c), tmp_path / "home"
    db.close()


def test_export_markdown(indexed):
    db, path, art, (a, b, c), _ = indexed
    md = export_markdown(db, all_marks(db))
    title = db.execute("SELECT title FROM articles WHERE path = ?", (path,)).fetchone()[0]
    assert f"## {title}" in md
    assert f"The Daily · By A. Writer · 2024-11-18 13:28 · `{path}`" in md
    assert "> the power grid held\n\nHe said: \"held\", then, left" in md
    assert "> Engineers worked in shifts" in md
    # The article no longer indexed: its title comes from the mark.
    assert "## Vanished story" in md and "`/nowhere/gone.txt`" in md
    assert "> Aid from allies\n\nline one\nline two" in md
    # Grouped by article: both marks of the indexed article under its heading.
    sections = md.split("\n## ")
    assert sum("> the power grid held" in x and "> Engineers worked" in x for x in sections) == 1


def test_export_json_is_web_annotation(indexed):
    db, path, art, (a, b, c), _ = indexed
    data = json.loads(export_json(db, all_marks(db)))
    assert len(data) == 3
    text = art.text()
    for ann in data:
        assert ann["@context"] == "http://www.w3.org/ns/anno.jsonld" and ann["type"] == "Annotation"
        assert ann["id"].startswith("urn:uuid:") and ann["created"] and ann["modified"]
        quote, pos = ann["target"]["selector"]
        assert quote["type"] == "TextQuoteSelector" and pos["type"] == "TextPositionSelector"
        if ann["target"]["source"] == Path(path).as_uri():
            assert text[pos["start"]:pos["end"]] == quote["exact"]
            assert text[:pos["start"]].endswith(quote["prefix"])
            assert text[pos["end"]:].startswith(quote["suffix"])
    first = next(x for x in data if x["target"]["selector"][0]["exact"] == "the power grid held")
    assert first["motivation"] == "commenting"
    assert {"type": "TextualBody", "purpose": "highlighting", "value": "yellow"} in first["body"]
    note = next(x for x in first["body"] if x["purpose"] == "commenting")
    assert note["value"] == 'He said: "held", then, left'
    green = next(x for x in data if x["target"]["selector"][0]["exact"] == "Engineers worked in shifts")
    assert green["motivation"] == "highlighting" and green["body"][-1]["value"] == "green"


def test_export_csv_readwise(indexed):
    db, path, art, (a, b, c), _ = indexed
    out = export_csv(db, all_marks(db))
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["Highlight", "Title", "Author", "URL", "Note", "Location"]
    assert len(rows) == 4
    r = next(r for r in rows[1:] if r[0] == "the power grid held")
    assert r[2] == "A. Writer" and r[3] == Path(path).as_uri()
    assert r[4] == 'He said: "held", then, left' and int(r[5]) == a.start
    r = next(r for r in rows[1:] if r[0] == "Aid from allies")
    assert r[1] == "Vanished story" and r[4] == "line one\nline two"


FORMULAS = ["=HYPERLINK(\"http://x.test\",\"click\")", "+1+2", "-3 degrees overnight",
            "@SUM(A1:A2)", "\tindented", "\rreturn"]


def test_export_csv_neutralises_spreadsheet_formulas(tmp_path):
    """OWASP CSV injection: a cell starting with = + - @ tab or CR is shown
    as text (prefixed with '); JSON and Markdown keep the text unchanged."""
    paras = [f"{f} is what the paragraph says." for f in ("=1+1", "+7", "-5", "@home")]
    art = article(paras, title="=IMPORTXML(\"http://x.test\")")
    db = Database.open(tmp_path / "home")
    try:
        marks = [add_mark(db, "/lib/f.txt", art, *span_of(art, p), note=note)
                 for p, note in zip(paras, FORMULAS)]
        rows = list(csv.reader(io.StringIO(export_csv(db, all_marks(db)))))[1:]
        by_start = {int(r[5]): r for r in rows}
        for m in marks:
            r = by_start[m.start]
            assert r[0] == "'" + m.exact and r[4] == "'" + m.note
            assert r[1] == "'=IMPORTXML(\"http://x.test\")"
        # A cell that does not start with one of them is left alone.
        plain = add_mark(db, "/lib/g.txt", article(), *span_of(article(), "the power grid held"),
                         note="a = b, and -c")
        [r] = [r for r in csv.reader(io.StringIO(export_csv(db, [plain])))][1:]
        assert r[0] == "the power grid held" and r[4] == "a = b, and -c" and r[1] == "Grid holds"
        # The other formats are not spreadsheets: text as it is.
        data = json.loads(export_json(db, all_marks(db)))
        assert {a["target"]["selector"][0]["exact"] for a in data} >= {m.exact for m in marks}
        md = export_markdown(db, all_marks(db))
        assert "> =1+1 is what the paragraph says." in md and "'=" not in md
    finally:
        db.close()


# -- CLI ---------------------------------------------------------------------------

def test_cli_export_and_list(indexed, capsys):
    db, path, art, marks, home = indexed
    assert main(["marks", "export", "--format", "json", "--home", str(home)]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 3
    assert main(["marks", "export", "--format", "csv", "--article", path, "--home", str(home)]) == 0
    assert len(list(csv.reader(io.StringIO(capsys.readouterr().out)))) == 3
    assert main(["marks", "export", "--home", str(home)]) == 0
    assert "> Engineers worked in shifts" in capsys.readouterr().out
    assert main(["marks", "list", "--home", str(home)]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "COLOUR", "DATE", "ARTICLE", "QUOTE", "NOTE"]
    assert len(lines) == 4 and any("green" in l and "Engineers worked" in l for l in lines)
    assert "3 marks" in err


def test_cli_article_errors(indexed, capsys, tmp_path):
    db, path, art, marks, home = indexed
    assert main(["marks", "list", "--article", str(tmp_path / "nope.txt"), "--home", str(home)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("copydesk: ") and err.count("\n") == 1 and "nope.txt" in err
    other = tmp_path / "other.txt"
    other.write_text("hello", encoding="utf-8")
    assert main(["marks", "export", "--article", str(other), "--home", str(home)]) == 0
    assert capsys.readouterr().out == ""


def test_cli_as_a_subprocess(indexed):
    db, path, art, marks, home = indexed
    r = subprocess.run([sys.executable, "-m", "tui", "marks", "export", "--format", "markdown",
                        "--article", path, "--home", str(home)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    assert "> the power grid held" in r.stdout
    r = subprocess.run([sys.executable, "-m", "tui", "marks", "export", "--format", "yaml",
                        "--home", str(home)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_export_file_writes_a_new_file_each_time(indexed, tmp_path):
    from tui.core.marks import export_file

    db, path, art, marks, home = indexed
    first = export_file(db, article=path)
    assert first.parent == home / "exports" and first.suffix == ".md"
    assert "> the power grid held" in first.read_text(encoding="utf-8")
    second = export_file(db, fmt="json", directory=tmp_path / "out")
    assert len(json.loads(second.read_text(encoding="utf-8"))) == 3
    third = export_file(db, article=path)
    assert third != first and first.exists()  # never overwritten
    assert not [p for p in (home / "exports").iterdir() if p.name.endswith(".tmp")]
    with pytest.raises(MarkError):
        export_file(db, article="/no/marks/here.txt")


def test_cli_reanchors_marks_of_reindexed_articles(indexed, capsys):
    db, path, art, (a, b, c), home = indexed
    f = Path(path)
    f.write_text("Grid holds\n\nAn editor's note was added at the top of the story.\n\n"
                 + "\n\n".join(PARAS).replace("Engineers worked in shifts", "Engineers worked in two shifts")
                 + "\n", encoding="utf-8")
    Library(db, [f.parent]).scan()
    assert main(["marks", "export", "--format", "json", "--article", path, "--home", str(home)]) == 0
    data = json.loads(capsys.readouterr().out)
    text = Library(db, [f.parent]).article(path).text()
    by_quote = {x["target"]["selector"][0]["exact"]: x["target"]["selector"][1] for x in data}
    pos = by_quote["the power grid held"]
    assert text[pos["start"]:pos["end"]] == "the power grid held" and pos["start"] > a.start
    assert "Engineers worked in two shifts" in by_quote  # fuzzy: the quote follows the text
    states = {m.exact: m.state for m in marks_for(db, path)}
    assert states == {"the power grid held": "anchored", "Engineers worked in two shifts": "fuzzy"}
