"""Long fuzzing run of the decoder and the cleaner (hypothesis).

The test suite runs 1,000 examples of each property (tests/test_textio.py,
tests/test_hostile.py); this runs many more and keeps going after a
failure, printing every distinct failing example (shrunk) and the rate.

    python bench/fuzz_clean.py                  # 20,000 examples per property
    python bench/fuzz_clean.py --examples 2000 --only cleaner

Properties (the same as the tests):
- decode(bytes): never raises; no control character but \\n and \\t; no
  \\r; no lone surrogate; strip_controls(out) == out.
- strip_controls(str): no control character; idempotent; only removes.
- clean(text, kind) for kind in text/markdown/html: never raises; no
  control character anywhere in the article; output words come from the
  input; and (reported separately) clean(article.markdown(), "markdown")
  gives the same blocks.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))


def run_property(name: str, strategy, check, examples: int, seed: int) -> tuple[int, dict]:
    from hypothesis import HealthCheck, given, seed as hseed, settings

    failures: dict[str, tuple[str, str]] = {}
    count = 0

    @hseed(seed)
    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(strategy)
    def prop(args):
        nonlocal count
        count += 1
        try:
            check(*args)
        except Exception as e:  # noqa: BLE001 - collect, keep fuzzing
            key = f"{type(e).__name__}: {str(e)[:80]}"
            if key not in failures:
                failures[key] = (repr(args)[:400], traceback.format_exc(limit=3)[-600:])

    prop()
    return count, failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--examples", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--only", choices=("decode", "strip", "cleaner", "idempotent"), action="append")
    args = ap.parse_args(argv)

    from hypothesis import strategies as st

    import test_hostile as th
    import test_textio as tt
    from tui.core.textio import decode, looks_binary, strip_controls

    def check_decode(data: bytes) -> None:
        out = decode(data)
        assert tt.no_controls(out) and "\r" not in out
        out.encode("utf-8")
        assert strip_controls(out) == out
        looks_binary(data)

    def check_strip(s: str) -> None:
        out = strip_controls(s)
        assert tt.no_controls(out)
        assert strip_controls(out) == out
        it = iter(s)
        assert all(ch in it for ch in out)

    kinds = st.sampled_from(th.KINDS)
    props = {
        "decode": (st.tuples(tt.fuzz_bytes), check_decode),
        "strip": (st.tuples(tt.fuzz_text), check_strip),
        "cleaner": (st.tuples(th.fuzz_doc, kinds),
                    lambda t, k: th.check_clean_properties(t, k, idempotent=False)),
        "idempotent": (st.tuples(th.fuzz_doc, kinds), th.check_clean_properties),
    }
    bad = 0
    print(f"fuzz_clean: {args.examples} examples per property, seed {args.seed}, "
          f"kinds {th.KINDS}, python {sys.version.split()[0]}")
    for name, (strategy, check) in props.items():
        if args.only and name not in args.only:
            continue
        t0 = time.perf_counter()
        n, failures = run_property(name, strategy, check, args.examples, args.seed)
        dt = time.perf_counter() - t0
        status = "ok" if not failures else f"{len(failures)} distinct failure(s)"
        print(f"{name:11s} {n:7d} examples  {dt:7.1f} s  {n / dt:8.0f} ex/s  {status}")
        for key, (example, tb) in failures.items():
            bad += 1
            print(f"    - {key}\n      example: {example}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
