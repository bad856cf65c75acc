"""Search: titles, passages, and the same passage in other sources.

Pure core (no textual). Heavy: imports numpy and rapidfuzz at module level,
so the app imports this module only in its search worker, never at start-up.

How it works
------------
Text is split into word tokens, folded (lower case, accents removed, digit
group commas dropped) and reduced by a light stemmer (``prepares``,
``prepared``, ``preparing`` -> ``prepar``), giving the *terms*.

A :class:`TermIndex` maps terms to the units containing them (compressed
sparse rows in numpy arrays: one int32 per term occurrence-in-unit) and
keeps a padded-bigram index of its vocabulary for typo-tolerant look-up:
a query word finds the vocabulary terms equal to it, starting with it (as
you type) or within 1-2 edits (OSA distance, verified with rapidfuzz on the
few candidates the bigram count lets through).

:class:`SearchIndex` holds three term indexes over a library: titles, and
outlet + author (weighted lower), with one unit per article; and body blocks,
one unit per block (stopwords left out), whose texts stay in the database
(:class:`SqliteStore`) or, for small libraries, in memory. Scores are idf-weighted sums of the best
match for each query word; a unit must match every content word of a one- or
two-word query and all but one of a longer one, which keeps results precise
(fzf matches most of a library for any short query). Passage candidates are
re-ranked on their text by how close together the matched words are.

:meth:`SearchIndex.same_passage` ranks the blocks of *other* articles that say
the same thing as a given block: candidates share rare terms (numbers
included), and are scored by idf-weighted overlap (Dice and containment) and
rapidfuzz's ``token_set_ratio``.

Big libraries: :func:`library_index` saves the built index in the copydesk
home (``search-index/``, ``.npy`` arrays, replaced atomically, keyed by
:func:`library_signature`) and later loads it memory-mapped in a fraction of
a second; a stale or damaged saved index is ignored and rebuilt.
"""

from __future__ import annotations

import bisect
import copy
import json
import math
import os
import re
import shutil
from array import array
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol, Sequence

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from tui.core.db import connect_read_only
from tui.core.model import Article

# -- tokens and terms ------------------------------------------------------

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*(?:st|nd|rd|th|s)?|[^\W\d_]+", re.UNICODE)
_NUM_SUFFIX = re.compile(r"(?<=\d)(?:st|nd|rd|th|s)$")

STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself yourselves s t d ll m re ve also said says
""".split())

_SUFFIXES = ("ings", "ing", "edly", "ed", "ies", "es", "s", "ly", "e")


@lru_cache(maxsize=1 << 14)
def fold(token: str) -> str:
    """Lower case, accents removed, digit-group commas dropped."""
    t = token.lower()
    if not t.isascii():
        t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    if t[:1].isdigit():
        t = _NUM_SUFFIX.sub("", t.replace(",", ""))
    return t


@lru_cache(maxsize=1 << 14)
def stem(word: str) -> str:
    """A light, consistent English stemmer for folded words."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suf in _SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            word = word[: -len(suf)]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def term_of(token: str) -> str:
    return stem(fold(token))


