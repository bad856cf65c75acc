"""Anchoring a passage in an article's plain text, and finding it again.

A mark remembers its passage the way the W3C Web Annotation model (and the
Hypothesis annotator) does: a *TextQuoteSelector* (``exact`` quote plus up to
:data:`CONTEXT` characters of ``prefix`` and ``suffix``) and a
*TextPositionSelector* (``start``, ``end``) over :meth:`Article.text`.

When the text changes, :func:`locate` finds the passage again, in order:

1. the stored position, when the text there is still ``exact`` and the
   context around it is unchanged (the common case, O(1));
2. otherwise every exact occurrence of the quote, scored by how well its
   surroundings match ``prefix``/``suffix`` and by its distance from the old
   position;
3. otherwise a fuzzy match: a Levenshtein-bounded
   search (Myers' bit-parallel algorithm) for substrings within
   ``len(exact) // 4`` edits of the quote, each checked against the context
   (rapidfuzz similarity);
4. otherwise nothing: the mark is an orphan.

Pure functions, no database, no UI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

#: Characters of context kept on each side of a quote.
CONTEXT = 32

ANCHORED = "anchored"
FUZZY = "fuzzy"
ORPHAN = "orphan"

#: At most this fraction of the quote's length may differ in a fuzzy match.
MAX_ERROR_RATE = 0.25
#: Context similarity (0..1, see :func:`_context_score`) a fuzzy match needs
#: unless its quote is long and nearly identical.
MIN_FUZZY_CONTEXT = 0.5
#: Exact occurrences scored at most (a quote like "the" may occur thousands
#: of times; the context decides among the first ones).
MAX_OCCURRENCES = 5000
#: Fuzzy candidate regions examined at most.
MAX_FUZZY_CANDIDATES = 50


@dataclass(frozen=True, slots=True)
class Quote:
    """A TextQuoteSelector + TextPositionSelector."""

    exact: str
    prefix: str
    suffix: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Found:
    """Where :func:`locate` found a quote: ``state`` is ``anchored`` (the
    exact quote) or ``fuzzy`` (an approximate match; ``text[start:end]`` is
    the passage now)."""

    start: int
    end: int
    state: str
    score: float


def describe(text: str, start: int, end: int) -> Quote:
    """The selectors for ``text[start:end]``."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"bad span {start}:{end} for a text of {len(text)} characters")
    return Quote(text[start:end], text[max(0, start - CONTEXT):start],
                 text[end:end + CONTEXT], start, end)


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Clamp a span to the text and drop white space at its ends."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def locate(text: str, q: Quote) -> Found | None:
    """Find the passage described by *q* in *text*, or None (orphan)."""
    exact = q.exact
    if not exact:
        return None
    # 1. Unchanged: stored position, same quote, same context.
    if (text[q.start:q.end] == exact and text[max(0, q.start - len(q.prefix)):q.start] == q.prefix
            and text[q.end:q.end + len(q.suffix)] == q.suffix):
        return Found(q.start, q.end, ANCHORED, 3.0)
    # 2. Exact occurrences, scored by context and distance.
    best: Found | None = None
    pos = text.find(exact)
    n = 0
    while pos != -1 and n < MAX_OCCURRENCES:
        score = 2.0 + 2 * _context_score(text, pos, pos + len(exact), q) \
            - _distance_penalty(text, pos, q)
        if best is None or score > best.score:
            best = Found(pos, pos + len(exact), ANCHORED, score)
        n += 1
        pos = text.find(exact, pos + 1)
    if best is not None:
        return best
    # 3. Both sides of the context still there, once each: the passage is
    #    what lies between them, close enough to the quote or an orphan.
    pinned = _between_context(text, q)
    if pinned is not None:
        return pinned or None
    # 4. Fuzzy: bounded edit distance, checked against the context.
    return _fuzzy(text, q)


