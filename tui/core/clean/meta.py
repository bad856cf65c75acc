"""Metadata from lines of text: datelines, bylines, outlets, sections, titles."""

from __future__ import annotations

import re

from tui.core.clean.patterns import OUTLET_WORDS, SECTIONS, TRICKY

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?,?"
_TIME = (
    r"(?P<hh>\d{1,2})\s*(?:(?P<sep>[:h.])\s*(?P<mm>\d{2})(?::\d{2})?)?\s*(?P<ampm>[ap]\.?\s?m\.?)?"
    r"(?:\s*(?:[A-Z]{2,5}|UTC|GMT)(?:[+-]\d{1,4})?)?"
)
_DATE_FORMS = [
    re.compile(rf"(?:{_WEEKDAY}\s*)?{_MON}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})", re.I),
    re.compile(rf"(?:{_WEEKDAY}\s*)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON},?\s+(?P<y>\d{{4}})", re.I),
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T ](?P<iso_t>\d{2}:\d{2}))?"),
    re.compile(r"(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4})"),
]
_DATE_NOISE = re.compile(
    r"\b(?:published|updated|posted|last\s+updated|first\s+published|modified|on|at|date|"
    r"am|pm|a\.m\.|p\.m\.|utc|gmt|[a-z]{1,3}t|et|pt|ct|edt|est|pdt|pst|bst|cet|cest)\b|[\s|,:;/·•\-–—()]+",
    re.I,
)


_TIME_RX = re.compile(_TIME, re.I)
_WEEKDAY_RX = re.compile(_WEEKDAY, re.I)
_HAS_DIGIT = re.compile(r"\d")
_BYLINE_START = ("by", "written", "words", "story", "author", "reporting", "posted")


#: Every match of _DATE_FORMS[0] and [1] holds a month's first three
#: letters (_MON, IGNORECASE); [2] a "-", [3] a "/" or ".".
_MONTH_STARTS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _date_matches(s: str):
    """The match of each of _DATE_FORMS in *s*, in order, skipping (as no
    match) the forms whose necessary strings *s* lacks. The month test reads
    ``s.lower()``: exact when *s* has no TRICKY character (else not made)."""
    named = True
    if s.isascii() or TRICKY.search(s) is None:
        low = s.lower()
        named = False
        for mon in _MONTH_STARTS:
            if mon in low:
                named = True
                break
    f0, f1, f2, f3 = _DATE_FORMS
    if named:
        m = f0.search(s)
        if m:
            yield m
        m = f1.search(s)
        if m:
            yield m
    if "-" in s:
        m = f2.search(s)
        if m:
            yield m
    if "/" in s or "." in s:
        m = f3.search(s)
        if m:
            yield m


def parse_dateline(line: str) -> tuple[str | None, bool] | None:
    """If *line* is (mostly) a dateline, return ``(iso_or_None, is_date)``.

    ``iso`` is None when the date is ambiguous (e.g. ``03/04/2024`` with no
    clue to the order). Returns None if the line is not a dateline.
    """
    s = line.strip()
    if not s or len(s) > 90 or not _HAS_DIGIT.search(s):
        return None
    for m in _date_matches(s):
        rest = s[: m.start()] + " " + s[m.end():]
        tm = _TIME_RX.search(s[m.end():])
        time_txt = None
        day_first_hint = False
        if tm and tm.group("hh") and (tm.group("mm") or tm.group("ampm")) and tm.start() < 8:
            time_txt = tm
            rest = s[: m.start()] + " " + s[m.end():][: tm.start()] + " " + s[m.end():][tm.end():]
            day_first_hint = tm.group("sep") == "h"
        leftover = _DATE_NOISE.sub(" ", rest).split()
        leftover = [w for w in leftover if not _WEEKDAY_RX.fullmatch(w)]
        if len(leftover) > 2:
            return None
        gd = m.groupdict()
        y = int(gd["y"])
        if gd.get("mon"):
            mon = MONTHS.get(gd["mon"].lower().rstrip("."), 0)
            d = int(gd["d"])
        elif gd.get("m"):
            mon, d = int(gd["m"]), int(gd["d"])
        else:
            a, b = int(gd["a"]), int(gd["b"])
            if a > 12 and b <= 12:
                d, mon = a, b
            elif b > 12 and a <= 12:
                mon, d = a, b
            elif a == b:
                mon = d = a
            elif day_first_hint:
                d, mon = a, b
            else:
                return None, True  # ambiguous: keep as written
        if not (1 <= mon <= 12 and 1 <= d <= 31 and 1800 <= y <= 2200):
            return None, True
        iso = f"{y:04d}-{mon:02d}-{d:02d}"
        if gd.get("iso_t"):
            iso += "T" + gd["iso_t"]
        elif time_txt is not None:
            hh = int(time_txt.group("hh"))
            mm = int(time_txt.group("mm") or 0)
            ampm = (time_txt.group("ampm") or "").lower().replace(".", "").replace(" ", "")
            if ampm == "pm" and hh < 12:
                hh += 12
            elif ampm == "am" and hh == 12:
                hh = 0
            if 0 <= hh < 24 and 0 <= mm < 60:
                iso += f"T{hh:02d}:{mm:02d}"
        return iso, True
    return None


