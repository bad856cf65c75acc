"""The library index: incremental scans, pool ingest, resuming, entries()."""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from pathlib import Path

import pytest

import tui.core.clean as cleaner
from tui.core.db import Database
from tui.core.library import Library, ScanReport, iter_article_files
from tui.core.model import ArticleError


SENTENCES = [
    "The council met on Tuesday to discuss the budget for the coming year, and members were divided.",
    "Residents of the northern district said that the new bus routes had made their commutes longer.",
    "A spokesperson for the ministry declined to comment on the report before its publication.",
    "Engineers found cracks in two of the bridge's supports during a routine inspection last spring.",
    "The festival, which draws thousands of visitors each summer, will move to a larger park.",
    "Economists expect inflation to ease slowly as energy prices fall from their winter peak.",
    "Teachers at the school have asked for smaller classes and more time to prepare their lessons.",
    "The museum will reopen in March after a renovation that took almost three years to finish.",
]


def article_text(n: int, extra: str = "") -> str:
    paras = [f"{SENTENCES[(n + i) % len(SENTENCES)]} Story {n}, part {i}. {extra}" for i in range(4)]
    return f"Headline number {n}\n\n" + "\n\n".join(paras) + "\n"


def make_library(root: Path, n: int, start: int = 0) -> list[Path]:
    paths = []
    for i in range(start, start + n):
        sub = root / f"{i // 100:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        p = sub / f"{i:05d}.txt"
        p.write_text(article_text(i), encoding="utf-8")
        paths.append(p)
    return paths


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def clean_calls(monkeypatch) -> list[str]:
    """Names of the files the cleaner is called on (in-process scans)."""
    calls: list[str] = []
    real = cleaner.clean

    def counting(text, *, kind="text", name=""):
        calls.append(name)
        return real(text, kind=kind, name=name)

    monkeypatch.setattr(cleaner, "clean", counting)
    return calls


def bump_mtime(p: Path, seconds: float = 5) -> None:
    st = p.stat()
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + int(seconds * 1e9)))


def add_mark(db: Database, path: str, exact: str = "Paragraph 1") -> str:
    u = str(uuid.uuid4())
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with db.transaction() as c:
        c.execute("INSERT INTO marks(uuid, path, exact, start, end, created, modified) "
                  "VALUES (?,?,?,?,?,?,?)", (u, path, exact, 0, len(exact), now, now))
    return u


def check_integrity(db: Database) -> None:
    """Every 'ok' article has a doc and exactly its blocks as paragraphs."""
    from tui.core.library import load_doc

    rows = db.execute("SELECT id, path, doc FROM articles WHERE status = 'ok'").fetchall()
    for r in rows:
        assert r["doc"], r["path"]
        blocks = json.loads(r["doc"])["blocks"]
        paras = db.execute("SELECT idx, kind, text FROM paragraphs WHERE article_id = ? ORDER BY idx",
                           (r["id"],)).fetchall()
        assert [p["idx"] for p in paras] == list(range(len(blocks))), r["path"]
        art = load_doc(r["doc"], db, r["id"])
        assert [(b.kind, b.text) for b in art.blocks] == [(p["kind"], p["text"]) for p in paras]


# -- incremental indexing ----------------------------------------------------

def test_first_scan_indexes_everything_and_entries_list_it(tmp_path, home, clean_calls):
    lib_dir = tmp_path / "lib"
    paths = make_library(lib_dir, 12)
    db = Database.open(home)
    lib = Library(db, [lib_dir])
    report = lib.scan()
    assert (report.indexed, report.unchanged, report.failed, report.missing) == (12, 0, [], 0)
    assert report.total == 12 and report.workers == 0
    assert sorted(clean_calls) == sorted(str(p) for p in paths)
    entries = lib.entries()
    assert [e.path for e in entries] == [str(p) for p in paths]  # path order
    assert entries[3].title == "Headline number 3"
    assert all(e.ok and e.words > 10 for e in entries)
    art = lib.article(entries[3].path)
    assert art.title == "Headline number 3"
    assert "Story 3, part 2." in art.text()
    check_integrity(db)


