"""End to end: the installed ``copydesk`` in a real terminal (tmux).

Starts ``copydesk`` (found on PATH) in a detached 120x40 tmux session with a
temporary ``COPYDESK_HOME``, polls ``capture-pane`` until a seed's title and
body text are on screen, presses ``j`` and ``q``, and checks the process
left and saved its state.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

TIMEOUT = 30.0


def tmux(*args: str, check: bool = True) -> str:
    r = subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=20)
    if check and r.returncode != 0:
        raise AssertionError(f"tmux {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout


def capture(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def wait_for(session: str, predicate, timeout: float = TIMEOUT) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = capture(session)
        if predicate(screen):
            return screen
        time.sleep(0.1)
    raise AssertionError(f"timed out; the screen was:\n{screen}")


def test_installed_copydesk_shows_a_seed_in_tmux(tmp_path: Path) -> None:
    exe = shutil.which("copydesk")
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (.ci/run installs it)")
    assert exe, "copydesk is not installed on PATH (pip install -e .)"
    from tui.core.clean import clean_file
    from tui.core.library import bundled_data_dir

    seeds = sorted(bundled_data_dir().glob("*.txt"))
    article = clean_file(seeds[0])
    title_start = " ".join(article.title.split()[:4])
    body_start = " ".join(article.blocks[0].text.split()[:5])

    home = tmp_path / "home"
    session = f"copydesk-e2e-{uuid.uuid4().hex[:8]}"
    done = tmp_path / "exit-status"
    cmd = (f"env COPYDESK_HOME={shlex.quote(str(home))} TERM=xterm-256color "
           f"{shlex.quote(exe)}; echo $? > {shlex.quote(str(done))}; sleep 60")
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", cmd)
    try:
        screen = wait_for(session, lambda s: title_start in s and body_start in s)
        assert "copydesk" in screen
        # Every seed is indexed and listed (the status line under the list).
        wait_for(session, lambda s: f"{len(seeds)} articles" in s)
        tmux("send-keys", "-t", session, "j")
        time.sleep(0.3)
        tmux("send-keys", "-t", session, "q")
        deadline = time.monotonic() + TIMEOUT
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert done.exists(), capture(session)
        assert done.read_text().strip() == "0"
        assert (home / "copydesk.db").exists()
    finally:
        tmux("kill-session", "-t", session, check=False)


def test_note_typed_then_ctrl_s_at_once_is_saved_whole(tmp_path: Path) -> None:
    """In a real terminal: `a`, a note typed and Ctrl+S sent in one burst (a
    fast typist, or a paste): the whole note is saved (its end was lost), and
    the marks list shows it."""
    exe = shutil.which("copydesk")
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (.ci/run installs it)")
    assert exe, "copydesk is not installed on PATH (pip install -e .)"
    import sqlite3

    from tui.core.library import bundled_data_dir

    n_seeds = len(list(bundled_data_dir().glob("*.txt")))
    home = tmp_path / "home"
    session = f"copydesk-e2e-{uuid.uuid4().hex[:8]}"
    cmd = (f"env COPYDESK_HOME={shlex.quote(str(home))} TERM=xterm-256color "
           f"{shlex.quote(exe)}; sleep 60")
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", cmd)
    note = "Check the WaPo piece against the Times"
    try:
        wait_for(session, lambda s: f"{n_seeds} articles" in s)
        tmux("send-keys", "-t", session, "j")
        time.sleep(0.3)
        tmux("send-keys", "-t", session, "a")
        wait_for(session, lambda s: "New note" in s and "Ctrl+S save the note" in s)
        tmux("send-keys", "-t", session, "-l", note)
        tmux("send-keys", "-t", session, "C-s")
        wait_for(session, lambda s: "New note" not in s)
        tmux("send-keys", "-t", session, "'")
        wait_for(session, lambda s: "✎ " + note in s)
        tmux("send-keys", "-t", session, "Escape")
        time.sleep(0.3)
        tmux("send-keys", "-t", session, "q")
        time.sleep(1)
    finally:
        tmux("kill-session", "-t", session, check=False)
    conn = sqlite3.connect(home / "copydesk.db")
    try:
        assert [r[0] for r in conn.execute("SELECT note FROM marks WHERE deleted IS NULL")] == [note]
    finally:
        conn.close()
