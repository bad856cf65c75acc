"""``copydesk [PATH ...]``: open the reader."""

from __future__ import annotations

from pathlib import Path

from tui.cli import UsageError


def resolve_roots(paths: list[str]) -> list[Path]:
    """The library roots: given paths (checked) or the bundled articles."""
    from tui.core.library import bundled_data_dir, iter_article_files

    if not paths:
        return [bundled_data_dir()]
    roots = []
    for p in paths:
        path = Path(p).expanduser()
        if not path.exists():
            raise UsageError(f"{p}: no such file or directory")
        roots.append(path)
    if not any(True for _ in iter_article_files(roots)):
        raise UsageError(f"no readable articles (.txt, .md, .html) in {', '.join(paths)}")
    return roots


def run(args) -> int:
    roots = resolve_roots(args.paths)
    from tui.core.db import DatabaseError

    try:
        from tui.ui.app import CopydeskApp
    except ImportError as e:  # pragma: no cover - UI not built yet
        raise UsageError(f"the reader UI is unavailable: {e}") from e
    try:
        app = CopydeskApp(roots=roots, home=args.home)
    except DatabaseError as e:
        raise UsageError(str(e)) from e
    app.run()
    return app.return_code or 0