def test_change_add_delete_recleans_only_those(tmp_path, home, clean_calls):
    lib_dir = tmp_path / "lib"
    paths = make_library(lib_dir, 10)
    db = Database.open(home)
    lib = Library(db, [lib_dir])
    lib.scan()
    gone = paths[4]
    mark = add_mark(db, str(gone))
    clean_calls.clear()

    changed = paths[2]
    changed.write_text(article_text(2, extra="NEW SENTENCE."), encoding="utf-8")
    bump_mtime(changed)
    added = lib_dir / "000" / "99999.txt"
    added.write_text(article_text(99), encoding="utf-8")
    gone.unlink()

    report = lib.scan()
    assert sorted(clean_calls) == sorted([str(changed), str(added)])
    assert (report.indexed, report.unchanged, report.missing) == (2, 8, 1)
    listed = [e.path for e in lib.entries()]
    assert str(gone) not in listed and str(added) in listed and len(listed) == 10
    assert "NEW SENTENCE." in lib.article(str(changed)).text()
    # The deleted article's row is kept as 'missing' with no paragraphs; its
    # mark is kept (an orphan of a missing article), never deleted.
    row = db.execute("SELECT id, status FROM articles WHERE path = ?", (str(gone),)).fetchone()
    assert row["status"] == "missing"
    assert db.execute("SELECT COUNT(*) FROM paragraphs WHERE article_id = ?",
                      (row["id"],)).fetchone()[0] == 0
    kept = db.execute("SELECT path, deleted FROM marks WHERE uuid = ?", (mark,)).fetchone()
    assert kept["path"] == str(gone) and kept["deleted"] is None
    with pytest.raises(ArticleError):
        lib.article(str(gone))
    check_integrity(db)

    # A further scan has nothing to do; the missing article stays missing.
    clean_calls.clear()
    again = lib.scan()
    assert (again.indexed, again.unchanged, again.missing) == (0, 10, 0)
    assert clean_calls == []

    # The file comes back: indexed again, and its mark is still there.
    gone.write_text(article_text(4), encoding="utf-8")
    back = lib.scan()
    assert back.indexed == 1 and clean_calls == [str(gone)]
    assert str(gone) in [e.path for e in lib.entries()]
    assert [e.marks for e in lib.entries() if e.path == str(gone)] == [1]
    check_integrity(db)


def test_touched_but_identical_file_is_not_recleaned(tmp_path, home, clean_calls):
    lib_dir = tmp_path / "lib"
    paths = make_library(lib_dir, 3)
    db = Database.open(home)
    lib = Library(db, [lib_dir])
    lib.scan()
    clean_calls.clear()
    bump_mtime(paths[1])
    report = lib.scan()
    assert clean_calls == [] and (report.indexed, report.unchanged) == (0, 3)
    # The new mtime was stored: the next scan does not even read the file.
    row = db.execute("SELECT mtime_ns FROM articles WHERE path = ?", (str(paths[1]),)).fetchone()
    assert row[0] == paths[1].stat().st_mtime_ns


def test_older_cleaner_version_is_recleaned(tmp_path, home, clean_calls, monkeypatch):
    lib_dir = tmp_path / "lib"
    make_library(lib_dir, 4)
    db = Database.open(home)
    lib = Library(db, [lib_dir])
    lib.scan()
    clean_calls.clear()
    monkeypatch.setattr(cleaner, "CLEANER_VERSION", cleaner.CLEANER_VERSION + 1)
    report = lib.scan()
    assert report.indexed == 4 and len(clean_calls) == 4
    versions = {r[0] for r in db.execute("SELECT cleaner_version FROM articles")}
    assert versions == {cleaner.CLEANER_VERSION}
    check_integrity(db)


def test_failures_are_reported_with_reasons_and_not_retried_until_changed(tmp_path, home,
                                                                          clean_calls):
    lib_dir = tmp_path / "lib"
    make_library(lib_dir, 2)
    (lib_dir / "empty.txt").write_text("   \n")
    (lib_dir / "blob.html").write_bytes(bytes(range(256)) * 40)
    db = Database.open(home)
    lib = Library(db, [lib_dir])
    report = lib.scan()
    assert report.indexed == 2
    assert sorted(report.failed) == sorted([(str(lib_dir / "empty.txt"), "empty"),
                                            (str(lib_dir / "blob.html"), "binary")])
    errs = {e.path: e.error for e in lib.entries() if not e.ok}
    assert errs == {str(lib_dir / "empty.txt"): "empty", str(lib_dir / "blob.html"): "binary"}
    clean_calls.clear()
    again = lib.scan()
    assert again.indexed == 0 and again.unchanged == 2 and len(again.failed) == 2
    # Fixed: indexed now.
    (lib_dir / "empty.txt").write_text("A real headline\n\nAnd a body paragraph of words.\n")
    bump_mtime(lib_dir / "empty.txt")
    fixed = lib.scan()
    assert fixed.indexed == 1 and [p for p, _ in fixed.failed] == [str(lib_dir / "blob.html")]
    assert lib.article(str(lib_dir / "empty.txt")).title == "A real headline"


