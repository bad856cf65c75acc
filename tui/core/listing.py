"""A windowed view of the library's articles for the source list.

The source list shows one row per (non-missing) article under the library's
roots, in path order. :class:`Listing` answers what the list needs without
building a Python object per article: :meth:`count`, :meth:`rows` for a
window (``offset``, ``limit``), :meth:`index_of` a path, and a title filter
(:meth:`set_query`). Everything is SQL over the ``articles_list`` covering
index and the ``article_titles`` FTS5 table (migration 4).

Filter semantics (``set_query``): the query is stripped; an empty query
shows everything. A title matches when it contains the query as a
substring, case-insensitively:

- queries of 3 characters or more use the FTS5 ``trigram`` index: case is
  folded by SQLite's Unicode tables, one code point to one code point
  (``É`` = ``é``, ``Σ`` = ``σ`` = ``ς``, ``ſ`` = ``s``); there is no
  multi-character folding (``Straße`` does not match ``STRASSE``, but
  ``STRAßE`` matches) and accents count (``cafe`` does not match
  ``café``). The cost grows with the number of matches, not the library.
- 1- and 2-character queries cannot use trigrams: they are a ``LIKE`` scan
  in SQL (ASCII letters fold, other letters must match case exactly).

``%``, ``_``, ``"``, ``\\`` and the like in a query are literal characters.

The unfiltered view pages with ``ORDER BY path`` and keyset steps from a
neighbouring cached page (``OFFSET`` only for a jump); the filtered view
keeps the matched ids in path order (an ``array``; 8 bytes a match).
"""

from __future__ import annotations

import os
import sqlite3
from array import array
from collections import OrderedDict
from typing import Iterable

from tui.core.db import Database, connect_read_only  # noqa: F401 (re-exported)
from tui.core.library import Entry, Library, _root_keys, _roots_sql

#: Rows fetched per query (a page of the window cache).
PAGE = 64
#: Pages kept (LRU).
PAGES_KEPT = 8
#: Queries at least this long use the trigram index.
TRIGRAM_MIN = 3
#: A trigram query matching more than this share of the library is read in
#: path order from the list's index (sorting 50k matches by path costs more).
DENSE = 0.25

_COLUMNS = ("a.id, a.path, a.title, a.outlet, a.author, a.published, a.dateline, a.words, "
            "a.status, a.error, COALESCE(r.read, 0), "
            "(SELECT COUNT(*) FROM marks m WHERE m.path = a.path AND m.deleted IS NULL)")
_FROM = "articles a INDEXED BY articles_list LEFT JOIN reading_state r ON r.path = a.path"


def _entry(row) -> Entry:
    return Entry(*row[:10], bool(row[10]), row[11])


def fts_phrase(query: str) -> str:
    """*query* as one FTS5 string (every character literal)."""
    return '"' + query.replace('"', '""') + '"'


def like_pattern(query: str) -> str:
    """``%query%`` for ``LIKE ... ESCAPE '\\'`` (every character literal)."""
    q = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{q}%"


def normalize_query(query: str) -> str:
    from tui.core.textio import strip_controls

    return strip_controls(query).strip()  # (NUL too: it is a C0 control)


