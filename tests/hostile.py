"""Build a hostile library folder in a temporary directory.

Everything is generated here (no binary blobs in the repository). Used by
tests/test_hostile.py, tests/test_textio.py and bench/fuzz_clean.py.

:func:`build_hostile` returns a :class:`Manifest`: for each file name the
expectation — either ``ok`` with words that must appear in the decoded text,
or the ``ArticleError`` reason expected for a non-article, or ``skip`` for
entries folder traversal must leave out (symlink loops, FIFOs…).
"""

from __future__ import annotations

import gzip
import os
import random
import zlib
from dataclasses import dataclass, field
from pathlib import Path

#: A sentence in several scripts that every "ok" text file carries.
CAFE = "café naïve – “quotes”"

# Terminal control sequences that must never reach the terminal.
CSI_COLOUR = "\x1b[31;1mRED\x1b[0m"
CLEAR = "\x1b[2J\x1b[H\x1b[3J"
OSC_TITLE0 = "\x1b]0;pwned-title\x07"
OSC_TITLE2 = "\x1b]2;pwned-title2\x1b\\"
OSC52 = "\x1b]52;c;cm0gLXJmIH4K\x07"          # "rm -rf ~" into the clipboard
OSC8 = "\x1b]8;;file:///etc/passwd\x1b\\hyperlink\x1b]8;;\x1b\\"
DCS = "\x1bPq#0;2;0;0;0#0~~@@vv@@~~\x1b\\"       # sixel
C1_CSI = "\x9b31m"                              # 8-bit CSI as U+009B
C1_OSC = "\x9d0;c1-title\x9c"
RESET = "\x1bc"
CONTROLS = [CSI_COLOUR, CLEAR, OSC_TITLE0, OSC_TITLE2, OSC52, OSC8, DCS, C1_CSI, C1_OSC, RESET]

#: Rich/Textual markup that must be shown literally.
MARKUP = ["[@click=app.quit]quit[/]", "[link=file:///etc/passwd]passwd[/link]", "[red]red[/red]",
          "[bold]bold", "[/]"]

PROSE = ("The council met on Tuesday to discuss the new library. Residents asked "
         "for longer opening hours and more reading rooms. The mayor agreed to "
         "study the proposal and report back next month.")


@dataclass
class Expect:
    #: "ok" (an article), "error" (listed with a reason), "skip" (left out by traversal)
    status: str
    #: words that must appear in the decoded text (ok) / the reason (error, skip)
    words: tuple[str, ...] = ()
    reason: str | None = None
    #: read only in part (a truncation note expected)
    truncated: bool = False


@dataclass
class Manifest:
    root: Path
    files: dict[str, Expect] = field(default_factory=dict)

    def ok(self) -> list[str]:
        return sorted(n for n, e in self.files.items() if e.status == "ok")

    def errors(self) -> dict[str, str | None]:
        return {n: e.reason for n, e in self.files.items() if e.status == "error"}

    def skipped(self) -> list[str]:
        return sorted(n for n, e in self.files.items() if e.status == "skip")


def article_text(title: str, extra: str = "") -> str:
    return f"{title}\n\n{PROSE}\n\n{CAFE}\n\n{extra}\n\n{PROSE}\n"


def _png() -> bytes:
    raw = b"".join(b"\x00" + bytes(random.Random(1).randbytes(3 * 8)) for _ in range(8))
    def chunk(t: bytes, d: bytes) -> bytes:
        return len(d).to_bytes(4, "big") + t + d + zlib.crc32(t + d).to_bytes(4, "big")
    ihdr = (8).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _zip() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("article.txt", PROSE * 20)
    return buf.getvalue()