def test_cleaner_crash_is_a_failure_not_an_abort(tmp_path, home, monkeypatch):
    lib_dir = tmp_path / "lib"
    paths = make_library(lib_dir, 3)
    real = cleaner.clean

    def flaky(text, *, kind="text", name=""):
        if name == str(paths[1]):
            raise ValueError("boom")
        return real(text, kind=kind, name=name)

    monkeypatch.setattr(cleaner, "clean", flaky)
    report = Library(Database.open(home), [lib_dir]).scan()
    assert report.indexed == 2
    assert report.failed == [(str(paths[1]), "cleaner error: ValueError: boom")]


def test_progress_is_called_with_done_total_and_ends_at_total(tmp_path, home):
    lib_dir = tmp_path / "lib"
    make_library(lib_dir, 30)
    calls: list[tuple[int, int, str]] = []
    Library(Database.open(home), [lib_dir]).scan(lambda d, t, p: calls.append((d, t, p)))
    assert calls[0][:2] == (0, 30) and calls[-1][:2] == (30, 30)
    assert all(t == 30 for _, t, _ in calls)
    assert [d for d, _, _ in calls] == sorted(d for d, _, _ in calls)


# -- the process pool ----------------------------------------------------------

def test_large_batch_uses_the_pool_and_stores_the_same_as_sequential(tmp_path):
    lib_dir = tmp_path / "lib"
    make_library(lib_dir, 260)
    (lib_dir / "empty.txt").write_text("")
    db_pool = Database.open(tmp_path / "h1")
    db_seq = Database.open(tmp_path / "h2")
    pooled = Library(db_pool, [lib_dir]).scan(jobs=2)
    seq = Library(db_seq, [lib_dir]).scan(jobs=1)
    assert pooled.workers == 2 and seq.workers == 0
    assert (pooled.indexed, pooled.failed) == (seq.indexed, seq.failed) == (
        260, [(str(lib_dir / "empty.txt"), "empty")])
    q = ("SELECT a.path, a.title, a.words, a.status, a.hash, a.doc, p.idx, p.kind, p.text "
         "FROM articles a LEFT JOIN paragraphs p ON p.article_id = a.id ORDER BY a.path, p.idx")
    assert [tuple(r) for r in db_pool.execute(q)] == [tuple(r) for r in db_seq.execute(q)]
    check_integrity(db_pool)


# -- interruption ---------------------------------------------------------------

def test_stopped_scan_keeps_committed_chunks_and_resumes(tmp_path, home, clean_calls):
    lib_dir = tmp_path / "lib"
    make_library(lib_dir, 40)
    db = Database.open(home)
    lib = Library(db, [lib_dir])
    polls = []
    report = lib.scan(stop=lambda: len(polls.append(1) or polls) > 3, chunk_size=5)
    assert report.interrupted and report.indexed == 15
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 15
    check_integrity(db)
    clean_calls.clear()
    rest = lib.scan(chunk_size=5)
    assert not rest.interrupted
    assert (rest.indexed, rest.unchanged) == (25, 15) and len(clean_calls) == 25
    check_integrity(db)


def test_exception_mid_scan_leaves_no_half_written_article(tmp_path, home, monkeypatch):
    lib_dir = tmp_path / "lib"
    paths = make_library(lib_dir, 20)
    real = cleaner.clean

    def dies(text, *, kind="text", name=""):
        if name == str(paths[12]):
            raise KeyboardInterrupt
        return real(text, kind=kind, name=name)

    monkeypatch.setattr(cleaner, "clean", dies)
    db = Database.open(home)
    with pytest.raises(KeyboardInterrupt):
        Library(db, [lib_dir]).scan(chunk_size=4)
    stored = [r[0] for r in db.execute("SELECT path FROM articles ORDER BY path")]
    assert stored == [str(p) for p in paths[:12]]  # three whole chunks
    check_integrity(db)
    monkeypatch.setattr(cleaner, "clean", real)
    report = Library(db, [lib_dir]).scan()
    assert (report.indexed, report.unchanged) == (8, 12)


