#!/usr/bin/env python3
"""The app on a big library, in a real terminal: warm start and memory.

    python bench/bench_memory.py --lib DIR --home DIR [--runs 5] [--size 120x40] [--base REV]

Needs tmux and an index already built (``copydesk index DIR --home DIR``).
Each run starts a program in a fresh tmux window of the given size and polls
the screen (``tmux capture-pane``, every 10 ms) until its first content is
painted; the process's resident memory is read from ``/proc/PID/status``.
In the same run, alternating, it measures (medians):

- baseline: a bare Textual app (Header, one Static, Footer): time from
  launch to the Static's text on screen, and its RSS;
- copydesk on the 5 bundled articles (its own fixed start-up cost, with
  an index of 5 in a scratch home);
- copydesk on the library: launch to the first article's title painted in
  the reading pane (warm start: the index exists; the scan of unchanged
  files runs after that paint), to the list filled (the status line says
  "N articles"), then RSS once the background scan is over (no "indexing"
  in the status line for 2 s), and the peak (VmHWM).

With ``--base REV`` it also runs, alternating in the same loop, copydesk
as of git revision REV (``git archive`` into a temporary folder, run with
``PYTHONPATH``) on the same library and home: the before/after of a change.
Both copydesks are started as ``python -m tui`` (no pyenv shim), like the
bare app.

Targets (issue 6): warm start <= 1.5x the bare app; RSS <= 250 MB at 10k.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

SOCKET = f"cdbench-{os.getpid()}"
#: Seconds the status line must stay quiet before memory is read.
QUIET = 2.0

BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    def compose(self):
        yield Header()
        yield Static("BARE APP PAINTED: the quick brown fox")
        yield Footer()

Bare().run()
"""


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True,
                          check=False).stdout


def status(pid: int) -> dict[str, int]:
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0])  # kB
    except OSError:
        pass
    return out


def launch(cmd: list[str], marker: str, size: tuple[int, int], *, settle: str | None = None,
           timeout: float = 120) -> tuple[float, dict[str, int], float | None]:
    """Start *cmd* in tmux; seconds until *marker* is on screen, memory,
    and seconds until *settle* (the list's "N articles") is on screen (if given)."""
    name = f"run{time.monotonic_ns()}"
    shell_cmd = "exec " + " ".join(_quote(c) for c in cmd)
    t0 = time.perf_counter()
    tmux("new-session", "-d", "-s", name, "-x", str(size[0]), "-y", str(size[1]), shell_cmd)
    pid = int(tmux("display-message", "-p", "-t", name, "#{pane_pid}").strip() or 0)
    painted = listed = None
    quiet_since = None
    screen = ""
    deadline = t0 + timeout
    try:
        while time.perf_counter() < deadline:
            screen = tmux("capture-pane", "-p", "-t", name)
            now = time.perf_counter()
            if painted is None and marker in screen:
                painted = now - t0
            if painted is not None:
                if settle is None:
                    break
                if listed is None and settle in screen:
                    listed = now - t0
                # Settled: the list is loaded and the status line has not
                # said "indexing" for QUIET seconds (the background scan of
                # unchanged files may be too quick to be seen at all).
                if listed is not None and "indexing" not in screen.lower():
                    quiet_since = quiet_since or now
                    if now - quiet_since >= QUIET:
                        break
                else:
                    quiet_since = None
            time.sleep(0.01)
        if painted is None:
            raise SystemExit(f"timed out waiting for {marker!r}; screen:\n{screen}")
        if settle is None:
            time.sleep(QUIET)
        mem = status(pid)
    finally:
        tmux("kill-session", "-t", name)
    return painted, mem, listed


def _quote(s: str) -> str:
    import shlex

    return shlex.quote(s)