def _between_context(text: str, q: Quote) -> Found | bool | None:
    """When the stored prefix and suffix each occur exactly once (a prefix
    shorter than CONTEXT must start the text, a short suffix end it) and
    close together, the passage can only be the text between them: a Found
    when that is within the error bound of the quote, False (orphan) when
    it is not, so that a mangled quote is never moved onto look-alike text
    elsewhere. None when the context does not pin the passage down."""
    m = len(q.exact)
    k = int(m * MAX_ERROR_RATE)
    if len(q.prefix) < CONTEXT:
        if not text.startswith(q.prefix):
            return None
        lo = len(q.prefix)
    else:
        lo = text.find(q.prefix)
        if lo == -1 or text.find(q.prefix, lo + 1) != -1:
            return None
        lo += len(q.prefix)
    if len(q.suffix) < CONTEXT:
        if not text.endswith(q.suffix):
            return None
        hi = len(text) - len(q.suffix)
    else:
        hi = text.find(q.suffix, lo)
        if hi == -1 or text.find(q.suffix, hi + 1) != -1:
            return None
    if not (0 <= hi - lo <= m + k):
        return None
    from rapidfuzz.distance import Levenshtein

    lo, hi = trim_span(text, lo, hi)
    d = Levenshtein.distance(q.exact, text[lo:hi], score_cutoff=k)
    if hi <= lo or d > k:
        return False
    return Found(lo, hi, FUZZY, 2.0 * (1.0 - d / m) + 2.0)


# -- scoring -------------------------------------------------------------------

def _similarity(a: str, b: str) -> float:
    from rapidfuzz.distance import Levenshtein

    if not a and not b:
        return 1.0
    return Levenshtein.normalized_similarity(a, b)


def _context_sides(text: str, start: int, end: int, q: Quote) -> tuple[float, float]:
    """How well the text before and after ``text[start:end]`` matches the
    stored prefix and suffix: each 0 (unrelated) .. 1 (identical).

    Two unrelated 32-character snippets of prose are still 10-30 % similar
    by Levenshtein, so the raw similarity is rescaled to put chance near 0.
    """
    # A stored context shorter than CONTEXT means the quote was at the
    # start (end) of the text: compare with all the context there is now, so
    # that "nothing before it" counts as a difference elsewhere.
    before = text[max(0, start - CONTEXT):start]
    after = text[end:end + CONTEXT]
    return (max(0.0, (_similarity(q.prefix, before) - 0.3) / 0.7),
            max(0.0, (_similarity(q.suffix, after) - 0.3) / 0.7))


def _context_score(text: str, start: int, end: int, q: Quote) -> float:
    p, s = _context_sides(text, start, end, q)
    return (p + s) / 2


def _distance_penalty(text: str, start: int, q: Quote) -> float:
    """0 at the old position .. 0.5 at the other end of the text."""
    return 0.5 * abs(start - q.start) / max(len(text), 1)


# -- fuzzy search ----------------------------------------------------------------

def _fuzzy(text: str, q: Quote) -> Found | None:
    """The best approximate match, looked for first in small windows where
    the passage probably is (its old position, after an exact occurrence of
    its prefix, before one of its suffix); only when no well-anchored match
    turns up there is the whole text searched, with rapidfuzz's C++
    ``partial_ratio_alignment`` (Myers over 1 MB in Python takes ~0.5 s)."""
    m = len(q.exact)
    k = int(m * MAX_ERROR_RATE)
    if k == 0 or not text:
        return None
    windows = _windows(text, q, k)
    covered = sum(hi - lo for lo, hi in windows)
    best = _fuzzy_in(text, q, k, windows)
    if covered >= len(text):
        return best
    if best is not None and _context_score(text, best.start, best.end, q) >= MIN_FUZZY_CONTEXT:
        return best
    # Elsewhere: rapidfuzz (C++) finds the best window of the quote's length;
    # the exact bounded search then runs around it. Within k edits of some
    # substring implies an Indel ratio of at least 1 - 3k/2m for the best
    # same-length window, so a lower score means there is nothing to find.
    from rapidfuzz import fuzz

    cutoff = max(0.0, 100.0 * (1.0 - 1.5 * k / m) - 1.0)
    al = fuzz.partial_ratio_alignment(q.exact, text, score_cutoff=cutoff)
    if al is None:
        return best
    lo, hi = max(0, al.dest_start - m - k), min(len(text), al.dest_end + m + k)
    found = _fuzzy_in(text, q, k, [(lo, hi)])
    if found is None or (best is not None and best.score >= found.score):
        return best
    return found


#: Extra characters searched on each side of a window.
WINDOW_MARGIN = 500


