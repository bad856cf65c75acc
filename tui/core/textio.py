"""Reading article files safely: decoding and control-character stripping.

Everything that enters copydesk from a file passes through here: the bytes
are read with a size cap, decoded (BOMs, UTF-8, UTF-16, then detection for
legacy encodings), line ends normalised, and terminal control characters
removed, so that nothing in an article can drive the terminal.

Guarantees (tested in tests/test_textio.py, fuzzed with hypothesis):

- :func:`decode` never raises, and its output contains no C0/C1 control
  characters except ``\\n`` and ``\\t``, no ``\\r``, and no lone surrogates.
- :func:`strip_controls` is idempotent and leaves no control character
  (Unicode category ``Cc``) but ``\\n`` and ``\\t``; whole escape sequences
  (CSI, OSC including window titles and OSC 52 clipboard writes, DCS, SOS,
  PM, APC, 8-bit C1 forms) are removed, not just their ESC byte.
- :func:`read_article_bytes` never opens anything but a regular file (so a
  FIFO or device can never block), and never reads more than ``max_bytes``.
"""

from __future__ import annotations

import errno
import os
import re
import stat

from tui.core.model import ArticleError

#: Files are read up to this many bytes; the rest is noted, not read.
MAX_BYTES = 8 * 1024 * 1024

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")

# Terminal escape sequences (ECMA-48), 7-bit and 8-bit forms. Unterminated
# string sequences (OSC/DCS/...) are removed up to the end of the line only,
# so one stray ESC can never swallow the rest of an article.
_ESC_SEQ = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]?"                     # CSI (7-bit)
    r"|[\]PX^_][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"   # OSC, DCS, SOS, PM, APC: payload, BEL/ST
    r"|[ -/]*[0-~])"                                  # other escapes (ESC c, ESC ( B, ESC 7)
    r"|\x9b[0-?]*[ -/]*[@-~]?"                         # CSI (8-bit)
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"  # 8-bit string sequences
)
_INTRO_RX = re.compile("[\x1b\x9b\x90\x98\x9d\x9e\x9f]")
_INTRODUCERS = ("\x1b", "\x9b", "\x90", "\x98", "\x9d", "\x9e", "\x9f")
# Bytes that are C0 controls (but \t \n \r) or DEL, for a C-speed check of
# UTF-8 input (bytes.translate deletes everything else).
_NOT_C0_BYTES = bytes(b for b in range(256) if not (b < 9 or 10 < b < 32 and b != 13 or b == 127))
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
# Remaining C0 (but \t and \n), DEL, C1, and lone surrogates (which cannot
# be encoded for the terminal, SQLite or JSON).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Bytes that are not UTF-8 (decoded with surrogateescape), and non-ASCII.
_ESCAPED = re.compile("[\udc80-\udcff]")
_NON_ASCII = re.compile("[^\x00-\x7f]")
# Unicode line/paragraph separators become plain newlines.
_LINE_SEPS = str.maketrans({"\u2028": "\n", "\u2029": "\n"})
# Bytes that are *not* counted as binary controls by looks_binary (all but
# 0 < b < 7, b == 8, and 13 < b < 32 except ESC), for bytes.translate.
_NOT_COUNTED = bytes(b for b in range(256)
                     if not (0 < b < 7 or b == 8 or 13 < b < 32 and b != 27))

# Signatures of common binary formats (checked at offset 0).
_MAGIC = (
    b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"PK\x03\x04", b"PK\x05\x06",
    b"\x1f\x8b", b"\xfd7zXZ\x00", b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07", b"%PDF-",
    b"\x7fELF", b"\x00\x00\x01\x00", b"\x28\xb5\x2f\xfd", b"SQLite format 3\x00",
    b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe",
)  # only signatures no text file starts with (not "MZ", "RIFF", "ID3"...)
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
)


def strip_controls(s: str) -> str:
    """Remove terminal escape sequences and C0/C1 controls except \\n and \\t."""
    if not s:
        return s
    if s.isprintable():  # fast path: nothing to strip (also no \n or \t)
        return s
    # The sequence regex is slow on big texts (~40 ms/MB); most texts have
    # no introducer at all, and a substring test is nearly free.
    if any(ch in s for ch in _INTRODUCERS):
        s = _strip_sequences(s)
    return _CONTROLS.sub("", s)


