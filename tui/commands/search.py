"""``copydesk search QUERY [--passages] [--limit N] [--format text|json] [PATH ...] [--home DIR]``

Searches article titles (with outlet and author), or with ``--passages``
every paragraph, typo-tolerant and word-aware. Default library: the bundled
articles. Small inputs (up to :data:`DIRECT_LIMIT` files, no ``--home``)
are cleaned directly; bigger ones, or any with ``--home``, go through the
library database (indexing new and changed files first, like
``copydesk index``), and the search index is saved in the home and reused
while the library is unchanged. Search never creates a home: with a missing
``--home`` a small library is searched directly, a bigger one ends with a
one-line error (``copydesk index`` or the reader creates the home).

``--format json`` prints one JSON object per result per line, best first:
``path``, ``title``, ``score`` (0-100), ``outlet``, and for passages
``paragraph`` (block index) and ``passage`` (its text).

Exit status: 0 with results, 1 when nothing matched, 2 for a usage mistake.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tui.cli import UsageError
from tui.commands.read import open_home, printable, resolve_roots

DIRECT_LIMIT = 300


def _home_exists(home: str) -> bool:
    """A home with a database in it (search does not create one)."""
    from tui.core.db import DB_NAME, resolve_home

    return (resolve_home(home) / DB_NAME).is_file()


def build_index(roots: list[Path], home: str | None):
    """A SearchIndex over the articles under *roots*."""
    from tui.core.db import resolve_home
    from tui.core.library import iter_article_files

    skipped: list[tuple[str, str]] = []
    # (the home's own files, e.g. marks exports, are not articles: the
    # library leaves them out, and so does the direct search below)
    files = list(iter_article_files(roots, skipped, home=resolve_home(home)))
    if not files:
        raise UsageError("no readable articles (.txt, .md, .html) in "
                         + ", ".join(str(r) for r in roots))
    if len(files) <= DIRECT_LIMIT and (home is None or not _home_exists(home)):
        # Small enough to clean here; a missing --home is not created.
        from tui.core.clean import clean_file
        from tui.core.model import ArticleError

        from tui.core.search import SearchIndex

        items = []
        for f in files:
            try:
                items.append((str(f), clean_file(f)))
            except ArticleError as e:
                print(f"copydesk: skipped {printable(str(f))}: {printable(e.reason)}", file=sys.stderr)
        return SearchIndex.from_articles(items)
    from tui.core.db import DatabaseError
    from tui.core.library import Library
    from tui.core.search import library_index

    db = open_home(home, create=False)
    try:
        lib = Library(db, roots)
        if not db.read_only:
            lib.scan()
        paths = [e.path for e in lib.entries() if e.ok]
        # Loaded from the home's saved index when current, else built and saved.
        return library_index(str(db.path), paths, save=not db.read_only)
    except DatabaseError as e:  # locked by another program, disk full...
        raise UsageError(str(e)) from e
    finally:
        db.close()


def run(args) -> int:
    query = " ".join(printable(args.query).split())
    if not query:
        raise UsageError("empty search query")
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    from tui.core.search import query_words

    if not query_words(query):
        raise UsageError(f"nothing to search for in {query!r} (no words or numbers)")
    ix = build_index(resolve_roots(args.paths, args.home), args.home)
    out = sys.stdout
    if args.passages:
        hits = ix.search_passages(query, limit=args.limit, prefix_last=False)
        for h in hits:
            if args.format == "json":
                out.write(json.dumps({"path": h.path, "title": h.title, "outlet": h.outlet,
                                      "score": h.score, "paragraph": h.paragraph,
                                      "passage": h.passage}, ensure_ascii=False) + "\n")
            else:
                snippet, _ = h.snippet(200)
                src = printable(h.title) + (f" — {printable(h.outlet)}" if h.outlet else "")
                out.write(f"{h.score:5.1f}  {printable(h.path)} ¶{h.paragraph}  {src}\n"
                          f"       {printable(snippet)}\n")
    else:
        hits = ix.search_titles(query, limit=args.limit)
        for h in hits:
            if args.format == "json":
                out.write(json.dumps({"path": h.path, "title": h.title, "outlet": h.outlet,
                                      "author": h.author, "score": h.score},
                                     ensure_ascii=False) + "\n")
            else:
                meta = " · ".join(printable(x) for x in (h.outlet, h.author) if x)
                out.write(f"{h.score:5.1f}  {printable(h.title)}" + (f"  ({meta})" if meta else "")
                          + f"\n       {printable(h.path)}\n")
    if not hits:
        print(f"copydesk: no matches for {query!r}", file=sys.stderr)
        return 1
    return 0
