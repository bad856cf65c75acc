"""Database fault injection: read-only home, disk full, locked database,
damaged file, newer schema. Each gives one clear line; marks already saved
are never lost or overwritten.

How each fault is produced (honestly):

- read-only home: REAL. Tests run as root, for whom chmod does not stop
  writes, so the check runs in a forked child that drops to uid/gid 65534
  (nobody) before opening the database; a non-root run uses chmod directly.
- disk full: SIMULATED with ``PRAGMA max_page_count`` (SQLite then fails with
  SQLITE_FULL exactly as on a full disk).
- locked: REAL: another process holds ``BEGIN EXCLUSIVE``; the busy timeout
  is shortened (monkeypatched) to keep the test quick.
- damaged file / newer schema: real files (bytes overwritten, user_version
  raised by hand).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import hostile  # noqa: E402

from tui.core import db as db_mod
from tui.core.db import (DB_NAME, Database, DatabaseCorrupt, DatabaseError, DatabaseFull,
                         DatabaseLocked, DatabaseReadOnly, DatabaseTooNew)
from tui.core.marks import add_mark, all_marks
from tui.core.model import PARAGRAPH, Article, Block

ART = Article(title="Story", blocks=[Block(PARAGRAPH, " ".join(f"w{i}x{j}" for j in range(12)))
                                     for i in range(40)])
SPANS = list(ART.block_spans())


def add(db, i: int, note: str = ""):
    s, e = SPANS[i % len(SPANS)]
    return add_mark(db, "/story.txt", ART, s, e, note=note or f"note-{i}")


def snapshot(db) -> list[tuple]:
    return sorted((m.uuid, m.exact, m.note, m.start, m.end) for m in all_marks(db))


def one_line(e: BaseException) -> str:
    msg = str(e)
    assert msg and "\n" not in msg and "Traceback" not in msg
    return msg


def file_digest(home: Path) -> str:
    return hashlib.sha256((home / DB_NAME).read_bytes()).hexdigest()


# -- read-only home -----------------------------------------------------------------------

def _as_nobody(fn):
    return hostile.as_nobody(fn)


@pytest.fixture
def shared_home():
    """A home under /tmp that uid 65534 can reach (pytest's tmp_path is 0700)."""
    d = Path(tempfile.mkdtemp(prefix="copydesk-faults-", dir="/tmp"))
    d.chmod(0o755)
    yield d
    for p in d.iterdir():
        p.chmod(0o644)
    d.chmod(0o755)
    import shutil

    shutil.rmtree(d, ignore_errors=True)


def _make_read_only(home: Path) -> None:
    if os.geteuid() != 0:
        for p in home.iterdir():
            p.chmod(0o444)
        home.chmod(0o555)


@pytest.mark.parametrize("held_open", [False, True], ids=["closed", "held-open-by-writer"])
def test_read_only_home_opens_read_only(shared_home, held_open):
    db = Database.open(shared_home)
    for i in range(5):
        add(db, i)
    before = snapshot(db)
    if not held_open:
        db.close()  # clean close: no -wal/-shm left, WAL needs the folder to make them
    _make_read_only(shared_home)
    digest = file_digest(shared_home)

    def child():
        ro = Database.open(shared_home)
        out = {"read_only": ro.read_only, "reason": ro.read_only_reason, "marks": snapshot(ro)}
        try:
            add(ro, 9, "must not be saved")
            out["write"] = "saved!"
        except DatabaseReadOnly as e:
            out["write"] = one_line(e)
        try:
            ro.set_setting("theme", "x")
        except DatabaseError as e:
            out["setting"] = one_line(e)
        ro.close()
        return out

    out = _as_nobody(child)
    assert isinstance(out, dict), out
    assert out["read_only"] is True
    assert "not writable" in out["reason"]
    assert out["marks"] == before  # every mark readable
    assert "read-only" in out["write"] and "cannot be saved" in out["write"]
    assert "read-only" in out["setting"]
    if held_open:
        db.close()
    assert file_digest(shared_home) == digest or held_open  # (the writer may checkpoint on close)
    again = Database.open(shared_home)
    assert snapshot(again) == before
    again.close()


def test_read_only_home_without_database_is_a_clear_error(shared_home):
    _make_read_only(shared_home)
    out = _as_nobody(lambda: Database.open(shared_home))
    assert out[0] == "raised" and out[1] == "DatabaseError", out
    assert "not writable" in out[2] and "--home" in out[2] and "\n" not in out[2]
    assert not (shared_home / DB_NAME).exists()


def test_read_only_home_newer_schema_still_refused(shared_home):
    db = Database.open(shared_home)
    db.close()
    c = sqlite3.connect(shared_home / DB_NAME)
    c.execute("PRAGMA user_version = 99")
    c.close()
    _make_read_only(shared_home)
    out = _as_nobody(lambda: Database.open(shared_home))
    assert out[0] == "raised" and out[1] == "DatabaseTooNew", out


def test_read_only_home_damaged_file_left_alone(shared_home):
    (shared_home / DB_NAME).write_bytes(b"this is not a database at all" * 100)
    _make_read_only(shared_home)
    digest = file_digest(shared_home)
    out = _as_nobody(lambda: Database.open(shared_home))
    assert out[0] == "raised" and out[1] == "DatabaseError", out
    assert "damaged" in out[2] and "not changed" in out[2]
    assert sorted(p.name for p in shared_home.iterdir()) == [DB_NAME]
    assert file_digest(shared_home) == digest


# -- disk full --------------------------------------------------------------------------------

def _limit_pages(db: Database, extra: int = 0) -> None:
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + extra}")


