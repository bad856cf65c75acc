"""``copydesk index PATH ... [--home DIR] [--jobs N]``: index without the UI.

Cleans new and changed files into the library database (in a process pool
when there are many), showing progress on stderr: a one-line bar redrawn
with ``\\r`` on a terminal, plain ``progress:`` lines (one per 10%) when
stderr is not a terminal. Then prints a summary on stdout: indexed,
unchanged, failed (with reasons), skipped, missing.

Exit status 0 when the scan completed (files that are not articles are
reported, not fatal), 2 for a usage mistake.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

from tui.cli import UsageError
from tui.commands.read import open_home, printable, resolve_roots

BAR_WIDTH = 30
#: Failed/skipped files listed in the summary before "... and N more".
LIST_LIMIT = 50


class TtyProgress:
    """A ``\\r`` progress bar on a terminal, redrawn at most 10 times a second."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.t0 = time.monotonic()
        self.last = -1.0
        self.drawn = False

    def __call__(self, done: int, total: int, path: str) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        frac = done / total if total else 1.0
        fill = int(BAR_WIDTH * frac)
        bar = "#" * fill + "-" * (BAR_WIDTH - fill)
        line = f"\r[{bar}] {done}/{total} {frac:4.0%} {now - self.t0:5.1f}s"
        try:
            cols = os.get_terminal_size(self.stream.fileno()).columns
        except (OSError, ValueError, AttributeError):
            cols = 80
        name = printable(os.path.basename(path)) if path else ""
        room = cols - len(line) - 1  # the \r takes no column; keep one free
        if name and room > 5:
            line += " " + (name if len(name) <= room - 1 else name[: room - 2] + "…")
        self.stream.write(line + "\x1b[K")
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


class LineProgress:
    """Plain lines for logs and pipes: one each time another 10% is done."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.step = -1

    def __call__(self, done: int, total: int, path: str) -> None:
        if total == 0:
            return
        step = done * 10 // total
        if step > self.step:
            if self.step >= 0 or done > 0:
                self.stream.write(f"progress: {done}/{total} ({done * 100 // total}%)\n")
                self.stream.flush()
            self.step = step

    def finish(self) -> None:
        pass


def run(args) -> int:
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    roots = resolve_roots(args.paths, args.home)
    from tui.core.db import DatabaseError
    from tui.core.library import Library

    db = open_home(args.home)
    if db.read_only:
        raise UsageError(f"{db.path} is read-only; cannot index")
    err = sys.stderr
    bar = TtyProgress(err) if err.isatty() else LineProgress(err)
    try:
        report = Library(db, roots).scan(bar, jobs=args.jobs)
    except DatabaseError as e:
        bar.finish()
        raise UsageError(str(e)) from e
    except KeyboardInterrupt:
        bar.finish()
        print("interrupted: what was indexed so far is kept; run again to resume",
              file=err)
        return 130
    finally:
        db.close()
    bar.finish()
    out = sys.stdout
    out.write(f"indexed: {report.indexed}\n")
    out.write(f"unchanged: {report.unchanged}\n")
    _listing(out, "failed", report.failed)
    _listing(out, "skipped", report.skipped)
    if report.missing:
        out.write(f"missing: {report.missing} (gone from disk; their marks are kept)\n")
    out.write(f"total: {report.total} files in {report.seconds:.1f} s"
              + (f" ({report.workers} workers)" if report.workers else "") + "\n")
    return 0


def _listing(out: TextIO, label: str, items: list[tuple[str, str]]) -> None:
    out.write(f"{label}: {len(items)}\n")
    for path, reason in items[:LIST_LIMIT]:
        out.write(f"  {printable(path)}: {printable(reason)}\n")
    if len(items) > LIST_LIMIT:
        out.write(f"  ... and {len(items) - LIST_LIMIT} more\n")
