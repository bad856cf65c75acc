"""The library: source files, their cleaned articles, and reading state.

:class:`Library` indexes the files under its roots into the database (only
new or changed files are cleaned), lists them as :class:`Entry` rows for the
source list, and loads a cleaned :class:`Article` on demand.
"""

from __future__ import annotations

import json
import os
import re
import stat as stat_mod
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from tui.core.db import DB_NAME, Database
from tui.core.model import Article, ArticleError, Block, Removed
from tui.core.textio import ARTICLE_SUFFIXES


def bundled_data_dir() -> Path:
    """The folder of articles shipped with copydesk (package ``tui.data``)."""
    from importlib import resources

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
    """What a :meth:`Library.scan` did.

    ``indexed``: files (re)cleaned and stored; ``unchanged``: files whose
    stored article is current (same size and mtime, or same content hash);
    ``failed``: ``(path, reason)`` of files that are not readable articles
    (including ones that failed before and have not changed since);
    ``skipped``: ``(path, reason)`` of things under the roots that were not
    even tried (missing roots, dangling symlinks, directory loops);
    ``missing``: articles that vanished from disk in this scan.
    """

    indexed: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    missing: int = 0
    #: Files found under the roots.
    total: int = 0
    #: True when the scan was stopped (``stop()`` or an exception) before the end.
    interrupted: bool = False
    #: Worker processes used (0: cleaned in this process).
    workers: int = 0
    seconds: float = 0.0


#: Batches with more files to clean than this go to a process pool.
POOL_THRESHOLD = 200
#: Upper bound of the default number of worker processes.
MAX_DEFAULT_JOBS = 8
#: Progress callbacks are called at most this often (seconds), plus at the end.
PROGRESS_INTERVAL = 0.05


def default_jobs() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return max(1, min(n, MAX_DEFAULT_JOBS))


_NAME_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