def test_disk_full_while_adding_marks(home):
    db = Database.open(home)
    for i in range(3):
        add(db, i)
    _limit_pages(db, extra=2)
    saved = []
    with pytest.raises(DatabaseFull) as ei:
        for i in range(3, 10_000):
            saved.append(add(db, i, "x" * 2000 + str(i)).uuid)
    msg = one_line(ei.value)
    assert "full" in msg and "not saved" in msg
    assert isinstance(ei.value, sqlite3.OperationalError)  # callers catching sqlite errors still do
    assert not db.conn.in_transaction  # rolled back, not left open
    before = snapshot(db)
    assert len(before) == 3 + len(saved)
    # The connection is still usable: reads work, and writes work again once
    # there is room.
    db.execute("PRAGMA max_page_count = 1000000")
    add(db, 42, "after the disk was freed")
    db.close()
    again = Database.open(home)
    after = snapshot(again)
    assert set(before) <= set(after) and len(after) == len(before) + 1
    assert again.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again.close()


def test_disk_full_during_indexing_keeps_whole_articles(home, tmp_path, monkeypatch):
    """A scan that runs out of room stops with DatabaseFull; what was
    committed is whole (every stored article has its doc and paragraphs);
    existing marks are untouched; a later scan resumes."""
    import json

    from tui.core.library import Library

    lib_dir = tmp_path / "lib"
    lib_dir.mkdir()
    para = "The council met on Tuesday to discuss the new library and its opening hours. " * 6
    for i in range(60):
        (lib_dir / f"a{i:03}.txt").write_text(f"Story number {i}\n\n" + (para + "\n\n") * 8)
    db = Database.open(home)
    add(db, 1)
    marks_before = snapshot(db)

    real_connect = Database._connect

    def tiny(path, **kw):
        conn = real_connect(path, **kw)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 12}")
        return conn

    monkeypatch.setattr(Database, "_connect", staticmethod(tiny))
    with pytest.raises(DatabaseFull) as ei:
        Library(db, [lib_dir]).scan(jobs=1, chunk_size=5)
    one_line(ei.value)
    monkeypatch.setattr(Database, "_connect", staticmethod(real_connect))

    rows = db.execute("SELECT id, status, doc FROM articles").fetchall()
    assert 0 < len(rows) < 60
    for r in rows:
        assert r["status"] == "ok" and r["doc"]
        blocks = len(json.loads(r["doc"])["blocks"])
        n = db.execute("SELECT COUNT(*) FROM paragraphs WHERE article_id = ?", (r["id"],)).fetchone()[0]
        assert n == blocks
    assert snapshot(db) == marks_before
    report = Library(db, [lib_dir]).scan(jobs=1)
    assert report.indexed + report.unchanged == 60
    assert snapshot(db) == marks_before
    db.close()


# -- locked ---------------------------------------------------------------------------------------

HOLDER = textwrap.dedent("""
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("CREATE TABLE IF NOT EXISTS holder_scratch(x)")
    conn.execute("INSERT INTO holder_scratch VALUES (1)")
    print("locked", flush=True)
    sys.stdin.readline()
    conn.execute(sys.argv[2] if len(sys.argv) > 2 else "ROLLBACK")
    print("released", flush=True)
""")


def _hold_lock(path: Path, end: str = "ROLLBACK") -> subprocess.Popen:
    p = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), end], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "locked", p.stderr.read()
    return p


def _release(p: subprocess.Popen) -> None:
    p.stdin.write("\n")
    p.stdin.flush()
    assert p.stdout.readline().strip() == "released"
    p.wait(10)


