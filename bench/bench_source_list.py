"""The source list at 100k rows: fill + first paint, and a title filter.

Compares, in the same run, copydesk's SourceList (lazy rows, fixed-height
line bookkeeping) with a stock Textual OptionList given the same rows as
ready-made two-line Content prompts (the straightforward way). Medians of N.

    python bench/bench_source_list.py [--rows 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App  # noqa: E402
from textual.widgets import OptionList  # noqa: E402

from tui.core.library import Entry  # noqa: E402
from tui.ui.widgets.source_list import SourceList, row_content  # noqa: E402


def make_entries(n: int) -> list[Entry]:
    return [Entry(id=i, path=f"/library/{i // 1000:03d}/{i:06d}.html",
                  title=f"Story number {i}: officials weigh the plan to reopen the old bridge",
                  outlet="The Capital Wire", published="2024-11-18T10:00", words=900 + i % 700,
                  read=bool(i % 3), marks=i % 5)
            for i in range(n)]


class ListApp(App):
    CSS = """
    SourceList, OptionList { width: 38; height: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, stock: bool) -> None:
        super().__init__()
        self.stock = stock

    def compose(self):
        yield OptionList() if self.stock else SourceList()


async def one_run(entries: list[Entry], stock: bool) -> tuple[float, float]:
    app = ListApp(stock)
    async with app.run_test(size=(120, 40)) as pilot:
        widget = app.query_one(OptionList)
        t0 = time.perf_counter()
        if stock:
            widget.set_options([row_content(e) for e in entries])
        else:
            widget.set_entries(entries)
        await pilot.pause()
        fill = time.perf_counter() - t0
        t0 = time.perf_counter()
        if stock:
            q = "number 4242"
            widget.set_options([row_content(e) for e in entries if q in e.title.casefold()])
        else:
            widget.set_filter("number 4242")
        await pilot.pause()
        filt = time.perf_counter() - t0
    return fill, filt


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    entries = make_entries(args.rows)
    res: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for _ in range(args.runs):
        for stock in (False, True):
            res[stock].append(asyncio.run(one_run(entries, stock)))
    for stock, label in ((False, "copydesk SourceList"), (True, "stock OptionList (baseline)")):
        fill = statistics.median(r[0] for r in res[stock]) * 1000
        filt = statistics.median(r[1] for r in res[stock]) * 1000
        print(f"{label:28s} {args.rows} rows: fill + first paint {fill:8.1f} ms, "
              f"title filter {filt:7.1f} ms (median of {args.runs})")


if __name__ == "__main__":
    main()
