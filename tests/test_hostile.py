"""The hostile folder (tests/hostile.py) against folder traversal, the
library index, the cleaner (fuzzed with hypothesis) and the CLI."""

from __future__ import annotations

import html as html_mod
import importlib.util
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
import hostile  # noqa: E402

from tui.core.model import ArticleError  # noqa: E402

#: Generous bound for work that must terminate (a hang guard, not a benchmark).
HANG = 120.0


def no_controls(s: str | None) -> bool:
    return not s or all(ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs") for ch in s)


def run_bounded(fn, timeout=HANG):
    out = hostile.call_bounded(fn, timeout)
    if "error" in out:
        raise out["error"]
    return out["value"]


HAVE_HTML = importlib.util.find_spec("tui.core.clean.html") is not None
needs_html = pytest.mark.skipif(not HAVE_HTML, reason="the HTML cleaner (tui.core.clean.html) has not landed")


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory):
    """The hostile folder without the three big files (see the slow tests)."""
    root = tmp_path_factory.mktemp("hostile")
    m = hostile.build_hostile(root, big=False)
    if not HAVE_HTML:
        for name in [n for n in m.files if n.startswith("html/")]:
            (root / name).unlink()
            del m.files[name]
    yield m
    (root / "perm" / "unreadable.txt").chmod(0o644)


# -- folder traversal ---------------------------------------------------------------

def test_traversal_terminates_and_finds_each_article_once(hostile_dir):
    from tui.core.library import iter_article_files

    root = hostile_dir.root
    skipped: list[tuple[str, str]] = []
    found = run_bounded(lambda: list(iter_article_files([root], skipped)), 30)
    rel = [os.path.relpath(p, root) for p in found]
    assert len(rel) == len(set(rel)), "a file was yielded twice (directory loop followed)"
    for name in hostile_dir.ok():
        assert name in rel, name
    assert "dir.txt" not in rel  # a folder named .txt is walked into, not read
    skipped_rel = {os.path.relpath(p, root): why for p, why in skipped}
    for name in ("dangling.txt", "loop-a.txt", "loop-b.txt"):
        assert name not in rel and skipped_rel.get(name), (name, skipped_rel)
    # names with control characters or bytes that are not UTF-8: skipped with
    # the reason, and the reported path itself is printable
    for name in ("names/\x1b]0;pwned-name\x07\x1b\\esc.txt", "names/bad-\udcff-bytes.txt"):
        assert name not in rel
        assert hostile_dir.files[name].reason in skipped_rel.values()
    assert all(no_controls(p) for p in skipped_rel), skipped_rel
    assert all(no_controls(r) for r in rel)
    # FIFOs and devices are either skipped or listed, never read (test_textio checks
    # reading them raises "not a regular file" without opening them)
    for name in ("fifo.txt", "device.txt"):
        assert name in rel or name in skipped_rel


def test_directory_symlink_to_parent_and_self(tmp_path):
    from tui.core.library import iter_article_files

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("x")
    (tmp_path / "a" / "up").symlink_to("..")
    (tmp_path / "a" / "me").symlink_to(".")
    (tmp_path / "b").symlink_to("a")
    skipped: list = []
    found = run_bounded(lambda: list(iter_article_files([tmp_path], skipped)), 10)
    assert [p.name for p in found] == ["x.txt"]
    assert any("loop" in why for _, why in skipped)


# -- the library index ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def scanned(hostile_dir, tmp_path_factory):
    from tui.core.db import Database
    from tui.core.library import Library

    home = tmp_path_factory.mktemp("home")
    db = Database.open(home)
    lib = Library(db, [hostile_dir.root])
    report = run_bounded(lambda: lib.scan(jobs=1))
    yield hostile_dir, lib, report
    db.close()


def _all_text(art) -> str:
    return "\n".join([art.title or "", art.dek or "", art.text(), *(r.text for r in art.removed)])


