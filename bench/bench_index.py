#!/usr/bin/env python3
"""Library index figures: cold ``copydesk index``, warm scan, entries(), article().

    python bench/bench_index.py [--articles 10000] [--lib DIR] [--repeat 3] [--jobs 2]
                                [--home DIR] [--skip-cold]

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

NOOP_CLEANER = """
import sys
import tui.core.clean as c
from tui.core.model import Article, Block
def noop(text, *, kind="text", name=""):
    return Article(title=name, blocks=[Block("paragraph", p) for p in text.split("\\n\\n") if p.strip()])
c.clean = noop
from tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


def median(xs):
    return statistics.median(xs)


def ensure_library(lib: Path, n: int) -> None:
    if lib.exists() and any(lib.iterdir()):
        return
    subprocess.run([sys.executable, str(HERE / "gen_library.py"), str(lib), "--articles", str(n)],
                   check=True)


def cold_index(lib: Path, jobs: int, noop: bool = False) -> tuple[float, str]:
    home = Path(tempfile.mkdtemp(prefix="cd-bench-home-"))
    try:
        if noop:
            script = home / "noop_index.py"
            script.write_text(NOOP_CLEANER)
            cmd = [sys.executable, str(script)]
        else:
            cmd = [sys.executable, "-m", "tui"]
        cmd += ["index", str(lib), "--home", str(home / "h"), "--jobs", str(jobs)]
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True)
        dt = time.perf_counter() - t0
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
        if r.returncode != 0:
            raise SystemExit(f"index failed: {r.stderr[-2000:]}")
        size = (home / "h" / "copydesk.db").stat().st_size
        summary = " ".join(l for l in r.stdout.splitlines()
                           if l.split(":")[0] in ("indexed", "failed", "unchanged"))
        return dt, f"{summary}, db {size / 1e6:.0f} MB, CPU {cpu:.1f} s (all processes)"
    finally:
        shutil.rmtree(home, ignore_errors=True)


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
        cold = [cold_index(lib, args.jobs) for _ in range(args.repeat)]
        print(f"          (load {os.getloadavg()[0]:.1f}; on a shared machine CPU seconds / jobs is "
              f"the better guide to an idle machine's wall time)")
        print(f"FIGURE    cold copydesk index: {median([t for t, _ in cold]):.1f} s "
              f"(runs: {', '.join(f'{t:.1f}' for t, _ in cold)})  [{cold[-1][1]}]  target <= 20 s at 10k")
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
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
