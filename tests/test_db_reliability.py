"""The database never loses a mark: kill -9, two writers, a corrupt file,
a database from a newer copydesk."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from tui.cli import main
from tui.core.db import DB_NAME, Database, DatabaseTooNew
from tui.core.marks import add_mark, all_marks, marks_for
from tui.core.model import PARAGRAPH, Article, Block

# A process that adds marks through the core and acknowledges each one on
# stdout only after add_mark returned (as the UI shows a mark only then).
CHILD = textwrap.dedent("""
    import sys, time
    from tui.core.db import Database
    from tui.core.marks import add_mark
    from tui.core.model import Article, Block
    home, n, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    db = Database.open(home)
    art = Article(title="Story " + tag, blocks=[
        Block("paragraph", " ".join(f"w{i}x{j}" for j in range(12))) for i in range(50)])
    spans = list(art.block_spans())
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range(n):
        s, e = spans[i % len(spans)]
        m = add_mark(db, "/" + tag + ".txt", art, s, e, note=f"{tag}-{i}")
        print(m.uuid, flush=True)
    print("done", flush=True)
    time.sleep(60)
""")


def _spawn(home, n, tag):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    p = subprocess.Popen([sys.executable, "-c", CHILD, str(home), str(n), tag],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=env)
    assert p.stdout.readline().strip() == "ready", p.stderr.read()
    return p


def _integrity(home) -> str:
    conn = sqlite3.connect(home / DB_NAME)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("acks", [1, 37])
def test_acknowledged_marks_survive_sigkill(tmp_path, acks):
    home = tmp_path / "home"
    p = _spawn(home, 10_000, "k")
    p.stdin.write("go\n")
    p.stdin.flush()
    seen = []
    for _ in range(acks):
        seen.append(p.stdout.readline().strip())
    os.kill(p.pid, signal.SIGKILL)  # one moment after the acknowledgement
    p.wait(timeout=30)
    assert p.returncode == -signal.SIGKILL
    db = Database.open(home)  # the "restart"
    try:
        assert db.moved_aside is None
        stored = {m.uuid for m in marks_for(db, "/k.txt")}
        assert set(seen) <= stored
    finally:
        db.close()
    assert _integrity(home) == "ok"


def test_two_writers_lose_nothing(tmp_path):
    home = tmp_path / "home"
    Database.open(home).close()
    procs = [_spawn(home, 200, tag) for tag in ("a", "b")]
    for p in procs:  # start both at once
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        lines = []
        while True:
            line = p.stdout.readline()
            assert line, p.stderr.read()
            if line.strip() == "done":
                break
            lines.append(line)
        assert len(lines) == 200
        p.kill()
        p.wait(timeout=30)
    db = Database.open(home)
    try:
        marks = all_marks(db)
        assert len(marks) == 400 and len({m.uuid for m in marks}) == 400
        assert {m.note for m in marks} == {f"{t}-{i}" for t in "ab" for i in range(200)}
    finally:
        db.close()


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _real_db_with_marks(home) -> None:
    db = Database.open(home)
    art = Article(title="T", blocks=[Block(PARAGRAPH, f"Paragraph {i} " + "text " * 100) for i in range(300)])
    for s, e in list(art.block_spans())[:200]:
        add_mark(db, "/t.txt", art, s, e, note="n" * 200)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "header"])
def test_corrupt_database_is_moved_aside_and_kept(tmp_path, damage, capsys):
    home = tmp_path / "home"
    home.mkdir()
    dbfile = home / DB_NAME
    if damage == "garbage":
        dbfile.write_bytes(os.urandom(3000) + b"not a database")
    else:
        _real_db_with_marks(home)
        data = dbfile.read_bytes()
        if damage == "truncated":
            data = data[: len(data) // 3]
        else:
            data = b"\0" * 100 + data[100:]
        dbfile.write_bytes(data)
    before = _sha(dbfile)
    # The user is told where the old file went (here by the marks command).
    assert main(["marks", "list", "--home", str(home)]) == 0
    err = capsys.readouterr().err
    moved = [p for p in home.iterdir() if p.name.startswith(DB_NAME + ".corrupt-")
             and not p.name.endswith(("-wal", "-shm"))]
    assert len(moved) == 1
    assert str(moved[0]) in err and "moved aside" in err
    assert _sha(moved[0]) == before  # kept, byte for byte
    # A fresh database works, and the corrupt copy stays on later openings.
    db = Database.open(home)
    try:
        assert db.moved_aside is None
        art = Article(title="T", blocks=[Block(PARAGRAPH, "A fresh start.")])
        add_mark(db, "/t.txt", art, 0, 5)
        assert len(all_marks(db)) == 1
    finally:
        db.close()
    assert moved[0].exists() and _sha(moved[0]) == before


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_newer_schema_is_refused_and_left_unchanged(tmp_path, journal, capsys):
    home = tmp_path / "home"
    home.mkdir()
    dbfile = home / DB_NAME
    conn = sqlite3.connect(dbfile)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.execute("CREATE TABLE marks (id INTEGER PRIMARY KEY, future TEXT)")
    conn.execute("INSERT INTO marks(future) VALUES ('from the future')")
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()
    before = _sha(dbfile)
    with pytest.raises(DatabaseTooNew) as exc:
        Database.open(home)
    assert "newer copydesk" in str(exc.value)
    assert main(["marks", "export", "--home", str(home)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("copydesk: ") and err.count("\n") == 1 and "newer" in err
    assert "Traceback" not in err
    assert _sha(dbfile) == before
    assert not [p for p in home.iterdir() if ".corrupt-" in p.name]
    conn = sqlite3.connect(dbfile)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 7
        assert conn.execute("SELECT future FROM marks").fetchall() == [("from the future",)]
    finally:
        conn.close()


# -- where the database lives ---------------------------------------------------

def test_database_path_that_is_a_folder_is_one_clear_line(tmp_path):
    from tui.core.db import DatabaseError

    home = tmp_path / "home"
    (home / DB_NAME).mkdir(parents=True)
    with pytest.raises(DatabaseError) as e:
        Database.open(home)
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith(f"{home / DB_NAME} is a folder, not a copydesk database")
    # The reason is said once (not "cannot read X (X cannot be written (...)): ...").
    assert msg.count(str(home / DB_NAME)) == 1 and msg.count("(") <= 1
    assert sorted(os.listdir(home)) == [DB_NAME] and os.listdir(home / DB_NAME) == []
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.txt").write_text("A story\n\nWith a paragraph of text.\n")
    r = subprocess.run([sys.executable, "-m", "tui", "index", str(tmp_path / "lib"),
                        "--home", str(home)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stderr == f"copydesk: {msg}\n" and r.stdout == ""


def test_home_that_is_a_file_is_refused_and_left_alone(tmp_path):
    from tui.core.db import DatabaseError

    home = tmp_path / "home"
    home.write_text("not a folder")
    for create in (True, False):
        with pytest.raises(DatabaseError, match="is not a folder"):
            Database.open(home, create=create)
    assert home.read_text() == "not a folder"


def test_open_without_create_never_creates_anything(tmp_path):
    """Read-only commands open with create=False: a missing home (or a home
    without a database) is a one-line HomeMissing error and nothing appears."""
    from tui.core.db import HomeMissing

    missing = tmp_path / "a" / "b"
    with pytest.raises(HomeMissing, match="no copydesk home at") as e:
        Database.open(missing, create=False)
    assert "\n" not in str(e.value) and not (tmp_path / "a").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(HomeMissing, match="no copydesk database in"):
        Database.open(empty, create=False)
    assert os.listdir(empty) == []
    # With a database there, it opens as usual (and create=True still creates).
    Database.open(empty).close()
    db = Database.open(empty, create=False)
    assert not db.read_only
    db.close()
    Database.open(missing).close()
    assert (missing / DB_NAME).is_file()


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system taking any bytes")
@pytest.mark.parametrize("name", ["h\udcffome", "h?o#m%e"])
def test_read_only_connection_to_a_home_with_any_name(tmp_path, name):
    """A home whose name is not UTF-8 (or holds URI characters) is read
    like any other (search and the source list connect read-only)."""
    from tui.core.db import connect_read_only

    home = tmp_path / name
    db = Database.open(home)
    db.close()
    conn = connect_read_only(home / DB_NAME)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] > 0
    finally:
        conn.close()