@pytest.fixture
def short_busy(monkeypatch):
    monkeypatch.setattr(db_mod, "BUSY_TIMEOUT_MS", 150)


def test_locked_database_write_gives_clear_message(home, short_busy):
    db = Database.open(home)
    for i in range(3):
        add(db, i)
    before = snapshot(db)
    holder = _hold_lock(home / DB_NAME)
    try:
        # WAL: reading still works while another process writes
        assert snapshot(db) == before
        t0 = time.monotonic()
        with pytest.raises(DatabaseLocked) as ei:
            add(db, 7, "blocked")
        waited = time.monotonic() - t0
        msg = one_line(ei.value)
        assert "locked by another program" in msg and "nothing was changed" in msg
        assert waited < 30  # bounded by the busy timeout (and the marks retry count)
        assert not db.conn.in_transaction
        other = Database.open(home)  # opening while locked works too (read side)
        assert snapshot(other) == before
        with pytest.raises(DatabaseLocked):
            other.set_setting("k", "v")
        other.close()
    finally:
        _release(holder)
    assert snapshot(db) == before
    add(db, 8, "after release")
    assert len(snapshot(db)) == len(before) + 1
    db.close()


def test_locked_fresh_database_at_open(tmp_path, short_busy):
    """A database in rollback-journal mode held EXCLUSIVE by another program
    (nothing can even read it): opening gives a clear 'locked' line."""
    home = tmp_path / "h"
    home.mkdir()
    sqlite3.connect(home / DB_NAME).close()
    holder = _hold_lock(home / DB_NAME)
    try:
        with pytest.raises(DatabaseLocked) as ei:
            Database.open(home)
        assert "locked" in one_line(ei.value)
    finally:
        _release(holder)
    db = Database.open(home)  # and works once the other program let go
    add(db, 1)
    db.close()


# -- damaged while in use ---------------------------------------------------------------------------

def _damage(home: Path, page_no: int) -> None:
    path = home / DB_NAME
    data = bytearray(path.read_bytes())
    data[page_no * 4096:(page_no + 1) * 4096] = b"\xa5" * 4096
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("page_no", [10, 20, 30])
def test_damage_found_in_use_then_moved_aside_and_marks_recovered(home, page_no):
    """A damaged page found while the app runs: a clear error (no
    traceback), nothing overwritten; at the next start the file is checked,
    moved aside (kept) and the marks that can still be read are copied into
    the fresh database."""
    db = Database.open(home)
    for i in range(30):
        add(db, i, "y" * 3000)
    before = snapshot(db)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    _damage(home, page_no)
    db = Database.open(home)
    with pytest.raises(DatabaseCorrupt) as ei:
        snapshot(db)  # reading the marks hits the damaged page
        for i in range(50):
            add(db, 100 + i, "z" * 3000)
    assert "damaged" in one_line(ei.value)
    assert isinstance(ei.value, sqlite3.DatabaseError)
    db.close()
    damaged = (home / DB_NAME).read_bytes()
    db = Database.open(home)
    assert db.moved_aside is not None and db.moved_aside.exists()
    assert db.moved_aside.read_bytes()[:4096 * page_no] == damaged[:4096 * page_no]  # kept as is
    recovered = snapshot(db)
    assert set(recovered) <= set(before)
    assert len(recovered) >= len(before) * 0.8, (len(recovered), len(before))
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    add(db, 99, "works again")
    db.close()
    db = Database.open(home)  # a healthy file is not checked or moved again
    assert db.moved_aside is None
    db.close()


# -- newer schema through the CLI -------------------------------------------------------------------

