"""Marks: how long re-anchoring takes, and adding a mark (commit included).

Builds a ~1 MB article of Markov prose (bench/gen_library.py's chain over
the bundled seeds), puts 200 marks on it (10 to 300 characters), then times
``reanchor`` (through the database, as the app does on opening an article)
for four versions of the text:

- unchanged (the fast path: stored position + context check);
- a paragraph inserted at the top (every mark moved: exact search);
- one word changed inside every marked quote (fuzzy: windowed Myers search);
- every marked paragraph rewritten (orphans: nothing near, then the whole
  text is checked with rapidfuzz before giving up).

Baselines in the same run, per edited quote (medians):
- the same Myers search over the whole text (no windows);
- ``rapidfuzz.fuzz.partial_ratio_alignment(quote, text)`` (C++; finds one
  best window of the quote's length, without bounds or context).

Run: python bench/bench_marks.py [--chars 1000000] [--marks 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from gen_library import Chain, _load_corpus  # noqa: E402

from tui.core.anchor import MAX_ERROR_RATE, _fuzzy_in, describe, locate  # noqa: E402
from tui.core.db import Database  # noqa: E402
from tui.core.marks import add_mark, reanchor  # noqa: E402
from tui.core.model import PARAGRAPH, Article, Block  # noqa: E402


def make_paragraphs(chars: int, seed: int = 1) -> list[str]:
    """Markov prose; one word in six swapped for a random corpus word, since
    a chain over five short seeds repeats long runs of them verbatim."""
    rng = random.Random(seed)
    corpus = _load_corpus([])
    chain = Chain(corpus)
    vocab = sorted({w for p in corpus for w in p.split()})
    paras, n = [], 0
    while n < chars:
        words = []
        for _ in range(rng.randint(2, 4)):
            words += chain.sentence(rng)
        words = [rng.choice(vocab) if rng.random() < 1 / 6 else w for w in words]
        p = " ".join(words)
        paras.append(p)
        n += len(p) + 2
    return paras


def article(paras: list[str]) -> Article:
    return Article(title="Bench", blocks=[Block(PARAGRAPH, p) for p in paras])


def ms(xs: list[float]) -> str:
    return f"{statistics.median(xs) * 1000:8.2f} ms"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chars", type=int, default=1_000_000)
    ap.add_argument("--marks", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    paras = make_paragraphs(args.chars)
    art = article(paras)
    text = art.text()
    rng = random.Random(7)
    spans = []
    bspans = list(art.block_spans())
    for i in rng.sample(range(len(paras)), args.marks):
        s, e = bspans[i]
        a = rng.randint(s, max(s, e - 20))
        spans.append((i, a, min(e, a + rng.randint(10, 300))))

    print(f"article: {len(text):,} characters, {len(paras):,} paragraphs; {len(spans)} marks")
    with tempfile.TemporaryDirectory() as home:
        db = Database.open(home)
        t_add = []
        for _, a, b in spans:
            t0 = time.perf_counter()
            add_mark(db, "/bench.txt", art, a, b, source_hash="v0", cleaner_version=1)
            t_add.append(time.perf_counter() - t0)
        print(f"add_mark (one committed transaction):          {ms(t_add)} median per mark")

        db.execute("CREATE TEMP TABLE marks_v0 AS SELECT * FROM marks")

        def version(name: str, paras2: list[str], tag: str) -> None:
            art2 = article(paras2)
            times = []
            for r in range(args.repeat if tag != "orphan" else 1):
                # Every repeat starts from the marks as made on the original text.
                with db.transaction() as c:
                    c.execute("DELETE FROM marks")
                    c.execute("INSERT INTO marks SELECT * FROM marks_v0")
                t0 = time.perf_counter()
                marks = reanchor(db, "/bench.txt", art2, f"{tag}{r}", 1)
                times.append(time.perf_counter() - t0)
            states = {}
            for m in marks:
                states[m.state] = states.get(m.state, 0) + 1
            print(f"reanchor {name:<36} {ms(times)} for {len(marks)} marks  {states}")

        version("unchanged text (fast path):", paras, "v0")
        t0 = time.perf_counter()
        reanchor(db, "/bench.txt", art, "v0", 1)
        print(f"open, same version (no work):                  {(time.perf_counter() - t0) * 1000:8.2f} ms")
        version("paragraph inserted at top:", ["A new paragraph at the top."] + paras, "shift")

        edited = list(paras)
        for i, a, b in spans:
            s0 = bspans[i][0]
            t = edited[i]
            mid = (a + b) // 2 - s0
            sp = t.find(" ", mid)
            if 0 < sp < b - s0 - 1:
                edited[i] = t[:sp] + " very" + t[sp:]
        version("one word added in every quote:", edited, "edit")

        removed = list(paras)
        for i, _, _ in spans:
            removed[i] = "This paragraph was rewritten completely by the editors."
        version("every marked paragraph replaced:", removed, "orphan")
        db.close()

    # Baselines per edited quote.
    art_e = article(edited)
    text_e = art_e.text()
    quotes = [describe(text, a, b) for _, a, b in spans[:40]]
    t_win, t_full, t_rf = [], [], []
    from rapidfuzz import fuzz

    for q in quotes:
        k = int(len(q.exact) * MAX_ERROR_RATE)
        t0 = time.perf_counter()
        locate(text_e, q)
        t_win.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        _fuzzy_in(text_e, q, k, [(0, len(text_e))]) if k else None
        t_full.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        fuzz.partial_ratio_alignment(q.exact, text_e)
        t_rf.append(time.perf_counter() - t0)
    print(f"per edited quote, locate (windows first):      {ms(t_win)}")
    print(f"baseline: Myers over the whole text:           {ms(t_full)}")
    print(f"baseline: rapidfuzz partial_ratio_alignment:   {ms(t_rf)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