class Listing:
    """The articles under *roots*, in path order, optionally title-filtered."""

    def __init__(self, db: Database, roots: Iterable[str | os.PathLike[str]]) -> None:
        self.db = db
        self.roots = list(roots)
        self._keys = _root_keys(self.roots)
        self._query = ""
        #: Matched article ids in path order (filtered view), else None.
        self._ids: array | None = None
        self._count: int | None = None
        self._totals: tuple[int, int] | None = None
        self._read: int | None = None
        self._pages: OrderedDict[int, list[Entry]] = OrderedDict()
        self._fts: bool | None = None
        #: For tests and benches: SQL row queries run and rows they returned.
        self.queries = 0
        self.rows_fetched = 0

    # -- the view ------------------------------------------------------------

    @property
    def query(self) -> str:
        return self._query

    def set_query(self, query: str, ids: array | None = None) -> bool:
        """Filter titles by *query* (see the module doc). True if it changed.
        *ids*: :meth:`match` of the query, already computed (e.g. in a thread)."""
        query = normalize_query(query)
        if query == self._query:
            return False
        self._query = query
        self._ids = (ids if ids is not None else self.match(query)) if query else None
        self._count = None
        self._pages.clear()
        return True

    def refresh(self) -> None:
        """Forget cached rows and counts (the library or reading state changed)."""
        self._pages.clear()
        self._count = None
        self._totals = None
        self._read = None
        if self._query:
            self._ids = self.match(self._query)

    def forget(self, path: str | None = None) -> None:
        """Drop cached rows (of *path*, or all) so they are read again."""
        if path is None:
            self._pages.clear()
            return
        for p, rows in list(self._pages.items()):
            if any(e.path == path for e in rows):
                del self._pages[p]

    def _where(self, col: str = "a.path") -> tuple[str, list[str]]:
        return _roots_sql(self._keys, col)

    def match(self, query: str, conn: sqlite3.Connection | None = None,
              total: int | None = None) -> array:
        """Ids of the articles under the roots whose title matches *query*
        (normalized), in path order; through *conn* if given (a worker
        thread's own connection), else the database's. *total*: the
        library's size if known (:meth:`totals`; picks the plan)."""
        query = normalize_query(query)
        cur = (conn or self.db.conn).cursor()
        cur.row_factory = None
        where, params = self._where("path")
        if len(query) >= TRIGRAM_MIN and self.has_titles_index(conn):
            phrase = fts_phrase(query)
            if total is None and conn is None:
                total = self.totals()[0]
            n = cur.execute("SELECT COUNT(*) FROM article_titles WHERE article_titles MATCH ?",
                            [phrase]).fetchone()[0]  # (no row read: ~1 ms for 50k)
            if total and n > DENSE * total:
                # Most titles match: walk the list's index in path order and
                # keep the matches, rather than sorting them all by path.
                sql = ("SELECT id FROM articles INDEXED BY articles_list WHERE status != 'missing' "
                       f"AND {where} AND id IN (SELECT rowid FROM article_titles "
                       "WHERE article_titles MATCH ?) ORDER BY path")
                params = [*params, phrase]
            else:
                sql = ("SELECT rowid AS id FROM article_titles WHERE article_titles MATCH ? "
                       f"AND {where} ORDER BY path")
                params = [phrase, *params]
        else:
            # Short queries; or a read-only database from before migration 4.
            sql = ("SELECT id FROM articles INDEXED BY articles_list WHERE status != 'missing' "
                   f"AND {where} AND title LIKE ? ESCAPE '\\' ORDER BY path")
            params = [*params, like_pattern(query)]
        # One string of ids instead of a Python row per match (half the
        # time for 60k matches); the subquery's order is kept (tested).
        joined = cur.execute(f"SELECT group_concat(id) FROM ({sql})", params).fetchone()[0]
        return array("q", map(int, joined.split(","))) if joined else array("q")

    def has_titles_index(self, conn: sqlite3.Connection | None = None) -> bool:
        if self._fts is None:
            self._fts = (conn or self.db.conn).execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'article_titles'").fetchone() is not None
        return self._fts

    def count(self) -> int:
        """Rows in the view."""
        if self._ids is not None:
            return len(self._ids)
        if self._count is None:
            self._count = self.totals()[0]
        return self._count

    def totals(self) -> tuple[int, int]:
        """(articles listed, of which readable) under the roots, unfiltered."""
        if self._totals is None:
            where, params = self._where("path")
            n, ok = self.db.conn.execute(
                # (the planner picks the narrowest covering index of path, status)
                "SELECT COUNT(*), COALESCE(SUM(status = 'ok'), 0) FROM articles "
                f"WHERE status != 'missing' AND {where}",
                params).fetchone()
            self._totals = (n, ok)
        return self._totals

    def unread(self) -> int:
        """Readable articles under the roots never opened."""
        if self._read is None:
            where, params = self._where()
            self._read = self.db.conn.execute(
                # CROSS JOIN: walk the (small) reading state, not the library
                "SELECT COUNT(*) FROM reading_state r CROSS JOIN articles a ON a.path = r.path "
                f"WHERE r.read != 0 AND a.status = 'ok' AND {where}", params).fetchone()[0]
        return self.totals()[1] - self._read

    def read_changed(self) -> None:
        """A reading state was saved: recount read articles on next use."""
        self._read = None

    # -- rows ----------------------------------------------------------------

    def rows(self, offset: int, limit: int) -> list[Entry]:
        """Rows ``offset .. offset + limit`` of the view."""
        n = self.count()
        offset = max(0, offset)
        end = min(n, offset + max(0, limit))
        out: list[Entry] = []
        p = offset // PAGE
        while offset + len(out) < end:
            page = self.page(p)
            lo = max(0, offset - p * PAGE)
            out += page[lo:end - p * PAGE]
            if len(page) < PAGE:  # the view ends here (rows gone since the count)
                break
            p += 1
        return out

    def row(self, index: int) -> Entry | None:
        if not 0 <= index < self.count():
            return None
        page = self.page(index // PAGE)
        i = index % PAGE
        return page[i] if i < len(page) else None

    def page(self, p: int) -> list[Entry]:
        """Page *p* (rows ``p*PAGE ..``), from the cache or one query."""
        pages = self._pages
        if p in pages:
            pages.move_to_end(p)
            return pages[p]
        rows = self._fetch(p)
        pages[p] = rows
        while len(pages) > PAGES_KEPT:
            pages.popitem(last=False)
        return rows

    def _fetch(self, p: int) -> list[Entry]:
        self.queries += 1
        cur = self.db.conn.cursor()
        cur.row_factory = None
        if self._ids is not None:
            ids = self._ids[p * PAGE:(p + 1) * PAGE]
            if not ids:
                return []
            marks = ",".join("?" * len(ids))
            got = {r[0]: r for r in cur.execute(
                f"SELECT {_COLUMNS} FROM articles a LEFT JOIN reading_state r ON r.path = a.path "
                f"WHERE a.id IN ({marks})", list(ids))}
            # A row deleted since the match is skipped.
            rows = [_entry(got[i]) for i in ids if i in got]
        else:
            where, params = self._where()
            base = f"SELECT {_COLUMNS} FROM {_FROM} WHERE a.status != 'missing' AND {where}"
            before, after = self._pages.get(p - 1), self._pages.get(p + 1)
            if before and len(before) == PAGE:  # keyset: right after the page above
                rows = [_entry(r) for r in cur.execute(
                    f"{base} AND a.path > ? ORDER BY a.path LIMIT ?",
                    [*params, before[-1].path, PAGE])]
            elif after:  # keyset: right before the page below
                rows = [_entry(r) for r in cur.execute(
                    f"{base} AND a.path < ? ORDER BY a.path DESC LIMIT ?",
                    [*params, after[0].path, PAGE])]
                rows.reverse()
            else:
                rows = [_entry(r) for r in cur.execute(
                    f"{base} ORDER BY a.path LIMIT ? OFFSET ?", [*params, PAGE, p * PAGE])]
        self.rows_fetched += len(rows)
        return rows

    def cached(self, path: str) -> tuple[int, Entry] | None:
        """(index, entry) of *path* if its row is in the window cache."""
        for p, rows in self._pages.items():
            for i, e in enumerate(rows):
                if e.path == path:
                    return p * PAGE + i, e
        return None

    def index_of(self, path: str) -> int | None:
        """Position of *path* in the view, or None if it is not shown."""
        hit = self.cached(path)
        if hit is not None:
            return hit[0]
        if self._ids is not None:
            r = self.db.conn.execute("SELECT id FROM articles WHERE path = ?", (path,)).fetchone()
            if r is None:
                return None
            try:
                return self._ids.index(r[0])
            except ValueError:
                return None
        if not self.contains(path):
            return None
        where, params = self._where("path")
        if self._totals is None:  # one scan for the totals and the position
            n, ok, before = self.db.conn.execute(
                "SELECT COUNT(*), COALESCE(SUM(status = 'ok'), 0), COALESCE(SUM(path < ?), 0) "
                f"FROM articles WHERE status != 'missing' AND {where}", [path, *params]).fetchone()
            self._totals = (n, ok)
            return before
        return self.db.conn.execute(
            f"SELECT COUNT(*) FROM articles WHERE status != 'missing' AND {where} AND path < ?",
            [*params, path]).fetchone()[0]

    def contains(self, path: str) -> bool:
        """Is *path* a (non-missing) article under the roots (filter ignored)?"""
        return self.entry(path) is not None

    def entry(self, path: str) -> Entry | None:
        """The row of *path* (filter ignored), or None if it is not listed."""
        hit = self.cached(path)
        if hit is not None:
            return hit[1]
        where, params = self._where()
        cur = self.db.conn.cursor()
        cur.row_factory = None
        r = cur.execute(f"SELECT {_COLUMNS} FROM {_FROM} WHERE a.path = ? AND "
                        f"a.status != 'missing' AND {where}", [path, *params]).fetchone()
        return _entry(r) if r else None

    def all_entries(self) -> list[Entry]:
        """Every row, filter ignored (a Python object per article: for the
        command palette, not for the list)."""
        return Library(self.db, self.roots).entries()

    def first_ok(self) -> Entry | None:
        """The first readable article under the roots (filter ignored)."""
        where, params = self._where()
        cur = self.db.conn.cursor()
        cur.row_factory = None
        r = cur.execute(f"SELECT {_COLUMNS} FROM {_FROM} WHERE a.status = 'ok' AND {where} "
                        "ORDER BY a.path LIMIT 1", params).fetchone()
        return _entry(r) if r else None



def ok_paths(db_path: str, roots: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Paths of the readable articles under *roots*, in path order (opens its
    own read-only connection: callable from a worker thread)."""
    where, params = _roots_sql(_root_keys(roots))
    conn = connect_read_only(db_path)
    try:
        return [p for (p,) in conn.execute(
            "SELECT path FROM articles INDEXED BY articles_list WHERE status = 'ok' "
            f"AND {where} ORDER BY path", params)]
    finally:
        conn.close()
