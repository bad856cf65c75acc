"""``copydesk clean``: the three formats, folders, and the error line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "data" / "002_32f7099047f82c11.txt"
SEED4 = REPO / "data" / "004_ed68626b846020ec.txt"


def run(capsys, *argv):
    code = main(["clean", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_markdown_default(capsys):
    code, out, err = run(capsys, SEED)
    assert code == 0 and not err
    assert out.startswith("# Biden caves, allows Ukraine")
    assert "*Shift in position comes after North Korea" in out
    assert "What's Your Reaction?" not in out
    assert "Content created by The Daily Caller" not in out


def test_text_is_body_only(capsys):
    code, out, _ = run(capsys, "--format", "text", SEED)
    assert code == 0
    assert not out.startswith("#")
    assert "Biden caves" not in out.split("\n\n")[0]  # no title
    assert "Nov 18, 2024" not in out  # no dateline
    paras = out.rstrip("\n").split("\n\n")
    assert paras[0].startswith("President Joe Biden officially authorized")
    assert all(p.strip() and "\n" not in p for p in paras)
    assert "*" not in out and "> " not in out


def test_json_lines_keys_and_values(capsys):
    code, out, _ = run(capsys, "--format", "json", SEED, SEED4)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    d = json.loads(lines[1])
    assert set(d) == {"path", "title", "dek", "outlet", "author", "section", "published", "text", "markdown", "removed"}
    assert d["path"] == str(SEED4)
    assert d["published"] == "2024-09-11T21:26"
    assert d["outlet"] == "ICARO Media Group" and d["section"] == "Politics"
    assert {"text": "Related", "reason": "related"} in d["removed"]
    assert all(set(r) == {"text", "reason"} for r in d["removed"])
    first = json.loads(lines[0])
    assert first["published"] == "2024-11-18T13:28"
    assert first["text"].startswith("President Joe Biden officially authorized")


def test_unreadable_input_gives_error_line_and_status_1(capsys, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    missing = tmp_path / "missing.txt"
    code, out, _ = run(capsys, "--format", "json", SEED, missing, empty, SEED4)
    assert code == 1
    rows = [json.loads(l) for l in out.splitlines()]
    assert [Path(r["path"]).name for r in rows] == [SEED.name, "missing.txt", "empty.txt", SEED4.name]
    assert rows[1] == {"path": str(missing), "error": "not found"}
    assert rows[2] == {"path": str(empty), "error": "empty"}
    assert "text" in rows[0] and "text" in rows[3]


def test_error_in_markdown_format_goes_to_stderr(capsys, tmp_path):
    code, out, err = run(capsys, tmp_path / "nope.txt", SEED)
    assert code == 1
    assert "nope.txt: not found" in err and err.count("\n") == 1
    assert "# Biden caves" in out


def test_folder_expands_to_articles(capsys):
    code, out, _ = run(capsys, "--format", "json", REPO / "data")
    assert code == 0
    assert len(out.splitlines()) == 5


def test_many_files_in_one_process_keep_order(capsys, tmp_path):
    paths = []
    for i in range(30):  # enough to use the process pool
        p = tmp_path / f"a{i:02d}.txt"
        p.write_text(SEED.read_text(encoding="utf-8") if i % 2 else SEED4.read_text(encoding="utf-8"), encoding="utf-8")
        paths.append(p)
    code, out, _ = run(capsys, "--format", "json", *paths)
    assert code == 0
    assert [Path(json.loads(l)["path"]).name for l in out.splitlines()] == [p.name for p in paths]


def test_html_and_markdown_inputs(capsys, tmp_path):
    h = tmp_path / "page.html"
    h.write_text(
        "<html><head><title>Quiet Harbour - The Gazette</title></head><body><nav><a>Home</a><a>News</a></nav>"
        "<article><h1>Quiet Harbour</h1><p>The harbour was quiet on Sunday, as the fishing fleet stayed in port "
        "because of the storm warnings issued on Saturday evening.</p><p>Skippers said they would wait for the "
        "wind to drop before going out again, which may take until the middle of the week.</p></article>"
        "<footer>© 2024 The Gazette</footer></body></html>",
        encoding="utf-8",
    )
    m = tmp_path / "note.md"
    m.write_text("# A Note\n\n## Part one\n\nThe first part of the note explains, at some length, why the "
                 "harbour is quiet today and what the skippers intend to do.\n", encoding="utf-8")
    code, out, _ = run(capsys, "--format", "json", h, m)
    assert code == 0
    a, b = (json.loads(l) for l in out.splitlines())
    assert a["title"] == "Quiet Harbour"
    assert a["text"].startswith("The harbour was quiet on Sunday")
    assert "Home" not in a["text"] and "©" not in a["text"]
    assert b["title"] == "A Note" and "## Part one" in b["markdown"]


def test_console_script_end_to_end(tmp_path):
    res = subprocess.run([sys.executable, "-m", "tui", "clean", "--format", "text", str(SEED4)],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0
    assert res.stdout.startswith("The White House is reportedly working")
    assert "views expressed" not in res.stdout


def test_folder_skipped_file_named_as_the_folder_was_given(capsys, tmp_path, monkeypatch):
    """A dangling symlink in a folder gets its error line, under the folder's
    name as typed (like the folder's other files), not its resolved path."""
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "a.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (lib / "gone.txt").symlink_to(tmp_path / "nothing.txt")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "--format", "json", "lib")
    assert code == 1
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["path"] for r in rows] == ["lib/a.txt", "lib/gone.txt"]
    assert "error" in rows[1] and "error" not in rows[0]
