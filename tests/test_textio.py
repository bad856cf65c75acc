"""tui/core/textio.py: decoding, control stripping, capped reading, binary
detection, non-regular files; hypothesis fuzzing of decode/strip_controls."""

from __future__ import annotations

import os
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core import textio
from tui.core.model import ArticleError
from tui.core.textio import (MAX_BYTES, bytes_to_text, decode, looks_binary, read_article_bytes,
                             read_article_text, strip_controls)

sys.path.insert(0, str(Path(__file__).parent))
import hostile  # noqa: E402

CAFE = "café naïve – “quotes”"


def no_controls(s: str) -> bool:
    """No Cc character except \\n and \\t, and no lone surrogate."""
    return all(ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs") for ch in s)


# -- decoding ---------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    CAFE.encode("utf-8"),
    b"\xef\xbb\xbf" + CAFE.encode("utf-8"),
    b"\xff\xfe" + CAFE.encode("utf-16-le"),
    b"\xfe\xff" + CAFE.encode("utf-16-be"),
    b"\xff\xfe\x00\x00" + CAFE.encode("utf-32-le"),
    CAFE.encode("cp1252"),
], ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf32le-bom", "cp1252"])
def test_decode_encodings(data):
    assert decode(data) == CAFE


@pytest.mark.parametrize("text,enc", [
    ("Ça va? Où est la bibliothèque? Voilà l'été à côté.", "latin-1"),
    ("Le café est très bon. Naïve élève, «guillemets» — à côté.", "cp1252"),
    ("Straße über Öl – Grüße aus Köln, sagt der Bäcker.", "cp1252"),
    ("Señor Muñoz pidió un café en la estación… ¿Qué más?", "cp1252"),
    ("Zażółć gęślą jaźń. Pchnąć w tę łódź jeża lub ośm skrzyń fig.", "cp1250"),
    ("Příliš žluťoučký kůň úpěl ďábelské ódy.", "cp1250"),
    ("Привет, как дела? Это проверка кодировки текста.", "cp1251"),
    ("Привет, как дела? Это проверка кодировки текста.", "koi8-r"),
    ("Καλημέρα κόσμε, αυτό είναι ένα τεστ κωδικοποίησης.", "cp1253"),
    ("日本語のテキストです。これはテストです。", "shift_jis"),
    ("中文文本测试，这是一个测试。", "gb18030"),
    ("한국어 텍스트 테스트입니다.", "euc-kr"),
    ("The price is 5€ or £4 — “cheap”, isn’t it?", "cp1252"),
])
# Known limit: Hungarian (cp1250 ő/ű) and Turkish (cp1254 ğ/ş/ı) bytes also
# read as plausible cp1252 (õ/û, ð/þ/ý) and short texts come out as cp1252.
def test_decode_legacy_encodings_detected(text, enc):
    assert decode(text.encode(enc)) == text


def test_decode_bomless_utf16():
    text = "A BOM-less UTF-16 article about the council meeting.\nSecond line."
    assert decode(text.encode("utf-16-le")) == text
    assert decode(text.encode("utf-16-be")) == text
    assert not looks_binary(text.encode("utf-16-le"))


def test_line_ends_normalised():
    assert decode(b"a\r\nb\rc\nd\r\n\r\ne") == "a\nb\nc\nd\n\ne"
    assert decode("a\r\nb".encode("utf-16")) == "a\nb"
    assert decode("a\u2028b\u2029c".encode()) == "a\nb\nc"


def test_nul_bytes_removed_text_kept():
    data = b"Some\x00 text\x00 with NULs " * 20
    assert not looks_binary(data)
    out = bytes_to_text(data)
    assert "\x00" not in out
    assert out.startswith("Some text with NULs")


def test_invalid_sequences_replaced_rest_intact():
    data = CAFE.encode() + b" bad \xff\xfe\xc3 bytes " + "表意文字 naïve".encode()
    out = decode(data)
    assert out.startswith(CAFE)
    assert out.endswith(" bytes 表意文字 naïve")
    assert "\ufffd" in out