# -- walking and listing -----------------------------------------------------------

def test_entries_only_under_roots_with_marks_and_read_state(tmp_path, home):
    a, a2 = tmp_path / "lib", tmp_path / "lib2"  # lib2 shares lib's prefix
    pa = make_library(a, 3)
    pb = make_library(a2, 2, start=50)
    db = Database.open(home)
    Library(db, [a, a2]).scan()
    lib = Library(db, [a])
    assert [e.path for e in lib.entries()] == [str(p) for p in pa]
    assert lib.count() == 3
    single = Library(db, [pb[1]])
    assert [e.path for e in single.entries()] == [str(pb[1])]
    add_mark(db, str(pa[1]))
    add_mark(db, str(pa[1]))
    gone = add_mark(db, str(pa[1]))
    with db.transaction() as c:
        c.execute("UPDATE marks SET deleted = 'x' WHERE uuid = ?", (gone,))
        c.execute("INSERT INTO reading_state(path, read) VALUES (?, 1)", (str(pa[2]),))
    got = {e.path: (e.marks, e.read) for e in lib.entries()}
    assert got == {str(pa[0]): (0, False), str(pa[1]): (2, False), str(pa[2]): (0, True)}
    # A scan of one root does not mark the other root's articles missing.
    Library(db, [a]).scan()
    assert len(Library(db, [a2]).entries()) == 2


def test_entries_query_reads_only_the_covering_index(tmp_path, home):
    db = Database.open(home)
    lib = Library(db, [tmp_path])
    from tui.core.library import _roots_sql

    where, params = _roots_sql(lib._keys)
    plan = " | ".join(r[3] for r in db.execute(
        "EXPLAIN QUERY PLAN SELECT id, path, title, outlet, author, published, dateline, words, "
        f"status, error FROM articles INDEXED BY articles_list WHERE status != 'missing' AND "
        f"{where} ORDER BY path", params))
    assert "COVERING INDEX articles_list" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
    plan = " | ".join(r[3] for r in db.execute(
        "EXPLAIN QUERY PLAN SELECT path, size, mtime_ns, CASE WHEN status = 'missing' THEN 3 "
        "WHEN cleaner_version IS NOT ? THEN 2 WHEN status = 'ok' THEN 0 ELSE 1 END "
        f"FROM articles INDEXED BY articles_scan WHERE {where}", [1, *params]))
    assert "COVERING INDEX articles_scan" in plan, plan