def first_title(lib: Path, home: Path) -> str:
    from tui.core.db import Database
    from tui.core.library import Library, last_opened

    db = Database.open(home)
    library = Library(db, [lib])
    entries = library.entries()
    path = last_opened(db)
    if path not in {e.path for e in entries}:
        path = next(e.path for e in entries if e.ok)
    title = library.article(path).title
    db.close()
    return title[:24]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lib", type=Path, required=True)
    ap.add_argument("--home", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--size", default="120x40")
    ap.add_argument("--base", help="also run copydesk as of this git revision (baseline)")
    args = ap.parse_args(argv)
    if not shutil.which("tmux"):
        raise SystemExit("tmux is needed")
    size = tuple(int(x) for x in args.size.split("x"))
    title = first_title(args.lib, args.home)
    tmp = Path(tempfile.mkdtemp(prefix="cd-bench-app-"))
    bare = tmp / "bare.py"
    bare.write_text(BARE_APP)
    cd_cmd = [sys.executable, "-m", "tui", str(args.lib), "--home", str(args.home)]
    base_cmd = None
    if args.base:
        tree = tmp / "base"
        tree.mkdir()
        archive = subprocess.run(["git", "-C", str(HERE.parent), "archive", args.base],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        # From inside the tree: ``-m`` puts the working directory first on sys.path.
        base_cmd = ["sh", "-c", f"cd {_quote(str(tree))} && exec env PYTHONPATH={_quote(str(tree))} "
                    + " ".join(_quote(c) for c in cd_cmd)]
    from tui.core.library import bundled_data_dir

    small_home = tmp / "home5"
    subprocess.run(cd_cmd[:-3] + ["index", str(bundled_data_dir()), "--home", str(small_home)],
                   check=True, capture_output=True)
    small_title = first_title(bundled_data_dir(), small_home)
    small_cmd = cd_cmd[:-3] + [str(bundled_data_dir()), "--home", str(small_home)]
    from tui.core.db import Database
    from tui.core.library import Library

    db = Database.open(args.home)
    n_entries = Library(db, [args.lib]).count()
    db.close()
    bare_t, bare_rss, cd_t, cd_rss, cd_hwm, cd_settle = [], [], [], [], [], []
    small_t, small_rss = [], []
    base_t, base_rss, base_hwm, base_settle = [], [], [], []
    # An idle session keeps the tmux server up between runs (killing the
    # last session stops the server, racing with the next new-session).
    tmux("new-session", "-d", "-s", "keep", "-x", "80", "-y", "24", "sleep 100000")
    try:
        for _ in range(args.runs):
            t, mem, _s = launch([sys.executable, str(bare)], "BARE APP PAINTED", size)
            bare_t.append(t)
            bare_rss.append(mem.get("VmRSS", 0))
            t, mem, _s = launch(small_cmd, small_title, size, settle="5 articles")
            small_t.append(t)
            small_rss.append(mem.get("VmRSS", 0))
            t, mem, s = launch(cd_cmd, title, size, settle=f"{n_entries} articles")
            cd_t.append(t)
            cd_rss.append(mem.get("VmRSS", 0))
            cd_hwm.append(mem.get("VmHWM", 0))
            cd_settle.append(s or float("nan"))
            if base_cmd:
                t, mem, s = launch(base_cmd, title, size, settle=f"{n_entries} articles")
                base_t.append(t)
                base_rss.append(mem.get("VmRSS", 0))
                base_hwm.append(mem.get("VmHWM", 0))
                base_settle.append(s or float("nan"))
    finally:
        tmux("kill-server")
        shutil.rmtree(tmp, ignore_errors=True)
    med = statistics.median
    print(f"library: {args.lib} ({n_entries} articles), terminal {args.size} in tmux, "
          f"load {os.getloadavg()[0]:.1f}, runs {args.runs}")
    print(f"baseline  bare Textual app painted: {med(bare_t) * 1000:.0f} ms "
          f"(runs: {', '.join(f'{x * 1000:.0f}' for x in bare_t)}), RSS {med(bare_rss) / 1024:.0f} MB")
    print(f"baseline  copydesk on the 5 bundled articles: {med(small_t) * 1000:.0f} ms "
          f"(runs: {', '.join(f'{x * 1000:.0f}' for x in small_t)}) = "
          f"{med(small_t) / med(bare_t):.2f}x bare, RSS {med(small_rss) / 1024:.0f} MB")
    ratio = med(cd_t) / med(bare_t)
    print(f"FIGURE    copydesk warm start, first article painted: {med(cd_t) * 1000:.0f} ms "
          f"(runs: {', '.join(f'{x * 1000:.0f}' for x in cd_t)}) = {ratio:.2f}x bare (target <= 1.5x)")
    print(f"FIGURE    copydesk list filled (status shows {n_entries} articles): "
          f"{med(cd_settle) * 1000:.0f} ms from launch")
    print(f"FIGURE    copydesk RSS with the library open: {med(cd_rss) / 1024:.0f} MB "
          f"(peak {med(cd_hwm) / 1024:.0f} MB; target <= 250 MB at 10k)")
    if base_cmd:
        print(f"BASELINE  copydesk {args.base}: warm start {med(base_t) * 1000:.0f} ms "
              f"(runs: {', '.join(f'{x * 1000:.0f}' for x in base_t)}) = "
              f"{med(base_t) / med(bare_t):.2f}x bare; list filled {med(base_settle) * 1000:.0f} ms "
              f"(runs: {', '.join(f'{x * 1000:.0f}' for x in base_settle)}); RSS "
              f"{med(base_rss) / 1024:.0f} MB (peak {med(base_hwm) / 1024:.0f} MB)")
    print(f"          list filled, runs: {', '.join(f'{x * 1000:.0f}' for x in cd_settle)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
