"""copydesk's SQLite database: location, schema, migrations, safety.

One file, ``copydesk.db``, in the home directory (``--home``, then
``$COPYDESK_HOME``, then the platform's user data directory). WAL mode, a
busy timeout, and a schema version in ``PRAGMA user_version`` with forward
migrations. The database holds the user's marks, so it is never overwritten
or silently reset:

- a database from a newer copydesk is refused (:class:`DatabaseTooNew`);
- a corrupt file is moved aside to ``copydesk.db.corrupt-<time>`` (kept, not
  deleted) and a fresh database started; :attr:`Database.moved_aside` tells
  where the old one went, so the UI can say so.

Faults while running become one-line :class:`DatabaseError` subclasses
(tests/test_faults.py injects each one):

- a home that cannot be written (permissions, read-only file system): the
  database opens read-only (:attr:`Database.read_only`, with
  :attr:`Database.read_only_reason`); writes raise :class:`DatabaseReadOnly`;
- disk full while writing: :class:`DatabaseFull`; the transaction is rolled
  back, everything committed before is intact;
- another program holding the write lock past the busy timeout:
  :class:`DatabaseLocked` (also an ``sqlite3.OperationalError`` whose text
  says "locked", so callers that retry on lock errors keep working);
- damage found while in use: :class:`DatabaseCorrupt` (moved aside at the
  next start).
"""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

DB_NAME = "copydesk.db"
BUSY_TIMEOUT_MS = 10_000

