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
]

SCHEMA_VERSION = len(MIGRATIONS)


class DatabaseError(Exception):
    """A database problem the user must be told about (one clear line)."""


class DatabaseTooNew(DatabaseError):
    pass


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
                 moved_aside: Path | None = None):
        self.conn = conn
        self.path = path
        self.read_only = read_only
        self.moved_aside = moved_aside

    # -- opening ---------------------------------------------------------

    @classmethod
    def open(cls, home: str | os.PathLike[str] | None = None) -> "Database":
        """Open (creating and migrating as needed) the database in *home*.

        Raises :class:`DatabaseTooNew` for a newer schema, and
        :class:`DatabaseError` when the home cannot be created. Falls back
        to read-only when the file exists but cannot be written.
        """
        home_path = resolve_home(home)
        try:
            home_path.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise DatabaseError(f"cannot create copydesk home {home_path}: {e.strerror or e}") from e
        path = home_path / DB_NAME
        moved: Path | None = None
        # Refuse a newer schema before anything (such as switching the
        # journal mode to WAL) could write to the file.
        _peek_version(path)
        try:
            conn = cls._connect(path)
            cls._migrate(conn, path)
        except DatabaseTooNew:
            raise
        except sqlite3.DatabaseError as e:
            if _is_corrupt(e):
                moved = _move_aside(path)
                conn = cls._connect(path)
                cls._migrate(conn, path)
            elif _is_readonly(e) and path.exists():
                conn = cls._connect(path, read_only=True)
                _check_version(conn, path)
                return cls(conn, path, read_only=True)
            else:
                raise DatabaseError(f"cannot open {path}: {e}") from e
        return cls(conn, path, moved_aside=moved)

    @staticmethod
    def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
        if read_only:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True,
                                   timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
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
        """One write transaction, committed on exit (``BEGIN IMMEDIATE``)."""
        if self.read_only:
            raise DatabaseError(f"{self.path} is read-only; changes cannot be saved")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def execute(self, sql: str, params: tuple | dict = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as c:
            c.execute("INSERT INTO settings(key, value) VALUES (?, ?) "
                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def close(self) -> None:
        self.conn.close()


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
    return [s.strip() for s in script.split(";") if s.strip()]


def _is_corrupt(e: sqlite3.DatabaseError) -> bool:
    msg = str(e).lower()
    return "not a database" in msg or "malformed" in msg or "corrupt" in msg


def _is_readonly(e: sqlite3.DatabaseError) -> bool:
    msg = str(e).lower()
    return "readonly" in msg or "read-only" in msg or "unable to open" in msg


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
