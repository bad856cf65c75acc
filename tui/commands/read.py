"""``copydesk [PATH ...]``: open the reader.

Paths are checked before the UI starts, so a mistake ends with one line on
stderr and exit status 2 (see :class:`tui.cli.UsageError`), never a
traceback or a blank screen.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

from tui.cli import UsageError

SUFFIX_HINT = ".txt, .md, .html"


def _check_file(arg: str, path: Path) -> None:
    """An explicitly named file must be a readable article."""
    from tui.core.model import ArticleError
    from tui.core.textio import ARTICLE_SUFFIXES, looks_binary, read_article_bytes

    if not path.name.lower().endswith(ARTICLE_SUFFIXES):
        raise UsageError(f"{arg}: not an article file ({SUFFIX_HINT})")
    try:
        data, _ = read_article_bytes(path, max_bytes=64 * 1024)
    except ArticleError as e:
        raise UsageError(f"{arg}: {e.reason}") from None
    if not data.strip():
        raise UsageError(f"{arg}: no readable article (the file is empty)")
    if looks_binary(data):
        raise UsageError(f"{arg}: no readable article (the file is binary)")


def resolve_roots(paths: list[str], home: str | None = None) -> list[Path]:
    """The library roots: given paths (checked) or the bundled articles.
    The copydesk *home*'s own files (exports...) do not count as articles."""
    from tui.core.db import resolve_home
    from tui.core.library import bundled_data_dir, iter_article_files

    if not paths:
        return [bundled_data_dir()]
    roots = []
    for p in paths:
        path = Path(p).expanduser()
        if not path.exists():
            raise UsageError(f"{p}: no such file or directory")
        if path.is_file():
            _check_file(p, path)
        elif path.is_dir():
            if not os.access(path, os.R_OK | os.X_OK):
                raise UsageError(f"{p}: permission denied")
        else:
            raise UsageError(f"{p}: not a file or folder")
        roots.append(path)
    if not any(True for _ in iter_article_files(roots, home=resolve_home(home))):
        raise UsageError(f"no readable articles ({SUFFIX_HINT}) in {', '.join(paths)}")
    return roots


def printable(s: str | None) -> str:
    """*s* safe to print on one terminal line: no control characters."""
    from tui.core.textio import strip_controls

    return strip_controls(s or "").replace("\n", " ").replace("\t", " ")


def open_home(home: str | None, *, create: bool = True):
    """The home's database for a subcommand; a mistake becomes a UsageError,
    and a corrupt database moved aside is said on stderr.

    Only commands that write (the reader, ``index``) may create a missing
    home (``create=True``); the others (``search``, ``marks``) end with a
    one-line error instead of leaving an empty home behind, e.g. for a
    mistyped ``--home``."""
    import sys

    from tui.core.db import Database, DatabaseError, HomeMissing

    try:
        db = Database.open(home, create=create)
    except HomeMissing as e:
        raise UsageError(f"{printable(str(e))}; `copydesk index PATH` or the reader "
                         f"creates it") from e
    except DatabaseError as e:
        raise UsageError(str(e)) from e
    if db.moved_aside is not None:
        print(f"copydesk: the database was corrupt; it was moved aside to "
              f"{printable(str(db.moved_aside))} (kept) and a fresh one started", file=sys.stderr)
    return db


def run(args) -> int:
    # Start-up allocates a lot (Textual's and our modules, the screen) and
    # frees almost nothing: the cyclic collector would walk it all again and
    # again (~25 ms here). Keep it off until the app is built, then move what
    # exists out of its reach (gc.freeze) and turn it back on.
    gc.disable()
    try:
        roots = resolve_roots(args.paths, args.home)
        from tui.core.db import DatabaseError

        try:
            from tui.ui.app import CopydeskApp
        except ImportError as e:  # pragma: no cover - a broken install
            raise UsageError(f"the reader UI is unavailable: {e}") from e
        try:
            app = CopydeskApp(roots=roots, home=args.home)
        except DatabaseError as e:
            raise UsageError(str(e)) from e
        gc.freeze()
    finally:
        gc.enable()
    app.run()
    return app.return_code or 0
