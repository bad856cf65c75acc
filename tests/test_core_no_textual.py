"""``tui.core`` must never import Textual (the UI lives in ``tui.ui``)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import tui.core


def core_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(tui.core.__path__, "tui.core."))


def test_there_are_core_modules() -> None:
    mods = core_modules()
    for name in ("tui.core.model", "tui.core.db", "tui.core.library", "tui.core.textio",
                 "tui.core.clean"):
        assert name in mods


def test_importing_every_core_module_leaves_textual_out() -> None:
    mods = core_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {mods!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print('LOADED', len(sys.modules))\n"
        "sys.exit('textual imported: ' + ', '.join(bad[:5]) if bad else 0)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "LOADED" in r.stdout


def test_cli_help_does_not_import_the_ui() -> None:
    """``copydesk --help`` stays fast: no Textual, no heavy parsers."""
    code = (
        "import sys\n"
        "from tui.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('textual', 'rapidfuzz', 'markdownify', 'bs4', 'charset_normalizer')"
        " if m in sys.modules]\n"
        "sys.exit('imported: ' + ', '.join(heavy) if heavy else 0)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
