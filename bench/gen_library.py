#!/usr/bin/env python3
"""Generate a large library of saved news pages for benchmarks.

    python bench/gen_library.py OUT_DIR --articles 10000 [--seed 1] [--jobs 2]

Writes ``OUT_DIR/NNN/NNNNNN_slug.txt`` files (1000 a folder) that look like
news pages saved as plain text: a headline, sometimes a dek, a byline, an
outlet and a dateline in one of several formats, 20-30 body paragraphs with
a few subheadings and block quotes, and page furniture around and inside the
body (share bars, "Related" links, newsletter promos, comment threads,
copyright lines) so that the cleaner has work to do.

The prose comes from a word-level Markov chain (order 2, falling back to
order 1 now and then for variety) trained on the bundled seed articles and,
when present, the article bodies of the evaluation pages
(``../shared/eval/extraction-dev/truth.jsonl``, or ``--corpus FILE``). Each
article has its own cast of generated names and places, so the vocabulary
grows with the library the way a real one does. About a third of the
articles belong to a "story" shared with others and repeat a few of the
story's paragraphs with small edits (syndication, rewrites), so that
same-passage search has real work on a big library.

Output is deterministic for a given ``--seed``, corpus and article count,
whatever ``--jobs`` is: each article draws from its own seeded generator.
Average size is about 8 KB a file (~80 MB and ~250k paragraphs for 10k).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_CORPORA = [
    ROOT.parent / "shared" / "eval" / "extraction-dev" / "truth.jsonl",
    Path("/work/shared/eval/extraction-dev/truth.jsonl"),
]

OUTLETS = [
    "The Daily Ledger", "Northern Courier", "Evening Standard-Post", "The Capital Wire",
    "Global Dispatch", "Harbor City Herald", "The Morning Record", "Metro Tribune",
    "Pacific Observer", "The Independent Review", "Continental News Service", "Valley Gazette",
    "The National Chronicle", "Riverside Times", "World Affairs Today", "The Civic Journal",
    "Atlantic Monitor", "Frontline Report", "The Weekly Examiner", "Lakeshore Press",
    "Summit Daily", "The Public Sentinel", "Eastern Bulletin", "Newsroom Digest",
    "ICARO Media Group", "Breitbart", "Daily Sabah", "Kyiv Post", "Reuters", "Politico",
    "The Guardian", "Associated Press", "BBC News", "Al Jazeera", "Euronews",
]
SECTIONS = ["Politics", "World", "Business", "Technology", "Science", "Health", "Opinion",
            "Europe", "Economy", "Culture", "Sports", "Climate", "Defense", "Markets"]
FIRST = ["Anna", "James", "Maria", "David", "Olena", "Mark", "Sofia", "Peter", "Laura", "Ahmed",
         "Chen", "Elena", "Tomasz", "Grace", "Lucas", "Hannah", "Yusuf", "Ines", "Ravi", "Claire",
         "Daniel", "Mei", "Oksana", "Samuel", "Fatima", "Jonas", "Aisha", "Henrik", "Nadia", "Owen"]
SYL_A = ["Bar", "Kov", "Mel", "Stan", "Vor", "Hal", "Lin", "Mor", "Dre", "Fen", "Gar", "Tal",
         "Ros", "Bel", "Kas", "Nor", "Pet", "Wil", "Zar", "Cor", "Dun", "Har", "Lev", "Sel"]
SYL_B = ["en", "ar", "o", "i", "ov", "el", "an", "ur", "is", "on", "ez", "ak", "in", "ey"]
SYL_C = ["ski", "son", "berg", "enko", "ford", "ley", "man", "ton", "ova", "ich", "sen", "well",
         "ardt", "ini", "ez", "ova", "chuk", "by", "er", "off"]
PLACE_END = ["ville", "grad", "burg", "sk", "ton", "ia", "stan", "polis", "field", "mouth",
             "ovo", "ora", "dale", "hurst"]
DATE_FORMATS = ["{Mon} {d}, {Y}", "{d} {Month} {Y}", "{m:02d}/{d:02d}/{Y} {H}h{M:02d}",
                "{Y}-{m:02d}-{d:02d}T{H:02d}:{M:02d}", "Published {Month} {d}, {Y} at {h}:{M:02d} {ampm}",
                "Updated {Mon}. {d}, {Y} {h}:{M:02d} {ampm} ET", "{Weekday} {d} {Month} {Y} {H:02d}.{M:02d}"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

JUNK_SHARE = ["Share this article", "Share", "Facebook Twitter LinkedIn Email", "Tweet Share Email",
              "{n} shares", "{n}K shares", "Copy link", "Print", "Save for later", "Listen to this article"]
JUNK_PROMO = ["Sign up for our daily newsletter", "Subscribe now for unlimited access",
              "Advertisement", "ADVERTISEMENT", "Story continues below advertisement",
              "Download our app for breaking news alerts", "Get the best of {outlet} in your inbox",
              "Support independent journalism. Donate today."]
JUNK_FOOT = ["© {Y} {outlet}. All rights reserved.", "Copyright {Y} {outlet}",
             "This article was originally published by {outlet}.",
             "Reporting by {author}; editing by {author2}", "Terms of Use | Privacy Policy | Contact Us"]
COMMENTERS = ["jsmith77", "Reader from Ohio", "truthseeker", "Mike_B", "anon", "Greta K.", "old_hand",
              "Paul in Leeds", "skeptic_2024", "M. Ortega"]
COMMENT_TEXT = ["Great article, thanks.", "This is exactly what I have been saying for months.",
                "Who is paying for all of this?", "Finally some common sense.", "Source?",
                "I disagree with almost every word of this.", "Well written and balanced.",
                "Nobody asked the people who actually live there.", "Reply", "Like", "Report"]


# -- corpus and Markov chain ---------------------------------------------------

_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘'(])")


def _load_corpus(extra: list[Path]) -> list[str]:
    """Paragraphs of real prose: bundled seeds (prose lines) plus eval bodies."""
    paras: list[str] = []
    data = ROOT / "data"
    for p in sorted(data.glob("*.txt")):
        for line in p.read_text(encoding="utf-8").split("\n"):
            line = " ".join(line.split())
            if len(line) >= 80 and line.count(" ") >= 12:
                paras.append(line)
    for path in extra:
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                body = json.loads(line).get("articleBody", "")
                for para in body.split("\n"):
                    para = " ".join(para.split())
                    if len(para) >= 60 and para.count(" ") >= 10 and _english(para):
                        paras.append(para)
            break
    return paras


def _english(para: str) -> bool:
    """Mostly ASCII letters (the eval pages include Korean, Russian, Portuguese)."""
    letters = [c for c in para if c.isalpha()]
    ascii_ = sum(1 for c in letters if c.isascii())
    return bool(letters) and ascii_ / len(letters) > 0.98 and " the " in para


class Chain:
    """Order-2 word Markov chain with an order-1 back-off."""

    def __init__(self, paragraphs: list[str]):
        self.next2: dict[tuple[str, str], list[str]] = {}
        self.next1: dict[str, list[str]] = {}
        self.starts: list[tuple[str, str]] = []
        for para in paragraphs:
            for sent in _SENT_SPLIT.split(para):
                words = sent.split()
                if len(words) < 6:
                    continue
                self.starts.append((words[0], words[1]))
                words = words + ["\0"]
                for a, b, c in zip(words, words[1:], words[2:]):
                    self.next2.setdefault((a, b), []).append(c)
                for a, b in zip(words, words[1:]):
                    self.next1.setdefault(a, []).append(b)

    def sentence(self, rng: random.Random, *, min_words: int = 8, max_words: int = 34) -> list[str]:
        for _ in range(20):
            a, b = rng.choice(self.starts)
            out = [a, b]
            while len(out) < max_words:
                if rng.random() < 0.06 and b in self.next1:
                    c = rng.choice(self.next1[b])
                else:
                    nxt = self.next2.get((a, b)) or self.next1.get(b)
                    if not nxt:
                        break
                    c = rng.choice(nxt)
                if c == "\0":
                    if len(out) >= min_words:
                        return out
                    break
                out.append(c)
                a, b = b, c
            if len(out) >= min_words:
                if not out[-1].endswith((".", "!", "?", '"', "”")):
                    out[-1] = out[-1].rstrip(",;:") + "."
                return out
        return out


# -- one article ------------------------------------------------------------------

def _surname(rng: random.Random) -> str:
    s = rng.choice(SYL_A) + rng.choice(SYL_B) if rng.random() < 0.6 else rng.choice(SYL_A)
    return s + rng.choice(SYL_C)


def _place(rng: random.Random) -> str:
    return rng.choice(SYL_A) + rng.choice(SYL_B) + rng.choice(PLACE_END)


def _dateline(rng: random.Random) -> str:
    m = rng.randrange(1, 13)
    d = rng.randrange(1, 29)
    H = rng.randrange(0, 24)
    fmt = rng.choice(DATE_FORMATS)
    return fmt.format(Mon=MONTHS[m - 1][:3], Month=MONTHS[m - 1], d=d, m=m, Y=rng.choice((2022, 2023, 2024, 2025)),
                      H=H, M=rng.randrange(60), h=(H % 12) or 12, ampm="PM" if H >= 12 else "AM",
                      Weekday=rng.choice(WEEKDAYS))


def _cast_words(words: list[str], cast: list[str], rng: random.Random, p: float = 0.25) -> list[str]:
    """Replace some mid-sentence capitalised words with the article's own names."""
    out = list(words)
    for i in range(1, len(out)):
        w = out[i]
        if w[:1].isupper() and w.isalpha() and len(w) > 3 and rng.random() < p:
            out[i] = rng.choice(cast)
        elif w.isdigit() and rng.random() < 0.5:
            out[i] = str(rng.randrange(2, 5000))
    return out


