"""Phrase evidence for junk families.

These lists are *supporting* signals: the cleaner first decides from
general evidence (prose runs, line length, punctuation, stopwords,
repetition) and uses the phrases to name a family, to recognise widget
headers (the comments header ends the article), and to catch the few
prose-shaped notices (syndication, disclaimers, promos, bios) that look like
sentences.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE


# -- Prefilters ---------------------------------------------------------
#
# Python's ``re`` tries every alternative of an IGNORECASE alternation at
# every position: on a 400-character paragraph the phrase lists cost tens
# of microseconds, and nearly every paragraph matches none of them. Two
# exact prefilters, derived from the patterns themselves (never written by
# hand, so an edited pattern cannot fall out of step):
#
# - floating alternatives: a set of lower-case ASCII strings one of which
#   every match must contain (:func:`necessary_literals`); a line whose
#   lower-cased text contains none of them cannot match;
# - anchored alternatives (tried with ``match``): the ASCII characters each
#   can start with (:func:`first_chars`); a line is tried only against the
#   alternatives that can start with its first character.
#
# Substring tests on ``s.lower()`` are exact for ASCII letters in the
# pattern, except for the four characters that IGNORECASE equates with an
# ASCII letter while lower-casing them to something else (İ ı ſ K): text
# with any of them skips the literal prefilter (see TRICKY, and the test
# that derives this set from all of Unicode).

from re import _constants as _C  # noqa: E402
from re import _parser as _SP  # noqa: E402

#: Characters ``re.IGNORECASE`` matches to an ASCII character that
#: ``str.lower`` does not turn into that character.
TRICKY = re.compile("[\u0130\u0131\u017f\u212a]")
_ASCII = [chr(i) for i in range(128)]
_REPEATS = (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT)
_ONE_CHAR = (_C.LITERAL, _C.NOT_LITERAL, _C.IN, _C.ANY)


def _conjuncts(items, flags: int) -> list[frozenset[str]]:
    """Sets of lower-case ASCII strings: every match of *items* contains
    one string of each set."""
    out: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is _C.LITERAL and av < 128:
            run.append(chr(av).lower())
            continue
        if run:
            out.append(frozenset(["".join(run)]))
            run = []
        if op is _C.IN and all(o is _C.LITERAL and v < 128 for o, v in av):
            out.append(frozenset(chr(v).lower() for _, v in av))  # "[/|]"
        elif op is _C.SUBPATTERN:
            out += _conjuncts(av[3].data, (flags | av[1]) & ~av[2])
        elif op is _C.ATOMIC_GROUP:
            out += _conjuncts(av.data, flags)
        elif op in _REPEATS and av[0] >= 1:
            out += _conjuncts(av[2].data, flags)
        elif op is _C.BRANCH:
            parts = [_best(_conjuncts(b.data, flags)) for b in av[1]]
            if all(x is not None for x in parts):
                out.append(frozenset().union(*parts))  # type: ignore[arg-type]
    if run:
        out.append(frozenset(["".join(run)]))
    return out


def _best(conj: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective set: longest shortest string, then fewest strings."""
    return max(conj, key=lambda c: (min(map(len, c)), -len(c))) if conj else None


_W_CHAR = re.compile(r"\w")
_LEFT_ATS = (_C.AT_BOUNDARY, _C.AT_BEGINNING, _C.AT_BEGINNING_STRING)
_RIGHT_ATS = (_C.AT_BOUNDARY, _C.AT_END, _C.AT_END_STRING)


def _caseless_nonword(v: int) -> bool:
    """A character that is not a word character, and that IGNORECASE matches
    to itself only (it has no case)."""
    c = chr(v)
    return not _W_CHAR.match(c) and c.lower() == c == c.upper()


def _nonword_only(op, av) -> bool:
    """Does this item consume at least one character, and only non-word ones?"""
    if op is _C.LITERAL:
        return _caseless_nonword(av)
    if op is _C.IN:
        return all(
            (o is _C.LITERAL and _caseless_nonword(v)) or (o is _C.CATEGORY and v is _C.CATEGORY_SPACE)
            for o, v in av
        )
    if op in _REPEATS and av[0] >= 1 and len(av[2].data) == 1:
        return _nonword_only(*av[2].data[0])
    return False


def _bound(item, side: str) -> bool:
    op, av = item
    if op is _C.AT:
        return av in (_LEFT_ATS if side == "left" else _RIGHT_ATS)
    return _nonword_only(op, av)


def _optional(item):
    """The items of an optional part (``X?``), or None."""
    op, av = item
    if op in _REPEATS and av[0] == 0 and av[1] == 1:
        return list(av[2].data)
    return None