def tokens(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, term)`` for every word token of *text*."""
    for m in _TOKEN.finditer(text):
        yield m.start(), m.end(), term_of(m.group())


def query_words(query: str) -> list[str]:
    """The folded words of a query, in order."""
    return [fold(m.group()) for m in _TOKEN.finditer(query)]


def is_stop(word: str) -> bool:
    return word in STOPWORDS


# -- a term index -------------------------------------------------------------

_PAD = "\x02"
#: Postings processed per step while building (bounds temporary memory).
CHUNK = 1 << 20


def _bigrams(term: str) -> set[str]:
    t = _PAD + term + _PAD
    return {t[i:i + 2] for i in range(len(t) - 1)}


def _max_edits(word: str) -> int:
    if word[:1].isdigit() or len(word) < 4:
        return 0
    return 1 if len(word) <= 7 else 2


@dataclass(slots=True)
class Match:
    """A vocabulary term matched by a query word."""

    term: int
    sim: float  # 1.0 exact, < 1 for prefix or typo matches


class TermIndex:
    """Terms -> units (CSR postings) with a typo-tolerant vocabulary."""

    def __init__(self) -> None:
        self.terms: list[str] = []
        self.term_id: dict[str, int] = {}
        self.n_units = 0
        self.df = np.zeros(0, np.int32)
        self.offsets = np.zeros(1, np.int64)
        self.postings = np.zeros(0, np.int32)
        self.unit_len = np.zeros(0, np.float32)
        self.unit_weight = np.zeros(0, np.float32)
        self.unit_terms = np.zeros(0, np.int32)
        self._sorted: list[str] = []
        self._sorted_ids = np.zeros(0, np.int32)
        self._term_len = np.zeros(0, np.int16)
        self._gram_offsets = np.zeros(1, np.int64)
        self._gram_terms = np.zeros(0, np.int32)
        self._gram_id: dict[str, int] = {}
        self._terms_arr = np.zeros(0, object)
        self.stop_ids: set[int] = set()

    # -- building ------------------------------------------------------------

    class Builder:
        def __init__(self, drop_stopwords: bool):
            self.term_id: dict[str, int] = {}
            self.terms: list[str] = []
            self.unit_terms = array("i")
            self.unit_counts = array("i")
            self.unit_len = array("i")
            self.drop = drop_stopwords
            self.stop_tids: set[int] = set()
            #: Distinct terms per unit, and those kept in the postings (no stopwords).
            self.kept_counts = array("i")
            self._raw: dict[str, int] = {}

        def add(self, text: str) -> None:
            """Add one unit (its distinct terms)."""
            toks = _TOKEN.findall(text)
            distinct = set(toks)
            raw = self._raw
            try:
                ids = set(map(raw.__getitem__, distinct))
            except KeyError:
                for tok in distinct:
                    if tok not in raw:
                        t = term_of(tok)
                        tid = self.term_id.get(t)
                        if tid is None:
                            tid = self.term_id[t] = len(self.terms)
                            self.terms.append(t)
                            if self.drop and t in STOPWORDS:
                                self.stop_tids.add(tid)
                        raw[tok] = tid
                ids = set(map(raw.__getitem__, distinct))
            self.unit_counts.append(len(ids))
            if self.stop_tids:
                ids -= self.stop_tids
            self.unit_terms.extend(ids)
            self.kept_counts.append(len(ids))
            self.unit_len.append(len(toks))

        def build(self) -> "TermIndex":
            """The index. Memory-frugal: postings are sorted as packed
            ``term << 32 | unit`` int64 keys in place, built in chunks."""
            ix = TermIndex()
            ix.terms = self.terms
            ix.term_id = self.term_id
            n_terms = len(self.terms)
            ix.n_units = n_units = len(self.unit_counts)
            # Stopwords were left out of the postings as units were added
            # (body index); titles keep them.
            ix.stop_ids = {self.term_id[w] for w in STOPWORDS if w in self.term_id}
            tids = np.frombuffer(self.unit_terms, dtype=np.int32) if self.unit_terms else \
                np.zeros(0, np.int32)
            kept = np.frombuffer(self.kept_counts, dtype=np.int32) if n_units else \
                np.zeros(0, np.int32)
            ustart = np.zeros(n_units + 1, np.int64)
            np.cumsum(kept, out=ustart[1:])
            # Counting sort, a chunk at a time: each chunk's (term, unit) pairs
            # are sorted locally and scattered after those of earlier chunks,
            # so every term's units stay ascending. No full-size temporaries.
            n_post = len(tids)
            counts = np.bincount(tids, minlength=n_terms).astype(np.int64)
            ix.offsets = np.zeros(n_terms + 1, np.int64)
            np.cumsum(counts, out=ix.offsets[1:])
            ix.postings = np.empty(n_post, np.int32)
            fill = ix.offsets[:-1].copy()
            for a in range(0, n_post, CHUNK):
                t = tids[a:a + CHUNK]
                b = a + len(t)
                u = (np.searchsorted(ustart, np.arange(a, b), side="right") - 1).astype(np.int32)
                order = np.argsort(t, kind="stable")
                ts, us = t[order], u[order]
                uniq, first, cnt = np.unique(ts, return_index=True, return_counts=True)
                pos = fill[ts] + (np.arange(len(ts)) - np.repeat(first, cnt))
                ix.postings[pos] = us
                fill[uniq] += cnt
            del tids, fill
            self.unit_terms = array("i")
            self._raw = {}
            df = counts.astype(np.int32)
            if self.drop:
                for t in ix.stop_ids:  # not in the postings: count them as very common
                    df[t] = max(int(df[t]), n_units // 2)
            ix.df = df
            # Sum of the idf of each unit's distinct indexed terms (for overlap scores).
            idf = np.log1p((max(n_units, 1) - df + 0.5) / (df + 0.5))
            weight = np.zeros(n_units, np.float64)
            for a in range(0, n_post, CHUNK):
                b = min(a + CHUNK, n_post)
                t = np.searchsorted(ix.offsets, np.arange(a, b), side="right") - 1
                weight += np.bincount(ix.postings[a:b], weights=idf[t], minlength=n_units)
            ix.unit_weight = weight.astype(np.float32)
            del weight
            ix.unit_terms = np.bincount(ix.postings, minlength=n_units).astype(np.int32)
            ix.unit_len = np.frombuffer(self.unit_len, dtype=np.int32).astype(np.float32) \
                if n_units else np.zeros(0, np.float32)
            ix._build_vocab()
            return ix

    def _build_vocab(self) -> None:
        order = sorted(range(len(self.terms)), key=self.terms.__getitem__)
        self._sorted = [self.terms[i] for i in order]
        self._sorted_ids = np.asarray(order, dtype=np.int32)
        self._term_len = np.fromiter((len(t) for t in self.terms), np.int16, len(self.terms))
        self._terms_arr = np.asarray(self.terms + [""], dtype=object)[:-1]
        gram_id: dict[str, int] = {}
        g_terms: list[int] = []
        g_grams: list[int] = []
        for tid, t in enumerate(self.terms):
            if t[:1].isdigit() or len(t) < 3:
                continue
            for g in _bigrams(t):
                gid = gram_id.get(g)
                if gid is None:
                    gid = gram_id[g] = len(gram_id)
                g_grams.append(gid)
                g_terms.append(tid)
        grams = np.asarray(g_grams, dtype=np.int32)
        terms = np.asarray(g_terms, dtype=np.int32)
        order_g = np.argsort(grams, kind="stable")
        self._gram_terms = terms[order_g]
        self._gram_offsets = np.zeros(len(gram_id) + 1, np.int64)
        np.cumsum(np.bincount(grams, minlength=len(gram_id)), out=self._gram_offsets[1:])
        self._gram_id = gram_id

    _ARRAY_ATTRS = {"df": "df", "offsets": "offsets", "postings": "postings",
                    "unit_len": "unit_len", "unit_weight": "unit_weight", "unit_terms": "unit_terms",
                    "sorted_ids": "_sorted_ids", "term_len": "_term_len",
                    "gram_offsets": "_gram_offsets", "gram_terms": "_gram_terms"}

    def _arrays(self) -> dict[str, np.ndarray]:
        return {k: getattr(self, a) for k, a in self._ARRAY_ATTRS.items()}

    # -- looking up ------------------------------------------------------------

    def units_of(self, tid: int) -> np.ndarray:
        return self.postings[self.offsets[tid]:self.offsets[tid + 1]]

    def idf(self, tid: int) -> float:
        df = int(self.df[tid])
        return math.log(1 + (self.n_units - df + 0.5) / (df + 0.5))

    def nbytes(self) -> int:
        arrays = (self.df, self.offsets, self.postings, self.unit_len, self.unit_weight,
                  self.unit_terms, self._sorted_ids,
                  self._term_len, self._gram_offsets, self._gram_terms)
        strings = sum(49 + len(t) for t in self.terms) * 2  # terms + sorted copy (approx.)
        return sum(a.nbytes for a in arrays) + strings + len(self.terms) * 8 * 3

    def match(self, word: str, *, prefix: bool = False, min_prefix: int = 3,
              max_prefix_terms: int = 64) -> list[Match]:
        """Vocabulary terms matching the folded query *word*."""
        s = stem(word)
        found: dict[int, float] = {}
        tid = self.term_id.get(s)
        if tid is not None:
            found[tid] = 1.0
        if word != s and (tid := self.term_id.get(word)) is not None:
            found[tid] = 1.0
        if prefix and len(word) >= min_prefix:
            lo = bisect.bisect_left(self._sorted, word)
            hi = bisect.bisect_left(self._sorted, word + "\uffff", lo)
            if hi > lo:
                ids = self._sorted_ids[lo:hi]
                if len(ids) > max_prefix_terms:
                    ids = ids[np.argsort(-self.df[ids], kind="stable")[:max_prefix_terms]]
                for t in ids.tolist():
                    if t not in found:
                        found[t] = 0.7 + 0.25 * len(word) / max(len(word), len(self.terms[t]))
        k = _max_edits(s)
        if k:
            for t, d in self._fuzzy(s, k):
                if t not in found:
                    found[t] = 0.85 - 0.15 * d
        return [Match(t, v) for t, v in found.items()]

    def _fuzzy(self, s: str, k: int) -> list[tuple[int, int]]:
        grams = [self._gram_id[g] for g in _bigrams(s) if g in self._gram_id]
        need = max(1, len(_bigrams(s)) - 2 * k)
        if len(grams) < need:
            return []
        parts = [self._gram_terms[self._gram_offsets[g]:self._gram_offsets[g + 1]] for g in grams]
        cand = np.concatenate(parts)
        counts = np.bincount(cand, minlength=len(self.terms))
        ids = np.flatnonzero(counts >= need)
        if not len(ids):
            return []
        ids = ids[np.abs(self._term_len[ids] - len(s)) <= k]
        if not len(ids):
            return []
        words = self._terms_arr[ids].tolist()
        dist = process.cdist([s], words, scorer=OSA.distance, score_cutoff=k, dtype=np.int32)[0]
        ok = np.flatnonzero(dist <= k)
        return [(int(ids[i]), int(dist[i])) for i in ok if dist[i] > 0]


# -- documents and text ---------------------------------------------------------

@dataclass(slots=True)
class Doc:
    """One article as the search index sees it."""

    path: str
    title: str
    outlet: str | None = None
    author: str | None = None
    paragraphs: Sequence[str] = ()
    #: Database id (for fetching paragraph texts from SQLite), if any.
    article_id: int | None = None


def doc_from_article(path: str, art: Article) -> Doc:
    return Doc(path=str(path), title=art.title or "", outlet=art.outlet, author=art.author,
               paragraphs=[b.text for b in art.blocks])


class TextStore(Protocol):
    def text(self, unit: int) -> str: ...

    def texts(self, units: Sequence[int]) -> list[str]: ...


class ListStore:
    """Block texts kept in memory (small libraries)."""

    def __init__(self) -> None:
        self._texts: list[str] = []

    def add(self, text: str) -> None:
        self._texts.append(text)

    def text(self, unit: int) -> str:
        return self._texts[unit]

    def texts(self, units: Sequence[int]) -> list[str]:
        return [self._texts[u] for u in units]


class SqliteStore:
    """Block texts read on demand from the library database's ``paragraphs``."""

    def __init__(self, db_path: str) -> None:
        self.db_path = str(db_path)
        self._local = threading.local()  # one read-only connection per thread
        self._aid = array("q")
        self._idx = array("i")

    def add(self, article_id: int, idx: int) -> None:
        self._aid.append(article_id)
        self._idx.append(idx)

    def key(self, unit: int) -> tuple[int, int]:
        return int(self._aid[unit]), int(self._idx[unit])

    def _db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = connect_read_only(self.db_path)
        return conn

    def text(self, unit: int) -> str:
        aid, idx = self.key(unit)
        row = self._db().execute("SELECT text FROM paragraphs WHERE article_id = ? AND idx = ?",
                                 (aid, idx)).fetchone()
        return row[0] if row else ""

    def texts(self, units: Sequence[int]) -> list[str]:
        """Several texts in one query (primary-key lookups)."""
        if not units:
            return []
        keys = [self.key(u) for u in units]
        values = ",".join("(?,?)" for _ in keys)
        params = [x for k in keys for x in k]
        found = {(a, i): t for a, i, t in self._db().execute(
            f"WITH v(a, i) AS (VALUES {values}) SELECT p.article_id, p.idx, p.text "
            f"FROM v JOIN paragraphs p ON p.article_id = v.a AND p.idx = v.i", params)}
        return [found.get(k, "") for k in keys]


