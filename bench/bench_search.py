#!/usr/bin/env python3
"""Search speed and precision on a generated 10k-article library, vs fzf.

    python bench/bench_search.py [--articles 10000] [--seed 1] [--cache DIR]
                                 [--source db|files] [--reps 5]

1. Generates the library with bench/gen_library.py (cached in
   ``--cache``, default ``$TMPDIR/copydesk-bench``).
2. Builds the search index. ``--source db`` (default): the library is indexed
   into a copydesk database with the real cleaner (cached, incremental), and
   the index is built from its ``paragraphs`` table, with paragraph texts
   read back from SQLite on demand, as the app does; it is saved in the home
   and loaded back (memory-mapped), as later sessions do; the queries run on
   the loaded index. ``--source files``: files split on blank lines, texts in
   memory (no cleaner). Prints build (and load) time and memory.
3. Runs a fixed set of realistic queries (1-4 words, some with typos) as
   title searches and as passage searches, ``--reps`` times each, and prints
   the median time per query, then p50/p95 over the queries, with the
   number of results that matched.
4. In the same run, ``fzf --filter QUERY`` over the same titles and the same
   paragraphs (one per line) as the baseline: median time and match count.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

TITLE_QUERIES = [
    "ukraine", "biden missiles", "trump office", "air quality", "apple macbook",
    "north korean troops", "streaming service", "restrictions weapons", "ukrane",   # typo
    "misiles russia",    # typo
    "keybord apple",     # typo
    "white house plan", "delhi pollution", "jam recipe", "electric car",
    "prepares for ofice", "climate",
    "pentagon spokesman", "the", "court ruling appeal",
]
PASSAGE_QUERIES = [
    "ukraine", "north korean troops", "pokrovsk artilery power sector", "air quality delhi",
    "every dollar out the door", "long-range missiles", "storm shadow", "macbook keyboard",
    "streaming services", "polution crop burning",  # typo
    "presidnt biden",                               # typo
    "wework founder", "smog", "amsterdam light festival", "missle",  # typo
    "jelly jars", "supersonic range", "peace talks", "venture capital", "nuclear warheads",
]


def percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def ensure_library(cache: Path, n: int, seed: int) -> Path:
    lib = cache / f"lib-{n}-s{seed}"
    done = lib / ".complete"
    if not done.exists():
        import gen_library

        if lib.exists():
            shutil.rmtree(lib)
        t0 = time.perf_counter()
        size = gen_library.generate(lib, n, seed=seed, jobs=os.cpu_count() or 1)
        print(f"generated {n} articles ({size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s")
        done.write_text("ok")
    else:
        print(f"library: {lib} (cached)")
    return lib


def build_from_db(cache: Path, lib: Path, n: int, seed: int):
    from tui.core.db import Database
    from tui.core.library import Library

    home = cache / f"home-{n}-s{seed}"
    db = Database.open(home)
    t0 = time.perf_counter()
    rep = Library(db, [lib]).scan()
    print(f"library scan: {rep.indexed} cleaned, {rep.unchanged} unchanged, "
          f"{len(rep.failed)} failed, in {time.perf_counter() - t0:.1f} s")
    entries = [e.path for e in Library(db, [lib]).entries() if e.ok]
    from tui.core.search import INDEX_DIR, library_index

    shutil.rmtree(home / INDEX_DIR, ignore_errors=True)
    rss0 = rss_mb()
    t0 = time.perf_counter()
    built = library_index(str(db.path), entries)  # builds and saves
    dt = time.perf_counter() - t0
    grew = rss_mb() - rss0
    peak = peak_mb()
    del built
    t0 = time.perf_counter()
    ix = library_index(str(db.path), entries)  # loads the saved index (memory-mapped)
    load_s = time.perf_counter() - t0
    print(f"saved index: loaded in {load_s * 1000:.0f} ms "
          f"({sum(f.stat().st_size for f in (home / INDEX_DIR).iterdir()) / 1e6:.0f} MB on disk); "
          f"queries below use the loaded index")
    return ix, dt, grew, peak


def build_from_files(lib: Path):
    from tui.core.search import Doc, SearchIndex

    rss0 = rss_mb()
    t0 = time.perf_counter()
    docs: list = []
    for p in sorted(lib.rglob("*.txt")):
        paras = [" ".join(x.split()) for x in p.read_text(encoding="utf-8").split("\n\n") if x.strip()]
        docs.append(Doc(str(p), paras[0], paragraphs=paras[1:]))
    ix = SearchIndex.build(docs)
    dt = time.perf_counter() - t0
    return ix, dt, rss_mb() - rss0, peak_mb()


def time_query(fn, reps: int) -> tuple[float, object]:
    times = []
    res = None
    for _ in range(reps):
        t0 = time.perf_counter()
        res = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), res


def fzf_run(fzf: str, path: Path, query: str, reps: int) -> tuple[float, int]:
    times = []
    count = 0
    for _ in range(reps):
        with open(path, "rb") as f:
            t0 = time.perf_counter()
            r = subprocess.run([fzf, "--filter", query], stdin=f, stdout=subprocess.PIPE)
            times.append((time.perf_counter() - t0) * 1000)
        count = r.stdout.count(b"\n")
    return statistics.median(times), count


def story_bench(ix, n: int, seed: int, reps: int) -> None:
    """Same story, against the generator's ground truth (its story ids)."""
    import random

    import gen_library

    by_index = {}
    for d in ix.docs:
        name = Path(d.path).name
        if name[:6].isdigit():
            by_index[int(name[:6])] = d.path
    groups: dict[int, list[int]] = {}
    for i in by_index:
        s = gen_library.story_of(seed, i, n)
        if s is not None:
            groups.setdefault(s, []).append(i)
    multi = sorted(g for g in groups.values() if len(g) >= 2)
    if not multi:
        return
    rng = random.Random(seed)
    sample = rng.sample(multi, min(30, len(multi)))
    tp = fp = fn = 0
    times = []
    for g in sample:
        ms, hits = time_query(lambda: ix.same_story(by_index[g[0]]), reps)
        times.append(ms)
        truth = {by_index[i] for i in g[1:]}
        got = {h.path for h in hits}
        tp += len(got & truth)
        fp += len(got - truth)
        fn += len(truth - got)
    print(f"\nSAME STORY ({len(sample)} articles of generated multi-article stories; ground truth "
          f"from gen_library.story_of)")
    print(f"same_story: precision {tp / max(1, tp + fp):.2f}, recall {tp / max(1, tp + fn):.2f} "
          f"({tp} found, {fp} wrong, {fn} missed); p50 {percentile(times, 50):.1f} ms, "
          f"p95 {percentile(times, 95):.1f} ms")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "copydesk-bench")
    ap.add_argument("--source", choices=("db", "files"), default="db")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--fzf-reps", type=int, default=3)
    ap.add_argument("--limit", type=int, default=20)
    a = ap.parse_args(argv)
    a.cache.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    lib = ensure_library(a.cache, a.articles, a.seed)
    if a.source == "db":
        ix, build_s, mem_mb, build_peak = build_from_db(a.cache, lib, a.articles, a.seed)
    else:
        ix, build_s, mem_mb, build_peak = build_from_files(lib)
    n_units = ix.body.n_units
    print(f"index: {len(ix)} articles, {n_units} paragraphs, {len(ix.body.terms)} body terms; "
          f"built in {build_s:.1f} s; index arrays ~{ix.nbytes() / 1e6:.0f} MB, "
          f"RSS growth {mem_mb:.0f} MB, process peak RSS {build_peak:.0f} MB (source={a.source})")
    import os as _os

    print(f"load average at start: {', '.join(f'{x:.1f}' for x in _os.getloadavg())}")

    fzf = shutil.which("fzf")
    tmp = Path(tempfile.mkdtemp(prefix="cdbench-"))
    titles_f, paras_f = tmp / "titles.txt", tmp / "paras.txt"
    if fzf:
        titles_f.write_text("".join(" ".join(d.title.split()) + "\n" for d in ix.docs), encoding="utf-8")
        with open(paras_f, "w", encoding="utf-8") as f:
            for u in range(n_units):
                f.write(" ".join(ix.store.text(u).split()) + "\n")

    rows = []
    print(f"\nTITLE SEARCH ({len(TITLE_QUERIES)} queries, median of {a.reps} runs; "
          f"'matched' = articles matching; fzf over the same {len(ix)} titles)")
    print(f"{'query':32} {'ms':>7} {'matched':>8} {'top result':40} | {'fzf ms':>7} {'fzf n':>6}")
    t_ours, t_fzf = [], []
    for q in TITLE_QUERIES:
        ms, res = time_query(lambda: ix.search_titles(q, limit=a.limit), a.reps)
        t_ours.append(ms)
        top = res[0].title[:40] if res else "-"
        fz = fzf_run(fzf, titles_f, q, a.fzf_reps) if fzf else (float("nan"), -1)
        t_fzf.append(fz[0])
        print(f"{q:32} {ms:7.2f} {ix.last_matches:8d} {top:40} | {fz[0]:7.1f} {fz[1]:6d}")
    rows.append(("titles", t_ours, t_fzf))

    print(f"\nPASSAGE SEARCH ({len(PASSAGE_QUERIES)} queries over {n_units} paragraphs, "
          f"median of {a.reps} runs; fzf over the same paragraphs, one per line)")
    print(f"{'query':32} {'ms':>7} {'matched':>8} {'top score':>9} | {'fzf ms':>7} {'fzf n':>7} {'fzf %':>6}")
    p_ours, p_fzf = [], []
    for q in PASSAGE_QUERIES:
        ms, res = time_query(lambda: ix.search_passages(q, limit=a.limit), a.reps)
        p_ours.append(ms)
        fz = fzf_run(fzf, paras_f, q, 1) if fzf else (float("nan"), -1)
        p_fzf.append(fz[0])
        top = f"{res[0].score:9.1f}" if res else f"{'-':>9}"
        print(f"{q:32} {ms:7.2f} {ix.last_matches:8d} {top} | {fz[0]:7.0f} {fz[1]:7d} "
              f"{100 * fz[1] / max(1, n_units):5.1f}%")
    rows.append(("passages", p_ours, p_fzf))

    print("\nSAME PASSAGE (10 random paragraphs)")
    import random

    rng = random.Random(a.seed)
    s_times = []
    for u in rng.sample(range(n_units), 10):
        d = ix.docs[int(ix.unit_doc[u])]
        ms, res = time_query(lambda: ix.same_passage(d.path, int(ix.unit_idx[u])), a.reps)
        s_times.append(ms)
    print(f"same_passage: p50 {percentile(s_times, 50):.1f} ms, p95 {percentile(s_times, 95):.1f} ms")

    story_bench(ix, a.articles, a.seed, a.reps)

    print(f"\nload average at end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("SUMMARY (per-query medians)")
    for name, ours, theirs in rows:
        print(f"{name:9} copydesk p50 {percentile(ours, 50):7.2f} ms  p95 {percentile(ours, 95):7.2f} ms"
              f"   | fzf p50 {percentile(theirs, 50):8.1f} ms  p95 {percentile(theirs, 95):8.1f} ms")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