def _bad_name(name: str) -> str | None:
    """Why a file name cannot be listed: bytes that are not UTF-8 (they
    cannot be stored or shown as text) or control characters (an escape
    sequence in a name would reach the terminal wherever it is shown)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "file name is not valid UTF-8"
    if _NAME_CONTROLS.search(name):
        return "file name has control characters"
    return None


def _printable_path(path: str) -> str:
    """*path* safe to store and show: bad bytes as U+FFFD, controls as ``?``."""
    return _NAME_CONTROLS.sub("?", path.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))


#: What copydesk itself keeps in its home folder (besides ``copydesk.db*``):
#: never articles, even when the home lies inside a library root.
HOME_OWN = frozenset({"exports", "search-index"})


def _is_home_own(name: str) -> bool:
    return name in HOME_OWN or name.startswith(DB_NAME)


def _walk(roots: Iterable[str | os.PathLike[str]],
          skipped: list[tuple[str, str]],
          home: str | os.PathLike[str] | None = None) -> Iterator[tuple[str, os.stat_result]]:
    """``(path, stat)`` of the article files under *roots*.

    Paths are absolute and *logical*: the resolved root joined with the
    names below it (a symlinked sub-folder keeps its name under the root).
    A directory is visited once (loops are skipped). Within a folder, files
    come sorted, before the sub-folders, which are visited in sorted order.
    Each file is stat'ed once (``DirEntry.stat``). In the copydesk *home*
    folder (when it lies under a root), copydesk's own entries (the
    database, ``exports/``, ``search-index/``: :data:`HOME_OWN`) are left out.
    """
    seen_dirs: set[tuple[int, int]] = set()
    home_key = None
    if home is not None:
        try:
            hst = os.stat(home)
            home_key = (hst.st_dev, hst.st_ino)
        except OSError:
            pass
    for root in roots:
        root_s = os.fspath(root)
        try:
            st = os.stat(root_s)
        except OSError:
            skipped.append((root_s, "not found"))
            continue
        if not stat_mod.S_ISDIR(st.st_mode):
            yield os.path.realpath(root_s), st
            continue
        stack = [os.path.realpath(root_s)]
        while stack:
            d = stack.pop()
            try:
                dst = os.stat(d)
            except OSError as e:
                skipped.append((d, e.strerror or "unreadable"))
                continue
            key = (dst.st_dev, dst.st_ino)
            if key in seen_dirs:
                skipped.append((d, "directory loop"))
                continue
            seen_dirs.add(key)
            in_home = key == home_key
            try:
                with os.scandir(d) as it:
                    ents = sorted(it, key=lambda e: e.name)
            except OSError as e:
                skipped.append((d, e.strerror or "unreadable"))
                continue
            subdirs = []
            for e in ents:
                name = e.name
                if name.startswith(".") or (in_home and _is_home_own(name)):
                    continue
                bad = _bad_name(name)  # (hostile-input engineer) never stored or shown
                if bad:
                    skipped.append((_printable_path(e.path), bad))
                    continue
                try:
                    is_dir = e.is_dir()
                except OSError:
                    is_dir = False
                if is_dir:
                    subdirs.append(e.path)
                    continue
                if not name.lower().endswith(ARTICLE_SUFFIXES):
                    continue
                try:
                    fst = e.stat()
                except FileNotFoundError:
                    skipped.append((e.path, "dangling symlink"))
                    continue
                except OSError as err:
                    skipped.append((e.path, err.strerror or "unreadable"))
                    continue
                yield e.path, fst
            stack.extend(reversed(subdirs))


def iter_article_files(roots: Iterable[str | os.PathLike[str]],
                       skipped: list[tuple[str, str]] | None = None, *,
                       home: str | os.PathLike[str] | None = None) -> Iterator[Path]:
    """Yield article files under *roots* (files or folders), sorted, without
    following symlink loops. Problems go to *skipped* as ``(path, reason)``.
    Given the copydesk *home*, its own files are left out (see :func:`_walk`)."""
    skipped = skipped if skipped is not None else []
    for sp, _st in _walk(roots, skipped, home):
        yield Path(sp)


def _root_keys(roots: Iterable[Path]) -> list[tuple[str, bool]]:
    """``(resolved path, is_dir)`` of the roots, without roots nested in others."""
    keys: list[tuple[str, bool]] = []
    for r in roots:
        k = os.path.realpath(r)
        keys.append((k, not os.path.isfile(k)))
    keys.sort()
    out: list[tuple[str, bool]] = []
    for k, is_dir in keys:
        if any(k == o or (o_dir and k.startswith(o.rstrip(os.sep) + os.sep)) for o, o_dir in out):
            continue
        out.append((k, is_dir))
    return out


def _roots_sql(keys: list[tuple[str, bool]], col: str = "path") -> tuple[str, list[str]]:
    """A WHERE fragment selecting the paths of the roots: a range scan on
    *col*'s index for a folder (``/`` + 1 is ``0``), equality for a file."""
    if not keys:
        return "0", []
    parts, params = [], []
    for k, is_dir in keys:
        if not is_dir:
            parts.append(f"{col} = ?")
            params.append(k)
            continue
        base = k.rstrip(os.sep)
        if not base:
            return "1", []
        parts.append(f"({col} >= ? AND {col} < ?)")
        params += [base + os.sep, base + chr(ord(os.sep) + 1)]
    return "(" + " OR ".join(parts) + ")", params


# Upserts of many rows in one statement ({rows}: one _OK_ROW / _ERROR_ROW per
# article): each statement on `articles` pays a fixed cost for its triggers
# (the source list's title index), 2.4x the whole insert when run per row.
_OK_ROW = "(?,?,?,?,?,'ok',NULL,?,?,?,?,?,?,?,?,?,?)"
_UPSERT_OK = """
INSERT INTO articles(path, size, mtime_ns, hash, cleaner_version, status, error, title, dek,
                     outlet, author, section, published, dateline, words, doc, indexed_at)
VALUES {rows}
ON CONFLICT(path) DO UPDATE SET size=excluded.size, mtime_ns=excluded.mtime_ns,
    hash=excluded.hash, cleaner_version=excluded.cleaner_version, status='ok', error=NULL,
    title=excluded.title, dek=excluded.dek, outlet=excluded.outlet, author=excluded.author,
    section=excluded.section, published=excluded.published, dateline=excluded.dateline,
    words=excluded.words, doc=excluded.doc, indexed_at=excluded.indexed_at"""