def test_scan_answers_every_file(scanned):
    m, lib, report = scanned
    root = m.root
    entries = {os.path.relpath(e.path, root): e for e in lib.entries()}
    for name in m.ok():
        e = entries.get(name)
        assert e is not None, name
        assert e.status == "ok", (name, e.error)
        art = lib.article(e.path)
        text = _all_text(art)
        for w in m.files[name].words:
            assert w in text, (name, w)
    for name, reason in m.errors().items():
        e = entries.get(name)
        assert e is not None and e.status == "error", name
        assert e.error == reason, (name, e.error)


@pytest.mark.slow
def test_scan_big_files(tmp_path):
    """The 50 MB file and the 5 MB single line: indexed in bounded time (the
    hang guard), the 50 MB one read in part with a note. (The 400,000 lines
    go through the CLI test below: the same cleaner, not twice.)"""
    from tui.core.db import Database
    from tui.core.library import Library

    big = tmp_path / "big"
    big.mkdir()
    m = hostile.build_hostile(big, fifo=False)
    db = Database.open(tmp_path / "home")
    lib = Library(db, [big / n for n in ("big-50mb.txt", "big-single-line.txt")])
    run_bounded(lambda: lib.scan(jobs=1), 300)
    for e in lib.entries():
        assert e.status == "ok", (e.path, e.error)
        art = lib.article(e.path)
        for w in m.files[os.path.basename(e.path)].words:
            assert w in _all_text(art)
    art = lib.article(str(big / "big-50mb.txt"))
    assert any("first 8 MB" in n for n in art.notes), art.notes
    db.close()


def test_scan_fifo_and_device_are_not_articles(scanned):
    m, lib, report = scanned
    entries = {os.path.relpath(e.path, m.root): e for e in lib.entries()}
    skipped = {os.path.relpath(p, m.root) for p, _ in report.skipped}
    for name in ("fifo.txt", "device.txt"):
        e = entries.get(name)
        assert (e is None and name in skipped) or (e.status == "error" and e.error == "not a regular file")


def test_nothing_stored_has_control_characters(scanned):
    m, lib, _ = scanned
    for e in lib.entries():
        assert no_controls(e.title), e.path
        if e.status != "ok":
            continue
        art = lib.article(e.path)
        for s in (art.title, art.dek, art.author, art.outlet, art.dateline, *art.notes,
                  *(b.text for b in art.blocks), *(r.text for r in art.removed)):
            assert no_controls(s), (e.path, s[:80] if s else s)


@needs_html
def test_html_scripts_and_handlers_not_in_text(scanned):
    m, lib, _ = scanned
    art = lib.article(str(m.root / "html" / "scripts.html"))
    text = art.markdown()
    for bad in ("alert(", "steal()", "document.write", "onerror", "javascript:", "body{}"):
        assert bad not in text, bad


@needs_html
def test_deep_html_no_recursion_error(scanned):
    m, lib, _ = scanned
    for name in ("html/deep.html", "html/deep-unclosed.htm"):
        e = [x for x in lib.entries() if x.path == str(m.root / name)][0]
        assert e.status == "ok", e.error
        assert "cleaner error" not in (e.error or "")


# -- the cleaner, fuzzed --------------------------------------------------------------------

_TOKENS = [
    "The", "council", "met", "on", "Tuesday", "café", "naïve", "“quotes”", "–", "—", ".", ",", "!",
    "\n", "\n\n", "\n\n", " ", "  ", "\t",
    "# ", "## ", "> ", "- ", "* ", "1. ", "**", "_", "`", "```", "---", "|", "[a](http://example.com)",
    "[x](javascript:alert(1))", "![img](x.png)", "\\", "<", ">", "&", "&amp;", "&#27;[31m", "&#x9b;",
    "<p>", "</p>", "<div>", "</div>", "<h1>", "</h1>", "<br>", "<script>alert(1)</script>",
    "<a href='javascript:x'>", "</a>", "<!--", "-->", "<![CDATA[", "]]>", "<li>", "<blockquote>",
    "<style>p{}</style>", "<b>", "</b>", "<table><tr><td>", "Comments", "Share", "Advertisement",
    "By Jane Doe", "Nov 18, 2024", "Photo: AP", "Read more", "שלום", "表意", "👩‍👩‍👧",
    "[@click=app.quit]", "[red]", "[/]", *hostile.CONTROLS, "\x1b", "\x9b", "\x00", "\r", "\r\n",
]
fuzz_doc = st.lists(st.one_of(st.sampled_from(_TOKENS), st.text(max_size=12)), max_size=60).map("".join)
_ALNUM = re.compile(r"[^\W_]+")