def test_walk_skips_hidden_loops_and_dangling_links(tmp_path):
    root = tmp_path / "lib"
    make_library(root, 2)
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.txt").write_text("hidden")
    (root / "notes.pdf").write_text("not an article")
    (root / "000" / "loop").symlink_to(root)
    (root / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    skipped: list[tuple[str, str]] = []
    files = list(iter_article_files([root, tmp_path / "absent"], skipped))
    assert [f.name for f in files] == ["00000.txt", "00001.txt"]
    reasons = sorted(r for _, r in skipped)
    assert reasons == ["dangling symlink", "directory loop", "not found"]


def test_scan_writes_through_its_own_connection(tmp_path, home):
    """The caller's connection can read (and stays usable) while and after
    a scan writes; a reader in another connection sees whole chunks."""
    lib_dir = tmp_path / "lib"
    make_library(lib_dir, 30)
    db = Database.open(home)
    lib = Library(db, [lib_dir])
    seen = []
    other = sqlite3.connect(db.path)

    def progress(done, total, path):
        n = other.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        seen.append((done, n))

    import tui.core.library as L

    old = L.PROGRESS_INTERVAL
    L.PROGRESS_INTERVAL = 0
    try:
        lib.scan(progress, chunk_size=10)
    finally:
        L.PROGRESS_INTERVAL = old
    assert seen[-1] == (30, 30)
    assert all(done == n for done, n in seen), seen  # committed per chunk
    assert not db.conn.in_transaction


def test_report_defaults():
    r = ScanReport()
    assert (r.indexed, r.unchanged, r.failed, r.skipped, r.missing) == (0, 0, [], [], 0)


def test_doc_round_trips_through_the_index_and_keeps_texts_once(tmp_path, home):
    """doc_json + paragraphs -> load_doc gives back the very article the
    cleaner made (blocks, removed, notes, metadata); the doc itself holds no
    block text (the paragraphs are its only copy)."""
    from tui.core.clean import clean
    from tui.core.ingest import doc_json
    from tui.core.library import bundled_data_dir, load_doc
    from tui.core.model import Article

    db = Database.open(home)
    with db.transaction() as c:
        for i, p in enumerate(sorted(bundled_data_dir().glob("*.txt"))):
            art = clean(p.read_text(encoding="utf-8"), kind="text", name=str(p))
            art.notes.append("a note")
            assert art.blocks and art.removed
            doc = doc_json(art)
            assert all(b.text not in doc for b in art.blocks if len(b.text) > 40)
            c.execute("INSERT INTO articles(id, path, doc) VALUES (?, ?, ?)", (i + 1, str(p), doc))
            c.executemany("INSERT INTO paragraphs(article_id, idx, kind, text) VALUES (?,?,?,?)",
                          [(i + 1, j, b.kind, b.text) for j, b in enumerate(art.blocks)])
            assert load_doc(doc, db, i + 1) == art
            assert load_doc(doc, db.conn, i + 1) == art
            # Rows written before format 2 (to_dict JSON, blocks included) still read.
            assert load_doc(json.dumps(art.to_dict())) == art
    with pytest.raises(ValueError):  # its paragraphs are needed
        load_doc(doc)
    db.execute("DELETE FROM paragraphs WHERE article_id = 1 AND idx = 0")
    with pytest.raises(ValueError):
        load_doc(db.execute("SELECT doc FROM articles WHERE id = 1").fetchone()[0], db, 1)
    with pytest.raises(ValueError):
        load_doc('{"v": 99}', db, 1)
    assert isinstance(load_doc(json.dumps(Article("t").to_dict())), Article)


def test_article_reads_old_full_json_rows(tmp_path, home):
    """A database indexed before doc format 2 keeps working unchanged: its
    docs (blocks inside) open, and scanning again does not rewrite them."""
    lib_dir = tmp_path / "lib"
    make_library(lib_dir, 3)
    db = Database.open(home)
    lib = Library(db, [lib_dir])
    lib.scan()
    arts = {e.path: lib.article(e.path) for e in lib.entries()}
    with db.transaction() as c:  # what an older copydesk wrote
        for path, art in arts.items():
            c.execute("UPDATE articles SET doc = ? WHERE path = ?", (json.dumps(art.to_dict()), path))
    for path, art in arts.items():
        assert lib.article(path) == art
    assert lib.scan().unchanged == 3
    assert all("\"v\"" not in r[0] for r in db.execute("SELECT doc FROM articles"))


def test_a_worker_dying_does_not_lose_files(tmp_path, home, monkeypatch):
    """A worker process killed mid-ingest (OOM killer, crash): the pool is
    broken; the files it had are cleaned in this process instead."""
    lib_dir = tmp_path / "lib"
    paths = make_library(lib_dir, 240)
    parent = os.getpid()
    real = cleaner.clean

    def dies_in_worker(text, *, kind="text", name=""):
        if os.getpid() != parent and name == str(paths[100]):
            (tmp_path / "worker-died").touch()
            os._exit(1)
        return real(text, kind=kind, name=name)

    monkeypatch.setattr(cleaner, "clean", dies_in_worker)
    db = Database.open(home)
    report = Library(db, [lib_dir]).scan(jobs=2)
    assert report.workers == 2 and not report.interrupted
    assert (report.indexed, report.failed) == (240, [])
    assert (tmp_path / "worker-died").exists()  # the pool really broke
    check_integrity(db)


def test_rescan_matches_every_file_whatever_the_name_order(tmp_path, home, clean_calls):
    """The scan merges the files (sorted in Python) with the index (sorted by
    SQLite): names that sort differently as walked, as bytes or with
    non-ASCII letters must all be found unchanged on a rescan."""
    root = tmp_path / "lib"
    names = ["b.txt", "b/c.txt", "b-c.txt", "b0.txt", "B.md", "é.txt", "e.txt", "z/é/ü.md",
             "z/e.txt", "a b.txt", "日本.md", "Ω.html", "b/a/x.txt"]
    for i, n in enumerate(names):
        p = root / n
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(article_text(i), encoding="utf-8")
    db = Database.open(home)
    lib = Library(db, [root])
    first = lib.scan()
    assert first.indexed == len(names) and first.failed == []
    clean_calls.clear()
    again = lib.scan()
    assert (again.indexed, again.unchanged, again.missing) == (0, len(names), 0)
    assert clean_calls == []
    (root / "b" / "c.txt").unlink()
    (root / "b1.txt").write_text(article_text(50), encoding="utf-8")
    third = lib.scan()
    assert (third.indexed, third.unchanged, third.missing) == (1, len(names) - 1, 1)
    assert clean_calls == [str(root / "b1.txt")]
    assert {e.path for e in lib.entries()} == {str(root / n) for n in names + ["b1.txt"]
                                               if n != "b/c.txt"}


def test_symlinked_subfolder_is_listed_under_the_root(tmp_path, home):
    """Files reached through a symlinked folder keep their path under the
    root (so entries() of that root lists them)."""
    outside = tmp_path / "elsewhere"
    make_library(outside, 2)
    root = tmp_path / "lib"
    make_library(root, 1)
    (root / "linked").symlink_to(outside / "000")
    db = Database.open(home)
    lib = Library(db, [root])
    assert lib.scan().indexed == 3
    paths = [e.path for e in lib.entries()]
    assert str(root / "linked" / "00001.txt") in paths and len(paths) == 3


# -- index leftovers: one stat per file, the home inside a root -----------------

def test_each_file_is_stat_ed_once_per_scan(tmp_path, home, monkeypatch):
    """The walk's stat is the only stat of an article file by path; the read
    checks the open descriptor (fstat), whose size and mtime are stored."""
    import tui.core.textio as textio

    lib_dir = tmp_path / "lib"
    paths = {str(p) for p in make_library(lib_dir, 12)}
    db = Database.open(home)
    by_path: list[str] = []
    fstats: list[int] = []
    real_stat, real_lstat, real_fstat = os.stat, os.lstat, os.fstat

    def stat(p, *a, **k):
        by_path.append(os.fspath(p))
        return real_stat(p, *a, **k)

    def lstat(p, *a, **k):
        by_path.append(os.fspath(p))
        return real_lstat(p, *a, **k)

    def fstat(fd):
        fstats.append(fd)
        return real_fstat(fd)

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(os, "lstat", lstat)
    monkeypatch.setattr(textio.os, "fstat", fstat)
    report = Library(db, [lib_dir]).scan(jobs=1)
    monkeypatch.undo()
    assert report.indexed == 12
    assert not paths & set(by_path), "an article file was stat'ed again by path"
    assert len(fstats) == 12
    for p in paths:
        st = os.stat(p)
        row = db.execute("SELECT size, mtime_ns FROM articles WHERE path = ?", (p,)).fetchone()
        assert tuple(row) == (st.st_size, st.st_mtime_ns)
    # And a rescan of unchanged files reads none of them.
    monkeypatch.setattr(textio.os, "fstat", fstat)
    fstats.clear()
    assert Library(db, [lib_dir]).scan(jobs=1).unchanged == 12 and fstats == []


@pytest.mark.skipif(not Path("/usr/bin/strace").exists(), reason="needs strace")
def test_each_file_is_stat_ed_once_per_scan_in_system_calls(tmp_path):
    """The same at the system-call level (DirEntry.stat included), for a
    pooled `copydesk index`: per article file one stat by path in the walk
    and one open; nothing else names the file."""
    import subprocess
    import sys

    lib_dir = tmp_path / "lib"
    make_library(lib_dir, 210)  # over POOL_THRESHOLD: worker processes
    out = tmp_path / "trace"
    r = subprocess.run(["strace", "-f", "-qq", "-e", "trace=%stat,%file", "-o", str(out),
                        sys.executable, "-m", "tui", "index", str(lib_dir), "--home",
                        str(tmp_path / "home"), "--jobs", "2"], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert "(2 workers)" in r.stdout
    trace = out.read_text()
    target = str(lib_dir / "001" / "00150.txt")
    calls = [line.split("(", 1)[0].split()[-1] for line in trace.splitlines()
             if f'"{target}"' in line]
    stats = [c for c in calls if "stat" in c]
    opens = [c for c in calls if "open" in c]
    assert len(stats) == 1 and len(opens) == 1 and len(calls) == 2, calls


def test_home_inside_a_root_is_not_indexed(tmp_path):
    """copydesk's own files in its home (the database, exports/, the saved
    search index) are never articles, even when the home is under a root or
    is the root itself; other files there still are."""
    lib_dir = tmp_path / "lib"
    make_library(lib_dir, 3)
    for home in (lib_dir / "home", lib_dir):
        db = Database.open(home)
        (home / "exports").mkdir(exist_ok=True)
        (home / "exports" / "marks-2026.md").write_text("# Marks\n\n> a quote\n")
        (home / "search-index").mkdir(exist_ok=True)
        (home / "search-index" / "titles.txt").write_text("some words\n")
        (home / "copydesk.db.corrupt-1.txt").write_text("an old damaged database\n")
        (home / "my-note.txt").write_text("A note of mine\n\nIt is an article too.\n")
        lib = Library(db, [lib_dir])
        report = lib.scan()
        paths = {e.path for e in lib.entries()}
        assert str(home / "my-note.txt") in paths
        assert not any(p.startswith((str(home / "exports"), str(home / "search-index"),
                                     str(home / "copydesk.db"))) for p in paths), paths
        assert report.failed == [] and len(paths) == 4
        # The folder walk used by clean/search leaves them out given the home.
        files = {str(p) for p in iter_article_files([lib_dir], home=home)}
        assert files == paths
        db.close()
        if home != lib_dir:  # (a former home is just a folder of the library)
            import shutil

            shutil.rmtree(home)


def test_word_count_is_article_word_count():
    """ingest.word_count (fast path for single-spaced text) equals
    Article.word_count() (str.split) on any block texts."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from tui.core.ingest import word_count
    from tui.core.model import Article, Block

    ws = " \n\t\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
    text = st.text(alphabet=st.sampled_from(list(ws) + list("ab’é\u200b.")), max_size=40)

    @settings(max_examples=1000, deadline=None)
    @given(st.lists(text, max_size=6))
    def check(texts):
        assert word_count(texts) == Article(blocks=[Block("paragraph", t) for t in texts]).word_count()

    check()
    assert word_count([]) == 0 and word_count(["", ""]) == 0 and word_count([" a "]) == 1
    assert word_count(["one two", "three\nfour"]) == 4


def test_a_file_stored_by_another_scan_meanwhile_is_replaced_whole(tmp_path, home):
    """Two scans at once (the app's and `copydesk index`): when the other
    one stored a file after this one listed it as new, this one's write
    replaces that article and its paragraphs (no duplicate-key failure)."""
    from tui.core.ingest import ingest_file

    lib_dir = tmp_path / "lib"
    [p] = make_library(lib_dir, 1)
    db = Database.open(home)
    lib = Library(db, [lib_dir])
    result = ingest_file(str(p))  # what this scan computed while it thought p new
    assert lib.scan().indexed == 1  # the other scan stores p meanwhile
    p.write_text(article_text(7, "changed"), encoding="utf-8")
    changed = ingest_file(str(p))
    report = ScanReport()
    Library._write(db, [changed], report)
    assert report.indexed == 1
    check_integrity(db)
    assert lib.article(str(p)).text() == "\n\n".join(changed[16])
    Library._write(db, [result], report)
    check_integrity(db)
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1


def test_unopenable_file_is_a_failure_not_retried_until_it_changes(tmp_path, home, monkeypatch):
    """A file that cannot be opened (permissions; simulated, as tests may run
    as root) keeps the walk's size and mtime, so the next scan does not try
    it again; touching it does."""
    import tui.core.textio as textio

    lib_dir = tmp_path / "lib"
    paths = make_library(lib_dir, 3)
    locked = str(paths[1])
    opened: list[str] = []
    real_open = os.open

    def guarded(p, *a, **k):
        opened.append(os.fspath(p))
        if os.fspath(p) == locked:
            raise PermissionError(13, "Permission denied", p)
        return real_open(p, *a, **k)

    monkeypatch.setattr(textio.os, "open", guarded)
    db = Database.open(home)
    lib = Library(db, [lib_dir])
    first = lib.scan(jobs=1)
    assert (first.indexed, first.failed) == (2, [(locked, "permission denied")])
    st = os.stat(locked)
    assert tuple(db.execute("SELECT size, mtime_ns FROM articles WHERE path = ?",
                            (locked,)).fetchone()) == (st.st_size, st.st_mtime_ns)
    opened.clear()
    again = lib.scan(jobs=1)
    assert (again.unchanged, again.failed, opened) == (2, [(locked, "permission denied")], [])
    bump_mtime(paths[1])
    monkeypatch.undo()
    assert lib.scan(jobs=1).indexed == 1
