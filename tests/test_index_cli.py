"""``copydesk index``: progress on a terminal and in a pipe, summary, resume."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.cli import main


def make_library(root: Path, n: int) -> list[Path]:
    paths = []
    for i in range(n):
        sub = root / f"{i // 100:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        p = sub / f"{i:05d}.md"
        p.write_text(f"# Story {i}\n\nThe first paragraph of story {i} has a few words.\n\n"
                     f"The second paragraph of story {i} has some more words in it.\n",
                     encoding="utf-8")
        paths.append(p)
    return paths


def run_index(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", "index", *args], capture_output=True,
                          text=True, timeout=120, env=env)


def summary(stdout: str) -> dict[str, str]:
    return dict(re.findall(r"^(\w+): (.*)$", stdout, re.M))


def test_pipe_mode_prints_plain_progress_lines_and_a_summary(tmp_path):
    lib = tmp_path / "lib"
    make_library(lib, 20)
    (lib / "empty.txt").write_text("")
    (lib / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    home = tmp_path / "home"
    r = run_index(str(lib), "--home", str(home))
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    assert lines and all(re.fullmatch(r"progress: \d+/21 \(\d+%\)", l) for l in lines), r.stderr
    assert lines[-1] == "progress: 21/21 (100%)"
    assert "\r" not in r.stderr and "\x1b" not in r.stderr
    s = summary(r.stdout)
    assert (s["indexed"], s["unchanged"], s["failed"], s["skipped"]) == ("20", "0", "1", "1")
    assert f"  {lib / 'empty.txt'}: empty\n" in r.stdout
    assert f"  {lib / 'dangling.txt'}: dangling symlink\n" in r.stdout

    again = run_index(str(lib), "--home", str(home))
    s = summary(again.stdout)
    assert (s["indexed"], s["unchanged"], s["failed"]) == ("0", "20", "1")
    assert again.stderr.splitlines() == ["progress: 21/21 (100%)"]


def test_terminal_mode_draws_a_bar_on_stderr(tmp_path):
    lib = tmp_path / "lib"
    make_library(lib, 12)
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "tui", "index", str(lib), "--home",
                             str(tmp_path / "home")], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=slave, text=False)
    os.close(slave)
    out = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    stdout = proc.communicate(timeout=60)[0].decode()
    os.close(master)
    assert proc.returncode == 0
    err = out.decode()
    assert "\r[" in err and "12/12" in err and "100%" in err, err
    final = err.replace("\r\n", "\n").split("\r")[-1]
    assert final.startswith("[" + "#" * 30 + "] 12/12"), final
    assert err.endswith("\n")  # the bar line is finished before the summary
    assert "progress:" not in err
    assert summary(stdout)["indexed"] == "12"


def test_user_mistakes_are_one_line_errors(tmp_path, capsys):
    assert main(["index", str(tmp_path / "nope"), "--home", str(tmp_path / "h")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such file or directory" in err
    assert main(["index", str(tmp_path), "--jobs", "0", "--home", str(tmp_path / "h")]) == 2
    assert "--jobs" in capsys.readouterr().err
    (tmp_path / "empty-folder").mkdir()
    assert main(["index", str(tmp_path / "empty-folder"), "--home", str(tmp_path / "h")]) == 2
    assert "no readable articles" in capsys.readouterr().err


def test_in_process_summary_counts_missing(tmp_path, capsys):
    lib = tmp_path / "lib"
    paths = make_library(lib, 3)
    home = str(tmp_path / "home")
    assert main(["index", str(lib), "--home", home]) == 0
    paths[0].unlink()
    capsys.readouterr()
    assert main(["index", str(lib), "--home", home]) == 0
    s = summary(capsys.readouterr().out)
    assert (s["indexed"], s["unchanged"]) == ("0", "2")
    assert s["missing"].startswith("1 ")


SLOW_INDEX = """
import sys, time
import tui.core.clean as c
real = c.clean
def slow(text, **kw):
    time.sleep(0.01)
    return real(text, **kw)
c.clean = slow
from tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_kill_9_mid_ingest_resumes_without_half_written_articles(tmp_path, jobs):
    """kill -9 during a (pooled) ingest keeps whole committed chunks; the next
    run indexes exactly the rest."""
    lib = tmp_path / "lib"
    n = 400
    make_library(lib, n)
    home = tmp_path / "home"
    script = tmp_path / "slow_index.py"
    script.write_text(SLOW_INDEX)
    proc = subprocess.Popen([sys.executable, str(script), "index", str(lib), "--home", str(home),
                             "--jobs", jobs], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    # Wait until some articles are committed, then kill the whole group hard.
    db_path = home / "copydesk.db"
    deadline = time.monotonic() + 60
    committed = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if db_path.exists():
            try:
                with sqlite3.connect(db_path, timeout=5) as c:
                    committed = c.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            except sqlite3.OperationalError:
                committed = 0
            if committed >= 60:
                break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert 60 <= committed < n

    with sqlite3.connect(db_path) as c:
        stored = c.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        # No article without its paragraphs: each has exactly its doc's blocks.
        bad = [path for aid, path, doc in c.execute(
                   "SELECT id, path, doc FROM articles WHERE status = 'ok'")
               if c.execute("SELECT COUNT(*) FROM paragraphs WHERE article_id = ?",
                            (aid,)).fetchone()[0] != len(json.loads(doc)["blocks"])]
    assert bad == [] and stored < n

    r = run_index(str(lib), "--home", str(home), "--jobs", jobs)
    assert r.returncode == 0, r.stderr
    s = summary(r.stdout)
    assert int(s["unchanged"]) == stored and int(s["indexed"]) == n - stored
    assert s["failed"] == "0"