def docs_from_db(db, paths: Iterable[str] | None = None) -> list[Doc]:
    """Docs for the indexed articles (status ok) in a library database,
    restricted to *paths* when given. Paragraph texts are not loaded: build
    with ``SearchIndex.build(docs, db_path=db.path)``."""
    wanted = set(map(str, paths)) if paths is not None else None
    docs = []
    for r in db.execute("SELECT id, path, title, outlet, author FROM articles "
                        "WHERE status = 'ok' ORDER BY id"):
        if wanted is None or r[1] in wanted:
            docs.append(Doc(path=r[1], title=r[2] or "", outlet=r[3], author=r[4], article_id=r[0]))
    return docs


def library_signature(db_path: str, paths: Iterable[str]) -> list:
    """Changes whenever the indexed library does (files added, re-cleaned,
    gone, or other roots)."""
    import hashlib

    conn = connect_read_only(db_path)
    try:
        row = conn.execute("SELECT COUNT(*), COALESCE(MAX(indexed_at), 0), COALESCE(SUM(id), 0), "
                           "COALESCE(SUM(status = 'ok'), 0) FROM articles").fetchone()
    finally:
        conn.close()
    digest = hashlib.sha1("\n".join(sorted(map(str, paths))).encode("utf-8", "replace")).hexdigest()
    return [*row, digest]