def test_newer_schema_cli_one_line(home):
    Database.open(home).close()
    c = sqlite3.connect(home / DB_NAME)
    c.execute("PRAGMA user_version = 42")
    c.close()
    digest = file_digest(home)
    r = subprocess.run([sys.executable, "-m", "tui", "marks", "list", "--home", str(home)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "newer copydesk" in lines[0]
    assert file_digest(home) == digest
    with pytest.raises(DatabaseTooNew):
        Database.open(home)


# -- the app under faults (Pilot) ---------------------------------------------------------------------

def _library(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    lib.mkdir()
    for n in ("a", "b"):
        (lib / f"{n}.txt").write_text(
            f"Story {n}\n\nThe council met on Tuesday to discuss the new library. Residents asked "
            "for longer opening hours and more reading rooms.\n\nThe mayor agreed to study the "
            "proposal and report back next month, she said after the meeting.\n")
    return lib


def _fill(conn: sqlite3.Connection) -> None:
    """Fill the database up to its max_page_count with (deleted) filler marks."""
    now = "2024-01-01T00:00:00Z"
    for i in range(100_000):
        try:
            conn.execute("INSERT INTO marks(uuid, path, exact, start, end, created, modified, deleted) "
                         "VALUES (?, '/filler', 'x', 0, 1, ?, ?, ?)", (f"filler-{i}", now, now, now))
        except sqlite3.OperationalError as e:
            assert "full" in str(e)
            return
    raise AssertionError("never full")


async def _open_and_mark(app, pilot, before_mark=None) -> list[str]:
    said: list[str] = []
    real_notify = app.notify
    app.notify = lambda msg, *a, **k: (said.append(str(msg)), real_notify(msg, *a, **k))[1]
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    if before_mark:
        before_mark()
    app.open_path(app.entries[0].path, focus=True)
    await pilot.pause()
    await pilot.press("m")
    await pilot.pause()
    assert app.is_running
    return said


@pytest.mark.parametrize("fault", ["read-only", "full", "locked"])
async def test_app_marking_under_faults(tmp_path, monkeypatch, fault):
    """The reader keeps working; pressing m says clearly why the mark was not
    saved; the marks already saved are still there afterwards.
    (read-only: SIMULATED by opening the database read-only, as Database.open
    does for a home that cannot be written; see the real one above.)"""
    from tui.core.library import Library
    from tui.ui.app import CopydeskApp

    lib = _library(tmp_path)
    home = tmp_path / "home"
    db = Database.open(home)
    Library(db, [lib]).scan(jobs=1)
    path = str(lib / "a.txt")
    art = Library(db, [lib]).article(path)
    s, e = list(art.block_spans())[-1]  # (not the cursor paragraph: m there opens a menu)
    add_mark(db, path, art, s, e, note="saved before the fault")
    before = snapshot(db)
    db.close()

    holder = None
    if fault == "read-only":
        monkeypatch.setattr(Database, "open", classmethod(
            lambda cls, h=None: cls._open_read_only(Path(h) / DB_NAME, "simulated read-only home")))
    elif fault == "full":
        real_connect = Database._connect

        def tiny(p, **kw):
            conn = real_connect(p, **kw)
            conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
            return conn

        monkeypatch.setattr(Database, "_connect", staticmethod(tiny))
    else:
        monkeypatch.setattr(db_mod, "BUSY_TIMEOUT_MS", 100)

    app = CopydeskApp(roots=[lib], home=str(home))
    async with app.run_test(size=(120, 40)) as pilot:
        if fault == "locked":
            await pilot.pause()
            await app.workers.wait_for_complete()
            holder = _hold_lock(home / DB_NAME)
        try:
            said = await _open_and_mark(app, pilot, (lambda: _fill(app.db.conn)) if fault == "full" else None)
        finally:
            if holder is not None:
                _release(holder)
        if fault == "read-only":
            assert any("read-only" in m and "cannot be saved" in m for m in said), said
        else:
            expected = {"full": "is full", "locked": "locked by another program"}[fault]
            assert any("NOT saved" in m and expected in m for m in said), said
            assert not any("read-only" in m for m in said), said  # it is not read-only
    monkeypatch.undo()
    db = Database.open(home)
    assert snapshot(db) == before
    db.close()


def test_read_only_home_wal_without_shm_opens_immutable(shared_home):
    """A WAL database whose -shm file is missing, in a folder that cannot be
    written (e.g. copied from a running copydesk): SQLite cannot read it
    normally; it opens immutable: the main file's marks are shown, the ones
    only in the -wal file are not shown but not lost either."""
    import shutil

    src = Path(tempfile.mkdtemp(prefix="copydesk-src-", dir="/tmp"))
    try:
        db = Database.open(src)
        for i in range(3):
            add(db, i)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        add(db, 10, "only in the wal")
        shutil.copy(src / DB_NAME, shared_home / DB_NAME)
        shutil.copy(src / (DB_NAME + "-wal"), shared_home / (DB_NAME + "-wal"))
        db.close()
    finally:
        shutil.rmtree(src, ignore_errors=True)
    _make_read_only(shared_home)
    wal = (shared_home / (DB_NAME + "-wal")).read_bytes()

    def child():
        ro = Database.open(shared_home)
        return ro.read_only, [m[2] for m in snapshot(ro)]

    read_only, notes = _as_nobody(child)
    assert read_only is True
    assert sorted(notes) == ["note-0", "note-1", "note-2"]
    assert (shared_home / (DB_NAME + "-wal")).read_bytes() == wal  # the WAL is kept as it was
    assert not (shared_home / (DB_NAME + "-shm")).exists()
