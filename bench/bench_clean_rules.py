"""CPU cost of the cleaner's text rules (``text_units`` + ``clean_units``), now vs a baseline commit.

    python bench/bench_clean_rules.py [--rounds N] [--base COMMIT] [--lib N]

Three corpora, each timed with ``time.process_time`` (CPU, not wall: the
machine is shared), baseline and current alternating, median of N rounds:

- ``text``: the 50 eval pages' plain text (``../shared/eval/extraction-dev/pages``),
  the whole ``clean()`` text path's rule part;
- ``html-rules``: the same pages' HTML, converted to Markdown ONCE by the
  current ``html.py`` (outside the timing), then only the text rules on that
  Markdown with the page's meta, as ``clean(kind="html")`` runs them;
- ``lib``: N files of the generated 10k library (``/tmp/copydesk-bench/lib-10000-s1``,
  every k-th), whole ``clean()`` as the index runs it.

The baseline is the text-rule modules (text, units, meta, patterns,
stopwords) of ``--base`` (default c7f1e74), loaded from git into a private
package so both run in this process. Prints ms/page, µs/unit and the ratio.
"""

from __future__ import annotations

import argparse
import atexit
import gzip
import importlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EVAL = ROOT.parent / "shared" / "eval" / "extraction-dev"
LIB = Path("/tmp/copydesk-bench/lib-10000-s1")
MODULES = ("stopwords", "patterns", "meta", "units", "text")


def load_base(commit: str):
    """The rule modules of *commit* as package ``_cd_base_rules``: (text_units, clean_units)."""
    tmp = Path(tempfile.mkdtemp(prefix="cd-base-rules-"))
    atexit.register(shutil.rmtree, tmp, True)
    pkg = tmp / "_cd_base_rules"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for m in MODULES:
        src = subprocess.run(["git", "show", f"{commit}:tui/core/clean/{m}.py"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
        (pkg / f"{m}.py").write_text(src.replace("tui.core.clean.", "_cd_base_rules.")
                                     .replace("from tui.core.clean import patterns", "from _cd_base_rules import patterns"))
    sys.path.insert(0, str(tmp))
    units = importlib.import_module("_cd_base_rules.units")
    text = importlib.import_module("_cd_base_rules.text")
    return units.text_units, text.clean_units


def corpora(lib_n: int):
    from tui.core.clean.html import html_to_markdown
    from tui.core.textio import strip_controls

    texts = [(p.read_text("utf-8", "replace"), False, None) for p in sorted((EVAL / "pages").glob("*.txt"))]
    html = []
    for p in sorted((EVAL / "html").iterdir()):
        if p.name.endswith(".gz"):
            raw = gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
        elif p.suffix in (".html", ".htm"):
            raw = p.read_text("utf-8", "replace")
        else:
            continue
        md, meta = html_to_markdown(raw)
        meta.pop("note", None)
        html.append((strip_controls(md), True, {k: strip_controls(v) for k, v in meta.items()}))
    lib = []
    if LIB.is_dir() and lib_n:
        files = sorted(LIB.rglob("*.txt"))
        step = max(1, len(files) // lib_n)
        lib = [(p.read_text("utf-8", "replace"), False, None) for p in files[::step][:lib_n]]
    return {"text": texts, "html-rules": html, "lib": lib}


def run(fns, docs) -> tuple[float, int]:
    text_units, clean_units = fns
    units = 0
    t = time.process_time()
    for text, md, meta in docs:
        us = text_units(text, markdown=md, limit=50_000)
        units += len(us)
        clean_units(us, markdown=md, html_meta=dict(meta) if meta is not None else None)
    return time.process_time() - t, units


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--base", default="c7f1e74")
    ap.add_argument("--lib", type=int, default=400, help="library files to time (0: none)")
    args = ap.parse_args()
    base = load_base(args.base)
    from tui.core.clean.text import clean_units
    from tui.core.clean.units import text_units

    now = (text_units, clean_units)
    import os

    print(f"load average {os.getloadavg()[0]:.2f}; {args.rounds} rounds, CPU time medians; baseline {args.base}")
    print(f"{'corpus':<11} {'docs':>5} {'units':>6} {'base ms/doc':>12} {'now ms/doc':>11} "
          f"{'base µs/unit':>13} {'now µs/unit':>12} {'speed-up':>9}")
    for name, docs in corpora(args.lib).items():
        if not docs:
            continue
        run(base, docs[:3]), run(now, docs[:3])  # warm up
        tb, tn = [], []
        for _ in range(args.rounds):
            t, nu = run(base, docs)
            tb.append(t)
            t, nu = run(now, docs)
            tn.append(t)
        mb, mn = statistics.median(tb), statistics.median(tn)
        nd = len(docs)
        print(f"{name:<11} {nd:>5} {nu:>6} {mb / nd * 1e3:>12.3f} {mn / nd * 1e3:>11.3f} "
              f"{mb / nu * 1e6:>13.1f} {mn / nu * 1e6:>12.1f} {mb / mn:>8.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