def _release_memory() -> None:
    """Give the heap freed by a build back to the OS (glibc; ~25 MB on 10k)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


#: Folder of the saved index, in the copydesk home (next to the database).
INDEX_DIR = "search-index"


#: Articles between two progress reports of :meth:`SearchIndex.build`.
PROGRESS_EVERY = 250


def library_index(db_path: str, paths: Iterable[str], *,
                  on_titles: Callable[["SearchIndex"], None] | None = None,
                  on_progress: Callable[[int, int], None] | None = None,
                  save: bool = True) -> "SearchIndex":
    """The search index of the articles at *paths* in the library database:
    loaded from the home's saved index when it is current, else built (and
    saved for next time when *save*; a read-only home is fine)."""
    paths = list(paths)
    sig = library_signature(db_path, paths)
    folder = Path(db_path).parent / INDEX_DIR
    conn = connect_read_only(db_path)
    try:
        docs = docs_from_db(conn, paths)
    finally:
        conn.close()
    ix = SearchIndex.load(folder, docs, db_path, sig)
    if ix is not None:
        return ix
    ix = SearchIndex.build(docs, db_path=db_path, on_titles=on_titles, on_progress=on_progress)
    _release_memory()
    if save:
        try:
            ix.save(folder, sig)
        except (OSError, ValueError):
            pass  # a read-only or full disk: search still works, just rebuilt next time
    return ix


# -- results ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TitleHit:
    path: str
    title: str
    outlet: str | None
    author: str | None
    score: float
    #: Character indices of the title that matched the query (for highlighting).
    positions: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class PassageHit:
    path: str
    title: str
    outlet: str | None
    paragraph: int       # block index in the article
    score: float
    passage: str         # the block's full text
    #: ``(start, end)`` of matched words in ``passage``.
    spans: tuple[tuple[int, int], ...] = ()

    def snippet(self, width: int = 160) -> tuple[str, tuple[tuple[int, int], ...]]:
        """A window of the passage around the matches, and the spans in it."""
        return make_snippet(self.passage, self.spans, width)


@dataclass(frozen=True, slots=True)
class StoryHit:
    """Another article on the same story."""

    path: str
    title: str
    outlet: str | None
    score: float
    #: How many of the article's telling terms it shares.
    shared: int


def make_snippet(text: str, spans: Sequence[tuple[int, int]], width: int = 160
                 ) -> tuple[str, tuple[tuple[int, int], ...]]:
    if len(text) <= width:
        return text, tuple(spans)
    first = spans[0][0] if spans else 0
    start = max(0, first - width // 4)
    if start:
        sp = text.rfind(" ", 0, start)
        start = sp + 1 if sp >= 0 and start - sp < 20 else start
    end = min(len(text), start + width)
    if end < len(text):
        sp = text.rfind(" ", start, end)
        end = sp if sp > start + width // 2 else end
    pre = "…" if start else ""
    post = "…" if end < len(text) else ""
    shift = len(pre) - start
    out = tuple((a + shift, b + shift) for a, b in spans if a >= start and b <= end)
    return pre + text[start:end] + post, out


# -- the library index --------------------------------------------------------------

#: Version of the saved index layout (:meth:`SearchIndex.save`). 2: term
#: lists in ``*.terms``, not ``*.terms.txt`` (a home inside a library root
#: had them listed as articles).
INDEX_FORMAT = 2
META_WEIGHT = 0.7
#: Passage candidates re-ranked on their text (best term score first).
RERANK = 120
FETCH_BATCH = 24


class SearchIndex:
    """Title and passage indexes over a library of :class:`Doc`."""

    def __init__(self) -> None:
        self.docs: list[Doc] = []
        self.path_doc: dict[str, int] = {}
        self.titles: TermIndex = TermIndex()
        self.meta: TermIndex = TermIndex()
        self.body: TermIndex = TermIndex()
        self.unit_doc = np.zeros(0, np.int32)
        self.unit_idx = np.zeros(0, np.int32)
        self.doc_first = np.zeros(1, np.int64)
        self.store: TextStore = ListStore()
        #: How many units matched the last title or passage query (before the limit).
        self.last_matches = 0
        #: False for the titles-only index handed out while paragraphs are indexed.
        self.passages_ready = True

    # -- building --------------------------------------------------------------

    @classmethod
    def build(cls, docs: Iterable[Doc], *, db_path: str | None = None,
              on_titles: Callable[["SearchIndex"], None] | None = None,
              on_progress: Callable[[int, int], None] | None = None) -> "SearchIndex":
        """Index *docs*. With *db_path*, paragraph texts are read from that
        database's ``paragraphs`` table (docs from :func:`docs_from_db`).

        Titles are indexed first (fast); *on_titles*, if given, then gets a
        titles-only index (``passages_ready`` false) to use while the
        paragraphs are indexed. *on_progress(done, total)* is called as the
        articles' paragraphs are indexed (every :data:`PROGRESS_EVERY`
        articles, and once at the end)."""
        ix = cls()
        docs = list(docs)
        if db_path is not None:
            # One scan of the clustered primary key, docs in article-id order.
            docs.sort(key=lambda d: (d.article_id is None, d.article_id or 0))
        tb = TermIndex.Builder(drop_stopwords=False)
        mb = TermIndex.Builder(drop_stopwords=False)
        for di, d in enumerate(docs):
            ix.docs.append(d)
            ix.path_doc[d.path] = di
            tb.add(d.title)
            mb.add(" ".join(x for x in (d.outlet, d.author) if x))
        ix.titles, ix.meta = tb.build(), mb.build()
        if on_titles is not None:
            partial = copy.copy(ix)
            partial.passages_ready = False
            on_titles(partial)
        bb = TermIndex.Builder(drop_stopwords=True)
        unit_doc = array("i")
        unit_idx = array("i")
        first = array("q", [0])
        store: ListStore | SqliteStore
        if db_path is not None:
            store = SqliteStore(db_path)
            conn = connect_read_only(db_path)
            try:
                rows = iter(conn.execute("SELECT article_id, idx, text FROM paragraphs "
                                         "ORDER BY article_id, idx"))
                pending: tuple[int, int, str] | None = next(rows, None)
                for di, d in enumerate(docs):
                    if on_progress is not None and di % PROGRESS_EVERY == 0:
                        on_progress(di, len(docs))
                    aid = d.article_id
                    if aid is not None:
                        while pending is not None and pending[0] < aid:
                            pending = next(rows, None)
                        while pending is not None and pending[0] == aid:
                            _, idx, text = pending
                            bb.add(text)
                            store.add(aid, idx)
                            unit_doc.append(di)
                            unit_idx.append(idx)
                            pending = next(rows, None)
                    first.append(len(unit_doc))
            finally:
                conn.close()
        else:
            store = ListStore()
            for di, d in enumerate(docs):
                if on_progress is not None and di % PROGRESS_EVERY == 0:
                    on_progress(di, len(docs))
                for idx, text in enumerate(d.paragraphs):
                    bb.add(text)
                    store.add(text)
                    unit_doc.append(di)
                    unit_idx.append(idx)
                first.append(len(unit_doc))
        if on_progress is not None:
            on_progress(len(docs), len(docs))
        ix.body = bb.build()
        ix.unit_doc = np.frombuffer(unit_doc, dtype=np.int32).copy()
        ix.unit_idx = np.frombuffer(unit_idx, dtype=np.int32).copy()
        ix.doc_first = np.frombuffer(first, dtype=np.int64).copy()
        ix.store = store
        ix.passages_ready = True
        return ix

    @classmethod
    def from_articles(cls, items: Iterable[tuple[str, Article]]) -> "SearchIndex":
        return cls.build(doc_from_article(p, a) for p, a in items)

    # -- saving and loading (big libraries) -------------------------------------

    def save(self, folder: str | os.PathLike[str], signature: Sequence) -> None:
        """Write the index to *folder* (replaced atomically), for :meth:`load`.
        Only database-backed indexes (built with ``db_path``) can be saved."""
        if not isinstance(self.store, SqliteStore) or not self.passages_ready:
            raise ValueError("only a complete, database-backed index can be saved")
        folder = Path(folder)
        tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}-{threading.get_ident()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        try:
            for name, ti in (("titles", self.titles), ("meta", self.meta), ("body", self.body)):
                for key, arr in ti._arrays().items():
                    np.save(tmp / f"{name}.{key}.npy", arr)
                (tmp / f"{name}.terms").write_text("\n".join(ti.terms), encoding="utf-8")
                (tmp / f"{name}.json").write_text(json.dumps(
                    {"grams": ti._gram_id, "stop": sorted(ti.stop_ids), "n_units": ti.n_units}))
            for key, arr in (("unit_doc", self.unit_doc), ("unit_idx", self.unit_idx),
                             ("doc_first", self.doc_first),
                             ("store_aid", np.frombuffer(self.store._aid, np.int64)
                              if isinstance(self.store._aid, array) else self.store._aid),
                             ("store_idx", np.frombuffer(self.store._idx, np.int32)
                              if isinstance(self.store._idx, array) else self.store._idx)):
                np.save(tmp / f"{key}.npy", arr)
            (tmp / "index.json").write_text(json.dumps({
                "format": INDEX_FORMAT, "signature": list(signature),
                "article_ids": [d.article_id for d in self.docs]}))
            old = folder.with_name(folder.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            if folder.exists():
                folder.rename(old)
            tmp.rename(folder)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    @classmethod
    def load(cls, folder: str | os.PathLike[str], docs: Sequence[Doc], db_path: str,
             signature: Sequence) -> "SearchIndex | None":
        """The index saved in *folder* if it was built for this *signature*
        and these *docs* (from :func:`docs_from_db`); else None. Arrays are
        memory-mapped: pages are read as searches touch them."""
        folder = Path(folder)
        try:
            head = json.loads((folder / "index.json").read_text())
            if head.get("format") != INDEX_FORMAT or list(head.get("signature", ())) != list(signature):
                return None
            by_id = {d.article_id: d for d in docs}
            ids = head["article_ids"]
            if len(ids) != len(by_id) or set(ids) != set(by_id):
                return None
            ix = cls()
            ix.docs = [by_id[i] for i in ids]
            ix.path_doc = {d.path: i for i, d in enumerate(ix.docs)}

            def arr(name: str) -> np.ndarray:
                return np.load(folder / f"{name}.npy", mmap_mode="r")

            for name in ("titles", "meta", "body"):
                ti = TermIndex()
                for key in ti._arrays():
                    setattr(ti, TermIndex._ARRAY_ATTRS[key], arr(f"{name}.{key}"))
                text = (folder / f"{name}.terms").read_text(encoding="utf-8")
                ti.terms = text.split("\n") if text else []
                ti.term_id = {t: i for i, t in enumerate(ti.terms)}
                extra = json.loads((folder / f"{name}.json").read_text())
                ti._gram_id = extra["grams"]
                ti.stop_ids = set(extra["stop"])
                ti.n_units = extra["n_units"]
                ti._sorted = [ti.terms[i] for i in ti._sorted_ids.tolist()]
                ti._terms_arr = np.asarray(ti.terms + [""], dtype=object)[:-1]
                if len(ti.offsets) != len(ti.terms) + 1:
                    return None
                setattr(ix, name, ti)
            ix.unit_doc, ix.unit_idx, ix.doc_first = arr("unit_doc"), arr("unit_idx"), arr("doc_first")
            store = SqliteStore(db_path)
            store._aid, store._idx = arr("store_aid"), arr("store_idx")
            ix.store = store
            if len(ix.doc_first) != len(ix.docs) + 1 or len(ix.unit_doc) != ix.body.n_units:
                return None
            return ix
        except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError):
            return None

    def nbytes(self) -> int:
        """Approximate memory held by the index (excluding paragraph texts)."""
        extra = self.unit_doc.nbytes + self.unit_idx.nbytes + self.doc_first.nbytes
        docs = sum(200 + len(d.title) + len(d.path) for d in self.docs)
        return self.titles.nbytes() + self.meta.nbytes() + self.body.nbytes() + extra + docs

    def __len__(self) -> int:
        return len(self.docs)

    # -- titles ----------------------------------------------------------------

    def search_titles(self, query: str, limit: int = 20) -> list[TitleHit]:
        """Articles ranked by fuzzy match of *query* on title, outlet, author."""
        words = query_words(query)
        self.last_matches = 0
        if not words or not self.docs:
            return []
        n = len(self.docs)
        total = np.zeros(n, np.float32)
        hits = np.zeros(n, np.int16)
        title_hit = np.zeros(n, np.float32)
        content = [w for w in words if not is_stop(w)]
        only_stop = not content
        need = _need(len(content) or len(words))
        max_total = 0.0
        for w in words:
            ms = self.titles.match(w, prefix=True, min_prefix=2)
            mm = self.meta.match(w, prefix=True, min_prefix=2)
            best = np.zeros(n, np.float32)
            wmax = 0.0
            for m in ms:
                v = m.sim * self.titles.idf(m.term)
                u = self.titles.units_of(m.term)
                best[u] = np.maximum(best[u], v)
                wmax = max(wmax, self.titles.idf(m.term))
            tb = best.copy()
            for m in mm:
                v = META_WEIGHT * m.sim * self.meta.idf(m.term)
                u = self.meta.units_of(m.term)
                best[u] = np.maximum(best[u], v)
                wmax = max(wmax, self.meta.idf(m.term))
            wmax = max(_norm(ms, self.titles.idf), META_WEIGHT * _norm(mm, self.meta.idf))
            if not wmax:
                wmax = math.log(1 + n)
            if is_stop(w) and not only_stop:
                best *= 0.3
                wmax *= 0.3
            else:
                hits += best > 0
            total += best
            title_hit += tb
            max_total += wmax
        cand = np.flatnonzero(hits >= need)
        self.last_matches = len(cand)
        if not len(cand):
            return []
        score = total[cand] / max_total
        # Prefer titles (over outlet/author-only matches) and short, dense titles.
        tlen = self.titles.unit_len[cand]
        score = score * (0.85 + 0.15 * (title_hit[cand] > 0)) * (1.0 - 0.004 * np.minimum(tlen, 25))
        top = _top(score, limit * 3)
        out = []
        for i in top:
            di = int(cand[i])
            d = self.docs[di]
            pos = title_positions(d.title, words)
            out.append(TitleHit(d.path, d.title, d.outlet, d.author,
                                round(float(min(1.0, score[i])) * 100, 1), pos))
        out.sort(key=lambda h: -h.score)
        return out[:limit]

    # -- passages ----------------------------------------------------------------

    def search_passages(self, query: str, limit: int = 20, *, path: str | None = None,
                        prefix_last: bool = True) -> list[PassageHit]:
        """Blocks ranked by a word-aware, typo-tolerant match of *query*.
        With *path*, only that article's blocks (in score order)."""
        words = query_words(query)
        content = [w for w in words if not is_stop(w)]
        self.last_matches = 0
        if not content or not len(self.unit_doc):
            return []
        body = self.body
        if path is not None:
            di = self.path_doc.get(str(path))
            if di is None:
                return []
            lo, hi = int(self.doc_first[di]), int(self.doc_first[di + 1])
        else:
            lo, hi = 0, body.n_units
        n = hi - lo
        total = np.zeros(n, np.float32)
        hits = np.zeros(n, np.int16)
        max_total = 0.0
        matched: list[set[int]] = []
        for j, w in enumerate(content):
            ms = body.match(w, prefix=prefix_last and j == len(content) - 1 and query[-1:].isalnum(),
                            min_prefix=4, max_prefix_terms=32)
            matched.append({m.term for m in ms})
            best = np.zeros(n, np.float32)
            wmax = 0.0
            for m in ms:
                u = body.units_of(m.term)
                if path is not None:
                    u = u[(u >= lo) & (u < hi)] - lo
                idf = body.idf(m.term)
                best[u] = np.maximum(best[u], m.sim * idf)
                wmax = max(wmax, idf)
            hits += best > 0
            total += best
            max_total += _norm(ms, body.idf) or 1.0
        cand = np.flatnonzero(hits >= _need(len(content)))
        self.last_matches = len(cand)
        if not len(cand):
            return []
        # Upper bounds (proximity can only lower a score), ties broken by a
        # BM25-like length normalisation; then re-rank on the text, best
        # bound first, until no remaining candidate can enter the top.
        ub = total[cand] / max_total
        ln = body.unit_len[cand + lo]
        avg = float(body.unit_len.mean()) or 1.0
        key = ub.astype(np.float64) + 1e-3 / (1.0 + 0.25 * ln / avg)
        whole = path is not None and limit <= 0
        order = _top(key, len(cand) if whole else RERANK)
        want = len(order) if whole else limit
        prox_of = _Proximity(matched, body)
        out: list[PassageHit] = []
        kth: list[float] = []  # final scores, kept sorted descending (top `want`)
        order_l = order.tolist()
        texts: list[str] = []
        for n, i in enumerate(order_l):
            if len(kth) >= want and kth[want - 1] >= ub[i] * 100:
                break
            if n % FETCH_BATCH == 0:  # texts come a batch at a time
                texts = self.store.texts([int(cand[j]) + lo for j in order_l[n:n + FETCH_BATCH]])
            unit = int(cand[i]) + lo
            text = texts[n % FETCH_BATCH]
            spans, prox = prox_of(text)
            score = round(min(1.0, float(ub[i]) * prox) * 100, 1)
            d = self.docs[int(self.unit_doc[unit])]
            out.append(PassageHit(d.path, d.title, d.outlet, int(self.unit_idx[unit]),
                                  score, text, spans))
            kth.append(score)
            kth.sort(reverse=True)
            del kth[want:]
        out.sort(key=lambda h: (-h.score, h.path, h.paragraph))
        return out if whole else out[:limit]

    def hits_in(self, path: str, query: str) -> list[PassageHit]:
        """All hits of *query* in one article, in reading order (for n/N)."""
        hits = self.search_passages(query, limit=0, path=path)
        return sorted(hits, key=lambda h: h.paragraph)

    # -- same passage ---------------------------------------------------------------

    def passage_text(self, path: str, paragraph: int) -> str | None:
        unit = self.unit_of(path, paragraph)
        return None if unit is None else self.store.text(unit)

    def unit_of(self, path: str, paragraph: int) -> int | None:
        di = self.path_doc.get(str(path))
        if di is None:
            return None
        lo, hi = int(self.doc_first[di]), int(self.doc_first[di + 1])
        idx = self.unit_idx[lo:hi]
        at = np.flatnonzero(idx == paragraph)
        return int(lo + at[0]) if len(at) else None

    def same_passage(self, path: str, paragraph: int, limit: int = 10, *,
                     min_score: float = 30.0, text: str | None = None) -> list[PassageHit]:
        """Blocks of other articles saying the same as block *paragraph* of
        *path* (or as *text*), best first, scored 0-100."""
        if text is None:
            text = self.passage_text(path, paragraph)
            if text is None:
                return []
        body = self.body
        src_terms = _content_terms(text)
        ids = {body.term_id[t] for t in src_terms if t in body.term_id}
        ids -= body.stop_ids
        if len(ids) < 3:
            return []
        w = {t: body.idf(t) for t in ids}
        acc = np.zeros(body.n_units, np.float32)
        for t, idf in w.items():
            acc[body.units_of(t)] += idf
        di = self.path_doc.get(str(path))
        if di is not None:
            acc[int(self.doc_first[di]):int(self.doc_first[di + 1])] = 0
        wa = sum(w.values())
        cand = np.flatnonzero(acc)
        if not len(cand):
            return []
        # Cheap overlap scores for every unit sharing a term, then the best
        # hundred are scored on their text.
        shared = acc[cand]
        wb = body.unit_weight[cand]
        approx = 0.6 * (2 * shared / (wa + wb)) + 0.4 * shared / np.minimum(wa, wb) \
            * np.minimum(1.0, body.unit_terms[cand] / 8.0)
        keep = approx >= 0.12
        cand, approx = cand[keep], approx[keep]
        cand = cand[_top(approx, 100)]
        src_low = text.lower()
        src_set = set(src_terms)
        src_nums = {t for t in src_set if t[:1].isdigit()}
        out = []
        cand_l = cand.tolist()
        for u, other in zip(cand_l, self.store.texts(cand_l)):
            o_terms = set(_content_terms(other))
            o_ids = {body.term_id[t] for t in o_terms if t in body.term_id} - body.stop_ids
            if len(o_ids) < 3:
                continue
            wb_u = float(body.unit_weight[u])
            sh = sum(w[t] for t in ids & o_ids)
            dice = 2 * sh / (wa + wb_u)
            contain = sh / min(wa, wb_u) * min(1.0, len(o_ids) / 8.0, len(ids) / 8.0)
            tsr = fuzz.token_set_ratio(src_low, other.lower()) / 100
            # Containment and token_set_ratio reward a short candidate (a
            # heading) inside a long source: damp them for much shorter
            # candidates. (A short source inside a long candidate is fine.)
            ratio = min(1.0, len(o_ids) / len(ids))
            score = 0.4 * dice + (0.3 * contain + 0.3 * tsr) * min(1.0, ratio / 0.5)
            o_nums = {t for t in o_terms if t[:1].isdigit()}
            if src_nums and o_nums:
                score += 0.08 if src_nums & o_nums else -0.05
            score = round(min(1.0, score) * 100, 1)
            if score < min_score:
                continue
            d = self.docs[int(self.unit_doc[u])]
            spans = tuple(_shared_spans(other, src_set))
            out.append(PassageHit(d.path, d.title, d.outlet, int(self.unit_idx[u]), score, other, spans))
        out.sort(key=lambda h: (-h.score, h.path, h.paragraph))
        return out[:limit]


    # -- same story --------------------------------------------------------------------

    def same_story(self, path: str, limit: int = 20, *, min_score: float = 25.0,
                   top_terms: int = 40) -> list[StoryHit]:
        """Other articles covering the same story as *path*, best first,
        scored 0-100: how much of the article's *story profile* they share.

        The profile is the article's names and numbers (words capitalised
        mid-sentence, numbers of two or more digits, title words), weighted
        by how often the article uses them and by their rarity across
        articles, with a floor so that in a library of one story (where
        every article names Biden and Ukraine) those names still count."""
        di = self.path_doc.get(str(path))
        if di is None or not self.passages_ready:
            return []
        body = self.body
        lo, hi = int(self.doc_first[di]), int(self.doc_first[di + 1])
        tf: dict[int, float] = {}
        texts = self.store.texts(list(range(lo, hi)))
        for text, boost in [(t, 1.0) for t in texts] + [(self.docs[di].title, 2.0)]:
            for tid in _entity_terms(text, body):
                tf[tid] = tf.get(tid, 0.0) + boost
        if not tf:
            return []
        n_docs = len(self.docs)
        profile = []
        # Preselect by block-level rarity (cheap), then weigh by article-level.
        pre = sorted(tf, key=lambda t: -max(body.idf(t), STORY_IDF_FLOOR) * (1 + math.log(tf[t])))
        for tid in pre[:2 * top_terms]:
            n = tf[tid]
            docs_t = np.unique(self.unit_doc[body.units_of(tid)])
            idf = math.log(1 + (n_docs - len(docs_t) + 0.5) / (len(docs_t) + 0.5))
            profile.append((max(idf, STORY_IDF_FLOOR) * (1 + math.log(n)), docs_t))
        profile.sort(key=lambda x: -x[0])
        profile = profile[:top_terms]
        total = sum(w for w, _ in profile)
        acc = np.zeros(n_docs, np.float64)
        shared = np.zeros(n_docs, np.int32)
        for w, docs_t in profile:
            acc[docs_t] += w
            shared[docs_t] += 1
        acc[di] = -1.0  # never the article itself
        cand = np.flatnonzero(acc >= (min_score / 100) * total)
        out = []
        for i in cand[_top(acc[cand], limit)].tolist():
            d = self.docs[i]
            out.append(StoryHit(d.path, d.title, d.outlet, round(float(acc[i] / total) * 100, 1),
                                int(shared[i])))
        return out


