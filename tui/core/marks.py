"""Marks: highlights and notes on passages, stored durably.

Pure core (no UI). Every change is one write transaction, committed before
the function returns, so whatever the UI shows as done survives a crash.
Deletion is soft (``deleted`` timestamp) so it can be undone; lists skip
deleted marks. Marks are keyed by the article's path and anchored to its
plain text with the selectors of :mod:`tui.core.anchor`; when the text
changes, :func:`reanchor` finds them again or makes them orphans (kept,
listed, never deleted silently).
"""

from __future__ import annotations

import sqlite3
import time
import uuid as uuidlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Sequence, TypeVar

from tui.core.anchor import ANCHORED, FUZZY, ORPHAN, Quote, describe, locate, trim_span
from tui.core.db import Database
from tui.core.model import Article
from tui.core.textio import strip_controls

COLORS = ("yellow", "green", "blue", "pink", "purple")
STATES = (ANCHORED, FUZZY, ORPHAN)

T = TypeVar("T")


class MarkError(Exception):
    """A mark operation that cannot be done (one clear line)."""


@dataclass(slots=True)
class Mark:
    id: int
    uuid: str
    path: str
    exact: str
    prefix: str
    suffix: str
    start: int
    end: int
    color: str = "yellow"
    note: str = ""
    state: str = ANCHORED
    title: str | None = None
    created: str = ""
    modified: str = ""
    deleted: str | None = None
    source_hash: str | None = None
    cleaner_version: int | None = None

    @property
    def orphan(self) -> bool:
        return self.state == ORPHAN

    @property
    def quote(self) -> Quote:
        return Quote(self.exact, self.prefix, self.suffix, self.start, self.end)

    def overlaps(self, start: int, end: int) -> bool:
        if self.orphan:
            return False
        if start == end:
            return self.start <= start < self.end
        return self.start < end and start < self.end


_COLUMNS = ("id, uuid, path, exact, prefix, suffix, start, end, color, note, state, title, "
            "created, modified, deleted, source_hash, cleaner_version")


def _row(r: sqlite3.Row) -> Mark:
    return Mark(*(r[i] for i in range(17)))


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _write(db: Database, fn: Callable[[sqlite3.Connection], T], attempts: int = 5) -> T:
    """Run *fn* in one write transaction; retry if another process holds
    the lock past the busy timeout."""
    for n in range(attempts):
        try:
            with db.transaction() as c:
                return fn(c)
        except sqlite3.OperationalError as e:
            msg = str(e).lower()
            if ("locked" not in msg and "busy" not in msg) or n == attempts - 1:
                raise
            time.sleep(0.05 * (n + 1))
    raise AssertionError("unreachable")


def _check_color(color: str) -> str:
    if color not in COLORS:
        raise MarkError(f"unknown colour {color!r} (one of {', '.join(COLORS)})")
    return color


def article_version(db: Database, path: str) -> tuple[str | None, int | None]:
    """``(source hash, cleaner version)`` of the indexed article at *path*."""
    r = db.execute("SELECT hash, cleaner_version FROM articles WHERE path = ?", (path,)).fetchone()
    return (r[0], r[1]) if r else (None, None)


# -- changes -------------------------------------------------------------------

