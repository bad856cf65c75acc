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
  author, section, published, dateline, words, doc_json, paragraphs)`` with
  ``paragraphs`` a list of ``(kind, text)``;
- ``("error", path, size, mtime_ns, hash_or_None, cleaner_version, reason)``.
"""

from __future__ import annotations

import json
import os
from typing import Sequence

#: Reason given when the cleaner itself raised (a bug, not a bad file).
CLEANER_CRASH = "cleaner error"


def ingest_file(path: str, known_hash: str | None = None) -> tuple:
    """Read, hash and clean one file; never raises for a bad file."""
    from tui.core import clean as cleaner
    from tui.core.model import ArticleError
    from tui.core.textio import (MAX_BYTES, _reason, bytes_to_text, kind_of, read_article_bytes,
                                 truncation_note)

    version = cleaner.CLEANER_VERSION
    try:
        st = os.stat(path)
        size, mtime = st.st_size, st.st_mtime_ns
    except OSError as e:
        return ("error", path, None, None, None, version, _reason(e, "cannot stat"))
    digest = None
    try:
        data, truncated = read_article_bytes(path)
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
    doc = json.dumps(doc_dict(art), ensure_ascii=False, separators=(",", ":"))
    paragraphs = [(b.kind, b.text) for b in art.blocks]
    return ("ok", path, size, mtime, digest, version, art.title or os.path.basename(path), art.dek,
            art.outlet, art.author, art.section, art.published, art.dateline, art.word_count(),
            doc, paragraphs)


_FIELDS: dict[type, tuple[str, ...]] = {}


def _names(obj) -> tuple[str, ...]:
    t = type(obj)
    names = _FIELDS.get(t)
    if names is None:
        import dataclasses

        names = _FIELDS[t] = tuple(f.name for f in dataclasses.fields(obj))
    return names


def doc_dict(art) -> dict:
    """``art.to_dict()`` (what :meth:`Article.from_dict` reads), without
    ``dataclasses.asdict``'s deep copies: twice as fast on big articles."""
    d = {}
    for name in _names(art):
        v = getattr(art, name)
        if isinstance(v, list) and v and hasattr(v[0], "__dataclass_fields__"):
            v = [{n: getattr(x, n) for n in _names(x)} for x in v]
        d[name] = v
    return d


def ingest_chunk(items: Sequence[tuple[str, str | None]]) -> list[tuple]:
    """:func:`ingest_file` over ``(path, known_hash)`` pairs (a pool task)."""
    return [ingest_file(p, h) for p, h in items]


def file_hash(data: bytes) -> str:
    import hashlib

    return hashlib.sha1(data).hexdigest()

