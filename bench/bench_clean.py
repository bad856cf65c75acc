"""Batch cleaning throughput: copydesk's cleaner vs trafilatura, same HTML, same run.

    python bench/bench_clean.py [--rounds N] [--no-bytes] [--cli COPIES] [DIR]

DIR defaults to ../shared/eval/extraction-dev/html (``*.html.gz`` or
``*.html``). Both extractors run in this one process over every page, for N
rounds, alternating (ours, then trafilatura, every round, so both share the
machine's noise); nothing is cached across rounds, trafilatura runs with its
defaults (``trafilatura.extract(page)``). Printed: the median pages/s (wall)
and ms/page (wall and CPU) of each, their ratio, then

- the HTML front end alone (``html.html_to_markdown``: parse, prune, main
  content, conversion) and lexbor's parse alone, CPU ms/page, measured in
  the same alternating rounds (the rest of ``clean`` is the text rules);
- unless ``--no-bytes``: the same pages given as bytes, decoding included
  for both (ours: ``textio.decode`` as the CLI does, then ``clean``;
  trafilatura: ``extract(bytes)``, its own decoding);
- the plain-text path's pages/s; with ``--cli``, the batch command.

The machine's load average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def load(folder: Path) -> list[bytes]:
    docs = []
    for p in sorted(folder.iterdir()):
        if p.name.endswith(".html.gz"):
            docs.append(gzip.decompress(p.read_bytes()))
        elif p.suffix in (".html", ".htm"):
            docs.append(p.read_bytes())
    return docs


def rate(fn, docs) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one pass of *fn* over *docs*."""
    w, c = time.perf_counter(), time.process_time()
    for d in docs:
        fn(d)
    return time.perf_counter() - w, time.process_time() - c


def alternate(fns: dict, docs, rounds: int) -> dict:
    """Each of *fns* over *docs*, *rounds* times, one after the other in
    every round; median (wall, CPU) seconds of a pass per name."""
    runs: dict[str, list] = {k: [] for k in fns}
    for _ in range(rounds):
        for k, fn in fns.items():
            runs[k].append(rate(fn, docs))
    return {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in runs.items()}


def load_avg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "n/a"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", default=str(ROOT.parent / "shared" / "eval" / "extraction-dev" / "html"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--no-bytes", action="store_true", help="skip the pages-as-bytes variant")
    ap.add_argument("--cli", type=int, default=0, metavar="COPIES",
                    help="also time the batch command `copydesk clean --format json` (its process pool, "
                         "start-up included) over COPIES copies of the pages")
    args = ap.parse_args()
    raw = load(Path(args.folder))
    docs = [b.decode("utf-8", "replace") for b in raw]
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

    from selectolax.lexbor import LexborHTMLParser

    from tui.core.clean.html import html_to_markdown
    from tui.core.textio import decode

    ours(docs[0]), theirs(docs[0]), html_to_markdown(docs[0])  # warm up imports
    n = len(docs)
    print(f"{n} HTML pages, {args.rounds} rounds (medians); load average at start: {load_avg()}")
    m = alternate({"ours": ours, "theirs": theirs, "front": html_to_markdown, "parse": LexborHTMLParser},
                  docs, args.rounds)
    (wo, co), (wt, ct) = m["ours"], m["theirs"]
    print(f"copydesk clean (html), one process:        {n / wo:8.1f} pages/s  "
          f"({1e3 * wo / n:.2f} ms/page wall, {1e3 * co / n:.2f} CPU)")
    print(f"trafilatura.extract, one process:          {n / wt:8.1f} pages/s  "
          f"({1e3 * wt / n:.2f} ms/page wall, {1e3 * ct / n:.2f} CPU)")
    print(f"ratio, one process each:                   {wt / wo:8.1f}x  (CPU: {ct / co:.1f}x)")
    traf_rate = n / wt
    cf, cp = m["front"][1], m["parse"][1]
    print(f"  of which the HTML front end (html_to_markdown): {1e3 * cf / n:.2f} CPU ms/page "
          f"(lexbor's parse of the str alone, its UTF-8 encoding included: {1e3 * cp / n:.2f}); "
          f"text rules and the rest: {1e3 * (co - cf) / n:.2f}")
    if not args.no_bytes:
        mb = alternate({"ours": lambda b: clean(decode(b), kind="html").text(),
                        "theirs": lambda b: trafilatura.extract(b)}, raw, args.rounds)
        (bo, bco), (bt, bct) = mb["ours"], mb["theirs"]
        print(f"pages as bytes, decoding included:         {n / bo:8.1f} vs {n / bt:.1f} pages/s = "
              f"{bt / bo:.1f}x  (CPU: {bct / bco:.1f}x)")
    text_dir = Path(args.folder).parent / "pages"
    texts = [p.read_text("utf-8", "replace") for p in sorted(text_dir.glob("*.txt"))] if text_dir.is_dir() else []
    if texts:
        rt = alternate({"text": lambda d: clean(d).text()}, texts, args.rounds)["text"][0]
        print(f"copydesk clean (plain text of the same pages): {len(texts) / rt:8.1f} pages/s")
    if args.cli:
        import subprocess
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            files = 0
            for c in range(args.cli):
                for i, d in enumerate(docs):
                    Path(tmp, f"{c:03d}_{i:03d}.html").write_text(d, encoding="utf-8")
                    files += 1
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "tui", "clean", "--format", "json", tmp],
                           cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
            cli = files / (time.perf_counter() - t)
        print(f"`copydesk clean --format json` on {files} files (pool of {os.cpu_count()}, "
              f"start-up included): {cli:8.1f} pages/s = {cli / traf_rate:.1f}x trafilatura in one process")
    print(f"load average at the end: {load_avg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
