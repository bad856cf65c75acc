#!/usr/bin/env python3
"""Reading pane speed: a 1 MB article in ArticleView vs Textual's Markdown.

    python bench/bench_reader.py [--runs 7] [--size 1000000] [--md-fraction 0.1]

Builds a ~1 MB article from the bundled seed articles (their cleaned blocks
repeated, so the text has real typography: curly quotes, dashes, headings,
quotes) and measures, in the same run, in a headless Textual app at 120x40:

* ArticleView: ``load()`` + first screen painted (``load`` then one
  ``pilot.pause()``, which lets Textual compose and paint a frame), median
  of N; the widget's own share (load + rendering the visible lines) apart;
* the same with an empty ``pilot.pause()`` (the frame overhead floor);
* Textual's ``Markdown`` widget showing the same article as Markdown: on a
  slice (default 10%) because the full text takes tens of seconds; the
  figure for the whole is extrapolated linearly and labelled as such;
* scrolling: time per page (``space``: page down + cursor move + paint),
  median over many pages, and lines rendered per page.

The goal (issue 6): open + first paint of a 1 MB article <= 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual.app import App, ComposeResult  # noqa: E402
from textual.geometry import Region  # noqa: E402

from tui.core.model import Article, Block  # noqa: E402
from tui.ui.widgets.article_view import ArticleView  # noqa: E402

SIZE = (120, 40)


def seed_blocks() -> list[Block]:
    from tui.core.clean import clean_file

    blocks: list[Block] = []
    for path in sorted((ROOT / "data").glob("*.txt")):
        try:
            blocks.extend(clean_file(path).blocks)
        except Exception:  # noqa: BLE001 - fall back to raw lines
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    blocks.append(Block("paragraph", line.strip()))
    return blocks


def big_article(size: int) -> Article:
    base = seed_blocks()
    blocks: list[Block] = []
    total = 0
    i = 0
    part = 0
    while total < size:
        if i % len(base) == 0:
            part += 1
            blocks.append(Block("heading", f"Part {part}", len(blocks), len(blocks) + 1))
        b = base[i % len(base)]
        kind = b.kind
        if kind == "paragraph" and i % 23 == 5:
            kind = "item"
        blocks.append(Block(kind, b.text, len(blocks), len(blocks) + 1, b.level))
        total += len(b.text.encode("utf-8")) + 2
        i += 1
    return Article(title="A long report, assembled from the seed articles", outlet="Bench",
                   author="Nobody", published="2024-11-18", blocks=blocks)


class ViewApp(App):
    def compose(self) -> ComposeResult:
        yield ArticleView()


class MarkdownApp(App):
    def compose(self) -> ComposeResult:
        from textual.widgets import Markdown

        yield Markdown()


class FrameClock:
    """Timestamps the next frame the app composes (headless apps compose
    frames but don't write them: we render them to terminal bytes here, as
    a real terminal driver would, so that cost is counted)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.armed = False
        self.when = 0.0
        original = app._display

        def display(screen, renderable) -> None:
            if renderable is not None and self.armed:
                from textual._compositor import CompositorUpdate

                if isinstance(renderable, CompositorUpdate):
                    renderable.render_segments(app.console)
                self.when = time.perf_counter()
                self.armed = False
            original(screen, renderable)

        app._display = display

    def arm(self) -> None:
        self.armed = True
        self.when = 0.0

    async def wait(self, timeout: float = 10.0) -> float:
        start = time.perf_counter()
        while self.armed and time.perf_counter() - start < timeout:
            await asyncio.sleep(0.0005)
        return self.when


