"""The text rules: units -> article (metadata, body blocks, removed blocks).

Decisions, in order:

1. Features of every unit: words, stopword density, closing punctuation,
   and the phrase family it matches, if any (supporting evidence only).
2. The comments rule: after a comment/reaction widget header that follows
   the article's prose, everything is page furniture.
3. Headline, standfirst and metadata lines near the headline.
4. The main run of prose: the maximum-sum segment of per-unit scores
   (prose scores by its length, furniture costs), as in boilerpipe's and
   jusText's density ideas.
5. Inside that run, context decides short units (headings before prose,
   a quotation after a line ending in ``:``, short lines between paragraphs),
   repetitions and stray artifacts go; outside it everything goes, each
   with the family name of what it looks like.
"""

from __future__ import annotations

import re

from tui.core.clean import patterns as P
from tui.core.clean.meta import (
    looks_like_outlet,
    looks_like_section,
    parse_byline,
    parse_dateline,
    short_title,
)
from tui.core.clean.stopwords import STOPWORDS
from tui.core.clean.units import Unit, plain_start
from tui.core.model import CAPTION, HEADING, ITEM, PARAGRAPH, QUOTE, Article, Block, Removed

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
class _AtEnd:
    """A regex anchored at the end, tried on the last few characters only
    (``search`` on a whole paragraph would scan every position)."""

    __slots__ = ("rx", "n", "must_end")

    def __init__(self, pattern: str, n: int, must_end: str = "", flags: int = 0):
        self.rx, self.n, self.must_end = re.compile(pattern, flags), n, must_end

    def search(self, s: str):
        if self.must_end and not s.endswith(self.must_end):
            return None
        return self.rx.search(s[-self.n:])


_END_PUNCT = _AtEnd(r"[.!?…:;。！？：；][\"'”’)\]»」』）]*$|[\"”’»」』]$", 16)
_SENT_PUNCT = _AtEnd(r"[.!?…。！？][\"'”’)\]»」』）]*$", 16)
_CAPTION_TAIL = _AtEnd(
    r"\((?:[^()]*\b(?:photo|photograph|image|picture|credit|courtesy|getty|reuters|afp|file|shutterstock)\b[^()]*)\)$",
    400, ")", re.I,
)
_URL_END = re.compile(r"\s*https?://\S+$")
_HAS_ALPHA = re.compile(r"[^\W\d_]")
_INNER_PUNCT = re.compile(r"[,.;:](?=\s)|[，。、；：]")
_DATE_BY = re.compile(r"^(.{6,60}?)\s+by\s+([A-Z].{1,60})$")
_COUNTER = re.compile(r"^[\d.,]+[kKmM]?(?:\s+[\d.,]+[kKmM]?)+$")

# Weak widget headers: single words that a real subheading may also use.
_WEAK_HEADER = re.compile(r"^(?:comments?|discussion|conversation|reactions?|your\s+reaction)\s*:?$", re.I)

TAIL_CAP = 1_000_000


_KEYWORD = re.compile(r"\w+")


def _norm(s: str) -> str:
    return " ".join(_KEYWORD.findall(s.lower())) if s else ""


def _key(u: Unit) -> str:
    k = u.key
    if k is None:
        k = u.key = " ".join(_KEYWORD.findall(u.text.lower()))
    return k


_DIGIT = re.compile(r"\d")  # (every _NUM_TOKENS match has one)
_NUM_TOKENS = re.compile(r"(?<!\S)[-+]?[\d.,:%]*\d[\d.,:%]*(?!\S)")


def _mark_tables(units: list[Unit]) -> None:
    """Runs of 4+ short lines that are mostly numbers: a table's rows."""
    n = len(units)
    rowish = []
    for u in units:
        t = u.text
        if len(t) > 200:
            rowish.append(False)
            continue
        ntok = t.count(" ") + 1
        nums = len(_NUM_TOKENS.findall(t)) if 3 <= ntok <= 24 and _DIGIT.search(t) else 0
        rowish.append(nums >= 3 and nums >= 0.35 * ntok)
    i = 0
    while i < n:
        if not rowish[i]:
            i += 1
            continue
        j = i
        while j < n and rowish[j]:
            j += 1
        if j - i >= 4:
            lo = i - 1 if i > 0 and 2 <= len(units[i - 1].text.split()) <= 16 and not units[i - 1].ends else i
            for u in units[lo:j]:
                u.table = True
        i = j
    # Numbered lists: items 1, 2, 3... (a line or two between items allowed).
    items = [k for k, u in enumerate(units) if u.num]
    k = 0
    while k < len(items):
        m = k
        while m + 1 < len(items) and units[items[m + 1]].num == units[items[m]].num + 1 and items[m + 1] - items[m] <= 3:
            m += 1
        if m - k >= 2 and units[items[k]].num <= 2:
            for u in units[items[k]: items[m] + 1]:
                u.table = True
        k = m + 1


_IS_STOP = STOPWORDS.__contains__


#: Non-word characters a white-space-separated token may carry around a
#: plain word ("(word),"): stripped before testing it for letters. The
#: apostrophes are among them: _WORD joins letters across an apostrophe
#: only between letters of the same token. (A test guards the set.)
_TOKEN_EDGE = ".,;:!?\"()[]{}<>“”‘„«»‹›—–-…/\\|*#~=+&%$@^`'’"


