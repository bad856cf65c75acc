"""``copydesk clean [--format markdown|text|json] PATH ...``: print cleaned articles.

- ``markdown`` (default): each article as Markdown (title, dek, metadata
  line, body); articles separated by a ``---`` line.
- ``text``: the body only, paragraphs separated by blank lines, no markup;
  articles separated by a form feed-free blank line pair.
- ``json``: JSON Lines, one object per input file with the keys
  ``path, title, dek, outlet, author, section, published, text, markdown,
  removed``; an input that cannot be read gives ``{"path", "error"}``.

Folders are expanded to the article files inside them. Unreadable inputs
are reported (on stderr, or as an error line in JSON) while the others are
still printed; the exit status is then 1. Many files are cleaned in a
process pool, output order stays the input order.
"""

from __future__ import annotations

import json
import os
import sys

#: From this many files on, clean in a process pool.
POOL_MIN_FILES = 24


def _expand(paths: list[str]) -> list[str]:
    """Files as given; folders -> their article files (sorted)."""
    out: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            from tui.core.library import iter_article_files

            real = os.path.realpath(p)

            def shown(f) -> str:
                """*f* as the user named the folder, not as resolved."""
                rel = os.path.relpath(f, real)
                return str(f) if rel.startswith("..") else os.path.join(p, rel)

            skipped: list[tuple[str, str]] = []
            out.extend(shown(f) for f in iter_article_files([p], skipped))
            # Files the walk skipped (dangling symlinks, symlink loops, names
            # that cannot be shown) get their error line too (paths have no NUL).
            out.extend(f"\0SKIP{why}\0{shown(sp)}" for sp, why in skipped
                       if why != "directory loop")
        else:
            out.append(p)
    return out


def render(path: str, fmt: str) -> tuple[str, bool]:
    """Clean one file and render it. Returns ``(output, ok)``; never raises
    for a bad input (the output is then the error line / message)."""
    from tui.core.clean import clean_file
    from tui.core.model import ArticleError
    from tui.core.textio import strip_controls

    if path.startswith("\0SKIP"):  # skipped by the folder walk, with its reason
        reason, _, skipped = path[5:].partition("\0")
        return _error(strip_controls(skipped), reason, fmt), False
    shown = strip_controls(path)
    try:
        art = clean_file(path)
    except ArticleError as e:
        return _error(shown, e.reason, fmt), False
    except (OSError, ValueError, MemoryError) as e:  # defensive: report, go on
        return _error(shown, type(e).__name__, fmt), False
    if fmt == "json":
        d = {
            "path": shown,
            "title": art.title,
            "dek": art.dek,
            "outlet": art.outlet,
            "author": art.author,
            "section": art.section,
            "published": art.published,
            "text": art.text(),
            "markdown": art.markdown(),
            "removed": [{"text": r.text, "reason": r.reason} for r in art.removed],
        }
        return json.dumps(d, ensure_ascii=False) + "\n", True
    if fmt == "text":
        t = art.text()
        return (t + "\n") if t else "", True
    return art.markdown(), True


def _error(path: str, reason: str, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"path": path, "error": reason}, ensure_ascii=False) + "\n"
    return "\0ERR" + f"{path}: {reason}"


def _render_star(args: tuple[str, str]) -> tuple[str, bool]:
    return render(*args)


def run(args) -> int:
    fmt = args.format
    files = _expand(list(args.paths))
    if not files:  # only folders, with no article files in them
        from tui.cli import UsageError

        raise UsageError(f"no readable articles (.txt, .md, .html) in {', '.join(args.paths)}")
    jobs = os.cpu_count() or 1
    if len(files) >= POOL_MIN_FILES and jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=min(jobs, 8))
        results = pool.map(_render_star, [(f, fmt) for f in files], chunksize=8)
    else:
        pool = None
        results = (render(f, fmt) for f in files)
    status = 0
    first = True
    out = sys.stdout
    try:
        for text, ok in results:
            if not ok:
                status = 1
                if text.startswith("\0ERR"):
                    print(f"copydesk: {text[4:]}", file=sys.stderr)
                    continue
            if fmt != "json" and not first and text:
                out.write("\n---\n\n" if fmt == "markdown" else "\n")
            if text:
                out.write(text)
                first = False
        out.flush()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return status