async def bench_view(article: Article, runs: int) -> dict:
    out: dict = {"paint": [], "widget": [], "complete": [], "idle": [], "page": [],
                 "lines_per_page": [], "page_widget": []}
    app = ViewApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        view.focus()
        clock = FrameClock(app)
        await pilot.pause()
        region = view.scrollable_content_region
        for _ in range(runs):
            view.load(None)
            await pilot.pause()
            # load() -> the first frame with the article composed and rendered.
            before = view.lines_rendered
            clock.arm()
            t0 = time.perf_counter()
            view.load(article)
            t_frame = await clock.wait()
            out["paint"].append(t_frame - t0)
            assert view.lines_rendered > before, "the first frame did not show the article"
            # The rest of the layout goes on in the background.
            while not view.layout_complete:
                await asyncio.sleep(0.001)
            out["complete"].append(time.perf_counter() - t0)
            await pilot.pause()
            out["idle"].append(time.perf_counter() - t0)

            # The widget's own share: load + layout of the first screen + render it.
            view.load(None)
            await pilot.pause()
            t0 = time.perf_counter()
            view.load(article)
            for y in range(region.height):
                view.render_line(y)
            out["widget"].append(time.perf_counter() - t0)
            await pilot.pause()

        view.load(article)
        await pilot.pause()
        out["layout_lines"] = len(view._lines)
        for _ in range(60):
            # Key press -> frame (Pilot's key delivery included).
            before = view.lines_rendered
            clock.arm()
            t0 = time.perf_counter()
            await pilot.press("space")
            t_frame = await clock.wait()
            out["page"].append(t_frame - t0)
            await pilot.pause()
            out["lines_per_page"].append(view.lines_rendered - before)
            # The widget's own work for a page: the action + rendering the new screen.
            t0 = time.perf_counter()
            view.action_page_down()
            for y in range(region.height):
                view.render_line(y)
            out["page_widget"].append(time.perf_counter() - t0)
            await pilot.pause()
        out["children"] = len(view.children)
    return out


async def bench_markdown(text: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        app = MarkdownApp()
        async with app.run_test(size=SIZE) as pilot:
            from textual.widgets import Markdown

            md = app.query_one(Markdown)
            await pilot.pause()
            t0 = time.perf_counter()
            await md.update(text)
            await pilot.pause()
            times.append(time.perf_counter() - t0)
    return times


def ms(x: float) -> str:
    return f"{x * 1000:8.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--size", type=int, default=1_000_000, help="article size in bytes")
    ap.add_argument("--md-fraction", type=float, default=0.1,
                    help="fraction of the article given to Textual's Markdown widget")
    ap.add_argument("--md-runs", type=int, default=3)
    args = ap.parse_args()

    import textual

    article = big_article(args.size)
    text = article.text()
    md_full = article.markdown()
    md_slice = md_full[: int(len(md_full) * args.md_fraction)]
    md_slice = md_slice[: md_slice.rfind("\n\n") + 1]

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"Textual {textual.__version__}, terminal {SIZE[0]}x{SIZE[1]} (headless)")
    print(f"article: {len(text.encode('utf-8')) / 1e6:.2f} MB of text, {len(article.blocks)} blocks")

    r = asyncio.run(bench_view(article, args.runs))
    med = statistics.median
    print(f"\nArticleView (median of {args.runs}):")
    print(f"  load -> first frame painted        {ms(med(r['paint']))}   (goal <= 200 ms)")
    print(f"    widget's own work in it          {ms(med(r['widget']))}   (load + lay out the first screen + render it)")
    print(f"  whole layout done (background)     {ms(med(r['complete']))}   ({r['layout_lines']} lines; the UI stays responsive)")
    print(f"  app idle again (Pilot pause)       {ms(med(r['idle']))}")
    print(f"  child widgets mounted              {r['children']:8d}")
    print(f"  scroll: key -> frame, per page     {ms(med(r['page']))}   "
          f"(space via Pilot; p90 {statistics.quantiles(r['page'], n=10)[-1] * 1000:.1f} ms; "
          f"{med(r['lines_per_page']):.0f} lines rendered per page; {len(r['page'])} pages)")
    print(f"    widget's own work per page       {ms(med(r['page_widget']))}   "
          f"(page_down action + render the new screen)")

    md = asyncio.run(bench_markdown(md_slice, args.md_runs))
    mdm = statistics.median(md)
    frac = len(md_slice) / len(md_full)
    print(f"\nTextual Markdown widget, same article, first {frac:.0%} only ({len(md_slice) / 1e3:.0f} KB; "
          f"median of {args.md_runs}):")
    print(f"  update + first screen painted    {ms(mdm)}")
    print(f"  whole article, extrapolated x{1 / frac:.0f}  {mdm / frac:8.1f} s   (linear estimate, not measured)")
    print(f"\nArticleView's first frame for the whole article comes {mdm / med(r['paint']):.0f}x sooner than "
          f"Markdown's for {frac:.0%} of it.")


if __name__ == "__main__":
    main()
