"""clean() time on adversarial inputs (the hang guards of issue 7).

    python bench/bench_clean_limits.py [--mb 5] [--rounds 3]

Each input is a single line of one pattern repeated to the given size (or
many short lines, or deeply nested HTML); the baseline, in the same run, is
the same size of ordinary prose on one line. Medians of --rounds runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PATTERNS = ["[", "![", "**a ", "[a](", "(", "<", "*", "_", "`", "#", " ", ".", "a ", "1. ", "> "]


def timed(text: str, kind: str, rounds: int) -> float:
    from tui.core.clean import clean

    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        clean(text, kind=kind).markdown()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=5.0)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    size = int(a.mb * 1_000_000)
    prose = "The council met on Tuesday and argued about the budget, which was late. "
    cases = [("prose line (baseline)", prose * (size // len(prose)), "text")]
    cases += [(f"line of {p!r}", p * (size // len(p)), "text") for p in PATTERNS]
    cases += [("400,000 short lines", "\n".join(f"line {i} word" for i in range(400_000)), "text")]
    cases += [(f"{n:,} nested <div>", "<div>" * n + "<p>" + prose + "</p>", "html") for n in (20_000, 100_000)]
    cases += [("<p>a  x 1,000,000", "<p>a " * 1_000_000, "html")]
    print(f"clean() on adversarial inputs, {a.mb:g} MB lines, median of {a.rounds}")
    for name, text, kind in cases:
        print(f"  {name:28s} {kind:5s} {len(text) / 1e6:5.1f} MB  {timed(text, kind, a.rounds):6.2f} s")


if __name__ == "__main__":
    main()
