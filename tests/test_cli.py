"""The reader's command line: --help, --version, --home, and user mistakes
(one line on stderr, exit status 2, no traceback)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import tui
from tui.cli import main


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True,
                          timeout=60, env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)


def one_line_error(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    assert lines[0].startswith("copydesk: ")
    return lines[0]


def test_help_and_version() -> None:
    r = run_cli("--help")
    assert r.returncode == 0
    for word in ("PATH", "--home", "--version", "clean", "search", "marks", "index"):
        assert word in r.stdout
    r = run_cli("--version")
    assert r.returncode == 0
    assert r.stdout.strip() == f"copydesk {tui.__version__}"


def test_missing_path_is_one_line_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    r = run_cli(str(missing))
    assert r.returncode == 2
    line = one_line_error(r.stderr)
    assert str(missing) in line and "no such file" in line
    assert r.stdout == ""


def test_folder_without_articles(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    assert main([str(tmp_path)]) == 2
    line = one_line_error(capsys.readouterr().err)
    assert "no readable articles" in line


def test_folder_holding_only_the_home_has_no_articles(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """The home's own files (a marks export) under a library root are not
    articles: the reader says so instead of opening an empty library."""
    home = tmp_path / "home"
    (home / "exports").mkdir(parents=True)
    (home / "exports" / "marks-2026.md").write_text("# Marks\n\nA quoted passage that is long enough.\n")
    assert main(["--home", str(home), str(tmp_path)]) == 2
    line = one_line_error(capsys.readouterr().err)
    assert "no readable articles" in line
    assert not (home / "copydesk.db").exists()


@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty"),
    ("blob.txt", bytes(range(256)) * 40, "binary"),
    ("photo.png", b"\x89PNG\r\n", "not an article file"),
])
def test_named_file_that_is_not_an_article(tmp_path: Path, capsys: pytest.CaptureFixture,
                                           name: str, data: bytes, reason: str) -> None:
    f = tmp_path / name
    f.write_bytes(data)
    assert main([str(f)]) == 2
    line = one_line_error(capsys.readouterr().err)
    assert name in line and reason in line


def test_home_that_cannot_be_created(tmp_path: Path, seeds_dir: Path,
                                     capsys: pytest.CaptureFixture) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["--home", str(blocker / "sub"), str(seeds_dir)]) == 2
    line = one_line_error(capsys.readouterr().err)
    assert "cannot create copydesk home" in line


def test_database_from_newer_copydesk_is_refused(home: Path, seeds_dir: Path) -> None:
    db = home / "copydesk.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    r = run_cli(str(seeds_dir), env={"COPYDESK_HOME": str(home)})
    assert r.returncode == 2
    assert "newer copydesk" in one_line_error(r.stderr)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 999
    assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    conn.close()


def test_home_option_is_used(tmp_path: Path, seeds_dir: Path, monkeypatch) -> None:
    """--home wins over $COPYDESK_HOME: the app is built with that home."""
    seen = {}

    class FakeApp:
        def __init__(self, roots, home):
            seen["roots"], seen["home"] = roots, home
            self.return_code = 0

        def run(self):
            pass

    import tui.ui.app

    monkeypatch.setattr(tui.ui.app, "CopydeskApp", FakeApp)
    monkeypatch.setenv("COPYDESK_HOME", str(tmp_path / "env-home"))
    assert main(["--home", str(tmp_path / "opt-home")]) == 0
    assert seen["home"] == str(tmp_path / "opt-home")
    from tui.core.library import bundled_data_dir

    assert seen["roots"] == [bundled_data_dir()]
    assert main([str(seeds_dir / sorted(os.listdir(seeds_dir))[1])]) == 0
    assert seen["roots"][0].is_file()


def test_subcommand_options_may_follow_positionals(tmp_path):
    """`copydesk search QUERY --passages PATH`: options between positionals."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    data = Path(__file__).parents[1] / "data"
    out = subprocess.run(
        [sys.executable, "-m", "tui", "search", "pokrovsk power", "--passages", "--format", "json",
         "--limit", "1", str(data)],
        capture_output=True, text=True, env={**__import__("os").environ, "COPYDESK_HOME": str(tmp_path)},
        timeout=120)
    assert out.returncode == 0, out.stderr
    row = json.loads(out.stdout.splitlines()[0])
    assert row["path"].endswith("004_ed68626b846020ec.txt")
    assert "Pokrovsk" in row["passage"]


