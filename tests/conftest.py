"""Shared fixtures. Keep this small; add fixtures others need at the end."""

from __future__ import annotations

import asyncio
import inspect
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function):
    """Run ``async def`` tests (Textual Pilot tests) with ``asyncio.run``:
    no async plugin is needed."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**args))
        return True
    return None


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copydesk home directory; ``COPYDESK_HOME`` points at it."""
    h = tmp_path / "home"
    h.mkdir()
    monkeypatch.setenv("COPYDESK_HOME", str(h))
    return h


@pytest.fixture
def seeds_dir() -> Path:
    """The bundled seed articles (the package's ``data/``)."""
    from tui.core.library import bundled_data_dir

    return bundled_data_dir()


@pytest.fixture
def hostile_library(tmp_path: Path) -> Path:
    """A folder with an article whose title and body look like Rich/Textual
    markup, plus one empty file (not an article)."""
    lib = tmp_path / "hostile-lib"
    lib.mkdir()
    (lib / "markup.txt").write_text(
        "[@click=app.quit]Quit now[/]\n\n"
        "This paragraph has [red]x[/red] in it and [bold]more[/bold] brackets.\n\n"
        "A second paragraph, plain, to make the article long enough to read.\n",
        encoding="utf-8")
    (lib / "empty.txt").write_text("", encoding="utf-8")
    return lib


@pytest.fixture(autouse=True)
def _no_user_home_leak(monkeypatch: pytest.MonkeyPatch, tmp_path_factory) -> None:
    """Never let a test touch the real user data directory."""
    if "COPYDESK_HOME" not in os.environ:
        monkeypatch.setenv("COPYDESK_HOME", str(tmp_path_factory.mktemp("default-home")))