_NAME = r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|de|van|von|der|da|di|la|le|bin|al-\w+))*"
BYLINE = re.compile(
    rf"^(?:by|written\s+by|words\s+by|story\s+by|author\s*:|reporting\s+by|posted\s+by)\s+"
    rf"(?P<name>{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*)"
    r"(?P<rest>\s*(?:[|,·•\-–—]|\bon\b|\bfor\b|\bin\b|$).*)$",
    re.I,
)


_ROLE = re.compile(
    r"\b(?:correspondent|reporter|editor|writer|columnist|contributor|staff|journalist|producer|"
    r"analyst|critic|photographer|intern|chief|senior|associate|deputy|desk)\b",
    re.I,
)


def parse_byline(line: str) -> str | None:
    """``"By Max Walker"`` -> ``"Max Walker"``; None if not a byline."""
    # (The prefixes hold no space: the line's start, lower-cased, tells.)
    if not line.lstrip()[:12].lower().startswith(_BYLINE_START):
        return None
    s = " ".join(line.split())
    if len(s) > 120:
        return None
    m = BYLINE.match(s)
    if not m:
        return None
    name = m.group("name").strip(" ,")
    # "Jane Roe, Transport Correspondent" -> "Jane Roe"
    parts = [p.strip() for p in name.split(",")]
    if len(parts) > 1 and _ROLE.search(parts[-1]):
        name = ", ".join(parts[:-1])
    # The name must be capitalised words (re.I let lowercase through).
    words = re.split(r"\s*(?:,|\band\b|&)\s*|\s+", name)
    words = [w for w in words if w]
    if not words or len(words) > 10 or not all(w[0].isupper() or w.lower() in ("de", "van", "von", "der", "da", "di", "la", "le", "bin") for w in words):
        return None
    rest = m.group("rest").strip()
    if rest and len(rest.split()) > 8 and parse_dateline(rest.lstrip("|,·•-–— ")) is None:
        return None
    return name


def looks_like_section(line: str) -> bool:
    s = line.strip().strip(":»›>|").strip().lower()
    return s in SECTIONS


def looks_like_outlet(line: str) -> bool:
    s = line.strip()
    words = s.split()
    if not (1 <= len(words) <= 5) or s[-1:] in ".!?:;,":
        return False
    if not all(w[:1].isupper() or not w[:1].isalpha() for w in words):
        return False
    return bool(OUTLET_WORDS.search(s))


_SENT_END = re.compile(r"(?<=[^\s.A-Z][.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")


def short_title(text: str, limit: int = 90) -> str:
    """A short title from the first sentence of *text* (words from the text only)."""
    s = " ".join(text.split())
    m = _SENT_END.search(s)
    first = s[: m.start() + 1] if m else s
    first = first.rstrip()
    if len(first) > limit:
        for sep in (" — ", " – ", " - ", "; ", ": ", ", "):
            i = first.find(sep)
            if 20 <= i <= limit + 40:
                first = first[:i]
                break
    if len(first) > limit + 40:
        cut = first[: limit].rsplit(" ", 1)[0]
        first = cut + "…"
    return first.rstrip(" .,;:") if not first.endswith("…") else first