def test_only_commands_that_write_create_a_missing_home(tmp_path: Path, seeds_dir: Path,
                                                        capsys: pytest.CaptureFixture,
                                                        monkeypatch) -> None:
    """`search`, `marks list|export` and `clean` never create a missing home
    (a mistyped --home must not leave an empty one behind); `index` does."""
    missing = tmp_path / "no-home"
    for args in (["marks", "list"], ["marks", "export", "--format", "csv"]):
        assert main([*args, "--home", str(missing)]) == 2
        line = one_line_error(capsys.readouterr().err)
        assert "no copydesk home" in line and str(missing) in line
        assert not missing.exists()
    # $COPYDESK_HOME is a home too.
    monkeypatch.setenv("COPYDESK_HOME", str(missing))
    assert main(["marks", "export"]) == 2
    assert "no copydesk home" in one_line_error(capsys.readouterr().err)
    # clean needs no home at all (and takes --home like the others, unused).
    article = seeds_dir / sorted(os.listdir(seeds_dir))[0]
    assert main(["clean", str(article)]) == 0
    assert capsys.readouterr().out.strip()
    assert main(["--home", str(missing), "clean", str(article)]) == 0
    assert capsys.readouterr().out.strip()
    # search: a small library is searched directly, without the home...
    assert main(["search", "biden", str(seeds_dir), "--home", str(missing)]) == 0
    assert "Biden" in capsys.readouterr().out
    # ...a big one needs the home's index: one line, nothing created.
    big = tmp_path / "big"
    big.mkdir()
    from tui.commands.search import DIRECT_LIMIT

    for i in range(DIRECT_LIMIT + 1):
        (big / f"{i:04}.txt").write_text(f"Story {i}\n\nA paragraph about item {i}.\n")
    assert main(["search", "story", str(big), "--home", str(missing)]) == 2
    assert "no copydesk home" in one_line_error(capsys.readouterr().err)
    assert not missing.exists()
    # A folder with no database in it: none is made there either.
    empty = tmp_path / "empty-home"
    empty.mkdir()
    assert main(["marks", "list", "--home", str(empty)]) == 2
    assert "no copydesk database" in one_line_error(capsys.readouterr().err)
    assert main(["search", "biden", str(seeds_dir), "--home", str(empty)]) == 0
    capsys.readouterr()
    assert list(empty.iterdir()) == []
    # A file where the home should be.
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert main(["marks", "list", "--home", str(blocker)]) == 2
    assert "not a folder" in one_line_error(capsys.readouterr().err)
    # index writes: it creates the home.
    assert main(["index", str(seeds_dir), "--home", str(missing), "--jobs", "1"]) == 0
    assert (missing / "copydesk.db").is_file()
    capsys.readouterr()
    assert main(["marks", "list", "--home", str(missing)]) == 0
    assert "no marks" in capsys.readouterr().err


def test_home_before_the_subcommand(tmp_path: Path, seeds_dir: Path,
                                    capsys: pytest.CaptureFixture, monkeypatch) -> None:
    """`copydesk --home DIR marks list` works like `copydesk marks list --home
    DIR` (the subcommand was taken for a missing file: 'marks: no such file')."""
    home = tmp_path / "home"
    assert main(["--home", str(home), "index", str(seeds_dir), "--jobs", "1"]) == 0
    assert (home / "copydesk.db").is_file()
    capsys.readouterr()
    assert main([f"--home={home}", "marks", "list"]) == 0
    assert "no marks" in capsys.readouterr().err
    assert main(["--home", str(home), "search", "biden", str(seeds_dir)]) == 0
    assert "Biden" in capsys.readouterr().out
    # A folder of that name is still a path to read.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "search").mkdir()
    assert main(["--home", str(home), "search"]) == 2
    assert "no readable articles" in one_line_error(capsys.readouterr().err)


def test_subcommand_help_and_missing_query() -> None:
    """Every option says what it does; `copydesk search` without a query
    names only QUERY as missing (PATH is optional)."""
    r = run_cli("search")
    assert r.returncode == 2
    assert r.stderr.strip().splitlines()[-1].endswith("required: QUERY")
    for args, words in ((["marks", "export", "--help"], ["W3C", "Readwise", "only the marks"]),
                        (["search", "--help"], ["at most N", "not created if missing"]),
                        (["index", "--help"], ["cleaning processes"])):
        r = run_cli(*args)
        assert r.returncode == 0
        for w in words:
            assert w in " ".join(r.stdout.split()), (args, w)