_NUMREF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));?")


def _numref(m: re.Match) -> str:
    n = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    return chr(n) if 0 < n < 0x110000 and not 0xD800 <= n < 0xE000 else m.group()


def _numref_spec(m: re.Match) -> str:
    """As an HTML parser decodes it: C1 references through windows-1252
    ("&#x9b;" is "›"), other controls kept (for the cleaner to strip)."""
    n = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    if 0x80 <= n <= 0x9F:
        try:
            return bytes([n]).decode("cp1252")
        except UnicodeDecodeError:
            return chr(n)
    return _numref(m)


def _norm(s: str) -> str:
    return unicodedata.normalize("NFKC", s).casefold()


_CC = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TAG = re.compile(r"<[^>]*>")
# The HTML tokenizer's rule: "<" opens a tag only before a letter, "/", "!" or "?"
# (a browser shows "<²0<b>x" as "<²0x").
_TAG_STRICT = re.compile(r"<[A-Za-z/!?][^>]*>")
# Elements whose content a browser never shows: dropped whole, tags and text.
_INVISIBLE = re.compile(r"<(script|style|noscript|template|title)\b[^>]*>.*?(?:</\1\s*>|$)", re.S | re.I)


def _input_words(text: str, kind: str) -> tuple[set[str], str]:
    """The words of *text* under every reasonable reading: controls stripped
    as sequences or as single characters, before or after HTML decoding;
    Markdown link targets dropped ("[a](http://x)" -> "a"); HTML tags
    dropped, with or without the content of invisible elements (script,
    style...: "The<script>x</script>By" shows as "TheBy"), entities decoded (html.unescape drops references to control
    characters, an HTML parser decodes them and the cleaner strips them)."""
    from tui.core.textio import strip_controls

    def ctl(v: str) -> list[str]:
        return [v, strip_controls(v), _CC.sub("", v)]

    def links(v: str) -> list[str]:
        return [v, re.sub(r"\]\([^)]*\)", "]", v)]

    def markup(v: str) -> list[str]:
        if kind != "html":
            return [v]
        out = []
        for w in (v, _TAG.sub("", v), _TAG.sub("", _INVISIBLE.sub("", v)), _TAG_STRICT.sub("", v),
                  _TAG_STRICT.sub("", _INVISIBLE.sub("", v))):
            out += [w, html_mod.unescape(w), _NUMREF.sub(_numref, w), _NUMREF.sub(_numref_spec, w)]
        return out

    variants = {text}
    for step in (ctl, links, markup, ctl):
        variants = {w for v in variants for w in step(v)}
    words: set[str] = set()
    squashed = []
    for v in variants:
        v = _norm(v)
        found = _ALNUM.findall(v)
        words.update(found)
        squashed.append("".join(found))
    return words, "\x00".join(squashed)


def check_clean_properties(text: str, kind: str, *, idempotent: bool = True) -> None:
    from tui.core.clean import clean

    art = clean(text, kind=kind, name="")
    # no control characters anywhere in the output
    md = art.markdown()
    for s in (md, art.title, art.dek, art.author, art.outlet, art.section, art.dateline,
              *art.notes, *(b.text for b in art.blocks), *(r.text for r in art.removed)):
        assert no_controls(s), (kind, s)
    # output words come from the input (a word may be the join of input
    # pieces, e.g. "foo<b>bar</b>" -> "foobar")
    words, squashed = _input_words(text, kind)
    for w in _ALNUM.findall(_norm(art.text())):
        assert w in words or w in squashed, (kind, w)
    for w in _ALNUM.findall(_norm(art.title or "")):
        assert w in words or w in squashed or w == "untitled", (kind, "title", w)
    # idempotent: cleaning the cleaned article's Markdown gives the same blocks
    if not idempotent:
        return
    again = clean(md, kind="markdown", name="")
    assert [b.text for b in again.blocks] == [b.text for b in art.blocks], kind