def build_hostile(root: str | os.PathLike[str], *, big: bool = True, fifo: bool = True) -> Manifest:
    """Create the hostile folder under *root* (which must exist and be empty)."""
    root = Path(root)
    m = Manifest(root)
    f = m.files

    def put(name: str, data: bytes | str, expect: Expect) -> Path:
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        f[name] = expect
        return p

    ok = lambda *w, **kw: Expect("ok", tuple(w) or ("council", "naïve", "“quotes”"), **kw)  # noqa: E731

    # -- encodings ---------------------------------------------------------
    put("enc/utf8.txt", article_text("Plain UTF-8"), ok())
    put("enc/utf8-bom.txt", b"\xef\xbb\xbf" + article_text("UTF-8 with BOM").encode(), ok("BOM"))
    put("enc/utf16le-bom.txt", b"\xff\xfe" + article_text("UTF-16 LE").encode("utf-16-le"),
        ok("UTF-16", "naïve"))
    put("enc/utf16be-bom.txt", b"\xfe\xff" + article_text("UTF-16 BE").encode("utf-16-be"),
        ok("UTF-16", "naïve"))
    put("enc/cp1252.txt", article_text("Windows 1252 – “smart”").encode("cp1252"),
        ok("“smart”", "naïve", "café", "–"))
    put("enc/latin1.md", ("# Ça va, l'été\n\n" + PROSE + "\n\nVoilà où est la bibliothèque, "
                          "à côté du café.\n").encode("latin-1"), ok("Ça", "été", "Voilà", "côté"))
    put("enc/crlf.txt", article_text("CRLF lines").replace("\n", "\r\n"), ok("CRLF"))
    put("enc/cr-only.txt", article_text("CR lines").replace("\n", "\r"), ok("CR"))
    put("enc/nul-bytes.txt", article_text("NUL\x00 bytes", "Some\x00 stray\x00 NULs."), ok("NUL", "stray"))
    put("enc/invalid-utf8.txt", article_text("Invalid bytes").encode() + b"\n\nBad \xff\xfe\xc3 bytes\n",
        ok("Invalid", "naïve", "Bad"))
    put("enc/rtl-combining.txt",
        article_text("RTL and combining", "שלום עולם مرحبا بالعالم e\u0301 n\u0303 Z\u0351\u0352\u0353algo"),
        ok("שלום", "مرحبا", "e\u0301"))
    put("enc/emoji-wide.txt",
        article_text("Emoji and wide", "👩‍👩‍👧‍👦 🇫🇷 表意文字 테스트 ｆｕｌｌｗｉｄｔｈ"),
        ok("表意文字", "👩‍👩‍👧‍👦", "🇫🇷", "ｆｕｌｌｗｉｄｔｈ"))
    put("enc/unicode-separators.txt", article_text("Line\u2028separators", "a\u2029b"), ok("separators"))

    # -- not articles ----------------------------------------------------------
    put("bad/empty.txt", b"", Expect("error", reason="empty"))
    put("bad/whitespace.txt", b" \n\t\r\n  \n", Expect("error", reason="empty"))
    put("bad/bom-only.txt", b"\xef\xbb\xbf\n", Expect("error", reason="empty"))
    put("bad/escapes-only.txt", CLEAR + OSC_TITLE0 + "\n", Expect("error", reason="empty"))
    put("bad/image.txt", _png(), Expect("error", reason="binary"))
    put("bad/archive.md", _zip(), Expect("error", reason="binary"))
    put("bad/random.html", random.Random(42).randbytes(64 * 1024), Expect("error", reason="binary"))
    put("bad/gzip.txt", gzip.compress(PROSE.encode() * 50),
        Expect("error", reason="binary"))

    # -- control sequences and markup ------------------------------------------
    put("ctl/ansi.txt", article_text("Controls " + OSC_TITLE0 + "title", " ".join(CONTROLS) + " end-of-controls"),
        ok("Controls", "RED", "end-of-controls"))
    put("ctl/markup.md", article_text("[@click=app.quit]Markup[/] title [red]x",
                                      " ".join(MARKUP)), ok("[@click=app.quit]quit[/]", "[red]red[/red]"))
    put("ctl/[@click=app.quit]named[red].txt", article_text("Markup in the file name"), ok("Markup"))
    put("ctl/[link=file:⁄⁄etc⁄passwd]x[⁄link].md", article_text("Link markup in the name"), ok("Link"))

    # -- file names that cannot be shown: skipped with a reason ----------------------------
    put("names/\x1b]0;pwned-name\x07\x1b\\esc.txt", article_text("Escape in the name"),
        Expect("skip", reason="file name has control characters"))
    put("names/bad-\udcff-bytes.txt", article_text("Invalid UTF-8 in the name"),
        Expect("skip", reason="file name is not valid UTF-8"))
    put("names/fine [red]name[/red].txt", article_text("Markup is fine in a name"), ok("Markup"))

    # -- HTML --------------------------------------------------------------------
    put("html/scripts.html",
        "<html><head><title>Scripts page</title><script>alert('x')</script>"
        "<style>body{}</style></head><body><article><h1>Scripts page</h1>"
        f"<p onclick=\"alert(1)\" onmouseover='steal()'>{PROSE}</p>"
        "<p>A <a href=\"javascript:alert(1)\">js link</a> and <a href=\"http://example.com/\">a real one</a>.</p>"
        "<script>document.write('<p>injected paragraph</p>')</script>"
        f"<p>{CAFE}</p><img src=x onerror=alert(1)><iframe src='javascript:alert(2)'></iframe>"
        "</article></body></html>", ok("council", "naïve"))
    put("html/deep.html", "<html><body><article><p>" + PROSE + "</p>" + "<div>" * 20000 + "deep text"
        + "</div>" * 20000 + "<p>" + CAFE + "</p></article></body></html>", ok("council"))
    put("html/unclosed.html", "<html><body><p>" + PROSE + "<p>" + CAFE + "<div><span><b><i>unclosed"
        + "<table><tr><td>cell" * 50, ok("council"))
    put("html/deep-unclosed.htm", "<p>" + PROSE + "</p>" + "<div><span>" * 20000 + "end", ok("council"))
    put("md/js-links.md", article_text("Links", "[click me](javascript:alert(1)) and "
                                       "[file](file:///etc/passwd) and <script>alert(1)</script>"),
        ok("council"))

    # -- large -------------------------------------------------------------------
    if big:
        rng = random.Random(50)
        vocab = (PROSE + " " + CAFE + " quick brown fox jumps lazy dog river bank market "
                 "election budget school hospital weather storm harbour").replace(".", "").split()

        def paragraph() -> str:
            words = [rng.choice(vocab) for _ in range(rng.randint(40, 90))]
            return (" ".join(words).capitalize() + ".").replace(" the ", " the ", 1)

        with open(root / "big-50mb.txt", "w", encoding="utf-8") as fh:
            fh.write("Fifty megabytes\n\n")
            written = 0
            while written < 50 * 1024 * 1024:
                chunk = "\n\n".join(paragraph() for _ in range(500)) + "\n\n"
                fh.write(chunk)
                written += len(chunk.encode())
        f["big-50mb.txt"] = Expect("ok", ("Fifty", "council"), truncated=True)
        line = "The quick brown fox jumps over the lazy dog near the riverbank today. "
        put("big-single-line.txt", "Single line " + line * (5 * 1024 * 1024 // len(line)),
            ok("Single", "riverbank"))
        put("big-400k-lines.txt", "Many short lines\n\n" + "".join(
            f"{rng.choice(vocab)} {rng.choice(vocab)} {i}\n" for i in range(400_000)), ok("Many", "399999"))

    # -- permissions (root reads everything: then it is simply an article) ------
    p = put("perm/unreadable.txt", article_text("Unreadable"),
            ok("Unreadable") if os.geteuid() == 0 else Expect("error", reason="permission denied"))
    p.chmod(0)

    # -- files that are not regular, and traversal traps ---------------------------
    (root / "dir.txt").mkdir()
    put("dir.txt/inside.txt", article_text("Inside a folder named .txt"), ok("Inside"))
    f["dir.txt"] = Expect("skip", reason="is a directory")
    os.symlink("nowhere.txt", root / "dangling.txt")
    f["dangling.txt"] = Expect("skip", reason="dangling symlink")
    os.symlink("loop-b.txt", root / "loop-a.txt")
    os.symlink("loop-a.txt", root / "loop-b.txt")
    f["loop-a.txt"] = Expect("skip", reason="symlink loop")
    f["loop-b.txt"] = Expect("skip", reason="symlink loop")
    os.symlink("..", root / "enc" / "parent-link")          # a directory symlink to its parent
    os.symlink(".", root / "self-link")                     # and to itself
    os.symlink("/dev/zero", root / "device.txt")
    f["device.txt"] = Expect("skip", reason="not a regular file")
    if fifo and hasattr(os, "mkfifo"):
        os.mkfifo(root / "fifo.txt")
        f["fifo.txt"] = Expect("skip", reason="not a regular file")
    return m


# -- helpers shared by the hostile-input and fault tests ----------------------------------------

def call_bounded(fn, timeout: float) -> dict:
    """Run *fn* in a daemon thread; ``{"value": ...}`` or ``{"error": exc}``.
    Fails (AssertionError) when it has not returned after *timeout* seconds:
    a hang guard, not a benchmark."""
    import threading

    result: dict = {}

    def run():
        try:
            result["value"] = fn()
        except BaseException as e:  # noqa: BLE001
            result["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), f"did not return within {timeout} s"
    return result


def peak_memory(fn):
    """``(fn(), peak bytes allocated by Python while it ran)`` (tracemalloc)."""
    import tracemalloc

    tracemalloc.start()
    try:
        value = fn()
        return value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def as_nobody(fn):
    """Run *fn* with an ordinary user's permissions: when we are root (for
    whom chmod stops nothing), in a forked child that drops to uid/gid 65534
    first; otherwise in-process. Returns fn's (picklable) result, or
    ``("raised", type name, message)``. Modules fn needs must be imported
    before (the child may not be able to read them)."""
    import pickle

    def call():
        try:
            return fn()
        except Exception as e:  # noqa: BLE001
            return ("raised", type(e).__name__, str(e))

    if os.geteuid() != 0:
        return call()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.close(r)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            data = pickle.dumps(call())
        except BaseException as e:  # noqa: BLE001
            data = pickle.dumps(("raised", type(e).__name__, str(e)))
        with os.fdopen(w, "wb") as f:
            f.write(data)
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        data = f.read()
    os.waitpid(pid, 0)
    return pickle.loads(data)
