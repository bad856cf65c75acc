"""Batch cleaning throughput: copydesk's cleaner vs trafilatura, same HTML, same run.

    python bench/bench_clean.py [--rounds N] [DIR]

DIR defaults to ../shared/eval/extraction-dev/html (``*.html.gz`` or
``*.html``). Both extractors run in this one process over every page, for N
rounds (alternating, to share the machine's noise); the median pages/s of
each and their ratio are printed. Also prints the plain-text path's pages/s.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def load(folder: Path) -> list[str]:
    docs = []
    for p in sorted(folder.iterdir()):
        if p.name.endswith(".html.gz"):
            docs.append(gzip.decompress(p.read_bytes()).decode("utf-8", "replace"))
        elif p.suffix in (".html", ".htm"):
            docs.append(p.read_text("utf-8", "replace"))
    return docs


def rate(fn, docs) -> float:
    t = time.perf_counter()
    for d in docs:
        fn(d)
    return len(docs) / (time.perf_counter() - t)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", default=str(ROOT.parent / "shared" / "eval" / "extraction-dev" / "html"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--cli", type=int, default=0, metavar="COPIES",
                    help="also time the batch command `copydesk clean --format json` (its process pool, "
                         "start-up included) over COPIES copies of the pages")
    args = ap.parse_args()
    docs = load(Path(args.folder))
    if not docs:
        print(f"no HTML pages in {args.folder}", file=sys.stderr)
        return 2
    from tui.core.clean import clean

    try:
        import trafilatura
    except ImportError as e:
        print(f"trafilatura is not importable ({e}); pip install 'copydesk[bench]'", file=sys.stderr)
        return 2

    def ours(d):
        return clean(d, kind="html").text()

    def theirs(d):
        return trafilatura.extract(d)

    ours(docs[0]), theirs(docs[0])  # warm up imports
    r_ours, r_theirs = [], []
    for _ in range(args.rounds):
        r_ours.append(rate(ours, docs))
        r_theirs.append(rate(theirs, docs))
    mo, mt = statistics.median(r_ours), statistics.median(r_theirs)
    text_dir = Path(args.folder).parent / "pages"
    texts = [p.read_text("utf-8", "replace") for p in sorted(text_dir.glob("*.txt"))] if text_dir.is_dir() else []
    print(f"{len(docs)} HTML pages, {args.rounds} rounds (medians)")
    print(f"copydesk clean (html), one process:        {mo:8.1f} pages/s")
    print(f"trafilatura.extract, one process:          {mt:8.1f} pages/s")
    print(f"ratio, one process each:                   {mo / mt:8.1f}x")
    if texts:
        rt = statistics.median(rate(lambda d: clean(d).text(), texts) for _ in range(args.rounds))
        print(f"copydesk clean (plain text of the same pages): {rt:8.1f} pages/s")
    if args.cli:
        import subprocess
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            n = 0
            for c in range(args.cli):
                for i, d in enumerate(docs):
                    Path(tmp, f"{c:03d}_{i:03d}.html").write_text(d, encoding="utf-8")
                    n += 1
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "tui", "clean", "--format", "json", tmp],
                           cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
            cli = n / (time.perf_counter() - t)
        print(f"`copydesk clean --format json` on {n} files (pool of {__import__('os').cpu_count()}, "
              f"start-up included): {cli:8.1f} pages/s = {cli / mt:.1f}x trafilatura in one process")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