def _windows(text: str, q: Quote, k: int) -> list[tuple[int, int]]:
    span = len(q.exact) + k
    ranges = [(q.start - WINDOW_MARGIN, q.start + span + WINDOW_MARGIN)]
    if len(q.prefix) >= 8:
        pos, n = text.find(q.prefix), 0
        while pos != -1 and n < 20:
            a = pos + len(q.prefix)
            ranges.append((a - 64, a + span + 64))
            pos, n = text.find(q.prefix, pos + 1), n + 1
    if len(q.suffix) >= 8:
        pos, n = text.find(q.suffix), 0
        while pos != -1 and n < 20:
            ranges.append((pos - span - 64, pos + 64))
            pos, n = text.find(q.suffix, pos + 1), n + 1
    ranges = sorted((max(0, lo), min(len(text), hi)) for lo, hi in ranges)
    merged: list[tuple[int, int]] = []
    for lo, hi in ranges:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        elif hi > lo:
            merged.append((lo, hi))
    return merged


def _fuzzy_in(text: str, q: Quote, k: int, windows: list[tuple[int, int]]) -> Found | None:
    exact = q.exact
    m = len(exact)
    ends: list[tuple[int, int]] = []
    for lo, hi in windows:
        ends.extend((lo + e, d) for e, d in _search_ends(exact, text[lo:hi], k))
    if not ends:
        return None
    # Candidate ends: local minima of the distance (in repetitive text a
    # whole stretch may be within k edits); the best ones, and among equals
    # those nearest the old end, are examined.
    dist = dict(ends)
    cands = [(e, d) for e, d in ends
             if d <= dist.get(e - 1, k + 1) and d < dist.get(e + 1, k + 1)]
    cands.sort(key=lambda t: (t[1], abs(t[0] - q.end)))
    best: Found | None = None
    for e, d in cands[:MAX_FUZZY_CANDIDATES]:
        s, d = _best_start(exact, text, e, k)
        if s is None or s >= e:
            continue
        sides = _context_sides(text, s, e, q)
        ctx = sum(sides) / 2
        quote_sim = 1.0 - d / m
        # The context must back the match up: on average, or one side
        # nearly intact (the other may have been edited too), unless the
        # quote is long and nearly identical.
        ok = ctx >= MIN_FUZZY_CONTEXT or max(sides) >= 0.8 or (m >= 20 and d <= m // 10)
        if not ok:
            continue
        score = 2.0 * quote_sim + 2 * ctx - _distance_penalty(text, s, q)
        if best is None or score > best.score:
            best = Found(s, e, FUZZY, score)
    return best


def _peq(pattern: str) -> dict[str, int]:
    peq: dict[str, int] = {}
    for i, c in enumerate(pattern):
        peq[c] = peq.get(c, 0) | (1 << i)
    return peq


def _myers(pattern: str, text: str, *, anchored: bool) -> Iterator[int]:
    """Edit distance of *pattern* to the best substring of *text* ending at
    each position (``anchored``: to the whole prefix of *text* up to there),
    one value per character of *text* (Myers 1999, bit-parallel, with
    Python's unbounded integers)."""
    m = len(pattern)
    peq = _peq(pattern)
    mask = (1 << m) - 1
    high = 1 << (m - 1)
    # Anchored: the DP's top row grows by one per character (a +1 shifted in).
    top = 1 if anchored else 0
    pv, mv, score = mask, 0, m
    for c in text:
        eq = peq.get(c, 0)
        xv = eq | mv
        xh = ((((eq & pv) + pv) & mask) ^ pv) | eq
        ph = (mv | ~(xh | pv)) & mask
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | top) & mask
        mh = (mh << 1) & mask
        pv = (mh | ~(xv | ph)) & mask
        mv = ph & xv
        yield score


def _search_ends(pattern: str, text: str, k: int) -> list[tuple[int, int]]:
    """``(end, distance)`` for every end offset in *text* where some
    substring ending there is within *k* edits of *pattern*."""
    return [(j, d) for j, d in enumerate(_myers(pattern, text, anchored=False), 1) if d <= k]


def _best_start(pattern: str, text: str, end: int, k: int) -> tuple[int | None, int]:
    """The start ``s`` minimising ``edit_distance(pattern, text[s:end])``
    (ties: the length closest to the pattern's), and that distance."""
    m = len(pattern)
    lo = max(0, end - m - k)
    best_len, best_d = 0, m  # the empty substring: m edits
    # Backwards from *end*: the reversed pattern against the reversed text.
    for length, d in enumerate(_myers(pattern[::-1], text[lo:end][::-1], anchored=True), 1):
        if d < best_d or (d == best_d and abs(length - m) < abs(best_len - m)):
            best_len, best_d = length, d
    if best_d > k or best_len == 0:
        return None, best_d
    return end - best_len, best_d