_ERROR_ROW = "(?,?,?,?,?,'error',?,?,?)"
_UPSERT_ERROR = """
INSERT INTO articles(path, size, mtime_ns, hash, cleaner_version, status, error, title, indexed_at)
VALUES {rows}
ON CONFLICT(path) DO UPDATE SET size=excluded.size, mtime_ns=excluded.mtime_ns,
    hash=excluded.hash, cleaner_version=excluded.cleaner_version, status='error',
    error=excluded.error, doc=NULL, words=0, indexed_at=excluded.indexed_at"""


def _upsert(c, sql: str, row: str, rows: list[tuple], per: int = 200) -> None:
    """*sql* over *rows*, *per* rows a statement."""
    for i in range(0, len(rows), per):
        part = rows[i:i + per]
        c.execute(sql.format(rows=",".join([row] * len(part))), [x for r in part for x in r])


class _Throttle:
    """Calls ``progress(done, total, path)`` at most every PROGRESS_INTERVAL s."""

    def __init__(self, progress: Callable[[int, int, str], None] | None, total: int):
        self.progress = progress
        self.total = total
        self.last = 0.0

    def __call__(self, done: int, path: str, *, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if force or done >= self.total or now - self.last >= PROGRESS_INTERVAL:
            self.last = now
            self.progress(done, self.total, path)


class Library:
    """The indexed library over some root paths.

    ``entries()`` and ``article()`` only read the database, so they are cheap
    and safe to call before (or while) a ``scan()`` runs: scan writes through
    its own connection, in one transaction per chunk of files.
    """

    def __init__(self, db: Database, roots: Iterable[str | os.PathLike[str]]):
        self.db = db
        self.roots = [Path(r) for r in roots]
        self._keys = _root_keys(self.roots)
        #: The copydesk home (the database's folder): its files are not articles.
        self.home = db.path.parent

    # -- indexing ----------------------------------------------------------

    def scan(self, progress: Callable[[int, int, str], None] | None = None, *,
             jobs: int | None = None, stop: Callable[[], bool] | None = None,
             chunk_size: int | None = None) -> ScanReport:
        """Index new and changed files; mark vanished ones missing.

        A file is re-cleaned when it is new, when its size or mtime changed
        and its bytes hash differently from the stored hash, when it was
        indexed by an older cleaner, or when it was missing. More than
        :data:`POOL_THRESHOLD` files to clean go to a pool of *jobs* worker
        processes (default: the usable CPUs, at most 8); fewer are cleaned
        here. Results are committed a chunk at a time, so an interrupted scan
        (even ``kill -9``) keeps what was committed and the next scan resumes.

        ``progress(done, total, path)`` is called at a bounded rate (and once
        at the end) with ``done`` counting unchanged files too. ``stop()`` is
        polled between chunks; when it returns true the scan ends early with
        ``report.interrupted`` set.
        """
        from tui.core.clean import CLEANER_VERSION

        t0 = time.perf_counter()
        report = ScanReport()
        # Only what the comparison needs is kept per file (100k files: tens
        # of MB less than stat results and whole rows).
        # (path, size, mtime_ns) in path order, merged below with the index
        # read in the same order: no per-file map of what is indexed (100k
        # files: tens of MB less than dicts of stat results and rows).
        # The walk's stat is the only one by path: a regular file is read
        # without another (ingest_file(walked=...) fstat's what it opened).
        isreg = stat_mod.S_ISREG
        files = sorted({sp: (sp, st.st_size, st.st_mtime_ns, isreg(st.st_mode))
                        for sp, st in _walk(self.roots, report.skipped, self.home)}.values())
        report.total = total = len(files)
        where, params = _roots_sql(self._keys)
        cur = self.db.conn.cursor()
        cur.row_factory = None
        # (path, size, mtime_ns, state): 0 ok and current, 1 error and
        # current, 2 indexed by another cleaner version, 3 missing. Paths sort
        # the same in SQLite (UTF-8 bytes) and Python (code points).
        rows = cur.execute(
            "SELECT path, size, mtime_ns, CASE WHEN status = 'missing' THEN 3 "
            "WHEN cleaner_version IS NOT ? THEN 2 WHEN status = 'ok' THEN 0 ELSE 1 END "
            "FROM articles INDEXED BY articles_scan "
            f"WHERE {where} ORDER BY path", [CLEANER_VERSION, *params])

        # (path, known hash, (size, mtime, is regular file): see ingest_file)
        todo: list[tuple[str, str | None, tuple[int, int, bool]]] = []
        changed_ok: list[int] = []  # indexes in todo whose stored hash may match
        vanished: list[str] = []
        row = next(rows, None)
        for sp, size, mtime, regular in files:
            while row is not None and row[0] < sp:
                if row[3] != 3:
                    vanished.append(row[0])
                row = next(rows, None)
            if row is None or row[0] != sp:
                todo.append((sp, None, (size, mtime, regular)))
                continue
            _, r_size, r_mtime, state = row
            row = next(rows, None)
            if state < 2 and r_size == size and r_mtime == mtime:
                if state == 0:
                    report.unchanged += 1
                else:
                    report.failed.append((sp, ""))
                continue
            if state == 0:
                changed_ok.append(len(todo))
            todo.append((sp, None, (size, mtime, regular)))
        while row is not None:
            if row[3] != 3:
                vanished.append(row[0])
            row = next(rows, None)
        del files
        if changed_ok:  # the stored hashes of changed files (to skip re-cleaning)
            for i in changed_ok:
                sp, _, walked = todo[i]
                todo[i] = (sp, self.db.execute("SELECT hash FROM articles WHERE path = ?",
                                                (sp,)).fetchone()[0], walked)
        if report.failed:  # reasons of the unchanged failures
            report.failed = [(sp, self.db.execute("SELECT COALESCE(error, status) FROM articles "
                                                  "WHERE path = ?", (sp,)).fetchone()[0])
                             for sp, _ in report.failed]
        tick = _Throttle(progress, total)
        done = total - len(todo)
        tick(done, "", force=True)
        writer = Database.open(self.db.path.parent) if todo or vanished else None
        if writer is not None:
            # The writes below keep the foreign keys by construction (paragraph
            # rows only for the ids of the articles just upserted, read back
            # in the same transaction): SQLite's per-row parent lookup is skipped.
            writer.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            if todo:
                jobs = default_jobs() if jobs is None else max(1, jobs)
                if jobs > 1 and len(todo) > POOL_THRESHOLD:
                    report.workers = jobs
                    batches = self._pooled(todo, jobs, chunk_size, stop, report)
                else:
                    batches = self._sequential(todo, chunk_size, stop, report)
                for results in batches:
                    self._write(writer, results, report)
                    done += len(results)
                    tick(done, results[-1][1])
            if vanished and not report.interrupted:
                with writer.transaction() as c:
                    c.executemany("UPDATE articles SET status = 'missing' WHERE path = ?",
                                  [(sp,) for sp in vanished])
                    c.executemany("DELETE FROM paragraphs WHERE article_id = "
                                  "(SELECT id FROM articles WHERE path = ?)",
                                  [(sp,) for sp in vanished])
                report.missing = len(vanished)
        except BaseException:
            report.interrupted = True
            raise
        finally:
            if writer is not None:
                writer.close()
            report.seconds = time.perf_counter() - t0
        return report

    @staticmethod
    def _chunk(n: int, jobs: int, chunk_size: int | None) -> int:
        if chunk_size:
            return max(1, chunk_size)
        # Enough chunks to balance the workers, few enough to keep the
        # per-task and per-transaction overhead small.
        return max(8, min(64, n // (jobs * 8) or 1))

    def _sequential(self, todo, chunk_size, stop, report) -> Iterator[list[tuple]]:
        from tui.core.ingest import ingest_chunk

        size = self._chunk(len(todo), 1, chunk_size)
        for i in range(0, len(todo), size):
            if stop is not None and stop():
                report.interrupted = True
                return
            yield ingest_chunk(todo[i:i + size])

    def _pooled(self, todo, jobs, chunk_size, stop, report) -> Iterator[list[tuple]]:
        import concurrent.futures as cf
        import multiprocessing
        import threading
        from concurrent.futures.process import BrokenProcessPool

        from tui.core.ingest import ingest_chunk

        size = self._chunk(len(todo), jobs, chunk_size)
        chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
        # fork is cheap but unsafe with other threads running (the app scans
        # from a worker thread): spawn fresh interpreters then.
        method = "fork" if (threading.active_count() == 1 and
                            "fork" in multiprocessing.get_all_start_methods()) else "spawn"
        ctx = multiprocessing.get_context(method)
        pending: dict[cf.Future, int] = {}
        next_chunk = 0
        ex = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx)
        try:
            while next_chunk < len(chunks) or pending:
                if stop is not None and stop():
                    report.interrupted = True
                    return
                while next_chunk < len(chunks) and len(pending) < jobs * 3:
                    pending[ex.submit(ingest_chunk, chunks[next_chunk])] = next_chunk
                    next_chunk += 1
                finished, _ = cf.wait(pending, timeout=0.5, return_when=cf.FIRST_COMPLETED)
                for fut in finished:
                    i = pending.pop(fut)
                    try:
                        results = fut.result()
                    except BrokenProcessPool:
                        # A worker died (killed, out of memory): finish here.
                        results = ingest_chunk(chunks[i])
                    yield results
        except BrokenProcessPool:
            for fut, i in list(pending.items()):
                yield ingest_chunk(chunks[i])
            for i in range(next_chunk, len(chunks)):
                yield ingest_chunk(chunks[i])
        finally:
            ex.shutdown(wait=True, cancel_futures=True)

    @staticmethod
    def _write(writer: Database, results: list[tuple], report: ScanReport) -> None:
        """Store one chunk of ingest results in one transaction: the
        articles (a few statements of many rows each), then their ids by
        path, then their paragraphs (one ``executemany``, rows made in C)."""
        from itertools import chain, repeat

        now = time.time()
        same, ok, failed, paths = [], [], [], []
        for r in results:
            kind, sp = r[0], r[1]
            if kind == "same":
                same.append((r[2], r[3], sp))
            elif kind == "ok":  # ("ok", path, size, ... words, doc, kinds, texts)
                ok.append((*r[1:15], now))
                paths.append(sp)
            else:
                _, _, size, mtime, digest, version, reason = r
                failed.append((sp, size, mtime, digest, version, reason, os.path.basename(sp), now))
                paths.append(sp)
        with writer.transaction() as c:
            if same:
                c.executemany("UPDATE articles SET size = ?, mtime_ns = ? WHERE path = ?", same)
            if ok:
                _upsert(c, _UPSERT_OK, _OK_ROW, ok)
            if failed:
                _upsert(c, _UPSERT_ERROR, _ERROR_ROW, failed)
            ids: dict[str, int] = {}
            for i in range(0, len(paths), 500):
                part = paths[i:i + 500]
                ids.update(c.execute("SELECT path, id FROM articles WHERE path IN "
                                     f"({','.join('?' * len(part))})", part))
            # Old paragraphs go first: of re-indexed files, and of any that
            # another scan (the app's, a second `copydesk index`) stored since
            # this one looked (an empty range costs one seek).
            c.executemany("DELETE FROM paragraphs WHERE article_id = ?",
                          [(ids[sp],) for sp in paths])
            if ok:
                c.executemany("INSERT INTO paragraphs(article_id, idx, kind, text) VALUES (?,?,?,?)",
                              chain.from_iterable(zip(repeat(ids[r[1]]), range(len(r[16])), r[15], r[16])
                                                  for r in results if r[0] == "ok"))
        report.unchanged += len(same)
        report.indexed += len(ok)
        report.failed.extend((f[0], f[5]) for f in failed)

    # -- reading -----------------------------------------------------------

    def entries(self) -> list[Entry]:
        """Source-list rows for the files under the roots, in path order.

        One range scan of the ``articles_list`` covering index (no article
        row, let alone its doc, is read), plus the read flags and mark counts
        from their own (small) tables.
        """
        import gc

        where, params = _roots_sql(self._keys)
        cur = self.db.conn.cursor()
        cur.row_factory = None
        rows = cur.execute(
            "SELECT id, path, title, outlet, author, published, dateline, words, status, error "
            f"FROM articles INDEXED BY articles_list WHERE status != 'missing' AND {where} "
            "ORDER BY path", params).fetchall()
        read = {p for (p,) in cur.execute("SELECT path FROM reading_state WHERE read != 0")}
        marks = dict(cur.execute("SELECT path, COUNT(*) FROM marks WHERE deleted IS NULL "
                                 "GROUP BY path"))
        # 100k small objects: the cyclic GC would walk them several times over.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return [Entry(*r, r[1] in read, marks.get(r[1], 0)) for r in rows]
        finally:
            if enabled:
                gc.enable()

    def count(self) -> int:
        """Number of (non-missing) articles under the roots."""
        where, params = _roots_sql(self._keys)
        return self.db.execute(f"SELECT COUNT(*) FROM articles WHERE status != 'missing' AND {where}",
                               params).fetchone()[0]

    def article(self, path: str) -> Article:
        """The cleaned article at *path* (from the index: its row and its
        paragraphs, see :func:`load_doc`)."""
        # One snapshot for the row and its paragraphs: another program
        # (`copydesk index`, the app's scan) re-indexing the file between the
        # two reads would give the old blocks' lines with the new texts.
        with read_snapshot(self.db):
            row = self.db.execute("SELECT id, status, error, doc FROM articles WHERE path = ?",
                                  (path,)).fetchone()
            if row is None:
                raise ArticleError("not in the library", path)
            if row["status"] != "ok" or not row["doc"]:
                raise ArticleError(row["error"] or row["status"], path)
            try:
                return load_doc(row["doc"], self.db, row["id"])
            except (ValueError, TypeError) as e:
                raise ArticleError(f"its entry in the library index is damaged ({e})",
                                   path) from None


@contextmanager
def read_snapshot(db) -> Iterator[None]:
    """The reads inside see one state of the database (a deferred read
    transaction on *db*, a :class:`Database` or an ``sqlite3`` connection in
    autocommit mode), not each statement its own: a doc and its paragraphs
    are two statements. Inside a transaction already, nothing is added."""
    conn = getattr(db, "conn", db)
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")  # (nothing written: ends the snapshot)


def load_doc(doc: str | bytes, db=None, article_id: int | None = None) -> Article:
    """The :class:`Article` stored in an ``articles.doc`` value.

    Reads both formats: ``Article.to_dict()`` JSON, blocks included (rows
    written before doc format 2, never rewritten just for this), and
    :func:`tui.core.ingest.doc_json`'s (``"v": 2``), whose blocks' kinds and
    texts are the ``paragraphs`` rows of *article_id*, read through *db* (a
    :class:`Database` or an ``sqlite3`` connection). Raises ``ValueError``
    for a doc that cannot be read (bad JSON, an unknown format, paragraphs
    that do not match its blocks) and ``TypeError`` for unknown fields.
    """
    from tui.core.ingest import DOC_FORMAT

    d = json.loads(doc)
    if not isinstance(d, dict):
        raise ValueError("not an article")
    version = d.pop("v", None)
    if version is None:
        return Article.from_dict(d)
    if version != DOC_FORMAT:
        raise ValueError(f"unknown doc format {version!r}")
    if db is None or article_id is None:
        raise ValueError("a format-2 doc needs the database and the article id")
    cur = getattr(db, "conn", db).cursor()
    cur.row_factory = None
    texts = cur.execute("SELECT kind, text FROM paragraphs WHERE article_id = ? ORDER BY idx",
                        (article_id,)).fetchall()
    geometry = d.pop("blocks", ())
    if len(texts) != len(geometry):
        raise ValueError(f"{len(texts)} paragraphs stored for {len(geometry)} blocks")
    d["blocks"] = [Block(k, t, *g) for (k, t), g in zip(texts, geometry)]
    d["removed"] = [Removed(*r) for r in d.get("removed", ())]
    return Article(**d)


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