KINDS = ["text", "markdown", "html"] if HAVE_HTML else ["text", "markdown"]


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fuzz_doc, st.sampled_from(KINDS))
def test_fuzz_cleaner(text, kind):
    """No exception, no control characters, output words from the input."""
    check_clean_properties(text, kind, idempotent=False)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fuzz_doc, st.sampled_from(KINDS))
def test_fuzz_cleaner_idempotent(text, kind):
    """clean(article.markdown(), kind="markdown") gives the same blocks."""
    check_clean_properties(text, kind)


@pytest.mark.parametrize("name", [
    "ctl/ansi.txt", "ctl/markup.md", "md/js-links.md", "enc/rtl-combining.txt", "enc/emoji-wide.txt",
    "enc/cp1252.txt", pytest.param("html/scripts.html", marks=needs_html),
    pytest.param("html/unclosed.html", marks=needs_html)])
def test_cleaner_properties_on_hostile_files(hostile_dir, name):
    from tui.core.textio import kind_of, read_article_text

    text, _ = read_article_text(hostile_dir.root / name)
    check_clean_properties(text, kind_of(name))


# -- the CLI -----------------------------------------------------------------------------------

def _cli(*args, timeout=HANG, **kw):
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True,
                          timeout=timeout, **kw)


@pytest.mark.skipif(importlib.util.find_spec("tui.commands.clean") is None,
                    reason="copydesk clean not written yet")
def test_cli_clean_json_answers_every_file(hostile_dir, tmp_path):
    root = hostile_dir.root
    names = hostile_dir.ok() + sorted(hostile_dir.errors()) + ["fifo.txt", "device.txt"]
    paths = [str(root / n) for n in names]
    r = _cli("clean", "--format", "json", *paths, env={**os.environ, "COPYDESK_HOME": str(tmp_path)})
    assert b"Traceback" not in r.stderr, r.stderr.decode(errors="replace")[-2000:]
    assert r.returncode == 1  # some inputs are not articles
    assert b"\x1b" not in r.stdout and b"\x9b" not in r.stdout
    lines = [json.loads(line) for line in r.stdout.decode().splitlines()]
    by_path = {d["path"]: d for d in lines}
    assert len(by_path) == len(paths), set(paths) - set(by_path)
    for n, p in zip(names, paths):
        d = by_path.get(p) or by_path.get(os.path.realpath(p))
        assert d is not None, n
        exp = hostile_dir.files[n]
        if exp.status == "ok":
            assert "error" not in d, (n, d.get("error"))
            blob = json.dumps(d, ensure_ascii=False)
            for v in d.values():
                assert not isinstance(v, str) or no_controls(v), n
            for w in exp.words:
                assert w in blob or json.dumps(w)[1:-1] in blob, (n, w)
        else:
            assert d.get("error"), n
            assert (exp.reason or "not a regular file") in d["error"], (n, d["error"])


@pytest.mark.skipif(importlib.util.find_spec("tui.commands.clean") is None,
                    reason="copydesk clean not written yet")
def test_cli_missing_file_no_traceback(tmp_path):
    r = _cli("clean", str(tmp_path / "does-not-exist.txt"), timeout=60)
    assert b"Traceback" not in r.stderr
    assert r.returncode != 0


def test_emoji_zwj_sequences_survive_cleaning():
    from tui.core.clean import clean

    family = "👩\u200d👩\u200d👧\u200d👦"
    art = clean(f"Title\n\n{hostile.PROSE} A family {family} and a flag 🇫🇷 here.\n", kind="text")
    assert family in art.text()


# -- the app (Pilot): walk every entry of the hostile folder ----------------------------------

