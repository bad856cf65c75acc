"""The worker side of library indexing: read, hash and clean source files.

Everything here runs either in the main process (small batches) or in a
process-pool worker (large batches), so it takes and returns only plain,
picklable values: a worker reads the file, hashes it, cleans it and
serialises the article to JSON; the main process only writes the results to
SQLite (see :meth:`tui.core.library.Library.scan`).

A result is a tuple whose first item says what happened:

- ``("same", path, size, mtime_ns, hash)``: the bytes hash to the hash
  already stored, so the article was *not* re-cleaned (only size and mtime
  need updating);
- ``("ok", path, size, mtime_ns, hash, cleaner_version, title, dek, outlet,
  author, section, published, dateline, words, doc_json, kinds, texts)`` with
  ``kinds`` and ``texts`` the body blocks' (two lists) and ``doc_json``
  the rest of the article (:func:`doc_json`: the blocks' texts are stored
  once, as the paragraphs, not a second time in the doc);
- ``("error", path, size, mtime_ns, hash_or_None, cleaner_version, reason)``.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Sequence

#: Reason given when the cleaner itself raised (a bug, not a bad file).
CLEANER_CRASH = "cleaner error"


def ingest_file(path: str, known_hash: str | None = None,
                walked: tuple[int, int, bool] | None = None) -> tuple:
    """Read, hash and clean one file; never raises for a bad file.

    *walked*: ``(size, mtime_ns, is_regular)`` from the caller's stat of
    *path* a moment ago (the library walk): a regular file is not stat'ed
    again before it is opened. The size and mtime stored are those of the
    open descriptor (``fstat``, which also re-checks the type), i.e. of the
    bytes read; for a file that cannot be read at all, the walk's (so it is
    not retried until it changes).
    """
    from tui.core import clean as cleaner
    from tui.core.model import ArticleError
    from tui.core.textio import MAX_BYTES, bytes_to_text, kind_of, read_regular_file, truncation_note

    version = cleaner.CLEANER_VERSION
    size, mtime, regular = walked if walked is not None else (None, None, False)
    digest = None
    try:
        data, truncated, st = read_regular_file(path, prechecked=regular)
        size, mtime = st.st_size, st.st_mtime_ns
        digest = file_hash(data)
        if known_hash is not None and digest == known_hash:
            return ("same", path, size, mtime, digest)
        # "empty" / "binary" checks, then decoding (also "empty" when only a
        # BOM, whitespace or escape codes were there) -- textio.bytes_to_text
        text = bytes_to_text(data, path)
        del data
        art = cleaner.clean(text, kind=kind_of(path), name=path)
        del text
        if truncated:
            art.notes.append(truncation_note(MAX_BYTES, size))
    except ArticleError as e:
        return ("error", path, size, mtime, digest, version, e.reason)
    except MemoryError:
        return ("error", path, size, mtime, digest, version, "too large to clean")
    except Exception as e:  # noqa: BLE001 - one bad file must not stop an ingest
        return ("error", path, size, mtime, digest, version,
                f"{CLEANER_CRASH}: {type(e).__name__}: {str(e)[:200]}")
    blocks = art.blocks
    texts = [b.text for b in blocks]
    return ("ok", path, size, mtime, digest, version, art.title or os.path.basename(path), art.dek,
            art.outlet, art.author, art.section, art.published, art.dateline, word_count(texts),
            doc_json(art), [b.kind for b in blocks], texts)


def word_count(texts: list[str]) -> int:
    """``Article.word_count()`` (``str.split()`` words) of blocks with these
    texts, without making a string per word when it can: in text whose only
    whitespace is single spaces (or line ends), the words are the spaces plus
    one. (Every whitespace character but the space is unprintable, so
    ``isprintable`` rules the others out.)"""
    s = " ".join(texts)
    if "\n" in s:
        s = s.replace("\n", " ")
    if s.isprintable() and "  " not in s:
        return s.count(" ") + 1 - s.startswith(" ") - s.endswith(" ") if s else 0
    return len(s.split())


#: ``"v"`` of a doc written by :func:`doc_json` (docs without it are
#: ``Article.to_dict()`` JSON, blocks included: rows written before).
DOC_FORMAT = 2


def doc_json(art) -> str:
    """The article minus its blocks' kinds and texts, as compact JSON.

    The blocks' texts are the ``paragraphs`` rows (stored anyway, for
    search); the doc keeps the rest: ``{"v": 2}`` plus the metadata fields
    by name, each block's other fields as a list (``[start_line, end_line,
    level]``), each removed block's fields as a list (``[text, reason,
    start_line, end_line]``), and the notes.
    :func:`tui.core.library.load_doc` puts the article back together.
    """
    meta, block, removed = _doc_getters()
    d = dict(zip(meta[0], meta[1](art)))
    d["v"] = DOC_FORMAT
    d["blocks"] = list(map(block, art.blocks))
    d["removed"] = list(map(removed, art.removed))
    return json.dumps(d, ensure_ascii=False, separators=(",", ":"))


@cache
def _doc_getters() -> tuple:
    """``((names, getter), block_getter, removed_getter)``: the Article's
    fields but ``blocks``/``removed``; the Block's but ``kind``/``text``, in
    order; the Removed's, in order (``operator.attrgetter``: tuples made in C)."""
    from dataclasses import fields
    from operator import attrgetter

    from tui.core.model import Article, Block, Removed

    meta = tuple(f.name for f in fields(Article) if f.name not in ("blocks", "removed"))
    return ((meta, attrgetter(*meta)),
            attrgetter(*(f.name for f in fields(Block) if f.name not in ("kind", "text"))),
            attrgetter(*(f.name for f in fields(Removed))))


def ingest_chunk(items: Sequence[tuple]) -> list[tuple]:
    """:func:`ingest_file` over ``(path, known_hash[, walked])`` tuples (a pool task)."""
    return [ingest_file(*item) for item in items]


def file_hash(data: bytes) -> str:
    import hashlib

    return hashlib.sha1(data).hexdigest()