def add_mark(db: Database, path: str, article: Article, start: int, end: int, *,
             color: str = "yellow", note: str = "", source_hash: str | None = None,
             cleaner_version: int | None = None) -> Mark:
    """Mark ``article.text()[start:end]`` (white space at the ends trimmed).

    *source_hash* and *cleaner_version* default to the library index's.
    """
    _check_color(color)
    text = article.text()
    start, end = trim_span(text, start, end)
    if start >= end:
        raise MarkError("nothing to mark: the passage is empty")
    q = describe(text, start, end)
    if source_hash is None and cleaner_version is None:
        source_hash, cleaner_version = article_version(db, path)
    stamp = now_iso()
    uid = str(uuidlib.uuid4())

    def insert(c: sqlite3.Connection) -> Mark:
        cur = c.execute(
            """INSERT INTO marks(uuid, path, source_hash, cleaner_version, exact, prefix, suffix,
                   start, end, color, note, state, title, created, modified)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            (uid, path, source_hash, cleaner_version, q.exact, q.prefix, q.suffix, q.start,
             q.end, color, strip_controls(note), ANCHORED, article.title, stamp, stamp))
        return Mark(cur.lastrowid, uid, path, q.exact, q.prefix, q.suffix, q.start, q.end,
                    color, strip_controls(note), ANCHORED, article.title, stamp, stamp, None,
                    source_hash, cleaner_version)

    return _write(db, insert)


def get_mark(db: Database, uuid: str, *, include_deleted: bool = False) -> Mark:
    r = db.execute(f"SELECT {_COLUMNS} FROM marks WHERE uuid = ?", (uuid,)).fetchone()
    if r is None or (r["deleted"] is not None and not include_deleted):
        raise MarkError(f"no such mark: {uuid}")
    return _row(r)


def update_mark(db: Database, uuid: str, *, note: str | None = None,
                color: str | None = None) -> Mark:
    """Change a mark's note and/or colour."""
    if color is not None:
        _check_color(color)

    def update(c: sqlite3.Connection) -> Mark:
        sets, params = ["modified = ?"], [now_iso()]
        if note is not None:
            sets.append("note = ?")
            params.append(strip_controls(note))
        if color is not None:
            sets.append("color = ?")
            params.append(color)
        cur = c.execute(f"UPDATE marks SET {', '.join(sets)} WHERE uuid = ? AND deleted IS NULL",
                        (*params, uuid))
        if cur.rowcount == 0:
            raise MarkError(f"no such mark: {uuid}")
        return _row(c.execute(f"SELECT {_COLUMNS} FROM marks WHERE uuid = ?", (uuid,)).fetchone())

    # Read back inside the transaction: an error after the commit would
    # otherwise say "not changed" about a change that was saved.
    return _write(db, update)


def delete_mark(db: Database, uuid: str) -> str:
    """Soft-delete a mark; returns the token for :func:`undelete_mark`."""
    def delete(c: sqlite3.Connection) -> None:
        cur = c.execute("UPDATE marks SET deleted = ? WHERE uuid = ? AND deleted IS NULL",
                        (now_iso(), uuid))
        if cur.rowcount == 0:
            raise MarkError(f"no such mark: {uuid}")

    _write(db, delete)
    return uuid


def undelete_mark(db: Database, token: str) -> Mark:
    """Undo :func:`delete_mark`."""
    def undelete(c: sqlite3.Connection) -> Mark:
        cur = c.execute("UPDATE marks SET deleted = NULL WHERE uuid = ? AND deleted IS NOT NULL",
                        (token,))
        if cur.rowcount == 0:
            raise MarkError("nothing to undo")
        return _row(c.execute(f"SELECT {_COLUMNS} FROM marks WHERE uuid = ?", (token,)).fetchone())

    return _write(db, undelete)


# -- queries -------------------------------------------------------------------

def marks_for(db: Database, path: str) -> list[Mark]:
    """The live marks of one article, in text order (orphans last)."""
    rows = db.execute(f"SELECT {_COLUMNS} FROM marks WHERE path = ? AND deleted IS NULL "
                      "ORDER BY state = 'orphan', start, id", (path,)).fetchall()
    return [_row(r) for r in rows]


def all_marks(db: Database) -> list[Mark]:
    """Every live mark, by article path then text order."""
    rows = db.execute(f"SELECT {_COLUMNS} FROM marks WHERE deleted IS NULL "
                      "ORDER BY path, state = 'orphan', start, id").fetchall()
    return [_row(r) for r in rows]


def mark_counts(db: Database) -> dict[str, int]:
    """Live marks per article path."""
    return {r[0]: r[1] for r in db.execute(
        "SELECT path, COUNT(*) FROM marks WHERE deleted IS NULL GROUP BY path")}


def mark_count(db: Database, path: str) -> int:
    """Live marks of one article (what :func:`mark_counts` gives for *path*,
    without counting every other article's)."""
    return db.execute("SELECT COUNT(*) FROM marks WHERE path = ? AND deleted IS NULL",
                      (path,)).fetchone()[0]


def marks_at(marks: Iterable[Mark], start: int, end: int) -> list[Mark]:
    """The (non-orphan) marks overlapping ``[start, end)`` (or containing
    *start* when the span is empty)."""
    return [m for m in marks if m.overlaps(start, end)]


# -- re-anchoring ----------------------------------------------------------------

def reanchor(db: Database, path: str, article: Article, source_hash: str | None = None,
             cleaner_version: int | None = None) -> list[Mark]:
    """The article's marks, re-anchored to its current text.

    Marks made on this very version (same source hash and cleaner version)
    whose quote is still in place are left alone; the others are located
    again (:func:`tui.core.anchor.locate`) and saved: new position (and
    context), ``fuzzy`` when the quote itself changed, ``orphan`` when it
    cannot be found (quote and note kept). One transaction.
    """
    if source_hash is None and cleaner_version is None:
        source_hash, cleaner_version = article_version(db, path)
    text = article.text()
    marks = marks_for(db, path)
    changes: list[tuple[Mark, tuple]] = []
    for m in marks:
        same_version = m.source_hash == source_hash and m.cleaner_version == cleaner_version
        if same_version and (m.orphan or text[m.start:m.end] == m.exact):
            continue
        found = locate(text, m.quote)
        if found is None:
            new = (m.exact, m.prefix, m.suffix, m.start, m.end, ORPHAN)
        else:
            q = describe(text, found.start, found.end)
            state = FUZZY if FUZZY in (found.state, m.state) else ANCHORED
            new = (q.exact, q.prefix, q.suffix, q.start, q.end, state)
        changes.append((m, new))
    if not changes:
        return marks

    def save(c: sqlite3.Connection) -> None:
        for m, (exact, prefix, suffix, start, end, state) in changes:
            c.execute("""UPDATE marks SET exact = ?, prefix = ?, suffix = ?, start = ?, end = ?,
                             state = ?, source_hash = ?, cleaner_version = ? WHERE id = ?""",
                      (exact, prefix, suffix, start, end, state, source_hash, cleaner_version,
                       m.id))
            m.exact, m.prefix, m.suffix, m.start, m.end, m.state = exact, prefix, suffix, start, end, state
            m.source_hash, m.cleaner_version = source_hash, cleaner_version

    if not db.read_only:
        _write(db, save)
    else:  # still show where the marks are now, without saving
        for m, (exact, prefix, suffix, start, end, state) in changes:
            m.exact, m.prefix, m.suffix, m.start, m.end, m.state = exact, prefix, suffix, start, end, state
    marks.sort(key=lambda m: (m.orphan, m.start, m.id))
    return marks


def reanchor_stale(db: Database, paths: Iterable[str] | None = None) -> int:
    """Re-anchor the marks whose article was re-indexed since they were
    anchored (its source hash or cleaner version changed), using the cleaned
    text kept in the library index. Returns how many articles were done.
    Articles not in the index (or unreadable now) are left as they are."""
    from tui.core.library import load_doc, read_snapshot

    rows = db.execute(
        """SELECT DISTINCT m.path FROM marks m JOIN articles a ON a.path = m.path
           WHERE m.deleted IS NULL AND a.status = 'ok' AND a.doc IS NOT NULL
             AND (m.source_hash IS NOT a.hash OR m.cleaner_version IS NOT a.cleaner_version)"""
    ).fetchall()
    wanted = None if paths is None else set(paths)
    done = 0
    for (path,) in rows:
        if wanted is not None and path not in wanted:
            continue
        # (row and paragraphs in one snapshot: a re-index by another program
        # in between would anchor the marks on a mix of two versions)
        with read_snapshot(db):
            r = db.execute("SELECT id, doc, hash, cleaner_version FROM articles WHERE path = ?",
                           (path,)).fetchone()
            try:
                article = load_doc(r["doc"], db, r["id"])
            except (ValueError, TypeError):
                continue
        reanchor(db, path, article, r["hash"], r["cleaner_version"])
        done += 1
    return done


# -- export ------------------------------------------------------------------------

@dataclass(slots=True)
class ArticleInfo:
    title: str
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    dateline: str | None = None

    @property
    def date(self) -> str | None:
        return self.published.replace("T", " ") if self.published else self.dateline


def article_info(db: Database, marks: Sequence[Mark]) -> dict[str, ArticleInfo]:
    """Metadata of the marked articles, from the library index (falling
    back to the title stored with the mark, then the file name)."""
    out: dict[str, ArticleInfo] = {}
    for m in marks:
        if m.path in out:
            continue
        r = db.execute("SELECT title, outlet, author, published, dateline FROM articles "
                       "WHERE path = ? AND status != 'error'", (m.path,)).fetchone()
        if r is not None and r["title"]:
            out[m.path] = ArticleInfo(r["title"], r["outlet"], r["author"], r["published"],
                                      r["dateline"])
        else:
            out[m.path] = ArticleInfo(m.title or Path(m.path).name)
    return out


def source_uri(path: str) -> str:
    p = Path(path)
    return p.as_uri() if p.is_absolute() else path


def _group(marks: Sequence[Mark]) -> dict[str, list[Mark]]:
    groups: dict[str, list[Mark]] = {}
    for m in marks:
        groups.setdefault(m.path, []).append(m)
    return groups


def export_markdown(db: Database, marks: Sequence[Mark]) -> str:
    """Marks grouped by article: a heading with title, outlet, date and
    path, then each mark as a ``> quote`` with its note below."""
    info = article_info(db, marks)
    parts: list[str] = []
    for path, group in _group(marks).items():
        a = info[path]
        parts.append("## " + " ".join(a.title.split()))
        meta = [x for x in (a.outlet, a.author and "By " + a.author, a.date) if x]
        meta.append(f"`{path}`")
        parts.append(" · ".join(meta))
        for m in group:
            parts.append("\n".join("> " + line if line.strip() else ">"
                                   for line in m.exact.split("\n")))
            if m.note.strip():
                parts.append(m.note.strip())
            if m.orphan:
                parts.append("*(orphan: this passage is no longer in the article's text)*")
    return "\n\n".join(parts) + "\n" if parts else ""


def annotation(m: Mark) -> dict:
    """A mark as a W3C Web Annotation object."""
    body: list[dict] = []
    if m.note:
        body.append({"type": "TextualBody", "purpose": "commenting", "format": "text/plain",
                     "value": m.note, "created": m.created, "modified": m.modified})
    body.append({"type": "TextualBody", "purpose": "highlighting", "value": m.color})
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"urn:uuid:{m.uuid}",
        "type": "Annotation",
        "motivation": "commenting" if m.note else "highlighting",
        "created": m.created,
        "modified": m.modified,
        "body": body,
        "target": {
            "source": source_uri(m.path),
            "selector": [
                {"type": "TextQuoteSelector", "exact": m.exact, "prefix": m.prefix,
                 "suffix": m.suffix},
                {"type": "TextPositionSelector", "start": m.start, "end": m.end},
            ],
        },
        "copydesk": {"color": m.color, "state": m.state, "title": m.title,
                     "source_hash": m.source_hash, "cleaner_version": m.cleaner_version},
    }