def test_rtl_combining_emoji_wide_preserved():
    text = "שלום עולם مرحبا e\u0301 n\u0303 Z\u0351\u0352 👩‍👩‍👧‍👦 🇫🇷 表意文字 ｆｕｌｌ \u200f\u202b"
    assert decode(text.encode()) == text
    assert strip_controls(text) == text


# -- control sequences ---------------------------------------------------------------

@pytest.mark.parametrize("seq", hostile.CONTROLS, ids=lambda s: repr(s)[:18])
def test_escape_sequences_removed_whole(seq):
    out = strip_controls(f"before {seq} after")
    assert out.startswith("before ") and out.endswith(" after")
    assert no_controls(out)
    for payload in ("pwned", "cm0gLXJmIH4K", "c1-title", "31m", "etc/passwd", "#0;2"):
        assert payload not in out, (seq, out)


def test_visible_text_of_escapes_kept():
    assert strip_controls(hostile.CSI_COLOUR) == "RED"
    assert strip_controls(hostile.OSC8) == "hyperlink"


def test_unterminated_string_sequence_stops_at_line_end():
    out = strip_controls("title \x1b]0;never terminated\nnext line survives\n\x1bPdcs\nand this")
    assert out == "title \nnext line survives\n\nand this"


def test_c0_c1_controls_removed_tab_newline_kept():
    introducers = "\x1b\x90\x98\x9b\x9d\x9e\x9f"  # start sequences: tested below
    raw = "".join(chr(c) for c in [*range(0x20), 0x7f, *range(0x80, 0xA0)] if chr(c) not in introducers)
    assert strip_controls("a" + raw + "b") == "a\t\nb"
    for ch in introducers:
        out = strip_controls(f"a{ch}\nb")
        assert out == "a\nb", repr(ch)


def test_strip_controls_identity_on_clean_text():
    s = "Plain text, with punctuation — and “quotes”.\n\tIndented."
    assert strip_controls(s) is s or strip_controls(s) == s
    assert strip_controls("") == ""


# -- files: empty, binary, not regular -------------------------------------------------

@pytest.mark.parametrize("data", [b"", b"   ", b" \n\t\r\n ", b"\xef\xbb\xbf", b"\xff\xfe \x00\n\x00",
                                  b"\x1b[2J\x1b]0;t\x07\n", "\u00a0\u3000\n".encode()])
def test_empty_and_whitespace(tmp_path, data):
    p = tmp_path / "e.txt"
    p.write_bytes(data)
    with pytest.raises(ArticleError) as ei:
        read_article_text(p)
    assert ei.value.reason == "empty"


@pytest.mark.parametrize("maker", ["png", "zip", "gzip", "random", "elf", "nuls"])
def test_binary(tmp_path, maker):
    import gzip
    import random

    data = {
        "png": hostile._png, "zip": hostile._zip,
        "gzip": lambda: gzip.compress(b"text " * 1000),
        "random": lambda: random.Random(3).randbytes(4096),
        "elf": lambda: b"\x7fELF\x02\x01\x01" + bytes(100),
        "nuls": lambda: b"abc" + bytes(1000),
    }[maker]()
    assert looks_binary(data)
    p = tmp_path / f"{maker}.txt"
    p.write_bytes(data)
    with pytest.raises(ArticleError) as ei:
        read_article_text(p)
    assert ei.value.reason == "binary"


def test_ansi_coloured_text_is_not_binary():
    data = ("\x1b[1;31mError\x1b[0m: \x1b[32mok\x1b[0m\n" * 50).encode()
    assert not looks_binary(data)
    assert bytes_to_text(data).startswith("Error: ok\n")


