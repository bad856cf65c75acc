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


def test_reader_start_up_keeps_heavy_imports_lazy(tmp_path) -> None:
    """Opening the reader and painting the first article imports no parser
    or matcher: those load later (scan worker, search, palette)."""
    code = (
        "import asyncio, sys\n"
        "from tui.ui.app import CopydeskApp\n"
        "class App(CopydeskApp):\n"
        "    CSS_PATH = CopydeskApp.CSS_PATH and __import__('os').path.join(\n"
        "        __import__('os').path.dirname(__import__('tui.ui.app').ui.app.__file__),\n"
        "        CopydeskApp.CSS_PATH)\n"
        "    def action_rescan(self):\n"
        "        pass\n"
        "async def main():\n"
        "    from tui.core.db import Database\n"
        "    from tui.core.library import Library, bundled_data_dir\n"
        f"    db = Database.open({str(tmp_path)!r}); Library(db, [bundled_data_dir()]).scan(); db.close()\n"
        "    for m in [m for m in sys.modules if m.split('.')[0] in HEAVY]:\n"
        "        del sys.modules[m]\n"
        f"    app = App(home={str(tmp_path)!r})\n"
        "    async with app.run_test(size=(120, 40)) as pilot:\n"
        "        await pilot.pause()\n"
        "        assert app.reader.article is not None\n"
        "    return sorted({m.split('.')[0] for m in sys.modules} & HEAVY)\n"
        "HEAVY = {'rapidfuzz', 'markdownify', 'bs4', 'selectolax', 'charset_normalizer', 'lxml'}\n"
        "loaded = asyncio.run(main())\n"
        "sys.exit('imported at start-up: ' + ', '.join(loaded) if loaded else 0)\n"
    )
    script = tmp_path / "start_up.py"
    script.write_text(code)
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