# -- helpers ----------------------------------------------------------------------------

def _norm(ms: list[Match], idf) -> float:
    """The best possible score of one query word: the idf of its exact
    match if it has one, else of its best (prefix or typo) match."""
    exact = [idf(m.term) for m in ms if m.sim == 1.0]
    if exact:
        return max(exact)
    return max((idf(m.term) for m in ms), default=0.0)


def _need(n_content: int) -> int:
    """How many of the content words a result must match."""
    if n_content <= 2:
        return n_content
    if n_content <= 4:
        return n_content - 1
    return math.ceil(0.75 * n_content)


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores, best first (ties in index order)."""
    if k <= 0 or len(scores) == 0:
        return np.zeros(0, np.int64)
    if len(scores) > k:
        part = np.argpartition(-scores, k - 1)[:k]
    else:
        part = np.arange(len(scores))
    return part[np.lexsort((part, -scores[part]))]


_SENTENCE_END = frozenset(".!?\"“”‘’'(:—–-")
#: Least weight of a profile term in :meth:`SearchIndex.same_story`.
STORY_IDF_FLOOR = 0.7


def _entity_terms(text: str, index: TermIndex) -> Iterator[int]:
    """Term ids of the names and numbers in *text*: words capitalised other
    than at a sentence start, and numbers of two or more digits."""
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok[0].isdigit():
            if len(tok) < 2:
                continue
        elif not tok[0].isupper() or len(tok) < 3:
            continue
        else:
            j = m.start() - 1
            while j >= 0 and text[j] == " ":
                j -= 1
            if j < 0 or text[j] in _SENTENCE_END:
                continue  # sentence start: not evidence of a name
        tid = index.term_id.get(term_of(tok))
        if tid is not None and tid not in index.stop_ids:
            yield tid


def _content_terms(text: str) -> list[str]:
    return [t for _, _, t in tokens(text) if t not in STOPWORDS and (len(t) > 1 or t.isdigit())]


def _shared_spans(text: str, terms: set[str]) -> Iterator[tuple[int, int]]:
    for a, b, t in tokens(text):
        if t in terms:
            yield a, b


#: Letters that fold to ASCII (accented Latin): their text takes the slow path.
_FOLDABLE = re.compile(r"[\u00c0-\u024f\u1e00-\u1eff]")


class _Proximity:
    """Finds the words of a text that matched the query words, and how
    close together they are. Stems are prefixes of their folded words, so
    one regex of the matched stems finds the candidates in ASCII text at C
    speed; each hit is then checked by its term. Non-ASCII text and numeric
    terms take the slow path (every token)."""

    def __init__(self, matched: list[set[int]], index: TermIndex):
        self.matched = matched
        self.term_id = index.term_id
        self.memo: dict[str, int] = {}
        stems = {index.terms[t] for s in matched for t in s}
        self.fast = None
        if stems and not any(t[:1].isdigit() or not t.isascii() for t in stems):
            alts = "|".join(re.escape(t) for t in sorted(stems, key=len, reverse=True))
            self.fast = re.compile(r"(?<![^\W_])(?:" + alts + r")[^\W\d_]*", re.IGNORECASE)

    def which(self, tok: str) -> int:
        j = self.memo.get(tok)
        if j is None:
            tid = self.term_id.get(term_of(tok))
            j = -1
            if tid is not None:
                for k, s in enumerate(self.matched):
                    if tid in s:
                        j = k
                        break
            self.memo[tok] = j
        return j

    def __call__(self, text: str) -> tuple[tuple[tuple[int, int], ...], float]:
        """``(spans, factor)``: the matched words' spans and a proximity
        factor in [0.6, 1], 1 when the matched words are adjacent."""
        where: list[tuple[int, int, int]] = []  # (start, end, query word)
        fast = self.fast is not None and (text.isascii() or not _FOLDABLE.search(text))
        it = self.fast.finditer(text) if fast else _TOKEN.finditer(text)
        which = self.which
        for m in it:
            j = which(m.group())
            if j >= 0:
                where.append((m.start(), m.end(), j))
        spans = tuple((a, b) for a, b, _ in where)
        need = len({j for _, _, j in where})
        if need <= 1:
            return spans, (1.0 if len(self.matched) == 1 else 0.85) if need else 0.6
        # Smallest window of text holding every matched query word; its slack
        # (characters beyond the words themselves) in average words.
        best = None
        count: dict[int, int] = {}
        left = have = 0
        for right in range(len(where)):
            j = where[right][2]
            count[j] = count.get(j, 0) + 1
            if count[j] == 1:
                have += 1
            while have == need:
                a = where[left][0]
                b = where[right][1]
                inside = sum(e - s for s, e, _ in where[left:right + 1])
                gap = (b - a) - inside - (right - left)
                best = gap if best is None else min(best, gap)
                lj = where[left][2]
                count[lj] -= 1
                if count[lj] == 0:
                    have -= 1
                left += 1
        slack = max(0, best or 0) / 6.0
        return spans, 0.7 + 0.3 / (1.0 + slack / 4.0)


def title_positions(title: str, words: Sequence[str]) -> tuple[int, ...]:
    """Character indices of *title* matching the query *words*: for each
    title word that best matches a query word (exact, prefix or a typo), the
    characters it shares with that query word, via an edit alignment."""
    pos: set[int] = set()
    tw = [(m.start(), m.end(), fold(m.group())) for m in _TOKEN.finditer(title)]
    used: set[int] = set()
    for w in words:
        best = None
        for k, (a, b, f) in enumerate(tw):
            if k in used:
                continue
            s = _word_sim(w, f)
            if s > 0 and (best is None or s > best[0]):
                best = (s, k)
        if best is None:
            continue
        k = best[1]
        used.add(k)
        a, b, f = tw[k]
        if len(f) != b - a:  # folding changed the length: highlight the word
            pos.update(range(a, b))
            continue
        for op in Levenshtein.opcodes(w, f):
            if op.tag == "equal":
                pos.update(range(a + op.dest_start, a + op.dest_end))
    return tuple(sorted(pos))


def _word_sim(q: str, word: str) -> float:
    """How well the folded query word *q* matches the folded title *word*."""
    if q == word or stem(q) == stem(word):
        return 1.0
    if len(q) >= 2 and word.startswith(q):
        return 0.7 + 0.25 * len(q) / len(word)
    k = _max_edits(stem(q))
    if k:
        d = OSA.distance(stem(q), stem(word), score_cutoff=k)
        if d <= k:
            return 0.85 - 0.15 * d
        if len(q) >= 4 and OSA.distance(q, word[: len(q)], score_cutoff=1) <= 1:
            return 0.5  # a typo in a prefix being typed
    return 0.0

