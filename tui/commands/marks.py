"""``copydesk marks list|export``: marks on the terminal, or exported to stdout."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from tui.cli import UsageError
from tui.commands.read import open_home


def _article_paths(arg: str) -> list[str]:
    """The forms under which marks of *arg* may be stored (resolved path
    first, then the absolute path for symlinks)."""
    p = Path(arg).expanduser()
    forms = [str(p.resolve()), str(p.absolute())]
    return list(dict.fromkeys(forms))


def select(db, article: str | None):
    from tui.core.marks import all_marks, marks_for

    if not article:
        return all_marks(db)
    for form in _article_paths(article):
        marks = marks_for(db, form)
        if marks:
            return marks
    if not Path(article).expanduser().exists():
        raise UsageError(f"{article}: no such file, and no marks for it")
    return []


def _cut(s: str, width: int) -> str:
    s = " ".join(s.split())
    if width <= 0:
        return ""
    return s if len(s) <= width else s[: max(0, width - 1)] + "…"


def table(marks, info, width: int) -> str:
    """A plain-text table: id, colour, date, article, quote, note."""
    rows = []
    for m in marks:
        quote = ("[orphan] " if m.orphan else "[fuzzy] " if m.state == "fuzzy" else "") + m.exact
        rows.append((m.uuid[:8], m.color, m.created[:10], info[m.path].title, quote, m.note))
    head = ("ID", "COLOUR", "DATE", "ARTICLE", "QUOTE", "NOTE")
    fixed = [8, 6, 10]
    rest = max(30, width - sum(fixed) - 2 * 5)
    title_w = max(10, rest // 4)
    note_w = max(8, rest // 4)
    quote_w = max(12, rest - title_w - note_w)
    widths = fixed + [title_w, quote_w, note_w]
    lines = []
    for r in [head, *rows]:
        cells = [_cut(str(c), w).ljust(w) for c, w in zip(r, widths)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def run(args) -> int:
    from tui.core.db import DatabaseError
    from tui.core.marks import EXPORTERS, article_info, reanchor_stale

    db = open_home(args.home, create=False)
    try:
        if not db.read_only:
            # Articles re-indexed since their marks were anchored: find the
            # marks again first, so quotes and positions match the text.
            try:
                reanchor_stale(db)
            except DatabaseError as e:  # locked by another program, disk full...
                raise UsageError(str(e)) from e
        marks = select(db, args.article)
        if args.marks_command == "list":
            if not marks:
                print("no marks", file=sys.stderr)
                return 0
            width = shutil.get_terminal_size((120, 24)).columns
            sys.stdout.write(table(marks, article_info(db, marks), width))
            n_orphans = sum(m.orphan for m in marks)
            extra = f" ({n_orphans} orphaned)" if n_orphans else ""
            print(f"{len(marks)} mark{'s' if len(marks) != 1 else ''}{extra}", file=sys.stderr)
            return 0
        sys.stdout.write(EXPORTERS[args.format](db, marks))
        sys.stdout.flush()
        return 0
    finally:
        db.close()
