#!/usr/bin/env python3
"""Library index figures: cold ``copydesk index``, warm scan, entries(), article().

    python bench/bench_index.py [--articles 10000] [--lib DIR] [--repeat 3] [--jobs 2]
                                [--home DIR] [--skip-cold] [--compare-rev REV ...]

Generates the library with ``bench/gen_library.py`` (seed 1) when ``--lib``
does not exist yet. Prints, in the same run (medians):

- cold ``copydesk index`` of the whole library into a fresh home (the
  figure; target <= 20 s for 10k on 2 cores), next to two baselines that
  split it: the same command with a no-op cleaner (read, hash, pool, SQLite:
  the index's own overhead) and the cleaner alone, timed on a sample in
  this process and scaled to the library over the workers (the cleaner's
  share of the floor);
- warm ``Library.scan()`` (nothing changed: stat only; target < 1 s at 10k);
- ``Library.entries()`` (the source list's one query) and
  ``Library.article(path)`` (one body, on demand);
- the database size.

With ``--skip-cold --home DIR`` it only measures the warm figures on an
existing index (for 100k, whose cold index takes minutes).

``--compare-rev REV`` (repeatable) also runs the no-op-cleaner cold index
with the code of git revision REV (exported to a temporary folder), taking
turns with this tree's run, so both see the same machine load; it prints
both medians (CPU of all processes, split into the main process and the
workers, wall, database size). ``--noop-only`` skips everything else.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

NOOP_FUNC = """
from tui.core.model import Article, Block
def noop(text, *, kind="text", name=""):
    return Article(title=name, blocks=[Block("paragraph", p) for p in text.split("\\n\\n") if p.strip()])
