"""Start-up to first paint: copydesk vs a bare Textual app, in the same run.

Each program runs in a fresh pseudo-terminal (120x40, TERM=xterm-256color);
the clock starts just before the process is spawned and stops when a known
string appears in what it writes to the terminal (escape sequences removed):

- bare:     a Textual app with Header, one Static and Footer; marker = the
            Static's text;
- copydesk: ``python -m tui`` on the bundled articles (or ``--library``) with
            a warm database (indexed by an untimed first run); marker = the
            first words of the article it opens (the last one read).

Runs alternate (bare, copydesk, bare, ...) so both see the same machine
state; medians are printed with the ratio (the issue's limit: 1.3x).

    python bench/bench_startup.py [--runs 15] [--library DIR] [--home DIR]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import platform
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import textwrap
import time
from pathlib import Path

COLS, ROWS = 120, 40
TIMEOUT = 60.0
ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\x1bP[^\x1b]*\x1b\\")

BARE_MARKER = "Bench marker: the bare app has painted"
BARE_APP = textwrap.dedent(f"""
    import os, time
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Bare(App):
        BINDINGS = [("q", "quit", "Quit")]

        def compose(self):
            yield Header()
            yield Static({BARE_MARKER!r})
            yield Footer()

        def on_mount(self):
            # The same hook as copydesk's COPYDESK_BENCH_EXIT.
            if os.environ.get("COPYDESK_BENCH_EXIT"):
                self.call_after_refresh(self._bench_exit)

        def _bench_exit(self):
            with open(os.environ["COPYDESK_BENCH_EXIT"], "a") as f:
                f.write(f"{{time.process_time():.6f}} {{time.time():.6f}}\\n")
            self.exit()

    Bare().run()
""")


def time_to_marker(argv: list[str], marker: str, env: dict[str, str]) -> float:
    """Seconds from spawn until *marker* is written to the terminal."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    needle = marker.encode()
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                            close_fds=True, start_new_session=True)
    os.close(slave)
    buf = b""
    try:
        while True:
            if time.perf_counter() - t0 > TIMEOUT:
                raise RuntimeError(f"{argv}: marker {marker!r} not seen in {TIMEOUT}s; "
                                   f"last output: {ANSI.sub(b'', buf)[-400:]!r}")
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                raise RuntimeError(f"{argv} exited before painting: {ANSI.sub(b'', buf)[-400:]!r}")
            buf += chunk
            if needle in ANSI.sub(b"", buf):
                return time.perf_counter() - t0
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        # Drain so the pty closes cleanly.
        try:
            while select.select([master], [], [], 0)[0] and os.read(master, 65536):
                pass
        except OSError:
            pass
        os.close(master)


def warm_index(home: Path, library: list[str]) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tui.core.db import Database
    from tui.core.library import Library, bundled_data_dir

    db = Database.open(home)
    Library(db, library or [bundled_data_dir()]).scan()
    db.close()


def cpu_to_first_paint(argv: list[str], env: dict[str, str], out: Path) -> float:
    """CPU seconds the process used until its first paint (its own report,
    via COPYDESK_BENCH_EXIT). Much less sensitive to other load than wall time."""
    out.unlink(missing_ok=True)
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                            env={**env, "COPYDESK_BENCH_EXIT": str(out)}, start_new_session=True)
    os.close(slave)
    t0 = time.perf_counter()
    try:
        while proc.poll() is None and time.perf_counter() - t0 < TIMEOUT:
            if select.select([master], [], [], 0.05)[0]:
                try:
                    os.read(master, 65536)
                except OSError:
                    pass
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        os.close(master)
    if not out.exists():
        raise RuntimeError(f"{argv} did not report its first paint")
    return float(out.read_text().split()[0])


def copydesk_marker(home: Path, library: list[str]) -> str:
    """First words of the article copydesk will open (the last one read)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tui.core.db import Database
    from tui.core.library import Library, bundled_data_dir, last_opened

    db = Database.open(home)
    lib = Library(db, library or [bundled_data_dir()])
    path = last_opened(db)
    entries = lib.entries()
    if path not in {e.path for e in entries}:
        path = next(e.path for e in entries if e.ok)
    art = lib.article(path)
    db.close()
    words = art.blocks[0].text.split()[:3]
    return " ".join(words)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--library", action="append", default=[], metavar="DIR",
                    help="library to open (default: the bundled articles); repeatable")
    ap.add_argument("--home", help="copydesk home (default: a temporary one, warmed first)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="copydesk-bench-"))
    home = Path(args.home) if args.home else tmp / "home"
    bare = tmp / "bare_app.py"
    bare.write_text(BARE_APP)
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLS), "LINES": str(ROWS),
           "COPYDESK_HOME": str(home)}
    env.pop("TEXTUAL", None)
    # Measure what an installed copydesk does: with cached bytecode. (This
    # workplace sets PYTHONDONTWRITEBYTECODE=1, which makes every start
    # compile copydesk's sources while Textual's come precompiled by pip.)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    bare_argv = [sys.executable, str(bare)]
    cd_argv = [sys.executable, "-m", "tui", *args.library]

    # Warm-up (untimed): index the library, open an article, fill OS caches.
    print("warming up (indexing the library once)…", file=sys.stderr)
    warm_index(home, args.library)
    marker = copydesk_marker(home, args.library)
    time_to_marker(cd_argv, marker, env)
    time_to_marker(bare_argv, BARE_MARKER, env)

    bare_times, cd_times = [], []
    for i in range(args.runs):
        bare_times.append(time_to_marker(bare_argv, BARE_MARKER, env))
        cd_times.append(time_to_marker(cd_argv, marker, env))
        print(f"run {i + 1:2d}: bare {bare_times[-1] * 1000:7.1f} ms   "
              f"copydesk {cd_times[-1] * 1000:7.1f} ms", file=sys.stderr)

    out = tmp / "first-paint"
    bare_cpu, cd_cpu = [], []
    for i in range(args.runs):
        bare_cpu.append(cpu_to_first_paint(bare_argv, env, out))
        cd_cpu.append(cpu_to_first_paint(cd_argv, env, out))
        print(f"cpu {i + 1:2d}: bare {bare_cpu[-1] * 1000:7.1f} ms   "
              f"copydesk {cd_cpu[-1] * 1000:7.1f} ms", file=sys.stderr)

    b, c = statistics.median(bare_times), statistics.median(cd_times)
    import textual

    print(f"bytecode cache: on (PYTHONDONTWRITEBYTECODE removed for the runs; it was "
          f"{'set' if os.environ.get('PYTHONDONTWRITEBYTECODE') else 'not set'} here)")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, Textual {textual.__version__}")
    print(f"library: {', '.join(args.library) or 'bundled articles (5)'}; runs: {args.runs} each; "
          f"terminal: pty {COLS}x{ROWS}")
    bm, cm = min(bare_times), min(cd_times)
    print(f"bare Textual app (Header, Static, Footer): median {b * 1000:.1f} ms, min {bm * 1000:.1f} ms")
    print(f"copydesk, warm database, first article painted: median {c * 1000:.1f} ms, "
          f"min {cm * 1000:.1f} ms")
    print(f"ratio copydesk / bare: median {c / b:.2f}, min {cm / bm:.2f}  (limit 1.30)")
    bc, cc = statistics.median(bare_cpu), statistics.median(cd_cpu)
    print(f"CPU time to first paint (process_time, all threads), median: bare {bc * 1000:.1f} ms, "
          f"copydesk {cc * 1000:.1f} ms, ratio {cc / bc:.2f}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} (other processes skew both)")


if __name__ == "__main__":
    main()