def _token_conjuncts(items, left: bool = False, right: bool = False) -> list[frozenset[str]]:
    """Sets of whole words: every match of *items* has, for each set, one of
    its words as a complete run of word characters (``\\w+``), lower-cased.
    *left*/*right*: the items are preceded/followed by a non-word character
    (or the text's start/end) in every match."""
    atoms = list(items)
    out: list[frozenset[str]] = []
    n = len(atoms)

    def left_ok(i: int) -> bool:
        """Is atoms[i] preceded by a non-word character in every match?"""
        k = i - 1
        if k < 0:
            return left
        if _bound(atoms[k], "left"):
            return True
        opt = _optional(atoms[k])
        return bool(opt) and _bound(opt[-1], "left") and left_ok(k)  # "X\s+(?:Y\s+)?Z"

    def right_ok(j: int) -> bool:
        k = j + 1
        if k >= n:
            return right
        if _bound(atoms[k], "right"):
            return True
        opt = _optional(atoms[k])
        return bool(opt) and _bound(opt[0], "right") and right_ok(k)

    def is_w(k: int) -> bool:
        return k < n and atoms[k][0] is _C.LITERAL and atoms[k][1] < 128 and bool(_W_CHAR.match(chr(atoms[k][1])))

    i = 0
    while i < n:
        op, av = atoms[i]
        if is_w(i):
            j = i
            while is_w(j + 1):
                j += 1
            run = atoms[i: j + 1]
            nxt = atoms[j + 1] if j + 1 < n else None
            alts = None
            if nxt is not None:
                if nxt[0] is _C.BRANCH:
                    alts = [list(b.data) for b in nxt[1][1]]
                else:
                    opt = _optional(nxt)
                    if opt is not None:
                        alts = [[], opt]
            if alts is not None:
                # "rep(?:rinted|roduced)", "cookies?": the parser moves a
                # shared prefix out of the alternatives; put it back.
                lc, rc = left_ok(i), right_ok(j + 1)
                parts = [_best_words(_token_conjuncts(run + b, lc, rc)) for b in alts]
                if all(x is not None for x in parts):
                    out.append(frozenset().union(*parts))  # type: ignore[arg-type]
                i = j + 2
                continue
            if left_ok(i) and right_ok(j):
                out.append(frozenset(["".join(chr(v) for _, v in run).lower()]))
            i = j + 1
            continue
        lc, rc = left_ok(i), right_ok(i)
        if op is _C.SUBPATTERN:
            out += _token_conjuncts(av[3].data, lc, rc)
        elif op is _C.ATOMIC_GROUP:
            out += _token_conjuncts(av.data, lc, rc)
        elif op in _REPEATS and av[0] >= 1:
            # The first repetition starts where the repeat does.
            out += _token_conjuncts(av[2].data, lc, rc and av[1] == 1)
        elif op is _C.BRANCH:
            parts = [_best_words(_token_conjuncts(b.data, lc, rc)) for b in av[1]]
            if all(x is not None for x in parts):
                out.append(frozenset().union(*parts))  # type: ignore[arg-type]
        i += 1
    return out