"""
NOOP_CLEANER = """
import resource
import sys
import tui.core.clean as c
""" + NOOP_FUNC + """
c.clean = noop
from tui.cli import main
rc = main(sys.argv[1:])
s, w = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"cpu-split: {s.ru_utime + s.ru_stime:.3f} {w.ru_utime + w.ru_stime:.3f}", file=sys.stderr)
sys.exit(rc)
"""


def median(xs):
    return statistics.median(xs)


def ensure_library(lib: Path, n: int) -> None:
    if lib.exists() and any(lib.iterdir()):
        return
    subprocess.run([sys.executable, str(HERE / "gen_library.py"), str(lib), "--articles", str(n)],
                   check=True)


def cold_index(lib: Path, jobs: int, noop: bool = False, tree: Path | None = None,
               stats: dict | None = None) -> tuple[float, str]:
    """Wall seconds and a summary of one cold ``copydesk index`` into a fresh
    home (with *tree*'s code when given). *stats* gets ``cpu``, ``main``,
    ``workers`` (CPU seconds; the split only with the no-op cleaner) and ``db`` (MB)."""
    home = Path(tempfile.mkdtemp(prefix="cd-bench-home-"))
    try:
        env = dict(os.environ)
        if tree is not None:
            env["PYTHONPATH"] = str(tree)
        if noop:
            script = home / "noop_index.py"
            script.write_text(NOOP_CLEANER)
            cmd = [sys.executable, str(script)]
        else:
            cmd = [sys.executable, "-m", "tui"]
        cmd += ["index", str(lib), "--home", str(home / "h"), "--jobs", str(jobs)]
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(home))
        dt = time.perf_counter() - t0
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
        if r.returncode != 0:
            raise SystemExit(f"index failed: {r.stderr[-2000:]}")
        size = (home / "h" / "copydesk.db").stat().st_size
        split = [l.split()[1:] for l in r.stderr.splitlines() if l.startswith("cpu-split:")]
        if stats is not None:
            stats.update(cpu=cpu, db=size / 1e6, wall=dt)
            if split:
                stats.update(main=float(split[0][0]), workers=float(split[0][1]))
        summary = " ".join(l for l in r.stdout.splitlines()
                           if l.split(":")[0] in ("indexed", "failed", "unchanged"))
        where = (f" = main {float(split[0][0]):.1f} + workers {float(split[0][1]):.1f}"
                 if split else "")
        return dt, f"{summary}, db {size / 1e6:.0f} MB, CPU {cpu:.1f} s (all processes{where})"
    finally:
        shutil.rmtree(home, ignore_errors=True)


def export_rev(rev: str, dest: Path) -> str:
    """The tree of git revision *rev* in *dest* (``git archive``); its short hash."""
    dest.mkdir(parents=True)
    short = subprocess.run(["git", "-C", str(HERE.parent), "rev-parse", "--short", rev],
                           capture_output=True, text=True, check=True).stdout.strip()
    archive = subprocess.run(["git", "-C", str(HERE.parent), "archive", rev, "tui", "data"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    if (dest / "data").is_dir() and not (dest / "tui" / "data").exists():
        (dest / "tui" / "data").symlink_to(dest / "data")
    return short


def noop_cost(lib: Path) -> float:
    """CPU seconds of the no-op cleaner itself over every file of *lib* (the
    same in every revision: a stand-in for the cleaner, not index work)."""
    from tui.core.library import iter_article_files
    from tui.core.textio import bytes_to_text

    ns: dict = {}
    exec(NOOP_FUNC, ns)
    noop = ns["noop"]
    texts = [bytes_to_text(p.read_bytes()) for p in iter_article_files([lib])]
    t0 = time.process_time()
    for t in texts:
        noop(t)
    return time.process_time() - t0


def compare_revs(lib: Path, jobs: int, revs: list[str], repeat: int) -> None:
    """No-op-cleaner cold index: this tree against each of *revs*, taking turns."""
    tmp = Path(tempfile.mkdtemp(prefix="cd-bench-revs-"))
    try:
        trees: list[tuple[str, Path | None]] = [("this tree", None)]
        for i, rev in enumerate(revs):
            d = tmp / f"r{i}"
            trees.append((export_rev(rev, d), d))
        runs: dict[str, list[dict]] = {name: [] for name, _ in trees}
        loads = []
        for _ in range(repeat):
            for name, tree in trees:
                st: dict = {}
                cold_index(lib, jobs, noop=True, tree=tree, stats=st)
                runs[name].append(st)
                loads.append(os.getloadavg()[0])
        meds: dict[str, float] = {}
        print(f"no-op-cleaner cold index, {repeat} runs each, taking turns (load "
              f"{min(loads):.1f}-{max(loads):.1f}); medians:")
        for name, _ in trees:
            rs = runs[name]
            med = {k: median([r[k] for r in rs if k in r]) for k in ("cpu", "main", "workers",
                                                                      "wall", "db")
                   if any(k in r for r in rs)}
            cpus = ", ".join(f"{r['cpu']:.2f}" for r in rs)
            split = (f" (main {med['main']:.2f} + workers {med['workers']:.2f})"
                     if "main" in med else "")
            print(f"  {name:>10}: CPU {med['cpu']:.2f} s{split}, wall {med['wall']:.2f} s, "
                  f"db {med['db']:.0f} MB  [CPU runs: {cpus}]")
            meds[name] = med["cpu"]
        stand_in = noop_cost(lib)
        here = meds["this tree"]
        print(f"  the no-op cleaner itself: {stand_in:.2f} CPU-s (timed alone, same in every tree); "
              "the index's own work without it: " + ", ".join(
                  f"{name} {cpu - stand_in:.2f} s" for name, cpu in meds.items())
              + "; this tree / rev: " + ", ".join(
                  f"{(here - stand_in) / (cpu - stand_in):.2f} ({name})"
                  for name, cpu in meds.items() if name != "this tree"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def cleaner_only(lib: Path, sample: int) -> tuple[float, float]:
    """(CPU ms per file for clean() alone, wall ms per file for read+decode) on a sample."""
    from tui.core.clean import clean
    from tui.core.library import iter_article_files
    from tui.core.textio import decode, kind_of

    files = list(iter_article_files([lib]))
    rng = random.Random(7)
    picked = rng.sample(files, min(sample, len(files)))
    t0 = time.perf_counter()
    texts = [(p, decode(p.read_bytes())) for p in picked]
    t_read = time.perf_counter() - t0
    for p, t in texts[:20]:  # warm-up: lazy imports, regex compilation
        clean(t, kind=kind_of(p), name=str(p))
    t0 = time.process_time()  # CPU time: the machine may be shared
    for p, t in texts:
        clean(t, kind=kind_of(p), name=str(p))
    t_clean = time.process_time() - t0
    return t_clean / len(texts) * 1000, t_read / len(texts) * 1000


def warm_figures(lib: Path, home: Path, repeat: int) -> dict[str, str]:
    from tui.core.db import Database
    from tui.core.library import Library

    db = Database.open(home)
    library = Library(db, [lib])
    out = {}
    scans, reports = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        reports.append(library.scan())
        scans.append(time.perf_counter() - t0)
    r = reports[-1]
    out["warm scan (nothing changed)"] = (f"{median(scans):.3f} s  (unchanged {r.unchanged}, "
                                          f"indexed {r.indexed})")
    times, entries = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        entries = library.entries()
        times.append(time.perf_counter() - t0)
    out["entries()"] = f"{median(times) * 1000:.0f} ms  ({len(entries)} rows)"
    rng = random.Random(3)
    paths = [e.path for e in rng.sample(entries, min(50, len(entries))) if e.ok]
    times = []
    for p in paths:
        t0 = time.perf_counter()
        library.article(p)
        times.append(time.perf_counter() - t0)
    out["article(path)"] = f"{median(times) * 1000:.2f} ms  (median of {len(paths)})"
    db.close()
    out["database size"] = f"{(home / 'copydesk.db').stat().st_size / 1e6:.0f} MB"
    return out


def big_article(repeat: int) -> str:
    """``Library.article()`` of a ~1 MB article (2,000 paragraphs of plain
    text), as indexed now (doc format 2: the texts come from ``paragraphs``)
    and with the same row rewritten as before (``Article.to_dict()`` JSON,
    texts inside), alternating; medians."""
    import json

    from tui.core.db import Database
    from tui.core.library import Library

    rng = random.Random(5)
    words = ("the council met on tuesday to discuss the budget residents of the northern "
             "district said bus routes made their commutes longer engineers found cracks").split()
    tmp = Path(tempfile.mkdtemp(prefix="cd-bench-big-"))
    try:
        (tmp / "lib").mkdir()
        paras = [" ".join(rng.choice(words) for _ in range(rng.randint(60, 110))).capitalize() + "."
                 for _ in range(2000)]
        (tmp / "lib" / "report.txt").write_text("A long report\n\n" + "\n\n".join(paras) + "\n")
        db = Database.open(tmp / "h")
        lib = Library(db, [tmp / "lib"])
        lib.scan()
        path = lib.entries()[0].path
        new_doc, aid = db.execute("SELECT doc, id FROM articles WHERE path = ?", (path,)).fetchone()
        art = lib.article(path)
        old_doc = json.dumps(art.to_dict(), ensure_ascii=False)
        times: dict[str, list[float]] = {"v2": [], "old": []}
        for _ in range(max(repeat, 7)):
            for kind, doc in (("v2", new_doc), ("old", old_doc)):
                with db.transaction() as c:
                    c.execute("UPDATE articles SET doc = ? WHERE id = ?", (doc, aid))
                t0 = time.perf_counter()
                got = lib.article(path)
                times[kind].append(time.perf_counter() - t0)
                assert got == art
        size = (tmp / "lib" / "report.txt").stat().st_size
        db.close()
        return (f"{median(times['v2']) * 1000:.1f} ms  (baseline, the old full-JSON row: "
                f"{median(times['old']) * 1000:.1f} ms; {size / 1e6:.2f} MB, {len(art.blocks)} blocks)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--lib", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--home", type=Path, default=None,
                    help="an index to measure warm figures on (default: a fresh one)")
    ap.add_argument("--skip-cold", action="store_true")
    ap.add_argument("--skip-noop", action="store_true", help="no no-op-cleaner baseline")
    ap.add_argument("--sample", type=int, default=300, help="files for the cleaner-only figure")
    ap.add_argument("--compare-rev", action="append", default=[], metavar="REV",
                    help="also run the no-op-cleaner cold index with git revision REV's code")
    ap.add_argument("--noop-only", action="store_true",
                    help="only the no-op-cleaner comparison (with --compare-rev)")
    args = ap.parse_args(argv)
    lib = args.lib or Path(tempfile.gettempdir()) / f"copydesk-bench-lib-{args.articles}"
    ensure_library(lib, args.articles)
    from tui.core.clean import CLEANER_VERSION
    from tui.core.library import iter_article_files

    n = sum(1 for _ in iter_article_files([lib]))
    rev = subprocess.run(["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip()
    print(f"library: {lib} ({n} files), jobs {args.jobs}, cpus {os.cpu_count()}, "
          f"cleaner v{CLEANER_VERSION}, commit {rev}, load {os.getloadavg()[0]:.1f}")
    if args.compare_rev:
        compare_revs(lib, args.jobs, args.compare_rev, args.repeat)
    if args.noop_only:
        return 0
    if not args.skip_cold:
        ms_clean, ms_read = cleaner_only(lib, args.sample)
        print(f"baseline  clean() alone: {ms_clean:.2f} CPU ms/file, read+decode {ms_read:.2f} ms/file"
              f" -> cleaner floor for {n} files on {args.jobs} workers: "
              f"{n * ms_clean / 1000 / args.jobs:.1f} s")
        noop = [cold_index(lib, args.jobs, noop=True)
                for _ in range(0 if args.skip_noop else args.repeat)]
        if noop:
            print(f"baseline  cold index, no-op cleaner (index overhead): "
                  f"{median([t for t, _ in noop]):.1f} s  [{noop[-1][1]}]")
        stats: list[dict] = []
        cold = []
        for _ in range(args.repeat):
            stats.append({})
            cold.append(cold_index(lib, args.jobs, stats=stats[-1]))
        cpu = median([st["cpu"] for st in stats])
        print(f"          (load {os.getloadavg()[0]:.1f}; on a shared machine CPU seconds / jobs is "
              f"the better guide to an idle machine's wall time)")
        print(f"FIGURE    cold copydesk index: {median([t for t, _ in cold]):.1f} s "
              f"(runs: {', '.join(f'{t:.1f}' for t, _ in cold)}); CPU of all processes "
              f"{cpu:.1f} s / {args.jobs} = {cpu / args.jobs:.1f} s  [{cold[-1][1]}]  "
              f"target <= 20 s at 10k")
    home = args.home
    tmp = None
    if home is None:
        tmp = Path(tempfile.mkdtemp(prefix="cd-bench-warm-"))
        home = tmp / "h"
        subprocess.run([sys.executable, "-m", "tui", "index", str(lib), "--home", str(home),
                        "--jobs", str(args.jobs)], check=True, capture_output=True)
    try:
        for k, v in warm_figures(lib, home, max(args.repeat, 5)).items():
            print(f"FIGURE    {k}: {v}")
        print(f"FIGURE    article(path), 1 MB article: {big_article(args.repeat)}")
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