def export_json(db: Database, marks: Sequence[Mark]) -> str:
    import json

    return json.dumps([annotation(m) for m in marks], ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = ("Highlight", "Title", "Author", "URL", "Note", "Location")

#: A spreadsheet reads a cell starting with one of these as a formula (or
#: may run it): OWASP's list for CSV injection.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(s: str) -> str:
    """*s* as a CSV cell a spreadsheet shows as text, never as a formula:
    a leading ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a ``'``
    in front (OWASP's advice for CSV injection); anything else is unchanged."""
    return "'" + s if s.startswith(FORMULA_STARTS) else s


def export_csv(db: Database, marks: Sequence[Mark]) -> str:
    """Readwise's CSV import columns; Location is the quote's character
    offset in the article text (orders highlights within an article).

    Text cells (quote, title, author, URL, note) come from articles and from
    the reader, so each is made :func:`spreadsheet_safe`: a quote such as
    ``=HYPERLINK(...)`` opens as text, not as a formula. The JSON and
    Markdown exports keep the text as it is."""
    import csv
    import io

    info = article_info(db, marks)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for m in marks:
        a = info[m.path]
        w.writerow([spreadsheet_safe(m.exact), spreadsheet_safe(a.title),
                    spreadsheet_safe(a.author or ""), spreadsheet_safe(source_uri(m.path)),
                    spreadsheet_safe(m.note), m.start])
    return buf.getvalue()


EXPORTERS: dict[str, Callable[[Database, Sequence[Mark]], str]] = {
    "markdown": export_markdown, "json": export_json, "csv": export_csv}


def export_file(db: Database, article: str | None = None, fmt: str = "markdown",
                directory: str | Path | None = None) -> Path:
    """Write the marks of *article* (or of the whole library) to a new file
    in *directory* (default: ``exports/`` in the copydesk home); returns its
    path. Written to a temporary name, then renamed, so a crash never leaves
    half a file."""
    import os

    marks = marks_for(db, article) if article else all_marks(db)
    if not marks:
        raise MarkError("no marks to export" + (" in this article" if article else ""))
    out_dir = Path(directory) if directory else Path(db.path).parent / "exports"
    out_dir.mkdir(parents=True, exist_ok=True)
    ext = {"markdown": "md", "json": "json", "csv": "csv"}[fmt]
    stem = "marks-" + (_slug(article_info(db, marks)[article].title) if article else "library")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = out_dir / f"{stem}-{stamp}.{ext}"
    n = 1
    while target.exists():
        n += 1
        target = out_dir / f"{stem}-{stamp}-{n}.{ext}"
    tmp = target.with_name("." + target.name + ".tmp")
    tmp.write_text(EXPORTERS[fmt](db, marks), encoding="utf-8")
    os.replace(tmp, target)
    return target


def _slug(title: str) -> str:
    import re

    s = re.sub(r"[^\w]+", "-", title.casefold()).strip("-")
    return s[:40].rstrip("-") or "article"
