"""The source list on a real library database: fill, title filter, memory.

Compares, in the same run (alternating, medians), copydesk's windowed
SourceList (rows read from SQL a page at a time, tui.core.listing; filter by
FTS5 trigram) with the previous one (every article read by
``Library.entries()`` into an ``Entry`` + ``EntryOption``, filter by
``casefold`` over every title), taken from git (``--base``, default the
commit before the windowed list).

    python bench/bench_source_list.py --lib LIB --home HOME [--runs 5] [--base REV]

Figures (wall ms and CPU ms of this process, medians over runs):

- fill: from handing the list its data (incl. the query) to the first paint;
- filter, per keystroke: a few words typed one character at a time (each
  prefix is one keystroke: set_filter + repaint); p50 and p95 over them,
  to the new rows painted (the windowed list matches in a worker thread:
  that wait included; CPU of all threads) and the event loop's share
  (set_filter, plus applying the matches when they arrive; the repaint,
  the same for both, not included);
- rows built (EntryOptions) after fill + all keystrokes;
- memory: tracemalloc peak of the fill (Python objects the list holds).

The home's database must be migrated (open it once with the current
copydesk); the bench only reads it.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT_DIR))

from textual.app import App  # noqa: E402

from tui.core.db import Database  # noqa: E402
from tui.core.library import Library  # noqa: E402
from tui.core.listing import Listing  # noqa: E402
from tui.ui.widgets.source_list import EntryOption, SourceList  # noqa: E402

#: The commit before the windowed list (its SourceList held every entry).
BASE = "ff8543f"
WORDS = ["market", "photo of", "the ", "election", "apple", "ing", "xq", "covid vaccine"]


def keystrokes() -> list[str]:
    out = []
    for w in WORDS:
        out += [w[:i] for i in range(1, len(w) + 1)]
    return out


def old_widget_class(base: str):
    src = subprocess.run(["git", "-C", str(ROOT_DIR), "show", f"{base}:tui/ui/widgets/source_list.py"],
                         capture_output=True, text=True, check=True).stdout
    path = Path(tempfile.mkdtemp(prefix="cd-old-list-")) / "old_source_list.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location("old_source_list", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.SourceList


class ListApp(App):
    CSS = "SourceList { width: 38; height: 1fr; }"

    def __init__(self, widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self):
        yield self.widget


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(t: tuple[float, float]) -> tuple[float, float]:
    return (time.perf_counter() - t[0]) * 1000, (time.process_time() - t[1]) * 1000


async def one_run(home: Path, lib: Path, new: bool, old_cls, trace: bool) -> dict:
    db = Database.open(home)
    widget = SourceList() if new else old_cls()
    app = ListApp(widget)
    res: dict = {}
    prompts0 = EntryOption.prompts
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        if trace:
            tracemalloc.start()
        t = _clock()
        if new:
            listing = Listing(db, [lib])
            widget.set_listing(listing)
        else:
            widget.set_entries(Library(db, [lib]).entries())
        await pilot.pause()
        res["fill"] = _since(t)
        if trace:
            res["mem"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        res["count"] = widget.option_count
        idle = []
        for _ in range(10):  # the floor: a keystroke that changes nothing, + repaint
            t = _clock()
            widget.set_filter("")
            await pilot.pause()
            idle.append(_since(t))
        res["idle"] = idle
        keys, blocked = [], []
        on_loop = [0.0]
        if new:  # the matches arrive on the event loop through _matched
            matched = widget._matched

            def timed_matched(*a):
                t1 = time.perf_counter()
                matched(*a)
                on_loop[0] += time.perf_counter() - t1

            widget._matched = timed_matched
        for q in keystrokes():
            on_loop[0] = 0.0
            t = _clock()
            widget.set_filter(q)
            on_loop[0] += time.perf_counter() - t[0]
            # the windowed list matches in a worker thread: wait for the rows
            await app.workers.wait_for_complete()
            await pilot.pause()
            keys.append(_since(t))
            blocked.append(on_loop[0] * 1000)
            assert widget.query == q.strip() or not new
        widget.set_filter("")
        await pilot.pause()
        res["keys"] = keys
        res["blocked"] = blocked
        res["built"] = (widget.built, EntryOption.prompts - prompts0) if new else (
            len(widget._all_options), sum(1 for o in widget._all_options if o._built))
    db.close()
    return res


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lib", type=Path, required=True)
    ap.add_argument("--home", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--base", default=BASE, help="git revision of the previous SourceList")
    args = ap.parse_args()
    lib = args.lib.resolve()
    old_cls = old_widget_class(args.base)
    runs: dict[bool, list[dict]] = {True: [], False: []}
    for i in range(args.runs):
        for new in (True, False):
            runs[new].append(asyncio.run(one_run(args.home, lib, new, old_cls, trace=(i == 0))))
    med = statistics.median
    print(f"library {lib}: {runs[True][0]['count']} articles; load {os.getloadavg()[0]:.1f}; "
          f"runs {args.runs}; {len(keystrokes())} keystrokes ({', '.join(repr(w) for w in WORDS)})")
    for new in (True, False):
        rs = runs[new]
        label = "windowed SourceList (SQL)" if new else f"previous SourceList ({args.base}, baseline)"
        fill_w = med(r["fill"][0] for r in rs)
        fill_c = med(r["fill"][1] for r in rs)
        keys_w = [med(r["keys"][k][0] for r in rs) for k in range(len(keystrokes()))]
        keys_c = [med(r["keys"][k][1] for r in rs) for k in range(len(keystrokes()))]
        blocked = [med(r["blocked"][k] for r in rs) for k in range(len(keystrokes()))]
        print(f"{label}:")
        print(f"  fill + first paint: {fill_w:7.1f} ms wall, {fill_c:7.1f} ms CPU; "
              f"Python memory held/peak during fill {rs[0]['mem'] / 1e6:.1f} MB")
        print(f"  filter per keystroke, to the new rows painted: p50 {pct(keys_w, .5):6.1f} ms, "
              f"p95 {pct(keys_w, .95):6.1f} ms wall; CPU (all threads) p50 {pct(keys_c, .5):6.1f} ms, "
              f"p95 {pct(keys_c, .95):6.1f} ms; worst {max(keys_w):6.1f} ms "
              f"({keystrokes()[keys_w.index(max(keys_w))]!r})")
        print(f"  event loop busy per keystroke (set_filter, and applying the matches; not the "
              f"repaint): p50 "
              f"{pct(blocked, .5):6.1f} ms, p95 {pct(blocked, .95):6.1f} ms wall")
        idle_w = med(x[0] for r in rs for x in r["idle"])
        idle_c = med(x[1] for r in rs for x in r["idle"])
        print(f"  floor (a keystroke changing nothing, + repaint): {idle_w:6.1f} ms wall, "
              f"{idle_c:6.1f} ms CPU")
        print(f"  row options created / rows rendered (prompts built), fill + keystrokes: "
              f"{med(r['built'][0] for r in rs):.0f} / {med(r['built'][1] for r in rs):.0f}")


if __name__ == "__main__":
    main()
