"""The library: source files, their cleaned articles, and reading state.

:class:`Library` indexes the files under its roots into the database (only
new or changed files are cleaned), lists them as :class:`Entry` rows for the
source list, and loads a cleaned :class:`Article` on demand.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Iterator

from tui.core.db import Database
from tui.core.model import Article, ArticleError
from tui.core.textio import ARTICLE_SUFFIXES


def bundled_data_dir() -> Path:
    """The folder of articles shipped with copydesk (package ``tui.data``)."""
    return Path(str(resources.files("tui.data")))


@dataclass(slots=True)
class Entry:
    """One row of the source list."""

    id: int
    path: str
    title: str
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    dateline: str | None = None
    words: int = 0
    status: str = "ok"
    error: str | None = None
    read: bool = False
    marks: int = 0

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def date(self) -> str | None:
        return (self.published or "").split("T")[0] or self.dateline


@dataclass
class ScanReport:
    indexed: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    missing: int = 0


def iter_article_files(roots: Iterable[str | os.PathLike[str]],
                       skipped: list[tuple[str, str]] | None = None) -> Iterator[Path]:
    """Yield article files under *roots* (files or folders), sorted, without
    following symlink loops. Problems go to *skipped* as ``(path, reason)``."""
    skipped = skipped if skipped is not None else []
    seen_dirs: set[tuple[int, int]] = set()
    for root in roots:
        root = Path(root)
        if root.is_file():
            yield root.resolve()
            continue
        if not root.is_dir():
            skipped.append((str(root), "not found"))
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
            try:
                st = os.stat(dirpath)
            except OSError as e:
                skipped.append((dirpath, e.strerror or "unreadable"))
                dirnames[:] = []
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                skipped.append((dirpath, "directory loop"))
                dirnames[:] = []
                continue
            seen_dirs.add(key)
            dirnames.sort()
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in sorted(filenames):
                if name.startswith(".") or not name.lower().endswith(ARTICLE_SUFFIXES):
                    continue
                p = Path(dirpath, name)
                if not p.exists():
                    skipped.append((str(p), "dangling symlink"))
                    continue
                yield p.resolve() if not p.is_symlink() else p.absolute()


def file_hash(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


class Library:
    """The indexed library over some root paths."""

    def __init__(self, db: Database, roots: Iterable[str | os.PathLike[str]]):
        self.db = db
        self.roots = [Path(r) for r in roots]

    # -- indexing ----------------------------------------------------------

    def scan(self, progress: Callable[[int, int, str], None] | None = None) -> ScanReport:
        """Index new and changed files; mark vanished ones missing."""
        from tui.core.clean import CLEANER_VERSION, clean
        from tui.core.textio import decode, kind_of, looks_binary, read_article_bytes, MAX_BYTES

        report = ScanReport()
        files = list(iter_article_files(self.roots, report.skipped))
        known = {r["path"]: r for r in self.db.execute(
            "SELECT path, size, mtime_ns, cleaner_version, status FROM articles")}
        for n, path in enumerate(files, 1):
            sp = str(path)
            if progress:
                progress(n, len(files), sp)
            try:
                st = path.stat()
            except OSError as e:
                report.failed.append((sp, e.strerror or "unreadable"))
                continue
            row = known.get(sp)
            if (row and row["size"] == st.st_size and row["mtime_ns"] == st.st_mtime_ns
                    and row["cleaner_version"] == CLEANER_VERSION and row["status"] != "missing"):
                report.unchanged += 1
                continue
            try:
                data, truncated = read_article_bytes(path)
                if not data.strip():
                    raise ArticleError("empty", sp)
                if looks_binary(data):
                    raise ArticleError("binary", sp)
                art = clean(decode(data), kind=kind_of(path), name=sp)
                if truncated:
                    art.notes.append(f"Only the first {MAX_BYTES // (1024 * 1024)} MB of this file were read.")
                self._store(sp, st, file_hash(data), CLEANER_VERSION, art)
                report.indexed += 1
            except ArticleError as e:
                self._store_error(sp, st, e.reason)
                report.failed.append((sp, e.reason))
        # Files under our roots that vanished: mark missing (marks stay).
        present = {str(p) for p in files}
        with self.db.transaction() as c:
            for sp in known:
                if sp not in present and self._under_roots(sp) and known[sp]["status"] != "missing":
                    c.execute("UPDATE articles SET status = 'missing' WHERE path = ?", (sp,))
                    c.execute("DELETE FROM paragraphs WHERE article_id = "
                              "(SELECT id FROM articles WHERE path = ?)", (sp,))
                    report.missing += 1
        return report

    def _under_roots(self, sp: str) -> bool:
        for r in self.roots:
            r = str(r.resolve())
            if sp == r or sp.startswith(r.rstrip(os.sep) + os.sep):
                return True
        return False

    def _store(self, sp: str, st: os.stat_result, digest: str, version: int, art: Article) -> None:
        doc = json.dumps(art.to_dict(), ensure_ascii=False)
        with self.db.transaction() as c:
            c.execute(
                """INSERT INTO articles(path, size, mtime_ns, hash, cleaner_version, status, error,
                       title, dek, outlet, author, section, published, dateline, words, doc, indexed_at)
                   VALUES (?,?,?,?,?, 'ok', NULL, ?,?,?,?,?,?,?,?,?,?)
                   ON CONFLICT(path) DO UPDATE SET size=excluded.size, mtime_ns=excluded.mtime_ns,
                       hash=excluded.hash, cleaner_version=excluded.cleaner_version, status='ok',
                       error=NULL, title=excluded.title, dek=excluded.dek, outlet=excluded.outlet,
                       author=excluded.author, section=excluded.section, published=excluded.published,
                       dateline=excluded.dateline, words=excluded.words, doc=excluded.doc,
                       indexed_at=excluded.indexed_at""",
                (sp, st.st_size, st.st_mtime_ns, digest, version, art.title, art.dek, art.outlet,
                 art.author, art.section, art.published, art.dateline, art.word_count(), doc,
                 time.time()))
            aid = c.execute("SELECT id FROM articles WHERE path = ?", (sp,)).fetchone()[0]
            c.execute("DELETE FROM paragraphs WHERE article_id = ?", (aid,))
            c.executemany("INSERT INTO paragraphs(article_id, idx, kind, text) VALUES (?,?,?,?)",
                          [(aid, i, b.kind, b.text) for i, b in enumerate(art.blocks)])

    def _store_error(self, sp: str, st: os.stat_result, reason: str) -> None:
        with self.db.transaction() as c:
            c.execute(
                """INSERT INTO articles(path, size, mtime_ns, status, error, title, indexed_at)
                   VALUES (?,?,?, 'error', ?, ?, ?)
                   ON CONFLICT(path) DO UPDATE SET size=excluded.size, mtime_ns=excluded.mtime_ns,
                       status='error', error=excluded.error, doc=NULL, cleaner_version=NULL,
                       indexed_at=excluded.indexed_at""",
                (sp, st.st_size, st.st_mtime_ns, reason, os.path.basename(sp), time.time()))

    # -- reading -----------------------------------------------------------

    def entries(self) -> list[Entry]:
        """Source-list rows for the files under the roots, in path order."""
        rows = self.db.execute(
            """SELECT a.id, a.path, a.title, a.outlet, a.author, a.published, a.dateline, a.words,
                      a.status, a.error, COALESCE(s.read, 0) AS read,
                      (SELECT COUNT(*) FROM marks m WHERE m.path = a.path AND m.deleted IS NULL) AS marks
               FROM articles a LEFT JOIN reading_state s ON s.path = a.path
               WHERE a.status != 'missing' ORDER BY a.path""").fetchall()
        return [Entry(id=r["id"], path=r["path"], title=r["title"], outlet=r["outlet"],
                      author=r["author"], published=r["published"], dateline=r["dateline"],
                      words=r["words"], status=r["status"], error=r["error"], read=bool(r["read"]),
                      marks=r["marks"])
                for r in rows if self._under_roots(r["path"])]

    def article(self, path: str) -> Article:
        """The cleaned article at *path* (from the index)."""
        row = self.db.execute("SELECT status, error, doc FROM articles WHERE path = ?",
                              (path,)).fetchone()
        if row is None:
            raise ArticleError("not in the library", path)
        if row["status"] != "ok" or not row["doc"]:
            raise ArticleError(row["error"] or row["status"], path)
        return Article.from_dict(json.loads(row["doc"]))


# -- reading state -----------------------------------------------------------

@dataclass(slots=True)
class ReadingState:
    path: str
    read: bool = False
    cursor: int = 0
    scroll: float = 0.0


def get_state(db: Database, path: str) -> ReadingState:
    r = db.execute("SELECT read, cursor, scroll FROM reading_state WHERE path = ?", (path,)).fetchone()
    if r is None:
        return ReadingState(path)
    return ReadingState(path, bool(r["read"]), r["cursor"], r["scroll"])


def save_state(db: Database, state: ReadingState) -> None:
    with db.transaction() as c:
        c.execute(
            """INSERT INTO reading_state(path, read, cursor, scroll, opened_at) VALUES (?,?,?,?,?)
               ON CONFLICT(path) DO UPDATE SET read=excluded.read, cursor=excluded.cursor,
                   scroll=excluded.scroll, opened_at=excluded.opened_at""",
            (state.path, int(state.read), state.cursor, state.scroll, time.time()))


def last_opened(db: Database) -> str | None:
    r = db.execute("SELECT path FROM reading_state WHERE opened_at IS NOT NULL "
                   "ORDER BY opened_at DESC LIMIT 1").fetchone()
    return r[0] if r else None