async def test_app_walks_every_entry_of_the_hostile_folder(tmp_path, monkeypatch):
    """Open the app on the hostile folder, go down the source list with the
    keyboard and open every entry: nothing crashes, every file is listed
    (articles, and non-articles with their reason), markup in names and text
    is shown literally, no control character is painted, and no URL is ever
    opened by itself."""
    from textual.app import App

    from tui.ui.app import CopydeskApp
    from tui.ui.widgets.article_view import ArticleView
    from tui.ui.widgets.source_list import SourceList

    root = tmp_path / "hostile"
    root.mkdir()
    m = hostile.build_hostile(root, big=False)
    opened_urls: list[str] = []
    monkeypatch.setattr(App, "open_url", lambda self, url, **kw: opened_urls.append(url))

    def painted(widget) -> str:
        return "\n".join(widget.render_line(y).text for y in range(widget.size.height))

    app = CopydeskApp(roots=[root], home=str(tmp_path / "home"))
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        await run_async_bounded(app.workers.wait_for_complete(), HANG)
        await pilot.pause()
        sources = app.query_one(SourceList)
        reader = app.query_one(ArticleView)
        listed = {os.path.relpath(e.path, root): e for e in app.entries}
        expected = set(m.ok()) | set(m.errors())
        if not HAVE_HTML:
            expected = {n for n in expected if not n.startswith("html/")}
        assert expected <= set(listed), expected - set(listed)
        for name, reason in m.errors().items():
            assert listed[name].error == reason, name

        sources.focus()
        await pilot.press("home")
        seen: list[str] = []
        for _ in range(len(app.entries)):
            await pilot.press("enter")
            assert app.is_running
            path = app.current_path
            assert path is not None and path == sources.highlighted_path
            seen.append(os.path.relpath(path, root))
            art = reader.article
            assert art is not None
            text = painted(reader) + painted(sources) + (app.sub_title or "")
            assert no_controls(text), seen[-1]
            assert "pwned" not in text and "cm0gLXJmIH4K" not in text
            sources.focus()
            await pilot.press("down")
        assert sorted(seen) == sorted(listed), set(listed) - set(seen)

        # markup in a title and in the text, shown as written
        mk = listed["ctl/markup.md"]
        app.open_path(mk.path)
        await pilot.pause()
        title = "[@click=app.quit]Markup[/] title [red]x"
        assert title in painted(reader)
        assert "[@click=app.quit]Markup" in painted(sources)  # (the narrow list truncates)
        # the line of markup samples is shown as written, where the cleaner put
        # it (body, or removed text once removed text is shown)
        if "[red]red[/red]" not in painted(reader):
            app.action_toggle_removed()
            await pilot.pause()
        reader.scroll_home(animate=False)
        await pilot.pause()
        body = "\n".join(reader.render_line(y).text for y in range(reader.size.height))
        assert "[@click=app.quit]quit[/]" in body and "[red]red[/red]" in body, body
        await pilot.click(ArticleView, offset=(6, 0))
        await pilot.click(ArticleView, offset=(6, 1))
        await pilot.click(SourceList, offset=(4, 0))
        await pilot.pause()
        assert app.is_running
        # a file name with markup (its title comes from the text; the name is
        # shown where the app shows names) is literal too
        named = [n for n in listed if "named[red]" in n][0]
        app.open_path(listed[named].path)
        await pilot.pause()
        assert app.is_running
    assert opened_urls == []


async def run_async_bounded(awaitable, timeout):
    import asyncio

    return await asyncio.wait_for(awaitable, timeout)


# -- files unreadable, deleted or changed while copydesk runs -------------------------------------