def _best_words(conj: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective set of words: no function words if possible, then
    the longest shortest word, then the fewest."""
    from tui.core.clean.stopwords import STOPWORDS

    return max(conj, key=lambda c: (STOPWORDS.isdisjoint(c), min(map(len, c)), -len(c))) if conj else None


def necessary_words(src: str, flags: int = 0) -> list[frozenset[str]]:
    """Sets of words such that any match of *src* in a line without TRICKY
    characters has, for every set, one of its words among the line's
    lower-cased ``\\w+`` runs."""
    p = _SP.parse(src, flags)
    return _token_conjuncts(p.data)


def necessary_conjuncts(src: str, flags: int = 0) -> list[frozenset[str]]:
    """Sets of strings such that any match of *src*, lower-cased, contains
    one string of every set (empty: nothing known)."""
    p = _SP.parse(src, flags)
    return _conjuncts(p.data, p.state.flags)


def necessary_literals(src: str, flags: int = 0) -> frozenset[str] | None:
    """Strings one of which (lower-cased, ASCII) any match of *src* contains;
    None when the pattern has no such set."""
    return _best(necessary_conjuncts(src, flags))


def _first(items, flags: int, state) -> tuple[frozenset[str] | None, bool]:
    """(ASCII characters a match of *items* can start with, or None for
    any; whether *items* can match the empty string)."""
    out: set[str] = set()
    for op, av in items:
        if op is _C.AT:
            continue  # zero-width
        if op in _ONE_CHAR:
            rx = re._compiler.compile(_SP.SubPattern(state, [(op, av)]), flags)  # type: ignore[attr-defined]
            f, nul = frozenset(c for c in _ASCII if rx.fullmatch(c)), False
        elif op is _C.SUBPATTERN:
            f, nul = _first(av[3].data, (flags | av[1]) & ~av[2], state)
        elif op is _C.ATOMIC_GROUP:
            f, nul = _first(av.data, flags, state)
        elif op in _REPEATS:
            f, nul = _first(av[2].data, flags, state)
            nul = nul or av[0] == 0
        elif op is _C.BRANCH:
            f, nul = frozenset(), False
            for b in av[1]:
                bf, bn = _first(b.data, flags, state)
                if bf is None:
                    return None, False
                f, nul = f | bf, nul or bn
        else:
            return None, False  # lookarounds, backreferences...: anything
        if f is None:
            return None, False
        out |= f
        if not nul:
            return frozenset(out), False
    return frozenset(out), True


def first_chars(src: str, flags: int = 0) -> frozenset[str] | None:
    """The ASCII characters a match of *src* (tried with ``match``) can
    start with; None when it may start with anything (or match nothing)."""
    p = _SP.parse(src, flags)
    f, nullable = _first(p.data, p.state.flags, p.state)
    return None if nullable else f


def _starts_nonword(items) -> bool:
    """Does every non-empty match of *items* begin with a non-word character?"""
    for op, av in items:
        if op is _C.AT:
            continue
        if _nonword_only(op, av):
            return True
        if op in _REPEATS and av[0] == 0 and len(av[2].data) == 1 and _nonword_only(*av[2].data[0]):
            continue  # "\s*", "[·|]?": nothing, or a non-word character
        return False
    return False


def _first_words(items) -> frozenset[str] | None:
    """Lower-case words one of which any match of *items* (at the start of
    a text) begins with, as the text's first complete ``\\w+`` run; None if
    unknown."""
    items = list(items)
    while items and items[0][0] is _C.AT:
        items = items[1:]  # zero-width: ^, \b
    if not items:
        return None
    op, av = items[0]
    rest = items[1:]

    def union(parts):
        if any(x is None for x in parts):
            return None
        return frozenset().union(*parts)

    if op is _C.LITERAL and av < 128 and _W_CHAR.match(chr(av)):
        j = 1
        while j < len(items) and items[j][0] is _C.LITERAL and items[j][1] < 128 and _W_CHAR.match(chr(items[j][1])):
            j += 1
        run, after = items[:j], items[j:]
        if not after:
            return None  # what follows is not known
        nxt = after[0]
        if nxt[0] is _C.BRANCH:
            return union([_first_words(run + list(b.data) + after[1:]) for b in nxt[1][1]])
        opt = _optional(nxt)
        if opt is not None:
            return union([_first_words(run + opt + after[1:]), _first_words(run + after[1:])])
        if nxt[0] in _REPEATS and nxt[1][0] == 0 and _starts_nonword(nxt[1][2].data):
            # "x\s*...", "x(?:\s+y)*...": a non-word character, or what comes after
            return union([frozenset(["".join(chr(v) for _, v in run).lower()]), _first_words(run + after[1:])])
        if _bound(nxt, "right"):
            return frozenset(["".join(chr(v) for _, v in run).lower()])
        return None
    if op is _C.SUBPATTERN:
        return _first_words(list(av[3].data) + rest)
    if op is _C.BRANCH:
        return union([_first_words(list(b.data) + rest) for b in av[1]])
    opt = _optional((op, av))
    if opt is not None:
        return union([_first_words(opt + rest), _first_words(rest)])
    if op in _REPEATS and av[0] == 1 and av[1] == 1:
        return _first_words(list(av[2].data) + rest)
    return None


def first_words(src: str, flags: int = 0) -> frozenset[str] | None:
    """Words one of which any match of *src* (tried with ``match``) has as
    the text's first ``\\w+`` run, lower-cased (for text without TRICKY
    characters); None when not known."""
    return _first_words(_SP.parse(src, flags).data)


_RUN = re.compile(r"\w+")


class _Anchored:
    """``match`` over alternatives ``[(group_name or None, [alt, ...]), ...]``
    (the first alternative, in order, that matches at the start names the
    group), each alternative tried only when the line can match it:

    - when the alternative must begin with one of a few words (first_words),
      only on a line whose first ``\\w+`` run is one of them;
    - otherwise, only on a line whose first character it can start with
      (first_chars), and, for an alternative that can start with nearly
      anything (``.{0,80}[/|]...``), that holds its cheapest necessary
      strings.

    Lines with TRICKY characters are tried against all alternatives. The
    alternatives are compiled one by one, on first use."""

    __slots__ = ("groups", "flags", "alts", "_rx", "_full", "_ready", "_by_word", "_by_char", "_wild",
                 "_wide", "_wide_in", "_masked", "_cache", "_initials")

    #: More possible first characters than this: a "wide" alternative.
    WIDE = 40

    def __init__(self, groups: list[tuple[str | None, list[str]]], flags: int = _I):
        self.groups, self.flags = groups, flags
        self.alts = [(name, a) for name, alts in groups for a in alts]
        self._rx: list[re.Pattern[str] | None] = [None] * len(self.alts)
        self._full: re.Pattern[str] | None = None
        self._ready = False

    @property
    def full(self) -> re.Pattern[str]:
        """All the alternatives in one regex (the reference)."""
        if self._full is None:
            parts = []
            for name, alts in self.groups:
                if alts:
                    body = "|".join(f"(?:{a})" for a in alts)
                    parts.append(f"(?P<{name}>{body})" if name else f"(?:{body})")
            self._full = re.compile("|".join(parts) or "(?!)", self.flags)
        return self._full

    def _analyse(self) -> None:
        by_word: dict[str, list[int]] = {}
        by_char: dict[str, list[int]] = {c: [] for c in _ASCII}
        wild: list[int] = []  # no first word: all of these, for a non-ASCII first character
        wide: dict[int, tuple[str, ...]] = {}
        for i, (_, a) in enumerate(self.alts):
            words = first_words(a, self.flags)
            if words is not None:
                for w in words:
                    by_word.setdefault(w, []).append(i)
                continue
            wild.append(i)
            f = first_chars(a, self.flags)
            if f is None or len(f) > self.WIDE:
                subs = necessary_conjuncts(a, self.flags)
                if subs:
                    wide[i] = tuple(min(subs, key=lambda c: (len(c), -min(map(len, c)))))
                f = frozenset(_ASCII)
            for c in f:
                by_char[c].append(i)
        by_char["\x80"] = list(wild)
        self._by_word = {w: tuple(v) for w, v in by_word.items()}
        self._initials = frozenset(w[0] for w in by_word) | frozenset(w[0].upper() for w in by_word)
        self._by_char = {c: tuple(v) for c, v in by_char.items()}
        self._wide_in = {c: [wide[i] for i in v if i in wide] for c, v in by_char.items()}
        self._masked: dict[tuple[str, int], tuple[int, ...]] = {}
        self._wild = tuple(wild)
        self._wide = wide
        self._cache: dict[tuple, tuple[int, ...]] = {}
        self._ready = True

    def _unmask(self, c: str, mask: int) -> tuple[int, ...]:
        """_by_char[c] without the wide alternatives whose bit is not in *mask*."""
        out, bit = [], 1
        for i in self._by_char[c]:
            if i in self._wide:
                if not mask & bit:
                    bit <<= 1
                    continue
                bit <<= 1
            out.append(i)
        return tuple(out)

    def _try(self, s: str, cands) -> str | bool | None:
        rxs = self._rx
        for i in cands:
            rx = rxs[i]
            if rx is None:
                rx = rxs[i] = re.compile(self.alts[i][1], self.flags)
            if rx.match(s) is not None:
                return self.alts[i][0] or True
        return None

    def first(self, s: str, low: str | None = None, plain: bool | None = None) -> str | bool | None:
        """The group name (True if unnamed) of the first alternative that
        matches at the start of *s*, or None. *low* may be a lower-cased
        text that holds *s*'s (a superset is fine); *plain*: *s* has no
        TRICKY character."""
        if not self._ready:
            self._analyse()
        if plain is None:
            plain = s.isascii() or TRICKY.search(s) is None
        if not plain:
            m = self.full.match(s)
            return (m.lastgroup or True) if m is not None else None
        c = s[:1]
        if not c:
            return self._try(s, self._wild)
        if c >= "\x80":
            c = "\x80"  # (_by_char's key for all of them: the wild alternatives)
        chars = self._by_char[c]
        if self._wide_in[c]:
            # Leave out the wide alternatives whose strings the line lacks.
            if low is None:
                low = s.lower()
            mask = 0
            bit = 1
            for strs in self._wide_in[c]:
                for x in strs:
                    if x in low:
                        mask |= bit
                        break
                bit <<= 1
            key = (c, mask)
            chars = self._masked.get(key)  # type: ignore[assignment]
            if chars is None:
                chars = self._masked[key] = self._unmask(c, mask)
        words = ()
        if c in self._initials:  # (the first letter of some first word)
            m = _RUN.match(s)
            words = self._by_word.get(m.group().lower(), ())  # type: ignore[union-attr]
        if not words:
            return self._try(s, chars) if chars else None
        if not chars:
            return self._try(s, words)
        key = (words, chars)
        cands = self._cache.get(key)
        if cands is None:
            cands = self._cache[key] = tuple(sorted(set(words) | set(chars)))
        return self._try(s, cands)

    def match(self, s: str, low: str | None = None, plain: bool | None = None, toks=None) -> bool:
        return self.first(s, low, plain) is not None


class _Gate:
    """The prefilter of one alternative: the sets of words (one of each
    must be among the line's words) and of strings (one of each must be in
    the lower-cased line) that any match of it implies."""

    __slots__ = ("words", "subs")

    def __init__(self, src: str, flags: int):
        self.words = [frozenset(c) for c in necessary_words(src, flags)]
        self.subs = [tuple(c) for c in necessary_conjuncts(src, flags)]

    def ok(self, low: str, toks) -> bool:
        if toks is not None:
            for c in self.words:
                if c.isdisjoint(toks):
                    return False
        for c in self.subs:
            for x in c:
                if x in low:
                    break
            else:
                return False
        return True


class _Prefiltered:
    """Floating alternatives (``search``) behind exact prefilters (see above).

    A line is described by ``low`` (its lower-cased text), ``plain`` (it
    has no TRICKY character: else the prefilters are skipped) and ``toks``
    (the set of its lower-cased ``\\w+`` runs, or None if not at hand).
    First a quick test: one *primary* set per alternative (words when it
    has any, else strings); then only the alternatives whose primary set
    the line meets are tried, each behind all of its sets. With *named*,
    the regex that gives the match (for its groups) is that source."""

    __slots__ = ("rx", "alts", "words", "word_alts", "lits", "lit_alts")

    def __init__(self, alts: list[str], flags: int = _I, named: str | None = None):
        from tui.core.clean.stopwords import STOPWORDS

        self.rx = re.compile(named if named is not None else "|".join(f"(?:{x})" for x in alts), flags)
        self.alts: list[tuple[_Gate, re.Pattern[str]]] | None = []
        words: dict[str, list[int]] = {}
        lits: dict[str, list[int]] = {}
        for j, x in enumerate(alts):
            g = _Gate(x, flags)
            self.alts.append((g, re.compile(x, flags)))
            best_w = _best_words(g.words)
            best_s = _best([frozenset(c) for c in g.subs])
            if best_w is not None and (
                STOPWORDS.isdisjoint(best_w) or best_s is None or min(map(len, best_s)) < 5
            ):
                for w in best_w:
                    words.setdefault(w, []).append(j)
            elif best_s is not None:
                for t in best_s:
                    lits.setdefault(t, []).append(j)
            else:
                self.alts = None  # no prefilter: always the whole regex
                break
        self.words = frozenset(words)
        self.word_alts = words
        self.lits = tuple(sorted(lits, key=lambda x: (-len(x), x)))
        self.lit_alts = lits

    def candidates(self, low: str, plain: bool, toks) -> list[int] | None:
        """The alternatives worth trying (None: try the whole regex)."""
        if self.alts is None or not plain:
            return None
        cand: list[int] = []
        if toks is not None:
            for w in self.words.intersection(toks):
                cand += self.word_alts[w]
        else:
            for w in self.words:
                if w in low:  # (a word of the line is in its text)
                    cand += self.word_alts[w]
        for t in self.lits:
            if t in low:
                cand += self.lit_alts[t]
        return cand

    def _hit(self, s: str, low: str | None, plain: bool | None, toks):
        """``rx.search(s)`` when the prefilters cannot be used, else True if
        an alternative occurs in *s* (None if none does)."""
        if plain is None:
            plain = s.isascii() or TRICKY.search(s) is None
        if low is None:
            low = s.lower()
        cand = self.candidates(low, plain, toks)
        if cand is None:
            return self.rx.search(s)
        for j in cand:
            g, rx = self.alts[j]  # type: ignore[index]
            if g.ok(low, toks) and rx.search(s) is not None:
                return True
        return None

    def search(self, s: str, low: str | None = None, plain: bool | None = None, toks=None):
        """``rx.search(s)``, or None at once when the prefilters rule a match out."""
        hit = self._hit(s, low, plain, toks)
        return self.rx.search(s) if hit is True else hit

    def any(self, s: str, low: str | None = None, plain: bool | None = None, toks=None) -> bool:
        """Does any alternative occur in *s*?"""
        return self._hit(s, low, plain, toks) is not None


class _Alts:
    """Alternatives split into anchored ones (tried with ``match``, behind
    the first-character prefilter) and floating ones (``search``, behind
    the literal prefilters)."""

    __slots__ = ("anchored", "floating", "a_src", "f_src")

    def __init__(self, alts: tuple[str, ...]):
        a = [x[1:] for x in alts if x.startswith("^")]
        f = [x for x in alts if not x.startswith("^")]
        self.a_src, self.f_src = a, f
        self.anchored = _Anchored([(None, a)]) if a else None
        self.floating = _Prefiltered(f) if f else None

    def search(self, s: str, low: str | None = None, plain: bool | None = None, toks=None) -> bool:
        if self.anchored is not None and self.anchored.match(s, low, plain, toks):
            return True
        return self.floating is not None and self.floating.any(s, low, plain, toks)

    match = search


def _rx(*alts: str) -> _Alts:
    return _Alts(alts)


# -- Whole-line matches (the line, normalised, is exactly one of these) ----

#: Headers that open a comment section; everything after them is comments.
COMMENTS_HEADER = _rx(
    r"^\d+\s+(?:comments?|responses?|replies|reactions? and comments)\s*[:.]?$",
    r"^(?:no|zero|one|two|three)\s+(?:comments?|responses?|replies)(?:\s+yet)?\s*[:.]?$",
    r"^comments?\s*(?:\(\d+\)|\d+)?\s*[:.]?$",
    r"^(?:leave|post|add|write|submit)\s+(?:a|your|new)\s+(?:comment|reply|response)\b.{0,40}$",
    r"^(?:join|start)\s+the\s+(?:discussion|conversation|debate)\b.{0,30}$",
    r"^notify\s+of\s*:?$",
    r"^(?:view|show|load|see|read)\s+(?:all\s+|more\s+)?\d*\s*comments?\b.{0,20}$",
    r"^comment\s+on\s+this\s+(?:article|story|post)\b.{0,60}$",
    r"^(?:what\s+do\s+you\s+think|have\s+your\s+say)\s*\??$",
    r"^discussion\s*(?:\(\d+\))?$",
    r"^(?:sort|order)(?:ed)?\s+by\s*:?\s*(?:newest|oldest|best|top|popular)",
    r"\bdisqus\b",
    r"^(?:deixe|deja|lascia|laisser|laissez|schreibe|hinterlasse)\s+(?:uma?|una?|un|einen)\s+"
    r"(?:resposta|respuesta|risposta|réponse|coment[aá]rio|comentario|commento|commentaire|kommentar|antwort)\b.{0,40}$",
    r"^\d*\s*(?:coment[aá]rios?|comentarios?|commentaires?|commenti|kommentare?|komentar|komentarze|reacties|комментарии|комментариев|комментарий|評論|评论|コメント)\s*(?:\(\d+\))?\s*:?$",
    r"^reader\s+comments?$",
    r"^(?:top|most|best|highest|recent|latest|featured)(?:\s+(?:rated|voted|recent|popular|liked))?\s+comments?\s*:?$",
    r"^comments?\s+(?:are\s+closed|for\s+this\s+(?:thread|article|post)|policy)\b.{0,60}$",
    r"^conversation\s*(?:\(\d+\))?$",
)

#: Lines that are comment-widget furniture (also valid outside the tail).
COMMENTS_LINE = _rx(
    r"^(?:newest|oldest|most\s+voted|best|top|popular)(?:\s+(?:newest|oldest|most\s+voted))*$",
    r"^newest\s+most\s+voted$",
    r"^inline\s+feedbacks?$",
    r"^would\s+love\s+your\s+thoughts,?\s+please\s+comment\.?x?$",
    r"^(?:guest|anonymous)$",
    r"^(?:reply|report|flag|like|share|permalink|edit|delete)(?:\s*[·|]\s*(?:reply|report|flag|like|share|permalink))*$",
    r"^(?:posted\s+|updated\s+)?\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\b.{0,24}$",
    r"^(?:rating|score|votes?|points?)\s*:?\s*[-+]?\d+\s*(?:votes?|points?)?$",
    r"^(?:log\s*in|sign\s*in|register)\s+to\s+(?:comment|reply|post)\b.*$",
    r"^you\s+must\s+be\s+logged\s+in\b.*$",
    r"^your\s+email\s+address\s+will\s+not\s+be\s+published\b.*$",
    r"^(?:name|e-?mail|website)\s*\*$",
    r"^save\s+my\s+name,\s+email\b.*$",
    r"^(?:post|submit)\s+comment$",
    r"^cancel\s+reply$",
)

REACTIONS_HEADER = _rx(
    r"^what'?s\s+your\s+reaction\s*\??$",
    r"^how\s+do\s+you\s+feel\s+about\s+this\b.*\??$",
    r"^(?:your\s+)?reactions?\s*:?$",
    r"^did\s+you\s+(?:like|enjoy)\s+this\s+(?:article|story|post)\s*\??$",
    r"^was\s+this\s+(?:article|story|post)?\s*helpful\s*\??$",
)
REACTION_WORDS = frozenset(
    "like dislike love funny angry sad wow haha lol omg cute scary fail win "
    "happy surprised upvote downvote thumbs up down hate confused".split()
)

SHARE_LINE = _rx(
    r"^(?:share|tweet|email|e-mail|print|pin|save|copy\s+link|copy|whatsapp|facebook|twitter|x|"
    r"linkedin|reddit|pinterest|telegram|messenger|flipboard|tumblr|pocket|sms|mail|"
    r"google\+|vk|weibo|line|viber|threads|bluesky|mastodon|share\s+on\s+\w+|share\s+via\s+\w+)"
    r"(?:\s*[|/·,•]?\s*(?:share|tweet|email|e-mail|print|pin|save|whatsapp|facebook|twitter|"
    r"linkedin|reddit|pinterest|telegram|messenger|flipboard|sms|mail|google\+|copy\s+link))*\s*:?$",
    r"^share\s+(?:this|the)\s*(?:article|story|post|page)?\s*:?$",
    r"^(?:share|spread)\s+the\s+(?:word|love)\s*!?$",
    r"^(?:like|enjoy(?:ed)?|love)\s+this\s+(?:story|article|post)\s*\?\s*share\b.{0,40}$",
    r"^[\d\s.,kKmM]*\s*(?:shares?|views?|likes?|comments?)$",
    r"^(?:click\s+to\s+)?share\s+on\s+\w+.*$",
    r"^(?:click\s+to\s+)?(?:email|print)\s+(?:a\s+link\s+to\s+a\s+friend|this\s+(?:article|page|story))\b.*$",
)

NAV_LINE = _rx(
    r"^(?:home|homepage|about|about\s+us|contact|contact\s+us|privacy|privacy\s+policy|privacy\s*&\s*policy|"
    r"terms|terms\s+(?:of|and)\s+(?:use|service|conditions)|terms\s*&\s*conditions|cookie\s+policy|"
    r"menu|main\s+menu|search|sitemap|site\s+map|careers|jobs|advertise|advertise\s+with\s+us|"
    r"log\s*in|log\s*out|sign\s*in|sign\s*up|register|subscribe|my\s+account|account|help|faq|faqs|"
    r"skip\s+to\s+(?:main\s+)?content|back\s+to\s+top|top|next|previous|prev|more|close|"
    r"newsletters?|podcasts?|videos?|photos?|latest|latest\s+news|news|opinion|"
    r"accessibility|corrections|feedback|rss|rss\s+feeds?|archives?|press|masthead|staff|team|"
    r"editorial\s+(?:policy|standards)|ethics\s+policy|do\s+not\s+sell\s+my\s+(?:personal\s+)?info(?:rmation)?)"
    r"\s*[:>»›]?$",
    r"^follow\s+(?:us|me)\b.{0,40}$",
    r"^(?:find|like|join)\s+us\s+on\s+\w+.*$",
    r"^(?:©|\(c\)|copyright)\s*.{0,120}$",
    r".{0,80}\ball\s+rights\s+reserved\b.{0,60}$",
    r"^(?:powered|crafted|designed|developed)\s+(?:with|by)\b.{0,80}$",
    r"^(?:you\s+are\s+here|breadcrumbs?)\s*:?.*$",
    r"^tags?\s*:.*$",
    r"^(?:topics?|categories|category|filed\s+under|posted\s+in)\s*:.*$",
    r"^(?:topics|tags)(?:\s+\S+){1,8}$",
    r"^(?:menu|search)\s+(?:menu|search|close).*$",
)

COOKIE = _rx(
    r"\bcookies?\b.{0,200}\b(?:consent|accept|agree|browsing|experience|use\s+of|policy|settings|preferences)\b",
    r"\b(?:we|this\s+(?:site|website))\s+uses?\s+cookies\b",
    r"^(?:accept|reject|allow|manage)(?:\s+all)?(?:\s+cookies)?$",
    r"^(?:cookie|privacy)\s+(?:settings|preferences|consent)$",
    r"^(?:i\s+)?(?:agree|accept|got\s+it|ok,?\s+got\s+it)\s*!?$",
    r"\bgdpr\b",
)

AD = _rx(
    r"^(?:advertisement|advertisements|advertising|advert|ad|ads|sponsored|sponsored\s+content|"
    r"paid\s+content|promoted(?:\s+content)?|partner\s+content|story\s+continues\s+below(?:\s+advertisement)?|"
    r"article\s+continues\s+below(?:\s+advertisement)?|continue\s+reading\s+below|scroll\s+to\s+continue"
    r"(?:\s+with\s+content)?|ad\s+feedback|report\s+(?:this\s+)?ad|skip\s+ad|"
    r"content\s+continues\s+below)\s*[:\-–—]?$",
    r"^-+\s*advertisement\s*-+$",
)

CREDIT = _rx(
    r"^(?:photo|image|picture|video|illustration|graphic|source|credit|photograph|photography)s?"
    r"(?:\s+credits?)?\s*(?::|by)\s*.{0,120}$",
    r"^\(?(?:photo|image)\s+(?:by|courtesy\s+of|via)\b.{0,120}$",
    r"^(?:getty\s+images|shutterstock|ap\s+photo|reuters|afp|epa|istock(?:photo)?)\b.{0,80}$",
    r"^.{0,80}[/|]\s*(?:getty\s+images|shutterstock|ap|reuters|afp|epa|istock|ap\s+photo|for\s+the\s+\w+(?:\s+\w+)?)\s*\)?$",
)

RELATED_HEADER = _rx(
    r"^(?:related|related\s+(?:articles?|stories|posts?|content|news|coverage|reading|topics|links|videos?))\s*[:.]?$",
    r"^related\b(?:\s+\w+)?\s*:.{0,80}$",
    r"^more\s+(?:[\w'’-]+\s+){0,3}(?:stories|articles|news|posts|reads|coverage|videos|from\s+\w+)\b.{0,20}$",
    r"^(?:read|see|watch)\s+(?:more|also|next)\b.{0,80}$",
    r"^(?:also\s+read|also\s+on|also\s+see|see\s+also|more\s+reading|further\s+reading)\b.{0,80}$",
    r"^more\s+(?:from|in|on|stories|articles|news|like\s+this|to\s+explore)\b.{0,60}$",
    r"^(?:you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy|be\s+interested\s+in)|"
    r"recommended(?:\s+for\s+you|\s+stories|\s+reading)?|most\s+(?:popular|read|viewed|shared|commented)"
    r"(?:\s+\w+){0,2}|trending(?:\s+\w+){0,2}|popular(?:\s+\w+){0,2}|top\s+stories|editor'?s\s+picks?|"
    r"what\s+to\s+read\s+next|up\s+next|recent\s+posts?|latest\s+(?:stories|posts|articles|news)|"
    r"around\s+the\s+web|from\s+the\s+web|sponsored\s+stories|don'?t\s+miss|more\s+news|"
    r"in\s+case\s+you\s+missed\s+it|keep\s+reading|next\s+article|previous\s+article|"
    r"(?:next|previous|prev)\s+post|random\s+posts)\s*[:.!]?$",
)

PROMO = _rx(
    r"\b(?:sign\s+up|subscribe)\b.{0,80}\b(?:newsletters?|inbox|email|updates|alerts)\b",
    r"\bnewsletters?\b.{0,80}\b(?:sign\s+up|subscribe|inbox|delivered)\b",
    r"\b(?:delivered|direct|straight)\s+(?:straight\s+)?to\s+your\s+inbox\b",
    r"\b(?:support|fund)\s+(?:our|independent)\s+(?:journalism|reporting|work)\b",
    r"\b(?:become\s+a\s+(?:member|subscriber|patron)|donate\s+(?:now|today))\b",
    r"\b(?:download|get)\s+(?:our|the)\s+(?:free\s+)?app\b",
    r"^(?:subscribe|sign\s+up)(?:\s+(?:now|today|here|for\s+free))?\s*[!.]?$",
    r"^(?:already\s+a\s+subscriber|subscribe\s+to\s+\w+|start\s+your\s+(?:free\s+)?trial)\b.{0,80}$",
    r"\b(?:bypass\s+the\s+censors)\b",
    r"\b(?:enter\s+your\s+email|your\s+email\s+address)\b.{0,40}$",
    r"^get\s+(?:all\s+)?(?:the\s+)?latest\b.{0,60}\b(?:inbox|delivered|email)\b.*$",
    r"\bunlimited\s+(?:digital\s+)?access\b",
    r"\bsubscribe\s+to\s+(?:our|the)\b",
    r"\bunsubscribe\s+at\s+any\s+time\b",
    r"^no\s+spam\b",
    r"\bclick\s+here\s+(?:for\s+more\s+info(?:rmation)?|to\s+(?:subscribe|sign\s+up|order|buy|download|register))\b",
    r"\b\d+\s+issues\s+for\b",
    r"\bopt-?in\b.{0,60}\b(?:box|newsletter|email|subscribe)\b",
    r"^thanks?\s+(?:you\s+)?for\s+(?:signing\s+up|subscribing)\b",
    r"\bkeep\s+an\s+eye\s+on\s+your\s+inbox\b",
    r"\bcan\s+send\s+me\b.{0,80}\bnewsletters?\b",
)

SYNDICATION = _rx(
    r"\bcontent\s+created\s+by\b.{0,80}\bavailable\b",
    r"\bavailable\s+without\s+charge\b",
    r"\b(?:re)?publish(?:ed|ing)?\s+(?:this|our)\s+(?:article|story|content)\b.{0,80}\b(?:licen[cs]e|permission|free)\b",
    r"\blicensing\s+opportunities\b",
    r"\b(?:this|the)\s+(?:article|story|post|piece)\s+(?:was|is|has\s+been)\s+(?:originally\s+|first\s+)?"
    r"(?:published|republished|reprinted|syndicated|reproduced|appeared)\b.{0,60}\b(?:on|in|by|with|from|at)\b",
    r"\b(?:reprinted|republished|reproduced)\s+(?:here\s+)?with\s+(?:the\s+)?permission\b",
    r"\boriginally\s+(?:published|appeared)\s+(?:on|in|at)\b",
    r"\bcreative\s+commons\b.{0,80}\blicen[cs]e\b",
    r"\b(?:distributed|syndicated)\s+by\b.{0,60}$",
    r"^(?:source|via)\s*:\s*.{0,80}$",
)

DISCLAIMER = _rx(
    r"\bviews\s+(?:and\s+opinions\s+)?expressed\b.{0,120}\b(?:do\s+not|don'?t|are\s+(?:those|solely))\b",
    r"\bdo(?:es)?\s+not\s+(?:necessarily\s+)?reflect\s+the\s+(?:views|opinions?|position|policy)\b",
    r"\b(?:not|does\s+not\s+constitute)\s+(?:financial|investment|medical|legal|professional)\s+advice\b",
    r"\bfor\s+(?:general\s+)?informational\s+purposes\s+only\b",
    r"^disclaimers?\s*:?",
    r"\b(?:we|the\s+author)\s+may\s+(?:earn|receive)\s+(?:a\s+)?(?:commission|compensation)\b",
    r"\baffiliate\s+(?:links?|commission)\b",
    r"^(?:editor'?s\s+note|disclosure)\s*:",
)

AUTHOR_BIO = _rx(
    r"^about\s+the\s+(?:author|writer|contributor)s?\s*:?",
    r"^(?:[A-Z][\w'’.-]+\s+){1,3}(?:\([^()]{1,40}\)\s+)?(?:is|was)\s+(?:an?|the)\s+(?:[\w-]+\s+){0,6}"
    r"(?:journalist|writer|reporter|editor|author|contributor|columnist|correspondent|blogger|analyst|"
    r"freelancer|producer|photographer|commentator|researcher|fellow|student|professor|novelist|poet)\b",
    r"^(?:[A-Z][\w'’.-]+\s+){0,3}I\s+am\s+(?:just\s+)?(?:an?|the)\s+\w+",
    r"\b(?:follow|reach|contact|email)\s+(?:him|her|them)\s+(?:on|at|via)\b",
    r"^(?:more\s+)?(?:articles|stories|posts)\s+by\s+(?:this\s+)?(?:author|\w+)\s*:?$",
    r"^(?:view|see)\s+all\s+(?:posts|articles|stories)\s+by\b.{0,60}$",
)

#: Notices about the page itself, not the article ("requires JavaScript").
PAGE_NOTICE = re.compile(
    r"\b(?:requires?|enable|turn\s+on|activate)\s+javascript\b|\bjavascript\s+(?:is\s+)?(?:disabled|required)\b|"
    r"\byour\s+browser\s+(?:does\s+not|doesn'?t)\s+support\b|\bupgrade\s+your\s+browser\b|"
    r"\bloading\s*(?:\.\.\.|…)\s*$",
    re.I,
)

#: A comment section's rules, said just above the comments.
COMMENT_POLICY = _Prefiltered([
    r"\b(?:please\s+be\s+(?:respectful|civil|kind)|comments?\s+(?:policy|guidelines)|community\s+"
    r"(?:guidelines|standards|rules)|(?:keep|be)\s+(?:the\s+)?(?:comments|discussion|conversation)\s+civil|"
    r"comments\s+are\s+(?:moderated|closed|reviewed))\b",
])

#: Lines that open with a pointer to another story, whatever their length.
RELATED_LEAD = re.compile(
    r"^(?:also\s+on\s+\S+\.\w+|also\s+read\s*:|read\s+(?:more|also|next)\s*:|related\s*:|see\s+also\s*:|"
    r"more\s+on\s+this\s*:|recommended\s*:|watch\s*:|listen\s*:)",
    re.I,
)

#: "About the author" / "About Jane Doe" box headers.
BIO_HEADER = re.compile(
    r"^(?i:about|sobre|über|a\s+propos\s+de|à\s+propos\s+de|acerca\s+de|o\s+autorze)\s+"
    r"(?:(?i:the\s+(?:author|writer)s?)|[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,3})\s*:?$"
)

#: Copyright and "first published" lines: the page footer has begun.
FOOTER_START = _rx(
    r"^(?:©|\(c\)|copyright\b)",
    r"\ball\s+rights\s+reserved\b",
    r"^(?:first\s+)?published\s+(?:on\s+)?\w+\s+\d{1,2},?\s+\d{4}\b.{0,30}$",
)

#: Section names a page puts on its own line near the headline.
SECTIONS = frozenset(
    """politics world business economy markets finance money tech technology science health
    sports sport entertainment culture arts lifestyle life travel food opinion opinions
    environment climate education media style fashion us u.s. uk europe asia africa
    national local nation international crime justice law security defense defence
    military energy autos cars religion books music film movies tv television
    investigations investigation analysis commentary editorial editorials features
    weather real estate property science & tech sci-tech""".split()
) | {"real estate", "science & tech", "us news", "world news", "middle east", "personal finance"}

#: Words that suggest a short line names a publication.
OUTLET_WORDS = re.compile(
    r"\b(?:media|news|group|times|post|journal|daily|press|network|magazine|herald|tribune|"
    r"gazette|chronicle|observer|guardian|telegraph|wire|report|review|insider|today|weekly|"
    r"broadcasting|radio|tv|television|channel|publishing|publications?|digest|ledger|"
    r"courier|monitor|dispatch|bulletin|examiner|inquirer|sentinel|star|globe|mail|express|"
    r"independent|standard|register|record|times-\w+)\b",
    _I,
)

#: Lines that name the site in a promo: "Like Blaze News?", "Enjoy X?", "Support X".
OUTLET_IN_PROMO = re.compile(
    r"^(?i:like|love|enjoy|enjoying|support)\s+((?:[A-Z][\w&'’.-]*\s?){1,4})\s*\?", re.UNICODE
)


def _combine(fams: list[tuple[str, _Alts]]):
    """One anchored and one floating matcher over several families; the
    group that matched names the family (earlier families win)."""
    names: dict[str, str] = {}
    a_groups, f_parts, f_alts = [], [], []
    for k, (fam, alts) in enumerate(fams):
        if alts.a_src:
            names[f"a{k}"] = fam
            a_groups.append((f"a{k}", alts.a_src))
        if alts.f_src:
            names[f"f{k}"] = fam
            f_parts.append(f"(?P<f{k}>" + "|".join(f"(?:{x})" for x in alts.f_src) + ")")
            f_alts += alts.f_src
    return _Anchored(a_groups), _Prefiltered(f_alts, named="|".join(f_parts)), names


SHORT_ANCHORED, SHORT_FLOATING, SHORT_NAMES = _combine([
    ("comments", COMMENTS_HEADER), ("comments", COMMENTS_LINE), ("reactions", REACTIONS_HEADER),
    ("advertisement", AD), ("share-counter", SHARE_LINE), ("related", RELATED_HEADER),
    ("credit", CREDIT), ("navigation", NAV_LINE),
])


def short_family(t: str, low: str | None = None, plain: bool | None = None, toks=None,
                 floating: bool = True) -> str | None:
    """The family of a short line, from all the short-line phrase lists at once.

    *low* (``t.lower()``), *plain* (no TRICKY character in *t*) and *toks*
    (its words) may be passed when the caller has them; *floating* False
    when FLOATING_WORDS says no floating phrase can occur."""
    g = SHORT_ANCHORED.first(t, low, plain)
    if g is not None:
        return SHORT_NAMES[g]  # type: ignore[index]
    if not floating:
        return None
    m = SHORT_FLOATING.search(t, low, plain, toks)
    if m is None:
        return None
    return SHORT_NAMES[m.lastgroup]  # type: ignore[index]


#: The prose-shaped notices, in the order their families are tried.
LONG_FAMILIES = [("cookie", COOKIE), ("syndication", SYNDICATION), ("disclaimer", DISCLAIMER), ("promo", PROMO)]
_LONG_ANCHORED = _Anchored([(f"a{k}", alts.a_src) for k, (_, alts) in enumerate(LONG_FAMILIES) if alts.a_src])
_LONG_NAMES = {f"a{k}": fam for k, (fam, _) in enumerate(LONG_FAMILIES)}


def long_family(t: str, low: str, plain: bool, toks, floating: bool = True) -> str | None:
    """The first of LONG_FAMILIES whose phrases *t* holds (as trying each
    family's anchored then floating phrases in turn would find), with one
    anchored match for all. *floating*: False when FLOATING_WORDS says no
    floating phrase can occur."""
    g = _LONG_ANCHORED.first(t, low, plain)
    first = _LONG_NAMES[g] if g is not None else None  # type: ignore[index]
    if not floating:
        return first
    for fam, alts in LONG_FAMILIES:
        if fam == first:
            return fam
        if alts.floating is not None and alts.floating.any(t, low, plain, toks):
            return fam
    return None


def _words_only(*ps: _Prefiltered) -> frozenset[str] | None:
    """The union of the prefilters' words, if each reads words only."""
    out: set[str] = set()
    for p in ps:
        if p.alts is None or p.lits:
            return None
        out |= p.words
    return frozenset(out)


#: A line (without TRICKY characters) none of whose words is here holds no
#: floating phrase of the short lines, the comment policy or LONG_FAMILIES.
FLOATING_WORDS = _words_only(
    SHORT_FLOATING, COMMENT_POLICY, *(alts.floating for _, alts in LONG_FAMILIES if alts.floating is not None)
)
