"""Reading article files safely: decoding and control-character stripping.

Everything that enters copydesk from a file passes through here: the bytes
are read with a size cap, decoded (BOMs, UTF-8, UTF-16, then detection for
legacy encodings), line ends normalised, and terminal control characters
removed, so that nothing in an article can drive the terminal.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from tui.core.model import ArticleError

#: Files are read up to this many bytes; the rest is noted, not read.
MAX_BYTES = 8 * 1024 * 1024

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")

# ANSI CSI / OSC / other ESC sequences, then remaining C0 (but \n, \t) and C1.
_ESC_SEQ = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"          # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"    # DCS, SOS, PM, APC
    r"|\x1b[@-Z\\-_]"                    # two-char escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"            # 8-bit CSI
    r"|\x9d[^\x07\x9c]*(?:\x07|\x9c)?"   # 8-bit OSC
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(s: str) -> str:
    """Remove terminal escape sequences and C0/C1 controls except \\n and \\t."""
    if not s:
        return s
    s = _ESC_SEQ.sub("", s)
    return _CONTROLS.sub("", s)


def decode(data: bytes) -> str:
    """Decode bytes as sensibly as possible; never raises."""
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _detect(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return strip_controls(text)


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1024 * 1024]).best()
    enc = best.encoding if best is not None else "cp1252"
    try:
        return data.decode(enc, errors="replace")
    except LookupError:
        return data.decode("cp1252", errors="replace")


def looks_binary(data: bytes) -> bool:
    """True for data that is clearly not text (NULs outside UTF-16, many controls)."""
    if not data:
        return False
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    sample = data[:8192]
    if sample.count(0) > len(sample) // 100 + 1:
        return True
    ctrl = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return ctrl > len(sample) // 20


def read_article_bytes(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> tuple[bytes, bool]:
    """Read a regular file's bytes (capped). Returns ``(data, truncated)``.

    Raises :class:`ArticleError` with a short reason for anything that is not
    a readable regular file. FIFOs and devices are never opened.
    """
    p = os.fspath(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise ArticleError("not found", p) from None
    except OSError as e:
        raise ArticleError(e.strerror or "cannot stat", p) from None
    if stat.S_ISDIR(st.st_mode):
        raise ArticleError("is a directory", p)
    if not stat.S_ISREG(st.st_mode):
        raise ArticleError("not a regular file", p)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except PermissionError:
        raise ArticleError("permission denied", p) from None
    except OSError as e:
        raise ArticleError(e.strerror or "cannot open", p) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped after stat
            raise ArticleError("not a regular file", p)
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        raise ArticleError(e.strerror or "read error", p) from None
    finally:
        os.close(fd)
    truncated = len(data) > max_bytes
    return data[:max_bytes], truncated


def read_article_text(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> tuple[str, list[str]]:
    """Read and decode an article file. Returns ``(text, notes)``."""
    data, truncated = read_article_bytes(path, max_bytes)
    if not data.strip():
        raise ArticleError("empty", os.fspath(path))
    if looks_binary(data):
        raise ArticleError("binary", os.fspath(path))
    text = decode(data)
    notes = []
    if truncated:
        notes.append(f"Only the first {max_bytes // (1024 * 1024)} MB of this file were read.")
    return text, notes


def kind_of(path: str | os.PathLike[str]) -> str:
    """``"html"``, ``"markdown"`` or ``"text"`` from the file name."""
    suffix = Path(path).suffix.lower()
    if suffix in (".html", ".htm"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    return "text"