def test_unreadable_file_listed_with_reason_rest_indexed(tmp_path):
    """REAL permissions: when the tests run as root (who reads everything),
    the scan runs in a forked child that drops to uid 65534 first."""
    import shutil
    import tempfile

    from tui.core.db import Database
    from tui.core.library import Library

    base = Path(tempfile.mkdtemp(prefix="copydesk-perm-", dir="/tmp"))
    try:
        base.chmod(0o755)
        lib_dir, home = base / "lib", base / "home"
        lib_dir.mkdir(mode=0o755)
        home.mkdir()
        (lib_dir / "good.txt").write_text(hostile.article_text("Readable"))
        (lib_dir / "secret.txt").write_text(hostile.article_text("Secret"))
        (lib_dir / "secret.txt").chmod(0)
        if os.geteuid() == 0:
            os.chown(home, 65534, 65534)

        def scan():
            db = Database.open(home)
            Library(db, [lib_dir]).scan(jobs=1)
            return {os.path.basename(e.path): (e.status, e.error) for e in Library(db, [lib_dir]).entries()}

        out = hostile.as_nobody(scan)
        assert out == {"good.txt": ("ok", None), "secret.txt": ("error", "permission denied")}, out
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_file_vanishing_during_scan(tmp_path, monkeypatch):
    """A file deleted between the folder walk and its reading: listed with
    'not found' (no crash); the next scan drops it."""
    from tui.core import library as library_mod
    from tui.core.db import Database
    from tui.core.library import Library

    lib_dir = tmp_path / "lib"
    lib_dir.mkdir()
    for n in ("a.txt", "b.txt", "c.txt"):
        (lib_dir / n).write_text(hostile.article_text(f"Story {n}"))
    real_walk = library_mod._walk

    def walk_then_delete(roots, skipped, *args):
        items = list(real_walk(roots, skipped, *args))
        (lib_dir / "b.txt").unlink()
        yield from items

    monkeypatch.setattr(library_mod, "_walk", walk_then_delete)
    db = Database.open(tmp_path / "home")
    lib = Library(db, [lib_dir])
    lib.scan(jobs=1)
    got = {os.path.basename(e.path): (e.status, e.error) for e in lib.entries()}
    assert got["a.txt"] == ("ok", None) and got["c.txt"] == ("ok", None)
    assert got["b.txt"] == ("error", "not found")
    monkeypatch.setattr(library_mod, "_walk", real_walk)
    lib.scan(jobs=1)
    assert sorted(os.path.basename(e.path) for e in lib.entries()) == ["a.txt", "c.txt"]
    db.close()