def _paragraph(chain: Chain, rng: random.Random, cast: list[str]) -> str:
    n = rng.choice((1, 2, 2, 2, 3, 3, 4))
    return " ".join(" ".join(_cast_words(chain.sentence(rng), cast, rng)) for _ in range(n))


def _title_case(words: list[str]) -> str:
    small = {"a", "an", "the", "of", "in", "on", "for", "to", "and", "or", "as", "at", "by", "with"}
    out = []
    for i, w in enumerate(words):
        w = w.strip(".,;:\"“”()")
        if not w:
            continue
        out.append(w if (w.lower() in small and i) else w[:1].upper() + w[1:])
    return " ".join(out)


def _headline(chain: Chain, rng: random.Random, cast: list[str]) -> str:
    words = _cast_words(chain.sentence(rng, min_words=6, max_words=14), cast, rng, 0.4)
    words = words[: rng.randrange(6, 13)]
    if rng.random() < 0.4:
        words = [rng.choice(cast)] + words[1:]
    t = _title_case(words)
    return t if rng.random() < 0.7 else t[:1] + t[1:].lower()


def _story_paragraphs(chain: Chain, seed: int, story: int) -> tuple[list[str], list[str]]:
    rng = random.Random(f"{seed}/story/{story}")
    cast = [rng.choice(FIRST) + " " + _surname(rng) for _ in range(3)] + [_place(rng) for _ in range(2)]
    return [_paragraph(chain, rng, cast) for _ in range(6)], cast