def test_text_starting_like_a_format_name_is_text():
    for s in ("MZ is a name.", "RIFF tensions grow.", "ID3 tags explained.", "BZh what"):
        assert not looks_binary(s.encode())


def _call_with_timeout(fn, timeout=5.0):
    return hostile.call_bounded(fn, timeout)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_never_opened(tmp_path, monkeypatch):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    opened = []
    real_open = os.open
    monkeypatch.setattr(textio.os, "open", lambda p, *a, **k: opened.append(p) or real_open(p, *a, **k))
    res = _call_with_timeout(lambda: read_article_text(fifo))
    assert isinstance(res.get("error"), ArticleError)
    assert res["error"].reason == "not a regular file"
    assert opened == []  # decided from stat; the FIFO was never opened


@pytest.mark.parametrize("dev", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_device_never_read(tmp_path, dev):
    if not os.path.exists(dev):
        pytest.skip(f"{dev} missing")
    link = tmp_path / "dev.txt"
    link.symlink_to(dev)
    for p in (dev, link):
        res = _call_with_timeout(lambda p=p: read_article_bytes(p))
        assert res["error"].reason == "not a regular file"


def test_swapped_for_fifo_after_stat_does_not_block(tmp_path, monkeypatch):
    """Race: stat says regular, then the path becomes a FIFO. The open is
    non-blocking and the descriptor is checked again."""
    p = tmp_path / "swap.txt"
    p.write_text("x")
    real_stat = os.stat
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def fake_stat(path, *a, **k):
        st = real_stat(p)
        os.replace(fifo, p)
        return st

    monkeypatch.setattr(textio.os, "stat", fake_stat)
    res = _call_with_timeout(lambda: read_article_bytes(p))
    assert res["error"].reason == "not a regular file"


def test_directory_dangling_loop(tmp_path):
    (tmp_path / "d.txt").mkdir()
    (tmp_path / "dangling.txt").symlink_to("nowhere")
    (tmp_path / "a.txt").symlink_to("b.txt")
    (tmp_path / "b.txt").symlink_to("a.txt")
    reasons = {}
    for name in ("d.txt", "dangling.txt", "a.txt", "missing.txt"):
        with pytest.raises(ArticleError) as ei:
            read_article_bytes(tmp_path / name)
        reasons[name] = ei.value.reason
    assert reasons == {"d.txt": "is a directory", "dangling.txt": "dangling symlink",
                       "a.txt": "symlink loop", "missing.txt": "not found"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_permission_denied(tmp_path):
    p = tmp_path / "locked.txt"
    p.write_text("secret")
    p.chmod(0)
    with pytest.raises(ArticleError) as ei:
        read_article_bytes(p)
    assert ei.value.reason == "permission denied"


# -- large files: bounded reads and memory ------------------------------------------------

def test_capped_read_counts_bytes(tmp_path, monkeypatch):
    """A 50 MB file: at most MAX_BYTES (+1 to detect the rest) is ever read,
    and a note says the rest was not read."""
    p = tmp_path / "big.txt"
    line = b"The quick brown fox jumps over the lazy dog.\n"
    with open(p, "wb") as f:
        f.write(line * (50 * 1024 * 1024 // len(line) + 1))
    read = []
    real_read = os.read
    monkeypatch.setattr(textio.os, "read", lambda fd, n: read.append(n) or real_read(fd, n))
    (text, notes), peak = hostile.peak_memory(lambda: read_article_text(p))
    assert sum(read) <= MAX_BYTES + 1
    assert len(text) <= MAX_BYTES
    assert text.endswith("lazy dog.\n")  # cut at a line end, not mid-line
    assert len(notes) == 1 and "8 MB" in notes[0] and "50 MB" in notes[0]
    # bytes + one decoded copy + slack: a few times the cap, not the file size
    assert peak < 5 * MAX_BYTES, peak


@pytest.mark.parametrize("shape", ["single-line", "many-lines"])
def test_long_line_and_many_lines(tmp_path, shape):
    p = tmp_path / f"{shape}.txt"
    if shape == "single-line":
        p.write_text("word " * (5 * 1024 * 1024 // 5))
    else:
        p.write_text("".join(f"line {i}\n" for i in range(400_000)))
    (text, notes), peak = hostile.peak_memory(lambda: read_article_text(p))
    assert notes == []
    assert peak < 4 * p.stat().st_size + 1024 * 1024
    if shape == "many-lines":
        assert text.count("\n") == 400_000 and text.endswith("line 399999\n")
    else:
        assert len(text) == p.stat().st_size


@pytest.mark.parametrize("data,enc", [
    ("é" * 100, "utf-8"), ("表" * 100, "utf-8"), ("👩" * 100, "utf-8"),
    ("é" * 100, "utf-16"), ("é" * 100, "utf-32"),
])
def test_truncation_never_splits_a_character(tmp_path, data, enc):
    p = tmp_path / "t.txt"
    raw = data.encode(enc)
    p.write_bytes(raw)
    for cap in range(8, 40):
        got, truncated = read_article_bytes(p, max_bytes=cap)
        assert truncated and len(got) <= cap
        out = decode(got)
        assert "\ufffd" not in out and set(out) <= set(data), (cap, got)


def test_truncation_note_small_cap(tmp_path):
    p = tmp_path / "t.txt"
    p.write_text("hello world\n" * 1000)
    text, notes = read_article_text(p, max_bytes=1000)
    assert text.endswith("hello world\n") and len(text) <= 1000
    assert notes and "1000 bytes" in notes[0] and "11 KB" in notes[0]


def test_hostile_folder_read_directly(tmp_path):
    m = hostile.build_hostile(tmp_path, big=False)
    for name, exp in m.files.items():
        p = tmp_path / name
        if exp.status == "ok":
            text, _ = read_article_text(p)
            assert no_controls(text), name
            for w in exp.words:
                assert w in text, (name, w)
        elif exp.status == "error" or (name != "dir.txt" and not exp.reason.startswith("file name")):
            with pytest.raises(ArticleError) as ei:
                read_article_text(p)
            assert ei.value.reason == exp.reason, name


def test_no_control_payloads_survive_in_hostile_ansi_file(tmp_path):
    m = hostile.build_hostile(tmp_path, big=False, fifo=False)
    assert m.files["ctl/ansi.txt"].status == "ok"
    text, _ = read_article_text(tmp_path / "ctl" / "ansi.txt")
    for payload in ("pwned", "cm0gLXJmIH4K", "c1-title", "\x1b", "\x9b"):
        assert payload not in text


# -- hypothesis fuzzing ------------------------------------------------------------------

FUZZ = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_pieces = st.one_of(
    st.binary(max_size=40),
    st.sampled_from([b"\x1b[", b"\x1b]", b"\x1bP", b"\x07", b"\x1b\\", b"\xc2\x9b", b"\xc2\x9d",
                     b"\r\n", b"\r", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xe2\x80\xa8"]),
    st.text(max_size=20).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.text(alphabet="àéïõüçß–“”€ abc\n", max_size=20).map(lambda s: s.encode("cp1252")),
)
fuzz_bytes = st.lists(_pieces, max_size=12).map(b"".join)
fuzz_text = st.lists(st.one_of(st.text(max_size=30), st.sampled_from(
    hostile.CONTROLS + ["\x1b", "\x9b", "\x9d", "\x1b]0;", "\x1bP", "\ud800", "\r", "\x00"])), max_size=10).map("".join)


@FUZZ
@given(fuzz_bytes)
def test_fuzz_decode(data):
    out = decode(data)
    assert isinstance(out, str)
    assert no_controls(out)
    assert "\r" not in out
    out.encode("utf-8")  # no lone surrogates
    assert strip_controls(out) == out
    looks_binary(data)  # never raises


@FUZZ
@given(fuzz_text)
def test_fuzz_strip_controls(s):
    out = strip_controls(s)
    assert no_controls(out)
    assert strip_controls(out) == out
    # only removes: every kept character comes from the input, in order
    it = iter(s)
    assert all(ch in it for ch in out)


@FUZZ
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\ufeff")))
def test_fuzz_utf8_roundtrip(s):
    expected = strip_controls(s.replace("\u2028", "\n").replace("\u2029", "\n"))
    assert decode(s.encode("utf-8")) == expected


@FUZZ
@given(st.binary(max_size=300), st.integers(1, 400))
def test_fuzz_capped_read(tmp_path_factory, data, cap):
    p = tmp_path_factory.getbasetemp() / "fuzz.txt"
    p.write_bytes(data)
    got, truncated = read_article_bytes(p, max_bytes=cap)
    assert len(got) <= cap
    assert truncated == (len(data) > cap)
    assert data.startswith(got)
    try:
        text = bytes_to_text(got)
    except ArticleError as e:
        assert e.reason in ("empty", "binary")
    else:
        assert text.strip() and no_controls(text)


def test_sparse_huge_files(tmp_path):
    """A 20 GB sparse file (all zeros) is binary, found from its first 8 MB;
    one that starts with text is read in part with a note."""
    zeros = tmp_path / "zeros.txt"
    with open(zeros, "wb") as f:
        f.truncate(20 * 1024**3)
    with pytest.raises(ArticleError) as ei:
        read_article_text(zeros)
    assert ei.value.reason == "binary"
    texty = tmp_path / "texty.txt"
    with open(texty, "wb") as f:
        f.write(("A line of text in a huge file.\n" * 400_000).encode())
        f.truncate(20 * 1024**3)
    text, notes = read_article_text(texty)
    assert text.startswith("A line of text") and "\x00" not in text
    assert notes and "8 MB of 20 GB" in notes[0]


def test_16bit_binary_is_not_taken_for_utf16():
    """Audio samples have a zero every other byte like BOM-less UTF-16 of
    Latin text; they decode to controls and specials, so they are binary."""
    import math
    import random
    import struct

    rng = random.Random(1)
    pcm = b"".join(struct.pack("<h", int(40 * math.sin(i / 10)) + rng.randint(-5, 5))
                   for i in range(20000))
    wav = (b"RIFF" + struct.pack("<I", 36 + len(pcm)) + b"WAVEfmt "
           + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16) + b"data"
           + struct.pack("<I", len(pcm)) + pcm)
    assert looks_binary(wav) and looks_binary(pcm)
    text = "A BOM-less UTF-16 article, café naïve – “quotes”.\nSecond line.\n" * 50
    assert not looks_binary(text.encode("utf-16-le")) and not looks_binary(text.encode("utf-16-be"))


def test_read_sizes_follow_the_file_not_a_fixed_buffer(tmp_path, monkeypatch):
    """A file is read in one call sized by its fstat (plus the end-of-file
    probe), and a file that grew after the fstat is still read to its end."""
    p = tmp_path / "a.txt"
    p.write_bytes(b"x" * 9000)
    sizes = []
    real_read = os.read
    monkeypatch.setattr(textio.os, "read", lambda fd, n: sizes.append(n) or real_read(fd, n))
    data, truncated = textio.read_article_bytes(p)
    assert (len(data), truncated) == (9000, False)
    assert sizes[0] == 9001 and max(sizes) < 100_000
    real_fstat = os.fstat

    def stale_fstat(fd):  # as if the file grew by 200 KB after the fstat
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid,
                               st.st_gid, 10, st.st_atime, st.st_mtime, st.st_ctime))

    p.write_bytes(b"y" * 200_000)
    monkeypatch.setattr(textio.os, "fstat", stale_fstat)
    data, truncated = textio.read_article_bytes(p)
    assert data == b"y" * 200_000 and not truncated