def _strip_sequences(s: str) -> str:
    """``_ESC_SEQ.sub("", s)``, but the regex is only tried where an
    introducer is (a character-class scan is ~6x faster than trying the
    alternation at every position)."""
    out: list[str] = []
    pos = 0
    search, match = _INTRO_RX.search, _ESC_SEQ.match
    while (m := search(s, pos)) is not None:
        i = m.start()
        seq = match(s, i)
        out.append(s[pos:i])
        pos = seq.end() if seq is not None and seq.end() > i else i + 1
        if seq is None:
            out.append(s[i])  # a lone introducer: removed with the controls
    out.append(s[pos:])
    return "".join(out)


def _bom(data: bytes) -> tuple[str, int] | None:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc, len(bom)
    return None


def _sniff_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` for BOM-less UTF-16 of mostly-Latin text."""
    sample = data[:8192]
    if len(sample) < 4 or b"\x00" not in sample:  # (no NUL at all: the common case, found fast)
        return None
    even, odd = sample[0::2], sample[1::2]
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if nul_odd > 0.4 and nul_even < 0.05:
        return "utf-16-le"
    if nul_even > 0.4 and nul_odd < 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes) -> str:
    """Decode bytes as sensibly as possible; never raises.

    BOMs first (UTF-8, UTF-16, UTF-32), then BOM-less UTF-16, then UTF-8
    (also when only a few bytes are invalid: those become U+FFFD), then the
    most plausible legacy encoding (:func:`_detect`: charset_normalizer's
    candidates and the Windows code pages, scored; cp1252 wins ties). Line
    ends become ``\\n`` and control characters are stripped.
    """
    bom = _bom(data)
    if bom is not None:
        enc, n = bom
        text = data[n:].decode(enc, errors="replace")
    elif (enc16 := _sniff_utf16(data)) is not None:
        text = data.decode(enc16, errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_non_utf8(data)
        else:
            if not data.translate(None, _NOT_C0_BYTES) and (b"\xc2" not in data
                                                            or not _C1_UTF8.search(data)):
                # Valid UTF-8 without any C0/C1 control: only line ends to fix.
                if "\r" in text:
                    text = text.replace("\r\n", "\n").replace("\r", "\n")
                if "\u2028" in text or "\u2029" in text:
                    text = text.translate(_LINE_SEPS)
                return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u2028" in text or "\u2029" in text:  # (a scan is far cheaper than translate)
        text = text.translate(_LINE_SEPS)
    return strip_controls(text)


def _decode_non_utf8(data: bytes) -> str:
    # Mostly UTF-8 with a few bad bytes (a damaged or truncated file): keep
    # UTF-8 rather than re-reading every valid multibyte character as mojibake.
    loose = data.decode("utf-8", errors="surrogateescape")
    bad = sum(1 for _ in _ESCAPED.finditer(loose))
    multibyte = sum(1 for _ in _NON_ASCII.finditer(loose)) - bad
    if multibyte > bad:
        return data.decode("utf-8", errors="replace")
    return _detect(data)


def _detect(data: bytes) -> str:
    """Decode non-UTF-8 bytes with the most plausible legacy encoding.

    charset_normalizer proposes candidates, but on short texts it often
    prefers e.g. mac_latin2 or cp1250 for plain French; so each candidate
    (plus the common Windows code pages) is decoded strictly and scored with
    :func:`_implausibility` (symbols inside words, case flips, mixed scripts,
    mojibake-shaped words). The lowest score wins; ties go to cp1252 first,
    then to charset_normalizer's order.
    """
    sample = data[: 64 * 1024]
    order = ["cp1252"]
    try:
        from charset_normalizer import from_bytes

        # Mac and DOS code pages are rare on the web: they come last in ties.
        order += sorted((m.encoding for m in from_bytes(sample)),
                        key=lambda e: e.startswith(("mac", "cp4", "cp8", "cp7")))
    except Exception:  # noqa: BLE001 - detection is best effort
        pass
    order += list(_LEGACY)
    best_enc, best_score = "cp1252", None
    seen: set[str] = set()
    for enc in order:
        if enc in seen:
            continue
        seen.add(enc)
        try:
            text = sample.decode(enc)
        except (UnicodeDecodeError, LookupError):
            if len(sample) == len(data) or enc != "cp1252":
                continue
            try:  # a truncated multibyte tail in the sample only
                text = sample[:-4].decode(enc)
            except (UnicodeDecodeError, LookupError):
                continue
        score = _implausibility(text)
        if best_score is None or score < best_score:
            best_enc, best_score = enc, score
    try:
        return data.decode(best_enc, errors="replace")
    except LookupError:
        return data.decode("cp1252", errors="replace")


#: Code pages always tried (besides charset_normalizer's candidates).
_LEGACY = ("cp1250", "cp1251", "cp1253", "cp1254", "cp1257", "koi8_r", "latin_1")
_WORD = re.compile(r"[^\W\d_]+|[^\w\s]")
_OK_PUNCT = frozenset("“”‘’„‚–—…«»‹›°€£¥§©®™±×÷·•¡¿\u00a0¢¤¦¨¬¯²³´µ¶¸¹º¼½¾")
_SCRIPT_GROUP = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK", "CJK": "CJK", "IDEOGRAPHIC": "CJK"}


def _implausibility(text: str) -> int:
    """How unlike real text a decoding looks (0 = plausible)."""
    import unicodedata

    score = 0
    for m in _WORD.finditer(text):
        w = m.group()
        if w.isascii():
            continue
        if len(w) == 1 and not w.isalpha():
            if w not in _OK_PUNCT and w < "\u3000":  # (CJK punctuation is fine)
                # a stray symbol, box-drawing char, control...
                score += 1 if unicodedata.category(w).startswith("P") else 2
            continue
        scripts = set()
        non_ascii = 0
        for ch in w:
            if ch.isascii():
                scripts.add("LATIN")
                continue
            non_ascii += 1
            name = unicodedata.name(ch, "")
            first = name.split(" ", 1)[0]
            if first == "HALFWIDTH" or unicodedata.category(ch) == "Lo" and first == "LATIN":
                score += 2
            scripts.add(_SCRIPT_GROUP.get(first, first))
        if len(scripts) > 1:
            score += 3
        if any(a.islower() and b.isupper() for a, b in zip(w, w[1:])):
            score += 2  # case flips inside a word: "bibliothŤque"
        if "LATIN" in scripts and non_ascii == len(w) and len(w) >= 3:
            score += 1  # "Ïðèâåò": a whole word of accented Latin letters
    return score


def looks_binary(data: bytes) -> bool:
    """True for data that is clearly not text: a known binary signature, or
    NULs / control bytes that no text encoding explains."""
    if not data:
        return False
    if _bom(data) is not None:
        return False
    enc16 = _sniff_utf16(data)
    if enc16 is not None:
        # Zeros every other byte are also what 16-bit binary data (audio
        # samples, tables) looks like: real UTF-16 text decodes to letters,
        # not to controls and specials.
        sample = data[:8192].decode(enc16, errors="replace")
        odd = sum(1 for ch in sample if (ch < " " and ch not in "\t\n\r") or "\x7f" <= ch <= "\x9f"
                  or ch >= "\ufff0" or "\ud800" <= ch <= "\udfff")
        return odd > len(sample) // 20
    if data.startswith(_MAGIC):
        return True
    sample = data[:8192]
    nuls = sample.count(0)
    if nuls > len(sample) * 0.3:  # mostly zeros (and not UTF-16, checked above)
        return True
    # Control bytes other than BEL \t \n \v \f \r and ESC (BEL and ESC are common in
    # coloured text and is stripped later, not a sign of binary data); NULs
    # sprinkled in text are stripped too, so they are not counted here.
    ctrl = len(sample.translate(None, _NOT_COUNTED))  # C speed; same bytes as above
    return ctrl > (len(sample) - nuls) // 20


def _cut_tail(data: bytes) -> bytes:
    """Cut a capped read at a sensible boundary: after the last newline in
    the final 64 KB, else before an incomplete UTF-8 sequence; keep UTF-16/32
    code units whole."""
    bom = _bom(data)
    if bom is not None and bom[0] != "utf-8":
        unit = 4 if bom[0].startswith("utf-32") else 2
        return data[: len(data) - (len(data) - bom[1]) % unit]
    if _sniff_utf16(data) is not None:
        return data[: len(data) - len(data) % 2]
    nl = data.rfind(b"\n", max(0, len(data) - 65536))
    if nl > 0:
        return data[: nl + 1]
    # Drop at most 3 trailing bytes of an unfinished UTF-8 character.
    for back in range(1, 4):
        if len(data) < back:
            break
        b = data[-back]
        if b < 0x80:
            break
        if b >= 0xC0:  # lead byte: complete only if enough continuation bytes
            need = 2 if b < 0xE0 else 3 if b < 0xF0 else 4
            return data if need <= back else data[:-back]
    return data


def read_article_bytes(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> tuple[bytes, bool]:
    """Read a regular file's bytes (capped). Returns ``(data, truncated)``.

    Raises :class:`ArticleError` with a short reason for anything that is not
    a readable regular file. FIFOs and devices are never opened: the type is
    checked with ``stat`` first, and the open itself is non-blocking with the
    type checked again on the descriptor (in case the file was swapped).
    """
    data, truncated, _st = read_regular_file(path, max_bytes)
    return data, truncated


def read_regular_file(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES, *,
                      prechecked: bool = False) -> tuple[bytes, bool, os.stat_result]:
    """:func:`read_article_bytes`, also returning the open descriptor's
    ``fstat`` (the size and mtime of what was read).

    *prechecked*: the caller stat'ed *path* a moment ago and found a regular
    file (the library walk), so the ``stat`` before opening is skipped; the
    open is still non-blocking and the descriptor's type is still checked.
    """
    p = os.fspath(path)
    if not prechecked:
        try:
            st = os.stat(p)
        except FileNotFoundError:
            raise _not_found(p) from None
        except OSError as e:
            raise ArticleError(_reason(e, "cannot stat"), p) from None
        if stat.S_ISDIR(st.st_mode):
            raise ArticleError("is a directory", p)
        if not stat.S_ISREG(st.st_mode):
            raise ArticleError("not a regular file", p)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:  # (gone since the walk's stat)
        raise _not_found(p) from None
    except OSError as e:
        raise ArticleError(_reason(e, "cannot open"), p) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped after stat
            raise ArticleError("is a directory" if stat.S_ISDIR(st.st_mode)
                               else "not a regular file", p)
        chunks: list[bytes] = []
        left = max_bytes + 1
        want = min(left, st.st_size + 1)  # all of it at once (and no 1 MB buffer per file)
        while left > 0:
            chunk = os.read(fd, want)
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
            want = min(left, 64 * 1024)  # it grew since, or the end is next
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    except OSError as e:
        raise ArticleError(_reason(e, "read error"), p) from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        return _cut_tail(data[:max_bytes]), True, st
    return data, False, st


def _not_found(p: str) -> ArticleError:
    return ArticleError("dangling symlink" if os.path.islink(p) else "not found", p)


def _reason(e: OSError, default: str) -> str:
    if isinstance(e, PermissionError):
        return "permission denied"
    if e.errno == errno.ELOOP:
        return "symlink loop"
    if isinstance(e, FileNotFoundError):
        return "not found"
    return (e.strerror or default).lower()


def format_size(n: int) -> str:
    if n >= 1024**3:
        v = n / 1024**3
        return f"{v:.0f} GB" if v >= 10 or v == int(v) else f"{v:.1f} GB"
    if n >= 1024 * 1024:
        v = n / (1024 * 1024)
        return f"{v:.0f} MB" if v >= 10 or v == int(v) else f"{v:.1f} MB"
    if n >= 1024:
        return f"{n // 1024} KB"
    return f"{n} bytes"


def truncation_note(max_bytes: int = MAX_BYTES, size: int | None = None) -> str:
    """The note shown with an article whose file was read only in part."""
    of = f" of {format_size(size)}" if size else ""
    return f"Only the first {format_size(max_bytes)}{of} of this file were read; the rest is not shown."


def bytes_to_text(data: bytes, path: str | os.PathLike[str] | None = None) -> str:
    """Check and decode an article's bytes: raises ``ArticleError("empty")``
    for empty/whitespace-only content and ``ArticleError("binary")`` for
    binary data; otherwise the decoded, control-free text."""
    p = os.fspath(path) if path is not None else None
    if not data or data.isspace():  # (= not data.strip(), without copying the bytes)
        raise ArticleError("empty", p)
    if looks_binary(data):
        raise ArticleError("binary", p)
    text = decode(data)
    if not text.strip():  # e.g. only a BOM, UTF-16 spaces, or escape codes
        raise ArticleError("empty", p)
    return text


def read_article_text(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> tuple[str, list[str]]:
    """Read and decode an article file. Returns ``(text, notes)``."""
    data, truncated = read_article_bytes(path, max_bytes)
    text = bytes_to_text(data, path)
    notes = []
    if truncated:
        try:
            size = os.stat(path).st_size
        except OSError:
            size = None
        notes.append(truncation_note(max_bytes, size))
    return text, notes


def kind_of(path: str | os.PathLike[str]) -> str:
    """``"html"``, ``"markdown"`` or ``"text"`` from the file name."""
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffix in (".html", ".htm"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    return "text"