def _edit(para: str, rng: random.Random) -> str:
    """A light rewrite: drop or duplicate a word or two, change a number."""
    words = para.split()
    for _ in range(rng.randrange(0, 3)):
        if len(words) > 10:
            del words[rng.randrange(1, len(words) - 1)]
    if rng.random() < 0.3:
        words = words[: max(10, len(words) * 2 // 3)]
        words[-1] = words[-1].rstrip(",;:") + "."
    return " ".join(words)


def _cast_and_story(rng: random.Random, n_articles: int) -> tuple[list[str], int | None]:
    """An article's own cast, and the story it belongs to (None: its own)."""
    cast = [rng.choice(FIRST) + " " + _surname(rng) for _ in range(rng.randrange(2, 5))]
    cast += [_surname(rng) for _ in range(2)] + [_place(rng) for _ in range(rng.randrange(1, 3))]
    story = rng.randrange(max(1, n_articles // 5)) if rng.random() < 0.35 else None
    return cast, story


def story_of(seed: int, index: int, n_articles: int) -> int | None:
    """The story article *index* belongs to (shared paragraphs and cast), or
    None. Articles with the same story id cover the same story: ground truth
    for same-story and same-passage benchmarks."""
    return _cast_and_story(random.Random(f"{seed}/article/{index}"), n_articles)[1]


def make_article(chain: Chain, seed: int, index: int, n_articles: int) -> tuple[str, str]:
    """``(slug, text)`` of article *index*."""
    rng = random.Random(f"{seed}/article/{index}")
    story_pars: list[str] = []
    cast, story = _cast_and_story(rng, n_articles)
    if story is not None:
        story_pars, story_cast = _story_paragraphs(chain, seed, story)
        cast = story_cast + cast[:2]
    outlet = rng.choice(OUTLETS)
    author = rng.choice(FIRST) + " " + _surname(rng)
    author2 = rng.choice(FIRST) + " " + _surname(rng)
    fill = dict(outlet=outlet, author=author, author2=author2, n=rng.randrange(2, 999), Y=2024)
    title = _headline(chain, rng, cast)
    lines: list[str] = []
    if rng.random() < 0.3:
        lines += [rng.choice(SECTIONS), ""]
    lines += [title, ""]
    if rng.random() < 0.5:
        lines += [" ".join(_cast_words(chain.sentence(rng, max_words=25), cast, rng)), ""]
    meta = [outlet, rng.choice(("By ", "", "by ")) + author, _dateline(rng)]
    if rng.random() < 0.3:
        meta.append(rng.choice(SECTIONS))
    rng.shuffle(meta)
    lines += meta + [""]
    if rng.random() < 0.6:
        lines += [j.format(**fill) for j in rng.sample(JUNK_SHARE, 2)] + [""]
    n_par = rng.randrange(20, 31)
    body: list[str] = [_paragraph(chain, rng, cast) for _ in range(n_par)]
    for sp in rng.sample(story_pars, min(len(story_pars), rng.randrange(2, 5))) if story_pars else ():
        body.insert(rng.randrange(len(body) + 1), _edit(sp, rng))
    for k, para in enumerate(body):
        if k and k % rng.randrange(5, 9) == 0 and rng.random() < 0.6:
            lines += [_title_case(chain.sentence(rng, min_words=4, max_words=9)[:7]), ""]
        if rng.random() < 0.04:
            lines += ["“" + " ".join(chain.sentence(rng, max_words=30)) + "”", ""]
        lines += [para, ""]
        if rng.random() < 0.05:
            lines += [rng.choice(JUNK_PROMO).format(**fill), ""]
        if rng.random() < 0.03:
            lines += ["Read more: " + _headline(chain, rng, cast), ""]
    if rng.random() < 0.5:
        lines += ["Related", ""] + [_headline(chain, rng, cast) for _ in range(rng.randrange(2, 5))] + [""]
    if rng.random() < 0.4:
        lines += [f"Comments ({rng.randrange(1, 300)})", ""]
        for _ in range(rng.randrange(1, 5)):
            lines += [rng.choice(COMMENTERS), f"{rng.randrange(1, 23)} hours ago", rng.choice(COMMENT_TEXT), ""]
    lines += [rng.choice(JUNK_FOOT).format(**fill)]
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:48] or "article"
    return slug, "\n".join(lines) + "\n"


# -- driver ---------------------------------------------------------------------------

_CHAIN: Chain | None = None


def _init(corpus: list[str]) -> None:
    global _CHAIN
    _CHAIN = Chain(corpus)


def _write_range(args: tuple[str, int, int, int, int]) -> int:
    out, seed, lo, hi, n = args
    assert _CHAIN is not None
    total = 0
    for i in range(lo, hi):
        slug, text = make_article(_CHAIN, seed, i, n)
        folder = Path(out) / f"{i // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        (folder / f"{i:06d}_{slug}.txt").write_bytes(data)
        total += len(data)
    return total


def generate(out: str | os.PathLike[str], articles: int, seed: int = 1, jobs: int = 1,
             corpus: list[Path] | None = None) -> int:
    """Write the library; returns the number of bytes written."""
    paras = _load_corpus(corpus if corpus is not None else DEFAULT_CORPORA)
    Path(out).mkdir(parents=True, exist_ok=True)
    step = 500
    chunks = [(os.fspath(out), seed, lo, min(lo + step, articles), articles) for lo in range(0, articles, step)]
    if jobs <= 1 or articles <= step:
        _init(paras)
        return sum(_write_range(c) for c in chunks)
    import multiprocessing as mp

    with mp.get_context("fork").Pool(jobs, initializer=_init, initargs=(paras,)) as pool:
        return sum(pool.imap_unordered(_write_range, chunks))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", metavar="OUT_DIR")
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--corpus", type=Path, action="append",
                    help="truth.jsonl-style file(s) of article bodies to learn prose from")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    n = generate(a.out, a.articles, a.seed, a.jobs, a.corpus)
    dt = time.perf_counter() - t0
    print(f"wrote {a.articles} articles, {n / 1e6:.1f} MB, to {a.out} in {dt:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