async def test_app_survives_files_deleted_and_changed_while_running(tmp_path):
    from tui.ui.app import CopydeskApp
    from tui.ui.widgets.article_view import ArticleView

    lib_dir = tmp_path / "lib"
    lib_dir.mkdir()
    for n in ("a.txt", "b.txt", "c.txt"):
        (lib_dir / n).write_text(hostile.article_text(f"Story {n}"))
    app = CopydeskApp(roots=[lib_dir], home=str(tmp_path / "home"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        b = str(lib_dir / "b.txt")
        app.open_path(b)
        await pilot.pause()
        # b.txt disappears while open; c.txt changes; a.txt becomes binary
        (lib_dir / "b.txt").unlink()
        (lib_dir / "c.txt").write_text(hostile.article_text("Changed story", "A brand new paragraph "
                                                             "that was added while the reader ran."))
        (lib_dir / "a.txt").write_bytes(hostile._png())
        app.open_path(b)  # still shown from the index, no crash
        await pilot.pause()
        assert app.is_running and app.query_one(ArticleView).article is not None
        await pilot.press("ctrl+r")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        got = {os.path.basename(e.path): (e.status, e.error) for e in app.entries}
        assert "b.txt" not in got
        assert got["a.txt"] == ("error", "binary")
        app.open_path(str(lib_dir / "c.txt"))
        await pilot.pause()
        assert "brand new paragraph" in app.query_one(ArticleView).article.text()
        app.open_path(str(lib_dir / "a.txt"))
        await pilot.pause()
        assert app.is_running


def test_cli_index_and_search_over_hostile_folder(hostile_dir, tmp_path):
    """`copydesk index` then `copydesk search` over the hostile folder: they
    finish, report the non-articles with reasons, print no control
    characters and no traceback."""
    home = str(tmp_path / "home")
    r = _cli("index", str(hostile_dir.root), "--home", home, "--jobs", "1")
    out, err = r.stdout.decode(), r.stderr.decode()
    assert r.returncode == 0, err[-2000:]
    assert "Traceback" not in err
    assert no_controls(out) and no_controls(err)
    for reason in ("empty", "binary", "not a regular file", "file name has control characters",
                   "file name is not valid UTF-8"):
        assert reason in out + err, reason
    for args in (["council"], ["--passages", "naïve"], ["[@click=app.quit]"], ["\x1b]0;x\x07"]):
        r = _cli("search", *args, str(hostile_dir.root), "--home", home)
        out, err = r.stdout.decode(), r.stderr.decode()
        assert "Traceback" not in err, err[-2000:]
        assert no_controls(out) and no_controls(err)
    r = _cli("search", "--format", "json", "council", str(hostile_dir.root), "--home", home)
    assert r.returncode == 0 and "Traceback" not in r.stderr.decode()


@pytest.mark.slow
def test_cli_clean_big_files_bounded(tmp_path):
    """`copydesk clean --format json` over the 400,000 short lines and the
    5 MB line finishes (hang guard: 300 s) with an answer for each."""
    (tmp_path / "h").mkdir()
    m = hostile.build_hostile(tmp_path / "h", fifo=False)
    names = ["big-400k-lines.txt", "big-single-line.txt"]
    r = _cli("clean", "--format", "json", *[str(m.root / n) for n in names], timeout=300)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    lines = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert [os.path.basename(d["path"]) for d in lines] == names
    assert all("error" not in d for d in lines)
    assert "riverbank" in lines[1]["text"]


def test_traversal_deep_and_wide_folders(tmp_path):
    """600 nested folders, walked with the recursion limit lowered to 200
    (a recursive walk would fail), and a folder of 3,000 entries, most not
    articles."""
    import sys as _sys

    from tui.core.library import iter_article_files

    d = tmp_path / "deep"
    d.mkdir()
    p = d
    for i in range(600):
        p = p / "d"
        try:
            p.mkdir()
        except OSError:  # path too long for this file system: deep enough
            p = p.parent
            break
    (p / "bottom.txt").write_text("x")
    wide = tmp_path / "wide"
    wide.mkdir()
    for i in range(3000):
        (wide / (f"f{i}.txt" if i % 100 == 0 else f"f{i}.bin")).write_text("x")
    limit = _sys.getrecursionlimit()
    _sys.setrecursionlimit(200)
    try:
        found = run_bounded(lambda: list(iter_article_files([d, wide])), 60)
    finally:
        _sys.setrecursionlimit(limit)
    names = [f.name for f in found]
    assert names.count("bottom.txt") == 1 and len(names) == 31


@pytest.mark.skipif(importlib.util.find_spec("tui.commands.clean") is None,
                    reason="copydesk clean not written yet")
def test_cli_clean_json_folder_answers_every_file(hostile_dir, tmp_path):
    """The folder form: one JSON line per file found in the folder, also for
    the files the walk skipped (dangling symlinks, loops, unshowable names)."""
    root = hostile_dir.root
    r = _cli("clean", "--format", "json", str(root), env={**os.environ, "COPYDESK_HOME": str(tmp_path)})
    assert b"Traceback" not in r.stderr and r.returncode == 1
    lines = [json.loads(line) for line in r.stdout.decode().splitlines()]
    answered = {os.path.relpath(d["path"], root): d for d in lines}
    assert all(no_controls(p) for p in answered)
    for name, exp in hostile_dir.files.items():
        if name == "dir.txt":
            continue
        shown = re.sub(r"[\x00-\x1f\x7f-\x9f]", "?", name).encode("utf-8", "surrogateescape") \
            .decode("utf-8", "replace")
        d = answered.get(shown)
        assert d is not None, name
        if exp.status == "ok":
            assert "error" not in d, (name, d.get("error"))
        else:
            assert d.get("error"), name