# Each entry migrates from version i to i+1. Never edit a released entry:
# append a new one.
MIGRATIONS: list[str] = [
    # 0 -> 1
    """
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );

    -- The library index: one row per source file ever seen.
    CREATE TABLE articles (
        id              INTEGER PRIMARY KEY,
        path            TEXT NOT NULL UNIQUE,   -- absolute, resolved
        size            INTEGER,
        mtime_ns        INTEGER,
        hash            TEXT,                   -- sha1 of the bytes read
        cleaner_version INTEGER,
        status          TEXT NOT NULL DEFAULT 'ok',  -- ok | error | missing
        error           TEXT,                   -- reason when status = error
        title           TEXT NOT NULL DEFAULT '',
        dek             TEXT,
        outlet          TEXT,
        author          TEXT,
        section         TEXT,
        published       TEXT,
        dateline        TEXT,
        words           INTEGER NOT NULL DEFAULT 0,
        doc             TEXT,                   -- Article.to_dict() as JSON
        indexed_at      REAL
    );

    -- Paragraphs (body blocks) of each article, for passage search.
    CREATE TABLE paragraphs (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        idx        INTEGER NOT NULL,
        kind       TEXT NOT NULL,
        text       TEXT NOT NULL,
        PRIMARY KEY (article_id, idx)
    ) WITHOUT ROWID;

    -- Reading state, keyed by path so it outlives re-indexing.
    CREATE TABLE reading_state (
        path      TEXT PRIMARY KEY,
        read      INTEGER NOT NULL DEFAULT 0,
        cursor    INTEGER NOT NULL DEFAULT 0,   -- paragraph cursor (block index)
        scroll    REAL NOT NULL DEFAULT 0,
        opened_at REAL
    );

    -- Marks: W3C TextQuoteSelector + TextPositionSelector over the cleaned
    -- article's plain text. Keyed by path; never deleted with the article.
    CREATE TABLE marks (
        id              INTEGER PRIMARY KEY,
        uuid            TEXT NOT NULL UNIQUE,
        path            TEXT NOT NULL,
        source_hash     TEXT,
        cleaner_version INTEGER,
        exact           TEXT NOT NULL,
        prefix          TEXT NOT NULL DEFAULT '',
        suffix          TEXT NOT NULL DEFAULT '',
        start           INTEGER NOT NULL,
        end             INTEGER NOT NULL,
        color           TEXT NOT NULL DEFAULT 'yellow',
        note            TEXT NOT NULL DEFAULT '',
        state           TEXT NOT NULL DEFAULT 'anchored',  -- anchored | fuzzy | orphan
        title           TEXT,                   -- article title when marked
        created         TEXT NOT NULL,          -- ISO 8601 UTC
        modified        TEXT NOT NULL,
        deleted         TEXT                    -- set on delete (undo clears it)
    );
    CREATE INDEX marks_path ON marks(path);
    """,
    # 1 -> 2 (library engineer): a covering index for the source list, so
    # Library.entries() reads a dense index in path order instead of visiting
    # every article row (each carries its doc JSON: 10 KB+, overflow pages).
    """
    CREATE INDEX articles_list ON articles(path, status, title, outlet, author, published,
                                           dateline, words, error);
    """,
    # 2 -> 3 (library engineer): a covering index for Library.scan()'s
    # "what is already indexed" query (100k rows: 0.5 s -> 0.1 s).
    """
    CREATE INDEX articles_scan ON articles(path, size, mtime_ns, cleaner_version, status);
    """,
    # 3 -> 4 (source list engineer): titles for the source list's filter, an
    # FTS5 trigram index (substring match, SQLite's case folding) of the
    # non-missing articles; rowid = articles.id. Triggers keep it in sync, so
    # the library's write path does not change.
    """
    CREATE VIRTUAL TABLE article_titles USING fts5(title, path UNINDEXED, tokenize='trigram');
    INSERT INTO article_titles(rowid, title, path)
        SELECT id, title, path FROM articles INDEXED BY articles_list WHERE status != 'missing';
    CREATE TRIGGER article_titles_insert AFTER INSERT ON articles
        WHEN new.status != 'missing' BEGIN
        INSERT INTO article_titles(rowid, title, path) VALUES (new.id, new.title, new.path);
    END;
    CREATE TRIGGER article_titles_delete AFTER DELETE ON articles BEGIN
        DELETE FROM article_titles WHERE rowid = old.id;
    END;
    CREATE TRIGGER article_titles_update AFTER UPDATE OF title, path, status ON articles
        WHEN old.title IS NOT new.title OR old.path IS NOT new.path
          OR (old.status = 'missing') != (new.status = 'missing') BEGIN
        DELETE FROM article_titles WHERE rowid = old.id;
        INSERT INTO article_titles(rowid, title, path)
            SELECT new.id, new.title, new.path WHERE new.status != 'missing';
    END;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)



def connect_read_only(db_path: str | os.PathLike[str], **kwargs) -> sqlite3.Connection:
    """A read-only connection to the database at *db_path*, whatever
    characters its path holds (``?``, ``#``, ``%`` are quoted into the URI;
    bytes of a name that is not UTF-8 are quoted as they are)."""
    from urllib.parse import quote

    kwargs.setdefault("timeout", 10)
    uri_path = quote(os.fspath(db_path), errors="surrogateescape")
    return sqlite3.connect(f"file:{uri_path}?mode=ro", uri=True, **kwargs)

class DatabaseError(Exception):
    """A database problem the user must be told about (one clear line)."""


class DatabaseTooNew(DatabaseError):
    pass


class HomeMissing(DatabaseError):
    """``Database.open(home, create=False)`` found no home folder, or no
    database in it (nothing was created)."""


class DatabaseReadOnly(DatabaseError):
    """A write was attempted on a database opened read-only."""


class DatabaseLocked(DatabaseError, sqlite3.OperationalError):
    """Another program held the write lock for longer than the busy timeout."""


class DatabaseFull(DatabaseError, sqlite3.OperationalError):
    """The disk (or the database's size limit) is full; the write was undone."""


class DatabaseCorrupt(DatabaseError, sqlite3.DatabaseError):
    """The database file turned out to be damaged while in use."""


def default_home() -> Path:
    env = os.environ.get("COPYDESK_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("copydesk", appauthor=False)


def resolve_home(home: str | os.PathLike[str] | None = None) -> Path:
    return Path(home).expanduser() if home else default_home()


class Database:
    """A connection to copydesk's database (one per thread)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, read_only: bool = False,
                 moved_aside: Path | None = None, read_only_reason: str | None = None):
        self.conn = conn
        self.path = path
        self.read_only = read_only
        self.moved_aside = moved_aside
        #: Why the database is read-only (e.g. "/x is not writable"), for the UI.
        self.read_only_reason = read_only_reason if read_only else None

    # -- opening ---------------------------------------------------------

    @classmethod
    def open(cls, home: str | os.PathLike[str] | None = None, *,
             create: bool = True) -> "Database":
        """Open (creating and migrating as needed) the database in *home*.

        With ``create=False`` (commands that only read: search, marks
        list/export) nothing is created: a missing home folder, or a home
        without a database, raises :class:`HomeMissing`.

        Raises :class:`DatabaseTooNew` for a newer schema,
        :class:`DatabaseLocked` when another program holds the database
        exclusively past the busy timeout, and :class:`DatabaseError` when
        the home cannot be created, or cannot be written and has no database
        yet. Opens read-only (:attr:`read_only`, :attr:`read_only_reason`)
        when the file or its folder cannot be written. A damaged file is
        moved aside (kept) and what can be read of the marks, reading state
        and settings is copied into the fresh database.
        """
        home_path = resolve_home(home)
        path = home_path / DB_NAME
        home_kind = _kind(home_path)
        if home_kind not in (None, "dir"):
            raise DatabaseError(f"the copydesk home {home_path} is not a folder (choose another "
                                "with --home DIR or COPYDESK_HOME)")
        db_kind = _kind(path) if home_kind else None
        if not create:
            if home_kind is None:
                raise HomeMissing(f"no copydesk home at {home_path} (nothing indexed or marked "
                                  "there yet)")
            if db_kind is None:
                raise HomeMissing(f"no copydesk database in {home_path} (nothing indexed or "
                                  "marked there yet)")
        elif home_kind is None:
            try:
                home_path.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise DatabaseError(f"cannot create copydesk home {home_path}: "
                                    f"{e.strerror or e}") from None
        if db_kind not in (None, "file"):
            what = "a folder" if db_kind == "dir" else "not a regular file"
            raise DatabaseError(f"{path} is {what}, not a copydesk database (move it away, or "
                                "choose another home with --home DIR or COPYDESK_HOME)")
        moved: Path | None = None
        # Refuse a newer schema before anything (such as switching the
        # journal mode to WAL) could write to the file.
        _peek_version(path)
        why = _not_writable(home_path, path)
        if why:
            if not path.exists():
                raise DatabaseError(
                    f"cannot create the copydesk database: {why} "
                    "(choose another place with --home DIR or COPYDESK_HOME)")
            return cls._open_read_only(path, why)
        try:
            conn = cls._connect(path)
            cls._migrate(conn, path)
        except DatabaseTooNew:
            raise
        except sqlite3.DatabaseError as e:
            if _is_corrupt(e):
                try:
                    moved = _move_aside(path)
                except OSError as oe:
                    raise DatabaseError(
                        f"{path} is damaged and could not be moved aside "
                        f"({oe.strerror or oe}); it was not changed") from e
                try:
                    conn = cls._connect(path)
                    cls._migrate(conn, path)
                except sqlite3.DatabaseError as e2:
                    raise _translate(e2, path, f"cannot create a fresh {path}") from e2
                _salvage(conn, moved)
            elif _is_readonly(e) and path.exists():
                return cls._open_read_only(path, f"{path} cannot be written ({e})")
            else:
                raise _translate(e, path, f"cannot open {path}") from e
        flag = _damage_flag(path)
        if moved is None and flag.exists():
            # Damage was seen while in use: check the whole file now (only
            # then: a full check of a big library takes a while).
            try:
                ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            except sqlite3.DatabaseError:
                ok = False
            if not ok:
                conn.close()
                try:
                    moved = _move_aside(path)
                except OSError as oe:
                    raise DatabaseError(f"{path} is damaged and could not be moved aside "
                                        f"({oe.strerror or oe}); it was not changed") from None
                conn = cls._connect(path)
                cls._migrate(conn, path)
                _salvage(conn, moved)
            try:
                flag.unlink()
            except OSError:
                pass
        return cls(conn, path, moved_aside=moved)

    @classmethod
    def _open_read_only(cls, path: Path, why: str) -> "Database":
        """Open an existing database for reading only. In a folder that cannot
        be written, a WAL database without its ``-shm`` file cannot even be
        read normally; then it is opened ``immutable`` (the main file only:
        changes still in an unmerged ``-wal`` file are not shown, nor lost)."""
        last: Exception | None = None
        for query in ("mode=ro", "immutable=1"):
            conn = None
            try:
                conn = sqlite3.connect(f"{path.resolve().as_uri()}?{query}", uri=True,
                                       timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                       check_same_thread=False)
                conn.row_factory = sqlite3.Row
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                _check_version(conn, path)
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                conn.execute("PRAGMA foreign_keys = ON")
                return cls(conn, path, read_only=True, read_only_reason=why)
            except DatabaseTooNew:
                if conn is not None:
                    conn.close()
                raise
            except sqlite3.DatabaseError as e:
                if conn is not None:
                    conn.close()
                if _is_corrupt(e):
                    raise DatabaseError(f"{path} is damaged and cannot be moved aside ({why}); "
                                        "it was not changed") from e
                last = e
        raise DatabaseError(f"cannot read {path} ({why}): {last}")

    @staticmethod
    def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
        if read_only:
            conn = connect_read_only(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                     check_same_thread=False)
        else:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not read_only:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    @staticmethod
    def _migrate(conn: sqlite3.Connection, path: Path) -> None:
        version = _check_version(conn, path)
        if version == SCHEMA_VERSION:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have migrated.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for i in range(version, SCHEMA_VERSION):
                for stmt in _split_sql(MIGRATIONS[i]):
                    conn.execute(stmt)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    # -- use ---------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed on exit (``BEGIN IMMEDIATE``).

        SQLite faults become one-line :class:`DatabaseError` subclasses
        (locked, full, read-only, corrupt); on any error the transaction is
        rolled back, so nothing is half-written and earlier commits stay.
        """
        if self.read_only:
            why = f" ({self.read_only_reason})" if self.read_only_reason else ""
            raise DatabaseReadOnly(f"{self.path} is read-only{why}; changes cannot be saved")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise _translate(e, self.path) from e
        try:
            yield self.conn
        except BaseException as e:
            self._rollback()
            if isinstance(e, sqlite3.Error) and not isinstance(e, DatabaseError):
                raise _translate(e, self.path) from e
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as e:
                self._rollback()
                raise _translate(e, self.path) from e

    def _rollback(self) -> None:
        # SQLite may already have rolled back by itself (e.g. SQLITE_FULL).
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def execute(self, sql: str, params: tuple | dict = ()) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, params)
        except sqlite3.DatabaseError as e:
            if _is_corrupt(e) and not isinstance(e, DatabaseError):
                raise _translate(e, self.path) from e
            raise

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as c:
            c.execute("INSERT INTO settings(key, value) VALUES (?, ?) "
                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def close(self) -> None:
        self.conn.close()


def _kind(path: Path) -> str | None:
    """``"dir"``, ``"file"`` (regular), ``"other"``, or None when *path* does
    not exist (symlinks followed; a dangling one does not exist)."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError:
        return "other" if os.path.lexists(path) else None
    if stat.S_ISDIR(mode):
        return "dir"
    return "file" if stat.S_ISREG(mode) else "other"


def _check_version(conn: sqlite3.Connection, path: Path) -> int:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise DatabaseTooNew(
            f"{path} was written by a newer copydesk (schema {version}, this one knows "
            f"{SCHEMA_VERSION}); upgrade copydesk. The file was not changed.")
    return version


def _peek_version(path: Path) -> None:
    """Raise :class:`DatabaseTooNew` if the existing file at *path* has a
    newer schema; read-only, so the file is not touched. Unreadable or
    corrupt files are left to the normal opening path."""
    if not path.exists():
        return
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True,
                               timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error:
        return
    try:
        _check_version(conn, path)
    except sqlite3.Error:
        pass
    finally:
        conn.close()


def _split_sql(script: str) -> list[str]:
    """Statements of a migration script (``--`` comments removed)."""
    script = "\n".join(line.split("--", 1)[0] for line in script.splitlines())
    # Cut at the ';' that end a statement (not those inside a trigger's body).
    out, buf = [], ""
    for part in script.split(";"):
        buf += part + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \t\n;"):
                out.append(buf.strip())
            buf = ""
    if buf.strip(" \t\n;"):
        out.append(buf.strip())
    return out


def _is_corrupt(e: sqlite3.DatabaseError) -> bool:
    msg = str(e).lower()
    return "not a database" in msg or "malformed" in msg or "corrupt" in msg


def _is_readonly(e: sqlite3.DatabaseError) -> bool:
    msg = str(e).lower()
    return "readonly" in msg or "read-only" in msg or "unable to open" in msg


def _not_writable(home: Path, path: Path) -> str | None:
    """Why the database in *home* cannot be written, or None. Uses
    ``access(2)``: file permissions for the real user and read-only mounts."""
    if path.exists() and not os.access(path, os.W_OK):
        return "the database file is not writable"
    if not os.access(home, os.W_OK | os.X_OK):
        # WAL needs to create -wal/-shm next to the file, unless both exist
        # already and are writable.
        sides = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
        if not (path.exists() and all(p.exists() and os.access(p, os.W_OK) for p in sides)):
            return f"the copydesk home {home} is not writable"
    return None


def _translate(e: sqlite3.Error, path: Path, context: str | None = None) -> Exception:
    """A clear one-line :class:`DatabaseError` for an SQLite fault (or *e*
    itself for errors that are not faults, e.g. constraint violations)."""
    if isinstance(e, DatabaseError):
        return e
    msg = str(e).lower()
    if "locked" in msg or "busy" in msg:
        return DatabaseLocked(
            f"the copydesk database {path} is locked by another program (waited "
            f"{BUSY_TIMEOUT_MS / 1000:g} s); nothing was changed, try again")
    if "full" in msg:
        return DatabaseFull(
            f"the disk holding {path} is full; this change was not saved "
            "(everything saved before is intact)")
    if "readonly" in msg or "read-only" in msg:
        return DatabaseReadOnly(f"{path} cannot be written; this change was not saved")
    if _is_corrupt(e):
        _flag_damaged(path)
        return DatabaseCorrupt(
            f"{path} is damaged ({e}); nothing was changed. copydesk moves it aside "
            "(keeping it) and recovers your marks from it the next time it starts")
    if context:
        return DatabaseError(f"{context}: {e}")
    if "disk i/o" in msg or "unable to open" in msg:
        return DatabaseError(f"cannot use {path}: {e}")
    return e


def _damage_flag(path: Path) -> Path:
    return path.with_name(path.name + ".damaged")


def _flag_damaged(path: Path) -> None:
    """Remember that *path* was found damaged, so the next open checks it."""
    try:
        _damage_flag(path).touch()
    except OSError:
        pass


#: Tables whose rows are copied from a damaged database into the fresh one.
SALVAGE_TABLES = ("marks", "reading_state", "settings")


def _salvage(conn: sqlite3.Connection, damaged: Path) -> int:
    """Copy what can still be read of the user's own data (marks, reading
    state, settings) from the *damaged* file, which is kept as it is, into
    the fresh database. Reads forwards, then backwards, so rows on both sides
    of a damaged page are found. Returns the number of rows copied."""
    copied = 0
    try:
        old = sqlite3.connect(f"{damaged.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return 0
    try:
        for table in SALVAGE_TABLES:
            try:
                cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
                old_cols = {r[1] for r in old.execute(f"PRAGMA table_info({table})")}
            except sqlite3.Error:
                continue
            cols = [c for c in cols if c in old_cols]
            if not cols:
                continue
            names = ", ".join(f'"{c}"' for c in cols)
            rows: list[tuple] = []
            for order in ("ASC", "DESC"):
                try:
                    for row in old.execute(f"SELECT {names} FROM {table} ORDER BY rowid {order}"):
                        rows.append(row)
                except sqlite3.Error:
                    pass
            if not rows:
                continue
            marks = ", ".join("?" * len(cols))
            try:
                conn.execute("BEGIN IMMEDIATE")
                for row in rows:
                    try:
                        cur = conn.execute(f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({marks})", row)
                        copied += cur.rowcount
                    except sqlite3.Error:
                        pass
                conn.execute("COMMIT")
            except sqlite3.Error:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
    finally:
        old.close()
    return copied


def _move_aside(path: Path) -> Path:
    """Rename a corrupt database (and its WAL/SHM files) out of the way."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target