def _odd_token(s: str, words: list[str], keys: list[str]) -> None:
    """The words and \\w+ runs of a stripped token that is not all letters."""
    if not s:
        return  # punctuation only
    if s.isdecimal():
        keys.append(s)  # a number: a \w+ run, no word
        return
    a, sep, b = s.partition("’" if "’" in s else "'")
    if sep and a.isalpha() and b.isalpha():
        words.append(s)  # "it's": one word, two runs
        keys.append(a)
        keys.append(b)
        return
    a, sep, b = s.partition("-")
    if sep and a.isalpha() and b.isalpha():
        words.append(a)  # "well-known": two of each
        words.append(b)
        keys.append(a)
        keys.append(b)
        return
    words += _WORD.findall(s)
    keys += _KEYWORD.findall(s)


def _features(u: Unit) -> None:
    text = u.text
    low = u.low = text.lower()
    # The words (_WORD) and the key's \w+ runs, found together: neither
    # crosses white space, and a token that is letters once its edges are
    # stripped is one of each; the commonest other shapes are read by
    # _odd_token, the rest by the regexes. Until the first such token the
    # two lists are the same (one is built).
    words: list[str] = []
    keys: list[str] | None = None
    tokens = iter(low.split())
    for t in tokens:
        if not t.isalpha():
            s = t.strip(_TOKEN_EDGE)
            if not s.isalpha():
                keys = words.copy()
                _odd_token(s, words, keys)
                break
            t = s
        words.append(t)
    if keys is None:
        keys = words
    else:
        for t in tokens:
            if not t.isalpha():
                s = t.strip(_TOKEN_EDGE)
                if not s.isalpha():
                    _odd_token(s, words, keys)
                    continue
                t = s
            words.append(t)
            keys.append(t)
    u.words = words
    u.key = " ".join(keys)
    u.toks = keys  # (a list: a set is made only for the few units the phrase lists may match)
    u.plain = text.isascii() or P.TRICKY.search(text) is None
    nw = u.nw = len(words)
    if words and text[0] >= "\u2e80" or (words and len(words[0]) > 6 and words[0][0] >= "\u2e80"):
        # Chinese / Japanese: no spaces between words; count about two characters a word.
        nw = u.nw = nw + sum(len(w) // 2 for w in words if w[0] >= "\u2e80")
    ends = u.ends = bool(_END_PUNCT.search(text)) or (
        "http" in text and bool(_URL_END.search(text)) and bool(_END_PUNCT.search(_URL_END.sub("", text)))
    )
    # Prose: long enough and either function-word rich or sentence-shaped.
    if ends and nw >= 15:
        u.good = True  # (the stopword ratio is not needed: left at 0)
        return
    if nw < 6:
        u.good = False
        return
    sw = u.sw = sum(map(_IS_STOP, words)) / len(words) if words else 0.0
    u.good = (nw >= 10 and sw >= 0.2 and (ends or nw >= 25)) or (
        nw >= 30 and len(_INNER_PUNCT.findall(text)) >= 2) or (
        sw >= 0.25 and bool(_SENT_PUNCT.search(text))
    )


def _same_reading(u: Unit, v: Unit) -> None:
    """Give *u* what _features, _family and the artifact test found for *v*,
    a unit with the same text."""
    u.words, u.nw, u.sw, u.ends, u.good = v.words, v.nw, v.sw, v.ends, v.good
    u.key, u.low, u.toks, u.plain, u.footer = v.key, v.low, v.toks, v.plain, v.footer
    u.fam, u.reason = v.fam, v.reason


def _is_artifact(u: Unit) -> bool:
    if len(u.text) > 8:
        return _HAS_ALPHA.search(u.text) is None
    letters = sum(map(str.isalpha, u.text))
    if letters == 0:
        return True
    return len(u.text) <= 4 and letters <= 2 and u.text.lower() not in ("i", "a", "ok", "no", "yes")


_WRAP = "[]()<>{}|•·*-–—=#~ "


def _ascii_starts(rx: re.Pattern[str]) -> frozenset[str]:
    """The ASCII characters a ``match`` of *rx* can start with (all of them
    when patterns.first_chars cannot tell). A line starting with another
    ASCII character (or empty) does not match; non-ASCII ones are tried."""
    f = P.first_chars(rx.pattern, rx.flags)
    return f if f is not None else frozenset(map(chr, range(128)))


_BIO_STARTS = _ascii_starts(P.BIO_HEADER)
_RELATED_STARTS = _ascii_starts(P.RELATED_LEAD)


def _family(u: Unit) -> str | None:
    """The junk family a unit's wording suggests (None if it looks like prose)."""
    t = u.text.strip(_WRAP) or u.text
    # The phrase lists' prefilters read the unit's lower-cased text and
    # words (_features): stripping _WRAP changes neither its \w+ runs nor
    # which strings its text holds.
    low = u.low if t is u.text else t.lower()
    plain, toks = u.plain, u.toks
    # Most lines hold none of the words any floating phrase needs.
    floating = not plain or P.FLOATING_WORDS is None or not P.FLOATING_WORDS.isdisjoint(toks)  # type: ignore[arg-type]
    if floating and toks is not None:
        toks = set(toks)
    short = u.nw <= 12 and len(t) <= 120
    c = t[:1]
    if short:
        fam = P.short_family(t, low, plain, toks, floating)
        if fam is None and t.endswith((".", "…")):
            fam = P.short_family(t.rstrip(".…"), low, plain, toks, floating)
        if fam is not None:
            return fam
        if (c in _BIO_STARTS or c >= "\x80") and P.BIO_HEADER.match(t):
            return "author-bio"
    if (c in _RELATED_STARTS or c >= "\x80") and P.RELATED_LEAD.match(t):
        return "related"
    if u.nw <= 20 and "newsletter" in low:
        return "promo"
    if floating and len(t) <= 300 and P.COMMENT_POLICY.search(t, low, plain, toks):
        return "comments"
    if len(t) <= 200 and ("javascript" in low or "browser" in low or "loading" in low) \
            and P.PAGE_NOTICE.search(t):
        return "artifact"
    if len(t) <= 600:
        return P.long_family(t, low, plain, toks, floating)
    return None


def _boundary(u: Unit) -> bool:
    """A header that closes the article: Related, About the author, a footer."""
    if u.nw > 12:
        return False
    if u.fam in ("related", "author-bio"):
        return True
    f = u.footer
    if f is None:
        f = u.footer = P.FOOTER_START.search(u.text, u.low, u.plain, u.toks)
    return f


def _bio(u: Unit) -> bool:
    """Does the unit read like an author's bio?"""
    return P.AUTHOR_BIO.search(u.text, u.low, u.plain, u.toks)


def _bare_header(u: Unit) -> bool:
    """"Related stories", "More from X": a list header, not an inline link."""
    return u.nw <= 5 and ": " not in u.text


def _score(u: Unit) -> float:
    if _boundary(u):
        return -40.0 if u.fam == "related" else -1000.0
    if u.label is not None:          # decided already (meta, tail, title)
        return -6.0
    if u.fam is not None or u.reason is not None:
        return -6.0 if u.nw < 12 else -min(u.nw, 40) * 0.5
    if u.good:
        return float(min(u.nw, 80))
    if u.table:
        return 3.0
    if u.hint == "cap" or _CAPTION_TAIL.search(u.text):
        return 0.0
    if u.nw >= 5 and u.ends:
        return 1.0
    if u.nw <= 12 and not u.ends:
        return -2.0
    return -3.0


def _max_segment(scores: list[float]) -> tuple[int, int, float]:
    best, best_lo, best_hi = 0.0, 0, -1
    cur, lo = 0.0, 0
    for i, s in enumerate(scores):
        if cur <= 0:
            cur, lo = s, i
        else:
            cur += s
        if cur > best:
            best, best_lo, best_hi = cur, lo, i
    return best_lo, best_hi, best


def _headline_like(u: Unit) -> bool:
    if u.nw < 2 or u.nw > 30 or len(u.text) > 250:
        return False
    if _SENT_PUNCT.search(u.text) and not u.text.endswith(("?", "!", "?”", "!”", '?"', '!"')):
        return False
    if u.fam is not None or parse_dateline(u.text) is not None or parse_byline(u.text):
        return False
    return u.text[:1].isupper() or u.text[:1].isdigit() or not u.text[:1].isalpha()


_SITE_SUFFIX = re.compile(r"^(?P<title>.{12,}?)\s+(?:[|–—-]|::)\s+(?P<site>[A-Z][^|–—]{1,39}|[\w.-]+\.[a-z]{2,})$")


def _split_site(title: str) -> tuple[str, str | None]:
    m = _SITE_SUFFIX.match(title)
    if m and len(m.group("site").split()) <= 4:
        return m.group("title").strip(), m.group("site").strip()
    return title, None


def clean_units(units: list[Unit], *, markdown: bool = False, html_meta: dict | None = None) -> Article:
    art = Article()
    n = len(units)
    # Features and family are functions of the text alone: a line the page
    # repeats ("Reply", "Like", a comment's timestamp) is read once.
    by_text: dict[str, Unit] = {}  # each unit's text -> the first unit with it (its key known)
    for u in units:
        v = by_text.get(u.text)
        if v is not None:
            _same_reading(u, v)
            continue
        by_text[u.text] = u
        _features(u)
        u.fam = _family(u) if len(u.text) > 2 else None
        if u.fam is None and _is_artifact(u):
            u.reason = "share-counter" if _COUNTER.match(u.text) else "artifact"
    _mark_tables(units)
    good_words_before = [0] * (n + 1)
    for i, u in enumerate(units):
        good_words_before[i + 1] = good_words_before[i] + (u.nw if u.good and u.fam is None else 0)
    total_good = good_words_before[n]

    # -- 1. the tail rule: comment / reaction widgets end the article ----
    tail_at = None
    for i, u in enumerate(units):
        if u.fam not in ("comments", "reactions"):
            continue
        t = u.text.strip(_WRAP) or u.text
        if not (P.COMMENTS_HEADER.search(t) or P.REACTIONS_HEADER.search(t) or P.COMMENT_POLICY.search(t)):
            continue
        if good_words_before[i] < 60 or good_words_before[i] < 0.15 * total_good:
            continue
        if _WEAK_HEADER.match(u.text):
            nxt = units[i + 1] if i + 1 < n else None
            if nxt is not None and nxt.good and nxt.fam is None:
                u.fam = None  # a subheading named "Reaction", followed by prose
                continue
        tail_at = i
        break
    if tail_at is None:
        # No header, but the rhythm of a comment thread: names, "3 hours ago",
        # "Reply", again and again after the article's prose.
        marks = [i for i, u in enumerate(units) if u.fam == "comments"]
        for k, i in enumerate(marks):
            if good_words_before[i] < 60 or good_words_before[i] < 0.15 * total_good:
                continue
            if sum(1 for j in marks[k: k + 6] if j - i <= 12) >= 3:
                prev = units[i - 1] if i > 0 else None
                if prev is not None and 1 <= prev.nw <= 4 and not prev.ends and not prev.good:
                    i -= 1  # the commenter's name
                tail_at = i
                units[i].fam = "comments"
                break
    if tail_at is not None:
        fam = units[tail_at].fam or "comments"
        # Widget furniture just above the header belongs to it ("Subscribe").
        j = tail_at - 1
        while j >= 0 and tail_at - j <= 3 and units[j].nw <= 3 and not units[j].good and (
            units[j].fam in ("navigation", "comments", "share-counter", "reactions") or units[j].reason == "artifact"
        ):
            units[j].label, units[j].reason = "junk", fam
            j -= 1
        for u in units[tail_at:]:
            if u.fam in ("comments", "reactions") and u is not units[tail_at]:
                if P.COMMENTS_HEADER.search(u.text) or P.REACTIONS_HEADER.search(u.text):
                    fam = u.fam
            own = None
            if _bio(u):
                own = "author-bio"
            elif fam == "reactions" and u.text.lower() in P.REACTION_WORDS:
                own = "reactions"
            elif u.fam in ("comments", "reactions"):
                own = u.fam
            elif u.fam in ("promo", "syndication", "disclaimer", "cookie", "advertisement") and fam != "comments":
                own = u.fam
            elif u.fam in ("related", "navigation") and (u.nw <= 3 or _boundary(u)) and u.reason is None:
                own = u.fam  # "Most Read", a footer: page furniture after the comments
            u.label, u.reason = "junk", own or fam

    # -- 2. headline, standfirst, metadata near the headline -------------
    scores = [_score(u) for u in units]
    lo, hi, _ = _main_run(units, scores)
    no_prose = hi < lo
    title_i = None
    repeat_i = None
    if markdown:
        for i, u in enumerate(units[: max(lo, 1) + 1]):
            if u.hint == "h" and u.level == 1:
                title_i = i
                break
    if title_i is None and html_meta is not None:
        # HTML: the headline is a heading that matches the page's title, if any.
        want = _norm(_split_site(html_meta.get("title", ""))[0])
        for i, u in enumerate(units[: max(lo, 1) + 1]):
            if u.hint == "h" and want and _key(u) == want:
                title_i = i
                break
    elif title_i is None and n > 1 and units[0].label is None and 3 <= units[0].nw <= 40:
        # A saved page starts with its title bar ("Headline - Site"); the
        # headline proper comes again above the article.
        t0, site0 = _split_site(units[0].text)
        k0 = _norm(t0)
        for j in range(1, min(n, lo + 3)):
            if units[j].label is None and _key(units[j]) == k0:
                title_i, repeat_i = 0, j
                if site0 and not art.outlet:
                    art.outlet = site0
                break
    if title_i is None and no_prose and n > 1 and units[0].hint in ("p", "h") and units[0].label is None \
            and _headline_like(units[0]):
        title_i = 0  # no prose: the first line heads the poem, the list, the notes
    if title_i is None and not no_prose and not (markdown and html_meta is not None):
        cands = [i for i in range(min(lo, n)) if units[i].label is None and _headline_like(units[i])]
        if lo < n and units[lo].label is None and _headline_like(units[lo]):
            cands_by = cands + [lo]  # a headline may read like prose; its byline tells
        else:
            cands_by = cands
        if cands_by:
            # Prefer a headline the page repeats (title bar + headline), not a menu item.
            counts: dict[str, int] = {}
            for u in units:
                counts[_key(u)] = counts.get(_key(u), 0) + 1
            seen: dict[str, int] = {}
            title_i = None
            for i in cands:
                key = _norm(_split_site(units[i].text)[0])
                if key in seen and units[i].nw >= 3 and counts.get(_key(units[seen[key]]), 0) <= 3:
                    title_i = seen[key]
                    break
                seen[key] = i
            if title_i is None:
                # A headline is followed by its byline or dateline.
                for i in reversed(cands_by):
                    if looks_like_outlet(units[i].text) or looks_like_section(units[i].text):
                        continue
                    nxt = [v for v in units[i + 1: i + 3] if v.nw <= 14]
                    if any(parse_dateline(v.text) is not None or parse_byline(v.text) or ("by" in v.text and _DATE_BY.match(v.text))
                           for v in nxt[:2]):
                        title_i = i
                        # Headline, standfirst, byline: the line above is the headline.
                        if i - 1 in cands and units[i - 1].nw >= 3 and not looks_like_outlet(units[i - 1].text):
                            # ...unless the page's title bar says otherwise.
                            bar = set(units[0].words) - STOPWORDS if i - 1 > 0 else set()
                            if len(bar & set(units[i - 1].words)) + 2 > len(bar & set(units[i].words)):
                                title_i = i - 1
                        break
            if title_i is None and cands:
                # The last headline-like line right before the prose, else the first long one.
                near = [i for i in cands if lo - i <= 6]
                title_i = near[-1] if near and units[near[-1]].nw >= 4 else max(cands, key=lambda i: (units[i].nw >= 4, -i))
        elif lo == 0 and n and units[0].hint != "h" and _headline_like(units[0]) and units[0].nw >= 3 and len(units) > 1 and units[1].good:
            title_i = 0
    title_keys: set[str] = set()
    if title_i is not None:
        tu = units[title_i]
        title, site = (tu.text, None) if (markdown and tu.hint == "h") else _split_site(tu.text)
        art.title = title
        if site:
            art.outlet = site
        tu.label, tu.reason = "meta", "title"
        title_keys = {_norm(tu.text), _norm(title)}
        if repeat_i is not None and units[repeat_i].label is None:
            units[repeat_i].label, units[repeat_i].reason = "junk", "duplicate"
        _header_meta(units, title_i, art, markdown=markdown)
        if repeat_i is not None:
            _header_meta(units, repeat_i, art, markdown=markdown)

    # A masthead line at the very top names the outlet ("The Island Times").
    if art.outlet is None and n and title_i is not None and title_i > 0 and units[0].nw <= 5 \
            and looks_like_outlet(units[0].text) and units[0].label is None:
        art.outlet = units[0].text
        units[0].label, units[0].reason = "meta", "metadata"

    # Datelines and bylines anywhere outside the prose are metadata.
    for i, u in enumerate(units):
        if u.label is not None or u.nw > 14:
            continue
        if _meta_line(u, art, allow_outlet=False):
            continue

    # -- 3. repetitions ---------------------------------------------------
    seen_text: set[str] = set(title_keys)
    # A title we derived from the first paragraph is rendered as "# title"
    # right above it: that paragraph is not a repetition.
    after_title = None
    if markdown and title_i is not None and units[title_i].hint == "h":
        after_title = next((v for v in units[title_i + 1:] if v.label is None), None)
    # Text that recurs 3+ times, each time followed by its own paragraph, is
    # structure (an interview's questions), not repetition.
    followed: dict[str, list[str | None]] = {}
    for k, u in enumerate(units):
        if u.nw >= 2 and u.label is None:
            nxt = units[k + 1] if k + 1 < n else None
            ok = nxt is not None and nxt.good and nxt.fam is None and _key(nxt) != _key(u)
            followed.setdefault(_key(u), []).append(_key(nxt) if ok else None)  # type: ignore[union-attr]
    structural = {
        key for key, f in followed.items()
        if len(f) >= 3 and all(f) and len(set(f)) == len(f)  # each time a different answer
    }
    for u in units:
        key = _key(u)
        if not key:
            continue
        if key in seen_text and u.label is None and key not in structural and (
            key not in title_keys or u is not after_title
        ):
            u.reason = "duplicate"
        seen_text.add(key)

    # Text that repeats inside a longer paragraph (pull quotes, captions) goes.
    long_keys = [_key(u) for u in units if u.nw >= 12 and (
        (u.label is None and u.reason is None) or u.reason == "dek")]  # (a standfirst may become the body)
    long_text = "\n".join(long_keys)
    exact: dict[str, int] = {}
    for k in long_keys:
        exact[k] = exact.get(k, 0) + 1
    for u in units:
        if 6 <= u.nw <= 30 and u.label is None and u.reason is None:
            key = _key(u)
            if long_text.count(key) > exact.get(key, 0):
                u.reason = "duplicate"

    # A line right above an image credit is that image's caption.
    for k in range(1, n):
        u, prev = units[k], units[k - 1]
        if u.fam == "credit" and prev.label is None and prev.fam is None and prev.reason is None \
                and 3 <= prev.nw <= 25 and prev.hint == "p":
            prev.hint = "cap"

    # -- 4. the main run of prose -----------------------------------------
    scores = [_score(u) for u in units]
    lo, hi, _ = _main_run(units, scores)
    if hi >= lo:
        lo, hi = _extend(scores, lo, hi)
        # A marked-up heading ("## Part one") that leads into the run belongs to it.
        while lo > 0 and units[lo - 1].label is None and units[lo - 1].hint in ("h", "q") \
                and units[lo - 1].fam is None and units[lo - 1].reason is None:
            lo -= 1
        while hi + 1 < n and units[hi + 1].label is None and units[hi + 1].hint == "q" \
                and units[hi + 1].fam is None and units[hi + 1].reason is None:
            hi += 1
    _decide_region(units, lo, hi)

    # -- 5. outside the run: name every removed piece --------------------
    tail_start = tail_at if tail_at is not None else n
    after_fam: str | None = None
    after_n = 0
    for i, u in enumerate(units):
        if u.label is not None and u.label != "junk" and u.label != "meta":
            continue
        if u.label in ("junk", "meta"):
            if u.label == "meta":
                continue
            continue
        if i > hi and _boundary(u):
            after_fam, after_n = ("author-bio", 2) if u.fam == "author-bio" else ("related", 10**9)
        reason = u.reason or u.fam
        if reason is None:
            if after_fam == "author-bio" and after_n > 0:
                reason = "author-bio"
                after_n -= 1
            elif i > hi and _bio(u):
                reason = "author-bio"
            elif i < lo:
                reason = "navigation" if not u.good else "related"
            elif i < tail_start:
                reason = "related" if (after_fam or u.good) else "navigation"
        u.label, u.reason = "junk", reason or "navigation"
    # The outlet named by the site's own promo ("Like Blaze News?").
    if art.outlet is None:
        for u in units:
            if u.reason == "promo":
                m = P.OUTLET_IN_PROMO.match(u.text)
                if m:
                    art.outlet = m.group(1).strip()
                    break

    # No prose at all (a poem, a list, notes): keep the main run of plain
    # lines rather than show an empty article.
    no_body = not any(u.label in ("p", "q", "li", "cap") for u in units)
    dek_u = None
    if no_body and art.dek is not None:
        # A standfirst stands above a body: with none, it is read with the rest.
        dek_u = next((u for u in units if u.label == "meta" and u.reason == "dek"), None)
        if dek_u is not None:
            dek_u.label = dek_u.reason = None
            dek_u.hint = "cap"  # as our Markdown writes it ("*dek*"), whatever it was
            art.dek = None
            if dek_u.good:
                # Prose: read back, it is the article's whole main run.
                dek_u.label, no_body = "p", False
    if no_body:
        fb = [(-8.0 if (u.fam is not None or u.label == "meta" or u.reason in ("duplicate", "artifact")
                        or u.label == "junk" and u.reason not in ("navigation", "related"))
               else 0.0 if u.hint == "h" else float(u.nw) - 1.5) for u in units]
        flo, fhi, fbest = _max_segment(fb)
        if fhi >= flo and fbest >= 4 and sum(units[k].nw for k in range(flo, fhi + 1)) >= 8:
            for k in range(flo, fhi + 1):
                u = units[k]
                if fb[k] > -8 and u.nw >= 1:
                    u.label, u.reason = ("h" if u.hint == "h" else u.hint if u.hint in ("li", "q", "cap") else "p"), None
    if dek_u is not None and dek_u.label is None:
        art.dek = dek_u.text  # not taken as body either: it stays the standfirst
        dek_u.label, dek_u.reason = "meta", "dek"

    # A heading or two with nothing after them head nothing (a longer run of
    # headings is content set as headings, e.g. a recipe's steps).
    trailing = []
    for u in reversed(units):
        if u.label == "h":
            trailing.append(u)
        elif u.label in ("p", "q", "cap", "li"):
            break
    if len(trailing) <= 2:
        for u in trailing:
            u.label, u.reason = "junk", "navigation"

    # -- build -------------------------------------------------------------
    kinds = {"p": PARAGRAPH, "h": HEADING, "q": QUOTE, "cap": CAPTION, "li": ITEM}
    # Neighbouring removed units with the same reason are one Removed (a
    # menu, a comment thread, 400,000 junk lines: one entry, not one a line).
    run: list[str] = []
    run_reason, run_start, run_end = "", 0, 0

    def close_run() -> None:
        if run:
            art.removed.append(Removed("\n".join(run), run_reason, run_start, run_end))
            run.clear()

    for u in units:
        if u.label in kinds:
            close_run()
            text = plain_start(u.text) if u.label == "p" else u.text
            art.blocks.append(Block(kinds[u.label], text, u.start, u.end, u.level if u.label == "h" else 2))
        elif u.label in ("junk", "meta"):
            reason = "metadata" if u.label == "meta" else (u.reason or "navigation")
            if run and reason != run_reason:
                close_run()
            if not run:
                run_reason, run_start = reason, u.start
            run.append(u.text)
            run_end = u.end
    close_run()
    # Right under the title, "*text*" reads as a standfirst: a caption there
    # (with no standfirst) is shown as a paragraph so the Markdown stays unambiguous.
    if art.dek is None and art.blocks and art.blocks[0].kind == CAPTION:
        b = art.blocks[0]
        art.blocks[0] = Block(PARAGRAPH, plain_start(b.text), b.start_line, b.end_line)
    if html_meta:
        if not art.title and html_meta.get("title"):
            art.title = _split_site(html_meta["title"])[0]
        for k in ("author", "outlet", "section"):
            if getattr(art, k) is None and html_meta.get(k):
                setattr(art, k, html_meta[k])
        if art.published is None and html_meta.get("published"):
            art.published = html_meta["published"]
        if art.title:
            key = _norm(art.title)
            for b in list(art.blocks):
                if len(b.text) >= 3 * len(art.title) + 10:
                    continue
                v = by_text.get(b.text)  # (most blocks are a unit's text: its key is _norm of it)
                if (v.key if v is not None else _norm(b.text)) == key:
                    art.blocks.remove(b)
                    art.removed.append(Removed(b.text, "duplicate", b.start_line, b.end_line))
    if art.title:
        # As "# title" in Markdown, trailing hashes would read as closing marks.
        art.title = re.sub(r"\s+#+$", "", art.title) or art.title
    if not art.title and art.blocks:
        first = art.blocks[0]
        if first.kind == HEADING:
            # No headline: the body's first heading is the title (and leaves the body).
            art.title = first.text
            art.blocks.pop(0)
            art.removed.append(Removed(first.text, "metadata", first.start_line, first.end_line))
        else:
            art.title = short_title(first.text)
    # Our Markdown writes "outlet · By author · date · section" under the
    # title when any is known; with none known, a first paragraph of that
    # shape would be read back as that line: it is read as one here too.
    if not art.meta_line() and art.blocks and art.blocks[0].kind == PARAGRAPH and " · " in art.blocks[0].text:
        b = art.blocks[0]
        if _meta_from_line(Unit(b.text, 0, 1), Article()):
            _meta_from_line(Unit(b.text, 0, 1), art)
            art.blocks.pop(0)
            art.removed.append(Removed(b.text, "metadata", b.start_line, b.end_line))
    return art


def _main_run(units: list[Unit], scores: list[float]) -> tuple[int, int, float]:
    """The maximum-sum run of prose; but a "Related" list header followed by
    teasers (headline, summary, headline, summary...) ends the article even
    when the teasers outweigh it."""
    lo, hi, best = _max_segment(scores)
    if hi < lo:
        return lo, hi, best
    for b in range(hi + 1):
        u = units[b]
        if not (u.fam == "related" and _bare_header(u) and u.nw <= 12):
            continue
        pairs = goods = 0
        for k in range(b + 1, hi + 1):
            v = units[k]
            if v.good:
                goods += 1
                if k > b + 1 and _headline_like(units[k - 1]) and not units[k - 1].good:
                    pairs += 1
        if pairs >= 2 and pairs >= 0.5 * goods:
            plo, phi, pbest = _max_segment(scores[:b])
            if phi >= plo and (b > lo or pbest >= 0.25 * best):
                return plo, phi, pbest
    return lo, hi, best


def _extend(scores: list[float], lo: int, hi: int) -> tuple[int, int]:
    """Take in neighbouring prose runs that are large compared with the gap."""
    changed = True
    while changed:
        changed = False
        for side, step in ((hi + 1, 1), (lo - 1, -1)):
            reach = _reach(scores, side, step)
            if reach is not None:
                if step > 0:
                    hi = reach
                else:
                    lo = reach
                changed = True
    return lo, hi


def _reach(scores: list[float], j: int, step: int) -> int | None:
    """Walking from *j* by *step*, the farthest unit up to which the summed
    scores give the best gain above 8 (stopping once the sum drops below -30
    or at a unit of -40 or less); None when no gain is worth it."""
    acc, gain, best = 0.0, 0.0, None
    while 0 <= j < len(scores):
        acc += scores[j]
        if acc < -30 or scores[j] <= -40:
            break
        if acc > 8 and acc > gain:
            gain, best = acc, j
        j += step
    return best


def _meta_line(u: Unit, art: Article, *, allow_outlet: bool) -> bool:
    t = u.text
    if u.nw <= 14:
        m = _DATE_BY.match(t) if "by" in t else None
        if m and parse_dateline(m.group(1)) is not None and parse_byline("By " + m.group(2)):
            d = parse_dateline(m.group(1))
            if art.dateline is None:
                art.dateline, art.published = m.group(1), d[0]  # type: ignore[index]
            if art.author is None:
                art.author = parse_byline("By " + m.group(2))
            u.label, u.reason = "meta", "metadata"
            return True
        d = parse_dateline(t)
        if d is None and "|" in t:
            # "New Delhi, News Bureau | Updated : 19 November 2019, 09:01 AM"
            parts = [p.strip() for p in t.split("|")]
            dated = [p for p in parts if parse_dateline(p) is not None]
            if dated and all(len(p.split()) <= 6 for p in parts):
                d = parse_dateline(dated[0])
                t = dated[0]
        if d is not None:
            iso, _ = d
            if art.dateline is None:
                art.dateline = t
                art.published = iso
            u.label, u.reason = "meta", "metadata"
            return True
        name = parse_byline(t)
        if name:
            if art.author is None:
                art.author = name
                rest = t[t.find(name) + len(name):].lstrip(" |,·•-–—")
                if rest and art.dateline is None:
                    d = parse_dateline(rest)
                    if d is not None:
                        art.dateline, art.published = rest, d[0]
            u.label, u.reason = "meta", "metadata"
            return True
    if allow_outlet and u.nw <= 5:
        if looks_like_section(t):
            if art.section is None:
                art.section = t.strip(" :»›>|")
            u.label, u.reason = "meta", "metadata"
            return True
        if looks_like_outlet(t):
            if art.outlet is None:
                art.outlet = t
            u.label, u.reason = "meta", "metadata"
            return True
    return False


def _header_meta(units: list[Unit], title_i: int, art: Article, *, markdown: bool) -> None:
    """Standfirst and metadata lines right after the headline."""
    n = len(units)
    dek_done = False
    i = title_i + 1
    steps = 0
    gap = 0  # units skipped since the last headline/meta line
    meta_line_read = False
    while i < n and steps < 10 and gap < 3:
        u = units[i]
        steps += 1
        if u.label is not None:
            i += 1
            gap += u.label != "meta"
            continue
        if markdown and not meta_line_read and u.hint == "p" and " · " in u.text and _meta_from_line(u, art):
            meta_line_read = True  # (we write one such line)
            i += 1
            gap = 0
            continue
        if _meta_line(u, art, allow_outlet=gap <= 1):
            dek_done = True
            i += 1
            gap = 0
            continue
        if u.fam is not None or u.reason is not None or u.nw <= 2:
            i += 1
            gap += 1
            continue
        if not dek_done and (u.hint == "cap" or (u.good or u.nw >= 8)) and art.dek is None:
            nxt = next((v for v in units[i + 1: i + 4] if v.label is None and v.fam is None), None)
            no_stop = not _SENT_PUNCT.search(u.text)
            next_meta = nxt is not None and nxt.nw <= 14 and (
                parse_dateline(nxt.text) is not None or parse_byline(nxt.text) is not None
            )
            long_sub = markdown and u.hint == "h" and (u.nw >= 14 or (u.nw >= 10 and not no_stop))
            more = any(v.label is None for v in units[i + 1:])  # a dek stands above a body
            if more and ((markdown and u.hint == "cap") or long_sub or (
                not markdown and u.hint != "cap" and (no_stop or next_meta) and u.nw <= 60
            )):
                art.dek = u.text
                u.label, u.reason = "meta", "dek"
                dek_done = True
                i += 1
                continue
        break


def _meta_from_line(u: Unit, art: Article) -> bool:
    """Parse the ``outlet · By author · date · section`` line we render."""
    parts = [p.strip() for p in u.text.split(" · ") if p.strip()]
    if not parts or len(parts) > 4 or any(len(p) > 80 for p in parts):
        return False
    found: dict[str, str | None] = {}
    for k, p in enumerate(parts):
        if p.startswith("By ") and "author" not in found:
            found["author"] = p[3:]
        elif "date" not in found and parse_dateline(p) is not None:
            found["date"] = p
        elif k == len(parts) - 1 and "section" not in found and k > 0:
            found["section"] = p
        elif "outlet" not in found and k == 0:
            found["outlet"] = p
        else:
            return False
    art.author = found.get("author", art.author)
    art.outlet = found.get("outlet", art.outlet)
    art.section = found.get("section", art.section)
    if "date" in found:
        art.dateline = found["date"]
        art.published = parse_dateline(found["date"])[0]  # type: ignore[index]
    u.label, u.reason = "meta", "metadata"
    return True


def _decide_region(units: list[Unit], lo: int, hi: int) -> None:
    """Keep, shape or drop each unit of the main run."""
    region = [u for u in units[lo: hi + 1] if u.label is None]
    cand: list[Unit] = []
    for u in region:
        if u.fam is not None or u.reason is not None:
            # Widgets and prose-shaped notices are judged by their wording.
            u.label, u.reason = "junk", u.reason or u.fam
        else:
            cand.append(u)
    n_prose = sum(1 for u in cand if u.good)
    prose_seen = 0
    # Pass 1: prose (and table rows).
    for k, u in enumerate(cand):
        if u.table and not u.good:
            u.label = "li" if u.hint == "li" else "p"
            continue
        if not u.good:
            continue
        prose_seen += 1
        if n_prose - prose_seen < 2 and _bio(u):
            u.label, u.reason = "junk", "author-bio"
            continue
        prev = cand[k - 1] if k > 0 else None
        if u.hint in ("h", "q", "li", "cap"):
            u.label = u.hint
        elif prev is not None and prev.text.endswith(":") and prev.nw >= 3 and not u.text.endswith(":"):
            u.label = "q"
        else:
            u.label = "cap" if _CAPTION_TAIL.search(u.text) else "p"

    def kept(v: Unit | None) -> bool:
        return v is not None and v.label in ("p", "q", "li", "cap")

    # Pass 2: short sentence-like units next to prose (repeat to spread).
    for _ in range(2):
        for k, u in enumerate(cand):
            if u.label is not None:
                continue
            prev = cand[k - 1] if k > 0 else None
            nxt = cand[k + 1] if k + 1 < len(cand) else None
            if u.hint in ("q", "li", "cap"):
                u.label = u.hint
            elif _CAPTION_TAIL.search(u.text):
                u.label = "cap"
            elif u.ends and u.nw >= 2 and (kept(prev) or kept(nxt)) and not _headingish(u):
                if prev is not None and prev.text.endswith(":") and kept(prev) and u.nw >= 3 and u.text[-1:] != ":":
                    u.label = "q"
                else:
                    u.label = "p"
    # Pass 3: headings before prose; other short lines between paragraphs.
    for k, u in enumerate(cand):
        if u.label is not None:
            continue
        prev = cand[k - 1] if k > 0 else None
        nxt = cand[k + 1] if k + 1 < len(cand) else None
        if u.hint == "h" or (_headingish(u) and nxt is not None and (nxt.good or (kept(nxt) and nxt.nw >= 5))):
            u.label = "h"
        elif kept(prev) and kept(nxt) and prev.good and nxt.good:
            u.label = "p"
        else:
            u.label, u.reason = "junk", "navigation"
    # Pass 4: a short run (embedded post, attribution lines) held between
    # paragraphs of prose is part of the article when it reads as text.
    k = 0
    while k < len(cand):
        if cand[k].reason != "navigation":
            k += 1
            continue
        j = k
        while j < len(cand) and cand[j].reason == "navigation":
            j += 1
        run = cand[k:j]
        before = cand[k - 1] if k > 0 else None
        after = cand[j] if j < len(cand) else None
        if (
            len(run) <= 4 and before is not None and after is not None
            and before.good and (after.good or (kept(after) and after.nw >= 8))
            and sum(v.nw for v in run) >= 6 and any(v.nw >= 5 for v in run)
        ):
            for v in run:
                if v.nw >= 2:
                    v.label, v.reason = "p", None
        k = j


def _headingish(u: Unit) -> bool:
    return (
        1 <= u.nw <= 15
        and not _SENT_PUNCT.search(u.text)
        and not u.text.endswith((":", ";", ","))
        and (u.text[:1].isupper() or u.text[:1].isdigit())
    )
